// SPDX-License-Identifier: Apache-2.0
#include "supervisor/supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "config_files/config_files.h"
#include "daemon/service_notify.h"
#include "log/logger.h"
#include "supervisor/leftovers.h"
#include "vigil_paths.h"

namespace vigil::supervisor {
namespace {

constexpr std::chrono::seconds kKillAfterAbort{1};
// A worker that has not served by then (plugins that hang in create(), say)
// is ended as stalled: its loop is not watched before it runs.
constexpr std::chrono::seconds kStartTimeout{30};
// How long a start waits for the worker of an earlier vigild, whose supervisor
// is gone, to finish its graceful stop.
constexpr std::chrono::seconds kOrphanWait{10};

int64_t monotonic_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int64_t unix_ms() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

sigset_t handled_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGCHLD}) sigaddset(&set, sig);
    return set;
}

std::string seconds_text(std::chrono::milliseconds d) {
    char buf[32];
    snprintf(buf, sizeof buf, "%g s", static_cast<double>(d.count()) / 1000.0);
    return buf;
}

}  // namespace

std::string worker_path() {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return VIGIL_WORKER_ABSOLUTE;
    auto relative = (exe.parent_path() / VIGIL_WORKER_FROM_SBIN).lexically_normal();
    return access(relative.c_str(), X_OK) == 0 ? relative.string() : VIGIL_WORKER_ABSOLUTE;
}

void configure_logging(const daemon::Options& options) {
    auto global = config::peek_global(options.config_path);
    auto dest = global.log;
    // Detached, stderr is /dev/null: the default destination becomes syslog.
    if (!options.foreground && dest.kind == log::Destination::Kind::Stderr) dest.kind = log::Destination::Kind::Syslog;
    auto problem = log::Logger::get().configure(dest, options.log_level.value_or(global.log_level), options.log_console);
    if (!problem.empty()) VLOG_ERROR("%s", problem.c_str());
}

Supervisor::Supervisor(daemon::Options options, std::string worker, std::function<void(char)> report_ready)
    : options_(std::move(options)), worker_(std::move(worker)), report_ready_(std::move(report_ready)) {}

Supervisor::~Supervisor() {
    if (signal_fd_ >= 0) close(signal_fd_);
    if (socket_ >= 0) close(socket_);
    if (shared_fd_ >= 0) close(shared_fd_);
}

int Supervisor::run() {
    // A held file there is a dead vigild's (resigned for now), or that of the
    // worker of one whose supervisor is gone: it stops by itself, soon.
    held_file_ = held_file_path(options_.pid_file);
    auto left = resign_leftovers(held_file_);
    if (left.busy) {
        VLOG_WARNING("supervisor: %s; waiting up to %lld s for it to stop", left.problem.c_str(),
                     static_cast<long long>(kOrphanWait.count()));
        for (auto until = Clock::now() + kOrphanWait; left.busy && Clock::now() < until;) {
            usleep(50'000);
            left = resign_leftovers(held_file_);
        }
        if (left.busy) {
            VLOG_ERROR("supervisor: %s; not starting a second worker beside it", left.problem.c_str());
            report_ready_(1);
            return 1;
        }
    }
    if (!left.problem.empty())
        VLOG_ERROR("supervisor: %s; %s", left.problem.c_str(),
                   left.untouchable ? "it stays, and this vigild shares memory with its worker as before" : "this vigild replaces it");
    if (!left.note.empty()) VLOG_INFO("supervisor: %s", left.note.c_str());
    log_resignations(left.resigned, "a vigild killed with its worker");
    if (left.untouchable) held_file_.clear();
    if (!held_file_.empty()) {
        shared_ = create_shared_state(shared_fd_, held_file_);
        if (!shared_) {
            VLOG_WARNING("supervisor: cannot create %s (%s): the shared state stays in memory, and a vigild killed with its "
                         "worker leaves its VIPs here until it starts again",
                         held_file_.c_str(), strerror(errno));
            held_file_.clear();
        }
    }
    if (!shared_) shared_ = create_shared_state(shared_fd_);
    if (!shared_) {
        VLOG_ERROR("supervisor: cannot create the shared state: %s", strerror(errno));
        report_ready_(1);
        return 1;
    }
    int status = serve();
    // With the worker gone, every hold was resigned for or released.
    if (!held_file_.empty() && worker_pid_ == 0) unlink(held_file_.c_str());
    return status;
}

int Supervisor::serve() {
    auto signals = handled_signals();
    sigprocmask(SIG_BLOCK, &signals, nullptr);
    signal_fd_ = signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
    if (signal_fd_ < 0) {
        VLOG_ERROR("supervisor: signalfd: %s", strerror(errno));
        report_ready_(1);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    // systemd's watchdog watches the supervisor; the worker's loop is ours to watch.
    watchdog_ = daemon::service_watchdog_interval();
    next_watchdog_ = Clock::now();
    if (!start_worker()) {
        report_ready_(1);
        return 1;
    }
    while (!done_) {
        auto now = Clock::now();
        if (watchdog_.count() > 0 && now >= next_watchdog_) {
            daemon::service_watchdog_ping();
            next_watchdog_ = now + watchdog_ / 2;
        }
        check_stall(now);
        if (restart_at_ && now >= *restart_at_) {
            restart_at_.reset();
            if (!start_worker()) restart_at_ = now + RestartPolicy::kMaxBackoff;
        }
        pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {socket_, POLLIN, 0}};
        int n = poll(fds, socket_ >= 0 ? 2 : 1, poll_timeout_ms(Clock::now()));
        if (n < 0 && errno != EINTR) {
            VLOG_ERROR("supervisor: poll: %s", strerror(errno));
            break;
        }
        if (n <= 0) continue;
        if (socket_ >= 0 && fds[1].revents) on_worker_message();
        if (fds[0].revents) on_signal();
    }
    return exit_status_;
}

bool Supervisor::start_worker() {
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
        VLOG_ERROR("supervisor: socketpair: %s", strerror(errno));
        return false;
    }
    std::vector<std::string> args{"vigild: worker", "-f", options_.config_path, "--supervised",
                                  std::to_string(shared_fd_) + "," + std::to_string(pair[1])};
    if (options_.foreground) args.push_back("-n");
    if (options_.log_console) args.push_back("--log-console");
    if (options_.log_level) args.insert(args.end(), {"--log-level", log::level_name(*options_.log_level)});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    // The stall watch starts when this worker's loop runs, not on the last one's beat.
    shared_->stall_timeout_ms.store(-1, std::memory_order_release);
    pid_t pid = fork();
    if (pid < 0) {
        VLOG_ERROR("supervisor: fork: %s", strerror(errno));
        close(pair[0]);
        close(pair[1]);
        return false;
    }
    if (pid == 0) {
        // systemd hears from the supervisor alone (the unit's main process).
        unsetenv("NOTIFY_SOCKET");
        unsetenv("WATCHDOG_PID");
        unsetenv("WATCHDOG_USEC");
        fcntl(pair[1], F_SETFD, 0);
        signal(SIGPIPE, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        execv(worker_.c_str(), argv.data());
        fprintf(stderr, "vigild: cannot run the worker %s: %s\n", worker_.c_str(), strerror(errno));
        _exit(127);
    }
    close(pair[1]);
    socket_ = pair[0];
    worker_pid_ = pid;
    worker_started_ = Clock::now();
    worker_ready_ = false;
    resigned_.clear();
    abort_sent_.reset();
    kill_sent_ = false;
    stall_cause_.clear();
    VLOG_INFO("supervisor: worker started (pid %d)", static_cast<int>(pid));
    return true;
}

int Supervisor::poll_timeout_ms(Clock::time_point now) const {
    std::optional<Clock::time_point> wake;
    auto earliest = [&](Clock::time_point t) {
        if (!wake || t < *wake) wake = t;
    };
    if (watchdog_.count() > 0) earliest(next_watchdog_);
    if (restart_at_) earliest(*restart_at_);
    if (abort_sent_ && !kill_sent_) earliest(*abort_sent_ + kKillAfterAbort);
    if (worker_pid_ && !worker_ready_ && !abort_sent_) earliest(worker_started_ + kStartTimeout + std::chrono::milliseconds(1));
    int64_t timeout = worker_pid_ && !abort_sent_ ? shared_->stall_timeout_ms.load(std::memory_order_acquire) : 0;
    if (timeout > 0) {
        // Wake when the last beat would be too old.
        auto age = std::chrono::nanoseconds(monotonic_ns() - shared_->heartbeat_ns.load(std::memory_order_acquire));
        earliest(now + std::chrono::milliseconds(timeout) - age + std::chrono::milliseconds(1));
    }
    if (!wake) return -1;
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(*wake - now).count();
    return static_cast<int>(std::clamp<int64_t>(ms, 0, 60'000));
}

void Supervisor::check_stall(Clock::time_point now) {
    if (!worker_pid_) return;
    if (abort_sent_) {
        if (!kill_sent_ && now - *abort_sent_ >= kKillAfterAbort) {
            VLOG_ERROR("supervisor: worker (pid %d) still alive %lld s after SIGABRT; sending SIGKILL", static_cast<int>(worker_pid_),
                       static_cast<long long>(kKillAfterAbort.count()));
            kill(worker_pid_, SIGKILL);
            kill_sent_ = true;
        }
        return;
    }
    if (!worker_ready_ && now - worker_started_ > kStartTimeout) {
        stall_cause_ = "stalled: not ready " + std::to_string(kStartTimeout.count()) + " s after its start" + describe_calls(*shared_);
    } else {
        int64_t timeout = shared_->stall_timeout_ms.load(std::memory_order_acquire);
        if (timeout <= 0) return;
        int64_t age_ms = (monotonic_ns() - shared_->heartbeat_ns.load(std::memory_order_acquire)) / 1'000'000;
        if (age_ms <= timeout) return;
        stall_cause_ = "stalled: its loop did not turn for " + std::to_string(age_ms) + " ms (stall_timeout " +
                       std::to_string(timeout) + " ms)" + describe_calls(*shared_);
    }
    VLOG_ERROR("supervisor: worker (pid %d) %s; sending SIGABRT", static_cast<int>(worker_pid_), stall_cause_.c_str());
    // To the loop's thread (the main thread: tid = pid), so that the thread
    // that might still add a VIP is the one that stops.
    syscall(SYS_tgkill, worker_pid_, worker_pid_, SIGABRT);
    abort_sent_ = now;
    resign("stalled");
}

void Supervisor::resign(const char* when) {
    log_resignations(resigner_.resign(*shared_, resigned_), std::string("the ") + when + " worker");
}

void Supervisor::on_worker_message() {
    char buf[512];
    ssize_t n = recv(socket_, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) return;
    if (n == 0) {  // the worker is gone; its exit status comes with SIGCHLD
        close(socket_);
        socket_ = -1;
        return;
    }
    std::string message(buf, static_cast<size_t>(n));
    switch (message[0]) {
        case 'R':
            worker_ready_ = true;
            daemon::service_ready(message.substr(1));
            if (!ever_ready_) {
                ever_ready_ = true;
                report_ready_(0);
            }
            break;
        case 'L': daemon::service_reloading(); break;
        case 'S':  // a worker stopped by someone else is restarted: not a service stop
            if (stopping_) daemon::service_stopping();
            break;
        case 'D':
            VLOG_ERROR("supervisor: worker (pid %d) is dying of %s%s", static_cast<int>(worker_pid_),
                       message.size() > 1 ? signal_name(static_cast<unsigned char>(message[1])).c_str() : "a fatal signal",
                       describe_calls(*shared_).c_str());
            resign("dying");
            break;
    }
}

void Supervisor::on_signal() {
    signalfd_siginfo info{};
    while (read(signal_fd_, &info, sizeof info) == sizeof info) {
        switch (info.ssi_signo) {
            case SIGTERM:
            case SIGINT:
                if (stopping_) break;
                stopping_ = true;
                restart_at_.reset();
                VLOG_NOTICE("supervisor: stopping");
                daemon::service_stopping();
                if (worker_pid_) kill(worker_pid_, SIGTERM);
                else done_ = true;
                break;
            case SIGHUP:
                configure_logging(options_);
                if (worker_pid_) kill(worker_pid_, SIGHUP);
                break;
            case SIGUSR1:
                VLOG_NOTICE("supervisor: worker pid %d, %u restart(s)%s%s", static_cast<int>(worker_pid_),
                            shared_->restart.restarts, shared_->restart.restarts ? ", last: " : "", shared_->restart.last_cause);
                if (worker_pid_) kill(worker_pid_, SIGUSR1);
                break;
            case SIGCHLD:
                for (int status; ;) {
                    pid_t pid = waitpid(-1, &status, WNOHANG);
                    if (pid <= 0) break;
                    if (pid == worker_pid_) on_worker_exit(status);
                }
                break;
        }
    }
}

void Supervisor::on_worker_exit(int status) {
    pid_t pid = worker_pid_;
    worker_pid_ = 0;
    if (socket_ >= 0) {
        close(socket_);
        socket_ = -1;
    }
    // Whatever it held when it died (a graceful stop left nothing).
    resign("dead");
    if (stopping_) {
        // Killed by our TERM before its handlers were in place (a restarted
        // worker starting up) is a stop too; not when vigild never served: a
        // first worker failing to start may be dying as the TERM comes.
        bool clean = (WIFEXITED(status) && WEXITSTATUS(status) == 0) ||
                     (ever_ready_ && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
        exit_status_ = clean ? 0 : 1;
        if (exit_status_ != 0) VLOG_ERROR("supervisor: worker (pid %d) %s while stopping", static_cast<int>(pid), describe_exit(status).c_str());
        done_ = true;
        return;
    }
    bool stalled = abort_sent_.has_value();
    std::string cause = stalled ? stall_cause_ + "; ended: " + describe_exit(status)
                                : describe_exit(status) + describe_calls(*shared_);
    VLOG_ERROR("supervisor: worker (pid %d) %s", static_cast<int>(pid), cause.c_str());
    if (!ever_ready_) {
        // The first worker never served (a config error, most often): vigild
        // fails to start, as it did before it had a supervisor.
        VLOG_ERROR("supervisor: the worker did not start; vigild stops");
        report_ready_(1);
        exit_status_ = 1;
        done_ = true;
        return;
    }
    record_death(stalled ? DeathKind::Stall : WIFSIGNALED(status) ? DeathKind::Signal : DeathKind::Exit,
                 "worker pid " + std::to_string(pid) + " " + cause);
    auto delay = policy_.next_delay(worker_started_, Clock::now());
    restart_at_ = Clock::now() + delay;
    if (delay.count() == 0) VLOG_NOTICE("supervisor: starting a new worker");
    else VLOG_NOTICE("supervisor: starting a new worker in %s (it died within %lld s of its start)", seconds_text(delay).c_str(),
                     static_cast<long long>(RestartPolicy::kHealthyAfter.count()));
}

void Supervisor::record_death(DeathKind kind, const std::string& cause) {
    auto& r = shared_->restart;
    ++r.restarts;
    switch (kind) {
        case DeathKind::Signal: ++r.by_signal; break;
        case DeathKind::Exit: ++r.by_exit; break;
        case DeathKind::Stall: ++r.by_stall; break;
    }
    r.last_time_ms = unix_ms();
    copy_text(r.last_cause, cause.c_str());
    record_resigned(r, resigned_);
}

}  // namespace vigil::supervisor
