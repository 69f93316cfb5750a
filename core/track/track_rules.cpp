// SPDX-License-Identifier: Apache-2.0
#include "track/track_rules.h"

#include <algorithm>

namespace vigil::track {

bool TrackState::apply(const Result& r) {
    bool was_up = up_;
    auto old_value = value_;
    last_ok_ = r.ok;
    last_reason_ = r.reason;
    if (r.value) value_ = r.value;
    auto why = r.reason.empty() ? std::string(r.ok ? "check succeeded" : "check failed") : r.reason;
    if (r.ok) {
        failures_ = 0;
        if (++successes_ >= rise_ && !up_) {
            up_ = true;
            reason_ = why;
            explained_ = true;
        }
    } else {
        successes_ = 0;
        if (++failures_ >= fall_ && up_) {
            up_ = false;
            reason_ = why;
            explained_ = true;
        }
    }
    // A tracker still in its initial state says "not checked yet" until a
    // result confirms that state: then that result is why.
    if (!explained_ && r.ok == up_) {
        reason_ = why;
        explained_ = true;
    }
    return up_ != was_up || value_ != old_value;
}

void TrackState::force_down(const std::string& reason) {
    up_ = false;
    last_ok_ = false;
    successes_ = 0;
    failures_ = fall_;
    reason_ = last_reason_ = reason;
    explained_ = true;
    value_.reset();
}

Effective effective_priority(int base, const std::vector<Contribution>& contributions) {
    Effective e;
    int delta = 0;
    std::string why;
    for (const auto& c : contributions) {
        const auto& s = *c.state;
        if (s.value()) {
            // keepalived's track_file: the number in the file times the weight;
            // with weight 0 any non-zero number is a fault.
            if (c.weight == 0 && *s.value() != 0) {
                e.fault = true;
                e.reason = c.name + " reads " + std::to_string(*s.value());
            } else if (c.weight != 0 && *s.value() != 0) {
                delta += static_cast<int>(std::clamp<int64_t>(*s.value() * c.weight, -254, 254));
                why = c.name + " reads " + std::to_string(*s.value());
            }
            continue;
        }
        if (c.weight == 0) {
            if (!s.up()) {
                e.fault = true;
                e.reason = c.name + " is down: " + s.reason();
            }
        } else if (c.weight < 0 && !s.up()) {
            delta += c.weight;
            why = c.name + " is down: " + s.reason();
        } else if (c.weight > 0 && s.up()) {
            delta += c.weight;
            why = c.name + " is up";
        }
    }
    e.priority = base == 255 ? 255 : std::clamp(base + delta, 1, 254);
    if (!e.fault) e.reason = delta == 0 ? "all trackers as configured" : why;
    return e;
}

}  // namespace vigil::track
