// SPDX-License-Identifier: Apache-2.0
// Tracking rules: rise/fall streaks, weights, file values, clamping; which
// reports a polled tracker keeps.
#include <gtest/gtest.h>

#include "track/check_cycle.h"
#include "track/track_rules.h"

using namespace vigil::track;

namespace {
Result ok(const char* why = "fine") { return {true, why, std::nullopt}; }
Result bad(const char* why = "broken") { return {false, why, std::nullopt}; }
}  // namespace

TEST(TrackState, StartsUpAndNeedsFallFailuresInARow) {
    TrackState s(3, 3);
    EXPECT_TRUE(s.up()) << "a fresh tracker does not fail a restarted host over";
    EXPECT_FALSE(s.apply(bad()));
    EXPECT_FALSE(s.apply(bad()));
    EXPECT_FALSE(s.apply(ok())) << "a success resets the failure streak";
    EXPECT_FALSE(s.apply(bad()));
    EXPECT_FALSE(s.apply(bad()));
    EXPECT_TRUE(s.up());
    EXPECT_TRUE(s.apply(bad("connection refused")));
    EXPECT_FALSE(s.up());
    EXPECT_EQ(s.reason(), "connection refused");
}

TEST(TrackState, NeedsRiseSuccessesInARowToComeBack) {
    TrackState s(2, 1);
    EXPECT_TRUE(s.apply(bad()));
    EXPECT_FALSE(s.apply(ok()));
    EXPECT_FALSE(s.apply(bad())) << "already down";
    EXPECT_FALSE(s.apply(ok()));
    EXPECT_TRUE(s.apply(ok("200 OK")));
    EXPECT_TRUE(s.up());
    EXPECT_EQ(s.reason(), "200 OK");
}

// The reason says why the tracker is in its state: the initial placeholder
// until a result agrees with that state; a result that disagrees (a failure
// short of `fall`) does not explain an UP.
TEST(TrackState, TheFirstResultThatAgreesExplainsTheInitialState) {
    TrackState up(1, 2);
    EXPECT_EQ(up.reason(), "not checked yet");
    EXPECT_FALSE(up.apply(bad("refused")));
    EXPECT_EQ(up.reason(), "not checked yet") << "a failure does not explain an UP";
    EXPECT_FALSE(up.apply(ok("200 OK")));
    EXPECT_EQ(up.reason(), "200 OK");
    EXPECT_FALSE(up.apply(ok("204 No Content")));
    EXPECT_EQ(up.reason(), "200 OK") << "later results in the same state leave the reason";
    TrackState down(2, 1, false);
    EXPECT_FALSE(down.apply(bad("")));
    EXPECT_EQ(down.reason(), "check failed");
}

TEST(TrackState, AValueChangeIsAChange) {
    TrackState s(1, 1);
    EXPECT_TRUE(s.apply({true, "reads 5", 5}));
    EXPECT_FALSE(s.apply({true, "reads 5", 5}));
    EXPECT_TRUE(s.apply({true, "reads 7", 7}));
    EXPECT_EQ(s.value(), 7);
}

TEST(EffectivePriority, WeightTable) {
    TrackState up(1, 1), down(1, 1);
    down.apply(bad("nginx refused"));
    struct Row {
        int base;
        std::vector<std::pair<const TrackState*, int>> trackers;
        int priority;
        bool fault;
    };
    const std::vector<Row> rows = {
        {100, {}, 100, false},
        {100, {{&up, -2}}, 100, false},        // negative weight: only while DOWN
        {100, {{&down, -2}}, 98, false},
        {100, {{&up, 5}}, 105, false},         // positive weight: only while UP
        {100, {{&down, 5}}, 100, false},
        {100, {{&down, -2}, {&down, -3}, {&up, 1}}, 96, false},
        {100, {{&down, 0}}, 100, true},        // weight 0: FAULT while DOWN
        {100, {{&up, 0}}, 100, false},
        {5, {{&down, -50}}, 1, false},         // clamped at 1
        {250, {{&up, 50}}, 254, false},        // clamped at 254
        {255, {{&down, -50}}, 255, false},     // the owner stays 255
        {255, {{&down, 0}}, 255, true},        // ... but still faults
    };
    for (const auto& r : rows) {
        std::vector<Contribution> c;
        for (const auto& [state, weight] : r.trackers) c.push_back({"t", state, weight});
        auto e = effective_priority(r.base, c);
        EXPECT_EQ(e.priority, r.priority) << "base " << r.base;
        EXPECT_EQ(e.fault, r.fault) << "base " << r.base;
    }
}

TEST(EffectivePriority, FileValuesTimesWeight) {
    TrackState v(1, 1);
    v.apply({true, "reads 3", 3});
    EXPECT_EQ(effective_priority(100, {{"load", &v, -10}}).priority, 70);
    EXPECT_EQ(effective_priority(100, {{"load", &v, 2}}).priority, 106);
    auto f = effective_priority(100, {{"load", &v, 0}});
    EXPECT_TRUE(f.fault) << "weight 0 and a non-zero value";
    EXPECT_EQ(f.reason, "load reads 3");
    TrackState zero(1, 1);
    zero.apply({true, "reads 0", 0});
    EXPECT_FALSE(effective_priority(100, {{"load", &zero, 0}}).fault);
}

TEST(EffectivePriority, ReasonNamesTheTracker) {
    TrackState down(1, 1);
    down.apply(bad("down file exists"));
    EXPECT_EQ(effective_priority(100, {{"maint", &down, 0}}).reason, "maint is down: down file exists");
    EXPECT_EQ(effective_priority(100, {{"maint", &down, -2}}).reason, "maint is down: down file exists");
}

TEST(TrackState, ForceDownIsDownAtOnceWhateverFallSays) {
    TrackState s(1, 3);
    s.force_down("cannot start: no such script");
    EXPECT_FALSE(s.up());
    EXPECT_FALSE(s.last_ok());
    EXPECT_EQ(s.reason(), "cannot start: no such script");
    auto e = effective_priority(100, {{"lua", &s, 0}});
    EXPECT_TRUE(e.fault);
    EXPECT_EQ(e.reason, "lua is down: cannot start: no such script");
    EXPECT_EQ(effective_priority(100, {{"lua", &s, -30}}).priority, 70);
}

TEST(CheckCycle, OneReportPerPollTheRestAreDuplicatesOrLate) {
    CheckCycle c;
    EXPECT_EQ(c.report(), ReportFate::Duplicate) << "before any poll, no check waits";
    c.begin();
    EXPECT_TRUE(c.waiting());
    EXPECT_EQ(c.report(), ReportFate::Accepted);
    EXPECT_FALSE(c.waiting());
    EXPECT_EQ(c.report(), ReportFate::Duplicate) << "a second report for one poll";
    c.begin();
    c.time_out();
    EXPECT_FALSE(c.waiting()) << "the next poll may start";
    EXPECT_EQ(c.report(), ReportFate::Late);
    EXPECT_EQ(c.report(), ReportFate::Duplicate) << "one late report per check; more are duplicates";
    c.begin();
    EXPECT_EQ(c.report(), ReportFate::Accepted) << "a new poll is answered as usual";
    EXPECT_STREQ(fate_name(ReportFate::Duplicate), "duplicate");
    EXPECT_STREQ(fate_name(ReportFate::Late), "late");
}
