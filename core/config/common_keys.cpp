// SPDX-License-Identifier: Apache-2.0
// [group NAME], and the keys every [tracker NAME] and [notifier NAME] has
// (their type declares the rest).
#include "config/section_keys.h"
#include "config/values.h"

namespace vigil::config {
namespace {

template <typename T, std::vector<NameRef> T::*List, bool MayBeEmpty>
void apply_names(T& section, Value& v) {
    auto more = v.names(MayBeEmpty);
    (section.*List).insert((section.*List).end(), more.begin(), more.end());
}

template <typename T>
void apply_type(T& section, Value& v) {
    if (v.present()) section.type = v.text();
}

void apply_events(NotifierConfig& n, Value& v) {
    auto words = split_words(v.text());
    if (words.empty()) v.error("needs at least one of master, backup, fault, stop, announced, withdrawn");
    unsigned mask = 0;
    for (const auto& w : words) {
        if (w == "master") mask |= kEventMaster;
        else if (w == "backup") mask |= kEventBackup;
        else if (w == "fault") mask |= kEventFault;
        else if (w == "stop") mask |= kEventStop;
        else if (w == "announced") mask |= kEventAnnounced;
        else if (w == "withdrawn") mask |= kEventWithdrawn;
        else v.error("'" + w + "' is not one of master, backup, fault, stop, announced, withdrawn");
    }
    if (mask) n.events = mask;
}

std::string with_options(std::string fingerprint, const Options& options) {
    for (const auto& o : options) fingerprint += o.key + "=" + o.value + "\n";
    return fingerprint;
}

}  // namespace

const KeyTable<GroupConfig>& group_keys() {
    using G = GroupConfig;
    static const KeyTable<G> table = {
        {"instances", ValueKind::Names, Reload::Restart, "",
         "the instances that move together; an instance belongs to at most one group",
         parsed_by<&G::instances>(apply_names<G, &G::instances, false>), {}, kRepeatable | kRequired},
        {"notify", ValueKind::Names, Reload::Live, "", "notifier names for the group's own events",
         parsed_by<&G::notify>(apply_names<G, &G::notify, true>), {}, kRepeatable},
    };
    return table;
}

const KeyTable<TrackerConfig>& tracker_keys() {
    using T = TrackerConfig;
    static const KeyTable<T> table = {
        {"type", ValueKind::Text, Reload::Restart, "", "a tracker type", parsed_by<&T::type>(apply_type<T>), {}, kRequired},
        {"interval", ValueKind::Duration, Reload::Restart, "1s", "how often a polled tracker checks", stored<&T::interval>(), {1, 0}},
        {"timeout", ValueKind::Duration, Reload::Restart, "interval", "how long one check may take", stored<&T::timeout>(), {1, 0}},
        {"rise", ValueKind::Integer, Reload::Restart, "1", "successes in a row to become UP", stored<&T::rise>(), {1, 1000}},
        {"fall", ValueKind::Integer, Reload::Restart, "1", "failures in a row to become DOWN", stored<&T::fall>(), {1, 1000}},
        {"weight", ValueKind::Integer, Reload::Live, "0", "< 0 added while DOWN, > 0 added while UP, 0 = FAULT while DOWN",
         stored<&T::weight>(), {-253, 253}},
        {"initial", ValueKind::Choice, Reload::Restart, "up",
         "the state before the first result; down: DOWN until `rise` checks in a row succeed (keepalived's init_fail)",
         stored<&T::initial>(), {0, 0, {"up", "down"}}},
    };
    return table;
}

const KeyTable<NotifierConfig>& notifier_keys() {
    using N = NotifierConfig;
    static const KeyTable<N> table = {
        {"type", ValueKind::Text, Reload::Restart, "", "a notifier type", parsed_by<&N::type>(apply_type<N>), {}, kRequired},
        {"events", ValueKind::EventList, Reload::Restart, "master backup fault stop announced withdrawn",
         "the events delivered (announced and withdrawn: [anycast] sections')",
         parsed_by<&N::events>(apply_events)},
        {"timeout", ValueKind::Duration, Reload::Restart, "10s", "per delivery", stored<&N::timeout>(), {1, 0}},
    };
    return table;
}

std::string restart_fingerprint(const GroupConfig& group) { return fingerprint(group_keys(), group, Reload::Restart); }

std::string restart_fingerprint(const TrackerConfig& tracker) {
    return with_options(fingerprint(tracker_keys(), tracker, Reload::Restart), tracker.options);
}

std::string restart_fingerprint(const NotifierConfig& notifier) {
    return with_options(fingerprint(notifier_keys(), notifier, Reload::Restart), notifier.options);
}

std::vector<SectionKeywords> core_keywords() {
    return {{"global", "daemon", describe(global_keys())},
            {"instance", "instance", describe(instance_keys())},
            {"group", "group's instances", describe(group_keys())},
            {"tracker", "tracker", describe(tracker_keys())},
            {"notifier", "notifier", describe(notifier_keys())},
            {"anycast", "anycast section", describe(anycast_keys())}};
}

}  // namespace vigil::config
