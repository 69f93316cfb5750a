// SPDX-License-Identifier: Apache-2.0
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

// The three variants the e2e test attacks, by its parameter names.
Target target(const std::string& name) {
    if (name == "V2PassAuth")
        return {.version = 2, .vrid = 51, .interval_cs = 100, .password = "8SSmX60h", .src = ip("192.0.2.13"),
                .dst = ip("224.0.0.18"), .vips = {ip("192.0.2.251")}};
    if (name == "V3Ipv4")
        return {.vrid = 52, .interval_cs = 10, .src = ip("192.0.2.13"), .dst = ip("224.0.0.18"), .vips = {ip("192.0.2.252")}};
    return {.family = net::Family::V6, .vrid = 61, .interval_cs = 10, .src = ip("fe80::13"), .dst = ip("ff02::12"),
            .vips = {ip("2001:db8::251")}};
}

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
    for (Rule rule : rules_for(target("V2PassAuth"))) EXPECT_EQ(parse_rule(rule_name(rule)), rule);
    EXPECT_EQ(rules_for(target("V2PassAuth")).size(), 9u);
    EXPECT_EQ(rules_for(target("V3Ipv4")).size(), 7u);
    EXPECT_FALSE(parse_rule("nonsense"));
}
