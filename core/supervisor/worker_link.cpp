// SPDX-License-Identifier: Apache-2.0
#include "supervisor/worker_link.h"

#include <event2/event.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "config/model.h"
#include "log/logger.h"
#include "supervisor/held_routes.h"

namespace vigil::supervisor {
namespace {

// The loader refuses more than the shared record holds.
static_assert(config::kMaxInstanceRoutes <= kMaxHeldRoutes && config::kMaxInstanceRules <= kMaxHeldRules);
static_assert(config::kMaxAnycastAddresses <= kMaxHeldVips && config::kMaxAnycastRoutes <= kMaxHeldRoutes);

SharedState* g_shared = nullptr;  // for the call records and the crash handler
int g_socket = -1;

int64_t monotonic_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void fill(SharedAddress& to, int ifindex, const net::IpPrefix& prefix) {
    to.family = prefix.address.family() == net::Family::V4 ? 4 : 6;
    to.prefix_len = static_cast<uint8_t>(prefix.length);
    to.ifindex = ifindex;
    std::memcpy(to.bytes, prefix.address.bytes().data(), 16);
}

void on_fatal_signal(int sig) {
    // Async-signal-safe: one send, then the default action (the signal stays
    // blocked until we return, then kills us as it would have).
    if (g_socket >= 0) {
        char dying[2] = {'D', static_cast<char>(sig)};
        (void)!::send(g_socket, dying, sizeof dying, MSG_DONTWAIT | MSG_NOSIGNAL);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void write_record(CallRecord& r, const char* plugin, const char* callback, const char* kind, const char* object) {
    r.active.store(0, std::memory_order_relaxed);
    copy_text(r.plugin, plugin);
    copy_text(r.callback, callback);
    snprintf(r.object, sizeof r.object, "%s '%s'", kind, object);
    r.active.store(1, std::memory_order_release);
}

std::atomic<size_t> g_next_thread_slot{0};
thread_local size_t t_thread_slot = kMaxThreadCalls;  // none yet

}  // namespace

std::unique_ptr<WorkerLink> WorkerLink::attach(int shared_fd, int socket_fd, std::string& error) {
    auto* shared = map_shared_state(shared_fd);
    // The mapping keeps the open file, and with it the supervisor's lock on
    // the held file, for the worker's life: the fd is not needed.
    close(shared_fd);
    if (!shared) {
        error = "fd " + std::to_string(shared_fd) + " is not a supervisor's shared state";
        return nullptr;
    }
    // Not for the processes a plugin may fork: only we speak for the worker,
    // and a child that outlived us must not keep the held file locked.
    madvise(shared, sizeof(SharedState), MADV_DONTFORK);
    fcntl(socket_fd, F_SETFD, FD_CLOEXEC);
    std::unique_ptr<WorkerLink> link(new WorkerLink(shared, socket_fd));
    for (size_t i = kMaxHeld; i-- > 0;) link->free_slots_.push_back(i);
    // A new worker holds nothing, whatever the last one left.
    for (auto& current : shared->held_current) current.store(0, std::memory_order_release);
    shared->loop_call.active.store(0);
    for (auto& r : shared->thread_calls) r.active.store(0);
    shared->heartbeat_ns.store(monotonic_ns());
    g_shared = shared;
    g_socket = socket_fd;
    return link;
}

WorkerLink::~WorkerLink() {
    if (beat_) event_free(beat_);
    if (watch_) event_free(watch_);
    g_socket = -1;
    close(socket_);
}

std::string WorkerLink::restart_note() const {
    const auto& r = shared_->restart;
    if (r.restarts == 0) return "";
    std::string note = "the worker restarted (restart " + std::to_string(r.restarts) + "): " + r.last_cause;
    auto held = resigned_holds(r);
    auto join = [](const std::vector<std::string>& names, const char* separator) {
        std::string out;
        for (const auto& n : names) out += (out.empty() ? "" : separator) + n;
        return out;
    };
    auto instances = join(held.instances, " ");
    auto anycasts = join(held.anycasts, ", ");
    if (!instances.empty()) note += "; the supervisor resigned for it as MASTER of " + instances;
    if (!anycasts.empty()) note += (instances.empty() ? "; the supervisor withdrew " : " and withdrew ") + anycasts;
    return note;
}

void WorkerLink::start(event_base* base, std::function<void()> on_supervisor_gone) {
    on_gone_ = std::move(on_supervisor_gone);
    beat_ = event_new(base, -1, EV_PERSIST, on_beat, this);
    watch_ = event_new(base, socket_, EV_READ | EV_PERSIST, on_socket, this);
    event_add(watch_, nullptr);
    publish_stall_timeout();
}

void WorkerLink::applied(const config::Config& config) {
    stall_timeout_ = config::stall_timeout_of(config);
    if (beat_) publish_stall_timeout();
}

void WorkerLink::publish_stall_timeout() {
    // A beat a quarter of the timeout apart: far enough inside it that a
    // loaded machine's late timer is no stall, and no more wake-ups of an idle
    // loop than that. (The stall is timed from the last beat, so the period
    // does not delay its detection.)
    beat_period_ = stall_timeout_.count() > 0
                       ? std::clamp(stall_timeout_ / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(1000))
                       : std::chrono::milliseconds(1000);
    beat();
    shared_->stall_timeout_ms.store(stall_timeout_.count(), std::memory_order_release);
    timeval tv{static_cast<time_t>(beat_period_.count() / 1000), static_cast<suseconds_t>(beat_period_.count() % 1000 * 1000)};
    event_add(beat_, &tv);
}

void WorkerLink::beat() { shared_->heartbeat_ns.store(monotonic_ns(), std::memory_order_release); }

void WorkerLink::on_beat(int, short, void* self) { static_cast<WorkerLink*>(self)->beat(); }

void WorkerLink::on_socket(int fd, short, void* arg) {
    auto* self = static_cast<WorkerLink*>(arg);
    char buf[64];
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR))) return;
    // The supervisor is gone: nobody would resign for us if we died now.
    event_del(self->watch_);
    if (self->on_gone_) self->on_gone_();
}

void WorkerLink::send(const std::string& message) {
    if (::send(socket_, message.data(), message.size(), MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
        VLOG_DEBUG("supervisor link: cannot send '%c': %s", message.empty() ? '?' : message[0], strerror(errno));
}

void WorkerLink::ready(const std::string& status) {
    if (beat_) publish_stall_timeout();  // after a reload's allowance
    send("R" + status);
}

void WorkerLink::reloading() {
    // A reload holds the loop on purpose (the config read, plugins loaded and
    // created, instances restarted): a large one may take longer than a
    // stall_timeout of a few adverts. It gets kReloadAllowance, and is still
    // ended if a plugin hangs in it.
    shared_->stall_timeout_ms.store(std::max<int64_t>(stall_timeout_.count(), kReloadAllowance.count()), std::memory_order_release);
    beat();
    send("L");
}

void WorkerLink::stopping() {
    // A graceful stop waits for the notifiers to deliver the STOP events (up
    // to their timeout): not a stall. The supervisor's stop waits for the exit.
    shared_->stall_timeout_ms.store(0, std::memory_order_release);
    send("S");
}

void WorkerLink::holding(const vrrp::Hold& hold) {
    auto it = slots_.find(hold.instance);
    if (it == slots_.end()) {
        if (free_slots_.empty()) {
            VLOG_ERROR("%s: more than %zu instances are MASTER or anycast sections announced: the supervisor cannot resign for this one if the worker dies",
                       hold.instance.c_str(), kMaxHeld);
            return;
        }
        it = slots_.emplace(hold.instance, free_slots_.back()).first;
        free_slots_.pop_back();
    }
    auto& current = shared_->held_current[it->second];
    uint32_t next = current.load(std::memory_order_relaxed) == 1 ? 2 : 1;
    auto& h = shared_->held[it->second].buffer[next - 1];
    std::memset(&h, 0, sizeof h);
    copy_text(h.name, hold.instance.c_str());
    h.kind = hold.kind == vrrp::HoldKind::Anycast ? kHeldAnycast : kHeldInstance;
    copy_text(h.ifname, hold.ifname.c_str());
    h.ifindex = hold.ifindex;
    h.family = hold.family == net::Family::V4 ? 4 : 6;
    h.checksum = static_cast<uint8_t>(hold.checksum);
    h.version = hold.resign.version;
    h.vrid = hold.resign.vrid;
    h.owner = hold.owner;
    h.auth_type = hold.resign.auth_type;
    h.interval_cs = hold.resign.interval_cs;
    std::memcpy(h.auth_data, hold.resign.auth_data.data(), sizeof h.auth_data);
    h.has_src = hold.src.has_value();
    if (hold.src) std::memcpy(h.src, hold.src->bytes().data(), 16);
    for (const auto& d : hold.destinations) {
        if (h.destination_count == kMaxDestinations) break;
        std::memcpy(h.destinations[h.destination_count++], d.bytes().data(), 16);
    }
    for (const auto& v : hold.vips) {
        if (h.vip_count == kMaxHeldVips) break;
        fill(h.vips[h.vip_count++], v.ifindex, v.prefix);
    }
    for (const auto& a : hold.resign.addresses) {
        if (h.address_count == kMaxHeldVips) break;
        std::memcpy(h.addresses[h.address_count++], a.bytes().data(), 16);
    }
    for (const auto& r : hold.routes) {
        if (h.route_count == kMaxHeldRoutes) break;
        store_route(h.routes[h.route_count++], r);
    }
    for (const auto& r : hold.rules) {
        if (h.rule_count == kMaxHeldRules) break;
        store_rule(h.rules[h.rule_count++], r);
    }
    current.store(next, std::memory_order_release);
}

void WorkerLink::released(const std::string& instance) {
    auto it = slots_.find(instance);
    if (it == slots_.end()) return;
    shared_->held_current[it->second].store(0, std::memory_order_release);
    free_slots_.push_back(it->second);
    slots_.erase(it);
}

void WorkerLink::install_crash_handlers() {
    // The loop thread's stack may be what overflowed: handle on a stack of its own.
    static char alternate[64 * 1024];
    stack_t ss{};
    ss.ss_sp = alternate;
    ss.ss_size = sizeof alternate;
    sigaltstack(&ss, nullptr);
    struct sigaction sa{};
    sa.sa_handler = on_fatal_signal;
    sa.sa_flags = SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) sigaction(sig, &sa, nullptr);
}

void record_call_begin(const char* plugin, const char* callback, const char* kind, const char* object, bool loop_thread) {
    if (!g_shared) return;
    if (loop_thread) return write_record(g_shared->loop_call, plugin, callback, kind, object);
    if (t_thread_slot == kMaxThreadCalls) t_thread_slot = g_next_thread_slot.fetch_add(1);
    if (t_thread_slot < kMaxThreadCalls) write_record(g_shared->thread_calls[t_thread_slot], plugin, callback, kind, object);
}

void record_call_end(bool loop_thread) {
    if (!g_shared) return;
    if (loop_thread) g_shared->loop_call.active.store(0, std::memory_order_release);
    else if (t_thread_slot < kMaxThreadCalls) g_shared->thread_calls[t_thread_slot].active.store(0, std::memory_order_release);
}

}  // namespace vigil::supervisor
