/* SPDX-License-Identifier: Apache-2.0 */
// The daemon shell: loads the config, runs the libevent loop, turns signals
// into stop / reload / state dump, and hands validated configs to subsystems.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/loader.h"
#include "daemon/lifecycle.h"
#include "daemon/options.h"
#include "daemon/subsystem.h"

struct event;
struct event_base;

namespace vigil::daemon {

struct ReloadOutcome {
    bool applied = false;
    std::vector<config::Diagnostic> diagnostics;
};

// Loads the config with the checks vigild applies everywhere (interfaces
// probed on this machine). `extra_errors` (plugins that failed to load) are
// reported first and fail the load.
config::LoadResult load(const std::string& path, const config::TypeRegistry& types,
                        const std::vector<std::string>& extra_errors = {});

class Daemon {
public:
    Daemon(Options options, const config::TypeRegistry& types);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    void add_subsystem(std::unique_ptr<Subsystem> subsystem);

    // Runs before every load (start and reload) with the config path: loads
    // the plugins the config's plugin_path names. Problems it returns are
    // errors: the load is refused.
    using BeforeLoad = std::function<std::vector<std::string>(const std::string& config_path)>;
    void set_before_load(BeforeLoad hook) { before_load_ = std::move(hook); }

    void set_lifecycle(Lifecycle* lifecycle) { lifecycle_ = lifecycle; }

    // Loads the config and sets up logging, the loop and the signals.
    // Diagnostics are logged; false when the config has errors.
    bool start();
    // Tells the lifecycle the daemon serves (after the control socket is up).
    void announce_ready();
    std::string status_line() const;
    // Runs the loop until a stop is requested; returns the exit status.
    int run();

    // The HUP path: re-reads the config; a config with errors is refused and
    // the running one stays.
    ReloadOutcome reload();
    void request_stop();
    void dump_state() const;

    const config::Config& config() const { return *config_; }
    event_base* loop() const { return base_; }

private:
    void apply_logging(const config::Config& config);
    static void on_signal(int fd, short what, void* self);

    config::LoadResult load_with_plugins();

    Options options_;
    BeforeLoad before_load_;
    Lifecycle* lifecycle_ = nullptr;
    const config::TypeRegistry& types_;
    std::unique_ptr<config::Config> config_;
    // What keys read at start only were set to: a reload compares against these.
    config::GlobalConfig started_global_;
    std::vector<std::unique_ptr<Subsystem>> subsystems_;
    event_base* base_ = nullptr;
    std::vector<event*> signal_events_;
    unsigned reloads_ = 0;
    bool stopping_ = false;
};

}  // namespace vigil::daemon
