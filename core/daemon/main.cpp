// vigild: the entry point. Option handling, `-t`, detaching and the pid file;
// everything else is the Daemon's.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>

#include "config/loader.h"
#include "control/control_api.h"
#include "control/control_server.h"
#include "control/metrics.h"
#include "daemon/daemon.h"
#include "daemon/pid_file.h"
#include "log/logger.h"
#include "vigil_version.h"
#include "notify/notify_subsystem.h"
#include "plugin/call_guard.h"
#include "plugin/host.h"
#include "plugin/loaded_plugins_log.h"
#include "plugin/plugin_registry.h"
#include "plugin/process.h"
#include "track/tracking.h"
#include "vrrp/vrrp_subsystem.h"

using namespace vigil;

namespace {

// plugin_path (read ahead), then the built-in directory.
std::vector<std::string> load_plugins(plugin::PluginRegistry& registry, const std::string& config_path) {
    auto dirs = config::peek_plugin_path(config_path);
    dirs.push_back(plugin::builtin_plugin_dir());
    return registry.load_directories(dirs);
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
    printf("vigild: %s is valid: %zu instance(s), %zu group(s), %zu tracker(s), %zu notifier(s), %zu warning(s)\n",
           options.config_path.c_str(), c.instances.size(), c.groups.size(), c.trackers.size(), c.notifiers.size(),
           result.diagnostics.warning_count());
    return 0;
}

// Forks; the parent waits until the child reports that it started (or failed)
// so that `vigild` without -n exits non-zero on a bad config, like keepalived.
int detach(int& ready_fd) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid > 0) {
        close(fds[1]);
        char status = 1;
        if (read(fds[0], &status, 1) != 1) status = 1;
        _exit(status);
    }
    close(fds[0]);
    ready_fd = fds[1];
    setsid();
    if (chdir("/") != 0) return -1;
    umask(022);
    return 0;
}

void report_ready(int& ready_fd, char status) {
    if (ready_fd < 0) return;
    if (status == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (null > 2) close(null);
    }
    if (write(ready_fd, &status, 1) != 1) { /* the parent is gone; nothing to tell */ }
    close(ready_fd);
    ready_fd = -1;
}

}  // namespace

int main(int argc, char** argv) {
    auto parsed = daemon::parse_options(argc, argv);
    if (!parsed.error.empty()) {
        fprintf(stderr, "vigild: %s\n%s", parsed.error.c_str(), daemon::usage().c_str());
        return 2;
    }
    auto& options = parsed.options;
    if (options.show_help) {
        fputs(daemon::usage().c_str(), stdout);
        return 0;
    }
    if (options.show_version) {
        printf("vigild %s\n", VIGIL_VERSION);
        return 0;
    }
    // This thread runs the loop: plugin calls from here (the entry points and
    // validate() at the first load too) go to the loop's call hook.
    plugin::mark_loop_thread();
    plugin::PluginRegistry registry;
    if (options.test_config) return check_config(options, registry);

    // Until the loop installs its handlers, a HUP or USR1 must not kill us.
    signal(SIGHUP, SIG_IGN);
    signal(SIGUSR1, SIG_IGN);
    // Detaching changes to /; relative paths must mean what they meant here.
    std::error_code ec;
    options.config_path = std::filesystem::absolute(options.config_path, ec).string();
    options.pid_file = std::filesystem::absolute(options.pid_file, ec).string();

    log::Logger::get().configure({}, options.log_level.value_or(log::Level::Info), false);
    int ready_fd = -1;
    if (!options.foreground && detach(ready_fd) != 0) {
        perror("vigild: cannot detach");
        return 1;
    }
    daemon::PidFile pid_file;
    if (auto problem = pid_file.acquire(options.pid_file); !problem.empty()) {
        VLOG_ERROR("%s", problem.c_str());
        report_ready(ready_fd, 1);
        return 1;
    }
    daemon::Daemon d(options, registry.schemas());
    d.set_before_load([&](const std::string& path) { return load_plugins(registry, path); });
    if (!d.start()) {
        report_ready(ready_fd, 1);
        return 1;
    }
    d.add_subsystem(std::make_unique<plugin::LoadedPluginsLog>(registry));
    plugin::Host host(d.loop());
    host.set_script_user(plugin::resolve_script_user(d.config().global.script_user));
    // Added in this order: at a stop, VRRP's STOP events reach the notifiers
    // before they drain.
    auto vrrp = std::make_unique<vrrp::VrrpSubsystem>(d.loop());
    auto notify = std::make_unique<notify::NotifySubsystem>(registry, host);
    auto* vrrp_ptr = vrrp.get();
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
    auto tracking = std::make_unique<track::TrackingSubsystem>(
        d.loop(), registry, host, [vrrp_ptr](const std::string& instance, int priority, bool fault, const std::string& reason) {
            vrrp_ptr->set_tracking(instance, priority, fault, reason);
        });
    auto* tracking_ptr = tracking.get();
    d.add_subsystem(std::move(tracking));

    // The control socket (vigilctl); a socket a live daemon answers on is refused.
    control::ControlApi api(d, *vrrp_ptr, *tracking_ptr, *notify_ptr, registry);
    control::ControlServer control(d.loop(), [&api](const nlohmann::json& request) { return api.handle(request); });
    if (auto problem = control.listen(d.config().global.control_socket); !problem.empty()) {
        VLOG_ERROR("%s", problem.c_str());
        report_ready(ready_fd, 1);
        return 1;
    }
    notify_ptr->on_event([&control](const notify::Event& e) { control.broadcast(e.json()); });
    api.restore_maintenance();
    VLOG_INFO("control socket %s ready", control.path().c_str());
    control::MetricsServer metrics(d.loop(), api);
    if (const auto& m = d.config().global.metrics_listen) {
        if (auto problem = metrics.listen(m->address.str(), m->port); !problem.empty()) VLOG_ERROR("%s", problem.c_str());
        else VLOG_INFO("metrics on http://%s/metrics", m->str().c_str());
    }
    report_ready(ready_fd, 0);
    d.announce_ready();
    return d.run();
}
