/* SPDX-License-Identifier: Apache-2.0 */
// When to start the next worker after one died (pure; tests drive the clock).
// The first death restarts at once; a worker that dies within a minute of its
// start is a crash loop: 1 s, then each wait twice the last, at most 30 s. A
// worker that ran a minute ends the loop.
#pragma once

#include <chrono>

namespace vigil::supervisor {

class RestartPolicy {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::seconds kHealthyAfter{60};
    static constexpr std::chrono::milliseconds kFirstBackoff{1000};
    static constexpr std::chrono::milliseconds kMaxBackoff{30000};

    // The worker started at `started` and died at `died`: how long to wait
    // before starting the next one.
    std::chrono::milliseconds next_delay(Clock::time_point started, Clock::time_point died);

private:
    bool looping_ = false;
    std::chrono::milliseconds last_{0};
};

}  // namespace vigil::supervisor
