/* SPDX-License-Identifier: Apache-2.0 */
// Reads the running daemon into a DaemonStatus, through the subsystems'
// public accessors only.
#pragma once

#include "anycast/anycast_subsystem.h"
#include "control/status.h"
#include "daemon/daemon.h"
#include "notify/notify_subsystem.h"
#include "plugin/plugin_registry.h"
#include "track/tracking.h"
#include "vrrp/vrrp_subsystem.h"

namespace vigil::control {

struct StatusSources {
    const daemon::Daemon& daemon;
    const vrrp::VrrpSubsystem& vrrp;
    const track::TrackingSubsystem& tracking;
    const notify::NotifySubsystem& notify;
    const plugin::PluginRegistry& plugins;
    const WorkerStatus& worker;
    const anycast::AnycastSubsystem* anycast = nullptr;  // none: no anycast part in this process
};

DaemonStatus collect_status(const StatusSources& from);

}  // namespace vigil::control
