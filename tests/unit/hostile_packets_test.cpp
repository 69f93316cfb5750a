// The hostile-traffic generator against the daemon's own receive path
// (decode, VRID, check_for_instance): each rule-breaking packet is dropped
// for exactly its reason, the seeded random stream is reproducible and never
// accepted, and the well-formed priority-255 advert is (the control).
#include <gtest/gtest.h>

#include <map>

#include "support/hostile_packets.h"

using namespace vigil;
using namespace vigil::test::hostile;

namespace {

net::IpAddress ip(const char* s) { return *net::IpAddress::parse(s); }

Target v2_pass() {
    Target t;
    t.version = 2;
    t.vrid = 51;
    t.interval_cs = 100;
    t.password = "8SSmX60h";
    t.src = ip("192.0.2.13");
    t.dst = ip("224.0.0.18");
    t.vips = {ip("192.0.2.251")};
    return t;
}

Target v3_ipv4() {
    Target t;
    t.vrid = 52;
    t.interval_cs = 10;
    t.src = ip("192.0.2.13");
    t.dst = ip("224.0.0.18");
    t.vips = {ip("192.0.2.252")};
    return t;
}

Target v3_ipv6() {
    Target t;
    t.family = net::Family::V6;
    t.vrid = 61;
    t.interval_cs = 10;
    t.src = ip("fe80::13");
    t.dst = ip("ff02::12");
    t.vips = {ip("2001:db8::251")};
    return t;
}

Target target(const std::string& name) { return name == "V2PassAuth" ? v2_pass() : name == "V3Ipv4" ? v3_ipv4() : v3_ipv6(); }

class HostilePackets : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(HostilePackets, TheValidAdvertIsAcceptedWithPriority255) {
    auto t = target(GetParam());
    auto p = valid_advert(t);
    EXPECT_TRUE(acceptable(t, p));
    EXPECT_EQ(receiver_verdict(t, p), std::nullopt);
    EXPECT_EQ(p.message[2], 255);
}

TEST_P(HostilePackets, EachRulePacketIsDroppedForExactlyItsReason) {
    auto t = target(GetParam());
    std::mt19937_64 rng(7);
    for (Rule rule : rules_for(t))
        for (int i = 0; i < 500; ++i) {
            auto p = break_one(t, rule, rng);
            ASSERT_FALSE(acceptable(t, p)) << rule_name(rule);
            auto verdict = receiver_verdict(t, p);
            ASSERT_TRUE(verdict) << rule_name(rule);
            ASSERT_EQ(*verdict, expected_reason(rule)) << rule_name(rule) << ": dropped as " << vrrp::drop_reason_name(*verdict);
        }
}

TEST_P(HostilePackets, TheRandomStreamIsReproducibleVariedAndNeverAccepted) {
    auto t = target(GetParam());
    std::map<std::string, int> reasons;
    for (uint64_t i = 0; i < 20000; ++i) {
        auto p = random_packet(t, 42, i);
        ASSERT_FALSE(acceptable(t, p)) << "packet " << i;
        auto verdict = receiver_verdict(t, p);
        ASSERT_TRUE(verdict) << "packet " << i << " would be obeyed";
        ++reasons[vrrp::drop_reason_name(*verdict)];
        if (i % 1000 == 0) {
            auto again = random_packet(t, 42, i);
            EXPECT_EQ(again.message, p.message);
            EXPECT_EQ(again.ttl, p.ttl);
        }
    }
    EXPECT_NE(random_packet(t, 43, 0).message, random_packet(t, 42, 0).message);
    // Every rule that applies is reached, not just the first few checks.
    for (Rule rule : rules_for(t)) EXPECT_GT(reasons[vrrp::drop_reason_name(expected_reason(rule))], 100) << rule_name(rule);
}

INSTANTIATE_TEST_SUITE_P(Targets, HostilePackets, ::testing::Values("V2PassAuth", "V3Ipv4", "V3Ipv6"),
                         [](const auto& info) { return info.param; });

TEST(HostileRules, NamesRoundTrip) {
    for (Rule rule : rules_for(v2_pass())) EXPECT_EQ(parse_rule(rule_name(rule)), rule);
    EXPECT_EQ(rules_for(v2_pass()).size(), 9u);
    EXPECT_EQ(rules_for(v3_ipv4()).size(), 7u);
    EXPECT_FALSE(parse_rule("nonsense"));
}
