/* SPDX-License-Identifier: Apache-2.0 */
// `vigilctl status` without --json: the status reply as tables for a person.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

namespace vigil::control {

void print_status_table(const nlohmann::json& status, std::ostream& out);

}  // namespace vigil::control
