// The daemon shell: loads the config, runs the libevent loop, turns signals
// into stop / reload / state dump, and hands validated configs to subsystems.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/loader.h"
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
// probed on this machine).
config::LoadResult load(const std::string& path, const config::TypeRegistry& types);

class Daemon {
public:
    Daemon(Options options, const config::TypeRegistry& types);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    void add_subsystem(std::unique_ptr<Subsystem> subsystem);

    // Loads the config and sets up logging, the loop and the signals.
    // Diagnostics are logged; false when the config has errors.
    bool start();
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

    Options options_;
    const config::TypeRegistry& types_;
    std::unique_ptr<config::Config> config_;
    std::vector<std::unique_ptr<Subsystem>> subsystems_;
    event_base* base_ = nullptr;
    std::vector<event*> signal_events_;
    unsigned reloads_ = 0;
};

}  // namespace vigil::daemon
