// SPDX-License-Identifier: Apache-2.0
#include "config/reload_plan.h"

#include <algorithm>

namespace vigil::config {

bool ReloadPlan::stops(const std::string& name) const { return std::find(stop.begin(), stop.end(), name) != stop.end(); }

ReloadPlan plan_reload(const Fingerprints& running, const Fingerprints& wanted,
                       const std::function<bool(const std::string&)>& healthy) {
    ReloadPlan plan;
    for (const auto& [name, fingerprint] : running) {
        auto w = wanted.find(name);
        bool keep = w != wanted.end() && w->second == fingerprint && (!healthy || healthy(name));
        if (!keep) plan.stop.push_back(name);
    }
    for (const auto& [name, fingerprint] : wanted)
        if (!running.count(name) || plan.stops(name)) plan.start.push_back(name);
    return plan;
}

}  // namespace vigil::config
