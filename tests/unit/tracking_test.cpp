// SPDX-License-Identifier: Apache-2.0
// The tracking engine with the deliberately faulty plugin, through the real
// host: a tracker whose create() fails is DOWN with the plugin's message and
// counts against its instances like any DOWN tracker; duplicate and late
// reports are dropped, counted and logged once, and change nothing.
#include <gtest/gtest.h>

#include <map>

#include "config/loader.h"
#include "plugin/host.h"
#include "support/event_loop.h"
#include "support/faulty_plugin.h"
#include "support/log_capture.h"
#include "track/tracking.h"

using namespace vigil;
using namespace vigil::test;
using namespace std::chrono_literals;

namespace {

// What the engine last pushed to an instance.
struct Pushed {
    int priority = 0;
    bool fault = false;
    std::string reason;
};

config::Config config_with(const std::string& tracker_keys) {
    config::LoadOptions o;
    o.types = &faulty_registry().schemas();
    o.interface_exists = [](const std::string& name) { return name == "eth0"; };
    auto r = config::load_config_text("[instance VI_1]\ninterface = eth0\nvrid = 51\nvip = 192.0.2.10/24\ntrack = broken\n"
                                      "[instance VI_2]\ninterface = eth0\nvrid = 52\nvip = 192.0.2.11/24\ntrack = broken:-20\n"
                                      "[tracker broken]\ntype = faulty\n" + tracker_keys,
                                      "t.conf", o);
    EXPECT_TRUE(r.ok());
    return *r.config;
}

// Applies `config` to a tracking engine and returns what each instance got.
struct Engine {
    Loop loop;
    plugin::Host host{loop.base};
    std::map<std::string, Pushed> pushed;
    track::TrackingSubsystem tracking{loop.base, faulty_registry(), host,
                                      [this](const std::string& instance, int priority, bool fault, const std::string& reason) {
                                          pushed[instance] = {priority, fault, reason};
                                      }};
};

}  // namespace

TEST(Tracking, ATrackerWhoseCreateFailsIsDownWithThePluginsMessage) {
    Loop loop;
    plugin::Host host(loop.base);
    track::TrackerRuntime t(faulty_tracker("broken", {{"fail_create", "yes", {}}}), faulty_type(), host.api(), loop.base,
                            [](track::TrackerRuntime&) {});
    EXPECT_EQ(t.start(), "refusing to start on purpose");
    EXPECT_FALSE(t.running());
    EXPECT_FALSE(t.state().up()) << "at once, whatever fall says";
    EXPECT_EQ(t.state().reason(), "cannot start: refusing to start on purpose");
    EXPECT_FALSE(t.state().last_ok());
    // Control: the same tracker that can start is UP and running.
    track::TrackerRuntime fine(faulty_tracker("fine", {}), faulty_type(), host.api(), loop.base, [](track::TrackerRuntime&) {});
    EXPECT_EQ(fine.start(), "");
    EXPECT_TRUE(fine.running());
    EXPECT_TRUE(fine.state().up());
}

TEST(Tracking, AFailedCreateCountsAgainstItsInstancesLikeAnyDownTracker) {
    LogCapture log;
    Engine e;
    e.tracking.apply(config_with("fail_create = yes\n"));
    EXPECT_TRUE(e.pushed["VI_1"].fault) << "weight 0: FAULT, so never MASTER";
    EXPECT_EQ(e.pushed["VI_1"].reason, "broken is down: cannot start: refusing to start on purpose");
    EXPECT_FALSE(e.pushed["VI_2"].fault);
    EXPECT_EQ(e.pushed["VI_2"].priority, 80) << "weight -20: lowered";
    const auto* t = e.tracking.tracker("broken");
    ASSERT_TRUE(t) << "listed, so status shows it";
    EXPECT_FALSE(t->running());
    EXPECT_TRUE(log.has("error: tracker broken (plugin faulty): cannot start: refusing to start on purpose; it counts as DOWN until a "
                        "reload starts it"))
        << log.text();
    // A reload tries again, even with the same config.
    e.tracking.apply(config_with("fail_create = yes\n"));
    EXPECT_EQ(log.count("cannot start: refusing to start on purpose;"), 2u) << log.text();

    // Control: a tracker that starts leaves both instances as configured.
    e.tracking.apply(config_with(""));
    EXPECT_FALSE(e.pushed["VI_1"].fault) << e.pushed["VI_1"].reason;
    EXPECT_EQ(e.pushed["VI_1"].priority, 100);
    EXPECT_EQ(e.pushed["VI_2"].priority, 100);
    EXPECT_TRUE(e.tracking.tracker("broken")->running());
}

TEST(Tracking, ASecondReportForOnePollIsDroppedCountedAndLoggedOnce) {
    LogCapture log;
    Loop loop;
    plugin::Host host(loop.base);
    int changes = 0;
    track::TrackerRuntime t(faulty_tracker("twice", {{"report_twice", "yes", {}}}, 50ms, 50ms), faulty_type(), host.api(), loop.base,
                            [&](track::TrackerRuntime&) { ++changes; });
    ASSERT_EQ(t.start(), "");
    ASSERT_TRUE(loop.until([&] { return t.checks() >= 4; }));
    EXPECT_EQ(t.dropped().duplicate(), t.checks()) << "each poll: one report kept, one dropped";
    EXPECT_EQ(t.dropped().late(), 0u);
    EXPECT_EQ(t.state().last_reason(), "fine") << "the dropped \"fine again\" was never applied";
    EXPECT_EQ(changes, 0);
    EXPECT_EQ(log.count("warning: tracker twice (plugin faulty): dropped a duplicate report (no check was waiting for it): ok, "
                        "\"fine again\"\n"),
              1u)
        << "once, not at every poll:\n"
        << log.text();
}

TEST(Tracking, AReportAfterTheTimeoutIsDroppedAndTheCheckStaysFailed) {
    LogCapture log;
    Loop loop;
    plugin::Host host(loop.base);
    // Timeout 100 ms: the host gives up at 160 ms, the report comes at 300 ms, the next poll at 400 ms.
    track::TrackerRuntime t(faulty_tracker("lazy", {{"report_late", "yes", {}}}, 400ms, 100ms), faulty_type(), host.api(), loop.base,
                            [](track::TrackerRuntime&) {});
    ASSERT_EQ(t.start(), "");
    ASSERT_TRUE(loop.until([&] { return t.dropped().late() >= 2; }));
    EXPECT_EQ(t.dropped().duplicate(), 0u);
    EXPECT_FALSE(t.state().up()) << "the late \"ok\" did not bring it back";
    EXPECT_EQ(t.state().last_reason(), "no result within the timeout of 100ms");
    EXPECT_EQ(t.checks(), t.dropped().late()) << "only the timeouts counted as checks";
    EXPECT_EQ(log.count("warning: tracker lazy (plugin faulty): dropped a late report (its check had already timed out): ok, "
                        "\"late on purpose\"\n"),
              1u)
        << log.text();
}

// initial = down (keepalived's init_fail): DOWN from the start, so a weight-0
// tracker holds its instance in FAULT until `rise` checks in a row succeed.
TEST(Tracking, InitialDownHoldsTheInstanceUntilRiseChecksSucceed) {
    Engine e;
    e.tracking.apply(config_with("initial = down\nrise = 2\ninterval = 50ms\n"));
    EXPECT_TRUE(e.pushed["VI_1"].fault) << "before any check";
    EXPECT_EQ(e.pushed["VI_1"].reason, "broken is down: initial = down, not checked yet");
    EXPECT_EQ(e.pushed["VI_2"].priority, 80);
    const auto* t = e.tracking.tracker("broken");
    ASSERT_TRUE(t);
    ASSERT_TRUE(e.loop.until([&] { return t->checks() >= 1; }));
    EXPECT_FALSE(t->state().up()) << "one success of rise 2";
    EXPECT_TRUE(e.pushed["VI_1"].fault);
    ASSERT_TRUE(e.loop.until([&] { return t->checks() >= 2; }));
    EXPECT_TRUE(t->state().up());
    EXPECT_FALSE(e.pushed["VI_1"].fault);
    EXPECT_EQ(e.pushed["VI_2"].priority, 100);
    // Control: the default (initial = up) starts UP, the instance unaffected.
    Engine plain;
    plain.tracking.apply(config_with("rise = 2\ninterval = 50ms\n"));
    EXPECT_FALSE(plain.pushed["VI_1"].fault);
    EXPECT_EQ(plain.pushed["VI_2"].priority, 100);
}

// A reload that restarts a tracker (a Restart-class key changed) hands the
// old runtime's state to the new one: an UP `initial = down` tracker must not
// fault its instance (and fail a healthy master over) until it checks again.
TEST(Tracking, AReloadRestartKeepsTheTrackersStateNotInitial) {
    Engine e;
    e.tracking.apply(config_with("initial = down\ninterval = 50ms\n"));
    const auto* t = e.tracking.tracker("broken");
    ASSERT_TRUE(t);
    ASSERT_TRUE(e.loop.until([&] { return t->state().up(); }));
    ASSERT_FALSE(e.pushed["VI_1"].fault);
    e.tracking.apply(config_with("initial = down\ninterval = 60ms\n"));
    const auto* restarted = e.tracking.tracker("broken");
    ASSERT_TRUE(restarted);
    EXPECT_EQ(restarted->config().interval, std::chrono::milliseconds(60)) << "the tracker was restarted";
    EXPECT_TRUE(restarted->state().up());
    EXPECT_FALSE(e.pushed["VI_1"].fault) << e.pushed["VI_1"].reason;
    // Control: the same config in a fresh engine (a daemon start) starts DOWN.
    Engine fresh;
    fresh.tracking.apply(config_with("initial = down\ninterval = 60ms\n"));
    EXPECT_TRUE(fresh.pushed["VI_1"].fault);
}
