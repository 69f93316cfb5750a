/* SPDX-License-Identifier: Apache-2.0 */
// One interface and family as VRRP sees it: the shared raw socket, its read
// event on the loop, and dispatch of decoded adverts to instances by VRID.
// Drops that happen before an instance is known are counted here.
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "net/address.h"
#include "vrrp/packet.h"

struct event;
struct event_base;

namespace vigil::net {
class VrrpSocket;
}

namespace vigil::vrrp {

class Instance;

class Endpoint {
public:
    Endpoint(event_base* base, std::string ifname, net::Family family);
    ~Endpoint();
    Endpoint(const Endpoint&) = delete;
    Endpoint& operator=(const Endpoint&) = delete;

    const std::string& ifname() const { return ifname_; }
    net::Family family() const { return family_; }

    void attach(Instance& instance);
    void detach(Instance& instance);
    bool empty() const { return instances_.empty(); }

    // Opens the socket if the interface exists and it is not open yet (the
    // interface may appear after start). Returns false while it cannot; an
    // interface that exists but refuses a socket is retried every
    // kReopenInterval, its instances FAULT meanwhile.
    bool ensure_open();
    static constexpr std::chrono::seconds kReopenInterval{1};

    const std::array<uint64_t, kDropReasonCount>& drops() const { return drops_; }

private:
    static void on_readable(int fd, short what, void* self);
    static void on_retry(int fd, short what, void* self);
    void read_all();

    event_base* base_;
    std::string ifname_;
    net::Family family_;
    int ifindex_ = 0;
    std::unique_ptr<net::VrrpSocket> socket_;
    event* read_event_ = nullptr;
    event* retry_event_ = nullptr;
    std::map<uint8_t, Instance*> instances_;
    std::array<uint64_t, kDropReasonCount> drops_{};
    std::vector<uint8_t> buffer_;
    std::string last_error_;
};

}  // namespace vigil::vrrp
