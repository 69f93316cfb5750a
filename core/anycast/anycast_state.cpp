// SPDX-License-Identifier: Apache-2.0
#include "anycast/anycast_state.h"

namespace vigil::anycast {
namespace {

std::string listed(const std::vector<std::string>& names) {
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
    return out;
}

}  // namespace

const char* state_name(State s) {
    switch (s) {
        case State::Init: return "INIT";
        case State::Announced: return "ANNOUNCED";
        case State::Withdrawn: return "WITHDRAWN";
    }
    return "?";
}

Decision decide(const Inputs& in) {
    // The operator's and the daemon's own reasons come before health: they
    // hold whatever the trackers say.
    if (in.removed) return {false, "removed from the configuration"};
    if (in.moving) return {false, "announce changed; withdrawn here to be announced at the new place"};
    if (in.stopping) return {false, "vigild is stopping"};
    if (in.maintenance) return {false, "maintenance"};

    std::vector<std::string> down, waiting, up;
    std::string first_reason;
    for (const auto& t : in.trackers) {
        if (!t.up) {
            if (down.empty()) first_reason = t.reason;
            down.push_back(t.name);
        } else if (!t.checked) {
            waiting.push_back(t.name);
        } else {
            up.push_back(t.name);
        }
    }
    if (down.size() == 1) return {false, "tracker " + down[0] + " is DOWN" + (first_reason.empty() ? "" : ": " + first_reason)};
    if (!down.empty()) return {false, "trackers " + listed(down) + " are DOWN"};
    if (!waiting.empty()) return {false, "waiting for the first check of " + listed(waiting)};
    if (up.empty()) return {true, "tracks nothing"};
    return {true, up.size() == 1 ? "tracker " + up[0] + " is UP" : "every tracker is UP (" + listed(up) + ")"};
}

}  // namespace vigil::anycast
