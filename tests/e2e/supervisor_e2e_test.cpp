// SPDX-License-Identifier: Apache-2.0
// The supervisor: a worker that crashes, is killed or stalls is resigned for
// (priority 0, VIPs removed) so the peer takes over within its skew time,
// and the VIP is never on two hosts; a killed supervisor makes its worker
// resign and exit; a crash loop backs off. Faults come from the faulty test
// plugin (tests/plugins/faulty_plugin.c), which stamps the moment of each.
// Every change of the VIP on either host is seen through netlink events
// (support/address_watch.h), so "never on both" is exact, not sampled.
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "e2e_helpers.h"
#include "support/address_watch.h"

using namespace vigil::test;
using nlohmann::json;

namespace {

const std::string kVip = "192.0.2.251";
constexpr int64_t kMs = 1'000'000;

struct Variant {
    const char* name;
    int version;
    int advert_ms;
    bool keepalived_peer = false;
};
void PrintTo(const Variant& v, std::ostream* out) { *out << v.name; }

// h2 (priority 99) takes over this long after it hears priority 0.
int64_t skew_ns(const Variant& v) { return int64_t{256 - 99} * v.advert_ms * kMs / 256; }

// The default stall_timeout: twice the advert interval, at least 200 ms.
int64_t stall_ns(const Variant& v) { return std::max<int64_t>(200, 2 * v.advert_ms) * kMs; }

// The measured handover, for the record (ctest -V shows it).
void figure(const std::string& what, int64_t took_ns, int64_t bound_ns) {
    std::cout << "[figure] " << what << ": VIP on the peer " << took_ns / 1e6 << " ms after the fault (bound " << bound_ns / 1e6
              << " ms)\n";
}

std::string timing(const Variant& v) {
    return "version = " + std::to_string(v.version) + "\nadvert_int = " + std::to_string(v.advert_ms) + "ms\n";
}

class Pair {
public:
    // h1: vigild, priority 100, `state = master`, tracking a faulty tracker;
    // h2: vigild or keepalived, priority 99.
    explicit Pair(const Variant& v, const std::string& global_extra = "", const std::string& tracker_extra = "")
        : variant(v), watch(lab, 2, kVip) {
        if (!lab.ok()) return;
        crash_file = lab.dir().file("crash");
        block_file = lab.dir().file("block");
        lab.start_vigild(1, "plugin_path = " FAULTY_PLUGIN_DIR "\n" + global_extra +
                                vrrp_instance("VI_1", 51, 100, kVip + "/24", timing(v) + "state = master\ntrack = crashy:-2\n") +
                                "[tracker crashy]\ntype = faulty\ninterval = 0.1s\ncrash_file = " + crash_file +
                                "\nblock_file = " + block_file + "\n" + tracker_extra);
        if (v.keepalived_peer)
            lab.start_keepalived(2, "global_defs {\n    router_id ka\n}\nvrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n"
                                    "    virtual_router_id 51\n    priority 99\n    version " + std::to_string(v.version) +
                                    "\n    advert_int " + std::to_string(v.advert_ms / 1000.0) +
                                    "\n    virtual_ipaddress {\n        " + kVip + "/24\n    }\n}\n");
        else
            lab.start_vigild(2, vrrp_instance("VI_1", 51, 99, kVip + "/24", timing(v)));
    }

    bool settled() { return watch.wait_holders({1}, 15s) && heard(); }

    // h2 hears h1 as master (so it will act on h1's priority 0).
    bool heard() {
        if (variant.keepalived_peer) return wait_for([&] { return lab.keepalived_log(2).find("Entering BACKUP STATE") != std::string::npos; }, 10s);
        return heard_adverts(lab, 2, "VI_1", 3);
    }

    // The moment the plugin faulted (its .fired stamp), once it has.
    int64_t fired(const std::string& trigger) {
        int64_t at = -1;
        wait_for([&] {
            std::ifstream in(trigger + ".fired");
            return static_cast<bool>(in >> at);
        }, 10s);
        return at;
    }

    json status(int host) {
        auto r = run({VIGILCTL_PATH, "--socket", lab.socket_path(host), "status", "--json"});
        auto parsed = r.status == 0 ? json::parse(r.out, nullptr, false) : json::object();
        return parsed.is_object() ? parsed : json::object();
    }

    Variant variant;
    Lab lab{2};
    AddressWatch watch;
    std::string crash_file, block_file;
};

#define REQUIRE_PAIR(p)                                                                        \
    REQUIRE_LAB((p).lab);                                                                      \
    ASSERT_TRUE((p).watch.ok());                                                               \
    if ((p).variant.keepalived_peer && access("/usr/sbin/keepalived", X_OK) != 0) GTEST_SKIP() << "no keepalived"; \
    ASSERT_TRUE((p).settled()) << (p).lab.log(1) << (p).lab.log(2)

class Faults : public ::testing::TestWithParam<Variant> {};

TEST_P(Faults, APluginCrashHandsTheVipToThePeerWithinItsSkewTimeAndNeverToBoth) {
    Pair p(GetParam());
    REQUIRE_PAIR(p);
    std::ofstream(p.crash_file).close();
    int64_t fault = p.fired(p.crash_file);
    ASSERT_GT(fault, 0) << p.lab.log(1);
    ASSERT_TRUE(p.watch.wait_holders({2}, 5s)) << p.lab.log(1);
    int64_t took = p.watch.gained_at(2, fault) - fault;
    figure(std::string("plugin crash, ") + p.variant.name, took, skew_ns(p.variant) + 50 * kMs);
    EXPECT_LE(took, skew_ns(p.variant) + 50 * kMs) << took / 1e6 << " ms";
    EXPECT_TRUE(p.lab.wait_log(1, "supervisor: worker (pid ")) << p.lab.log(1);
    EXPECT_TRUE(p.lab.log_has(1, "killed by signal SIGSEGV in plugin 'faulty' poll of tracker 'crashy'")) << p.lab.log(1);
    // The new worker serves, as BACKUP: the VIP stays on h2.
    ASSERT_TRUE(wait_for([&] { return p.status(1).value("worker", json::object()).value("restarts", 0) == 1; }, 5s)) << p.lab.log(1);
    auto s = p.status(1);
    EXPECT_EQ(s["instances"][0]["state"], "BACKUP");
    EXPECT_EQ(s["worker"]["restarts_by_cause"]["signal"], 1);
    EXPECT_NE(s["worker"]["last_cause"].get<std::string>().find("SIGSEGV in plugin 'faulty' poll"), std::string::npos) << s.dump();
    // Notifiers and the log hear of it in the new worker's first transition.
    EXPECT_TRUE(p.lab.log_has(1, "VI_1: INIT -> BACKUP (starting; the worker restarted (restart 1): worker pid ")) << p.lab.log(1);
    EXPECT_TRUE(p.lab.log_has(1, "poll of tracker 'crashy'; the supervisor resigned for it as MASTER of VI_1)")) << p.lab.log(1);
    EXPECT_EQ(p.watch.holders(), std::vector<int>{2});
    EXPECT_EQ(p.watch.overlap_ns(fault, monotonic_ns()), 0) << "both hosts held the VIP";
}

TEST_P(Faults, ABlockedLoopIsEndedAfterStallTimeoutAndTheVipMovesOnce) {
    Pair p(GetParam());
    REQUIRE_PAIR(p);
    std::ofstream(p.block_file).close();
    int64_t fault = p.fired(p.block_file);
    ASSERT_GT(fault, 0) << p.lab.log(1);
    ASSERT_TRUE(p.watch.wait_holders({2}, 10s)) << p.lab.log(1);
    int64_t took = p.watch.gained_at(2, fault) - fault;
    figure(std::string("plugin stall, ") + p.variant.name, took, stall_ns(p.variant) + skew_ns(p.variant) + 50 * kMs);
    EXPECT_LE(took, stall_ns(p.variant) + skew_ns(p.variant) + 50 * kMs) << took / 1e6 << " ms";
    EXPECT_TRUE(p.lab.wait_log(1, "stalled: its loop did not turn for")) << p.lab.log(1);
    EXPECT_TRUE(p.lab.log_has(1, "ms) in plugin 'faulty' poll of tracker 'crashy'; sending SIGABRT")) << p.lab.log(1);
    ASSERT_TRUE(wait_for([&] { return p.status(1).value("worker", json::object()).value("restarts", 0) == 1; }, 5s)) << p.lab.log(1);
    EXPECT_EQ(p.status(1)["worker"]["restarts_by_cause"]["stall"], 1);
    EXPECT_EQ(p.watch.holders(), std::vector<int>{2});
    EXPECT_EQ(p.watch.overlap_ns(fault, monotonic_ns()), 0) << "both hosts held the VIP";
}

INSTANTIATE_TEST_SUITE_P(Supervisor, Faults,
                         ::testing::Values(Variant{"v2_1s", 2, 1000}, Variant{"v3_100ms", 3, 100},
                                           Variant{"v3_100ms_keepalived_peer", 3, 100, true}),
                         [](const auto& info) { return std::string(info.param.name); });

const Variant kFast{"v3_100ms", 3, 100};

// Controls: without the supervisor's part, the same faults leave the VIP on both.
TEST(SupervisorControl, AHostCrashWithNobodyToResignLeavesTheVipOnBoth) {
    Pair p(kFast);
    REQUIRE_PAIR(p);
    int64_t crash = monotonic_ns();
    p.lab.crash_vigild(1);
    ASSERT_TRUE(p.watch.wait_holders({1, 2}, 5s));
    EXPECT_GE(p.watch.gained_at(2, crash) - crash, 3 * kFast.advert_ms * kMs) << "only after the master down interval";
    EXPECT_TRUE(wait_for([&] { return p.watch.overlap_ns(crash, monotonic_ns()) > 500 * kMs; }, 3s)) << "and for good";
}

TEST(SupervisorControl, WithStallTimeoutOffABlockedLoopLeavesTheVipOnBoth) {
    Pair p(kFast, "stall_timeout = 0\n", "block_for = 1.5s\n");
    REQUIRE_PAIR(p);
    std::ofstream(p.block_file).close();
    int64_t fault = p.fired(p.block_file);
    ASSERT_TRUE(p.watch.wait_holders({1, 2}, 5s)) << p.lab.log(1);
    // Both hold it until the loop wakes 1.5 s after the fault.
    EXPECT_TRUE(wait_for([&] { return p.watch.overlap_ns(fault, monotonic_ns()) > 500 * kMs; }, 3s));
    EXPECT_FALSE(p.lab.log_has(1, "stalled")) << p.lab.log(1);
}

TEST(Supervisor, ASigkilledWorkerIsResignedForAndReplaced) {
    Pair p(kFast, "metrics_listen = 127.0.0.1:9201\n");
    REQUIRE_PAIR(p);
    pid_t worker = p.lab.worker_pid(1);
    ASSERT_GT(worker, 0);
    int64_t kill_at = monotonic_ns();
    kill(worker, SIGKILL);
    ASSERT_TRUE(p.watch.wait_holders({2}, 5s)) << p.lab.log(1);
    int64_t took = p.watch.gained_at(2, kill_at) - kill_at;
    figure("worker SIGKILL, v3_100ms", took, skew_ns(kFast) + 50 * kMs);
    EXPECT_LE(took, skew_ns(kFast) + 50 * kMs) << took / 1e6 << " ms";
    ASSERT_TRUE(wait_for([&] { return p.status(1).value("worker", json::object()).value("restarts", 0) == 1; }, 5s)) << p.lab.log(1);
    auto s = p.status(1);
    EXPECT_NE(s["worker"]["pid"], worker);
    EXPECT_NE(s["worker"]["last_cause"].get<std::string>().find("killed by signal SIGKILL"), std::string::npos) << s.dump();
    // The new worker's metrics count the restart by its cause.
    std::string metrics;
    EXPECT_TRUE(wait_for([&] {
        metrics = run({kIp, "netns", "exec", p.lab.ns(1), "/usr/bin/curl", "-sf", "http://127.0.0.1:9201/metrics"}).out;
        return !metrics.empty();
    }, 5s));
    EXPECT_NE(metrics.find("vigil_worker_restarts_total{cause=\"signal\"} 1\n"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("vigil_worker_restarts_total{cause=\"stall\"} 0\n"), std::string::npos) << metrics;
    EXPECT_EQ(p.watch.overlap_ns(kill_at, monotonic_ns()), 0) << "both hosts held the VIP";
}

TEST(Supervisor, ASigkilledSupervisorMakesTheWorkerResignAndExit) {
    Pair p(kFast);
    REQUIRE_PAIR(p);
    pid_t worker = p.lab.worker_pid(1);
    ASSERT_GT(worker, 0);
    int64_t kill_at = monotonic_ns();
    p.lab.stop_vigild(1, SIGKILL);
    ASSERT_TRUE(p.watch.wait_holders({2}, 5s)) << p.lab.log(1);
    int64_t took = p.watch.gained_at(2, kill_at) - kill_at;
    figure("supervisor SIGKILL, v3_100ms", took, skew_ns(kFast) + 50 * kMs);
    EXPECT_LE(took, skew_ns(kFast) + 50 * kMs) << took / 1e6 << " ms";
    EXPECT_TRUE(wait_for([&] { return kill(worker, 0) != 0; }, 5s)) << "the worker exits";
    EXPECT_TRUE(p.lab.log_has(1, "the supervisor is gone")) << p.lab.log(1);
    EXPECT_TRUE(p.lab.log_has(1, "VI_1: MASTER -> STOP")) << p.lab.log(1);
    EXPECT_EQ(p.watch.overlap_ns(kill_at, monotonic_ns()), 0) << "both hosts held the VIP";
}

// Killed together with its worker (the SIGKILL of an overrun TimeoutStopSec,
// an OOM kill of the service): nobody resigns, and the control above shows
// the VIP left on both. The unit's ExecStopPost, `vigild --resign-leftovers`,
// resigns from the held file beside the pid file; failing that, the next
// start does. VRRPv2 at 1 s, keepalived's default: priority 0 hands over in
// the skew time (0.6 s), where waiting takes the master down interval (3.6 s).
TEST(Supervisor, KilledWithItsWorkerItsLeftoversAreResignedByExecStopPostOrTheNextStart) {
    const Variant v2{"v2_1s", 2, 1000};
    Pair p(v2);
    REQUIRE_PAIR(p);
    const std::string pid_file = p.lab.dir().file("h1.pid"), held = p.lab.dir().file("h1.held");
    ASSERT_EQ(access(held.c_str(), F_OK), 0) << "the shared state is a file beside the pid file";
    // Gone: no process, or a zombie (whose files are closed).
    auto gone = [](pid_t pid) {
        std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
        auto close_paren = stat.rfind(')');
        return stat.empty() || (close_paren != std::string::npos && stat.compare(close_paren, 4, ") Z ") == 0);
    };
    std::vector<std::string> stop_post{kIp, "netns", "exec", p.lab.ns(1), VIGILD_PATH, "--resign-leftovers", "--pid-file", pid_file};

    // Both killed at once (neither sees the other go).
    pid_t first_worker = p.lab.worker_pid(1);
    ASSERT_GT(first_worker, 0);
    int64_t crash = monotonic_ns();
    p.lab.crash_vigild(1);
    ASSERT_TRUE(wait_for([&] { return gone(first_worker); }, 5s)) << "systemd runs ExecStopPost once the processes are gone";
    auto r = run(stop_post);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("vigild: resigned VI_1 for a vigild killed with its worker: priority 0 sent 1 time(s), 1 VIP(s)"),
              std::string::npos) << r.err;
    ASSERT_TRUE(p.watch.wait_holders({2}, 6s));
    int64_t took = p.watch.gained_at(2, crash) - crash;
    // Priority 0 hands over in the skew time (613 ms); waiting, the master
    // down interval (3613 ms). The margin is for a loaded machine.
    const int64_t bound = 3 * v2.advert_ms * kMs + skew_ns(v2) - 1000 * kMs;
    figure("supervisor and worker SIGKILLed together, then vigild --resign-leftovers, v2_1s", took, bound);
    EXPECT_LE(took, bound) << "priority 0, not the master down interval";
    EXPECT_EQ(p.watch.overlap_ns(crash, monotonic_ns()), 0) << "both hosts held the VIP";
    EXPECT_NE(access(held.c_str(), F_OK), 0) << "resigned for once: removed";
    r = run(stop_post);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("nothing to resign for"), std::string::npos) << r.err;

    // Without ExecStopPost (no systemd): the next start resigns first.
    auto start_h1 = [&] {
        return std::make_unique<Child>(std::vector<std::string>{kIp, "netns", "exec", p.lab.ns(1), VIGILD_PATH, "-n", "-f",
                                                                p.lab.dir().file("h1.conf"), "--pid-file", pid_file});
    };
    auto again = start_h1();
    ASSERT_TRUE(p.watch.wait_holders({1}, 10s)) << "priority 100 preempts" << p.lab.log(1);
    // Never while a vigild runs: the pid file's lock says one does.
    r = run(stop_post);
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_NE(r.err.find("a running vigild resigns for itself"), std::string::npos) << r.err;
    EXPECT_EQ(p.watch.holders(), std::vector<int>{1});
    pid_t sup = again->pid(), worker = -1;
    ASSERT_TRUE(wait_for([&] {
        std::istringstream in(slurp("/proc/" + std::to_string(sup) + "/task/" + std::to_string(sup) + "/children"));
        return static_cast<bool>(in >> worker);
    }, 5s));
    // Only the supervisor killed, its worker stopped before it could stop
    // gracefully: the worker still holds the file, so nobody resigns for it.
    kill(worker, SIGSTOP);
    kill(sup, SIGKILL);
    again->wait_exit();
    r = run(stop_post);
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_NE(r.err.find("held by a vigild that still runs"), std::string::npos) << r.err;
    ASSERT_EQ(access(held.c_str(), F_OK), 0);
    // ... until it dies too; then the next start resigns for it first.
    kill(worker, SIGKILL);
    auto third = start_h1();
    EXPECT_TRUE(p.lab.wait_log(1, "supervisor: resigned VI_1 for a vigild killed with its worker: priority 0 sent 1 time(s), 1 VIP(s)", 12s))
        << p.lab.log(1);
    EXPECT_TRUE(p.watch.wait_holders({1}, 10s)) << "and serves" << p.lab.log(1);
}

TEST(Supervisor, ACrashLoopBacksOffAndTheSupervisorStays) {
    Pair p(kFast, "", "keep_trigger = yes\n");
    REQUIRE_PAIR(p);
    // Maintenance (persisted under state_dir) must outlive the workers.
    ASSERT_EQ(run({VIGILCTL_PATH, "--socket", p.lab.socket_path(1), "maintenance", "on"}).status, 0);
    ASSERT_TRUE(p.watch.wait_holders({2}, 5s));
    std::ofstream(p.crash_file).close();
    // Deaths within a minute of their start wait 1 s, 2 s, 4 s ...
    ASSERT_TRUE(p.lab.wait_log(1, "supervisor: starting a new worker in 2 s", 10s)) << p.lab.log(1);
    EXPECT_TRUE(p.lab.log_has(1, "supervisor: starting a new worker in 1 s")) << p.lab.log(1);
    EXPECT_FALSE(p.lab.log_has(1, "in 4 s")) << "backed off further than the deaths so far";
    EXPECT_EQ(kill(p.lab.pid_of_vigild(1), 0), 0) << "the supervisor stays";
    std::remove(p.crash_file.c_str());
    ASSERT_TRUE(wait_for([&] { return p.status(1).value("worker", json::object()).value("restarts", 0) >= 3; }, 10s)) << p.lab.log(1);
    EXPECT_EQ(p.status(1)["instances"][0]["maintenance"], true) << "maintenance survives the restarts";
    EXPECT_EQ(p.watch.holders(), std::vector<int>{2});
    EXPECT_EQ(p.watch.overlap_ns(0, monotonic_ns()), 0) << "both hosts held the VIP";
}

}  // namespace
