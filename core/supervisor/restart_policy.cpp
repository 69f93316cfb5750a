// SPDX-License-Identifier: Apache-2.0
#include "supervisor/restart_policy.h"

#include <algorithm>

namespace vigil::supervisor {

std::chrono::milliseconds RestartPolicy::next_delay(Clock::time_point started, Clock::time_point died) {
    if (!looping_ || died - started >= kHealthyAfter) {
        looping_ = true;
        last_ = std::chrono::milliseconds(0);
        return last_;
    }
    last_ = last_.count() == 0 ? kFirstBackoff : std::min(last_ * 2, kMaxBackoff);
    return last_;
}

}  // namespace vigil::supervisor
