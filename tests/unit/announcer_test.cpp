// The gratuitous ARP and unsolicited NA vigil sends when it becomes master,
// byte for byte (keepalived's shapes: vrrp_arp.c, vrrp_ndisc.c).
#include <gtest/gtest.h>

#include "net/announcer.h"

using namespace vigil::net;

namespace {
const std::array<uint8_t, 6> kMac = {0x02, 0x00, 0x00, 0x00, 0x02, 0x01};
}

TEST(Announcer, GratuitousArpIsABroadcastRequestForTheVip) {
    auto p = gratuitous_arp(kMac, *IpAddress::parse("192.0.2.251"));
    const std::array<uint8_t, 28> want = {
        0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,              // Ethernet/IPv4, request
        0x02, 0x00, 0x00, 0x00, 0x02, 0x01, 192, 0, 2, 251,     // sender: our MAC, the VIP
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 192, 0, 2, 251};    // target: broadcast, the VIP
    EXPECT_EQ(p, want);
}

TEST(Announcer, UnsolicitedNaOverridesAndCarriesOurLinkAddress) {
    auto p = unsolicited_na(kMac, *IpAddress::parse("2001:db8::251"));
    EXPECT_EQ(p[0], 136) << "neighbour advertisement";
    EXPECT_EQ(p[1], 0);
    EXPECT_EQ(p[4], 0x20) << "override set, solicited and router clear";
    EXPECT_EQ(IpAddress::v6(&p[8]), *IpAddress::parse("2001:db8::251"));
    EXPECT_EQ(p[24], 2) << "target link-layer address option";
    EXPECT_EQ(p[25], 1);
    EXPECT_EQ(std::vector<uint8_t>(p.begin() + 26, p.end()), std::vector<uint8_t>(kMac.begin(), kMac.end()));
}
