// SPDX-License-Identifier: Apache-2.0
#include "plugin/call_guard.h"

#include <atomic>
#include <mutex>
#include <set>
#include <string>

#include "log/logger.h"

namespace vigil::plugin {
namespace {

std::atomic<CallHook> g_loop_hook{nullptr};
std::atomic<CallHook> g_thread_hook{nullptr};
thread_local bool t_loop_thread = false;
thread_local const CallGuard* t_innermost = nullptr;

// Names handed to hooks and kept in timers must outlive whatever they name
// (a plugin may leak a timer that fires after its tracker is gone): interned
// for good. They are few (one per plugin, tracker and notifier name ever
// configured), so the set only grows by what reloads add.
const char* intern(std::string_view text) {
    static std::mutex mu;
    static auto* names = new std::set<std::string, std::less<>>;  // never freed: its strings are in use to the end
    std::lock_guard lock(mu);
    auto it = names->find(text);
    if (it == names->end()) it = names->emplace(text).first;
    return it->c_str();
}

void call_hook(bool loop_thread, const CallSite* site) {
    if (auto hook = (loop_thread ? g_loop_hook : g_thread_hook).load(std::memory_order_acquire)) hook(site);
}

}  // namespace

CallOwner CallOwner::of(std::string_view plugin, std::string_view kind, std::string_view object) {
    return {intern(plugin), intern(kind), intern(object)};
}

void set_call_hook(CallHook hook) { g_loop_hook.store(hook, std::memory_order_release); }
void set_thread_call_hook(CallHook hook) { g_thread_hook.store(hook, std::memory_order_release); }
void mark_loop_thread() { t_loop_thread = true; }

CallGuard::CallGuard(const CallOwner& owner, const char* callback, std::chrono::milliseconds limit)
    : site_{owner.plugin, callback, owner.object, owner.kind, t_loop_thread},
      outer_(t_innermost),
      limit_(limit),
      started_(std::chrono::steady_clock::now()) {
    t_innermost = this;
    if (!outer_) call_hook(site_.loop_thread, &site_);
}

CallGuard::~CallGuard() {
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
    t_innermost = outer_;
    if (!outer_) call_hook(site_.loop_thread, nullptr);
    if (took > limit_)
        VLOG_WARNING("plugin '%s' %s of %s '%s' ran for %lld ms%s (limit %lld ms)", site_.plugin, site_.callback, site_.kind,
                     site_.object, static_cast<long long>(took.count()), site_.loop_thread ? ", holding up the event loop" : "",
                     static_cast<long long>(limit_.count()));
}

CallOwner CallGuard::current_owner() {
    if (!t_innermost) return {};
    const auto& s = t_innermost->site_;
    return {s.plugin, s.kind, s.object};
}

}  // namespace vigil::plugin
