/* SPDX-License-Identifier: Apache-2.0 */
// What an instance holds as MASTER, told to whoever must be able to resign for
// it if this process dies (the supervisor; see core/supervisor/). The instance
// calls holding() before it adds a VIP and released() after it removed them,
// so the registry always knows of every VIP that may be on an interface.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "net/address.h"
#include "net/route.h"
#include "vrrp/packet.h"

namespace vigil::vrrp {

struct HeldVip {
    int ifindex = 0;
    net::IpPrefix prefix;
};

// An [anycast] section's hold has no advert to send: its addresses or
// routes are only removed (which withdraws them from BGP).
enum class HoldKind { Instance, Anycast };

struct Hold {
    HoldKind kind = HoldKind::Instance;
    std::string instance;  // an anycast's: "anycast NAME"
    std::string ifname;
    int ifindex = 0;
    net::Family family = net::Family::V4;
    // The priority-0 advert to send, from `src` to each of `destinations`
    // (the multicast group, or the unicast peers). No source: nothing can be
    // sent, the VIPs are still removed.
    Advert resign;
    Checksum checksum = Checksum::PseudoHeader;
    std::optional<net::IpAddress> src;
    std::vector<net::IpAddress> destinations;
    // The VIPs this process added (an owner's own address is not among them).
    std::vector<HeldVip> vips;
    // The instance's routes and rules: added after the VIPs, removed with them.
    std::vector<net::Route> routes;
    std::vector<net::Rule> rules;
    // Priority 255: the addresses are this host's own. Nobody should take
    // them over while the next worker starts (it reclaims them at once).
    bool owner = false;
};

class HoldRegistry {
public:
    virtual ~HoldRegistry() = default;
    // Replaces what `hold.instance` holds; returns only once a supervisor
    // reading after this call sees it.
    virtual void holding(const Hold& hold) = 0;
    virtual void released(const std::string& instance) = 0;
};

}  // namespace vigil::vrrp
