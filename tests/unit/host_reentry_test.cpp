// SPDX-License-Identifier: Apache-2.0
// The host calls a plugin may make from inside a callback of the host's
// (docs/plugin-sdk.md, "Calls from inside a callback"), through the real host
// on a real loop: freeing a timer, unwatching a watch, killing a process and
// cancelling a request from its own callback are harmless; a tracker's poll is
// never called while its previous check is still in flight.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "plugin/host.h"
#include "support/event_loop.h"
#include "track/tracking.h"

using namespace vigil;
using namespace vigil::test;
using namespace std::chrono_literals;

namespace {

struct Fixture {
    Loop loop;
    plugin::Host host{loop.base, HTTP_ENGINE};  // the build's module, not an installed one
    const vigil_host_api* api = host.api();
};

TEST(HostReentry, ATimerFreedFromItsOwnCallback) {
    Fixture f;
    struct Self {
        const vigil_host_api* api;
        vigil_timer* timer;
        int fired = 0;
    } self{f.api, nullptr, 0};
    self.timer = f.api->timer_new(f.api->host, [](void* arg) {
        auto* s = static_cast<Self*>(arg);
        ++s->fired;
        s->api->timer_free(s->timer);
    }, &self);
    f.api->timer_arm(self.timer, 0);
    ASSERT_TRUE(f.loop.until([&] { return self.fired == 1; }));
    // Control: the loop goes on, with another timer.
    bool other = false;
    auto* t = f.api->timer_new(f.api->host, [](void* arg) { *static_cast<bool*>(arg) = true; }, &other);
    f.api->timer_arm(t, 1000);
    EXPECT_TRUE(f.loop.until([&] { return other; }));
    f.api->timer_free(t);
    EXPECT_EQ(self.fired, 1);
}

TEST(HostReentry, AWatchUnwatchedFromItsOwnCallbackFiresNoMore) {
    Fixture f;
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    struct Self {
        const vigil_host_api* api;
        vigil_watch* watch;
        int fired = 0;
    } self{f.api, nullptr, 0};
    self.watch = f.api->watch_readable(f.api->host, fds[0], [](int, void* arg) {
        auto* s = static_cast<Self*>(arg);
        ++s->fired;
        s->api->unwatch(s->watch);  // the byte stays unread: a live watch would fire again at once
    }, &self);
    ASSERT_EQ(write(fds[1], "x", 1), 1);
    ASSERT_TRUE(f.loop.until([&] { return self.fired >= 1; }));
    f.loop.until([] { return false; }, 100ms);
    EXPECT_EQ(self.fired, 1);
    close(fds[0]);
    close(fds[1]);
}

TEST(HostReentry, AProcessKilledFromItsOwnOnExitIsForgottenOnce) {
    Fixture f;
    struct Self {
        const vigil_host_api* api;
        vigil_process* process;
        int exits = 0;
        int code = -2;
    } self{f.api, nullptr, 0, -2};
    const char* argv[] = {"/bin/sh", "-c", "exit 3", nullptr};
    vigil_spawn spec = {sizeof spec, argv, nullptr, 0, nullptr, 5000};
    char err[256] = {};
    auto on_exit = [](void* arg, const vigil_exit* e) {
        auto* s = static_cast<Self*>(arg);
        ++s->exits;
        s->code = e->exit_code;
        s->api->kill(s->process);  // it has ended: nothing to kill, nothing freed twice
    };
    self.process = f.api->spawn(f.api->host, &spec, on_exit, &self, err, sizeof err);
    ASSERT_NE(self.process, nullptr) << err;
    ASSERT_TRUE(f.loop.until([&] { return self.exits == 1; }));
    EXPECT_EQ(self.code, 3);
    // Control: the host spawns and reaps the next one as before.
    self.process = f.api->spawn(f.api->host, &spec, on_exit, &self, err, sizeof err);
    ASSERT_NE(self.process, nullptr) << err;
    EXPECT_TRUE(f.loop.until([&] { return self.exits == 2; }));
}

TEST(HostReentry, ARequestCancelledFromItsOwnOnDone) {
    Fixture f;
    struct Self {
        const vigil_host_api* api;
        vigil_http_request* request;
        int done = 0;
        std::string error;
    } self{f.api, nullptr, 0, {}};
    vigil_http_spec spec{};
    spec.size = sizeof spec;
    spec.url = "http://127.0.0.1:1/";  // refused at once: nothing listens on port 1
    spec.timeout_ms = 2000;
    auto on_done = [](void* arg, const vigil_http_result* r) {
        auto* s = static_cast<Self*>(arg);
        ++s->done;
        s->error = r->error ? r->error : "";
        s->api->http_cancel(s->request);  // finished: a no-op, not a use of freed memory
    };
    char err[256] = {};
    self.request = f.api->http_request(f.api->host, &spec, on_done, &self, err, sizeof err);
    ASSERT_NE(self.request, nullptr) << err;
    ASSERT_TRUE(f.loop.until([&] { return self.done == 1; }));
    EXPECT_EQ(self.error, "Couldn't connect to server");
    // Control: the next request runs and completes as before.
    self.request = f.api->http_request(f.api->host, &spec, on_done, &self, err, sizeof err);
    ASSERT_NE(self.request, nullptr) << err;
    EXPECT_TRUE(f.loop.until([&] { return self.done == 2; }));
}

// A check that takes 150 ms, polled every 30 ms: the host waits for each
// report before it polls again, so there is never more than one in flight.
struct Slow {
    const vigil_host_api* host;
    vigil_tracker* tracker;
    vigil_timer* done;
    int in_flight = 0, most_in_flight = 0, polls = 0;
};
Slow* g_slow;
void* slow_create(const vigil_host_api* host, vigil_tracker* tracker, const vigil_config*, char*, size_t) {
    g_slow = new Slow{host, tracker, nullptr};
    g_slow->done = host->timer_new(host->host, [](void* arg) {
        auto* s = static_cast<Slow*>(arg);
        --s->in_flight;
        vigil_result r = VIGIL_RESULT_INIT;
        r.ok = 1;
        r.reason = "slow but fine";
        s->host->report(s->tracker, &r);
    }, g_slow);
    return g_slow;
}
void slow_poll(void* state) {
    auto* s = static_cast<Slow*>(state);
    ++s->polls;
    s->most_in_flight = std::max(s->most_in_flight, ++s->in_flight);
    s->host->timer_arm(s->done, 150'000);
}
void slow_destroy(void* state) {
    auto* s = static_cast<Slow*>(state);
    s->host->timer_free(s->done);
    delete s;
}
const vigil_tracker_type kSlow = {sizeof(vigil_tracker_type), "slowcheck", nullptr, nullptr, 0, 0, nullptr, slow_create, nullptr,
                                  slow_poll, nullptr, slow_destroy, nullptr};

TEST(HostReentry, PollIsNeverCalledWhileACheckIsInFlight) {
    Fixture f;
    config::TrackerConfig c;
    c.name = "slow";
    c.type = "slowcheck";
    c.interval = 30ms;
    c.timeout = 1s;
    track::TrackerRuntime t(c, {&kSlow, "slowplugin"}, f.api, f.loop.base, [](track::TrackerRuntime&) {});
    ASSERT_EQ(t.start(), "");
    ASSERT_TRUE(f.loop.until([&] { return t.checks() >= 3; }));
    EXPECT_EQ(g_slow->most_in_flight, 1);
    EXPECT_LE(g_slow->polls, static_cast<int>(t.checks()) + 1) << "polls skipped while a check ran";
    EXPECT_EQ(t.dropped().duplicate() + t.dropped().late(), 0u);
    EXPECT_EQ(t.state().last_reason(), "slow but fine");
}

}  // namespace
