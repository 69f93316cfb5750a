// SPDX-License-Identifier: Apache-2.0
// Routes and rules in the lab's kernels: an instance's `route` and `rule` are
// on the master only and move with its VIP (a graceful stop, a killed
// worker the supervisor resigns for, a keepalived peer with the same lines
// as virtual_routes / virtual_rules); [global] static ones are on every host
// whatever its state and go at a clean stop.
#include <unistd.h>

#include "e2e_helpers.h"

using namespace vigil::test;

namespace {

const std::string kVip = "192.0.2.251";

// `ip route show table TABLE` (IPv6 with `six`) of host h holds `text`.
bool has_route(const Lab& lab, int host, const std::string& table, const std::string& text, bool six = false) {
    std::vector<std::string> argv = {"/usr/sbin/ip", "-n", lab.ns(host)};
    if (six) argv.push_back("-6");
    argv.insert(argv.end(), {"route", "show", "table", table});
    return run(argv).out.find(text) != std::string::npos;
}

bool has_rule(const Lab& lab, int host, const std::string& text, bool six = false) {
    std::vector<std::string> argv = {"/usr/sbin/ip", "-n", lab.ns(host)};
    if (six) argv.push_back("-6");
    argv.insert(argv.end(), {"rule", "show"});
    return run(argv).out.find(text) != std::string::npos;
}

// What the instance holds as MASTER, as `ip` shows it.
bool holds_routing(const Lab& lab, int host) {
    return has_route(lab, host, "100", "192.0.2.128/26 via 192.0.2.1 dev eth0 proto 118") &&
           has_route(lab, host, "100", "blackhole 192.0.2.192/26 proto 118") && has_rule(lab, host, "from 192.0.2.251 lookup 100");
}
bool holds_none(const Lab& lab, int host) {
    return !has_route(lab, host, "100", "192.0.2.128/26") && !has_route(lab, host, "100", "192.0.2.192/26") &&
           !has_rule(lab, host, "lookup 100");
}
bool holds_statics(const Lab& lab, int host) {
    return has_route(lab, host, "200", "192.0.2.64/26 via 192.0.2.1 dev eth0 proto 118") &&
           has_rule(lab, host, "to 192.0.2.64/26 lookup 200") && lab.has_address(host, "192.0.2.240", "eth0");
}

std::string vigil_config(int priority) {
    return "static_address = 192.0.2.240/32 dev eth0\n"
           "static_route = 192.0.2.64/26 via 192.0.2.1 table 200\n"
           "static_rule = to 192.0.2.64/26 table 200 priority 200\n" +
           vrrp_instance("VI_1", 51, priority, kVip + "/24",
                         fast("route = 192.0.2.128/26 via 192.0.2.1 table 100\n"
                              "route = blackhole 192.0.2.192/26 table 100\n"
                              "rule = from 192.0.2.251 table 100 priority 100\n"));
}

// Each host's statics are its own: 192.0.2.240 on both would be a clash on
// a real segment, not in these separate namespaces.
TEST(Routes, MoveWithTheVipStaticOnesStayAndTheSupervisorRemovesADeadWorkersOnes) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    lab.start_vigild(1, vigil_config(100));
    lab.start_vigild(2, vigil_config(99));
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    ASSERT_TRUE(heard_adverts(lab, 2, "VI_1", 3)) << lab.log(2);
    EXPECT_TRUE(wait_for([&] { return holds_routing(lab, 1); }, 5s)) << lab.log(1);
    EXPECT_TRUE(holds_none(lab, 2)) << "a BACKUP holds no instance route or rule";
    EXPECT_TRUE(holds_statics(lab, 1)) << lab.log(1);
    EXPECT_TRUE(holds_statics(lab, 2)) << "static ones are held in BACKUP too\n" << lab.log(2);

    // A graceful stop: h1 removes its routes and rules, its static ones too;
    // h2 becomes MASTER with the routes.
    ASSERT_EQ(lab.stop_vigild(1), 0);
    EXPECT_TRUE(holds_none(lab, 1));
    EXPECT_FALSE(has_route(lab, 1, "200", "192.0.2.64/26")) << "a clean stop removes static routes";
    EXPECT_FALSE(has_rule(lab, 1, "lookup 200")) << "a clean stop removes static rules";
    EXPECT_FALSE(lab.has_address(1, "192.0.2.240")) << "a clean stop removes static addresses";
    ASSERT_TRUE(lab.wait_address(2, kVip, true)) << lab.log(2);
    EXPECT_TRUE(wait_for([&] { return holds_routing(lab, 2); }, 5s)) << lab.log(2);

    // h1 back (priority 100) preempts: the routes move back.
    lab.start_vigild(1, vigil_config(100));
    ASSERT_TRUE(wait_for([&] { return holds_routing(lab, 1) && holds_none(lab, 2); }, 10s)) << lab.log(1) << lab.log(2);

    // Its worker killed: the supervisor removes the routes and rules with the
    // VIP, the next worker leaves the role to h2 for a while.
    pid_t worker = lab.worker_pid(1);
    ASSERT_GT(worker, 0);
    kill(worker, SIGKILL);
    ASSERT_TRUE(lab.wait_log(1, "supervisor: resigned VI_1 for the dead worker")) << lab.log(1);
    EXPECT_TRUE(lab.log_has(1, "1 VIP(s) and 3 route(s)/rule(s) removed")) << lab.log(1);
    EXPECT_TRUE(wait_for([&] { return holds_routing(lab, 2); }, 5s)) << lab.log(2);
    EXPECT_TRUE(holds_none(lab, 1)) << lab.log(1);
    EXPECT_TRUE(holds_statics(lab, 1)) << "the next worker keeps the static ones in place\n" << lab.log(1);

    // A reload moves a route and the VIP from MASTER h2's instance to
    // static_route / static_address: the same kernel objects, which the
    // stopping instance must not take away after the statics (re)added them.
    ASSERT_TRUE(holds_routing(lab, 2)) << "h1's next worker leaves the role to h2 for 60 s\n" << lab.log(2);
    lab.dir().write("h2.conf", lab.global(2) + "static_address = " + kVip + "/24 dev eth0\n" +
                                   "static_route = 192.0.2.128/26 via 192.0.2.1 table 100\n" +
                                   vrrp_instance("VI_1", 51, 99, "192.0.2.252/24", fast("route = blackhole 192.0.2.192/26 table 100\n")));
    auto reload = ctl(lab, 2, {"reload"});
    ASSERT_EQ(reload.status, 0) << reload.err;
    ASSERT_TRUE(lab.log_has(2, "VI_1: configuration changed; restarting it")) << lab.log(2);
    EXPECT_TRUE(has_route(lab, 2, "100", "192.0.2.128/26 via 192.0.2.1 dev eth0 proto 118")) << "moved to static_route\n" << lab.log(2);
    EXPECT_TRUE(lab.has_address(2, kVip, "eth0")) << "moved to static_address\n" << lab.log(2);
    EXPECT_FALSE(has_rule(lab, 2, "lookup 100")) << "the control: what left the configuration went";
}

// The same lines as keepalived's virtual_routes / virtual_rules (IPv6): the
// route is on keepalived's host while it is MASTER and on vigil's once it stops.
TEST(Routes, MoveFromAKeepalivedMasterToVigil) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    if (access("/usr/sbin/keepalived", X_OK) != 0) GTEST_SKIP() << "keepalived is not installed (scripts/deps installs it)";
    const std::string vip = "2001:db8::253", route = "2001:db8:1::/64 via 2001:db8::1 table 100",
                      rule = "from 2001:db8::253 table 100 priority 100", shown = "2001:db8:1::/64 via 2001:db8::1 dev eth0";
    lab.start_keepalived(1, "global_defs {\n    router_id ka\n}\nvrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n"
                            "    virtual_router_id 51\n    priority 100\n    version 3\n    advert_int 0.1\n"
                            "    virtual_ipaddress {\n        " + vip + "/64\n    }\n"
                            "    virtual_routes {\n        " + route + "\n    }\n"
                            "    virtual_rules {\n        " + rule + "\n    }\n}\n");
    ASSERT_TRUE(lab.wait_address(1, vip, true)) << lab.keepalived_log(1);
    lab.start_vigild(2, vrrp_instance("VI_1", 51, 99, vip + "/64", fast("route = " + route + "\nrule = " + rule + "\n")));
    ASSERT_TRUE(heard_adverts(lab, 2, "VI_1", 5)) << lab.log(2);
    EXPECT_TRUE(has_route(lab, 1, "100", shown, true)) << "keepalived's own route, for comparison";
    EXPECT_FALSE(has_route(lab, 2, "100", "2001:db8:1::/64", true)) << "vigil, BACKUP, holds no route\n" << lab.log(2);
    EXPECT_FALSE(has_rule(lab, 2, "lookup 100", true));

    lab.signal_in(1, SIGTERM, "keepalived");
    ASSERT_TRUE(lab.wait_address(2, vip, true)) << lab.log(2);
    EXPECT_TRUE(wait_for([&] { return has_route(lab, 2, "100", shown + " proto 118", true); }, 5s)) << lab.log(2);
    EXPECT_TRUE(has_rule(lab, 2, "from 2001:db8::253 lookup 100", true)) << lab.log(2);
    EXPECT_TRUE(wait_for([&] { return !has_route(lab, 1, "100", "2001:db8:1::/64", true); }, 5s)) << "keepalived removed its own";
}

}  // namespace
