// SPDX-License-Identifier: Apache-2.0
#include "control/status_json.h"

#include "log/logger.h"

namespace vigil::control {

using nlohmann::json;

namespace {

json worker_json(const WorkerStatus& w) {
    return {{"pid", w.pid},
            {"supervised", w.supervised},
            {"restarts", w.restarts},
            {"restarts_by_cause", {{"signal", w.by_signal}, {"exit", w.by_exit}, {"stall", w.by_stall}}},
            {"last_cause", w.restarts ? json(w.last_cause) : json(nullptr)},
            {"last_time", w.restarts ? json(log::utc_timestamp(w.last_time_ms)) : json(nullptr)}};
}

json instance_json(const InstanceStatus& i) {
    return {{"name", i.name},
            {"state", vrrp::state_name(i.state)},
            {"interface", i.interface},
            {"vrid", i.vrid},
            {"version", i.version},
            {"priority", {{"base", i.base_priority}, {"effective", i.effective_priority}}},
            {"master", i.master ? json(*i.master) : json(nullptr)},
            {"maintenance", i.maintenance},
            {"vips", i.vips},
            {"adverts", {{"sent", i.adverts_sent}, {"received", i.adverts_received}}},
            {"transitions", i.transitions},
            {"drops", i.drops}};
}

json group_json(const GroupStatus& g) { return {{"name", g.name}, {"state", g.state}, {"instances", g.instances}}; }

json anycast_json(const AnycastStatus& a) {
    json trackers = json::array(), prefixes = json::array();
    for (const auto& t : a.trackers) trackers.push_back({{"name", t.name}, {"state", t.up ? "UP" : "DOWN"}, {"checked", t.checked}});
    for (const auto& p : a.prefixes)
        prefixes.push_back({{"prefix", p.prefix}, {"announced", p.announced}, {"problem", p.problem.empty() ? json(nullptr) : json(p.problem)}});
    return {{"name", a.name},
            {"state", a.state},
            {"reason", a.reason},
            {"announce", a.announce},
            {"maintenance", a.maintenance},
            {"trackers", trackers},
            {"prefixes", prefixes},
            {"transitions", a.transitions},
            {"announce_failures", a.announce_failures}};
}

json tracker_json(const TrackerStatus& t) {
    return {{"name", t.name},
            {"type", t.type},
            {"plugin", t.plugin},
            {"running", t.running},
            {"state", t.up ? "UP" : "DOWN"},
            {"reason", t.reason},
            {"last", {{"ok", t.last_ok}, {"reason", t.last_reason}, {"latency_us", t.last_latency_us}}},
            {"checks", t.checks},
            {"reports_dropped", {{"duplicate", t.duplicate_reports}, {"late", t.late_reports}}}};
}

json notifier_json(const NotifierStatus& n) {
    return {{"name", n.name},
            {"type", n.type},
            {"plugin", n.plugin},
            {"queue", n.queued},
            {"delivered", n.delivered},
            {"failed_attempts", n.failed_attempts},
            {"abandoned", n.abandoned}};
}

json endpoint_json(const EndpointStatus& e) { return {{"interface", e.interface}, {"family", e.family}, {"drops", e.drops}}; }

json plugin_json(const PluginStatus& p) {
    return {{"path", p.path}, {"name", p.name}, {"version", p.version}, {"trackers", p.trackers}, {"notifiers", p.notifiers}};
}

template <typename T>
json array_of(const std::vector<T>& items, json (*render)(const T&)) {
    json out = json::array();
    for (const auto& item : items) out.push_back(render(item));
    return out;
}

}  // namespace

json status_json(const DaemonStatus& s) {
    return {{"router_id", s.router_id},
            {"worker", worker_json(s.worker)},
            {"instances", array_of(s.instances, instance_json)},
            {"groups", array_of(s.groups, group_json)},
            {"anycast", array_of(s.anycast, anycast_json)},
            {"trackers", array_of(s.trackers, tracker_json)},
            {"notifiers", array_of(s.notifiers, notifier_json)},
            {"endpoints", array_of(s.endpoints, endpoint_json)},
            {"plugins", array_of(s.plugins, plugin_json)}};
}

}  // namespace vigil::control
