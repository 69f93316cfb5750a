// SPDX-License-Identifier: Apache-2.0
#include "control/status_collect.h"

namespace vigil::control {

namespace {

DropCounts drop_counts(const std::array<uint64_t, vrrp::kDropReasonCount>& drops) {
    DropCounts out;
    for (size_t i = 0; i < vrrp::kDropReasonCount; ++i)
        if (drops[i]) out[vrrp::drop_reason_name(static_cast<vrrp::DropReason>(i))] = drops[i];
    return out;
}

InstanceStatus instance_status(const vrrp::Instance& inst) {
    const auto& m = inst.machine();
    const auto& c = inst.counters();
    InstanceStatus out;
    out.name = inst.name();
    out.state = m.state();
    out.interface = inst.config().interface;
    out.vrid = inst.config().vrid;
    out.version = inst.config().version;
    out.base_priority = inst.config().priority;
    out.effective_priority = m.priority();
    if (m.state() == vrrp::State::Master) out.master = "self";
    else if (m.master_address()) out.master = m.master_address()->str();
    out.maintenance = m.maintenance();
    for (const auto& v : inst.config().vips) out.vips.push_back(v.prefix.str());
    auto address = [&](const config::VirtualIp& v, bool excluded) {
        out.addresses.push_back({v.prefix.address.str(), v.dev.empty() ? inst.config().interface : v.dev, excluded});
    };
    for (const auto& v : inst.config().vips) address(v, false);
    for (const auto& v : inst.config().excluded_vips) address(v, true);
    out.adverts_sent = c.adverts_sent;
    out.adverts_received = c.adverts_received;
    out.transitions = c.transitions;
    out.send_errors = c.send_errors;
    out.became_master = c.became_master;
    out.released_master = c.released_master;
    out.priority_zero_sent = c.priority_zero_sent;
    out.priority_zero_received = c.priority_zero_received;
    out.arps_sent = inst.announced().arps_sent;
    out.nas_sent = inst.announced().nas_sent;
    out.announce_failures = inst.announced().failed;
    out.drops = drop_counts(c.drops);
    return out;
}

GroupStatus group_status(const config::GroupConfig& g, const vrrp::VrrpSubsystem& vrrp) {
    GroupStatus out{g.name, "", config::names_of(g.instances)};
    for (const auto& m : g.instances)
        if (const auto* inst = vrrp.instance(m.name)) {
            std::string s = vrrp::state_name(inst->machine().state());
            out.state = out.state.empty() || out.state == s ? s : "MIXED";
        }
    return out;
}

TrackerStatus tracker_status(const track::TrackerRuntime& t) {
    const auto& s = t.state();
    return {.name = t.config().name,
            .type = t.config().type,
            .plugin = t.plugin(),
            .running = t.running(),
            .up = s.up(),
            .reason = s.reason(),
            .last_ok = s.last_ok(),
            .last_reason = s.last_reason(),
            .last_latency_us = t.last_latency_us(),
            .checks = t.checks(),
            .duplicate_reports = t.dropped().duplicate(),
            .late_reports = t.dropped().late()};
}

AnycastStatus anycast_status(const anycast::AnycastSection& a, bool maintenance) {
    AnycastStatus out;
    out.name = a.name();
    out.state = anycast::state_name(a.state());
    out.reason = a.reason();
    out.announce = a.announce_text();
    out.maintenance = maintenance;
    for (const auto& t : a.inputs().trackers) out.trackers.push_back({t.name, t.up, t.checked});
    for (const auto& p : a.prefixes()) out.prefixes.push_back({p.prefix.str(), p.announced, p.problem});
    out.transitions = a.transitions();
    out.announce_failures = a.announce_failures();
    return out;
}

NotifierStatus notifier_status(const notify::Notifier& n) {
    return {.name = n.config().name,
            .type = n.config().type,
            .plugin = n.plugin(),
            .queued = n.queued(),
            .delivered = n.delivered(),
            .failed_attempts = n.failures(),
            .abandoned = n.abandoned()};
}

}  // namespace

DaemonStatus collect_status(const StatusSources& from) {
    const auto& cfg = from.daemon.config();
    DaemonStatus out;
    out.router_id = cfg.global.router_id;
    out.worker = from.worker;
    for (const auto* inst : from.vrrp.instances()) out.instances.push_back(instance_status(*inst));
    for (const auto& g : cfg.groups) out.groups.push_back(group_status(g, from.vrrp));
    if (from.anycast)
        for (const auto* a : from.anycast->sections()) out.anycast.push_back(anycast_status(*a, from.anycast->maintenance().count(a->name()) > 0));
    for (const auto* t : from.tracking.trackers()) out.trackers.push_back(tracker_status(*t));
    for (const auto* n : from.notify.notifiers()) out.notifiers.push_back(notifier_status(*n));
    for (const auto* ep : from.vrrp.endpoints())
        out.endpoints.push_back({ep->ifname(), net::family_name(ep->family()), drop_counts(ep->drops())});
    for (const auto& p : from.plugins.loaded()) out.plugins.push_back({p.path, p.name, p.version, p.trackers, p.notifiers});
    return out;
}

}  // namespace vigil::control
