// SPDX-License-Identifier: Apache-2.0
// The VRRP state machine in simulated time: every timer rule checked to the
// microsecond. Latency on the simulated LAN is 100 µs.
#include <gtest/gtest.h>

#include "vrrp_sim.h"

using namespace vigil;
using namespace vigil::test;
using vrrp::MachineParams;

namespace {

MachineParams v2(uint8_t priority) {
    MachineParams p;
    p.version = 2;
    p.priority = priority;
    p.advert_cs = 100;
    return p;
}

MachineParams v3(uint8_t priority, uint16_t advert_cs = 10) {
    MachineParams p;
    p.version = 3;
    p.priority = priority;
    p.advert_cs = advert_cs;
    return p;
}

int count_to(const SimRouter& r, State s) {
    int n = 0;
    for (const auto& t : r.transitions) n += t.to == s;
    return n;
}

}  // namespace

TEST(VrrpTimers, SkewAndMasterDownIntervalFollowTheRfcs) {
    SimLan lan;
    auto& a = lan.add("a", "192.0.2.1", 1, v2(100));
    lan.start(a);
    EXPECT_EQ(a.machine.skew_time(), 609375us) << "v2: (256 - 100) / 256 s";
    EXPECT_EQ(a.machine.master_down_interval(), 3609375us);
    auto& b = lan.add("b", "192.0.2.2", 2, v3(100, 10));
    lan.start(b);
    EXPECT_EQ(b.machine.skew_time(), 60937us) << "v3: (256 - 100) * 100 ms / 256";
    EXPECT_EQ(b.machine.master_down_interval(), 360937us);
}

TEST(VrrpElection, HigherPriorityBecomesMasterAfterTheMasterDownInterval) {
    SimLan lan;
    auto& a = lan.add("a", "192.0.2.1", 51, v2(100));
    auto& b = lan.add("b", "192.0.2.2", 51, v2(99));
    lan.start(a);
    lan.start(b);
    lan.run_for(10s);
    EXPECT_EQ(a.machine.state(), State::Master);
    EXPECT_EQ(a.last_entered(State::Master), 3609375us);
    EXPECT_EQ(b.machine.state(), State::Backup);
    EXPECT_EQ(count_to(b, State::Master), 0);
    EXPECT_EQ(b.machine.master_address(), a.address);
    EXPECT_EQ(b.machine.master_priority(), 100);
    // A master advertises every interval.
    ASSERT_GE(a.sent.size(), 7u);
    EXPECT_EQ(a.sent[1].first - a.sent[0].first, 1s);
}

TEST(VrrpElection, AddressOwnerIsMasterAtOnce) {
    SimLan lan;
    auto& a = lan.add("a", "192.0.2.1", 51, v2(255));
    auto& b = lan.add("b", "192.0.2.2", 51, v2(200));
    lan.start(a);
    lan.start(b);
    EXPECT_EQ(a.machine.state(), State::Master);
    EXPECT_EQ(a.last_entered(State::Master), 0us);
    lan.run_for(10s);
    EXPECT_EQ(count_to(b, State::Master), 0);
}

TEST(VrrpElection, EqualPrioritiesAreWonByTheHigherAddress) {
    SimLan lan;
    auto pa = v2(100), pb = v2(100);
    pa.start_as_master = pb.start_as_master = true;
    auto& a = lan.add("a", "192.0.2.1", 51, pa);
    auto& b = lan.add("b", "192.0.2.2", 51, pb);
    lan.start(a);
    lan.start(b);
    lan.run_for(1003906us);
    EXPECT_EQ(a.machine.state(), State::Master) << "state = master claims the role after one interval + 1/256 s";
    EXPECT_EQ(b.machine.state(), State::Master);
    lan.run_for(10s);
    EXPECT_EQ(b.machine.state(), State::Master) << "192.0.2.2 > 192.0.2.1";
    EXPECT_EQ(a.machine.state(), State::Backup);
    EXPECT_EQ(a.last_entered(State::Backup), 1003906us + 100us) << "the lower address yields on the first advert";
}

TEST(VrrpFailover, SigkillOfTheMasterHandsOverAfterTheBackupsMasterDownInterval) {
    SimLan lan;
    auto& a = lan.add("a", "192.0.2.1", 51, v2(100));
    auto& b = lan.add("b", "192.0.2.2", 51, v2(99));
    lan.start(a);
    lan.start(b);
    lan.run_until(10s);
    Time last_advert = a.sent.back().first;
    EXPECT_EQ(last_advert, 9609375us);
    lan.kill(a);
    lan.run_for(10s);
    EXPECT_EQ(b.machine.state(), State::Master);
    EXPECT_EQ(b.last_entered(State::Master), last_advert + lan.latency + 3613281us)
        << "3 x 1 s + (256 - 99) / 256 s after the last advert arrived";
}

TEST(VrrpFailover, GracefulStopHandsOverAfterTheSkewTime) {
    SimLan lan;
    auto& a = lan.add("a", "192.0.2.1", 51, v2(100));
    auto& b = lan.add("b", "192.0.2.2", 51, v2(99));
    lan.start(a);
    lan.start(b);
    lan.run_until(10s);
    a.machine.stop(lan.now);
    EXPECT_EQ(a.sent.back(), std::make_pair(Time{10s}, uint8_t{0})) << "a master resigns with priority 0";
    EXPECT_EQ(a.machine.state(), State::Stopped);
    lan.run_for(5s);
    EXPECT_EQ(b.last_entered(State::Master), 10s + lan.latency + b.machine.skew_time());
}

TEST(VrrpFailover, Version3AtTenthOfASecond) {
    SimLan lan;
    auto& a = lan.add("a", "192.0.2.1", 51, v3(100));
    auto& b = lan.add("b", "192.0.2.2", 51, v3(99));
    lan.start(a);
    lan.start(b);
    lan.run_until(5s);
    Time last = a.sent.back().first;
    lan.kill(a);
    lan.run_for(2s);
    // 3 x 100 ms + (256 - 99) x 100 ms / 256 = 361.328 ms
    EXPECT_EQ(b.last_entered(State::Master), last + lan.latency + 361328us);
}

TEST(VrrpPreempt, AHigherPriorityBackupTakesOverOnTheFirstAdvertItHears) {
    SimLan lan;
    auto& a = lan.add("a", "192.0.2.1", 51, v2(100));
    auto& b = lan.add("b", "192.0.2.2", 51, v2(99));
    lan.start(b);
    lan.run_until(5s);
    ASSERT_EQ(b.machine.state(), State::Master);
    lan.start(a);
    lan.run_for(5s);
    EXPECT_EQ(a.machine.state(), State::Master);
    EXPECT_EQ(a.last_entered(State::Master), 5613281us + lan.latency) << "b's first advert after a started";
    EXPECT_EQ(b.machine.state(), State::Backup);
    EXPECT_EQ(b.last_entered(State::Backup), 5613281us + 2 * lan.latency) << "one round trip";
}

TEST(VrrpPreempt, NopreemptKeepsTheCurrentMaster) {
    SimLan lan;
    auto pa = v2(100);
    pa.preempt = false;
    auto& a = lan.add("a", "192.0.2.1", 51, pa);
    auto& b = lan.add("b", "192.0.2.2", 51, v2(99));
    lan.start(b);
    lan.run_until(5s);
    lan.start(a);
    lan.run_for(30s);
    EXPECT_EQ(count_to(a, State::Master), 0);
    EXPECT_EQ(b.machine.state(), State::Master);
    // ... but it still takes over when the master dies.
    lan.kill(b);
    lan.run_for(10s);
    EXPECT_EQ(a.machine.state(), State::Master);
}

TEST(VrrpPreempt, PreemptDelayCountsFromTheFirstLowerPriorityAdvert) {
    SimLan lan;
    auto pa = v2(100);
    pa.preempt_delay = 3s;
    auto& a = lan.add("a", "192.0.2.1", 51, pa);
    auto& b = lan.add("b", "192.0.2.2", 51, v2(99));
    lan.start(b);
    lan.run_until(5s);
    lan.start(a);
    lan.run_for(10s);
    // First lower advert at 5.613381 s; the delay runs out at 8.613381 s, when
    // the fourth arrives.
    EXPECT_EQ(a.last_entered(State::Master), 8613381us);
    EXPECT_EQ(count_to(a, State::Master), 1);
}

TEST(VrrpPriority, AChangeIsAdvertisedAtOnceAndABackupPreemptsWithinARoundTrip) {
    SimLan lan;
    auto& a = lan.add("a", "192.0.2.1", 51, v3(100));
    auto& b = lan.add("b", "192.0.2.2", 51, v3(99));
    lan.start(a);
    lan.start(b);
    lan.run_until(10050ms);  // between two of a's adverts
    a.machine.set_priority(90, lan.now);
    EXPECT_EQ(a.sent.back(), std::make_pair(Time{10050ms}, uint8_t{90}));
    lan.run_for(1s);
    EXPECT_EQ(b.last_entered(State::Master), 10050ms + lan.latency);
    EXPECT_EQ(a.last_entered(State::Backup), 10050ms + 2 * lan.latency);
    // Control: a change that leaves a above b moves nothing.
    SimLan lan2;
    auto& c = lan2.add("c", "192.0.2.1", 51, v3(100));
    auto& d = lan2.add("d", "192.0.2.2", 51, v3(90));
    lan2.start(c);
    lan2.start(d);
    lan2.run_until(10050ms);
    c.machine.set_priority(95, lan2.now);
    lan2.run_for(2s);
    EXPECT_EQ(count_to(d, State::Master), 0);
}

TEST(VrrpPriority, AnOwnerIgnoresTracking) {
    SimLan lan;
    auto& a = lan.add("a", "192.0.2.1", 51, v2(255));
    lan.start(a);
    a.machine.set_priority(100, lan.now);
    EXPECT_EQ(a.machine.priority(), 255);
}

TEST(VrrpInterval, AVersion3BackupAdoptsTheMastersInterval) {
    SimLan lan;
    auto& a = lan.add("a", "192.0.2.1", 51, v3(100, 50));
    auto& b = lan.add("b", "192.0.2.2", 51, v3(99, 100));
    lan.start(a);
    lan.start(b);
    lan.run_until(10s);
    ASSERT_EQ(a.machine.state(), State::Master);
    EXPECT_EQ(b.machine.master_advert_cs(), 50);
    Time last = a.sent.back().first;
    lan.kill(a);
    lan.run_for(5s);
    // 3 x 500 ms + (256 - 99) x 500 ms / 256 = 1806.640 ms, not 3.6 s.
    EXPECT_EQ(b.last_entered(State::Master), last + lan.latency + 1806640us);
    EXPECT_EQ(b.machine.master_advert_cs(), 100) << "a new master advertises its own interval";
}

TEST(VrrpFault, AMasterResignsIntoFaultAndComesBackAsBackup) {
    SimLan lan;
    auto& a = lan.add("a", "192.0.2.1", 51, v2(100));
    auto& b = lan.add("b", "192.0.2.2", 51, v2(99));
    lan.start(a);
    lan.start(b);
    lan.run_until(10s);
    a.machine.set_fault(true, "eth0 down", lan.now);
    EXPECT_EQ(a.machine.state(), State::Fault);
    EXPECT_EQ(a.sent.back().second, 0);
    EXPECT_EQ(a.transitions.back().reason, "eth0 down");
    lan.run_for(5s);
    EXPECT_EQ(b.last_entered(State::Master), 10s + lan.latency + b.machine.skew_time());
    size_t sent_in_fault = a.sent.size();
    lan.run_for(5s);
    EXPECT_EQ(a.sent.size(), sent_in_fault) << "nothing is sent in FAULT";
    a.machine.set_fault(false, "eth0 up", lan.now);
    EXPECT_EQ(a.machine.state(), State::Backup);
    lan.run_for(5s);
    EXPECT_EQ(a.machine.state(), State::Master) << "then preempts the lower-priority master";
    EXPECT_EQ(b.machine.state(), State::Backup);
}

TEST(VrrpFault, AdvertsAreIgnoredInFault) {
    SimLan lan;
    auto& a = lan.add("a", "192.0.2.1", 51, v2(100));
    auto& b = lan.add("b", "192.0.2.2", 51, v2(99));
    a.machine.set_fault(true, "down at start", lan.now);
    lan.start(a);
    lan.start(b);
    lan.run_for(20s);
    EXPECT_EQ(a.machine.state(), State::Fault);
    ASSERT_FALSE(a.transitions.empty());
    EXPECT_EQ(a.transitions.front().reason, "starting while faulted: down at start");  // the log says why
    EXPECT_EQ(a.sent.size(), 0u);
    EXPECT_EQ(b.machine.state(), State::Master);
}

TEST(VrrpSplitBrain, HealingSettlesOnOneMasterWithinOneRoundTrip) {
    SimLan lan;
    auto& a = lan.add("a", "192.0.2.1", 51, v3(100));
    auto& b = lan.add("b", "192.0.2.2", 51, v3(99));
    lan.start(a);
    lan.start(b);
    lan.run_until(5s);
    lan.left_side = {"a"};
    lan.cut(true);
    lan.run_for(2s);
    EXPECT_EQ(a.machine.state(), State::Master);
    EXPECT_EQ(b.machine.state(), State::Master) << "both sides elect a master";
    lan.cut(false);
    Time healed = lan.now;
    lan.run_for(1s);
    EXPECT_EQ(a.machine.state(), State::Master);
    EXPECT_EQ(b.machine.state(), State::Backup);
    EXPECT_LE(b.last_entered(State::Backup) - healed, 100ms + lan.latency) << "within one advert interval";
}

// keepalived's garp_lower_prio_repeat: when the split heals, the master that
// remains announces its VIPs again, so that clients which followed the loser
// come back. Controls: nothing while joined or while still cut, nothing from
// the loser, nothing for a master that resigns (priority 0).
TEST(VrrpSplitBrain, TheRemainingMasterAnnouncesAgainWhenItHearsTheLoser) {
    SimLan lan;
    auto& a = lan.add("a", "192.0.2.1", 51, v3(100));
    auto& b = lan.add("b", "192.0.2.2", 51, v3(99));
    lan.start(a);
    lan.start(b);
    lan.run_until(5s);
    ASSERT_EQ(a.machine.state(), State::Master);
    EXPECT_TRUE(a.reannounced.empty()) << "joined: no one to win against";
    lan.left_side = {"a"};
    lan.cut(true);
    lan.run_for(2s);
    ASSERT_EQ(b.machine.state(), State::Master);
    EXPECT_TRUE(a.reannounced.empty()) << "still cut: nothing heard";
    lan.cut(false);
    Time healed = lan.now;
    lan.run_for(1s);
    ASSERT_EQ(b.machine.state(), State::Backup);
    ASSERT_EQ(a.reannounced.size(), 1u) << "once, on the loser's advert";
    EXPECT_LE(a.reannounced[0].first - healed, 100ms + lan.latency);
    EXPECT_EQ(a.reannounced[0].second, "lower-priority master 192.0.2.2 (priority 99)");
    EXPECT_TRUE(b.reannounced.empty()) << "the loser yields, it does not announce";

    lan.inject("192.0.2.9", 51, 0, 3, 10);
    lan.run_for(1s);
    EXPECT_EQ(a.reannounced.size(), 1u) << "a master resigning is no split brain";
}

TEST(VrrpSyncGroup, AFaultInOneMemberMovesTheWholeGroup) {
    SimLan lan;
    auto& a1 = lan.add("a", "192.0.2.1", 1, v2(100));
    auto& a2 = lan.add("a", "192.0.2.1", 2, v2(100));
    auto& b1 = lan.add("b", "192.0.2.2", 1, v2(99));
    auto& b2 = lan.add("b", "192.0.2.2", 2, v2(99));
    auto& ga = lan.group("ga", {&a1, &a2});
    lan.group("gb", {&b1, &b2});
    for (auto* r : {&a1, &a2, &b1, &b2}) lan.start(*r);
    lan.run_until(10s);
    ASSERT_EQ(a1.machine.state(), State::Master);
    ASSERT_EQ(a2.machine.state(), State::Master);

    ga.set_member_fault(a2.machine, true, "eth1 down", lan.now);
    EXPECT_EQ(a1.machine.state(), State::Fault) << "a2's fault faults a1 too";
    EXPECT_EQ(a2.machine.state(), State::Fault);
    EXPECT_EQ(a1.transitions.back().reason, "sync group ga: eth1 down");
    lan.run_for(5s);
    EXPECT_EQ(b1.machine.state(), State::Master);
    EXPECT_EQ(b2.machine.state(), State::Master);

    ga.set_member_fault(a2.machine, false, "eth1 up", lan.now);
    lan.run_for(5s);
    EXPECT_EQ(a1.machine.state(), State::Master);
    EXPECT_EQ(a2.machine.state(), State::Master);
    EXPECT_EQ(b1.machine.state(), State::Backup);
    EXPECT_EQ(b2.machine.state(), State::Backup);
}

TEST(VrrpSyncGroup, MembersThatWinOnDifferentHostsDoNotFlap) {
    SimLan lan;
    // a wins VI_1, b wins VI_2: without the group's gate they would chase each other.
    auto& a1 = lan.add("a", "192.0.2.1", 1, v2(100));
    auto& a2 = lan.add("a", "192.0.2.1", 2, v2(90));
    auto& b1 = lan.add("b", "192.0.2.2", 1, v2(95));
    auto& b2 = lan.add("b", "192.0.2.2", 2, v2(99));
    lan.group("ga", {&a1, &a2});
    lan.group("gb", {&b1, &b2});
    for (auto* r : {&a1, &a2, &b1, &b2}) lan.start(*r);
    lan.run_until(10s);
    size_t settled = 0;
    for (auto* r : {&a1, &a2, &b1, &b2}) settled += r->transitions.size();
    lan.run_for(60s);
    size_t later = 0;
    for (auto* r : {&a1, &a2, &b1, &b2}) later += r->transitions.size();
    EXPECT_EQ(later, settled) << "no transition after settling";
    bool a_holds = a1.machine.state() == State::Master;
    EXPECT_EQ(a2.machine.state() == State::Master, a_holds) << "one host holds both";
    EXPECT_EQ(b1.machine.state() == State::Master, !a_holds);
    EXPECT_EQ(b2.machine.state() == State::Master, !a_holds);
}

TEST(VrrpSyncGroup, AMasterYieldingTakesTheGroupToBackup) {
    SimLan lan;
    auto& a1 = lan.add("a", "192.0.2.1", 1, v2(100));
    auto& a2 = lan.add("a", "192.0.2.1", 2, v2(100));
    lan.group("ga", {&a1, &a2});
    lan.start(a1);
    lan.start(a2);
    lan.run_until(10s);
    ASSERT_EQ(a2.machine.state(), State::Master);
    auto& b1 = lan.add("b", "192.0.2.2", 1, v2(200));
    lan.start(b1);
    lan.run_for(3s);
    EXPECT_EQ(a1.machine.state(), State::Backup) << "b1 preempted a1";
    EXPECT_EQ(a2.machine.state(), State::Backup) << "and a2 followed, though nobody beat it";
}

TEST(VrrpPreempt, AThirdRoutersLowAdvertDoesNotMakeABackupStealTheRole) {
    SimLan lan;
    auto& a = lan.add("a", "192.0.2.1", 51, v3(100));
    auto& b = lan.add("b", "192.0.2.2", 51, v3(90));
    lan.start(a);
    lan.start(b);
    lan.run_until(5s);
    ASSERT_EQ(a.machine.state(), State::Master);
    for (int i = 0; i < 20; ++i) {
        lan.inject("192.0.2.66", 51, 50, 3, 10);
        lan.run_for(50ms);
    }
    EXPECT_EQ(count_to(b, State::Master), 0) << "b follows a, which still beats it";
    EXPECT_EQ(b.machine.master_address(), a.address);
    // Control: the master b follows lowering its priority does make b take over.
    a.machine.set_priority(80, lan.now);
    lan.run_for(1s);
    EXPECT_EQ(b.machine.state(), State::Master);
}

TEST(VrrpPriority, AMastersImmediateAnswersAreLimitedToOnePerInterval) {
    SimLan lan;
    auto& a = lan.add("a", "192.0.2.1", 51, v3(100));
    lan.start(a);
    lan.run_until(5s);
    ASSERT_EQ(a.machine.state(), State::Master);
    size_t before = a.sent.size();
    for (int i = 0; i < 1000; ++i) lan.inject("192.0.2.66", 51, 50, 3, 10);  // a flood within one interval
    lan.run_for(50ms);
    EXPECT_LE(a.sent.size() - before, 2u) << "not one answer per low advert";
    EXPECT_GE(a.sent.size() - before, 1u) << "but the first is answered at once";
}

TEST(VrrpSyncGroup, AMemberStartingDoesNotKnockTheOwnerOutOfMaster) {
    SimLan lan;
    auto& a1 = lan.add("a", "192.0.2.1", 1, v3(255));
    auto& a2 = lan.add("a", "192.0.2.1", 2, v3(100));
    lan.group("ga", {&a1, &a2});
    lan.start(a1);
    ASSERT_EQ(a1.machine.state(), State::Master);
    lan.run_for(100ms);
    lan.start(a2);
    lan.run_for(2s);
    EXPECT_EQ(count_to(a1, State::Backup), 0) << "INIT -> BACKUP of a2 is not a master yielding";
    EXPECT_EQ(a2.machine.state(), State::Master);
}

TEST(VrrpMaintenance, AMasterResignsAndStaysBackupUntilItEnds) {
    SimLan lan;
    auto& a = lan.add("a", "192.0.2.1", 51, v3(100));
    auto& b = lan.add("b", "192.0.2.2", 51, v3(99));
    lan.start(a);
    lan.start(b);
    lan.run_until(5s);
    ASSERT_EQ(a.machine.state(), State::Master);
    a.machine.set_maintenance(true, lan.now);
    EXPECT_EQ(a.sent.back().second, 0) << "resigns with priority 0";
    EXPECT_EQ(a.machine.state(), State::Backup);
    lan.run_for(10s);
    EXPECT_EQ(b.machine.state(), State::Master);
    EXPECT_EQ(count_to(a, State::Master), 1) << "never preempts b while in maintenance";
    lan.kill(b);
    lan.run_for(5s);
    EXPECT_EQ(a.machine.state(), State::Backup) << "not even when b dies";
    a.machine.set_maintenance(false, lan.now);
    lan.run_for(1s);
    EXPECT_EQ(a.machine.state(), State::Master);
}

// [global] startup_delay: the machine stays BACKUP, sending nothing, until
// no_master_before, whatever wins the election meanwhile.
TEST(VrrpStartupDelay, NoMasterAndNoAdvertBeforeTheDelayEnds) {
    SimLan lan;
    auto held = v2(100);
    held.no_master_before = 20s;
    auto& a = lan.add("a", "192.0.2.1", 51, held);
    auto& control = lan.add("c", "192.0.2.3", 52, v2(100));  // another VRID: not a peer
    lan.start(a);
    lan.start(control);
    lan.run_until(19s);
    EXPECT_EQ(a.machine.state(), State::Backup);
    EXPECT_TRUE(a.sent.empty());
    EXPECT_EQ(control.last_entered(State::Master), 3609375us) << "control: without the delay, master after the master down interval";
    lan.run_until(21s);
    EXPECT_EQ(a.machine.state(), State::Master);
    EXPECT_EQ(a.last_entered(State::Master), 20s) << "alone: master the moment the delay ends";
    EXPECT_EQ(count_to(a, State::Master), 1);
}

TEST(VrrpStartupDelay, AnOwnerAndStateMasterWaitToo) {
    SimLan lan;
    auto owner = v2(255);
    owner.no_master_before = 10s;
    auto eager = v2(100);
    eager.start_as_master = true;
    eager.no_master_before = 10s;
    auto& a = lan.add("a", "192.0.2.1", 51, owner);
    auto& b = lan.add("b", "192.0.2.2", 52, eager);
    lan.start(a);
    lan.start(b);
    EXPECT_EQ(a.machine.state(), State::Backup) << "an owner starts as master without the delay";
    lan.run_until(10s);
    EXPECT_EQ(a.last_entered(State::Master), 10s);
    EXPECT_EQ(b.last_entered(State::Master), 10s);
    EXPECT_EQ(a.sent.front().first, 10s) << "nothing sent before";
}

TEST(VrrpStartupDelay, AMasterHeardDuringTheDelayKeepsTheRole) {
    SimLan lan;
    auto& m = lan.add("m", "192.0.2.2", 51, v2(90));
    lan.start(m);
    lan.run_until(5s);
    ASSERT_EQ(m.machine.state(), State::Master);
    // A higher priority (it would preempt at once without the delay) with a
    // delay: it waits the delay out, then preempts.
    auto held = v2(100);
    held.no_master_before = 15s;
    auto& a = lan.add("a", "192.0.2.1", 51, held);
    lan.start(a);
    lan.run_until(14900ms);
    EXPECT_EQ(count_to(a, State::Master), 0);
    EXPECT_TRUE(a.sent.empty());
    EXPECT_EQ(m.machine.state(), State::Master);
    lan.run_until(20s);
    EXPECT_EQ(a.machine.state(), State::Master);
    EXPECT_EQ(a.last_entered(State::Master), 15s);
    // A lower priority that hears a master during the delay stays BACKUP
    // after it (the control: the delay defers the role, it grants nothing).
    auto low = v2(50);
    low.no_master_before = 25s;
    auto& b = lan.add("b", "192.0.2.3", 51, low);
    lan.start(b);
    lan.run_until(40s);
    EXPECT_EQ(count_to(b, State::Master), 0);
    EXPECT_EQ(b.machine.master_address(), a.address);
}

// A fault that clears during the delay leaves the machine BACKUP (an owner
// too) until the delay ends; then it takes the role.
TEST(VrrpStartupDelay, AFaultClearingDuringTheDelayDoesNotEndIt) {
    SimLan lan;
    auto owner = v2(255);
    owner.no_master_before = 10s;
    auto plain = v2(100);
    plain.no_master_before = 10s;
    auto& a = lan.add("a", "192.0.2.1", 51, owner);
    auto& b = lan.add("b", "192.0.2.2", 52, plain);
    a.machine.set_fault(true, "link down", lan.now);
    b.machine.set_fault(true, "link down", lan.now);
    lan.start(a);
    lan.start(b);
    ASSERT_EQ(a.machine.state(), State::Fault);
    lan.run_until(2s);
    a.machine.set_fault(false, "link up", lan.now);
    b.machine.set_fault(false, "link up", lan.now);
    EXPECT_EQ(a.machine.state(), State::Backup) << "an owner clearing a fault is master at once without the delay";
    lan.run_until(9900ms);
    EXPECT_EQ(count_to(a, State::Master) + count_to(b, State::Master), 0);
    EXPECT_TRUE(a.sent.empty() && b.sent.empty());
    lan.run_until(11s);
    EXPECT_EQ(a.last_entered(State::Master), 10s);
    EXPECT_EQ(b.last_entered(State::Master), 10s);
}

// A sync group moves its members together, but never past the delay.
TEST(VrrpStartupDelay, ASyncGroupDoesNotCarryAMemberPastIt) {
    SimLan lan;
    auto free = v2(100);
    auto held = v2(100);
    held.no_master_before = 10s;
    auto& a1 = lan.add("a", "192.0.2.1", 1, free);
    auto& a2 = lan.add("a", "192.0.2.1", 2, held);
    lan.group("G", {&a1, &a2});
    lan.start(a1);
    lan.start(a2);
    lan.run_until(9900ms);
    EXPECT_EQ(count_to(a2, State::Master), 0) << "forced to MASTER by its group during the delay";
    lan.run_until(15s);
    EXPECT_EQ(a2.machine.state(), State::Master);
}
