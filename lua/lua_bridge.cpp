// SPDX-License-Identifier: Apache-2.0
// The Lua 5.4 bridge: a plugin (built against <vigil/plugin.h> alone) that
// registers tracker and notifier types `lua`. Each [tracker]/[notifier] gets
// its own sandboxed lua_State: only base (without load/loadfile/dofile/print),
// string (without dump), table, math, utf8 and coroutine; a memory cap
// through the allocator; a wall-clock budget enforced by an instruction-count
// hook. A tracker's check(cfg) runs in a coroutine: host calls that wait
// (http_get, http_post, tcp_check, sleep) start the operation on the event
// loop and yield; its completion resumes the coroutine. A notifier's
// notify(event, cfg) runs on the notifier's own thread, where waiting
// host calls simply block.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <lua.hpp>
#include <vigil/plugin.h>

#include "trusted_path.h"

namespace {

constexpr size_t kDefaultMemory = 16u << 20;  // per script
constexpr size_t kMaxReadFile = 1u << 20;
const char* const kYieldMarker = "vigil.wait";  // identifies our yields

int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// ------------------------------------------------------------------ a script

struct Script {
    const vigil_host_api* host = nullptr;
    lua_State* L = nullptr;
    bool blocking = false;  // notifier: host calls block instead of yielding
    size_t memory_used = 0;
    size_t memory_limit = kDefaultMemory;
    // Time the script may run between two waits: it runs on the event loop,
    // so this bounds how late anything else on the loop can be.
    int64_t budget_us = 50'000;
    int64_t slice_started_us = 0;
    int cfg_ref = LUA_NOREF;
    std::string path, name;
};

void* limited_alloc(void* ud, void* ptr, size_t osize, size_t nsize) {
    auto* s = static_cast<Script*>(ud);
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        s->memory_used -= old;
        free(ptr);
        return nullptr;
    }
    if (nsize > old && s->memory_used + (nsize - old) > s->memory_limit) return nullptr;  // "not enough memory"
    void* p = realloc(ptr, nsize);
    if (p) s->memory_used = s->memory_used - old + nsize;
    return p;
}

Script* script_of(lua_State* L) {
    void* ud = nullptr;
    lua_getallocf(L, &ud);
    return static_cast<Script*>(ud);
}

// Every 10 000 instructions: over budget for this run slice -> error.
void budget_hook(lua_State* L, lua_Debug*) {
    auto* s = script_of(L);
    if (now_us() - s->slice_started_us > s->budget_us)
        luaL_error(L, "time budget of %d ms exceeded (a runaway loop?)", static_cast<int>(s->budget_us / 1000));
}

void vlog(const Script* s, int level, const std::string& msg) {
    if (s->host && s->host->log) s->host->log(s->host->host, level, ("lua " + s->name + ": " + msg).c_str());
}

// ------------------------------------------------------------------ tracker runs

struct Run;  // one check in flight

struct LuaTracker {
    Script script;
    vigil_tracker* tracker = nullptr;
    Run* running = nullptr;
};

// What a yielded coroutine waits for; exactly one at a time.
struct Run {
    LuaTracker* owner = nullptr;
    lua_State* co = nullptr;
    int co_ref = LUA_NOREF;
    int64_t started_us = 0;
    vigil_http_request* http = nullptr;
    vigil_timer* timer = nullptr;
    vigil_watch* watch = nullptr;
    int fd = -1;
    enum class Wait { None, Http, Sleep, Connect } wait = Wait::None;
};

void finish(Run* run, bool ok, const std::string& reason);
void resume(Run* run, int nargs);

void release_waits(Run* run) {
    const auto* h = run->owner->script.host;
    if (run->http) h->http_cancel(run->http);
    run->http = nullptr;
    if (run->watch) h->unwatch(run->watch);
    run->watch = nullptr;
    if (run->fd >= 0) close(run->fd);
    run->fd = -1;
    if (run->timer) {
        h->timer_disarm(run->timer);
        h->timer_free(run->timer);
    }
    run->timer = nullptr;
    run->wait = Run::Wait::None;
}

void destroy_run(Run* run) {
    release_waits(run);
    lua_State* L = run->owner->script.L;
    lua_pushlightuserdata(L, run->co);
    lua_pushnil(L);
    lua_rawset(L, LUA_REGISTRYINDEX);
    luaL_unref(L, LUA_REGISTRYINDEX, run->co_ref);
    delete run;
}

void finish(Run* run, bool ok, const std::string& reason) {
    auto* t = run->owner;
    t->running = nullptr;
    vigil_result r = VIGIL_RESULT_INIT;
    r.ok = ok;
    r.reason = reason.c_str();
    r.latency_us = now_us() - run->started_us;
    destroy_run(run);
    t->script.host->report(t->tracker, &r);
}

// check() returned `n` values on the coroutine: ok[, reason].
void conclude(Run* run, int n) {
    lua_State* co = run->co;
    bool ok = n >= 1 && lua_toboolean(co, -n);
    std::string reason;
    if (n >= 2 && lua_isstring(co, -n + 1)) reason = lua_tostring(co, -n + 1);
    else reason = ok ? "check passed" : "check failed";
    lua_pop(co, n);
    finish(run, ok, reason);
}

void resume(Run* run, int nargs) {
    auto* s = &run->owner->script;
    s->slice_started_us = now_us();
    int nres = 0;
    int status = lua_resume(run->co, s->L, nargs, &nres);
    if (status == LUA_OK) return conclude(run, nres);
    if (status == LUA_YIELD) {
        // Our host calls yield with the marker first; anything else is a script bug.
        bool ours = nres >= 1 && lua_touserdata(run->co, -nres) == static_cast<const void*>(kYieldMarker);
        lua_pop(run->co, nres);
        if (!ours) return finish(run, false, "check() yielded outside a vigil host call");
        return;  // the pending operation resumes it
    }
    std::string err = lua_isstring(run->co, -1) ? lua_tostring(run->co, -1) : "error";
    finish(run, false, "error: " + err);
}

// ------------------------------------------------------------------ host functions

int yield_for(lua_State* L) {
    lua_pushlightuserdata(L, const_cast<char*>(kYieldMarker));
    return lua_yield(L, 1);
}

Run* run_of(lua_State* L) {
    lua_pushlightuserdata(L, L);
    lua_rawget(L, LUA_REGISTRYINDEX);
    auto* run = static_cast<Run*>(lua_touserdata(L, -1));
    lua_pop(L, 1);
    return run;
}

// Results of a finished HTTP request, as the script sees them.
int push_http(lua_State* L, long status, const std::string& body, const char* error) {
    if (error) {
        lua_pushnil(L);
        lua_pushstring(L, error);
        return 2;
    }
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, status);
    lua_setfield(L, -2, "status");
    lua_pushlstring(L, body.data(), body.size());
    lua_setfield(L, -2, "body");
    lua_newtable(L);  // response headers are not collected
    lua_setfield(L, -2, "headers");
    return 1;
}

struct HttpArgs {
    std::string url, method, body;
    std::vector<std::string> headers;
    int64_t timeout_ms = 5000;
};

// Reads the arguments. Raises no Lua error (the caller checked the types):
// a longjmp out of here would skip the C++ destructors.
HttpArgs http_args(lua_State* L, bool post) {
    HttpArgs a;
    a.url = lua_tostring(L, 1);
    a.method = post ? "POST" : "GET";
    int opts = post ? 3 : 2;
    if (post) {
        size_t len = 0;
        const char* body = lua_tolstring(L, 2, &len);
        a.body.assign(body, len);
    }
    if (lua_istable(L, opts)) {
        lua_getfield(L, opts, "timeout");
        if (lua_isnumber(L, -1)) a.timeout_ms = static_cast<int64_t>(lua_tonumber(L, -1) * 1000);
        lua_pop(L, 1);
        lua_getfield(L, opts, "headers");
        if (lua_istable(L, -1)) {
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                // {["Name"] = "value"} or {"Name: value"}; only strings and
                // numbers (no metamethods, so nothing can raise an error).
                if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER) {
                    lua_pushvalue(L, -1);
                    std::string value = lua_tostring(L, -1);
                    lua_pop(L, 1);
                    if (lua_type(L, -2) == LUA_TSTRING) a.headers.push_back(std::string(lua_tostring(L, -2)) + ": " + value);
                    else a.headers.push_back(value);
                }
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
    }
    return a;
}

size_t collect(char* data, size_t size, size_t n, void* arg) {
    auto* body = static_cast<std::string*>(arg);
    if (body->size() < (1u << 20)) body->append(data, size * n);
    return size * n;
}

// libcurl for a notifier's blocking http_get/http_post, loaded at the first
// such call rather than linked: a Lua section that makes no HTTP call (a
// tracker's HTTP goes through the host) maps no libcurl and the TLS libraries
// under it. libcurl.so.4 is its ABI since 2006.
struct Curl {
    decltype(&curl_global_init) global_init;
    decltype(&curl_easy_init) easy_init;
    decltype(&curl_easy_setopt) easy_setopt;
    decltype(&curl_easy_perform) easy_perform;
    decltype(&curl_easy_getinfo) easy_getinfo;
    decltype(&curl_easy_cleanup) easy_cleanup;
    decltype(&curl_easy_strerror) easy_strerror;
    decltype(&curl_slist_append) slist_append;
    decltype(&curl_slist_free_all) slist_free_all;
};

// nullptr, with why in `error`, when libcurl cannot be loaded.
const Curl* curl(std::string& error) {
    static Curl api;
    static const Curl* loaded = nullptr;
    static std::string problem;
    static std::once_flag once;
    std::call_once(once, [] {
        void* h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
        if (!h) {
            problem = std::string("cannot load libcurl: ") + dlerror();
            return;
        }
        auto sym = [h](auto& fn, const char* name) {
            fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(h, name));
            return fn != nullptr;
        };
        if (!(sym(api.global_init, "curl_global_init") && sym(api.easy_init, "curl_easy_init") &&
              sym(api.easy_setopt, "curl_easy_setopt") && sym(api.easy_perform, "curl_easy_perform") &&
              sym(api.easy_getinfo, "curl_easy_getinfo") && sym(api.easy_cleanup, "curl_easy_cleanup") &&
              sym(api.easy_strerror, "curl_easy_strerror") && sym(api.slist_append, "curl_slist_append") &&
              sym(api.slist_free_all, "curl_slist_free_all"))) {
            problem = "libcurl.so.4 lacks a function the Lua bridge calls";
            return;
        }
        api.global_init(CURL_GLOBAL_DEFAULT);
        loaded = &api;
    });
    if (!loaded) error = problem;
    return loaded;
}

int http_blocking(lua_State* L, const HttpArgs& a) {
    std::string error;
    const Curl* curl_api = curl(error);
    if (!curl_api) return push_http(L, 0, "", error.c_str());
    const Curl& k = *curl_api;
    CURL* c = k.easy_init();
    std::string body;
    curl_slist* headers = nullptr;
    for (const auto& h : a.headers) headers = k.slist_append(headers, h.c_str());
    k.easy_setopt(c, CURLOPT_URL, a.url.c_str());
    k.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    k.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    k.easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(a.timeout_ms));
    k.easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    k.easy_setopt(c, CURLOPT_WRITEDATA, &body);
    if (headers) k.easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    if (a.method == "POST") {
        k.easy_setopt(c, CURLOPT_POSTFIELDS, a.body.data());
        k.easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(a.body.size()));
    }
    CURLcode rc = k.easy_perform(c);
    long status = 0;
    k.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    k.easy_cleanup(c);
    k.slist_free_all(headers);
    return push_http(L, status, body, rc == CURLE_OK ? nullptr : k.easy_strerror(rc));
}

void on_http_done(void* arg, const vigil_http_result* r) {
    auto* run = static_cast<Run*>(arg);
    run->http = nullptr;
    run->wait = Run::Wait::None;
    int n = push_http(run->co, r->status, std::string(r->body ? r->body : "", r->body_len), r->error);
    resume(run, n);
}

// Starts the request with every C++ object scoped to this function: returns
// the number of results already pushed, or -1 when the caller must yield.
int start_http(lua_State* L, Script* s, Run* run, bool post) {
    auto a = http_args(L, post);
    if (s->blocking) return http_blocking(L, a);
    std::vector<const char*> headers;
    for (const auto& h : a.headers) headers.push_back(h.c_str());
    headers.push_back(nullptr);
    vigil_http_spec spec{sizeof spec, a.method.c_str(), a.url.c_str(), headers.data(), a.body.data(), a.body.size(), a.timeout_ms,
                         1, 1u << 20};
    char err[256] = "";
    run->http = s->host->http_request(s->host->host, &spec, on_http_done, run, err, sizeof err);
    if (!run->http) {
        lua_pushnil(L);
        lua_pushstring(L, err);
        return 2;
    }
    run->wait = Run::Wait::Http;
    return -1;
}

// Lua errors (the luaL_check* calls) and the yield happen where no C++
// object is alive: both leave by longjmp, which runs no destructors.
int l_http(lua_State* L, bool post) {
    luaL_checkstring(L, 1);
    if (post) luaL_checkstring(L, 2);
    auto* s = script_of(L);
    Run* run = s->blocking ? nullptr : run_of(L);
    if (!s->blocking && !run) return luaL_error(L, "vigil.http_* can only wait inside check()");
    int n = start_http(L, s, run, post);
    return n >= 0 ? n : yield_for(L);
}

int l_http_get(lua_State* L) { return l_http(L, false); }
int l_http_post(lua_State* L) { return l_http(L, true); }

void on_sleep_done(void* arg) {
    auto* run = static_cast<Run*>(arg);
    run->owner->script.host->timer_free(run->timer);
    run->timer = nullptr;
    run->wait = Run::Wait::None;
    resume(run, 0);
}

int l_sleep(lua_State* L) {
    double seconds = luaL_checknumber(L, 1);
    if (seconds < 0) seconds = 0;
    auto* s = script_of(L);
    if (s->blocking) {
        timespec ts{static_cast<time_t>(seconds), static_cast<long>((seconds - static_cast<time_t>(seconds)) * 1e9)};
        nanosleep(&ts, nullptr);
        return 0;
    }
    auto* run = run_of(L);
    if (!run) return luaL_error(L, "vigil.sleep can only wait inside check()");
    run->timer = s->host->timer_new(s->host->host, on_sleep_done, run);
    s->host->timer_arm(run->timer, static_cast<int64_t>(seconds * 1e6));
    run->wait = Run::Wait::Sleep;
    return yield_for(L);
}

// Starts a non-blocking connect; returns the fd or -1 with `err`.
int start_connect(const char* host, int port, std::string& err) {
    addrinfo hints{}, *res = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST;  // no DNS on the event loop
    std::string service = std::to_string(port);
    if (getaddrinfo(host, service.c_str(), &hints, &res) != 0) {
        err = std::string("not a numeric address: ") + host;
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int rc = fd < 0 ? -1 : connect(fd, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (fd < 0 || (rc != 0 && errno != EINPROGRESS)) {
        err = strerror(errno);
        if (fd >= 0) close(fd);
        return -1;
    }
    return fd;
}

std::string connect_result(int fd) {
    int so_error = 0;
    socklen_t len = sizeof so_error;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
    return so_error ? strerror(so_error) : "";
}

void on_connect(int fd, void* arg) {
    auto* run = static_cast<Run*>(arg);
    auto err = connect_result(fd);
    release_waits(run);
    lua_pushboolean(run->co, err.empty());
    if (err.empty()) lua_pushnil(run->co);
    else lua_pushstring(run->co, err.c_str());
    resume(run, 2);
}

void on_connect_timeout(void* arg) {
    auto* run = static_cast<Run*>(arg);
    release_waits(run);
    lua_pushboolean(run->co, 0);
    lua_pushstring(run->co, "connect timed out");
    resume(run, 2);
}

// Returns the results pushed, or -1 when the caller must yield.
int start_tcp_check(lua_State* L, Script* s, Run* run, const char* host, int port, double timeout) {
    std::string err;
    int fd = start_connect(host, port, err);
    if (fd < 0) {
        lua_pushboolean(L, 0);
        lua_pushstring(L, err.c_str());
        return 2;
    }
    if (s->blocking) {
        pollfd p{fd, POLLOUT, 0};
        int n = poll(&p, 1, static_cast<int>(timeout * 1000));
        err = n <= 0 ? "connect timed out" : connect_result(fd);
        close(fd);
        lua_pushboolean(L, err.empty());
        if (err.empty()) lua_pushnil(L);
        else lua_pushstring(L, err.c_str());
        return 2;
    }
    run->fd = fd;
    run->watch = s->host->watch_writable(s->host->host, fd, on_connect, run);
    run->timer = s->host->timer_new(s->host->host, on_connect_timeout, run);
    s->host->timer_arm(run->timer, static_cast<int64_t>(timeout * 1e6));
    run->wait = Run::Wait::Connect;
    return -1;
}

int l_tcp_check(lua_State* L) {
    const char* host = luaL_checkstring(L, 1);
    int port = static_cast<int>(luaL_checkinteger(L, 2));
    double timeout = luaL_optnumber(L, 3, 2.0);
    auto* s = script_of(L);
    Run* run = s->blocking ? nullptr : run_of(L);
    if (!s->blocking && !run) return luaL_error(L, "vigil.tcp_check can only wait inside check()");
    int n = start_tcp_check(L, s, run, host, port, timeout);
    return n >= 0 ? n : yield_for(L);
}

int l_log(lua_State* L) {
    static const char* const levels[] = {"debug", "info", "notice", "warning", "error", nullptr};
    int level = luaL_checkoption(L, 1, "info", levels);
    const char* msg = luaL_checkstring(L, 2);
    vlog(script_of(L), level, msg);
    return 0;
}

int l_file_exists(lua_State* L) {
    lua_pushboolean(L, access(luaL_checkstring(L, 1), F_OK) == 0);
    return 1;
}

int l_read_file(lua_State* L) {
    const char* path = luaL_checkstring(L, 1);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        lua_pushnil(L);
        lua_pushstring(L, strerror(errno));
        return 2;
    }
    std::string data(kMaxReadFile, '\0');
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    data.resize(static_cast<size_t>(in.gcount()));
    lua_pushlstring(L, data.data(), data.size());
    return 1;
}

int l_process_count(lua_State* L) {
    const char* wanted = luaL_checkstring(L, 1);
    std::string name = wanted;
    int count = 0;
    if (DIR* d = opendir("/proc")) {
        while (dirent* e = readdir(d)) {
            if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
            std::ifstream comm(std::string("/proc/") + e->d_name + "/comm");
            std::string c;
            if (std::getline(comm, c) && c == name) ++count;
        }
        closedir(d);
    }
    lua_pushinteger(L, count);
    return 1;
}

int l_now(lua_State* L) {
    lua_pushnumber(L, static_cast<double>(now_us()) / 1e6);
    return 1;
}

const luaL_Reg kVigil[] = {
    {"log", l_log},          {"http_get", l_http_get},       {"http_post", l_http_post},
    {"tcp_check", l_tcp_check}, {"file_exists", l_file_exists}, {"read_file", l_read_file},
    {"process_count", l_process_count}, {"sleep", l_sleep},  {"now", l_now},
    {nullptr, nullptr},
};

// ------------------------------------------------------------------ the sandbox

// A fresh state with only the safe libraries, `vigil`, and the script loaded
// and run once (defining its functions). "" or why not.
std::string open_script(Script& s, const vigil_config* cfg, const char* entry) {
    const char* path = vigil_config_get(cfg, "script");
    if (!path) return "no script";
    s.path = path;
    s.name = cfg->name ? cfg->name : path;
    // Both declared, so the host has checked and parsed them (and filled in their defaults).
    s.memory_limit = static_cast<size_t>(vigil_config_integer(cfg, "memory_limit_mb", static_cast<int64_t>(s.memory_limit >> 20))) << 20;
    s.budget_us = vigil_config_duration_ms(cfg, "budget", s.budget_us / 1000) * 1000;
    s.L = lua_newstate(limited_alloc, &s);
    if (!s.L) return "cannot create a Lua state";
    lua_State* L = s.L;
    static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},           {LUA_STRLIBNAME, luaopen_string},
                                    {LUA_TABLIBNAME, luaopen_table},     {LUA_MATHLIBNAME, luaopen_math},
                                    {LUA_UTF8LIBNAME, luaopen_utf8},     {LUA_COLIBNAME, luaopen_coroutine},
                                    {nullptr, nullptr}};
    for (const luaL_Reg* lib = libs; lib->func; ++lib) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    // What a sandboxed script must not reach: loading code, the file system
    // beyond vigil's own calls, bytecode.
    for (const char* name : {"load", "loadfile", "dofile", "require", "print", "collectgarbage"}) {
        lua_pushnil(L);
        lua_setglobal(L, name);
    }
    lua_getglobal(L, "string");
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);
    luaL_newlib(L, kVigil);
    lua_setglobal(L, "vigil");
    // The section's keys as written, as strings (not the defaults the host
    // filled in: a script sees the keys its section has, as before 1.2).
    lua_newtable(L);
    for (size_t i = 0; i < cfg->option_count; ++i) {
        if (VIGIL_HAS_FIELD(vigil_config, cfg, values) && cfg->values && (cfg->values[i].flags & VIGIL_VALUE_DEFAULT)) continue;
        lua_pushstring(L, cfg->options[i].value);
        lua_setfield(L, -2, cfg->options[i].key);
    }
    s.cfg_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, 10000);

    // The script runs inside vigild (as root, unless the non-root unit):
    // one anyone else may rewrite is refused, as exec scripts are.
    // (A missing one is left to the loader, which says so.)
    char why[512];
    if (access(path, F_OK) == 0 && check_trusted_path(path, why, sizeof why) != 0) return why;
    // Text only: precompiled chunks could break the sandbox.
    if (luaL_loadfilex(L, path, "t") != LUA_OK) {
        std::string err = lua_tostring(L, -1);
        lua_pop(L, 1);
        return err;
    }
    s.slice_started_us = now_us();
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
        std::string err = lua_tostring(L, -1);
        lua_pop(L, 1);
        return err;
    }
    if (lua_getglobal(L, entry) != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return std::string(path) + " defines no function " + entry + "()";
    }
    lua_pop(L, 1);
    return "";
}

void close_script(Script& s) {
    if (s.L) lua_close(s.L);
    s.L = nullptr;
}

// ------------------------------------------------------------------ tracker type

int validate_script(const vigil_config* cfg, char* err, size_t errlen, const char* entry) {
    Script s;
    static const vigil_host_api quiet{};  // validate has no host; vigil.log is not called at load time
    s.host = &quiet;
    auto problem = open_script(s, cfg, entry);
    close_script(s);
    if (problem.empty()) return 0;
    snprintf(err, errlen, "%s", problem.c_str());
    return -1;
}

int validate_tracker(const vigil_config* cfg, char* err, size_t errlen) { return validate_script(cfg, err, errlen, "check"); }
int validate_notifier(const vigil_config* cfg, char* err, size_t errlen) { return validate_script(cfg, err, errlen, "notify"); }

void* create_tracker(const vigil_host_api* host, vigil_tracker* tracker, const vigil_config* cfg, char* err, size_t errlen) {
    if (!VIGIL_HAS_FIELD(vigil_host_api, host, watch_writable) || !host->watch_writable) {
        snprintf(err, errlen, "this vigild lacks the host services Lua needs (plugin ABI 1.1)");
        return nullptr;
    }
    auto* t = new LuaTracker;
    t->tracker = tracker;
    t->script.host = host;
    if (auto problem = open_script(t->script, cfg, "check"); !problem.empty()) {
        snprintf(err, errlen, "%s", problem.c_str());
        close_script(t->script);
        delete t;
        return nullptr;
    }
    return t;
}

void poll_tracker(void* state) {
    auto* t = static_cast<LuaTracker*>(state);
    lua_State* L = t->script.L;
    auto* run = new Run;
    run->owner = t;
    run->started_us = now_us();
    run->co = lua_newthread(L);
    run->co_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_sethook(run->co, budget_hook, LUA_MASKCOUNT, 10000);
    // The coroutine finds its Run through the registry, keyed by itself.
    lua_pushlightuserdata(L, run->co);
    lua_pushlightuserdata(L, run);
    lua_rawset(L, LUA_REGISTRYINDEX);
    t->running = run;
    lua_getglobal(run->co, "check");
    lua_rawgeti(run->co, LUA_REGISTRYINDEX, t->script.cfg_ref);
    resume(run, 1);
}

void cancel_tracker(void* state) {
    auto* t = static_cast<LuaTracker*>(state);
    if (!t->running) return;
    auto* run = t->running;
    t->running = nullptr;
    destroy_run(run);
}

void destroy_tracker(void* state) {
    auto* t = static_cast<LuaTracker*>(state);
    cancel_tracker(t);
    close_script(t->script);
    delete t;
}

// ------------------------------------------------------------------ notifier type

struct LuaNotifier {
    Script script;
};

void* create_notifier(const vigil_host_api* host, const vigil_config* cfg, char* err, size_t errlen) {
    auto* n = new LuaNotifier;
    n->script.host = host;
    n->script.blocking = true;
    if (auto problem = open_script(n->script, cfg, "notify"); !problem.empty()) {
        snprintf(err, errlen, "%s", problem.c_str());
        close_script(n->script);
        delete n;
        return nullptr;
    }
    return n;
}

int deliver(void* state, const vigil_event* ev, int64_t timeout_ms, char* err, size_t errlen) {
    auto* n = static_cast<LuaNotifier*>(state);
    lua_State* L = n->script.L;
    n->script.budget_us = timeout_ms > 0 ? timeout_ms * 1000 : 10'000'000;
    lua_getglobal(L, "notify");
    lua_createtable(L, 0, 12);
    auto field = [&](const char* k, const char* v) {
        lua_pushstring(L, v ? v : "");
        lua_setfield(L, -2, k);
    };
    lua_pushinteger(L, static_cast<lua_Integer>(ev->seq));
    lua_setfield(L, -2, "seq");
    field("kind", ev->kind);
    field("name", ev->name);
    field("state", ev->state);
    field("prev_state", ev->prev_state);
    lua_pushinteger(L, ev->priority);
    lua_setfield(L, -2, "priority");
    lua_createtable(L, static_cast<int>(ev->vip_count), 0);
    for (size_t i = 0; i < ev->vip_count; ++i) {
        lua_pushstring(L, ev->vips[i]);
        lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
    }
    lua_setfield(L, -2, "vips");
    field("host", ev->host);
    field("time", ev->time);
    field("reason", ev->reason);
    field("json", ev->json);
    lua_rawgeti(L, LUA_REGISTRYINDEX, n->script.cfg_ref);
    n->script.slice_started_us = now_us();
    if (lua_pcall(L, 2, 2, 0) != LUA_OK) {
        snprintf(err, errlen, "error: %s", lua_tostring(L, -1));
        lua_pop(L, 1);
        return -1;
    }
    // notify() returns nothing or true for success; false[, why] for a failure.
    bool failed = lua_isboolean(L, -2) && !lua_toboolean(L, -2);
    if (failed) snprintf(err, errlen, "%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "notify() returned false");
    lua_pop(L, 2);
    return failed ? -1 : 0;
}

void destroy_notifier(void* state) {
    auto* n = static_cast<LuaNotifier*>(state);
    close_script(n->script);
    delete n;
}

// ------------------------------------------------------------------ registration

// The keys the bridge reads itself; every other key goes to the script.
const vigil_key kKeys[] = {
    {"script", VIGIL_KEY_PATH, VIGIL_KEY_REQUIRED, 0, 0, nullptr},
    {"budget", VIGIL_KEY_DURATION, 0, 1, 0, nullptr},
    {"memory_limit_mb", VIGIL_KEY_INTEGER, 0, 1, 65536, nullptr},
};
const vigil_key_doc kKeyDocs[] = {
    {nullptr, "the Lua script: check(cfg) for a tracker, notify(event, cfg) for a notifier"},
    {"50ms", "how long the script may run between two waits (a notifier's deliveries: its timeout)"},
    {"16", "the most memory the script's Lua state may use, in MiB"},
};
static_assert(std::size(kKeyDocs) == std::size(kKeys));
static_assert(kDefaultMemory == 16u << 20, "memory_limit_mb's declared default");

const vigil_tracker_type kTracker = {
    sizeof(vigil_tracker_type), "lua", nullptr, kKeys, std::size(kKeys), VIGIL_TYPE_ANY_KEY, validate_tracker, create_tracker, nullptr,
    poll_tracker, cancel_tracker, destroy_tracker, kKeyDocs,
};
const vigil_notifier_type kNotifier = {
    sizeof(vigil_notifier_type), "lua", nullptr, kKeys, std::size(kKeys), VIGIL_TYPE_ANY_KEY, validate_notifier, create_notifier, deliver,
    destroy_notifier, kKeyDocs,
};
const vigil_tracker_type* const kTrackers[] = {&kTracker};
const vigil_notifier_type* const kNotifiers[] = {&kNotifier};

}  // namespace

extern "C" VIGIL_EXPORT const vigil_plugin_info* vigil_plugin_entry(void) {
    static vigil_plugin_info info = VIGIL_PLUGIN_INFO_INIT("lua", "1.0");
    info.trackers = kTrackers;
    info.tracker_count = 1;
    info.notifiers = kNotifiers;
    info.notifier_count = 1;
    return &info;
}
