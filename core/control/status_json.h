/* SPDX-License-Identifier: Apache-2.0 */
// The status reply's fields as JSON (docs/vigilctl.md, "status --json"):
// what vigilctl, scripts and the tests read, so its keys never change.
#pragma once

#include <nlohmann/json.hpp>

#include "control/status.h"

namespace vigil::control {

nlohmann::json status_json(const DaemonStatus& status);

}  // namespace vigil::control
