/* SPDX-License-Identifier: Apache-2.0 */
// Serves the Prometheus text (metrics_text) on [global] metrics_listen,
// with libevent's evhttp on the loop.
#pragma once

#include <string>

struct evhttp;
struct event_base;

namespace vigil::control {

class ControlApi;

class MetricsServer {
public:
    MetricsServer(event_base* base, const ControlApi& api) : base_(base), api_(api) {}
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    // "" or why not (address in use, ...).
    std::string listen(const std::string& address, int port);

    // The exposition text itself (also what /metrics serves).
    std::string render() const;

private:
    event_base* base_;
    const ControlApi& api_;
    evhttp* http_ = nullptr;
};

}  // namespace vigil::control
