// SPDX-License-Identifier: Apache-2.0
#include "notify/notify_subsystem.h"

#include <thread>

#include "config/section_keys.h"
#include "log/logger.h"

namespace vigil::notify {
NotifySubsystem::NotifySubsystem(const plugin::PluginRegistry& registry, const plugin::Host& host)
    : registry_(registry), host_(host) {}

NotifySubsystem::~NotifySubsystem() = default;

void NotifySubsystem::apply(const config::Config& config) {
    router_id_ = config.global.router_id;
    std::map<std::string, const config::NotifierConfig*> wanted;
    config::Fingerprints wanted_fingerprints;
    for (const auto& n : config.notifiers) {
        wanted[n.name] = &n;
        wanted_fingerprints[n.name] = config::restart_fingerprint(n);
    }
    auto plan = config::plan_reload(fingerprints_, wanted_fingerprints);
    for (const auto& name : plan.stop) {
        // Drained and stopped on a thread of its own: a hung delivery must
        // not hold the event loop (and with it the VRRP adverts).
        std::thread([old = std::move(notifiers_[name])]() mutable {
            old->stop(std::chrono::steady_clock::now() + std::chrono::seconds(1));
            old.reset();
        }).detach();
        fingerprints_.erase(name);
        notifiers_.erase(name);
    }
    for (const auto& name : plan.start) {
        const auto* cfg = wanted[name];
        auto type = registry_.notifier(cfg->type);
        if (!type) {
            VLOG_ERROR("notifier %s: type %s has no plugin in this build; its events are not delivered", name.c_str(),
                       cfg->type.c_str());
            continue;
        }
        auto n = std::make_unique<Notifier>(*cfg, type, host_.api());
        if (auto problem = n->start(); !problem.empty()) {
            VLOG_ERROR("notifier %s: %s; its events are not delivered", name.c_str(), problem.c_str());
            continue;
        }
        fingerprints_[name] = wanted_fingerprints[name];
        notifiers_[name] = std::move(n);
    }
    instance_routes_.clear();
    group_routes_.clear();
    group_of_.clear();
    members_.clear();
    instance_vips_.clear();
    for (const auto& inst : config.instances) {
        instance_routes_[inst.name] = config::names_of(inst.notify);
        for (const auto& v : inst.vips) instance_vips_[inst.name].push_back(v.prefix.address.str());
    }
    for (const auto& a : config.anycasts) anycast_routes_[a.name] = config::names_of(a.notify);
    for (const auto& g : config.groups) {
        group_routes_[g.name] = config::names_of(g.notify);
        members_[g.name] = config::names_of(g.instances);
        for (const auto& m : g.instances) group_of_[m.name] = g.name;
    }
}

void NotifySubsystem::publish(Event e, const std::vector<std::string>& notifiers) {
    e.seq = ++seq_;
    e.host = router_id_;
    e.time = rfc3339_now();
    for (const auto& name : notifiers)
        if (auto it = notifiers_.find(name); it != notifiers_.end()) it->second->publish(e);
    if (listener_) listener_(e);
}

void NotifySubsystem::instance_changed(const std::string& instance, const std::string& from, const std::string& to,
                                       int priority, const std::vector<std::string>& vips, const std::string& reason) {
    instance_state_[instance] = to;
    Event e;
    e.kind = "instance";
    e.name = instance;
    e.state = to;
    e.prev_state = from;
    e.priority = priority;
    e.vips = vips;
    e.reason = reason;
    publish(e, instance_routes_[instance]);

    // A group's state is its members' state once they all agree.
    auto g = group_of_.find(instance);
    if (g == group_of_.end()) return;
    const auto& group = g->second;
    std::vector<std::string> all_vips;
    for (const auto& m : members_[group]) {
        if (instance_state_[m] != to) return;
        for (const auto& v : instance_vips_[m]) all_vips.push_back(v);
    }
    auto& last = group_state_[group];
    if (last == to) return;
    Event ge;
    ge.kind = "group";
    ge.name = group;
    ge.state = to;
    ge.prev_state = last.empty() ? "INIT" : last;
    ge.priority = 0;  // as keepalived's group notifications
    ge.vips = all_vips;
    ge.reason = "all members are " + to;
    last = to;
    publish(ge, group_routes_[group]);
}

void NotifySubsystem::anycast_changed(const std::string& section, const std::string& from, const std::string& to,
                                      const std::vector<std::string>& prefixes, const std::string& reason) {
    Event e;
    e.kind = "anycast";
    e.name = section;
    e.state = to;
    e.prev_state = from;
    e.priority = 0;  // an anycast section has none
    e.vips = prefixes;
    e.reason = reason;
    publish(e, anycast_routes_[section]);
}

void NotifySubsystem::stop() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    for (auto& [name, n] : notifiers_) n->stop(deadline);
}

void NotifySubsystem::dump() const {
    for (const auto& [name, n] : notifiers_)
        VLOG_NOTICE("  notifier %s (%s): queue %zu, delivered %llu, failed attempts %llu, abandoned %llu", name.c_str(),
                    n->config().type.c_str(), n->queued(), (unsigned long long)n->delivered(),
                    (unsigned long long)n->failures(), (unsigned long long)n->abandoned());
}

std::vector<const Notifier*> NotifySubsystem::notifiers() const { return daemon::views_of(notifiers_); }

const Notifier* NotifySubsystem::notifier(const std::string& name) const { return daemon::view_of(notifiers_, name); }

}  // namespace vigil::notify
