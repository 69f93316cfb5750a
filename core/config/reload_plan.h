/* SPDX-License-Identifier: Apache-2.0 */
// What a reload does to the running instances, trackers or notifiers: the
// same decision for each, from the restart fingerprints their key tables
// give (config/section_keys.h).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace vigil::config {

// Name -> restart fingerprint.
using Fingerprints = std::map<std::string, std::string>;

struct ReloadPlan {
    std::vector<std::string> stop;   // running, and gone from the config or changed
    std::vector<std::string> start;  // configured, and not running (new, changed, or stopped above)
    bool stops(const std::string& name) const;
};

// `healthy` (optional) says whether a running one may stay as it is; one
// that may not (a tracker that could not start) is restarted even unchanged.
ReloadPlan plan_reload(const Fingerprints& running, const Fingerprints& wanted,
                       const std::function<bool(const std::string&)>& healthy = {});

}  // namespace vigil::config
