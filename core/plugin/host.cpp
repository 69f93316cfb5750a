// SPDX-License-Identifier: Apache-2.0
#include "plugin/host.h"

#include <event2/event.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <utility>

#include "log/logger.h"
#include "plugin/call_guard.h"
#include "plugin/process.h"

// Each thing a plugin makes through the host remembers whose call made it:
// its callbacks are guarded as calls of that tracker or notifier.
using vigil::plugin::CallGuard;
using vigil::plugin::CallOwner;

struct vigil_timer {
    event* ev = nullptr;
    vigil_timer_fn fn = nullptr;
    void* arg = nullptr;
    CallOwner owner;
};

struct vigil_watch {
    event* ev = nullptr;
    vigil_fd_fn fn = nullptr;
    void* arg = nullptr;
    CallOwner owner;
};

struct vigil_process {
    CallOwner owner;
    pid_t pid = -1;
    int pidfd = -1;
    int output_fd = -1;
    event* exit_ev = nullptr;
    event* output_ev = nullptr;
    event* timeout_ev = nullptr;
    vigil_exit_fn on_exit = nullptr;
    void* arg = nullptr;
    std::string output;
    bool timed_out = false;
    bool exited = false;  // on_exit is running: the handle is freed when it returns
    int64_t started_us = 0;
};

namespace vigil::plugin {
namespace {

constexpr size_t kOutputLimit = 4096;

int64_t now_us(vigil_host*) {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void host_log(vigil_host*, int level, const char* message) {
    auto l = static_cast<log::Level>(std::clamp(level, 0, 4));
    log::logf(l, "%s", message ? message : "");
}

timeval to_tv(int64_t us) {
    if (us < 0) us = 0;
    return {static_cast<time_t>(us / 1'000'000), static_cast<suseconds_t>(us % 1'000'000)};
}

// ---------------------------------------------------------------- timers

vigil_timer* timer_new(vigil_host* h, vigil_timer_fn fn, void* arg) {
    auto* t = new vigil_timer{nullptr, fn, arg, CallGuard::current_owner()};
    t->ev = evtimer_new(h->base, [](int, short, void* p) {
        auto* t = static_cast<vigil_timer*>(p);
        CallGuard guard(t->owner, "timer");
        t->fn(t->arg);
    }, t);
    return t;
}
void timer_arm(vigil_timer* t, int64_t delay_us) {
    timeval tv = to_tv(delay_us);
    // libevent counts from the loop's cached time, which is as old as the
    // callback running now; a plugin's delay means from this moment (a Lua
    // vigil.sleep(0.1) returned after 98.6 ms on a busy machine).
    event_base_update_cache_time(event_get_base(t->ev));
    evtimer_add(t->ev, &tv);
}
void timer_disarm(vigil_timer* t) { evtimer_del(t->ev); }
void timer_free(vigil_timer* t) {
    if (!t) return;
    event_free(t->ev);
    delete t;
}

// ---------------------------------------------------------------- fd watches

vigil_watch* watch(vigil_host* h, int fd, short what, vigil_fd_fn fn, void* arg) {
    auto* w = new vigil_watch{nullptr, fn, arg, CallGuard::current_owner()};
    w->ev = event_new(h->base, fd, what | EV_PERSIST, [](int fd, short, void* p) {
        auto* w = static_cast<vigil_watch*>(p);
        CallGuard guard(w->owner, "fd");
        w->fn(fd, w->arg);
    }, w);
    event_add(w->ev, nullptr);
    return w;
}
vigil_watch* watch_readable(vigil_host* h, int fd, vigil_fd_fn fn, void* arg) { return watch(h, fd, EV_READ, fn, arg); }
vigil_watch* watch_writable(vigil_host* h, int fd, vigil_fd_fn fn, void* arg) { return watch(h, fd, EV_WRITE, fn, arg); }

void unwatch(vigil_watch* w) {
    if (!w) return;
    event_free(w->ev);
    delete w;
}

// ---------------------------------------------------------------- processes

// Reads what is waiting on a non-blocking pipe, keeping the first
// kOutputLimit bytes; false at end of file (the writers closed it).
bool read_output(int fd, std::string& output) {
    char buf[1024];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        if (output.size() < kOutputLimit) output.append(buf, std::min<size_t>(static_cast<size_t>(n), kOutputLimit - output.size()));
    return n != 0;
}

void drain_output(vigil_process* p) {
    // At end of file a persistent read event would fire forever: stop it.
    if (!read_output(p->output_fd, p->output) && p->output_ev) {
        event_free(p->output_ev);
        p->output_ev = nullptr;
    }
}

void close_handles(vigil_process* p) {
    if (p->exit_ev) event_free(p->exit_ev);
    if (p->output_ev) event_free(p->output_ev);
    if (p->timeout_ev) event_free(p->timeout_ev);
    if (p->pidfd >= 0) close(p->pidfd);
    if (p->output_fd >= 0) close(p->output_fd);
    p->exit_ev = p->output_ev = p->timeout_ev = nullptr;
    p->pidfd = p->output_fd = -1;
}

void release(vigil_process* p) {
    close_handles(p);
    delete p;
}

void on_process_exit(int, short, void* arg) {
    auto* p = static_cast<vigil_process*>(arg);
    int status = 0;
    if (waitpid(p->pid, &status, WNOHANG) != p->pid) return;
    kill(-p->pid, SIGKILL);  // anything it left behind in its group
    drain_output(p);
    vigil_exit e{sizeof(vigil_exit), WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0,
                 p->timed_out, now_us(nullptr) - p->started_us, p->output.c_str()};
    // The handle outlives on_exit, so that a plugin forgetting its process
    // there with kill() (the natural cleanup) touches nothing freed.
    close_handles(p);
    p->exited = true;
    {
        CallGuard guard(p->owner, "exit");
        p->on_exit(p->arg, &e);
    }
    delete p;
}

vigil_process* spawn(vigil_host* h, const vigil_spawn* spec, vigil_exit_fn on_exit, void* arg, char* err, size_t errlen) {
    auto fail = [&](const std::string& why) -> vigil_process* {
        if (err && errlen) snprintf(err, errlen, "%s", why.c_str());
        return nullptr;
    };
    Launch launch;
    if (auto problem = prepare(*spec, h->script_user, launch); !problem.empty()) return fail(problem);
    std::string error;
    int output_fd = -1;
    pid_t pid = start(launch, output_fd, error);
    if (pid < 0) return fail(error);
    auto* p = new vigil_process;
    p->owner = CallGuard::current_owner();
    p->pid = pid;
    p->output_fd = output_fd;
    p->on_exit = on_exit;
    p->arg = arg;
    p->started_us = now_us(h);
    p->pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    if (p->pidfd < 0) {
        kill(-pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        release(p);
        return fail(std::string("pidfd_open: ") + strerror(errno));
    }
    p->exit_ev = event_new(h->base, p->pidfd, EV_READ, on_process_exit, p);
    event_add(p->exit_ev, nullptr);
    p->output_ev = event_new(h->base, output_fd, EV_READ | EV_PERSIST, [](int, short, void* a) {
        drain_output(static_cast<vigil_process*>(a));
    }, p);
    event_add(p->output_ev, nullptr);
    if (spec->timeout_ms > 0) {
        p->timeout_ev = evtimer_new(h->base, [](int, short, void* a) {
            auto* p = static_cast<vigil_process*>(a);
            p->timed_out = true;
            kill(-p->pid, SIGKILL);
        }, p);
        timeval tv = to_tv(spec->timeout_ms * 1000);
        evtimer_add(p->timeout_ev, &tv);
    }
    return p;
}

void kill_process(vigil_process* p) {
    if (!p || p->exited) return;  // from its own on_exit: freed when that returns
    kill(-p->pid, SIGKILL);
    // SIGKILL cannot be ignored: the wait is for the kernel, not the process.
    waitpid(p->pid, nullptr, 0);
    release(p);
}

int run(vigil_host* h, const vigil_spawn* spec, vigil_exit* out, char* err, size_t errlen) {
    Launch launch;
    if (auto problem = prepare(*spec, h->script_user, launch); !problem.empty()) {
        if (err && errlen) snprintf(err, errlen, "%s", problem.c_str());
        return -1;
    }
    std::string error;
    int output_fd = -1;
    int64_t started = now_us(h);
    pid_t pid = start(launch, output_fd, error);
    if (pid < 0) {
        if (err && errlen) snprintf(err, errlen, "%s", error.c_str());
        return -1;
    }
    int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    thread_local std::string output;
    output.clear();
    bool timed_out = false;
    int64_t deadline = spec->timeout_ms > 0 ? started + spec->timeout_ms * 1000 : INT64_MAX;
    pollfd fds[2] = {{pidfd, POLLIN, 0}, {output_fd, POLLIN, 0}};
    while (true) {
        int64_t left = deadline - now_us(h);
        if (left <= 0) {
            timed_out = true;
            kill(-pid, SIGKILL);
            break;
        }
        poll(fds, fds[1].fd < 0 ? 1 : 2, static_cast<int>(std::min<int64_t>(left / 1000 + 1, 1000)));
        if (fds[1].fd >= 0 && fds[1].revents && !read_output(output_fd, output)) fds[1].fd = -1;  // closed: poll the exit only
        if (fds[0].revents) break;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    read_output(output_fd, output);
    kill(-pid, SIGKILL);
    if (pidfd >= 0) close(pidfd);
    close(output_fd);
    *out = {sizeof(vigil_exit), WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0,
            timed_out, now_us(h) - started, output.c_str()};
    return 0;
}

vigil_http_request* http_request(vigil_host* h, const vigil_http_spec* spec, vigil_http_fn on_done, void* arg, char* err,
                                 size_t errlen) {
    vigil_http_spec full{};
    std::memcpy(&full, spec, std::min<size_t>(spec->size, sizeof full));
    full.size = sizeof full;
    std::string error;
    auto* r = h->http->start(full, on_done, arg, CallGuard::current_owner(), error);
    if (!r && err && errlen) snprintf(err, errlen, "%s", error.c_str());
    return r;
}

void report(vigil_tracker* t, const vigil_result* r) {
    if (t && t->on_report) t->on_report(normalize(r));
}

}  // namespace

vigil_result normalize(const vigil_result* r) {
    vigil_result out = VIGIL_RESULT_INIT;
    if (!r) return out;
    std::memcpy(&out, r, std::min<size_t>(r->size, sizeof out));
    out.size = sizeof out;
    return out;
}

Host::Host(event_base* base, std::string http_engine) : http_(base, std::move(http_engine)) {
    mark_loop_thread();
    host_.base = base;
    host_.http = &http_;
    host_.script_user = resolve_script_user("");
    api_.size = sizeof api_;
    api_.abi_major = VIGIL_ABI_MAJOR;
    api_.abi_minor = VIGIL_ABI_MINOR;
    api_.host = &host_;
    api_.log = host_log;
    api_.timer_new = timer_new;
    api_.timer_arm = timer_arm;
    api_.timer_disarm = timer_disarm;
    api_.timer_free = timer_free;
    api_.watch_readable = watch_readable;
    api_.unwatch = unwatch;
    api_.spawn = spawn;
    api_.kill = kill_process;
    api_.report = report;
    api_.now_us = now_us;
    api_.run = run;
    api_.http_request = http_request;
    api_.http_cancel = HttpClient::cancel_request;
    api_.watch_writable = watch_writable;
}

}  // namespace vigil::plugin
