/* SPDX-License-Identifier: Apache-2.0 */
// Watches rtnetlink for link and address changes on the event loop and tells
// its listener that something changed (it re-reads what it cares about), so
// instances go to FAULT when their link goes down and come back when it returns.
#pragma once

#include <functional>
#include <string>

struct event;
struct event_base;
struct nl_sock;

namespace vigil::net {

class LinkMonitor {
public:
    // Called after any link or address change; the listener re-reads the
    // interfaces it cares about (cheap, and never misses a coalesced event).
    using Listener = std::function<void()>;

    LinkMonitor(event_base* base, Listener listener);
    ~LinkMonitor();
    LinkMonitor(const LinkMonitor&) = delete;
    LinkMonitor& operator=(const LinkMonitor&) = delete;

    // "" when it is watching, else why not.
    const std::string& error() const { return error_; }

private:
    static void on_readable(int fd, short what, void* self);

    nl_sock* sock_ = nullptr;
    event* ev_ = nullptr;
    Listener listener_;
    std::string error_;
};

}  // namespace vigil::net
