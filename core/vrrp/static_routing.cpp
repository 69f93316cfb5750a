// SPDX-License-Identifier: Apache-2.0
#include "vrrp/static_routing.h"

#include <net/if.h>

#include <algorithm>

#include "log/logger.h"
#include "net/address_manager.h"
#include "net/route_manager.h"

namespace vigil::vrrp {
namespace {

bool same_address(const config::VirtualIp& a, const config::VirtualIp& b) {
    return a.prefix == b.prefix && a.dev == b.dev && a.label == b.label;
}

template <typename T, typename Same>
std::vector<T> missing_from(const std::vector<T>& held, const std::vector<T>& wanted, Same same) {
    std::vector<T> out;
    for (const auto& h : held)
        if (std::none_of(wanted.begin(), wanted.end(), [&](const T& w) { return same(h, w); })) out.push_back(h);
    return out;
}

}  // namespace

void StaticRouting::apply(const config::GlobalConfig& global) {
    std::vector<net::Route> routes;
    std::vector<net::Rule> rules;
    for (const auto& r : global.static_routes) routes.push_back(r.route);
    for (const auto& r : global.static_rules) rules.push_back(r.rule);
    auto equal = [](const auto& a, const auto& b) { return a == b; };
    remove(missing_from(held_addresses_, global.static_addresses, same_address), missing_from(held_routes_, routes, equal),
           missing_from(held_rules_, rules, equal));
    held_addresses_ = global.static_addresses;
    held_routes_ = routes;
    held_rules_ = rules;
    for (const auto& a : held_addresses_) {
        int ifindex = static_cast<int>(if_nametoindex(a.dev.c_str()));
        auto problem = ifindex == 0 ? "interface " + a.dev + " does not exist" : addresses_.add(ifindex, a.prefix, a.label);
        if (!problem.empty()) VLOG_ERROR("static_address %s dev %s: %s", a.prefix.str().c_str(), a.dev.c_str(), problem.c_str());
    }
    for (const auto& r : held_routes_)
        if (auto problem = routes_.add(r); !problem.empty()) VLOG_ERROR("static_route %s: %s", r.str().c_str(), problem.c_str());
    for (const auto& r : held_rules_)
        if (auto problem = routes_.add(r); !problem.empty()) VLOG_ERROR("static_rule %s: %s", r.str().c_str(), problem.c_str());
}

void StaticRouting::remove_all() {
    remove(held_addresses_, held_routes_, held_rules_);
    held_addresses_.clear();
    held_routes_.clear();
    held_rules_.clear();
}

void StaticRouting::remove(const std::vector<config::VirtualIp>& addresses, const std::vector<net::Route>& routes,
                           const std::vector<net::Rule>& rules) {
    for (const auto& r : rules)
        if (auto problem = routes_.remove(r); !problem.empty())
            VLOG_ERROR("cannot remove static_rule %s: %s", r.str().c_str(), problem.c_str());
    for (const auto& r : routes)
        if (auto problem = routes_.remove(r); !problem.empty())
            VLOG_ERROR("cannot remove static_route %s: %s", r.str().c_str(), problem.c_str());
    for (const auto& a : addresses) {
        int ifindex = static_cast<int>(if_nametoindex(a.dev.c_str()));
        if (ifindex == 0) continue;  // gone with its interface
        if (auto problem = addresses_.remove(ifindex, a.prefix); !problem.empty())
            VLOG_ERROR("cannot remove static_address %s dev %s: %s", a.prefix.str().c_str(), a.dev.c_str(), problem.c_str());
    }
}

}  // namespace vigil::vrrp
