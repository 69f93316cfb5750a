/* SPDX-License-Identifier: Apache-2.0 */
// [global] static_address, static_route and static_rule: held whatever the
// VRRP state, as keepalived's static_ipaddress / static_routes /
// static_rules. Added at start, brought in line with the config at each
// reload, removed at a clean stop (keepalived removes them at its stop too).
// A worker that dies leaves them; the next one finds them in place.
#pragma once

#include <vector>

#include "config/model.h"

namespace vigil::net {
class AddressManager;
class RouteManager;
}  // namespace vigil::net

namespace vigil::vrrp {

class StaticRouting {
public:
    StaticRouting(net::AddressManager& addresses, net::RouteManager& routes) : addresses_(addresses), routes_(routes) {}

    // Removes what the last apply added and `global` no longer has, then adds
    // everything `global` has (what is already there stays as it is).
    void apply(const config::GlobalConfig& global);
    void remove_all();

private:
    void remove(const std::vector<config::VirtualIp>& addresses, const std::vector<net::Route>& routes,
                const std::vector<net::Rule>& rules);

    net::AddressManager& addresses_;
    net::RouteManager& routes_;
    std::vector<config::VirtualIp> held_addresses_;
    std::vector<net::Route> held_routes_;
    std::vector<net::Rule> held_rules_;
};

}  // namespace vigil::vrrp
