/* SPDX-License-Identifier: Apache-2.0 */
// At most one log line per period for a problem that can repeat at every
// check (a plugin that always reports twice would otherwise write a line a
// second): the first at once, then one per period telling how many were left
// out meanwhile. Time is injected: no clock, no I/O.
#pragma once

#include <cstdint>
#include <optional>

namespace vigil::log {

class RateLimit {
public:
    explicit RateLimit(int64_t period_us) : period_us_(period_us) {}

    // Whether the occurrence at `now_us` (any monotonic origin) is logged;
    // when it is, `left_out` is how many were not since the last one that was.
    bool admit(int64_t now_us, uint64_t& left_out);

private:
    int64_t period_us_;
    std::optional<int64_t> last_logged_us_;
    uint64_t left_out_ = 0;
};

}  // namespace vigil::log
