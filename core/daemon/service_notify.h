// Telling systemd (Type=notify) where vigild is: ready, reloading, stopping,
// and alive (the watchdog). Every call is a no-op outside systemd (no
// NOTIFY_SOCKET) or when vigild was built without libsystemd.
#pragma once

#include <string>

struct event_base;

namespace vigil::daemon {

void service_ready(const std::string& status);
void service_reloading();
void service_stopping();

// With WatchdogSec= set, pings at half the interval from the loop, so a
// stalled loop is what systemd notices. Returns the interval in µs, 0 when off.
long long service_watchdog_start(event_base* base);
void service_watchdog_stop();

}  // namespace vigil::daemon
