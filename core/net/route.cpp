// SPDX-License-Identifier: Apache-2.0
#include "net/route.h"

namespace vigil::net {

const char* route_type_name(RouteType t) {
    switch (t) {
        case RouteType::Unicast: return "unicast";
        case RouteType::Blackhole: return "blackhole";
        case RouteType::Unreachable: return "unreachable";
        case RouteType::Prohibit: return "prohibit";
    }
    return "?";
}

const char* route_scope_name(RouteScope s) {
    switch (s) {
        case RouteScope::Global: return "global";
        case RouteScope::Site: return "site";
        case RouteScope::Link: return "link";
        case RouteScope::Host: return "host";
        case RouteScope::Nowhere: return "nowhere";
    }
    return "?";
}

std::string Route::str() const {
    std::string out;
    if (type != RouteType::Unicast) out += std::string(route_type_name(type)) + " ";
    out += dest.str();
    if (via) out += " via " + via->str();
    if (!dev.empty()) out += " dev " + dev;
    if (src) out += " src " + src->str();
    if (table != kMainTable) out += " table " + std::to_string(table);
    if (metric) out += " metric " + std::to_string(*metric);
    if (scope) out += std::string(" scope ") + route_scope_name(*scope);
    if (onlink) out += " onlink";
    return out;
}

std::string Rule::str() const {
    std::string out;
    auto add = [&](const std::string& words) { out += (out.empty() ? "" : " ") + words; };
    if (family == Family::V6 && !from && !to) add("inet6");
    if (from) add("from " + from->str());
    if (to) add("to " + to->str());
    if (!iif.empty()) add("iif " + iif);
    if (!oif.empty()) add("oif " + oif);
    if (fwmark) add("fwmark " + std::to_string(*fwmark) + (fwmask ? "/" + std::to_string(*fwmask) : ""));
    switch (action) {
        case RuleAction::Table: add("table " + std::to_string(table)); break;
        case RuleAction::Blackhole: add("blackhole"); break;
        case RuleAction::Unreachable: add("unreachable"); break;
        case RuleAction::Prohibit: add("prohibit"); break;
    }
    add("priority " + std::to_string(priority));
    return out;
}

}  // namespace vigil::net
