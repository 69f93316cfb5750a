// SPDX-License-Identifier: Apache-2.0
#include "track/check_cycle.h"

namespace vigil::track {

const char* fate_name(ReportFate fate) {
    switch (fate) {
        case ReportFate::Accepted: return "accepted";
        case ReportFate::Duplicate: return "duplicate";
        case ReportFate::Late: return "late";
    }
    return "?";
}

ReportFate CheckCycle::report() {
    switch (phase_) {
        case Phase::Waiting:
            phase_ = Phase::Answered;
            return ReportFate::Accepted;
        case Phase::TimedOut:
            phase_ = Phase::Answered;
            return ReportFate::Late;
        case Phase::Answered: break;
    }
    return ReportFate::Duplicate;
}

}  // namespace vigil::track
