// SPDX-License-Identifier: Apache-2.0
#include "vrrp/vrrp_subsystem.h"

#include <algorithm>
#include <set>

#include <event2/event.h>

#include "config/reload_plan.h"
#include "config/section_keys.h"
#include "log/logger.h"

namespace vigil::vrrp {
VrrpSubsystem::VrrpSubsystem(event_base* base) : base_(base) {
    context_.base = base_;
    context_.addresses = &addresses_;
    context_.announcer = &announcer_;
    context_.routes = &routes_;
}

VrrpSubsystem::~VrrpSubsystem() {
    if (link_refresh_) event_free(link_refresh_);
    endpoints_.clear();  // they detach from the instances, which must still exist
    instances_.clear();
}

Endpoint& VrrpSubsystem::endpoint_for(const config::InstanceConfig& c) {
    auto key = std::make_pair(c.interface, c.family);
    auto& slot = endpoints_[key];
    if (!slot) slot = std::make_unique<Endpoint>(base_, c.interface, c.family);
    return *slot;
}

void VrrpSubsystem::remove(const std::string& name) {
    auto it = instances_.find(name);
    if (it == instances_.end()) return;
    it->second->stop();
    endpoint_for(it->second->config()).detach(*it->second);
    instances_.erase(it);
    fingerprints_.erase(name);
}

void VrrpSubsystem::apply(const config::Config& config) {
    if (!links_) {
        links_ = std::make_unique<net::LinkMonitor>(base_, [this] { on_link_change(); });
        if (!links_->error().empty()) VLOG_ERROR("link monitor: %s; interface changes will go unnoticed", links_->error().c_str());
        // At vigild's start only: links that flap at boot must not make this
        // host master. A restarted worker hands the role over anyway.
        if (config.global.startup_delay.count() > 0 && !context_.restarted) {
            context_.no_master_before = monotonic_now() + std::chrono::duration_cast<Time>(config.global.startup_delay);
            VLOG_NOTICE("startup_delay: no instance becomes MASTER for the next %lld ms",
                        static_cast<long long>(config.global.startup_delay.count()));
        }
    }
    announcer_.set_pacing(base_, std::chrono::duration_cast<std::chrono::microseconds>(config.global.garp_interval),
                          std::chrono::duration_cast<std::chrono::microseconds>(config.global.gna_interval));

    // A group's members restart together: each carries the whole group's fingerprint.
    config::Fingerprints wanted;
    for (const auto& inst : config.instances) wanted[inst.name] = config::restart_fingerprint(inst);
    std::map<std::string, const config::GroupConfig*> group_of;
    for (const auto& g : config.groups) {
        std::string whole = "group " + g.name + "\n" + config::restart_fingerprint(g);
        for (const auto& m : g.instances) whole += wanted[m.name];
        for (const auto& m : g.instances) {
            wanted[m.name] = whole;
            group_of[m.name] = &g;
        }
    }

    for (const auto& name : config::plan_reload(fingerprints_, wanted).stop) {
        VLOG_NOTICE("%s: %s", name.c_str(), wanted.count(name) ? "configuration changed; restarting it" : "removed from the configuration");
        remove(name);
    }
    for (auto it = groups_.begin(); it != groups_.end();) {
        bool alive = std::any_of(it->second->members().begin(), it->second->members().end(), [&](const Machine* m) {
            return std::any_of(instances_.begin(), instances_.end(), [&](const auto& i) { return &i.second->machine() == m; });
        });
        it = alive ? std::next(it) : groups_.erase(it);
    }
    // After the stops: a route or address that moved from an instance to
    // static_* by this reload is the same kernel object, and the stopping
    // MASTER's release would delete what the statics had just added.
    statics_.apply(config.global);

    order_.clear();
    std::vector<Instance*> fresh;
    for (const auto& c : config.instances) {
        order_.push_back(c.name);
        if (instances_.count(c.name)) continue;
        auto inst = std::make_unique<Instance>(c, context_);
        if (listener_) inst->on_transition(listener_);
        if (maintenance_.count(c.name)) inst->set_maintenance(true);
        auto& ep = endpoint_for(c);
        ep.attach(*inst);
        ep.ensure_open();
        if (auto g = group_of.find(c.name); g != group_of.end()) {
            auto& group = groups_[g->second->name];
            if (!group) group = std::make_unique<SyncGroup>(g->second->name);
            inst->set_group(group.get());
        }
        fingerprints_[c.name] = wanted[c.name];
        fresh.push_back(inst.get());
        instances_[c.name] = std::move(inst);
    }
    for (auto* inst : fresh) inst->start();
    // Instances a later reload adds start as configured.
    context_.restarted = false;
    context_.start_note.clear();

    for (auto it = endpoints_.begin(); it != endpoints_.end();) it = it->second->empty() ? endpoints_.erase(it) : std::next(it);
}

void VrrpSubsystem::on_link_change() {
    // Netlink events come in bursts (our own VIP changes among them): handle
    // them once per loop turn, reading each interface once.
    if (!link_refresh_) link_refresh_ = evtimer_new(base_, [](int, short, void* self) {
        static_cast<VrrpSubsystem*>(self)->refresh_links();
    }, this);
    if (!evtimer_pending(link_refresh_, nullptr)) {
        timeval now{0, 0};
        evtimer_add(link_refresh_, &now);
    }
}

void VrrpSubsystem::refresh_links() {
    for (auto& [key, ep] : endpoints_) ep->ensure_open();
    std::map<std::string, net::InterfaceInfo> read;
    for (const auto& name : order_) {
        auto it = instances_.find(name);
        if (it == instances_.end()) continue;
        const auto& ifname = it->second->config().interface;
        auto info = read.find(ifname);
        if (info == read.end()) info = read.emplace(ifname, net::read_interface(ifname)).first;
        it->second->refresh_link(info->second);
    }
}

void VrrpSubsystem::stop() {
    for (const auto& name : order_)
        if (auto it = instances_.find(name); it != instances_.end()) it->second->stop();
    statics_.remove_all();
}

void VrrpSubsystem::dump() const {
    for (const auto* inst : instances()) {
        const auto& m = inst->machine();
        const auto& c = inst->counters();
        std::string drops;
        for (size_t i = 0; i < kDropReasonCount; ++i)
            if (c.drops[i]) drops += " " + std::string(drop_reason_name(static_cast<DropReason>(i))) + "=" + std::to_string(c.drops[i]);
        VLOG_NOTICE("  %s: %s priority %d/%d master %s adverts sent %llu received %llu transitions %llu send errors %llu drops:%s",
                    inst->name().c_str(), state_name(m.state()), m.priority(), inst->config().priority,
                    m.master_address() ? m.master_address()->str().c_str() : "-", (unsigned long long)c.adverts_sent,
                    (unsigned long long)c.adverts_received, (unsigned long long)c.transitions, (unsigned long long)c.send_errors,
                    drops.empty() ? " none" : drops.c_str());
    }
    for (const auto* ep : endpoints()) {
        std::string drops;
        for (size_t i = 0; i < kDropReasonCount; ++i)
            if (ep->drops()[i]) drops += " " + std::string(drop_reason_name(static_cast<DropReason>(i))) + "=" + std::to_string(ep->drops()[i]);
        VLOG_NOTICE("  %s %s drops:%s", ep->ifname().c_str(), net::family_name(ep->family()), drops.empty() ? " none" : drops.c_str());
    }
}

std::vector<std::string> VrrpSubsystem::set_maintenance(const std::vector<std::string>& names, bool on) {
    std::vector<std::string> done;
    for (const auto& name : names.empty() ? order_ : names) {
        auto it = instances_.find(name);
        if (it == instances_.end()) continue;
        if (on) maintenance_.insert(name);
        else maintenance_.erase(name);
        it->second->set_maintenance(on);
        done.push_back(name);
    }
    return done;
}

void VrrpSubsystem::set_tracking(const std::string& instance, int priority, bool fault, const std::string& reason) {
    if (auto it = instances_.find(instance); it != instances_.end()) it->second->set_tracking(priority, fault, reason);
}

const Instance* VrrpSubsystem::instance(const std::string& name) const { return daemon::view_of(instances_, name); }

std::vector<const Instance*> VrrpSubsystem::instances() const {
    std::vector<const Instance*> out;
    for (const auto& name : order_)
        if (auto* i = instance(name)) out.push_back(i);
    return out;
}

std::vector<const Endpoint*> VrrpSubsystem::endpoints() const {
    std::vector<const Endpoint*> out;
    for (const auto& [key, ep] : endpoints_) out.push_back(ep.get());
    return out;
}

}  // namespace vigil::vrrp
