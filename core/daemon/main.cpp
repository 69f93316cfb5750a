// vigild: the entry point. Option handling, `-t`, detaching and the pid file;
// everything else is the Daemon's.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>

#include "config/type_schema.h"
#include "daemon/daemon.h"
#include "daemon/pid_file.h"
#include "log/logger.h"
#include "vigil_version.h"
#include "vrrp/vrrp_subsystem.h"

using namespace vigil;

namespace {

int check_config(const daemon::Options& options, const config::TypeRegistry& types) {
    auto result = daemon::load(options.config_path, types);
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
    auto types = config::builtin_types();
    if (options.test_config) return check_config(options, types);

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
    daemon::Daemon d(options, types);
    if (!d.start()) {
        report_ready(ready_fd, 1);
        return 1;
    }
    d.add_subsystem(std::make_unique<vrrp::VrrpSubsystem>(d.loop()));
    report_ready(ready_fd, 0);
    return d.run();
}
