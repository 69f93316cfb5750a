/* SPDX-License-Identifier: Apache-2.0 */
// Applying `route` / `rule` values (an instance's, or [global]'s static
// ones) through config/route_syntax.h.
#pragma once

#include <vector>

#include "config/key_table.h"
#include "config/route_syntax.h"

namespace vigil::config {

template <typename T, std::vector<RouteConfig> T::*List>
void apply_route(T& section, Value& v) {
    if (!v.present()) return;
    auto parsed = parse_route(v.text());
    if (!parsed.problem.empty()) v.error(parsed.problem);
    else (section.*List).push_back({parsed.route, v.where()});
}

template <typename T, std::vector<RuleConfig> T::*List>
void apply_rule(T& section, Value& v) {
    if (!v.present()) return;
    auto parsed = parse_rule(v.text());
    if (!parsed.problem.empty()) v.error(parsed.problem);
    else (section.*List).push_back({parsed.rule, v.where()});
}

}  // namespace vigil::config
