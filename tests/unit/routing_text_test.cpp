// SPDX-License-Identifier: Apache-2.0
// The anycast tests' readings of iproute2's and BIRD's output
// (support/routing_text.h), on output captured from real runs: BIRD's and
// FRR's ECMP routes, a single path, no route, and what must not count.
#include <gtest/gtest.h>

#include "support/routing_text.h"

using namespace vigil::test;
using Gateways = std::set<std::string>;

namespace {

TEST(RouteGateways, MultipathRouteOfBirdGivesEveryNextHop) {
    auto out = route_gateways(
        R"([{"dst":"192.0.2.200","protocol":"bird","metric":32,"flags":[],"nexthops":[{"gateway":"192.0.2.11","dev":"eth0","weight":1,"flags":[]},{"gateway":"192.0.2.12","dev":"eth0","weight":1,"flags":[]}]}])");
    EXPECT_EQ(out, (Gateways{"192.0.2.11", "192.0.2.12"}));
}

TEST(RouteGateways, MultipathRouteOfFrrWithANexthopGroupGivesEveryNextHop) {
    auto out = route_gateways(
        R"([{"dst":"192.0.2.200","nhid":10,"protocol":"bgp","metric":20,"flags":[],"nexthops":[{"gateway":"192.0.2.12","dev":"eth0","weight":1,"flags":[]},{"gateway":"192.0.2.11","dev":"eth0","weight":1,"flags":[]}]}])");
    EXPECT_EQ(out, (Gateways{"192.0.2.11", "192.0.2.12"}));
}

TEST(RouteGateways, SinglePathGivesItsGateway) {
    auto out = route_gateways(R"([{"dst":"192.0.2.200","gateway":"192.0.2.12","dev":"eth0","protocol":"bird","metric":32,"flags":[]}])");
    EXPECT_EQ(out, (Gateways{"192.0.2.12"}));
    auto v6 = route_gateways(
        R"([{"dst":"2001:db8:ffff::200","gateway":"2001:db8::11","dev":"eth0","protocol":"bird","metric":32,"flags":[],"pref":"medium"}])");
    EXPECT_EQ(v6, (Gateways{"2001:db8::11"}));
}

TEST(RouteGateways, NoRouteAndRoutesWithoutGatewayGiveNone) {
    EXPECT_EQ(route_gateways("[]"), Gateways{});
    EXPECT_EQ(route_gateways(R"([{"dst":"192.0.2.200","dev":"lo","protocol":"118","scope":"host","flags":[]}])"), Gateways{});
    EXPECT_EQ(route_gateways(R"([{"type":"blackhole","dst":"192.0.2.200","flags":[]}])"), Gateways{});
}

TEST(RouteGateways, WhatIsNotAListOfRoutesIsNoAnswer) {
    EXPECT_EQ(route_gateways(""), std::nullopt);
    EXPECT_EQ(route_gateways("Cannot find device \"eth9\""), std::nullopt);
    EXPECT_EQ(route_gateways(R"({"dst":"192.0.2.200","gateway":"192.0.2.11"})"), std::nullopt);
    EXPECT_EQ(route_gateways(R"([42])"), std::nullopt);
}

constexpr const char* kShowProtocols = R"(BIRD 2.0.12 ready.
Name       Proto      Table      State  Since         Info
h1         BGP        ---        up     20:04:52.240  Established   
h2         BGP        ---        start  20:05:39.422  Active        Socket: Connection closed
h10        BGP        ---        up     20:04:52.240  Established   
)";

TEST(BirdProtocolEstablished, ReadsTheNamedRowOnly) {
    EXPECT_TRUE(bird_protocol_established(kShowProtocols, "h1"));
    EXPECT_FALSE(bird_protocol_established(kShowProtocols, "h2"));
    EXPECT_FALSE(bird_protocol_established(kShowProtocols, "h3"));
    EXPECT_FALSE(bird_protocol_established(kShowProtocols, "h"));
}

TEST(BirdProtocolEstablished, DownOrUnreachableIsNotEstablished) {
    EXPECT_FALSE(bird_protocol_established(
        "Name       Proto      Table      State  Since         Info\n"
        "upstream   BGP        ---        start  20:05:53.860  Idle          BGP Error: Hold timer expired\n",
        "upstream"));
    EXPECT_FALSE(bird_protocol_established("Unable to connect to server control socket (/tmp/x.ctl): No such file or directory\n", "upstream"));
    EXPECT_FALSE(bird_protocol_established("", "upstream"));
}

TEST(BirdConfigForHost, ReplacesRouterIdAndLocalAs) {
    std::string h1 = "router id 192.0.2.11;\nprotocol bgp upstream {\n    local as 65001;\n    neighbor 192.0.2.13 as 65000;\n}\n";
    auto h2 = bird_config_for_host(h1, "192.0.2.12", 65002);
    ASSERT_TRUE(h2);
    EXPECT_EQ(*h2, "router id 192.0.2.12;\nprotocol bgp upstream {\n    local as 65002;\n    neighbor 192.0.2.13 as 65000;\n}\n");
}

TEST(BirdConfigForHost, AnExampleWithoutEitherLineIsRefused) {
    EXPECT_EQ(bird_config_for_host("protocol bgp upstream {\n    local as 65001;\n}\n", "192.0.2.12", 65002), std::nullopt);
    EXPECT_EQ(bird_config_for_host("router id 192.0.2.11;\n", "192.0.2.12", 65002), std::nullopt);
}

}  // namespace
