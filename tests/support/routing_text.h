/* SPDX-License-Identifier: Apache-2.0 */
// Pure readings of what the routing daemons and iproute2 print, for the
// anycast tests (support/bird.h runs the programs): the next hops of a route
// in `ip -j route show` output, whether `birdc show protocols NAME` reports a
// BGP session Established, and one host's copy of a contrib/anycast example.
// No I/O here: tests/unit/routing_text_test.cpp covers it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace vigil::test {

// The gateways of the routes in `ip -j route show PREFIX` output: a multipath
// route lists them under "nexthops", a single path has "gateway". A route
// without a gateway (dev only, blackhole) adds none; output that is not a
// JSON array of routes gives nullopt, so a test can tell "no path" from "ip
// failed".
inline std::optional<std::set<std::string>> route_gateways(const std::string& ip_json) {
    auto routes = nlohmann::json::parse(ip_json, nullptr, false);
    if (routes.is_discarded() || !routes.is_array()) return std::nullopt;
    std::set<std::string> out;
    for (const auto& route : routes) {
        if (!route.is_object()) return std::nullopt;
        if (auto hops = route.find("nexthops"); hops != route.end() && hops->is_array()) {
            for (const auto& hop : *hops)
                if (hop.is_object() && hop.contains("gateway") && hop["gateway"].is_string()) out.insert(hop["gateway"].get<std::string>());
        } else if (auto gw = route.find("gateway"); gw != route.end() && gw->is_string()) {
            out.insert(gw->get<std::string>());
        }
    }
    return out;
}

// True if `birdc show protocols NAME` output has NAME's row with the BGP
// state Established (the Info column). BIRD prints a header and one row per
// protocol: "NAME  BGP  ---  up  HH:MM:SS.mmm  Established"; a session that
// is not up says Idle, Connect, Active, OpenSent or OpenConfirm there.
inline bool bird_protocol_established(const std::string& show_protocols, const std::string& name) {
    std::istringstream in(show_protocols);
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string first, word;
        words >> first;
        if (first != name) continue;
        while (words >> word)
            if (word == "Established") return true;
    }
    return false;
}

// One host's copy of a contrib/anycast host example (written for h1,
// 192.0.2.11 in AS 65001): its `router id` and `local as` replaced. nullopt
// if the example lacks either line (the examples changed: the test must
// notice, not run h2 as a second h1).
inline std::optional<std::string> bird_config_for_host(const std::string& config, const std::string& router_id, int local_as) {
    static const std::regex id(R"(\brouter id [0-9.]+;)"), as(R"(\blocal as [0-9]+;)");
    if (!std::regex_search(config, id) || !std::regex_search(config, as)) return std::nullopt;
    auto out = std::regex_replace(config, id, "router id " + router_id + ";", std::regex_constants::format_first_only);
    return std::regex_replace(out, as, "local as " + std::to_string(local_as) + ";", std::regex_constants::format_first_only);
}

}  // namespace vigil::test
