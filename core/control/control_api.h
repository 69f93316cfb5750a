/* SPDX-License-Identifier: Apache-2.0 */
// What the control socket can ask of the daemon: status, reload, maintenance
// of instances and anycast sections (one list, persisted under state_dir so
// it survives a restart). Reaches the
// subsystems through their public accessors only.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "anycast/anycast_subsystem.h"
#include "control/status.h"
#include "daemon/daemon.h"
#include "notify/notify_subsystem.h"
#include "plugin/plugin_registry.h"
#include "track/tracking.h"
#include "vrrp/vrrp_subsystem.h"

namespace vigil::control {

class ControlApi {
public:
    // `anycast` may be null: a process without the anycast part.
    ControlApi(daemon::Daemon& daemon, vrrp::VrrpSubsystem& vrrp, track::TrackingSubsystem& tracking,
               notify::NotifySubsystem& notify, const plugin::PluginRegistry& plugins, anycast::AnycastSubsystem* anycast = nullptr)
        : daemon_(daemon), vrrp_(vrrp), tracking_(tracking), notify_(notify), plugins_(plugins), anycast_(anycast) {}

    // Answers a request of a command the daemon runs (commands.h).
    nlohmann::json handle(const nlohmann::json& request);
    DaemonStatus status() const;

    void set_worker(WorkerStatus worker) { worker_ = std::move(worker); }

    // Restores the maintenance flags saved under state_dir (at start), each
    // name to the instance or anycast section it names.
    void restore_maintenance();
    // The names saved under `state_dir` (instances and anycast sections alike).
    static std::vector<std::string> saved_maintenance(const std::string& state_dir);

private:
    nlohmann::json reload();
    nlohmann::json maintenance(const nlohmann::json& request);
    std::string maintenance_file() const;
    void save_maintenance() const;

    daemon::Daemon& daemon_;
    vrrp::VrrpSubsystem& vrrp_;
    track::TrackingSubsystem& tracking_;
    notify::NotifySubsystem& notify_;
    const plugin::PluginRegistry& plugins_;
    anycast::AnycastSubsystem* anycast_;
    WorkerStatus worker_;
};

}  // namespace vigil::control
