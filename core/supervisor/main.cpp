// SPDX-License-Identifier: Apache-2.0
// vigild: the supervisor's entry point. Options, `-t` (run by the worker
// executable, which loads the plugins a check needs), detaching, the pid
// file and logging; then the Supervisor runs the worker.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "daemon/options.h"
#include "daemon/pid_file.h"
#include "daemon/stdio.h"
#include "log/logger.h"
#include "supervisor/leftovers.h"
#include "supervisor/process_title.h"
#include "supervisor/supervisor.h"

using namespace vigil;

namespace {

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
    if (status == 0) daemon::stdio_to_null();
    if (write(ready_fd, &status, 1) != 1) { /* the parent is gone; nothing to tell */ }
    close(ready_fd);
    ready_fd = -1;
}

// The unit's ExecStopPost: after a stop or a death, whatever a vigild killed
// together with its worker still holds is resigned for (see leftovers.h).
int resign_leftovers(daemon::Options& options) {
    std::error_code ec;
    options.pid_file = std::filesystem::absolute(options.pid_file, ec).string();
    log::Logger::get().configure({}, options.log_level.value_or(log::Level::Info), false);
    daemon::PidFile pid_file;
    if (auto problem = pid_file.acquire(options.pid_file); !problem.empty()) {
        VLOG_ERROR("vigild: %s; a running vigild resigns for itself", problem.c_str());
        return 1;
    }
    auto held = supervisor::held_file_path(options.pid_file);
    auto left = supervisor::resign_leftovers(held);
    // A process that has just left its namespace (or cgroup) may not have
    // released its files yet: the lock goes a moment later.
    for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
         left.busy && std::chrono::steady_clock::now() < until;) {
        usleep(10'000);
        left = supervisor::resign_leftovers(held);
    }
    if (!left.problem.empty()) VLOG_ERROR("vigild: %s", left.problem.c_str());
    if (!left.note.empty()) VLOG_INFO("vigild: %s", left.note.c_str());
    supervisor::log_resignations(left.resigned, "a vigild killed with its worker", "vigild");
    bool failed = !left.problem.empty();
    for (const auto& r : left.resigned) failed = failed || !r.problems.empty();
    if (left.resigned.empty() && !failed && left.note.empty())
        VLOG_INFO("vigild: nothing to resign for (%s)", left.found ? "the last vigild released everything" : ("no " + held).c_str());
    return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    auto parsed = daemon::parse_options(argc, argv);
    if (auto status = daemon::answer_without_running(parsed)) return *status;
    auto& options = parsed.options;
    if (options.resign_leftovers) return resign_leftovers(options);
    auto worker = supervisor::worker_path();
    if (options.test_config || options.show_keywords) {
        // Both load plugins: the worker executable does it.
        argv[0] = const_cast<char*>("vigild");
        execv(worker.c_str(), argv);
        fprintf(stderr, "vigild: cannot run %s: %s\n", worker.c_str(), strerror(errno));
        return 1;
    }
    if (!options.supervised_fds.empty()) {
        fprintf(stderr, "vigild: --supervised is for the worker executable\n");
        return 2;
    }

    // Until the supervisor blocks them, a HUP or USR1 must not kill us.
    signal(SIGHUP, SIG_IGN);
    signal(SIGUSR1, SIG_IGN);
    // Detaching changes to /; relative paths must mean what they meant here.
    std::error_code ec;
    options.config_path = std::filesystem::absolute(options.config_path, ec).string();
    options.pid_file = std::filesystem::absolute(options.pid_file, ec).string();
    supervisor::set_process_title(argc, argv, "vigild: supervisor");

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
    supervisor::configure_logging(options);
    supervisor::Supervisor s(options, worker, [&ready_fd](char status) { report_ready(ready_fd, status); });
    int status = s.run();
    VLOG_NOTICE("vigild stopped");
    return status;
}
