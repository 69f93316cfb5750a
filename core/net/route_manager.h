/* SPDX-License-Identifier: Apache-2.0 */
// Adds and removes routes and policy rules with rtnetlink (libnl-route-3),
// with AddressManager's contract: adding what is there and removing what is
// not both succeed. vigil's routes and rules carry a protocol of its own
// (kRouteProtocol): a removal matches only those, never an equal route or rule
// an administrator or another daemon added.
#pragma once

#include <cstdint>
#include <string>

#include "net/route.h"

struct nl_sock;
struct rtnl_route;
struct rtnl_rule;

namespace vigil::net {

// The protocol of every route and rule vigil adds, and the one each removal
// asks for. Not RTPROT_STATIC (4): systemd-networkd, NetworkManager and
// `ip route add ... proto static` use it too, and a removal of ours would take
// their route to the same destination. 118 (0x76, "v") is in neither the
// kernel's list (linux/rtnetlink.h) nor iproute2's rt_protos, and no routing
// daemon we know of uses it (keepalived has 18, bird 12, babel 42, FRR 186 and
// up). `ip route` shows it as `proto 118`.
inline constexpr uint8_t kRouteProtocol = 118;

class RouteManager {
public:
    RouteManager();
    ~RouteManager();
    RouteManager(const RouteManager&) = delete;
    RouteManager& operator=(const RouteManager&) = delete;

    // Each returns "" or the kernel's reason. A route replaces one with the
    // same table, destination and metric (NLM_F_REPLACE): the master's route
    // is the configured one, whatever was there. Removing a route whose
    // `dev` no longer exists succeeds (the kernel removed it with the device).
    std::string add(const Route& route);
    std::string remove(const Route& route);
    std::string add(const Rule& rule);
    std::string remove(const Rule& rule);

private:
    nl_sock* sock_ = nullptr;
};

// The kernel objects as add() and remove() send them (`ifindex`: the route's
// dev, 0 for none); the caller puts them. Exposed for the unit tests.
rtnl_route* build_route(const Route& route, int ifindex);
rtnl_rule* build_rule(const Rule& rule);

}  // namespace vigil::net
