// SPDX-License-Identifier: Apache-2.0
// vigild-worker: the daemon proper (loop, VRRP, trackers, notifiers, control
// socket), started by the supervisor (core/supervisor/) with --supervised;
// also `vigild -t`'s checker. Run by hand without --supervised it stays in
// the foreground, with nobody to resign for it should it die.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <memory>

#include "anycast/anycast_subsystem.h"
#include "config/keywords.h"
#include "config_files/config_files.h"
#include "control/control_api.h"
#include "control/control_server.h"
#include "control/metrics.h"
#include "daemon/daemon.h"
#include "daemon/stdio.h"
#include "log/logger.h"
#include "notify/notify_subsystem.h"
#include "plugin/call_guard.h"
#include "plugin/host.h"
#include "plugin/loaded_plugins_log.h"
#include "plugin/plugin_registry.h"
#include "plugin/process.h"
#include "supervisor/worker_link.h"
#include "track/tracking.h"
#include "vrrp/vrrp_subsystem.h"

using namespace vigil;

namespace {

// plugin_path (read ahead), then the built-in directory.
std::vector<std::string> plugin_dirs(const std::string& config_path) {
    auto dirs = config::peek_plugin_path(config_path);
    dirs.push_back(plugin::builtin_plugin_dir());
    return dirs;
}

// The plugins of the types the config names (read ahead), and no other: a
// plugin (the Lua bridge, libcurl behind mail or webhook) costs memory only
// where it is used. A reload loads the types it adds; none is unloaded.
std::vector<std::string> load_plugins(plugin::PluginRegistry& registry, const std::string& config_path) {
    return registry.load_for(plugin_dirs(config_path), config::peek_section_types(config_path));
}

int check_config(const daemon::Options& options, plugin::PluginRegistry& registry) {
    auto problems = load_plugins(registry, options.config_path);
    auto result = daemon::load(options.config_path, registry.schemas(), problems);
    for (const auto& d : result.diagnostics.all()) fprintf(stderr, "%s\n", d.str().c_str());
    if (!result.ok()) {
        fprintf(stderr, "vigild: %s: %zu error(s), %zu warning(s)\n", options.config_path.c_str(),
                result.diagnostics.error_count(), result.diagnostics.warning_count());
        return 1;
    }
    const auto& c = *result.config;
    std::string anycast = c.anycasts.empty() ? "" : ", " + std::to_string(c.anycasts.size()) + " anycast section(s)";
    printf("vigild: %s is valid: %zu instance(s), %zu group(s), %zu tracker(s), %zu notifier(s)%s, %zu warning(s)\n",
           options.config_path.c_str(), c.instances.size(), c.groups.size(), c.trackers.size(), c.notifiers.size(),
           anycast.c_str(), result.diagnostics.warning_count());
    return 0;
}

// Every plugin of the directories a start with this config would search; a
// config that cannot be read leaves the built-in ones.
int list_keywords(const daemon::Options& options, plugin::PluginRegistry& registry) {
    for (const auto& problem : registry.load_directories(plugin_dirs(options.config_path)))
        fprintf(stderr, "vigild: %s\n", problem.c_str());
    fputs(config::render_keywords(config::keyword_sections(registry.schemas())).c_str(), stdout);
    return 0;
}

// "SHARED_FD,SOCKET_FD" from the supervisor.
std::unique_ptr<supervisor::WorkerLink> attach_supervisor(const std::string& fds) {
    int shared_fd = -1, socket_fd = -1;
    if (sscanf(fds.c_str(), "%d,%d", &shared_fd, &socket_fd) != 2) {
        VLOG_ERROR("--supervised: '%s' is not SHARED_FD,SOCKET_FD", fds.c_str());
        return nullptr;
    }
    std::string error;
    auto link = supervisor::WorkerLink::attach(shared_fd, socket_fd, error);
    if (!link) VLOG_ERROR("--supervised: %s", error.c_str());
    return link;
}

// The plugin callback in flight, for the supervisor to name if we die in it.
void record_call(const plugin::CallSite* site) {
    thread_local bool loop_thread = false;
    if (!site) return supervisor::record_call_end(loop_thread);
    loop_thread = site->loop_thread;
    supervisor::record_call_begin(site->plugin, site->callback, site->kind, site->object, site->loop_thread);
}

}  // namespace

int main(int argc, char** argv) {
    auto parsed = daemon::parse_options(argc, argv);
    if (auto status = daemon::answer_without_running(parsed)) return *status;
    auto& options = parsed.options;
    // This thread runs the loop: plugin calls from here (the entry points and
    // validate() at the first load too) go to the loop's call hook.
    plugin::mark_loop_thread();
    plugin::PluginRegistry registry;
    if (options.test_config) return check_config(options, registry);
    if (options.show_keywords) return list_keywords(options, registry);

    // Until the loop installs its handlers, a HUP or USR1 must not kill us.
    signal(SIGHUP, SIG_IGN);
    signal(SIGUSR1, SIG_IGN);
    log::Logger::get().configure({}, options.log_level.value_or(log::Level::Info), false);
    std::unique_ptr<supervisor::WorkerLink> link;
    if (!options.supervised_fds.empty()) {
        link = attach_supervisor(options.supervised_fds);
        if (!link) return 1;
        link->install_crash_handlers();
        plugin::set_call_hook(record_call);
        plugin::set_thread_call_hook(record_call);
    } else {
        options.foreground = true;
        VLOG_WARNING("running without a supervisor: if this process dies, nothing resigns for it");
    }
    daemon::Daemon d(options, registry.schemas());
    d.set_lifecycle(link.get());
    d.set_before_load([&](const std::string& path) { return load_plugins(registry, path); });
    if (!d.start()) return 1;
    d.add_subsystem(std::make_unique<plugin::LoadedPluginsLog>(registry));
    plugin::Host host(d.loop());
    host.set_script_user(plugin::resolve_script_user(d.config().global.script_user));
    // Added in this order: at a stop, VRRP's STOP events reach the notifiers
    // before they drain.
    auto vrrp = std::make_unique<vrrp::VrrpSubsystem>(d.loop());
    auto notify = std::make_unique<notify::NotifySubsystem>(registry, host);
    auto* vrrp_ptr = vrrp.get();
    if (link) {
        vrrp->set_hold_registry(link.get());
        if (auto note = link->restart_note(); !note.empty()) vrrp->set_restarted(note);
    }
    auto* notify_ptr = notify.get();
    vrrp->on_transition([notify_ptr](const vrrp::Instance& inst, vrrp::State from, vrrp::State to, const std::string& reason) {
        std::vector<std::string> vips;
        for (const auto& v : inst.config().vips) vips.push_back(v.prefix.address.str());
        notify_ptr->instance_changed(inst.name(), vrrp::state_name(from), vrrp::state_name(to), inst.machine().priority(), vips,
                                     reason);
    });
    // Notifiers first, so the first transitions (INIT -> BACKUP) find them.
    d.add_subsystem(std::move(notify));
    d.add_subsystem(std::move(vrrp));
    // After VRRP, before tracking: at a stop the anycast sections withdraw
    // (their WITHDRAWN events reach the notifiers) once tracking has stopped.
    auto anycast = std::make_unique<anycast::AnycastSubsystem>();
    auto* anycast_ptr = anycast.get();
    if (link) anycast->set_hold_registry(link.get());
    {
        // Before the first apply (restore_maintenance() comes later, once the
        // control socket exists): a section saved in maintenance must not be
        // announced for a moment at every start.
        std::vector<std::string> saved;
        for (const auto& name : control::ControlApi::saved_maintenance(d.config().global.state_dir))
            if (d.config().anycast(name)) saved.push_back(name);
        anycast->preset_maintenance(saved);
    }
    anycast->on_transition([notify_ptr](const anycast::AnycastSection& s, anycast::State from, anycast::State to) {
        std::vector<std::string> prefixes;
        for (const auto& p : s.config().prefixes) prefixes.push_back(p.prefix.str());
        notify_ptr->anycast_changed(s.name(), anycast::state_name(from), anycast::state_name(to), prefixes, s.reason());
    });
    d.add_subsystem(std::move(anycast));
    auto tracking = std::make_unique<track::TrackingSubsystem>(
        d.loop(), registry, host, [vrrp_ptr](const std::string& instance, int priority, bool fault, const std::string& reason) {
            vrrp_ptr->set_tracking(instance, priority, fault, reason);
        });
    tracking->set_health_target([anycast_ptr](const std::string& section, const std::vector<track::TrackerHealth>& trackers) {
        std::vector<anycast::TrackerView> views;
        for (const auto& t : trackers) views.push_back({t.name, t.up, t.checked, t.reason});
        anycast_ptr->set_health(section, std::move(views));
    });
    auto* tracking_ptr = tracking.get();
    d.add_subsystem(std::move(tracking));

    // The control socket (vigilctl); a socket a live daemon answers on is refused.
    control::ControlApi api(d, *vrrp_ptr, *tracking_ptr, *notify_ptr, registry, anycast_ptr);
    control::ControlServer control(d.loop(), [&api](const nlohmann::json& request) { return api.handle(request); });
    if (auto problem = control.listen(d.config().global.control_socket); !problem.empty()) {
        VLOG_ERROR("%s", problem.c_str());
        return 1;
    }
    notify_ptr->on_event([&control](const notify::Event& e) { control.broadcast(e.json()); });
    control::WorkerStatus worker;
    worker.pid = getpid();
    worker.supervised = link != nullptr;
    if (link) {
        const auto& r = link->restarts();
        worker.restarts = r.restarts;
        worker.by_signal = r.by_signal;
        worker.by_exit = r.by_exit;
        worker.by_stall = r.by_stall;
        worker.last_cause = r.last_cause;
        worker.last_time_ms = r.last_time_ms;
    }
    api.set_worker(worker);
    api.restore_maintenance();
    VLOG_INFO("control socket %s ready", control.path().c_str());
    control::MetricsServer metrics(d.loop(), api);
    if (const auto& m = d.config().global.metrics_listen) {
        if (auto problem = metrics.listen(m->address.str(), m->port); !problem.empty()) VLOG_ERROR("%s", problem.c_str());
        else VLOG_INFO("metrics on http://%s/metrics", m->str().c_str());
    }
    if (link) link->start(d.loop(), [&d] {
        VLOG_ERROR("the supervisor is gone: stopping (nothing would resign for this worker if it died)");
        d.request_stop();
    });
    d.announce_ready();
    // The first worker of a detached vigild still has the terminal: until now
    // for its start-up errors, from now on for nothing.
    if (!options.foreground) daemon::stdio_to_null();
    return d.run();
}
