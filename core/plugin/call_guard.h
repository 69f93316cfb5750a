/* SPDX-License-Identifier: Apache-2.0 */
// Every call from the host into a plugin's code goes through a CallGuard. It
// does two things a plugin cannot be trusted to do itself:
//  - it times the call: a callback on the event loop that runs long holds up
//    everything else on it, VRRP adverts included, so one over the limit is
//    logged with its plugin, callback and tracker/notifier;
//  - it tells a process-wide hook which plugin code is running, so that
//    whoever watches the process (the supervisor) can name the callback in
//    flight when the process crashed or its loop stalled.
// It allocates nothing per call: the strings it hands out are interned once,
// when a tracker or notifier (or a timer, watch, process or request it makes)
// is created, and live until the process ends.
#pragma once

#include <chrono>
#include <string_view>

namespace vigil::plugin {

// A call that runs longer than this on the event loop is logged: the loop
// (every advert, timer and report) waited for it. A check is meant to take
// microseconds there (slow work goes to the host's timers, fd watches, spawn
// and HTTP); 100 ms is a whole advert interval at VRRPv3's 0.1 s, and twice a
// Lua slice's default budget, so crossing it is a plugin bug, not load.
inline constexpr std::chrono::milliseconds kLoopCallLimit{100};

// Whose code a call runs: kept by each tracker and notifier, and by what a
// plugin makes through the host (its callbacks are calls of the same owner).
struct CallOwner {
    const char* plugin = "?";  // the plugin's name ("faulty")
    const char* kind = "?";    // "tracker" or "notifier"; "tracker type"/"notifier type" (validate), "file" (entry)
    const char* object = "?";  // the [tracker]/[notifier] name ("crashy"); the type's name; the file's path

    // Interns the strings: the pointers stay valid for the life of the process.
    static CallOwner of(std::string_view plugin, std::string_view kind, std::string_view object);
};

// One call in progress. Valid while the call runs (the hook must copy what it
// wants to keep).
struct CallSite {
    const char* plugin;
    const char* callback;  // create start poll cancel destroy | deliver | timer fd exit http (the host's
                           // services calling back) | validate (config check) | entry (vigil_plugin_entry at load)
    const char* object;
    const char* kind;
    bool loop_thread;      // on the event loop's thread (see set_call_hook)
};

// A hook is called with the site when the outermost plugin call of a thread
// begins and with nullptr when it ends, on that thread (calls nested in a
// call, which the host does not make today, are not reported). It must be
// cheap and must not call into plugins.
using CallHook = void (*)(const CallSite* site);

// For calls on the event loop's thread: all tracker callbacks, the host's
// timer, fd-watch, process-exit and HTTP callbacks, notifier create/destroy
// at start and shutdown, and validate()/entry at start and at each reload. One call at a time, so one slot says what is in
// flight. nullptr removes the hook.
void set_call_hook(CallHook hook);
// For calls on any other thread: each notifier's deliver() on its own worker
// thread, and the destroy() of a notifier a reload replaced (stopped off the
// loop). Several threads may be inside at once; begin and end of one call
// come on the same thread. nullptr removes the hook.
void set_thread_call_hook(CallHook hook);

// Marks the calling thread as the one that runs the event loop. vigild's
// main() does, before it loads any plugin; plugin::Host does too, on the
// thread that creates it (so tests that drive a loop need not).
void mark_loop_thread();

class CallGuard {
public:
    CallGuard(const CallOwner& owner, const char* callback, std::chrono::milliseconds limit = kLoopCallLimit);
    ~CallGuard();
    CallGuard(const CallGuard&) = delete;
    CallGuard& operator=(const CallGuard&) = delete;

    // The owner of the innermost call in progress on this thread, or an
    // unknown one: what the host attributes the timers, watches, processes
    // and requests made during a call to.
    static CallOwner current_owner();

private:
    CallSite site_;
    const CallGuard* outer_;
    std::chrono::milliseconds limit_;
    std::chrono::steady_clock::time_point started_;
};

}  // namespace vigil::plugin
