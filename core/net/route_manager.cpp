// SPDX-License-Identifier: Apache-2.0
#include "net/route_manager.h"

#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <memory>

namespace vigil::net {
namespace {

struct RouteDeleter {
    void operator()(rtnl_route* r) const { rtnl_route_put(r); }
};
struct RuleDeleter {
    void operator()(rtnl_rule* r) const { rtnl_rule_put(r); }
};
struct AddrDeleter {
    void operator()(nl_addr* a) const { nl_addr_put(a); }
};
using AddrPtr = std::unique_ptr<nl_addr, AddrDeleter>;

int af(Family f) { return f == Family::V4 ? AF_INET : AF_INET6; }

AddrPtr to_nl(const IpAddress& a, int prefix_len) {
    AddrPtr out(nl_addr_build(af(a.family()), a.bytes().data(), a.size()));
    if (out) nl_addr_set_prefixlen(out.get(), prefix_len);
    return out;
}
AddrPtr to_nl(const IpAddress& a) { return to_nl(a, a.family() == Family::V4 ? 32 : 128); }

uint8_t kernel_type(RouteType t) {
    switch (t) {
        case RouteType::Unicast: return RTN_UNICAST;
        case RouteType::Blackhole: return RTN_BLACKHOLE;
        case RouteType::Unreachable: return RTN_UNREACHABLE;
        case RouteType::Prohibit: return RTN_PROHIBIT;
    }
    return RTN_UNICAST;
}

uint8_t kernel_action(RuleAction a) {
    switch (a) {
        case RuleAction::Table: return FR_ACT_TO_TBL;
        case RuleAction::Blackhole: return FR_ACT_BLACKHOLE;
        case RuleAction::Unreachable: return FR_ACT_UNREACHABLE;
        case RuleAction::Prohibit: return FR_ACT_PROHIBIT;
    }
    return FR_ACT_TO_TBL;
}

bool absent(int err) { return err == -NLE_OBJ_NOTFOUND || err == -NLE_NOADDR || err == -NLE_NODEV; }

}  // namespace

rtnl_route* build_route(const Route& route, int ifindex) {
    rtnl_route* r = rtnl_route_alloc();
    rtnl_route_set_family(r, static_cast<uint8_t>(af(route.family())));
    rtnl_route_set_table(r, route.table);
    rtnl_route_set_type(r, kernel_type(route.type));
    rtnl_route_set_protocol(r, kRouteProtocol);
    auto dst = to_nl(route.dest.address, route.dest.length);
    rtnl_route_set_dst(r, dst.get());
    if (route.src) rtnl_route_set_pref_src(r, to_nl(*route.src).get());
    if (route.metric) rtnl_route_set_priority(r, *route.metric);
    // As `ip route`: an explicit scope, else universe with a gateway or for a
    // blackhole/unreachable/prohibit route, link without (libnl's guess
    // would give a blackhole route link scope).
    if (route.scope) rtnl_route_set_scope(r, static_cast<uint8_t>(*route.scope));
    else if (route.type != RouteType::Unicast) rtnl_route_set_scope(r, RT_SCOPE_UNIVERSE);
    if (route.type == RouteType::Unicast) {
        rtnl_nexthop* nh = rtnl_route_nh_alloc();
        if (ifindex > 0) rtnl_route_nh_set_ifindex(nh, ifindex);
        if (route.via) rtnl_route_nh_set_gateway(nh, to_nl(*route.via).get());
        if (route.onlink) rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
        rtnl_route_add_nexthop(r, nh);  // the route owns it now
    }
    return r;
}

rtnl_rule* build_rule(const Rule& rule) {
    rtnl_rule* r = rtnl_rule_alloc();
    rtnl_rule_set_family(r, af(rule.family));
    rtnl_rule_set_prio(r, rule.priority);
    rtnl_rule_set_action(r, kernel_action(rule.action));
    rtnl_rule_set_protocol(r, kRouteProtocol);
    if (rule.action == RuleAction::Table) rtnl_rule_set_table(r, rule.table);
    if (rule.from) rtnl_rule_set_src(r, to_nl(rule.from->address, rule.from->length).get());
    if (rule.to) rtnl_rule_set_dst(r, to_nl(rule.to->address, rule.to->length).get());
    if (!rule.iif.empty()) rtnl_rule_set_iif(r, rule.iif.c_str());
    if (!rule.oif.empty()) rtnl_rule_set_oif(r, rule.oif.c_str());
    if (rule.fwmark) rtnl_rule_set_mark(r, *rule.fwmark);
    if (rule.fwmask) rtnl_rule_set_mask(r, *rule.fwmask);
    return r;
}

RouteManager::RouteManager() {
    sock_ = nl_socket_alloc();
    if (sock_ && nl_connect(sock_, NETLINK_ROUTE) != 0) {
        nl_socket_free(sock_);
        sock_ = nullptr;
    }
}

RouteManager::~RouteManager() {
    if (sock_) nl_socket_free(sock_);
}

std::string RouteManager::add(const Route& route) {
    if (!sock_) return "no netlink socket";
    int ifindex = 0;
    if (!route.dev.empty() && (ifindex = static_cast<int>(if_nametoindex(route.dev.c_str()))) == 0)
        return "interface " + route.dev + " does not exist";
    std::unique_ptr<rtnl_route, RouteDeleter> r(build_route(route, ifindex));
    int err = rtnl_route_add(sock_, r.get(), NLM_F_REPLACE);
    if (err < 0 && err != -NLE_EXIST) return nl_geterror(err);
    return "";
}

std::string RouteManager::remove(const Route& route) {
    if (!sock_) return "no netlink socket";
    int ifindex = 0;
    if (!route.dev.empty() && (ifindex = static_cast<int>(if_nametoindex(route.dev.c_str()))) == 0) return "";
    std::unique_ptr<rtnl_route, RouteDeleter> r(build_route(route, ifindex));
    int err = rtnl_route_delete(sock_, r.get(), 0);
    if (err < 0 && !absent(err)) return nl_geterror(err);
    return "";
}

std::string RouteManager::add(const Rule& rule) {
    if (!sock_) return "no netlink socket";
    std::unique_ptr<rtnl_rule, RuleDeleter> r(build_rule(rule));
    // EXCL: the kernel reports an equal rule instead of adding it twice.
    int err = rtnl_rule_add(sock_, r.get(), NLM_F_EXCL);
    if (err < 0 && err != -NLE_EXIST) return nl_geterror(err);
    return "";
}

std::string RouteManager::remove(const Rule& rule) {
    if (!sock_) return "no netlink socket";
    std::unique_ptr<rtnl_rule, RuleDeleter> r(build_rule(rule));
    int err = rtnl_rule_delete(sock_, r.get(), 0);
    if (err < 0 && !absent(err)) return nl_geterror(err);
    return "";
}

}  // namespace vigil::net
