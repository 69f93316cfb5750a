/* SPDX-License-Identifier: Apache-2.0 */
// The Prometheus text exposition (format 0.0.4) of a DaemonStatus: what
// /metrics serves (docs/vigilctl.md, "Metrics"). No I/O.
#pragma once

#include <string>

#include "control/status.h"

namespace vigil::control {

std::string metrics_text(const DaemonStatus& status);

}  // namespace vigil::control
