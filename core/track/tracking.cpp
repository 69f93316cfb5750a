// SPDX-License-Identifier: Apache-2.0
#include "track/tracking.h"

#include <event2/event.h>

#include <algorithm>


#include "config/section_keys.h"
#include "log/logger.h"

namespace vigil::track {
namespace {

timeval to_tv(int64_t us) { return {static_cast<time_t>(us / 1'000'000), static_cast<suseconds_t>(us % 1'000'000)}; }

// track_interface = eth0 is an interface tracker named after the interface.
std::string implicit_name(const std::string& ifname) { return "interface:" + ifname; }

}  // namespace

TrackerRuntime::TrackerRuntime(config::TrackerConfig config, plugin::TrackerPlugin type, const vigil_host_api* host,
                               event_base* base, std::function<void(TrackerRuntime&)> on_change, std::optional<bool> carried_up)
    : config_(std::move(config)), type_(type.type), plugin_(type.plugin),
      owner_(plugin::CallOwner::of(type.plugin, "tracker", config_.name)), host_(host), on_change_(std::move(on_change)),
      state_(config_.rise, config_.fall, carried_up.value_or(config_.initial == config::TrackerStart::Up)), dropped_(config_.name, type.plugin) {
    handle_.on_report = [this](const vigil_result& r) { on_report(r); };
    poll_timer_ = evtimer_new(base, on_poll_timer, this);
    timeout_timer_ = evtimer_new(base, on_timeout, this);
}

TrackerRuntime::~TrackerRuntime() {
    event_free(poll_timer_);
    event_free(timeout_timer_);
    // destroy() abandons a check in flight itself; cancel() is for timeouts
    // (where, say, the http tracker counts a failure).
    if (!plugin_state_) return;
    plugin::CallGuard guard(owner_, "destroy");
    type_->destroy(plugin_state_);
}

std::string TrackerRuntime::start() {
    auto problem = create();
    if (!problem.empty()) {
        state_.force_down("cannot start: " + problem);
        return problem;
    }
    if (type_->start) {
        plugin::CallGuard guard(owner_, "start");
        type_->start(plugin_state_);
    }
    if (type_->poll) {
        timeval now{0, 0};
        evtimer_add(poll_timer_, &now);  // first check right away
    }
    return "";
}

std::string TrackerRuntime::create() {
    if (!type_) return "type " + config_.type + " has no plugin in this build";
    plugin::PluginConfig pc(*type_, config_.name, config_.type, config_.options, config_.interval.count(), config_.timeout.count());
    pc.set_rise_fall(config_.rise, config_.fall);
    char err[512] = {};
    {
        plugin::CallGuard guard(owner_, "create");
        plugin_state_ = type_->create(host_, &handle_, pc.get(), err, sizeof err);
    }
    if (!plugin_state_) return err[0] ? err : "the plugin could not create it";
    return "";
}

void TrackerRuntime::schedule_poll() {
    timeval tv = to_tv(config_.interval.count() * 1000);
    evtimer_add(poll_timer_, &tv);
}

void TrackerRuntime::on_poll_timer(int, short, void* arg) {
    auto* self = static_cast<TrackerRuntime*>(arg);
    // Checks start every interval (not an interval after the last result); a
    // check still running when the next is due makes that one skip.
    self->schedule_poll();
    if (self->cycle_.waiting()) return;
    self->cycle_.begin();
    self->poll_started_us_ = self->host_->now_us(self->host_->host);
    // The backstop: a plugin that enforces the timeout itself (the http
    // tracker's request timeout) reports its own, more precise reason first.
    int64_t timeout_us = self->config_.timeout.count() * 1000;
    timeval tv = to_tv(timeout_us + timeout_us / 10 + 50'000);
    evtimer_add(self->timeout_timer_, &tv);
    plugin::CallGuard guard(self->owner_, "poll");
    self->type_->poll(self->plugin_state_);
}

void TrackerRuntime::on_timeout(int, short, void* arg) {
    auto* self = static_cast<TrackerRuntime*>(arg);
    if (!self->cycle_.waiting()) return;
    // Counted as failed from now: a report even from within cancel() is late.
    self->cycle_.time_out();
    if (self->type_->cancel) {
        plugin::CallGuard guard(self->owner_, "cancel");
        self->type_->cancel(self->plugin_state_);
    }
    vigil_result r = VIGIL_RESULT_INIT;
    std::string why = "no result within the timeout of " + config::format_duration(self->config_.timeout);
    r.reason = why.c_str();
    self->record(r);
}

void TrackerRuntime::on_report(const vigil_result& r) {
    // An event-driven tracker reports whenever what it watches changes.
    if (type_->poll) {
        auto fate = cycle_.report();
        if (fate != ReportFate::Accepted) {
            dropped_.drop(fate, r, host_->now_us(host_->host));
            return;
        }
        evtimer_del(timeout_timer_);
    }
    record(r);
}

void TrackerRuntime::record(const vigil_result& r) {
    bool polled = type_->poll != nullptr;
    ++checks_;
    last_latency_us_ = r.latency_us >= 0 ? r.latency_us : (polled ? host_->now_us(host_->host) - poll_started_us_ : -1);
    Result result{r.ok != 0, r.reason ? r.reason : "", std::nullopt};
    if (r.has_value) result.value = r.value;
    bool was_up = state_.up();
    bool was_checked = state_.checked();
    if (!state_.apply(result)) {
        if (!was_checked && state_.checked() && on_confirmed_) on_confirmed_(*this);
        return;
    }
    if (state_.up() != was_up)
        VLOG_NOTICE("tracker %s: %s -> %s (%s)", config_.name.c_str(), was_up ? "UP" : "DOWN", state_.up() ? "UP" : "DOWN",
                    state_.reason().c_str());
    on_change_(*this);
}

TrackingSubsystem::TrackingSubsystem(event_base* base, const plugin::PluginRegistry& registry, const plugin::Host& host,
                                     PriorityTarget target)
    : base_(base), registry_(registry), host_(host), target_(std::move(target)) {}

TrackingSubsystem::~TrackingSubsystem() {
    stopping_ = true;
    trackers_.clear();
}

void TrackingSubsystem::apply(const config::Config& config) {
    applying_ = true;
    // Every tracker wanted: the configured ones and one per track_interface name.
    std::map<std::string, config::TrackerConfig> wanted;
    for (const auto& t : config.trackers) wanted[t.name] = t;
    bindings_.clear();
    base_priority_.clear();
    for (const auto& inst : config.instances) {
        base_priority_[inst.name] = inst.priority;
        auto& b = bindings_[inst.name];
        for (const auto& ref : inst.track) {
            const auto* t = config.tracker(ref.name);
            b.push_back({ref.name, ref.name, ref.weight.value_or(t ? t->weight : 0)});
        }
        for (const auto& ref : inst.track_interface) {
            auto key = implicit_name(ref.name);
            if (!wanted.count(key)) {
                config::TrackerConfig t;
                t.name = key;
                t.where = ref.where;
                t.type = "interface";
                t.options = {{"interface", ref.name, ref.where}};
                wanted[key] = t;
            }
            b.push_back({key, "interface " + ref.name, ref.weight.value_or(0)});
        }
    }

    config::Fingerprints wanted_fingerprints;
    for (const auto& [name, cfg] : wanted) wanted_fingerprints[name] = config::restart_fingerprint(cfg);
    // One that could not start is tried again.
    auto plan = config::plan_reload(fingerprints_, wanted_fingerprints, [this](const std::string& name) { return trackers_[name]->running(); });
    std::map<std::string, bool> was_up;  // of the running trackers a changed config restarts
    std::set<std::string> was_checked;
    for (const auto& name : plan.stop) {
        if (trackers_[name]->running()) was_up[name] = trackers_[name]->state().up();
        if (trackers_[name]->running() && trackers_[name]->state().checked()) was_checked.insert(name);
        fingerprints_.erase(name);
        trackers_.erase(name);
    }
    for (const auto& name : plan.start) {
        const auto& cfg = wanted[name];
        auto type = registry_.tracker(cfg.type);
        auto carried = was_up.count(name) ? std::optional<bool>(was_up[name]) : std::nullopt;
        auto rt = std::make_unique<TrackerRuntime>(cfg, type, host_.api(), base_, [this](TrackerRuntime& t) { on_change(t); },
                                                   carried);
        if (was_checked.count(name)) rt->carry_checked();
        // Fail closed: a tracker that cannot check is DOWN, and counts
        // against its instances like any other (weight 0: FAULT).
        if (auto problem = rt->start(); !problem.empty())
            VLOG_ERROR("tracker %s (plugin %s): cannot start: %s; it counts as DOWN until a reload starts it", name.c_str(),
                       type ? type.plugin : "none", problem.c_str());
        fingerprints_[name] = wanted_fingerprints[name];
        trackers_[name] = std::move(rt);
    }
    for (const auto& [inst, b] : bindings_) push(inst);
    anycast_trackers_.clear();
    for (const auto& a : config.anycasts) {
        auto& names = anycast_trackers_[a.name];
        for (const auto& ref : a.track) names.push_back(ref.name);
    }
    for (const auto& [name, t] : trackers_)
        t->on_first_confirmation([this](TrackerRuntime& r) { push_health_of(r.config().name); });
    applying_ = false;
    for (const auto& [anycast, names] : anycast_trackers_) push_health(anycast);
}

void TrackingSubsystem::push_health(const std::string& anycast) {
    if (!health_target_) return;
    std::vector<TrackerHealth> out;
    for (const auto& name : anycast_trackers_[anycast]) {
        auto it = trackers_.find(name);
        if (it == trackers_.end()) continue;
        const auto& s = it->second->state();
        out.push_back({name, s.up(), s.checked(), s.reason()});
    }
    health_target_(anycast, out);
}

void TrackingSubsystem::push_health_of(const std::string& tracker) {
    if (stopping_ || applying_) return;
    for (const auto& [anycast, names] : anycast_trackers_)
        if (std::find(names.begin(), names.end(), tracker) != names.end()) push_health(anycast);
}

void TrackingSubsystem::on_change(TrackerRuntime& t) {
    if (stopping_) return;
    for (const auto& [inst, bindings] : bindings_)
        for (const auto& b : bindings)
            if (b.tracker == t.config().name) {
                push(inst);
                break;
            }
    push_health_of(t.config().name);
}

void TrackingSubsystem::push(const std::string& instance) {
    std::vector<Contribution> contributions;
    for (const auto& b : bindings_[instance]) {
        auto it = trackers_.find(b.tracker);
        if (it == trackers_.end()) continue;
        contributions.push_back({b.label, &it->second->state(), b.weight});
    }
    auto e = effective_priority(base_priority_[instance], contributions);
    target_(instance, e.priority, e.fault, e.reason);
}

void TrackingSubsystem::stop() { stopping_ = true; }

void TrackingSubsystem::dump() const {
    for (const auto& [name, t] : trackers_) {
        const auto& s = t->state();
        VLOG_NOTICE("  tracker %s (%s): %s, last %s \"%s\", %llu checks, latency %lld us, dropped reports %llu duplicate %llu late",
                    name.c_str(), t->config().type.c_str(), s.up() ? "UP" : "DOWN", s.last_ok() ? "ok" : "failed",
                    s.last_reason().c_str(), (unsigned long long)t->checks(), (long long)t->last_latency_us(),
                    (unsigned long long)t->dropped().duplicate(), (unsigned long long)t->dropped().late());
    }
}

std::vector<const TrackerRuntime*> TrackingSubsystem::trackers() const { return daemon::views_of(trackers_); }

const TrackerRuntime* TrackingSubsystem::tracker(const std::string& name) const { return daemon::view_of(trackers_, name); }

}  // namespace vigil::track
