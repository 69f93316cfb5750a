// SPDX-License-Identifier: Apache-2.0
#include "log/rate_limit.h"

namespace vigil::log {

bool RateLimit::admit(int64_t now_us, uint64_t& left_out) {
    if (last_logged_us_ && now_us - *last_logged_us_ < period_us_) {
        ++left_out_;
        return false;
    }
    last_logged_us_ = now_us;
    left_out = left_out_;
    left_out_ = 0;
    return true;
}

}  // namespace vigil::log
