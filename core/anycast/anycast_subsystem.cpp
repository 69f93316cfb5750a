// SPDX-License-Identifier: Apache-2.0
#include "anycast/anycast_subsystem.h"

#include "config/section_keys.h"
#include "log/logger.h"

namespace vigil::anycast {

AnycastSubsystem::~AnycastSubsystem() = default;

Inputs AnycastSubsystem::inputs_for(const std::string& name) const {
    Inputs in;
    auto it = sections_.find(name);
    if (it == sections_.end()) return in;
    auto health = health_.find(name);
    // Until the tracking engine reports (it applies after this subsystem), a
    // tracker counts as not checked yet: nothing is announced on a guess.
    for (const auto& ref : it->second->config().track) {
        TrackerView view{ref.name, true, false, ""};
        if (health != health_.end())
            for (const auto& t : health->second)
                if (t.name == ref.name) view = t;
        in.trackers.push_back(view);
    }
    in.maintenance = maintenance_.count(name) > 0;
    in.stopping = stopping_;
    return in;
}

void AnycastSubsystem::apply(const config::Config& config) {
    config::Fingerprints wanted;
    for (const auto& a : config.anycasts) wanted[a.name] = config::restart_fingerprint(a);

    // A changed `announce` withdraws at the old place before the new one is
    // announced: both would use the one supervisor slot of the section.
    for (const auto& name : config::plan_reload(fingerprints_, wanted).stop) {
        auto it = sections_.find(name);
        if (it == sections_.end()) continue;
        bool changed = wanted.count(name) > 0;
        VLOG_NOTICE("anycast %s: %s", name.c_str(), changed ? "announce changed; withdrawing it there" : "removed from the configuration");
        auto in = inputs_for(name);
        in.removed = !changed;
        in.moving = changed;
        it->second->update(in);
        sections_.erase(it);
        fingerprints_.erase(name);
        if (!changed) health_.erase(name);
    }

    order_.clear();
    for (const auto& c : config.anycasts) {
        order_.push_back(c.name);
        auto it = sections_.find(c.name);
        if (it != sections_.end()) {
            // Live keys only (the fingerprint is unchanged). The decision
            // waits for the tracking engine, which applies next and reports
            // every section's trackers: deciding now, on the old trackers' or
            // on none, could withdraw for a moment (a BGP flap) a section
            // that only gained an already healthy tracker.
            it->second->reconfigure(c);
            continue;
        }
        auto section = std::make_unique<AnycastSection>(c, addresses_, routes_, holds_, listener_);
        // At the worker's start only (after a worker's death the supervisor
        // has removed them already; sweeping again costs a netlink read):
        // a section added by a reload has nothing of ours in the kernel.
        if (!swept_) section->sweep();
        sections_[c.name] = std::move(section);
        fingerprints_[c.name] = wanted[c.name];
        // INIT until the tracking engine reports (as above).
    }
    swept_ = true;
}

void AnycastSubsystem::dump() const {
    for (const auto& name : order_) {
        const auto* s = section(name);
        if (!s) continue;
        std::string prefixes;
        for (const auto& p : s->prefixes())
            prefixes += (prefixes.empty() ? "" : " ") + p.prefix.str() + (p.announced ? "" : "(-)") +
                        (p.problem.empty() ? "" : "[" + p.problem + "]");
        VLOG_NOTICE("anycast %s: %s (%s), %s: %s", name.c_str(), state_name(s->state()), s->reason().c_str(),
                    s->announce_text().c_str(), prefixes.c_str());
    }
}

void AnycastSubsystem::stop() {
    stopping_ = true;
    for (const auto& name : order_)
        if (auto it = sections_.find(name); it != sections_.end()) it->second->update(inputs_for(name));
}

void AnycastSubsystem::set_health(const std::string& name, std::vector<TrackerView> trackers) {
    health_[name] = std::move(trackers);
    if (auto it = sections_.find(name); it != sections_.end()) it->second->update(inputs_for(name));
}

std::vector<std::string> AnycastSubsystem::set_maintenance(const std::vector<std::string>& names, bool on) {
    std::vector<std::string> found;
    auto wanted = names.empty() ? order_ : names;
    for (const auto& name : wanted) {
        auto it = sections_.find(name);
        if (it == sections_.end()) continue;
        found.push_back(name);
        if (on) maintenance_.insert(name);
        else maintenance_.erase(name);
        it->second->update(inputs_for(name));
    }
    return found;
}

const AnycastSection* AnycastSubsystem::section(const std::string& name) const { return daemon::view_of(sections_, name); }

std::vector<const AnycastSection*> AnycastSubsystem::sections() const {
    std::vector<const AnycastSection*> out;
    for (const auto& name : order_)
        if (const auto* s = section(name)) out.push_back(s);
    return out;
}

}  // namespace vigil::anycast
