/* SPDX-License-Identifier: Apache-2.0 */
// Routes and policy rules as vigil installs them (an instance's `route` and
// `rule`, [global] static_route and static_rule). Pure value types: the
// config parses them (config/value_kinds.h), net/route_manager.h hands them
// to the kernel, the supervisor's shared state copies them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "net/address.h"

namespace vigil::net {

inline constexpr uint32_t kMainTable = 254;  // RT_TABLE_MAIN

enum class RouteType { Unicast, Blackhole, Unreachable, Prohibit };
// The IPv4 route scopes `ip route` knows by name (RT_SCOPE_*).
enum class RouteScope : uint8_t { Global = 0, Site = 200, Link = 253, Host = 254, Nowhere = 255 };

const char* route_type_name(RouteType t);
const char* route_scope_name(RouteScope s);

struct Route {
    RouteType type = RouteType::Unicast;
    IpPrefix dest;                    // 0.0.0.0/0 or ::/0 for `default`
    std::optional<IpAddress> via;     // gateway
    std::string dev;                  // output interface; "" lets the kernel pick by `via`
    std::optional<IpAddress> src;     // preferred source address
    uint32_t table = kMainTable;
    std::optional<uint32_t> metric;   // none: the kernel's default (0 for IPv4, 1024 for IPv6)
    std::optional<RouteScope> scope;  // IPv4 only; none: the kernel picks (link without via)
    bool onlink = false;              // the gateway is on the link even if no prefix says so

    Family family() const { return dest.address.family(); }
    // As the config would write it, every field that is set ("192.0.2.128/26
    // via 192.0.2.1 table 100"); also what tells two routes apart.
    std::string str() const;

    friend bool operator==(const Route&, const Route&) = default;
};

enum class RuleAction { Table, Blackhole, Unreachable, Prohibit };

struct Rule {
    Family family = Family::V4;
    std::optional<IpPrefix> from, to;
    std::string iif, oif;
    std::optional<uint32_t> fwmark;
    std::optional<uint32_t> fwmask;  // only with fwmark
    RuleAction action = RuleAction::Table;
    uint32_t table = 0;              // the table looked up (action Table)
    uint32_t priority = 0;           // required: it is what tells our rule from an equal one

    std::string str() const;

    friend bool operator==(const Rule&, const Rule&) = default;
};

}  // namespace vigil::net
