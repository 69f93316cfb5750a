/* SPDX-License-Identifier: Apache-2.0 */
// Telling systemd (Type=notify) where vigild is: ready, reloading, stopping,
// and alive (the watchdog). The supervisor sends these (it is the unit's
// main process); the worker tells the supervisor. Every call is a no-op
// outside systemd (no NOTIFY_SOCKET) or when vigild was built without
// libsystemd.
#pragma once

#include <chrono>
#include <string>

namespace vigil::daemon {

void service_ready(const std::string& status);
void service_reloading();
void service_stopping();

// WatchdogSec= as an interval, 0 when off; ping at half of it.
std::chrono::microseconds service_watchdog_interval();
void service_watchdog_ping();

}  // namespace vigil::daemon
