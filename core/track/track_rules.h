/* SPDX-License-Identifier: Apache-2.0 */
// The tracking rules of docs/configuration.md as pure logic: rise/fall streaks, weights
// (negative while DOWN, positive while UP, 0 = FAULT while DOWN), file
// values × weight, clamping. No I/O, no clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vigil::track {

struct Result {
    bool ok = false;
    std::string reason;
    std::optional<int64_t> value;  // file mode=value
};

// One tracker's state. It starts UP (as keepalived's scripts without
// init_fail), so a restart does not fail over before the first checks; or,
// with `initially_up` false (initial = down, keepalived's init_fail), DOWN
// until `rise` results in a row succeed, as from any other DOWN.
class TrackState {
public:
    TrackState(int rise, int fall, bool initially_up = true)
        : rise_(rise), fall_(fall), up_(initially_up), last_ok_(initially_up),
          reason_(initially_up ? "not checked yet" : "initial = down, not checked yet") {}

    // Applies one result; true when UP/DOWN or the value changed.
    bool apply(const Result& r);
    // A tracker that cannot check at all (its plugin could not create it) is
    // DOWN at once, whatever `fall` says: it fails closed, never "counts as UP".
    void force_down(const std::string& reason);

    bool up() const { return up_; }
    // A result has confirmed the state (or it was carried over a reload from
    // a checked tracker): not the initial guess. Anycast waits for this.
    bool checked() const { return explained_ || carried_; }
    void set_carried() { carried_ = true; }
    const std::string& reason() const { return reason_; }
    const std::string& last_reason() const { return last_reason_; }
    std::optional<int64_t> value() const { return value_; }
    bool last_ok() const { return last_ok_; }

private:
    int rise_, fall_;
    bool up_ = true;
    int successes_ = 0, failures_ = 0;
    bool last_ok_ = true;
    std::string reason_;  // why it is in its current state
    bool explained_ = false;  // reason_ comes from a result, not the initial state
    bool carried_ = false;
    std::string last_reason_;
    std::optional<int64_t> value_;
};

struct Contribution {
    std::string name;       // for reasons
    const TrackState* state;
    int weight;             // after per-instance overrides
};

struct Effective {
    int priority = 0;
    bool fault = false;
    std::string reason;  // what set the priority or the fault
};

// Base priority plus contributions, clamped to 1-254; an owner (255) stays 255
// but still faults.
Effective effective_priority(int base, const std::vector<Contribution>& contributions);

}  // namespace vigil::track
