#include "daemon/service_notify.h"

#include <event2/event.h>

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

event* watchdog_event = nullptr;

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

long long service_watchdog_start(event_base* base) {
#ifdef VIGIL_HAVE_SYSTEMD
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return 0;
    service_watchdog_stop();
    watchdog_event = event_new(base, -1, EV_PERSIST, [](evutil_socket_t, short, void*) { send("WATCHDOG=1"); }, nullptr);
    timeval half{static_cast<time_t>(usec / 2 / 1000000), static_cast<suseconds_t>(usec / 2 % 1000000)};
    event_add(watchdog_event, &half);
    return static_cast<long long>(usec);
#else
    (void)base;
    return 0;
#endif
}

void service_watchdog_stop() {
    if (watchdog_event) event_free(watchdog_event);
    watchdog_event = nullptr;
}

}  // namespace vigil::daemon
