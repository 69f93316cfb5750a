/* SPDX-License-Identifier: Apache-2.0 */
// The syntax of `route` / `static_route` and `rule` / `static_rule` values:
// a subset of keepalived's virtual_routes / virtual_rules lines (themselves
// `ip route add` / `ip rule add` arguments), so that a keepalived line maps
// nearly word for word. Pure: no I/O (table names are not looked up in
// /etc/iproute2/rt_tables).
#pragma once

#include <string>
#include <string_view>

#include "net/route.h"

namespace vigil::config {

// A route's or rule's parse: `problem` is empty or says what is wrong, in the
// words of a config error ("'nexthop' is not supported: ...").
struct ParsedRoute {
    std::string problem;
    net::Route route;
};
struct ParsedRule {
    std::string problem;
    net::Rule rule;
};

// [blackhole|unreachable|prohibit] [to] DEST|default [via|gw ADDR] [dev|oif IF]
// [src ADDR] [table N|main|default|local] [metric|priority|preference N]
// [scope global|site|link|host|nowhere] [onlink] [inet|inet6]
ParsedRoute parse_route(std::string_view text);

// [from PREFIX|all] [to PREFIX|all] [iif|dev IF] [oif IF] [fwmark N[/MASK]]
// table|lookup N | blackhole|unreachable|prohibit
// priority|preference|prio|order N [inet|inet6]
ParsedRule parse_rule(std::string_view text);

}  // namespace vigil::config
