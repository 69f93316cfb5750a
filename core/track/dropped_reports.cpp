// SPDX-License-Identifier: Apache-2.0
#include "track/dropped_reports.h"

#include "log/logger.h"

namespace vigil::track {

void DroppedReports::drop(ReportFate fate, const vigil_result& report, int64_t now_us) {
    bool late = fate == ReportFate::Late;
    auto& kind = late ? late_ : duplicate_;
    ++kind.count;
    uint64_t left_out = 0;
    if (!kind.log.admit(now_us, left_out)) return;
    std::string more = left_out ? "; " + std::to_string(left_out) + " more since the last such line" : "";
    VLOG_WARNING("tracker %s (plugin %s): dropped a %s report (%s): %s, \"%s\"%s", tracker_.c_str(), plugin_.c_str(), fate_name(fate),
                 late ? "its check had already timed out" : "no check was waiting for it", report.ok ? "ok" : "failed",
                 report.reason ? report.reason : "", more.c_str());
}

}  // namespace vigil::track
