// SPDX-License-Identifier: Apache-2.0
// [anycast] end to end: two hosts run nginx, vigild and BIRD 2 (the
// contrib/anycast examples as shipped) and peer over eBGP with a router
// running BIRD 2 with ECMP into its kernel table. What is asserted is the
// router's kernel route to the service prefix: which hosts it goes through
// while health stays UP, when nginx stops and starts, in maintenance, when a
// worker is killed (the supervisor withdraws) and when vigild stops. A second
// test checks route mode (`announce = route 100`) on one host: the route
// follows health, a killed run's leftover is swept at start, a stop clears it.
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "e2e_helpers.h"
#include "support/bird.h"
#include "support/nginx.h"

using namespace vigil::test;
using nlohmann::json;

namespace {

const std::string kPrefix = "192.0.2.200/32";
const std::string kAddress4 = "192.0.2.200", kAddress6 = "2001:db8:ffff::200";
const std::set<std::string> kBoth{"192.0.2.11", "192.0.2.12"}, kOnlyH1{"192.0.2.11"}, kOnlyH2{"192.0.2.12"};

// The tracker's timing; the withdraw bound is derived from it.
constexpr int kIntervalMs = 200, kFall = 2, kTimeoutMs = 200;

std::string vigil_config() {
    return "[tracker web]\ntype = http\nurl = http://127.0.0.1:8080/health\ninterval = " + std::to_string(kIntervalMs) +
           "ms\nfall = " + std::to_string(kFall) + "\nrise = 2\ntimeout = " + std::to_string(kTimeoutMs) +
           "ms\n"
           "[anycast web]\nprefix = " +
           kPrefix + " " + kAddress6 + "/128\ntrack = web\n";
}

// Host h's [anycast web] in `vigilctl status --json`; null if it does not answer.
json anycast_status(const Lab& lab, int host) {
    auto s = status(lab, host);
    if (!s.is_object() || !s.contains("anycast")) return json();
    for (const auto& a : s["anycast"])
        if (a["name"] == "web") return a;
    return json();
}
bool anycast_state_is(const Lab& lab, int host, const std::string& state) {
    auto a = anycast_status(lab, host);
    return a.is_object() && a["state"] == state;
}

bool lo_holds(const Lab& lab, int host, const std::string& address) { return lab.has_address(host, address, "lo"); }
bool lo_holds_both(const Lab& lab, int host) { return lo_holds(lab, host, kAddress4) && lo_holds(lab, host, kAddress6); }
bool lo_holds_none(const Lab& lab, int host) { return !lo_holds(lab, host, kAddress4) && !lo_holds(lab, host, kAddress6); }

int64_t ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
}

bool have_bird() { return access(kBird, X_OK) == 0 && access(kBirdc, X_OK) == 0; }

}  // namespace

TEST(Anycast, RouterPathsFollowHealthMaintenanceAWorkerKillAndAStop) {
    if (!have_bird()) GTEST_SKIP() << "needs Debian's bird2 (scripts/deps installs it)";
    Lab lab(3);
    REQUIRE_LAB(lab);
    const std::string router = lab.ns(3);
    auto host_conf = slurp(SOURCE_DIR "/contrib/anycast/bird-host.conf");
    auto h2_conf = bird_config_for_host(host_conf, "192.0.2.12", 65002);
    ASSERT_TRUE(h2_conf) << "contrib/anycast/bird-host.conf lost its router id or local as line";

    Bird bird_router(lab, 3, slurp(SOURCE_DIR "/contrib/anycast/bird-router.conf"));
    Bird bird1(lab, 1, host_conf);
    Bird bird2(lab, 2, *h2_conf);
    Nginx web1(lab, 1), web2(lab, 2);
    ASSERT_TRUE(wait_for([&] { return web1.answering() && web2.answering(); })) << "nginx did not start";
    lab.start_vigild(1, vigil_config());
    lab.start_vigild(2, vigil_config());
    auto diagnostics = [&] {
        return "router: " + bird_router.show("show protocols") + bird_router.show("show route") + "\nh1 log:\n" + lab.log(1) +
               "\nh2 log:\n" + lab.log(2) + "\nh1 bird:\n" + bird1.log() + "\nrouter bird:\n" + bird_router.log();
    };

    // 1. Both hosts healthy: the router's route goes through both; each host
    //    says ANNOUNCED and holds both prefixes on lo.
    ASSERT_TRUE(wait_router_paths(router, kPrefix, kBoth, 20s)) << diagnostics();
    for (int h : {1, 2}) {
        EXPECT_TRUE(wait_for([&] { return anycast_state_is(lab, h, "ANNOUNCED"); }, 5s)) << anycast_status(lab, h).dump();
        EXPECT_TRUE(lo_holds_both(lab, h)) << "h" << h;
    }

    // 2. Control: health stays UP, so every sample over 2 s has both paths and
    //    neither host changed state.
    auto transitions1 = anycast_status(lab, 1)["transitions"], transitions2 = anycast_status(lab, 2)["transitions"];
    for (int i = 0; i < 20; ++i) {
        ASSERT_EQ(router_paths(router, kPrefix), kBoth) << "sample " << i << "\n" << diagnostics();
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(anycast_status(lab, 1)["transitions"], transitions1);
    EXPECT_EQ(anycast_status(lab, 2)["transitions"], transitions2);

    // 3. nginx stops on h1: the router drops h1's path within fall x interval
    //    + timeout (the tracker) + 1.5 s (BGP UPDATE, BIRD's kernel export and
    //    this loaded machine).
    const int64_t bound_ms = kFall * kIntervalMs + kTimeoutMs + 1500;
    auto t0 = std::chrono::steady_clock::now();
    web1.stop();
    ASSERT_TRUE(wait_router_paths(router, kPrefix, kOnlyH2, 10s)) << diagnostics();
    auto withdraw_ms = ms_since(t0);
    std::cout << "[figure] anycast withdraw: h1's path gone from the router " << withdraw_ms << " ms after nginx stopped (bound "
              << bound_ms << " ms)\n";
    RecordProperty("withdraw_ms", std::to_string(withdraw_ms));
    EXPECT_LE(withdraw_ms, bound_ms);
    auto withdrawn = anycast_status(lab, 1);
    EXPECT_EQ(withdrawn["state"], "WITHDRAWN") << withdrawn.dump();
    EXPECT_NE(withdrawn["reason"].get<std::string>().find("tracker web"), std::string::npos) << withdrawn.dump();
    EXPECT_TRUE(lo_holds_none(lab, 1));
    EXPECT_TRUE(lo_holds_both(lab, 2)) << "h2 is healthy and keeps announcing";

    // 4. nginx back on h1: the path returns (rise x interval + BGP).
    web1.start();
    ASSERT_TRUE(wait_router_paths(router, kPrefix, kBoth, 10s)) << diagnostics();
    EXPECT_TRUE(anycast_state_is(lab, 1, "ANNOUNCED"));

    // 5. Maintenance on h2 withdraws it although it is healthy; off brings it back.
    auto on = ctl(lab, 2, {"maintenance", "on", "web"});
    ASSERT_EQ(on.status, 0) << on.out << on.err;
    ASSERT_TRUE(wait_router_paths(router, kPrefix, kOnlyH1, 5s)) << diagnostics();
    auto in_maintenance = anycast_status(lab, 2);
    EXPECT_EQ(in_maintenance["state"], "WITHDRAWN") << in_maintenance.dump();
    EXPECT_EQ(in_maintenance["maintenance"], true) << in_maintenance.dump();
    EXPECT_TRUE(lo_holds_none(lab, 2));
    auto off = ctl(lab, 2, {"maintenance", "off", "web"});
    ASSERT_EQ(off.status, 0) << off.out << off.err;
    ASSERT_TRUE(wait_router_paths(router, kPrefix, kBoth, 5s)) << diagnostics();

    // 6. SIGKILL of h1's worker: the supervisor removes the addresses, so the
    //    router drops h1 at once; the new worker announces again after its
    //    first checks.
    pid_t worker = lab.worker_pid(1);
    ASSERT_GT(worker, 0);
    t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(kill(worker, SIGKILL), 0);
    ASSERT_TRUE(wait_router_paths(router, kPrefix, kOnlyH2, 3s)) << diagnostics();
    auto killed_ms = ms_since(t0);
    std::cout << "[figure] anycast worker kill: h1's path gone from the router " << killed_ms << " ms after SIGKILL\n";
    RecordProperty("worker_kill_withdraw_ms", std::to_string(killed_ms));
    EXPECT_TRUE(lab.wait_log(1, "withdrew anycast web", 2s)) << lab.log(1);
    ASSERT_TRUE(wait_router_paths(router, kPrefix, kBoth, 10s)) << diagnostics();
    EXPECT_NE(lab.worker_pid(1), worker);

    // 7. SIGTERM of h2's vigild: withdrawn, lo clean.
    ASSERT_EQ(lab.stop_vigild(2), 0);
    EXPECT_TRUE(lo_holds_none(lab, 2)) << "a stop leaves the prefixes on lo";
    EXPECT_TRUE(wait_router_paths(router, kPrefix, kOnlyH1, 5s)) << diagnostics();
}

namespace {

// `ip route show table 100 proto 118` of host h (IPv6 with `six`) lists `prefix`.
bool has_anycast_route(const Lab& lab, int host, const std::string& prefix, bool six = false) {
    std::vector<std::string> argv{kIp, "-n", lab.ns(host)};
    if (six) argv.push_back("-6");
    argv.insert(argv.end(), {"route", "show", "table", "100", "proto", "118"});
    return run(argv).out.find(prefix + " dev lo") != std::string::npos;
}
bool has_routes(const Lab& lab) { return has_anycast_route(lab, 1, kAddress4) && has_anycast_route(lab, 1, kAddress6, true); }
bool has_no_routes(const Lab& lab) { return !has_anycast_route(lab, 1, kAddress4) && !has_anycast_route(lab, 1, kAddress6, true); }

}  // namespace

// Route mode, no routing daemon: what BIRD's or FRR's kernel import would see.
TEST(Anycast, RouteModeFollowsHealthSweepsALeftoverAndClearsAtStop) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    auto flag = lab.dir().file("healthy");
    // A killed run's leftovers, as vigild adds them.
    ASSERT_TRUE(lab.in(1, {kIp, "route", "add", kPrefix, "dev", "lo", "table", "100", "proto", "118", "scope", "host"}));
    ASSERT_TRUE(lab.in(1, {kIp, "-6", "route", "add", kAddress6 + "/128", "dev", "lo", "table", "100", "proto", "118"}));
    ASSERT_TRUE(has_routes(lab));

    lab.start_vigild(1, "[tracker healthy]\ntype = file\npath = " + flag +
                            "\nmode = exists-up\ninterval = 0.1s\n"
                            "[anycast web]\nprefix = " +
                            kPrefix + " " + kAddress6 + "/128\ntrack = healthy\nannounce = route 100\n");
    ASSERT_TRUE(lab.wait_log(1, "vigild started")) << lab.log(1);
    // Swept at start, and not added back while the tracker is DOWN: the state
    // is WITHDRAWN after a real check, and the routes are gone then.
    ASSERT_TRUE(wait_for([&] { return anycast_state_is(lab, 1, "WITHDRAWN"); }, 5s)) << anycast_status(lab, 1).dump();
    EXPECT_TRUE(wait_for([&] { return has_no_routes(lab); }, 2s)) << "the leftover was not swept\n" << lab.log(1);
    // Control: over a few more checks (0.1 s apart) with the tracker DOWN,
    // nothing comes back.
    for (int i = 0; i < 10; ++i) {
        ASSERT_TRUE(has_no_routes(lab)) << "sample " << i << "\n" << lab.log(1);
        std::this_thread::sleep_for(50ms);
    }

    lab.dir().write("healthy", "");
    ASSERT_TRUE(wait_for([&] { return has_routes(lab); }, 5s)) << lab.log(1);
    EXPECT_TRUE(anycast_state_is(lab, 1, "ANNOUNCED"));
    EXPECT_FALSE(lo_holds(lab, 1, kAddress4)) << "route mode adds no address";

    ASSERT_EQ(unlink(flag.c_str()), 0);
    ASSERT_TRUE(wait_for([&] { return has_no_routes(lab); }, 5s)) << lab.log(1);
    EXPECT_TRUE(anycast_state_is(lab, 1, "WITHDRAWN"));

    lab.dir().write("healthy", "");
    ASSERT_TRUE(wait_for([&] { return has_routes(lab); }, 5s)) << lab.log(1);
    ASSERT_EQ(lab.stop_vigild(1), 0);
    EXPECT_TRUE(has_no_routes(lab)) << "a stop leaves the routes";
}
