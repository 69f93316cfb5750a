// SPDX-License-Identifier: Apache-2.0
// The call guard around every host-to-plugin call: the hook sees each call
// begin and end, in pairs, with the plugin, callback and tracker/notifier
// (also for the host's timer callbacks, attributed to whoever made the
// timer), on the right hook for its thread; a call over the limit is logged.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <regex>
#include <thread>

#include "notify/notifier.h"
#include "plugin/call_guard.h"
#include "plugin/host.h"
#include "support/event_loop.h"
#include "support/faulty_plugin.h"
#include "support/log_capture.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "track/tracking.h"

using namespace vigil;
using namespace vigil::test;
using namespace std::chrono_literals;

namespace {

// What the hooks saw: "begin PLUGIN CALLBACK KIND OBJECT loop|thread" and "end".
struct Seen {
    std::mutex mu;
    std::vector<std::string> loop, thread;
};
Seen* g_seen;

std::string describe(const plugin::CallSite* s) {
    if (!s) return "end";
    return std::string("begin ") + s->plugin + " " + s->callback + " " + s->kind + " " + s->object + (s->loop_thread ? " loop" : " thread");
}
void on_loop_call(const plugin::CallSite* s) {
    std::lock_guard lock(g_seen->mu);
    g_seen->loop.push_back(describe(s));
}
void on_thread_call(const plugin::CallSite* s) {
    std::lock_guard lock(g_seen->mu);
    g_seen->thread.push_back(describe(s));
}

// Installs the recording hooks for one test.
struct Hooks {
    Seen seen;
    Hooks() {
        g_seen = &seen;
        plugin::set_call_hook(on_loop_call);
        plugin::set_thread_call_hook(on_thread_call);
    }
    ~Hooks() {
        plugin::set_call_hook(nullptr);
        plugin::set_thread_call_hook(nullptr);
        g_seen = nullptr;
    }
    std::vector<std::string> loop() {
        std::lock_guard lock(seen.mu);
        return seen.loop;
    }
    std::vector<std::string> thread() {
        std::lock_guard lock(seen.mu);
        return seen.thread;
    }
};

// Every begin is followed by its end before the next begin.
bool paired(const std::vector<std::string>& calls) {
    for (size_t i = 0; i < calls.size(); ++i)
        if ((i % 2 == 0) != (calls[i].rfind("begin ", 0) == 0)) return false;
    return calls.size() % 2 == 0;
}

std::vector<std::string> begins(const std::vector<std::string>& calls) {
    std::vector<std::string> out;
    for (const auto& c : calls)
        if (c != "end") out.push_back(c);
    return out;
}

// An in-test tracker plugin whose timer callback is slow: create() arms a
// host timer that sleeps `g_timer_sleep` when it fires.
std::chrono::milliseconds g_timer_sleep{0};
bool g_timer_fired = false;
struct Sleepy {
    const vigil_host_api* host;
    vigil_timer* timer;
};
void* sleepy_create(const vigil_host_api* host, vigil_tracker*, const vigil_config*, char*, size_t) {
    auto* s = new Sleepy{host, nullptr};
    s->timer = host->timer_new(host->host, [](void*) {
        std::this_thread::sleep_for(g_timer_sleep);
        g_timer_fired = true;
    }, s);
    host->timer_arm(s->timer, 0);
    return s;
}
void sleepy_destroy(void* state) {
    auto* s = static_cast<Sleepy*>(state);
    s->host->timer_free(s->timer);
    delete s;
}
const vigil_tracker_type kSleepy = {sizeof(vigil_tracker_type), "sleepy", nullptr, nullptr, 0, 0, nullptr, sleepy_create, nullptr,
                                    nullptr, nullptr, sleepy_destroy, nullptr};

}  // namespace

TEST(CallGuard, TheHookSeesEveryTrackerCallBeginAndEndWithItsSite) {
    auto type = faulty_type();  // loaded first: its entry point is a guarded call too
    Hooks hooks;
    {
        Loop loop;
        plugin::Host host(loop.base);
        // report_late: poll() arms a host timer made in create(); its callback reports.
        track::TrackerRuntime t(faulty_tracker("lazy", {{"report_late", "yes", {}}}, 1s, 100ms), type, host.api(), loop.base,
                                [](track::TrackerRuntime&) {});
        ASSERT_EQ(t.start(), "");
        ASSERT_TRUE(loop.until([&] {
            auto calls = hooks.loop();
            return std::count(calls.begin(), calls.end(), "begin faulty timer tracker lazy loop") >= 1;
        }));
    }
    auto calls = hooks.loop();
    EXPECT_TRUE(paired(calls)) << ::testing::PrintToString(calls);
    EXPECT_EQ(begins(calls), (std::vector<std::string>{"begin faulty create tracker lazy loop", "begin faulty poll tracker lazy loop",
                                                       "begin faulty timer tracker lazy loop", "begin faulty destroy tracker lazy loop"}))
        << "the timeout's cancel() is not called: the faulty plugin has none";
    EXPECT_TRUE(hooks.thread().empty());
}

TEST(CallGuard, APluginsEntryAndValidateAreGuardedCalls) {
    Hooks hooks;
    plugin::PluginRegistry r;
    auto path = std::string(TEST_PLUGIN_DIR) + "/good.so";
    ASSERT_EQ(r.load(path), "");
    config::Diagnostics diags;
    r.schemas().tracker_type("testcheck")->check({{"target", "forbidden", {}}}, {"t.conf", 6}, diags);
    EXPECT_EQ(diags.error_count(), 1u) << "the plugin's validate() ran";
    // On whichever hook this thread's calls go to (no Host marked it as the loop's).
    auto calls = hooks.loop();
    auto thread = hooks.thread();
    calls.insert(calls.end(), thread.begin(), thread.end());
    EXPECT_TRUE(paired(calls)) << ::testing::PrintToString(calls);
    auto sites = begins(calls);
    ASSERT_EQ(sites.size(), 2u) << ::testing::PrintToString(calls);
    EXPECT_EQ(sites[0].rfind("begin good entry file " + path + " ", 0), 0u) << sites[0];
    EXPECT_EQ(sites[1].rfind("begin testcheck validate tracker type testcheck ", 0), 0u) << sites[1];
}

TEST(CallGuard, ANotifierDeliveryIsSeenOnTheThreadHook) {
    Hooks hooks;
    const vigil_notifier_type type = {sizeof(vigil_notifier_type), "quiet", nullptr, nullptr, 0, 0, nullptr,
                                      [](const vigil_host_api*, const vigil_config*, char*, size_t) -> void* { return &g_timer_sleep; },
                                      [](void*, const vigil_event*, int64_t, char*, size_t) { return 0; }, [](void*) {}, nullptr};
    config::NotifierConfig c;
    c.name = "ops";
    c.type = "quiet";
    vigil_host_api no_host{};
    {
        notify::Notifier n(c, {&type, "quietplugin"}, &no_host);
        plugin::mark_loop_thread();  // as vigild's: created, and later destroyed, on the loop
        ASSERT_EQ(n.start(), "");
        notify::Event e;
        e.state = "MASTER";
        n.publish(e);
        ASSERT_TRUE(wait_for([&] { return n.delivered() == 1; }));
    }
    EXPECT_EQ(hooks.loop(), (std::vector<std::string>{"begin quietplugin create notifier ops loop", "end",
                                                      "begin quietplugin destroy notifier ops loop", "end"}));
    EXPECT_EQ(hooks.thread(), (std::vector<std::string>{"begin quietplugin deliver notifier ops thread", "end"}));
}

TEST(CallGuard, NestedCallsReachTheHookOnce) {
    Hooks hooks;
    auto outer = plugin::CallOwner::of("a", "tracker", "x");
    {
        plugin::CallGuard g1(outer, "poll");
        EXPECT_STREQ(plugin::CallGuard::current_owner().object, "x");
        plugin::CallGuard g2(plugin::CallOwner::of("b", "tracker", "y"), "timer");
        EXPECT_STREQ(plugin::CallGuard::current_owner().object, "y") << "what a call makes belongs to the innermost";
    }
    EXPECT_STREQ(plugin::CallGuard::current_owner().object, "?");
    // On whichever hook this thread's calls go to.
    auto calls = hooks.loop();
    auto thread = hooks.thread();
    calls.insert(calls.end(), thread.begin(), thread.end());
    ASSERT_EQ(calls.size(), 2u) << ::testing::PrintToString(calls);
    EXPECT_EQ(calls[0].substr(0, 13), "begin a poll ");
    EXPECT_EQ(calls[1], "end");
}

TEST(CallGuard, ASlowPollIsLoggedWithPluginCallbackAndTracker) {
    TempDir dir;
    auto block = dir.write("block", "");
    auto ran = [&](const std::string& block_for) {
        LogCapture log;
        Loop loop;
        plugin::Host host(loop.base);
        track::TrackerRuntime t(faulty_tracker("slow", {{"block_file", block, {}}, {"block_for", block_for, {}}}), faulty_type(),
                                host.api(), loop.base, [](track::TrackerRuntime&) {});
        EXPECT_EQ(t.start(), "");
        EXPECT_TRUE(loop.until([&] { return t.checks() >= 1; }));
        return log.text();
    };
    auto slow = ran("150ms");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(slow, m, std::regex(R"(warning: plugin 'faulty' poll of tracker 'slow' ran for (\d+) ms, holding up the event loop \(limit 100 ms\))")))
        << slow;
    EXPECT_GE(std::stoi(m[1]), 150);
    // Control: a call within the limit is not logged.
    auto quick = ran("20ms");
    EXPECT_EQ(quick.find("ran for"), std::string::npos) << quick;
}

TEST(CallGuard, ASlowTimerCallbackIsLoggedAsACallOfTheTrackerThatMadeIt) {
    auto ran = [&](std::chrono::milliseconds sleep) {
        g_timer_sleep = sleep;
        g_timer_fired = false;
        LogCapture log;
        Loop loop;
        plugin::Host host(loop.base);
        config::TrackerConfig c;
        c.name = "dozy";
        c.type = "sleepy";
        track::TrackerRuntime t(c, {&kSleepy, "sleepyplugin"}, host.api(), loop.base, [](track::TrackerRuntime&) {});
        EXPECT_EQ(t.start(), "");
        EXPECT_TRUE(loop.until([] { return g_timer_fired; }));
        return log.text();
    };
    auto slow = ran(150ms);
    EXPECT_NE(slow.find("warning: plugin 'sleepyplugin' timer of tracker 'dozy' ran for "), std::string::npos) << slow;
    auto quick = ran(1ms);
    EXPECT_EQ(quick.find("ran for"), std::string::npos) << quick;
}
