// SPDX-License-Identifier: Apache-2.0
#include "plugin/http_client.h"

#include <dlfcn.h>

#include <filesystem>
#include <utility>

#include "vigil_paths.h"

// What a plugin holds for a request in flight: its callback and whose call
// that is, and the engine's request.
struct vigil_http_request {
    vigil::plugin::HttpClient* owner = nullptr;
    void* in_engine = nullptr;
    vigil_http_fn on_done = nullptr;
    void* arg = nullptr;
    vigil::plugin::CallOwner caller;  // on_done is a call of theirs
};

namespace vigil::plugin {

std::string engine_module_path() {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    auto beside = exe.parent_path() / VIGIL_HTTP_ENGINE_FILE;
    if (!ec && std::filesystem::exists(beside, ec)) return beside.string();
    return VIGIL_HTTP_ENGINE_ABSOLUTE;
}

HttpClient::HttpClient(event_base* base, std::string engine_path) : base_(base), engine_path_(std::move(engine_path)) {}

HttpClient::~HttpClient() {
    if (!engine_) return;
    // Requests still running are abandoned with the client. The module stays
    // mapped: libcurl's and OpenSSL's global state outlive a client.
    api_->destroy(engine_);
    for (auto* r : active_) delete r;
}

bool HttpClient::load_engine(std::string& error) {
    if (engine_) return true;
    auto path = engine_path_.empty() ? engine_module_path() : engine_path_;
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        error = std::string("cannot load the HTTP engine: ") + dlerror();
        return false;
    }
    using Entry = const vigil_http_engine_api* (*)();
    auto entry = reinterpret_cast<Entry>(dlsym(handle, VIGIL_HTTP_ENGINE_SYMBOL));
    api_ = entry ? entry() : nullptr;
    if (!api_) {
        error = path + ": not vigil's HTTP engine";
        dlclose(handle);
        return false;
    }
    engine_ = api_->create(base_);
    if (!engine_) {
        error = "libcurl could not be initialised";
        return false;
    }
    return true;
}

vigil_http_request* HttpClient::start(const vigil_http_spec& spec, vigil_http_fn on_done, void* arg, const CallOwner& caller,
                                      std::string& error) {
    if (!spec.url) {
        error = "no URL";
        return nullptr;
    }
    if (!load_engine(error)) return nullptr;
    auto* r = new vigil_http_request{this, nullptr, on_done, arg, caller};
    char err[256] = {};
    r->in_engine = api_->start(engine_, &spec, &HttpClient::on_done, r, err, sizeof err);
    if (!r->in_engine) {
        error = err;
        delete r;
        return nullptr;
    }
    active_.insert(r);
    return r;
}

void HttpClient::on_done(void* token, const vigil_http_result* result) {
    auto* r = static_cast<vigil_http_request*>(token);
    // No longer active (a cancel of it from on_done does nothing), but freed
    // only when on_done returns. The callback may start the next request.
    r->owner->active_.erase(r);
    r->in_engine = nullptr;
    {
        CallGuard guard(r->caller, "http");
        r->on_done(r->arg, result);
    }
    delete r;
}

void HttpClient::cancel(vigil_http_request* r) {
    if (!r || !active_.erase(r)) return;
    api_->cancel(engine_, r->in_engine);
    delete r;
}

void HttpClient::cancel_request(vigil_http_request* request) {
    if (request) request->owner->cancel(request);
}

}  // namespace vigil::plugin
