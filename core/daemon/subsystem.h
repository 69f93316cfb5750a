/* SPDX-License-Identifier: Apache-2.0 */
// The narrow interface between the daemon shell and the parts that do the
// work (VRRP instances, trackers, notifiers). The shell owns the event loop,
// the config and the signals; a subsystem sees only validated configs.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/model.h"

struct event_base;

namespace vigil::daemon {

class Subsystem {
public:
    virtual ~Subsystem() = default;
    virtual const char* name() const = 0;
    // At start and after every accepted reload; never called with a config
    // that failed validation.
    virtual void apply(const config::Config& config) = 0;
    // SIGUSR1: log what this subsystem is doing.
    virtual void dump() const = 0;
    // Graceful stop (a master sends priority 0, VIPs are removed, ...).
    virtual void stop() = 0;
};

// A subsystem's running parts by name, as read-only views for status and tests.
template <typename T>
std::vector<const T*> views_of(const std::map<std::string, std::unique_ptr<T>>& running) {
    std::vector<const T*> out;
    for (const auto& [name, part] : running) out.push_back(part.get());
    return out;
}

template <typename T>
const T* view_of(const std::map<std::string, std::unique_ptr<T>>& running, const std::string& name) {
    auto it = running.find(name);
    return it == running.end() ? nullptr : it->second.get();
}

}  // namespace vigil::daemon
