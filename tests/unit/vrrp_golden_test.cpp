// SPDX-License-Identifier: Apache-2.0
// Packets captured from keepalived 2.2.7 (tests/fixtures/vrrp, see its README):
// we must decode each, and encode the same fields to the same bytes.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "vrrp/packet.h"

using namespace vigil;
using namespace vigil::vrrp;

namespace {

struct Golden {
    std::vector<uint8_t> ip_packet;
    std::string checksum_variant;
};

Golden load(const std::string& name) {
    std::ifstream in(std::string(FIXTURES_DIR) + "/vrrp/" + name + ".hex");
    EXPECT_TRUE(in) << name;
    Golden g;
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("# checksum-variant: ", 0) == 0) g.checksum_variant = line.substr(20);
        if (line.empty() || line[0] == '#') continue;
        for (size_t i = 0; i + 1 < line.size(); i += 2) g.ip_packet.push_back(static_cast<uint8_t>(std::stoi(line.substr(i, 2), nullptr, 16)));
    }
    return g;
}

// Splits either family's IP header off, as the socket layer would.
Received split(const std::vector<uint8_t>& p) {
    if ((p[0] >> 4) == 4) {
        auto s = split_ipv4(p);
        EXPECT_TRUE(s.packet);
        return *s.packet;
    }
    Received r;
    r.family = net::Family::V6;
    r.ttl = p[7];
    r.src = net::IpAddress::v6(&p[8]);
    r.dst = net::IpAddress::v6(&p[24]);
    r.message = std::span<const uint8_t>(p).subspan(40);
    return r;
}

net::IpAddress ip(const char* s) { return *net::IpAddress::parse(s); }

struct Case {
    const char* file;
    uint8_t version, vrid, priority;
    uint16_t interval_cs;
    std::vector<const char*> addresses;
    const char* password;  // v2 PASS
};

void check(const Case& c) {
    SCOPED_TRACE(c.file);
    auto g = load(c.file);
    ASSERT_FALSE(g.ip_packet.empty());
    auto packet = split(g.ip_packet);
    EXPECT_EQ(packet.ttl, 255);
    auto d = decode(packet);
    ASSERT_TRUE(d.advert) << drop_reason_name(d.reason);
    const auto& a = *d.advert;
    EXPECT_EQ(a.version, c.version);
    EXPECT_EQ(a.vrid, c.vrid);
    EXPECT_EQ(a.priority, c.priority);
    EXPECT_EQ(a.interval_cs, c.interval_cs);
    std::vector<net::IpAddress> want;
    for (const char* s : c.addresses) want.push_back(ip(s));
    EXPECT_EQ(a.addresses, want);
    if (c.password) {
        EXPECT_EQ(a.auth_type, kAuthPass);
        EXPECT_EQ(a.auth_data, pass_auth_data(c.password));
    }
    // Our encoder produces keepalived's bytes, checksum included.
    auto ours = encode(a, packet.src, packet.dst, Checksum::PseudoHeader);
    std::vector<uint8_t> theirs(packet.message.begin(), packet.message.end());
    if (std::string(c.file) == "v3_ipv4_unicast_oldcsum") {
        // keepalived summed this one as if sent to 224.0.0.18; we send the
        // RFC's checksum, so only the checksum bytes differ.
        EXPECT_NE(ours, theirs);
        ours[6] = theirs[6];
        ours[7] = theirs[7];
    }
    EXPECT_EQ(ours, theirs);
}

}  // namespace

TEST(VrrpGolden, V2PassOneVip) { check({"v2_ipv4_pass", 2, 51, 100, 100, {"192.0.2.251"}, "8SSmX60h"}); }
TEST(VrrpGolden, V2PassTwoVipsInConfigOrder) {
    check({"v2_ipv4_pass_2vip", 2, 51, 100, 100, {"192.0.2.251", "192.0.2.250"}, "8SSmX60h"});
}
TEST(VrrpGolden, V2ShortPasswordIsZeroPadded) { check({"v2_ipv4_pass_short", 2, 51, 100, 100, {"192.0.2.251"}, "abc"}); }
TEST(VrrpGolden, V2PriorityZeroOnShutdown) { check({"v2_ipv4_pass_prio0", 2, 51, 0, 100, {"192.0.2.251"}, "8SSmX60h"}); }
TEST(VrrpGolden, V2Unicast) { check({"v2_ipv4_pass_unicast", 2, 51, 100, 100, {"192.0.2.251"}, "8SSmX60h"}); }
TEST(VrrpGolden, V3Ipv4PseudoHeaderChecksum) { check({"v3_ipv4", 3, 52, 150, 10, {"192.0.2.252"}, nullptr}); }
TEST(VrrpGolden, V3Ipv4PriorityZero) { check({"v3_ipv4_prio0", 3, 52, 0, 10, {"192.0.2.252"}, nullptr}); }
TEST(VrrpGolden, V3Ipv4Unicast) { check({"v3_ipv4_unicast", 3, 52, 150, 10, {"192.0.2.252"}, nullptr}); }
TEST(VrrpGolden, V3Ipv4UnicastWithKeepalivedsOldChecksum) {
    check({"v3_ipv4_unicast_oldcsum", 3, 52, 150, 10, {"192.0.2.252"}, nullptr});
}
TEST(VrrpGolden, V3Ipv6) { check({"v3_ipv6", 3, 53, 200, 100, {"2001:db8::253"}, nullptr}); }
TEST(VrrpGolden, V3Ipv6PriorityZero) { check({"v3_ipv6_prio0", 3, 53, 0, 100, {"2001:db8::253"}, nullptr}); }

TEST(VrrpGolden, TheCapturedChecksumIsTheVariantTheFixtureNames) {
    auto g = load("v3_ipv4");
    EXPECT_EQ(g.checksum_variant, "ipv4-pseudo-header");
    auto d = decode(split(g.ip_packet));
    ASSERT_TRUE(d.advert);
    EXPECT_EQ(d.checksum, Checksum::PseudoHeader);
    // RFC 9568's form of the same advert differs, and is accepted too.
    auto packet = split(g.ip_packet);
    auto plain = encode(*d.advert, packet.src, packet.dst, Checksum::Rfc9568);
    EXPECT_NE(std::vector<uint8_t>(packet.message.begin(), packet.message.end()), plain);
    packet.message = plain;
    auto again = decode(packet);
    ASSERT_TRUE(again.advert);
    EXPECT_EQ(again.checksum, Checksum::Rfc9568);
}

TEST(VrrpGolden, ACorruptedCaptureIsDropped) {
    auto g = load("v3_ipv6");
    g.ip_packet.back() ^= 0x01;  // the last byte of the VIP
    EXPECT_EQ(decode(split(g.ip_packet)).reason, DropReason::Checksum);
}
