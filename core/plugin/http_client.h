/* SPDX-License-Identifier: Apache-2.0 */
// The http_request host service: requests run on the event loop by the
// libcurl engine (plugin/http_engine.h), which is loaded at the first
// request, so that a config without HTTP users never maps libcurl.
#pragma once

#include <set>
#include <string>

#include "plugin/call_guard.h"
#include "plugin/http_engine.h"
#include "vigil/plugin.h"

struct event_base;

namespace vigil::plugin {

class HttpClient {
public:
    // `engine_path`: the engine module; "" for the one beside the running
    // executable (engine_module_path()).
    explicit HttpClient(event_base* base, std::string engine_path = "");
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // on_done is called as a call of `caller` (plugin/call_guard.h).
    vigil_http_request* start(const vigil_http_spec& spec, vigil_http_fn on_done, void* arg, const CallOwner& caller,
                              std::string& error);
    void cancel(vigil_http_request* request);
    // The same, for callers that only hold the request (the host service).
    static void cancel_request(vigil_http_request* request);

    // Whether the engine is loaded (the first request loads it).
    bool engine_loaded() const { return engine_ != nullptr; }

private:
    static void on_done(void* token, const vigil_http_result* result);
    bool load_engine(std::string& error);

    event_base* base_;
    std::string engine_path_;
    const vigil_http_engine_api* api_ = nullptr;
    void* engine_ = nullptr;
    std::set<vigil_http_request*> active_;
};

// The engine module beside the running executable (vigild-worker's
// directory), or the installed one.
std::string engine_module_path();

}  // namespace vigil::plugin
