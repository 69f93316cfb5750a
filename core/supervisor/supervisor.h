/* SPDX-License-Identifier: Apache-2.0 */
// The supervisor: what `vigild` runs as. It starts the worker (the daemon
// proper: loop, VRRP, plugins, Lua), relays its readiness to systemd and to
// a detaching parent, forwards signals to it, and when the worker dies or its
// loop stops turning, resigns for it — priority 0 for every instance it held
// as MASTER, its VIPs removed; the prefixes of every [anycast] section it
// announced removed — and starts a new one. It loads no plugin,
// no Lua and no libcurl, so nothing a plugin does can take it down.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/options.h"
#include "supervisor/exit_cause.h"
#include "supervisor/resign.h"
#include "supervisor/restart_policy.h"
#include "supervisor/shared_state.h"

namespace vigil::supervisor {

// The worker executable: where the install (and the build tree) puts it
// relative to vigild, else its configured absolute path.
std::string worker_path();

// [global] log and log_level as the worker will read them (the worker checks
// them; a bad value leaves the default here): at start and on HUP.
void configure_logging(const daemon::Options& options);

class Supervisor {
public:
    using Clock = std::chrono::steady_clock;
    // `report_ready(0)` once the first worker serves, `report_ready(1)` when
    // it failed to start (for a detaching parent).
    Supervisor(daemon::Options options, std::string worker, std::function<void(char)> report_ready);
    ~Supervisor();
    Supervisor(const Supervisor&) = delete;
    Supervisor& operator=(const Supervisor&) = delete;

    // Runs until a stop (TERM/INT) ends the worker, or the first worker fails
    // to start; returns the exit status.
    int run();

private:
    int serve();
    bool start_worker();
    void on_signal();
    void on_worker_message();
    void on_worker_exit(int status);
    void check_stall(Clock::time_point now);
    void resign(const char* when);
    void record_death(DeathKind kind, const std::string& cause);
    int poll_timeout_ms(Clock::time_point now) const;

    daemon::Options options_;
    std::string worker_;
    std::function<void(char)> report_ready_;
    std::string held_file_;  // the shared state's file ("": in memory)
    int shared_fd_ = -1;
    SharedState* shared_ = nullptr;
    int signal_fd_ = -1;
    int socket_ = -1;  // our end of the worker's socket pair
    pid_t worker_pid_ = 0;
    Clock::time_point worker_started_;
    bool worker_ready_ = false;
    bool ever_ready_ = false;
    bool stopping_ = false;
    std::set<std::string> resigned_;  // "SLOT NAME" of the holds resigned for, for the current worker
    std::optional<Clock::time_point> abort_sent_;  // a stalled worker was sent SIGABRT
    bool kill_sent_ = false;                        // ... and, still there 1 s later, SIGKILL
    std::string stall_cause_;
    std::optional<Clock::time_point> restart_at_;
    Clock::time_point next_watchdog_;
    std::chrono::microseconds watchdog_{0};
    RestartPolicy policy_;
    Resigner resigner_;
    int exit_status_ = 0;
    bool done_ = false;
};

}  // namespace vigil::supervisor
