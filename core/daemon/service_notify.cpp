// SPDX-License-Identifier: Apache-2.0
#include "daemon/service_notify.h"

#include <ctime>

#ifdef VIGIL_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace vigil::daemon {
namespace {

void send(const std::string& state) {
#ifdef VIGIL_HAVE_SYSTEMD
    sd_notify(0, state.c_str());
#else
    (void)state;
#endif
}

}  // namespace

void service_ready(const std::string& status) { send("READY=1\nSTATUS=" + status); }

void service_reloading() {
    // systemd 253's Type=notify-reload wants the time the reload began.
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long usec = static_cast<long long>(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
    send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void service_stopping() { send("STOPPING=1"); }

std::chrono::microseconds service_watchdog_interval() {
#ifdef VIGIL_HAVE_SYSTEMD
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0) return std::chrono::microseconds(0);
    return std::chrono::microseconds(usec);
#else
    return std::chrono::microseconds(0);
#endif
}

void service_watchdog_ping() { send("WATCHDOG=1"); }

}  // namespace vigil::daemon
