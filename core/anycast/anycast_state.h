/* SPDX-License-Identifier: Apache-2.0 */
// Whether a host announces an [anycast] section's prefixes, and why: pure
// logic over the trackers' states and the operator's switches, so that every
// rule is tested without a network (tests/unit/anycast_state_test.cpp).
#pragma once

#include <string>
#include <vector>

namespace vigil::anycast {

enum class State { Init, Announced, Withdrawn };
const char* state_name(State s);  // "INIT" "ANNOUNCED" "WITHDRAWN"

// One tracker of the section's `track`, as the tracking engine sees it.
struct TrackerView {
    std::string name;
    bool up = false;
    // A tracker starts UP "not checked yet" so that a restart does not fail
    // a VRRP master over; an anycast host must not announce on that alone:
    // a broken host would attract traffic at every start.
    bool checked = false;
    std::string reason;  // the tracker's, when DOWN
};

struct Inputs {
    std::vector<TrackerView> trackers;
    bool maintenance = false;
    bool stopping = false;
    bool removed = false;  // the section left the configuration
    bool moving = false;   // its `announce` changed: withdrawn here, then announced at the new place
};

struct Decision {
    bool announce = false;
    std::string reason;

    friend bool operator==(const Decision&, const Decision&) = default;
};

Decision decide(const Inputs& in);

}  // namespace vigil::anycast
