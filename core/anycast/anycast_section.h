/* SPDX-License-Identifier: Apache-2.0 */
// One [anycast] section at run time: applies decide()'s answer to the kernel
// (an address on an interface, or a route in a table, per prefix) and keeps
// the supervisor's hold current so that a dead worker's announcement is
// withdrawn for it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "anycast/anycast_state.h"
#include "config/model.h"
#include "net/address_manager.h"
#include "net/route_manager.h"
#include "vrrp/hold_registry.h"

namespace vigil::anycast {

struct PrefixState {
    net::IpPrefix prefix;
    bool announced = false;  // in the kernel as this section put it there (also when a remove failed)
    std::string problem;     // the kernel's refusal, when the last add or remove failed
};

class AnycastSection {
public:
    using TransitionListener = std::function<void(const AnycastSection&, State from, State to)>;

    AnycastSection(config::AnycastConfig config, net::AddressManager& addresses, net::RouteManager& routes,
                   vrrp::HoldRegistry* holds, TransitionListener listener);
    AnycastSection(const AnycastSection&) = delete;
    AnycastSection& operator=(const AnycastSection&) = delete;

    // Removes this section's prefixes left in the kernel by an earlier run
    // (first start only: a restarted worker's were removed by its supervisor).
    void sweep();
    // A new answer: announces or withdraws (every prefix) if it changed.
    void update(const Inputs& in);
    // A Live reload: new prefixes, trackers or notifiers; the prefixes that
    // stay are not touched (no BGP flap), dropped ones are withdrawn, new
    // ones announced if the section is. The next update() decides anew.
    void reconfigure(config::AnycastConfig config);

    const config::AnycastConfig& config() const { return config_; }
    const std::string& name() const { return config_.name; }
    State state() const { return state_; }
    const std::string& reason() const { return decision_.reason; }
    const Inputs& inputs() const { return inputs_; }
    const std::vector<PrefixState>& prefixes() const { return prefixes_; }
    // "address lo" or "route 100"
    std::string announce_text() const;
    uint64_t transitions() const { return transitions_; }
    uint64_t announce_failures() const { return announce_failures_; }

    // The name the supervisor's slot and its log use: "anycast NAME".
    static std::string hold_name(const std::string& section);

private:
    bool held() const;  // some prefix is in the kernel
    void announce_all();
    void withdraw_all();
    // The interface's index in address mode (0: it does not exist, or route
    // mode), read once per batch: a section may have 255 prefixes.
    int interface_index() const;
    // Adds or removes what announces a prefix: its route, or its address.
    std::string change_kernel(bool add, const net::IpPrefix& prefix, int ifindex);
    bool add(PrefixState& p, int ifindex);
    bool remove(PrefixState& p, int ifindex);
    void publish_hold(int ifindex);

    config::AnycastConfig config_;
    net::AddressManager& addresses_;
    net::RouteManager& routes_;
    vrrp::HoldRegistry* holds_;
    TransitionListener listener_;
    Inputs inputs_;
    Decision decision_;
    State state_ = State::Init;
    std::vector<PrefixState> prefixes_;
    uint64_t transitions_ = 0;
    uint64_t announce_failures_ = 0;
    bool hold_published_ = false;
};

}  // namespace vigil::anycast
