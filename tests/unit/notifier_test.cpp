// SPDX-License-Identifier: Apache-2.0
// The notification engine with an in-test notifier type: ordering, the
// events filter, retries with backoff, a hung notifier not delaying another.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "notify/notifier.h"
#include "support/process.h"

using namespace vigil;
using namespace vigil::notify;
using namespace std::chrono_literals;

namespace {

// A notifier plugin written against the SDK inside the test: records what it
// receives, fails the first `fail_first` attempts, or blocks while `hang`.
struct Recorder {
    std::mutex mu;
    std::vector<std::string> seen;  // "seq state"
    int attempts = 0;
    int fail_first = 0;
    std::atomic<bool> hang{false};
};

Recorder* g_recorder;  // set by each test before create()

void* create(const vigil_host_api*, const vigil_config*, char*, size_t) { return g_recorder; }
int deliver(void* state, const vigil_event* ev, int64_t, char* err, size_t errlen) {
    auto* r = static_cast<Recorder*>(state);
    while (r->hang) std::this_thread::sleep_for(1ms);
    std::lock_guard lock(r->mu);
    if (r->attempts++ < r->fail_first) {
        snprintf(err, errlen, "server said no");
        return -1;
    }
    r->seen.push_back(std::to_string(ev->seq) + " " + ev->state);
    return 0;
}
void destroy(void*) {}
const vigil_notifier_type kRecorderType = {sizeof(vigil_notifier_type), "recorder", nullptr, nullptr, 0, 0, nullptr, create, deliver, destroy, nullptr};
const plugin::NotifierPlugin kType{&kRecorderType, "recorder"};

vigil_host_api no_host() {
    vigil_host_api h{};
    h.size = sizeof h;
    return h;
}

Event event(uint64_t seq, const char* state) {
    Event e;
    e.seq = seq;
    e.kind = "instance";
    e.name = "VI_1";
    e.state = state;
    e.prev_state = "BACKUP";
    return e;
}

config::NotifierConfig cfg(unsigned events = config::kAllEvents) {
    config::NotifierConfig c;
    c.name = "rec";
    c.type = "recorder";
    c.events = events;
    c.timeout = 1000ms;
    return c;
}

}  // namespace

TEST(Notifier, DeliversEveryEventInOrder) {
    Recorder rec;
    g_recorder = &rec;
    auto host = no_host();
    Notifier n(cfg(), kType, &host);
    ASSERT_EQ(n.start(), "");
    for (uint64_t i = 1; i <= 100; ++i) n.publish(event(i, i % 2 ? "MASTER" : "BACKUP"));
    ASSERT_TRUE(test::wait_for([&] { return n.delivered() == 100; }));
    std::lock_guard lock(rec.mu);
    for (uint64_t i = 1; i <= 100; ++i) EXPECT_EQ(rec.seen[i - 1], std::to_string(i) + (i % 2 ? " MASTER" : " BACKUP"));
}

TEST(Notifier, TheEventsFilterDropsOtherStates) {
    Recorder rec;
    g_recorder = &rec;
    auto host = no_host();
    Notifier n(cfg(config::kEventMaster | config::kEventFault), kType, &host);
    ASSERT_EQ(n.start(), "");
    n.publish(event(1, "BACKUP"));
    n.publish(event(2, "MASTER"));
    n.publish(event(3, "STOP"));
    n.publish(event(4, "FAULT"));
    ASSERT_TRUE(test::wait_for([&] { return n.delivered() == 2; }));
    std::lock_guard lock(rec.mu);
    EXPECT_EQ(rec.seen, (std::vector<std::string>{"2 MASTER", "4 FAULT"}));
}

TEST(Notifier, RetriesWithBackoffThenDeliversInOrder) {
    Recorder rec;
    rec.fail_first = 2;
    g_recorder = &rec;
    auto host = no_host();
    Notifier n(cfg(), kType, &host, RetryPolicy{5, 20ms, 1s});
    ASSERT_EQ(n.start(), "");
    auto t0 = std::chrono::steady_clock::now();
    n.publish(event(1, "MASTER"));
    n.publish(event(2, "BACKUP"));
    ASSERT_TRUE(test::wait_for([&] { return n.delivered() == 2; }));
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 60ms) << "backoff 20 ms then 40 ms";
    EXPECT_EQ(n.failures(), 2u);
    std::lock_guard lock(rec.mu);
    EXPECT_EQ(rec.seen, (std::vector<std::string>{"1 MASTER", "2 BACKUP"})) << "the retried event is not overtaken";
}

TEST(Notifier, GivesUpAfterItsAttemptsAndCountsIt) {
    Recorder rec;
    rec.fail_first = 1000;
    g_recorder = &rec;
    auto host = no_host();
    Notifier n(cfg(), kType, &host, RetryPolicy{3, 1ms, 2ms});
    ASSERT_EQ(n.start(), "");
    n.publish(event(1, "MASTER"));
    ASSERT_TRUE(test::wait_for([&] { return n.abandoned() == 1; }));
    EXPECT_EQ(n.failures(), 3u);
    EXPECT_EQ(n.delivered(), 0u);
}

TEST(Notifier, AHungNotifierDelaysNobodyElse) {
    Recorder slow, fast;
    slow.hang = true;
    auto host = no_host();
    g_recorder = &slow;
    Notifier a(cfg(), kType, &host);
    ASSERT_EQ(a.start(), "");
    g_recorder = &fast;
    Notifier b(cfg(), kType, &host);
    ASSERT_EQ(b.start(), "");
    auto t0 = std::chrono::steady_clock::now();
    a.publish(event(1, "MASTER"));  // never returns while hung
    b.publish(event(1, "MASTER"));
    ASSERT_TRUE(test::wait_for([&] { return b.delivered() == 1; }, 2s));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
    EXPECT_EQ(a.delivered(), 0u);
    EXPECT_EQ(a.queued(), 1u);
    slow.hang = false;  // let it finish so the test can end
    ASSERT_TRUE(test::wait_for([&] { return a.delivered() == 1; }));
}

TEST(NotifyEvent, JsonHasEveryFieldOfTheSpec) {
    Event e = event(7, "MASTER");
    e.priority = 100;
    e.vips = {"192.0.2.251", "2001:db8::251"};
    e.host = "h1";
    e.time = "2026-11-25T22:50:02.123Z";
    e.reason = "said \"hi\"\n";
    EXPECT_EQ(e.json(),
              "{\"version\":1,\"seq\":7,\"kind\":\"instance\",\"name\":\"VI_1\",\"state\":\"MASTER\",\"prev_state\":\"BACKUP\","
              "\"priority\":100,\"vips\":[\"192.0.2.251\",\"2001:db8::251\"],\"host\":\"h1\",\"time\":\"2026-11-25T22:50:02.123Z\","
              "\"reason\":\"said \\\"hi\\\"\\n\"}");
}
