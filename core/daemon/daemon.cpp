// SPDX-License-Identifier: Apache-2.0
#include "daemon/daemon.h"

#include <event2/event.h>
#include <net/if.h>

#include <csignal>

#include "config/section_keys.h"
#include "config_files/config_files.h"
#include "log/logger.h"

namespace vigil::daemon {

config::LoadResult load(const std::string& path, const config::TypeRegistry& types, const std::vector<std::string>& extra_errors) {
    config::LoadOptions options;
    options.types = &types;
    options.interface_exists = [](const std::string& name) { return if_nametoindex(name.c_str()) != 0; };
    auto result = config::load_config_file(path, options);
    if (extra_errors.empty()) return result;
    config::LoadResult failed;
    for (const auto& e : extra_errors) failed.diagnostics.error({"plugin", 0}, e);
    for (const auto& d : result.diagnostics.all()) {
        if (d.severity == config::Severity::Error) failed.diagnostics.error(d.where, d.message);
        else failed.diagnostics.warning(d.where, d.message);
    }
    return failed;
}

config::LoadResult Daemon::load_with_plugins() {
    std::vector<std::string> problems;
    if (before_load_) problems = before_load_(options_.config_path);
    return load(options_.config_path, types_, problems);
}

namespace {

void log_diagnostics(const std::vector<config::Diagnostic>& diagnostics) {
    for (const auto& d : diagnostics)
        log::logf(d.severity == config::Severity::Error ? log::Level::Error : log::Level::Warning, "%s", d.str().c_str());
}

}  // namespace

Daemon::Daemon(Options options, const config::TypeRegistry& types) : options_(std::move(options)), types_(types) {}

Daemon::~Daemon() {
    subsystems_.clear();  // their events belong to the loop freed below
    for (auto* ev : signal_events_) event_free(ev);
    if (base_) event_base_free(base_);
}

void Daemon::add_subsystem(std::unique_ptr<Subsystem> subsystem) {
    if (config_) subsystem->apply(*config_);
    subsystems_.push_back(std::move(subsystem));
}

void Daemon::apply_logging(const config::Config& config) {
    auto dest = config.global.log;
    // Detached, stderr is /dev/null: the default destination becomes syslog.
    if (!options_.foreground && dest.kind == log::Destination::Kind::Stderr) dest.kind = log::Destination::Kind::Syslog;
    auto level = options_.log_level.value_or(config.global.log_level);
    auto problem = log::Logger::get().configure(dest, level, options_.log_console);
    if (!problem.empty()) VLOG_ERROR("%s; logging stays where it was", problem.c_str());
}

bool Daemon::start() {
    auto result = load_with_plugins();
    log_diagnostics(result.diagnostics.all());
    if (!result.ok()) {
        VLOG_ERROR("%zu error(s) in %s; not starting", result.diagnostics.error_count(), options_.config_path.c_str());
        return false;
    }
    config_ = std::make_unique<config::Config>(std::move(*result.config));
    started_global_ = config_->global;
    apply_logging(*config_);

    event_config* cfg = event_config_new();
    // libevent times with CLOCK_MONOTONIC; the precise flag avoids its coarse
    // variant (~4 ms ticks), too rough for VRRPv3's 10 ms advert steps.
    event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
    base_ = event_base_new_with_config(cfg);
    event_config_free(cfg);
    if (!base_) {
        VLOG_ERROR("cannot create the event loop");
        return false;
    }
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) {
        event* ev = evsignal_new(base_, sig, on_signal, this);
        evsignal_add(ev, nullptr);
        signal_events_.push_back(ev);
    }
    signal(SIGPIPE, SIG_IGN);
    for (auto& s : subsystems_) s->apply(*config_);
    if (lifecycle_) lifecycle_->applied(*config_);
    VLOG_NOTICE("vigild started: %s from %s", status_line().c_str(), options_.config_path.c_str());
    return true;
}

std::string Daemon::status_line() const {
    if (!config_) return "starting";
    // Anycast sections only where there are some: the words for a VRRP-only
    // host stay as they were (scripts match them).
    return std::to_string(config_->instances.size()) + " instance(s), " + std::to_string(config_->trackers.size()) +
           " tracker(s), " + std::to_string(config_->notifiers.size()) + " notifier(s)" +
           (config_->anycasts.empty() ? "" : ", " + std::to_string(config_->anycasts.size()) + " anycast section(s)");
}

void Daemon::announce_ready() {
    if (lifecycle_) lifecycle_->ready(status_line());
}

int Daemon::run() {
    event_base_dispatch(base_);
    // Subsystems go now, while what they use (the loop, the plugin host the
    // caller owns) still exists.
    subsystems_.clear();
    VLOG_NOTICE("vigild stopped");
    return 0;
}

ReloadOutcome Daemon::reload() {
    ReloadOutcome outcome;
    if (lifecycle_) lifecycle_->reloading();
    struct ReadyAgain {  // whether applied or refused, vigild is serving again
        const Daemon* d;
        ~ReadyAgain() {
            if (d->lifecycle_) d->lifecycle_->ready(d->status_line());
        }
    } ready_again{this};
    log::Logger::get().reopen();
    auto result = load_with_plugins();
    if (lifecycle_) lifecycle_->beat();  // a large config or many plugins take a while
    outcome.diagnostics = result.diagnostics.all();
    log_diagnostics(outcome.diagnostics);
    if (!result.ok()) {
        VLOG_ERROR("reload refused: %zu error(s) in %s; the running configuration stays",
                   result.diagnostics.error_count(), options_.config_path.c_str());
        return outcome;
    }
    for (const auto& key : config::changed_needing_restart(started_global_, result.config->global))
        VLOG_WARNING("[global] %s changed; the new value takes effect when vigild restarts", key.c_str());
    config_ = std::make_unique<config::Config>(std::move(*result.config));
    apply_logging(*config_);
    for (auto& s : subsystems_) s->apply(*config_);
    if (lifecycle_) lifecycle_->applied(*config_);
    ++reloads_;
    outcome.applied = true;
    VLOG_NOTICE("reloaded %s: %s", options_.config_path.c_str(), status_line().c_str());
    return outcome;
}

void Daemon::request_stop() {
    // A TERM from the supervisor and one from elsewhere (a whole process group
    // signalled) stop once.
    if (stopping_) return;
    stopping_ = true;
    VLOG_NOTICE("stopping");
    if (lifecycle_) lifecycle_->stopping();
    // Reverse order of construction: trackers, then VRRP (whose STOP events
    // the notifiers, stopped last, still deliver).
    for (auto it = subsystems_.rbegin(); it != subsystems_.rend(); ++it) (*it)->stop();
    if (base_) event_base_loopexit(base_, nullptr);
}

void Daemon::dump_state() const {
    VLOG_NOTICE("state dump: config %s, %u reload(s), router_id %s", options_.config_path.c_str(), reloads_,
                config_->global.router_id.c_str());
    for (const auto& inst : config_->instances) {
        std::string vips;
        for (const auto& v : inst.vips) vips += " " + v.prefix.str();
        VLOG_NOTICE("  [instance %s] %s vrid %d VRRPv%d priority %d advert %s vips:%s", inst.name.c_str(),
                    inst.interface.c_str(), inst.vrid, inst.version, inst.priority,
                    config::format_duration(inst.advert_int).c_str(), vips.c_str());
    }
    for (const auto& t : config_->trackers)
        VLOG_NOTICE("  [tracker %s] type %s weight %d", t.name.c_str(), t.type.c_str(), t.weight);
    for (const auto& n : config_->notifiers) VLOG_NOTICE("  [notifier %s] type %s", n.name.c_str(), n.type.c_str());
    for (const auto& s : subsystems_) s->dump();
}

void Daemon::on_signal(int sig, short, void* arg) {
    auto* self = static_cast<Daemon*>(arg);
    switch (sig) {
        case SIGTERM:
        case SIGINT: self->request_stop(); break;
        case SIGHUP: self->reload(); break;
        case SIGUSR1: self->dump_state(); break;
    }
}

}  // namespace vigil::daemon
