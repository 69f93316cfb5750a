/* SPDX-License-Identifier: Apache-2.0 */
// The worker's side of its link to the supervisor (core/supervisor/): it
// proves its loop turns (a heartbeat in shared memory), publishes what it
// holds as MASTER before it adds a VIP, records the plugin callback in
// flight, tells the supervisor when it is ready, reloading or stopping, and
// stops gracefully when the supervisor is gone.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "daemon/lifecycle.h"
#include "supervisor/shared_state.h"
#include "vrrp/hold_registry.h"

struct event;
struct event_base;

namespace vigil::supervisor {

class WorkerLink : public vrrp::HoldRegistry, public daemon::Lifecycle {
public:
    // How long a reload may hold the loop (or stall_timeout, if longer).
    static constexpr std::chrono::milliseconds kReloadAllowance{5000};

    // The fds the supervisor handed down (--supervised SHM,SOCKET); nullptr
    // and `error` set when they are not what a supervisor makes.
    static std::unique_ptr<WorkerLink> attach(int shared_fd, int socket_fd, std::string& error);
    ~WorkerLink() override;
    WorkerLink(const WorkerLink&) = delete;
    WorkerLink& operator=(const WorkerLink&) = delete;

    // Why the previous worker died; empty for the first worker.
    std::string restart_note() const;
    // The supervisor's count of restarts and their causes.
    const RestartRecord& restarts() const { return shared_->restart; }

    // Starts the heartbeat (and so the supervisor's stall watch) as the loop
    // is about to run, and watches the socket: `on_supervisor_gone` runs
    // when the supervisor's end closes (it died).
    void start(event_base* base, std::function<void()> on_supervisor_gone);

    // daemon::Lifecycle ([global] stall_timeout comes with applied())
    void applied(const config::Config& config) override;
    void ready(const std::string& status) override;
    void reloading() override;
    void stopping() override;
    void beat() override;

    // vrrp::HoldRegistry
    void holding(const vrrp::Hold& hold) override;
    void released(const std::string& instance) override;

    // Fatal signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) first tell the
    // supervisor "dying", so it resigns at once instead of after a core
    // dump, then take their default action.
    void install_crash_handlers();

private:
    WorkerLink(SharedState* shared, int socket_fd) : shared_(shared), socket_(socket_fd) {}
    void send(const std::string& message);
    void publish_stall_timeout();
    static void on_beat(int, short, void* self);
    static void on_socket(int fd, short, void* self);

    // Never unmapped: the mapping holds the open file the supervisor flock()ed,
    // so while the worker runs (its supervisor gone or not) nobody resigns
    // from the held file in its place.
    SharedState* shared_;
    int socket_;
    event* beat_ = nullptr;
    event* watch_ = nullptr;
    std::chrono::milliseconds stall_timeout_{0};
    std::chrono::milliseconds beat_period_{1000};
    std::function<void()> on_gone_;
    std::map<std::string, size_t> slots_;  // instance name → held slot
    std::vector<size_t> free_slots_;
};

// Plugin calls in flight, recorded into the shared state the link attached
// (no-ops before): the loop thread's, and one per notifier thread. `kind` and
// `object` say whose call it is ("tracker", "crashy").
void record_call_begin(const char* plugin, const char* callback, const char* kind, const char* object, bool loop_thread);
void record_call_end(bool loop_thread);

}  // namespace vigil::supervisor
