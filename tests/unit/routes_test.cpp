// SPDX-License-Identifier: Apache-2.0
// Routes and rules: their syntax (good lines and what is said of bad ones),
// the loader's checks across lines, the netlink objects built from them, and
// their records in the supervisor's shared state.
#include <gtest/gtest.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>

#include "config/route_syntax.h"
#include "net/route_manager.h"
#include "supervisor/held_routes.h"
#include "support/config_helpers.h"

using namespace vigil;
using namespace vigil::test;
using config::parse_route;
using config::parse_rule;

namespace {

// Each line, and how vigil writes it back (in turn read back to the same route).
TEST(RouteSyntax, ReadsKeepalivedStyleRoutes) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"192.0.2.128/26 via 192.0.2.1 table 100", "192.0.2.128/26 via 192.0.2.1 table 100"},
        {"default via 192.0.2.1", "0.0.0.0/0 via 192.0.2.1"},
        {"0.0.0.0/0 gw 192.0.2.1 table 100", "0.0.0.0/0 via 192.0.2.1 table 100"},
        {"default via 2001:db8::1", "::/0 via 2001:db8::1"},
        {"inet6 default dev eth0", "::/0 dev eth0"},
        {"to 192.0.2.0/24 gw 192.0.2.1 oif eth0 priority 5", "192.0.2.0/24 via 192.0.2.1 dev eth0 metric 5"},
        {"src 192.0.2.10 to 192.0.2.64/26 via 192.0.2.1 dev eth1", "192.0.2.64/26 via 192.0.2.1 dev eth1 src 192.0.2.10"},
        {"192.0.2.64/26 dev eth0 scope link preference 9", "192.0.2.64/26 dev eth0 metric 9 scope link"},
        {"blackhole 192.0.2.192/26 table 100", "blackhole 192.0.2.192/26 table 100"},
        {"unreachable 2001:db8:1::/48", "unreachable 2001:db8:1::/48"},
        {"prohibit 192.0.2.0/25 metric 7", "prohibit 192.0.2.0/25 metric 7"},
        {"192.0.2.1 dev eth0", "192.0.2.1/32 dev eth0"},
        {"2001:db8::/64 via fe80::1 dev eth0", "2001:db8::/64 via fe80::1 dev eth0"},
        {"192.0.2.0/24 via 192.0.2.1 dev eth0 onlink", "192.0.2.0/24 via 192.0.2.1 dev eth0 onlink"},
        {"192.0.2.0/24 via 192.0.2.1 table main", "192.0.2.0/24 via 192.0.2.1"},
        {"192.0.2.0/24 via inet 192.0.2.1 table local metric 0x10", "192.0.2.0/24 via 192.0.2.1 table 255 metric 16"},
    };
    for (const auto& [line, shown] : cases) {
        auto p = parse_route(line);
        EXPECT_EQ(p.problem, "") << line;
        EXPECT_EQ(p.route.str(), shown) << line;
        auto again = parse_route(p.route.str());
        EXPECT_EQ(again.problem, "") << shown;
        EXPECT_TRUE(again.route == p.route) << shown << " does not read back as " << line;
    }
    EXPECT_EQ(parse_route("default via 2001:db8::1").route.family(), net::Family::V6);
}

TEST(RouteSyntax, SaysWhatIsWrongWithABadRoute) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "needs a destination"},
        {"via 192.0.2.1", "needs a destination (PREFIX or default)"},
        {"192.0.2.0/24", "needs via ADDR or dev IF"},
        {"192.0.2.130/26 via 192.0.2.1", "'192.0.2.130/26' has host bits set (did you mean 192.0.2.128/26?)"},
        {"2001:db8::1/32 dev eth0", "(did you mean 2001:db8::/32?)"},
        {"192.0.2.0/33 dev eth0", "'192.0.2.0/33' is not an address with an optional /PREFIX"},
        {"192.0.2.0/24 via 2001:db8::1", "mixes IPv4 and IPv6 (via 2001:db8::1)"},
        {"inet6 192.0.2.0/24 dev eth0", "mixes IPv4 and IPv6"},
        {"192.0.2.0/24 nexthop via 192.0.2.1", "'nexthop' is not supported: a route takes one gateway (via ADDR)"},
        {"192.0.2.0/24 via 192.0.2.1 or 192.0.2.2", "'or' is not supported"},
        {"192.0.2.0/24 via 192.0.2.1 mtu 1400", "'mtu' is not supported (vigil takes DEST, via, dev"},
        {"192.0.2.0/24 via 192.0.2.1 no_track", "'no_track' is not needed"},
        {"192.0.2.0/24 via 192.0.2.1 table 0", "table 0 is not a table"},
        {"192.0.2.0/24 via 192.0.2.1 table vrrp", "table 'vrrp' is not a number (names other than main, default and local"},
        {"192.0.2.0/24 via 192.0.2.1 metric -1", "metric '-1' is not a number"},
        {"192.0.2.0/24 via 192.0.2.1 scope galaxy", "scope 'galaxy' is not one of global, site, link, host, nowhere"},
        {"blackhole 192.0.2.0/24 via 192.0.2.1", "a blackhole route takes no via, dev, src or onlink"},
        {"blackhole unreachable 192.0.2.0/24", "more than one route type"},
        {"2001:db8::/64 dev eth0 scope link", "scope applies to IPv4 routes only"},
        {"2001:db8::/64 via fe80::1", "a link-local gateway needs dev IF"},
        {"192.0.2.0/24 via 192.0.2.1 onlink", "onlink needs via ADDR and dev IF"},
        {"192.0.2.0/24 via 224.0.0.1", "via '224.0.0.1' is not a unicast address"},
        {"192.0.2.0/24 via banana", "via 'banana' is not an IPv4 or IPv6 address"},
        {"192.0.2.0/24 src 0.0.0.0 dev eth0", "src '0.0.0.0' is not a unicast address"},
        {"192.0.2.0/24 via", "'via' needs a value"},
        {"192.0.2.0/24 192.0.2.128/25 dev eth0", "two destinations (192.0.2.0/24 and 192.0.2.128/25)"},
        {"192.0.2.0/24 dev eth0/1", "'eth0/1' is not a valid interface name"},
        {"frobnicate 192.0.2.0/24 dev eth0", "unknown word 'frobnicate' (expected a destination, via, dev"},
    };
    for (const auto& [line, expected] : cases) {
        auto p = parse_route(line);
        EXPECT_NE(p.problem.find(expected), std::string::npos) << "'" << line << "' gave: " << p.problem;
    }
}

TEST(RuleSyntax, ReadsKeepalivedStyleRules) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"from 192.0.2.0/24 table 100 priority 100", "from 192.0.2.0/24 table 100 priority 100"},
        {"to 192.0.2.128/26 lookup 100 preference 10", "to 192.0.2.128/26 table 100 priority 10"},
        {"from all fwmark 0x10/0xff table 5 prio 3", "fwmark 16/255 table 5 priority 3"},
        {"inet6 iif eth0 table 100 priority 200", "inet6 iif eth0 table 100 priority 200"},
        {"from 2001:db8::/32 blackhole priority 5", "from 2001:db8::/32 blackhole priority 5"},
        {"dev eth0 oif eth1 unreachable order 7", "iif eth0 oif eth1 unreachable priority 7"},
        {"from 192.0.2.0/24 to 192.0.2.128/25 prohibit priority 9", "from 192.0.2.0/24 to 192.0.2.128/25 prohibit priority 9"},
        {"table main priority 1000", "table 254 priority 1000"},
    };
    for (const auto& [line, shown] : cases) {
        auto p = parse_rule(line);
        EXPECT_EQ(p.problem, "") << line;
        EXPECT_EQ(p.rule.str(), shown) << line;
        auto again = parse_rule(p.rule.str());
        EXPECT_EQ(again.problem, "") << shown;
        EXPECT_TRUE(again.rule == p.rule) << shown << " does not read back as " << line;
    }
    EXPECT_EQ(parse_rule("from 2001:db8::/32 table 1 priority 1").rule.family, net::Family::V6);
    EXPECT_EQ(parse_rule("table 1 priority 1").rule.family, net::Family::V4);
}

TEST(RuleSyntax, SaysWhatIsWrongWithABadRule) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"from 192.0.2.0/24 priority 100", "needs table N (or blackhole, unreachable, prohibit)"},
        {"from 192.0.2.0/24 table 100", "needs a priority (keepalived's preference)"},
        {"from 192.0.2.0/24 to 2001:db8::/32 table 1 priority 1", "mixes IPv4 and IPv6 (to 2001:db8::/32)"},
        {"table 1 blackhole priority 1", "more than one of table, blackhole, unreachable, prohibit"},
        {"table 1 priority 0", "priority 0 is the kernel's own rule for the local table"},
        {"from 192.0.2.1/24 table 1 priority 1", "from: '192.0.2.1/24' has host bits set (did you mean 192.0.2.0/24?)"},
        {"not from 192.0.2.0/24 table 1 priority 1", "'not' is not supported"},
        {"from 192.0.2.0/24 goto 10 priority 1", "'goto' is not supported"},
        {"fwmark x table 1 priority 1", "fwmark 'x' is not MARK or MARK/MASK"},
        {"fwmark 1/ table 1 priority 1", "fwmark '1/' is not MARK or MARK/MASK"},
        {"table 1 priority", "'priority' needs a value"},
        {"table 0 priority 1", "table 0 is not a table"},
        {"iif eth0:1 table 1 priority 1", "'eth0:1' is not a valid interface name"},
        {"gibberish table 1 priority 1", "unknown word 'gibberish'"},
    };
    for (const auto& [line, expected] : cases) {
        auto p = parse_rule(line);
        EXPECT_NE(p.problem.find(expected), std::string::npos) << "'" << line << "' gave: " << p.problem;
    }
}

TEST(RouteKeys, LoadIntoTheInstanceAndGlobalWithTheirLines) {
    auto r = load("[global]\nstatic_address = 192.0.2.200/24 dev eth1 label eth1:s\nstatic_route = 192.0.2.192/26 via 192.0.2.1\n"
                  "static_rule = to 192.0.2.192/26 table 7 priority 70\n" +
                  instance("route = 192.0.2.128/26 via 192.0.2.1 table 100\nroute = blackhole 2001:db8::/48\n"
                           "rule = from 192.0.2.0/24 table 100 priority 100\n"));
    ASSERT_TRUE(r.ok()) << joined(r);
    const auto& c = *r.config;
    ASSERT_EQ(c.instances[0].routes.size(), 2u);
    EXPECT_EQ(c.instances[0].routes[0].route.str(), "192.0.2.128/26 via 192.0.2.1 table 100");
    EXPECT_EQ(c.instances[0].routes[1].where.line, 10);
    ASSERT_EQ(c.instances[0].rules.size(), 1u);
    ASSERT_EQ(c.global.static_addresses.size(), 1u);
    EXPECT_EQ(c.global.static_addresses[0].dev, "eth1");
    EXPECT_EQ(c.global.static_addresses[0].label, "eth1:s");
    ASSERT_EQ(c.global.static_routes.size(), 1u);
    ASSERT_EQ(c.global.static_rules.size(), 1u);
}

TEST(RouteKeys, BadLinesAndClashesAreErrorsAtTheirLine) {
    auto expect_error = [](const std::string& text, const std::string& message) {
        auto r = load(text);
        EXPECT_FALSE(r.ok()) << text;
        EXPECT_NE(joined(r).find(message), std::string::npos) << "wanted '" << message << "' in:\n" << joined(r);
    };
    expect_error(instance("route = 192.0.2.0/24 nexthop via 192.0.2.1\n"),
                 "t.conf:5: route: 'nexthop' is not supported: a route takes one gateway (via ADDR)");
    expect_error(instance("rule = from 192.0.2.0/24 table 100\n"), "t.conf:5: rule: needs a priority");
    expect_error("[global]\nstatic_address = 192.0.2.200/24\n" + instance(), "t.conf:2: static_address: needs dev IF");
    expect_error("[global]\nstatic_route =\n" + instance(), "t.conf:2: static_route: needs a value");
    // One route, one owner: the kernel has one route per table, destination and metric.
    expect_error(instance("route = 192.0.2.128/26 via 192.0.2.1 table 100\n") +
                     "[instance VI_2]\ninterface = eth0\nvrid = 52\nvip = 192.0.2.20/24\nroute = 192.0.2.128/26 via 192.0.2.2 table 100\n",
                 "t.conf:10: route: 192.0.2.128/26 via 192.0.2.2 table 100 is already a route of [instance VI_1] at t.conf:5");
    expect_error("[global]\nstatic_route = 192.0.2.128/26 via 192.0.2.9 table 100\n" +
                     instance("route = 192.0.2.128/26 via 192.0.2.1 table 100\n"),
                 "t.conf:7: route: 192.0.2.128/26 via 192.0.2.1 table 100 is already a route of [global] static_route at t.conf:2");
    // No metric is the kernel's default one: 0 for IPv4, 1024 for IPv6 (where 0 is 1024 too).
    expect_error("[global]\nstatic_route = 192.0.2.128/26 dev eth0\n" + instance("route = 192.0.2.128/26 via 192.0.2.1 metric 0\n"),
                 "t.conf:7: route: 192.0.2.128/26 via 192.0.2.1 metric 0 is already a route of [global] static_route at t.conf:2");
    expect_error("[global]\nstatic_route = 2001:db8:1::/48 dev eth0\nstatic_route = 2001:db8:1::/48 dev eth1 metric 1024\n" + instance(),
                 "t.conf:3: route: 2001:db8:1::/48 dev eth1 metric 1024 is already a route of [global] static_route at t.conf:2");
    expect_error("[global]\nstatic_route = 2001:db8:1::/48 dev eth0 metric 0\nstatic_route = 2001:db8:1::/48 dev eth1\n" + instance(),
                 "t.conf:3: route: 2001:db8:1::/48 dev eth1 is already a route of [global] static_route at t.conf:2");
    // Control: another metric is another route, and 1024 is not IPv4's default.
    for (const char* other : {"metric 5", "metric 1024"}) {
        auto ok = load("[global]\nstatic_route = 192.0.2.128/26 dev eth0\nstatic_route = 192.0.2.128/26 dev eth1 " + std::string(other) + "\n" + instance());
        EXPECT_TRUE(ok.ok()) << other << ": " << joined(ok);
    }
    expect_error(instance("rule = from 192.0.2.0/24 table 100 priority 100\nrule = from 192.0.2.0/24 table 100 priority 100\n"),
                 "t.conf:6: rule: from 192.0.2.0/24 table 100 priority 100 is already a rule of [instance VI_1] at t.conf:5");
    expect_error("[global]\nstatic_address = 192.0.2.10/24 dev eth0\n" + instance(),
                 "t.conf:2: static_address: 192.0.2.10 is already a vip of [instance VI_1] at t.conf:6");
    // An excluded VIP goes with the role just as a VIP does.
    expect_error("[global]\nstatic_address = 192.0.2.77/24 dev eth0\n" + instance("excluded_vip = 192.0.2.77/24\n"),
                 "t.conf:2: static_address: 192.0.2.77 is already an excluded_vip of [instance VI_1] at t.conf:7");
    std::string many;
    for (int i = 0; i <= static_cast<int>(config::kMaxInstanceRoutes); ++i)
        many += "route = 192.0.2." + std::to_string(i) + "/32 dev eth0\n";
    expect_error(instance(many), "route: more than 32 routes in one instance (the supervisor could not remove them all)");
    std::string rules;
    for (int i = 1; i <= static_cast<int>(config::kMaxInstanceRules) + 1; ++i)
        rules += "rule = table 100 priority " + std::to_string(i) + "\n";
    expect_error(instance(rules), "rule: more than 16 rules in one instance");
    // Control: as many as the record holds load.
    many.erase(many.rfind("route ="));
    auto r = load(instance(many));
    EXPECT_TRUE(r.ok()) << joined(r);
}

TEST(RouteManager, BuildsWhatIpRouteWouldSend) {
    auto route = parse_route("192.0.2.128/26 via 192.0.2.1 src 192.0.2.10 table 100 metric 5").route;
    rtnl_route* r = net::build_route(route, 7);
    EXPECT_EQ(rtnl_route_get_table(r), 100u);
    EXPECT_EQ(rtnl_route_get_protocol(r), 118u) << "what a removal matches: never a route added by hand";
    EXPECT_EQ(rtnl_route_get_type(r), RTN_UNICAST);
    EXPECT_EQ(rtnl_route_get_priority(r), 5u);
    EXPECT_EQ(nl_addr_get_prefixlen(rtnl_route_get_dst(r)), 26u);
    ASSERT_EQ(rtnl_route_get_nnexthops(r), 1);
    auto* nh = rtnl_route_nexthop_n(r, 0);
    EXPECT_EQ(rtnl_route_nh_get_ifindex(nh), 7);
    char buf[64];
    EXPECT_STREQ(nl_addr2str(rtnl_route_nh_get_gateway(nh), buf, sizeof buf), "192.0.2.1");
    EXPECT_STREQ(nl_addr2str(rtnl_route_get_pref_src(r), buf, sizeof buf), "192.0.2.10");
    rtnl_route_put(r);

    r = net::build_route(parse_route("blackhole 192.0.2.192/26").route, 0);
    EXPECT_EQ(rtnl_route_get_type(r), RTN_BLACKHOLE);
    EXPECT_EQ(rtnl_route_get_scope(r), RT_SCOPE_UNIVERSE) << "as ip route has it (libnl would guess link)";
    EXPECT_EQ(rtnl_route_get_nnexthops(r), 0);
    EXPECT_EQ(rtnl_route_get_table(r), 254u);
    rtnl_route_put(r);

    rtnl_rule* rule = net::build_rule(parse_rule("from 192.0.2.0/24 fwmark 3/7 table 100 priority 90").rule);
    EXPECT_EQ(rtnl_rule_get_table(rule), 100u);
    EXPECT_EQ(rtnl_rule_get_prio(rule), 90u);
    EXPECT_EQ(rtnl_rule_get_action(rule), FR_ACT_TO_TBL);
    EXPECT_EQ(rtnl_rule_get_mark(rule), 3u);
    EXPECT_EQ(rtnl_rule_get_mask(rule), 7u);
    uint8_t protocol = 0;
    EXPECT_EQ(rtnl_rule_get_protocol(rule, &protocol), 0);
    EXPECT_EQ(protocol, 118u) << "not RTPROT_STATIC: networkd's and NetworkManager's";
    EXPECT_STREQ(nl_addr2str(rtnl_rule_get_src(rule), buf, sizeof buf), "192.0.2.0/24");
    rtnl_rule_put(rule);
}

TEST(HeldRoutes, RoundTripThroughTheSharedRecordAndRefuseScribbles) {
    for (const char* line : {"192.0.2.128/26 via 192.0.2.1 dev eth0 src 192.0.2.10 table 100 metric 5 scope link onlink",
                             "unreachable 2001:db8:1::/48 table 4000000000", "default via fe80::1 dev eth1"}) {
        auto route = parse_route(line).route;
        supervisor::SharedRoute record{};
        supervisor::store_route(record, route);
        auto back = supervisor::load_route(record);
        ASSERT_TRUE(back) << line;
        EXPECT_EQ(back->str(), route.str());
        EXPECT_TRUE(*back == route) << line;
    }
    for (const char* line : {"from 192.0.2.0/24 to 192.0.2.128/25 iif eth0 oif eth1 fwmark 3/7 table 100 priority 90",
                             "inet6 prohibit priority 4", "fwmark 1 table 2 priority 3"}) {
        auto rule = parse_rule(line).rule;
        supervisor::SharedRule record{};
        supervisor::store_rule(record, rule);
        auto back = supervisor::load_rule(record);
        ASSERT_TRUE(back) << line;
        EXPECT_TRUE(*back == rule) << line << " came back as " << back->str();
    }
    supervisor::SharedRoute route{};
    supervisor::store_route(route, parse_route("192.0.2.0/24 dev eth0").route);
    route.family = 9;
    EXPECT_FALSE(supervisor::load_route(route));
    route.family = 4;
    route.dest_len = 33;
    EXPECT_FALSE(supervisor::load_route(route));
    supervisor::SharedRule rule{};
    supervisor::store_rule(rule, parse_rule("table 1 priority 1").rule);
    rule.priority = 0;  // would match the local-table rule
    EXPECT_FALSE(supervisor::load_rule(rule));
}

}  // namespace
