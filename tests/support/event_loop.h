/* SPDX-License-Identifier: Apache-2.0 */
// A libevent loop for unit tests that drive the host on their own, made as
// vigild makes its own (precise timer: libevent's default coarse clock ticks
// in ~4 ms, so a 100 ms timer could fire at 98.7 ms by steady_clock).
#pragma once

#include <event2/event.h>

#include <chrono>
#include <functional>

namespace vigil::test {

struct Loop {
    event_base* base = [] {
        event_config* cfg = event_config_new();
        event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
        event_base* b = event_base_new_with_config(cfg);
        event_config_free(cfg);
        return b;
    }();
    ~Loop() { event_base_free(base); }
    Loop() = default;
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    // Runs the loop until `condition` holds or `deadline` passes.
    bool until(const std::function<bool()>& condition, std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
        auto end = std::chrono::steady_clock::now() + deadline;
        while (!condition()) {
            if (std::chrono::steady_clock::now() > end) return false;
            timeval tick{0, 5'000};
            event_base_loopexit(base, &tick);
            event_base_dispatch(base);
        }
        return true;
    }
};

}  // namespace vigil::test
