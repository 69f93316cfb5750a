/* SPDX-License-Identifier: Apache-2.0 */
// The reports a tracker's plugin sent that answered no check (check_cycle.h):
// counted for status and metrics, and logged at warning with the tracker and
// plugin, at most once a minute for each tracker and kind, saying how many
// were left out meanwhile (a plugin that always reports twice would otherwise
// write a line at every check).
#pragma once

#include <cstdint>
#include <string>

#include "log/rate_limit.h"
#include "track/check_cycle.h"
#include "vigil/plugin.h"

namespace vigil::track {

class DroppedReports {
public:
    DroppedReports(std::string tracker, std::string plugin) : tracker_(std::move(tracker)), plugin_(std::move(plugin)) {}

    // `fate` is Duplicate or Late; `now_us` is monotonic.
    void drop(ReportFate fate, const vigil_result& report, int64_t now_us);

    uint64_t duplicate() const { return duplicate_.count; }
    uint64_t late() const { return late_.count; }

private:
    struct Kind {
        uint64_t count = 0;
        log::RateLimit log{60'000'000};
    };
    std::string tracker_, plugin_;
    Kind duplicate_, late_;
};

}  // namespace vigil::track
