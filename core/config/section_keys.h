/* SPDX-License-Identifier: Apache-2.0 */
// The key tables of the core sections, and what the loader, the subsystems
// and `vigild --keywords` derive from them.
#pragma once

#include <string>
#include <vector>

#include "config/key_table.h"
#include "config/model.h"

namespace vigil::config {

const KeyTable<GlobalConfig>& global_keys();
const KeyTable<InstanceConfig>& instance_keys();
const KeyTable<GroupConfig>& group_keys();
// The keys every [tracker] / [notifier] has; its type adds the rest.
const KeyTable<TrackerConfig>& tracker_keys();
const KeyTable<NotifierConfig>& notifier_keys();
const KeyTable<AnycastConfig>& anycast_keys();

// What decides, at a reload, whether a running instance, tracker or notifier
// stays untouched: the values in force of its keys whose change restarts it
// (a tracker's and a notifier's type keys all do).
std::string restart_fingerprint(const InstanceConfig& instance);
std::string restart_fingerprint(const GroupConfig& group);
std::string restart_fingerprint(const TrackerConfig& tracker);
std::string restart_fingerprint(const NotifierConfig& notifier);
std::string restart_fingerprint(const AnycastConfig& anycast);

// [global] keys whose value changed between two configs but that take effect
// only when vigild restarts.
std::vector<std::string> changed_needing_restart(const GlobalConfig& running, const GlobalConfig& loaded);

// Every core section's keys, for `vigild --keywords` and the docs check.
struct SectionKeywords {
    std::string section;        // "global", "instance", ...
    std::string what_restarts;  // "instance", "tracker", ...
    std::vector<KeyInfo> keys;
};
std::vector<SectionKeywords> core_keywords();

}  // namespace vigil::config
