// SPDX-License-Identifier: Apache-2.0
// [anycast]: the decision (pure), and a section against the real kernel in a
// network namespace of the test's own: what it adds, removes and holds.
#include <gtest/gtest.h>
#include <sched.h>

#include <cstdio>
#include <memory>

#include "anycast/anycast_section.h"
#include "anycast/anycast_state.h"
#include "net/interface_info.h"
#include "config/loader.h"
#include "support/config_helpers.h"
#include "support/process.h"

using namespace vigil;
using namespace vigil::anycast;

namespace {

TrackerView up(const std::string& name) { return {name, true, true, ""}; }
TrackerView down(const std::string& name, const std::string& why) { return {name, false, true, why}; }
TrackerView unchecked(const std::string& name) { return {name, true, false, "not checked yet"}; }

}  // namespace

TEST(AnycastDecision, AnnouncedOnlyWhileEveryTrackerIsUpAndChecked) {
    EXPECT_EQ(decide({{up("web")}}), (Decision{true, "tracker web is UP"}));
    EXPECT_EQ(decide({{up("web"), up("disk")}}), (Decision{true, "every tracker is UP (web, disk)"}));
    EXPECT_EQ(decide({{up("web"), down("disk", "file missing")}}), (Decision{false, "tracker disk is DOWN: file missing"}));
    EXPECT_EQ(decide({{down("web", "a"), down("disk", "b")}}), (Decision{false, "trackers web, disk are DOWN"}));
    // The initial "UP, not checked yet" does not announce; a DOWN one says more.
    EXPECT_EQ(decide({{unchecked("web"), up("disk")}}), (Decision{false, "waiting for the first check of web"}));
    EXPECT_EQ(decide({{unchecked("web"), down("disk", "x")}}).reason, "tracker disk is DOWN: x");
    EXPECT_EQ(decide({}), (Decision{true, "tracks nothing"}));
}

TEST(AnycastDecision, TheOperatorAndTheDaemonOverruleHealth) {
    Inputs healthy{{up("web")}};
    auto in = healthy;
    in.maintenance = true;
    EXPECT_EQ(decide(in), (Decision{false, "maintenance"}));
    in = healthy;
    in.stopping = true;
    EXPECT_EQ(decide(in), (Decision{false, "vigild is stopping"}));
    in = healthy;
    in.removed = true;
    in.maintenance = true;
    EXPECT_EQ(decide(in), (Decision{false, "removed from the configuration"}));
    in = healthy;
    in.moving = true;
    EXPECT_FALSE(decide(in).announce);
}

namespace {

// What the supervisor would see, and whether the kernel already had the
// prefix when the hold was published (it must not: hold first).
struct RecordingHolds : vrrp::HoldRegistry {
    std::vector<vrrp::Hold> held;
    int released_count = 0;
    bool present_at_publish = false;
    std::function<bool()> present;
    void holding(const vrrp::Hold& h) override {
        held.push_back(h);
        if (present && present()) present_at_publish = true;
    }
    void released(const std::string&) override { ++released_count; }
};

bool on_lo(const std::string& address) {
    auto a = net::IpAddress::parse(address);
    return a && net::read_interface("lo").has(*a);
}

std::string table_100() { return test::run({"/usr/sbin/ip", "route", "show", "table", "100"}).out; }

config::AnycastConfig section_config(const std::string& text) {
    auto r = config::load_config_text("[tracker web]\ntype = file\npath = /tmp/x\n[anycast web]\n" + text, "t.conf", test::load_options());
    EXPECT_TRUE(r.config) << test::joined(r);
    return r.config ? r.config->anycasts.at(0) : config::AnycastConfig{};
}

}  // namespace

TEST(AnycastSection, AddressModeHoldsFirstAddsWhenHealthyRemovesWhenNotAndSweepsLeftovers) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_EQ(test::run({"/usr/sbin/ip", "link", "set", "lo", "up"}).status, 0);
    net::AddressManager addresses;
    net::RouteManager routes;
    // A leftover of a killed run.
    ASSERT_EQ(addresses.add(net::read_interface("lo").index, *net::IpPrefix::parse("192.0.2.200/32"), ""), "");
    RecordingHolds holds;
    holds.present = [] { return on_lo("192.0.2.200") || on_lo("2001:db8:ffff::200"); };
    std::vector<std::string> events;
    AnycastSection s(section_config("prefix = 192.0.2.200/32 2001:db8:ffff::200\ntrack = web\n"), addresses, routes, &holds,
                     [&](const AnycastSection&, State from, State to) {
                         events.push_back(std::string(state_name(from)) + ">" + state_name(to));
                     });
    s.sweep();
    EXPECT_FALSE(on_lo("192.0.2.200")) << "the leftover is swept";

    s.update({{unchecked("web")}});
    EXPECT_EQ(s.state(), State::Withdrawn);
    EXPECT_FALSE(on_lo("192.0.2.200"));
    EXPECT_TRUE(holds.held.empty());

    s.update({{up("web")}});
    EXPECT_EQ(s.state(), State::Announced);
    EXPECT_TRUE(on_lo("192.0.2.200") && on_lo("2001:db8:ffff::200"));
    ASSERT_EQ(holds.held.size(), 1u);
    EXPECT_FALSE(holds.present_at_publish) << "the hold is published before the kernel has the prefix";
    EXPECT_EQ(holds.held[0].kind, vrrp::HoldKind::Anycast);
    EXPECT_EQ(holds.held[0].instance, "anycast web");
    EXPECT_EQ(holds.held[0].vips.size(), 2u);
    EXPECT_EQ(s.prefixes().at(0).announced, true);

    // Control: an unchanged decision changes nothing.
    s.update({{up("web")}});
    EXPECT_EQ(events, (std::vector<std::string>{"INIT>WITHDRAWN", "WITHDRAWN>ANNOUNCED"}));
    EXPECT_EQ(holds.held.size(), 1u);
    // An address the kernel lost (flushed, its interface recreated) is added
    // again at the next report, under a fresh hold.
    ASSERT_EQ(test::run({"/usr/sbin/ip", "addr", "del", "192.0.2.200/32", "dev", "lo"}).status, 0);
    s.update({{up("web")}});
    EXPECT_TRUE(on_lo("192.0.2.200"));
    EXPECT_EQ(holds.held.size(), 2u);
    EXPECT_EQ(events.size(), 2u);

    s.update({{down("web", "file missing")}});
    EXPECT_EQ(s.state(), State::Withdrawn);
    EXPECT_EQ(s.reason(), "tracker web is DOWN: file missing");
    EXPECT_FALSE(on_lo("192.0.2.200") || on_lo("2001:db8:ffff::200"));
    EXPECT_EQ(holds.released_count, 1);
    EXPECT_EQ(s.transitions(), 3u);
}

TEST(AnycastSection, RouteModeAddsItsRouteToItsTableAndAReloadKeepsTheUnchangedPrefixes) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_EQ(test::run({"/usr/sbin/ip", "link", "set", "lo", "up"}).status, 0);
    net::AddressManager addresses;
    net::RouteManager routes;
    RecordingHolds holds;
    int transitions = 0;
    AnycastSection s(section_config("prefix = 192.0.2.200/32 192.0.2.64/26\ntrack = web\nannounce = route 100\n"), addresses,
                     routes, &holds, [&](const AnycastSection&, State, State) { ++transitions; });
    EXPECT_EQ(s.announce_text(), "route 100");
    s.update({{up("web")}});
    auto table = table_100();
    EXPECT_NE(table.find("192.0.2.200 dev lo proto 118 scope host"), std::string::npos) << table;
    EXPECT_NE(table.find("192.0.2.64/26 dev lo proto 118 scope host"), std::string::npos) << table;
    EXPECT_FALSE(on_lo("192.0.2.200")) << "route mode adds no address";
    ASSERT_EQ(holds.held.size(), 1u);
    EXPECT_EQ(holds.held[0].routes.size(), 2u);

    // 192.0.2.64/26 dropped, 192.0.2.128/26 added; 192.0.2.200 stays as it is.
    s.reconfigure(section_config("prefix = 192.0.2.200/32 192.0.2.128/26\ntrack = web\nannounce = route 100\n"));
    s.update({{up("web")}});
    table = table_100();
    EXPECT_NE(table.find("192.0.2.200 dev lo"), std::string::npos) << table;
    EXPECT_NE(table.find("192.0.2.128/26 dev lo"), std::string::npos) << table;
    EXPECT_EQ(table.find("192.0.2.64/26"), std::string::npos) << table;
    EXPECT_EQ(transitions, 1) << "INIT>ANNOUNCED only: a reload of its prefixes is no transition";
    EXPECT_EQ(s.state(), State::Announced);

    s.update({{up("web")}, true});  // maintenance
    EXPECT_EQ(table_100(), "");
    EXPECT_EQ(s.reason(), "maintenance");
}
