/* SPDX-License-Identifier: Apache-2.0 */
// The daemon's side of the plugin ABI: the vigil_host_api table, built on the
// libevent loop. Trackers report through a vigil_tracker handle the tracking
// engine owns.
#pragma once

#include <functional>
#include <string>

#include "plugin/http_client.h"
#include "vigil/plugin.h"

struct event_base;

// Defined here, opaque to plugins.
struct vigil_host {
    event_base* base = nullptr;
    std::string script_user;  // resolved default for spawn/run
    vigil::plugin::HttpClient* http = nullptr;
};

struct vigil_tracker {
    std::function<void(const vigil_result&)> on_report;
};

namespace vigil::plugin {

class Host {
public:
    // `http_engine`: the HTTP engine module, "" for the installed one (tests
    // name the build's).
    explicit Host(event_base* base, std::string http_engine = "");
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;

    const vigil_host_api* api() const { return &api_; }
    void set_script_user(const std::string& user) { host_.script_user = user; }

private:
    HttpClient http_;
    vigil_host host_;
    vigil_host_api api_{};
};

// Copies a plugin's result (of whatever size it stated) into a full one.
vigil_result normalize(const vigil_result* r);

}  // namespace vigil::plugin
