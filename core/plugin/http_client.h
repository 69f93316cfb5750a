// Asynchronous HTTP(S) on the event loop: libcurl's multi socket interface
// driven by libevent, so a thousand checks a second cost no thread or
// process each. Offered to plugins as the http_request host service.
#pragma once

#include <set>
#include <string>

#include "plugin/call_guard.h"
#include "vigil/plugin.h"

struct event;
struct event_base;

namespace vigil::plugin {

class HttpClient {
public:
    explicit HttpClient(event_base* base);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // on_done is called as a call of `caller` (plugin/call_guard.h).
    vigil_http_request* start(const vigil_http_spec& spec, vigil_http_fn on_done, void* arg, const CallOwner& caller,
                              std::string& error);
    void cancel(vigil_http_request* request);
    // The same, for callers that only hold the request (the host service).
    static void cancel_request(vigil_http_request* request);

private:
    static int on_socket(void* easy, int fd, int what, void* self, void* socket_state);
    static int on_timer_change(void* multi, long timeout_ms, void* self);
    static void on_fd(int fd, short events, void* self);
    static void on_timeout(int, short, void* self);
    void finish_done();
    bool ensure_multi();

    event_base* base_;
    void* multi_ = nullptr;  // CURLM*, made at the first request
    event* timer_ = nullptr;
    std::set<vigil_http_request*> active_;
};

}  // namespace vigil::plugin
