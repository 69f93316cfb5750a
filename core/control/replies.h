/* SPDX-License-Identifier: Apache-2.0 */
// How vigilctl prints each command's reply (the table in commands.cpp names
// them). Each returns vigilctl's exit status. No I/O but the given streams.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "control/commands.h"

namespace vigil::control {

int render_status(const nlohmann::json& reply, const Invocation& invocation, std::ostream& out, std::ostream& err);
int render_reload(const nlohmann::json& reply, const Invocation& invocation, std::ostream& out, std::ostream& err);
int render_maintenance(const nlohmann::json& reply, const Invocation& invocation, std::ostream& out, std::ostream& err);
// The reply to a streaming command; the lines that follow it are printed as they come.
int render_subscription(const nlohmann::json& reply, const Invocation& invocation, std::ostream& out, std::ostream& err);

}  // namespace vigil::control
