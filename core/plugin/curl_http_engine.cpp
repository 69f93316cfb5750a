// SPDX-License-Identifier: Apache-2.0
// The http_request host service's libcurl side: libcurl's multi socket
// interface driven by libevent, so a thousand checks a second cost no thread
// or process each. Built as http-engine.so and loaded by HttpClient at the
// first request (plugin/http_engine.h says why).
#include <curl/curl.h>
#include <event2/event.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <string>

#include "plugin/http_engine.h"

namespace {

class CurlEngine;

struct CurlRequest {
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    std::string body;
    size_t max_body = 65536;
    std::string post;
    vigil_http_engine_done done = nullptr;
    void* token = nullptr;
    std::chrono::steady_clock::time_point started;
};

class CurlEngine {
public:
    explicit CurlEngine(event_base* base) : base_(base) {}
    ~CurlEngine();
    CurlEngine(const CurlEngine&) = delete;
    CurlEngine& operator=(const CurlEngine&) = delete;

    bool init();
    CurlRequest* start(const vigil_http_spec& spec, vigil_http_engine_done done, void* token, std::string& error);
    void cancel(CurlRequest* request);

private:
    static int on_socket(void* easy, int fd, int what, void* self, void* socket_state);
    static int on_timer_change(void* multi, long timeout_ms, void* self);
    static void on_fd(int fd, short events, void* self);
    static void on_timeout(int, short, void* self);
    void finish_done();

    event_base* base_;
    CURLM* multi_ = nullptr;
    event* timer_ = nullptr;
    std::set<CurlRequest*> active_;
};

struct SocketEvent {
    event* ev = nullptr;
};

size_t on_body(char* data, size_t size, size_t n, void* arg) {
    auto* r = static_cast<CurlRequest*>(arg);
    size_t len = size * n;
    if (r->body.size() < r->max_body) r->body.append(data, std::min(len, r->max_body - r->body.size()));
    return len;  // keep reading (and discarding) past the limit
}

void release(CurlRequest* r) {
    curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->headers);
    delete r;
}

// Made at the first request (HttpClient loads this module then), so
// curl_global_init's OpenSSL set-up is paid only by a config that asks.
bool CurlEngine::init() {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    multi_ = curl_multi_init();
    if (!multi_) return false;
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, on_timer_change);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    // Keep idle connections to checked servers open between checks (libcurl's
    // default keeps only 4 per handle in flight, so polled checks reconnected).
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, 1024L);
    timer_ = evtimer_new(base_, on_timeout, this);
    return true;
}

CurlEngine::~CurlEngine() {
    if (!multi_) return;
    // Requests still running are abandoned with the client.
    for (auto* r : active_) {
        curl_multi_remove_handle(multi_, r->easy);
        release(r);
    }
    curl_multi_cleanup(multi_);
    event_free(timer_);
}

CurlRequest* CurlEngine::start(const vigil_http_spec& spec, vigil_http_engine_done done, void* token, std::string& error) {
    if (!spec.url) {
        error = "no URL";
        return nullptr;
    }
    auto* r = new CurlRequest;
    r->easy = curl_easy_init();
    r->done = done;
    r->token = token;
    if (spec.max_body) r->max_body = spec.max_body;
    CURL* e = r->easy;
    curl_easy_setopt(e, CURLOPT_URL, spec.url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_USERAGENT, "vigil");
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(spec.timeout_ms > 0 ? spec.timeout_ms : 10000));
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, spec.tls_verify ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, spec.tls_verify ? 2L : 0L);
    std::string method = spec.method ? spec.method : "GET";
    if (method == "HEAD") {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (method == "POST") {
        r->post.assign(spec.body ? spec.body : "", spec.body ? spec.body_len : 0);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->post.data());
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(r->post.size()));
    } else if (method != "GET") {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    for (auto h = spec.headers; h && *h; ++h) r->headers = curl_slist_append(r->headers, *h);
    if (r->headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    r->started = std::chrono::steady_clock::now();
    if (CURLMcode rc = curl_multi_add_handle(multi_, e); rc != CURLM_OK) {
        error = curl_multi_strerror(rc);
        release(r);
        return nullptr;
    }
    active_.insert(r);
    return r;
}

void CurlEngine::cancel(CurlRequest* r) {
    if (!r || !active_.erase(r)) return;
    curl_multi_remove_handle(multi_, r->easy);
    release(r);
}

int CurlEngine::on_socket(void*, int fd, int what, void* self_ptr, void* socket_state) {
    auto* self = static_cast<CurlEngine*>(self_ptr);
    auto* s = static_cast<SocketEvent*>(socket_state);
    if (what == CURL_POLL_REMOVE) {
        if (s) {
            event_free(s->ev);
            delete s;
        }
        curl_multi_assign(self->multi_, fd, nullptr);
        return 0;
    }
    short events = EV_PERSIST | ((what & CURL_POLL_IN) ? EV_READ : 0) | ((what & CURL_POLL_OUT) ? EV_WRITE : 0);
    if (!s) {
        s = new SocketEvent;
        curl_multi_assign(self->multi_, fd, s);
    } else {
        event_free(s->ev);
    }
    s->ev = event_new(self->base_, fd, events, on_fd, self);
    event_add(s->ev, nullptr);
    return 0;
}

int CurlEngine::on_timer_change(void*, long timeout_ms, void* self_ptr) {
    auto* self = static_cast<CurlEngine*>(self_ptr);
    if (timeout_ms < 0) {
        evtimer_del(self->timer_);
        return 0;
    }
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    evtimer_add(self->timer_, &tv);
    return 0;
}

void CurlEngine::on_fd(int fd, short events, void* self_ptr) {
    auto* self = static_cast<CurlEngine*>(self_ptr);
    int flags = ((events & EV_READ) ? CURL_CSELECT_IN : 0) | ((events & EV_WRITE) ? CURL_CSELECT_OUT : 0);
    int running = 0;
    curl_multi_socket_action(self->multi_, fd, flags, &running);
    self->finish_done();
}

void CurlEngine::on_timeout(int, short, void* self_ptr) {
    auto* self = static_cast<CurlEngine*>(self_ptr);
    int running = 0;
    curl_multi_socket_action(self->multi_, CURL_SOCKET_TIMEOUT, 0, &running);
    self->finish_done();
}

void CurlEngine::finish_done() {
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
        if (m->msg != CURLMSG_DONE) continue;
        CurlRequest* r = nullptr;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &r);
        CURLcode code = m->data.result;
        curl_multi_remove_handle(multi_, m->easy_handle);
        long status = 0;
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
        vigil_http_result result{};
        result.size = sizeof result;
        result.status = code == CURLE_OK ? static_cast<int32_t>(status) : 0;
        std::string error = code == CURLE_OK ? "" : curl_easy_strerror(code);
        result.error = code == CURLE_OK ? nullptr : error.c_str();
        result.body = r->body.c_str();
        result.body_len = r->body.size();
        result.duration_us =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - r->started).count();
        auto done = r->done;
        auto token = r->token;
        // The callback may start the next request; the finished one is gone first.
        std::string body = std::move(r->body);
        result.body = body.c_str();
        active_.erase(r);
        release(r);
        done(token, &result);
    }
}

void* create(event_base* base) {
    auto* engine = new CurlEngine(base);
    if (engine->init()) return engine;
    delete engine;
    return nullptr;
}

void destroy(void* engine) { delete static_cast<CurlEngine*>(engine); }

void* start(void* engine, const vigil_http_spec* spec, vigil_http_engine_done done, void* token, char* err, size_t errlen) {
    std::string error;
    auto* r = static_cast<CurlEngine*>(engine)->start(*spec, done, token, error);
    if (!r && err && errlen) snprintf(err, errlen, "%s", error.c_str());
    return r;
}

void cancel(void* engine, void* request) { static_cast<CurlEngine*>(engine)->cancel(static_cast<CurlRequest*>(request)); }

constexpr vigil_http_engine_api kApi = {create, destroy, start, cancel};

}  // namespace

extern "C" __attribute__((visibility("default"))) const vigil_http_engine_api* vigil_http_engine() { return &kApi; }
