// SPDX-License-Identifier: Apache-2.0
#include "control/metrics.h"

#include <event2/buffer.h>
#include <event2/http.h>

#include "control/control_api.h"
#include "control/metrics_text.h"

namespace vigil::control {

MetricsServer::~MetricsServer() {
    if (http_) evhttp_free(http_);
}

std::string MetricsServer::listen(const std::string& address, int port) {
    http_ = evhttp_new(base_);
    if (evhttp_bind_socket(http_, address.c_str(), static_cast<uint16_t>(port)) != 0) {
        evhttp_free(http_);
        http_ = nullptr;
        return "metrics_listen: cannot listen on " + address + ":" + std::to_string(port);
    }
    evhttp_set_allowed_methods(http_, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
    evhttp_set_cb(http_, "/metrics", [](evhttp_request* req, void* self) {
        auto text = static_cast<MetricsServer*>(self)->render();
        evbuffer* body = evbuffer_new();
        evbuffer_add(body, text.data(), text.size());
        evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "text/plain; version=0.0.4");
        evhttp_send_reply(req, HTTP_OK, "OK", body);
        evbuffer_free(body);
    }, this);
    return "";
}

std::string MetricsServer::render() const { return metrics_text(api_.status()); }

}  // namespace vigil::control
