// SPDX-License-Identifier: Apache-2.0
// The VRRP codec: round trips for every version/family/checksum variant, and
// one test per receive rule (each bad packet dropped with its reason).
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "vrrp/packet.h"

using namespace vigil;
using namespace vigil::vrrp;

namespace {

net::IpAddress ip(const char* s) { return *net::IpAddress::parse(s); }

Advert v2_advert() {
    Advert a;
    a.version = 2;
    a.vrid = 51;
    a.priority = 100;
    a.interval_cs = 100;
    a.auth_type = kAuthPass;
    a.auth_data = pass_auth_data("8SSmX60h");
    a.addresses = {ip("192.0.2.251")};
    return a;
}

Advert v3_advert(const char* vip) {
    Advert a;
    a.version = 3;
    a.vrid = 52;
    a.priority = 150;
    a.interval_cs = 10;
    a.addresses = {ip(vip)};
    return a;
}

Received received(const std::vector<uint8_t>& m, const char* src, const char* dst, int ttl = 255) {
    Received r;
    r.src = ip(src);
    r.dst = ip(dst);
    r.family = r.src.family();
    r.ttl = ttl;
    r.message = m;
    return r;
}

DropReason drop(const std::vector<uint8_t>& m, const char* src = "192.0.2.1", const char* dst = "224.0.0.18", int ttl = 255) {
    auto d = decode(received(m, src, dst, ttl));
    EXPECT_FALSE(d.advert);
    return d.reason;
}

// Sets the checksum of a v2 message after a test edited it, so only the edit is wrong.
void fix_v2_checksum(std::vector<uint8_t>& m) {
    m[6] = m[7] = 0;
    uint16_t sum = internet_checksum({m});
    m[6] = static_cast<uint8_t>(sum >> 8);
    m[7] = static_cast<uint8_t>(sum);
}

}  // namespace

TEST(VrrpCodec, V2PassRoundTrip) {
    auto m = encode(v2_advert(), ip("192.0.2.1"), ip("224.0.0.18"));
    ASSERT_EQ(m.size(), 8u + 4 + 8);
    EXPECT_EQ(m[0], 0x21);
    EXPECT_EQ(m[4], kAuthPass);
    EXPECT_EQ(m[5], 1) << "v2 carries whole seconds";
    EXPECT_EQ(std::string(m.end() - 8, m.end()), "8SSmX60h");
    auto d = decode(received(m, "192.0.2.1", "224.0.0.18"));
    ASSERT_TRUE(d.advert) << drop_reason_name(d.reason);
    EXPECT_EQ(d.advert->vrid, 51);
    EXPECT_EQ(d.advert->priority, 100);
    EXPECT_EQ(d.advert->interval_cs, 100);
    EXPECT_EQ(d.advert->auth_data, pass_auth_data("8SSmX60h"));
    EXPECT_EQ(d.advert->addresses, std::vector<net::IpAddress>{ip("192.0.2.251")});
}

TEST(VrrpCodec, V3Ipv4BothChecksumsAreAcceptedAndTold) {
    for (auto variant : {Checksum::PseudoHeader, Checksum::Rfc9568}) {
        auto m = encode(v3_advert("192.0.2.252"), ip("192.0.2.1"), ip("224.0.0.18"), variant);
        ASSERT_EQ(m.size(), 12u);
        EXPECT_EQ(m[0], 0x31);
        EXPECT_EQ(m[4] << 8 | m[5], 10) << "v3 carries centiseconds";
        auto d = decode(received(m, "192.0.2.1", "224.0.0.18"));
        ASSERT_TRUE(d.advert) << drop_reason_name(d.reason);
        EXPECT_EQ(d.checksum, variant);
        EXPECT_EQ(d.advert->interval_cs, 10);
    }
    auto pseudo = encode(v3_advert("192.0.2.252"), ip("192.0.2.1"), ip("224.0.0.18"), Checksum::PseudoHeader);
    auto plain = encode(v3_advert("192.0.2.252"), ip("192.0.2.1"), ip("224.0.0.18"), Checksum::Rfc9568);
    EXPECT_NE(pseudo, plain) << "the variants differ, so the test above can tell them apart";
}

TEST(VrrpCodec, V3Ipv6RoundTripWithTheIpv6PseudoHeader) {
    auto a = v3_advert("2001:db8::253");
    a.addresses.push_back(ip("2001:db8::254"));
    auto m = encode(a, ip("fe80::1"), ip("ff02::12"));
    ASSERT_EQ(m.size(), 8u + 32);
    auto d = decode(received(m, "fe80::1", "ff02::12"));
    ASSERT_TRUE(d.advert) << drop_reason_name(d.reason);
    EXPECT_EQ(d.advert->addresses, a.addresses);
    // The pseudo-header binds the source: the same bytes from another host fail.
    EXPECT_EQ(drop(m, "fe80::2", "ff02::12"), DropReason::Checksum);
}

TEST(VrrpCodec, TwelveBitIntervalUsesTheWholeField) {
    auto a = v3_advert("192.0.2.252");
    a.interval_cs = 4095;
    auto d = decode(received(encode(a, ip("192.0.2.1"), ip("224.0.0.18")), "192.0.2.1", "224.0.0.18"));
    ASSERT_TRUE(d.advert);
    EXPECT_EQ(d.advert->interval_cs, 4095);
}

TEST(VrrpReceiveRules, TtlMustBe255ForMulticast) {
    auto m = encode(v2_advert(), ip("192.0.2.1"), ip("224.0.0.18"));
    EXPECT_EQ(drop(m, "192.0.2.1", "224.0.0.18", 254), DropReason::Ttl);
    auto m6 = encode(v3_advert("2001:db8::1"), ip("fe80::1"), ip("ff02::12"));
    EXPECT_EQ(drop(m6, "fe80::1", "ff02::12", 1), DropReason::Ttl);
    // Unicast adverts may cross routers.
    auto u = encode(v2_advert(), ip("192.0.2.1"), ip("192.0.2.2"));
    EXPECT_TRUE(decode(received(u, "192.0.2.1", "192.0.2.2", 63)).advert);
}

TEST(VrrpReceiveRules, UnknownVersion) {
    auto m = encode(v2_advert(), ip("192.0.2.1"), ip("224.0.0.18"));
    m[0] = 0x41;
    fix_v2_checksum(m);
    EXPECT_EQ(drop(m), DropReason::Version);
}

TEST(VrrpReceiveRules, NotAnAdvertisement) {
    auto m = encode(v2_advert(), ip("192.0.2.1"), ip("224.0.0.18"));
    m[0] = 0x22;
    fix_v2_checksum(m);
    EXPECT_EQ(drop(m), DropReason::Type);
}

TEST(VrrpReceiveRules, TruncatedHeaderAndCountOverflow) {
    auto m = encode(v2_advert(), ip("192.0.2.1"), ip("224.0.0.18"));
    EXPECT_EQ(drop(std::vector<uint8_t>(m.begin(), m.begin() + 7)), DropReason::Length);
    EXPECT_EQ(drop(std::vector<uint8_t>(m.begin(), m.end() - 1)), DropReason::Length) << "auth data cut short";
    m[3] = 200;  // claims 200 addresses
    fix_v2_checksum(m);
    EXPECT_EQ(drop(m), DropReason::Length);
    EXPECT_EQ(drop({}), DropReason::Length);
}

TEST(VrrpReceiveRules, BadChecksum) {
    auto m = encode(v2_advert(), ip("192.0.2.1"), ip("224.0.0.18"));
    m[2] ^= 0x01;  // priority changed in flight
    EXPECT_EQ(drop(m), DropReason::Checksum);
    auto v3 = encode(v3_advert("192.0.2.252"), ip("192.0.2.1"), ip("224.0.0.18"));
    v3[7] ^= 0xff;
    EXPECT_EQ(drop(v3), DropReason::Checksum);
}

TEST(VrrpReceiveRules, AddressCountZero) {
    auto a = v2_advert();
    a.addresses.clear();
    EXPECT_EQ(drop(encode(a, ip("192.0.2.1"), ip("224.0.0.18"))), DropReason::NoAddresses);
}

TEST(VrrpReceiveRules, Version2OverIpv6) {
    auto a = v2_advert();
    a.addresses = {ip("2001:db8::1")};
    auto m = encode(a, ip("fe80::1"), ip("ff02::12"));
    EXPECT_EQ(drop(m, "fe80::1", "ff02::12"), DropReason::Family);
}

TEST(VrrpReceiveRules, InstanceChecksVersionAuthAndV2Interval) {
    Expectation e;
    e.version = 2;
    e.interval_cs = 100;
    e.auth_type = kAuthPass;
    e.auth_data = pass_auth_data("8SSmX60h");
    auto a = v2_advert();
    EXPECT_EQ(check_for_instance(a, e), std::nullopt) << "the control case passes";

    auto wrong_pass = a;
    wrong_pass.auth_data = pass_auth_data("guess");
    EXPECT_EQ(check_for_instance(wrong_pass, e), DropReason::Auth);
    auto no_auth = a;
    no_auth.auth_type = kAuthNone;
    EXPECT_EQ(check_for_instance(no_auth, e), DropReason::Auth);
    auto slow = a;
    slow.interval_cs = 200;
    EXPECT_EQ(check_for_instance(slow, e), DropReason::Interval);
    auto v3 = v3_advert("192.0.2.251");
    EXPECT_EQ(check_for_instance(v3, e), DropReason::Version);

    // VRRPv3 adverts may carry another interval: backups adopt the master's.
    Expectation e3;
    e3.version = 3;
    e3.interval_cs = 100;
    EXPECT_EQ(check_for_instance(v3, e3), std::nullopt);
}

// check_unicast_src: a unicast instance hears only its peers (on by default)
// and, over IPv6, link-local sources (no router forwards them);
// multicast vs unicast as the instance is, whatever the source.
TEST(VrrpReceiveRules, UnicastAdvertsOnlyFromAPeer) {
    std::vector<uint8_t> m;  // the sender checks need no message
    Expectation unicast;
    unicast.peers = {ip("192.0.2.12"), ip("192.0.2.13")};
    EXPECT_EQ(check_sender(received(m, "192.0.2.13", "192.0.2.11"), unicast), std::nullopt) << "the control: a peer";
    EXPECT_EQ(check_sender(received(m, "192.0.2.66", "192.0.2.11"), unicast), DropReason::NotAPeer);
    EXPECT_EQ(check_sender(received(m, "192.0.2.12", "224.0.0.18"), unicast), DropReason::Destination);
    EXPECT_STREQ(drop_reason_name(DropReason::NotAPeer), "not_a_peer");

    auto any_source = unicast;
    any_source.check_source = false;  // check_unicast_src = no (keepalived's default)
    EXPECT_EQ(check_sender(received(m, "192.0.2.66", "192.0.2.11"), any_source), std::nullopt);

    Expectation multicast;
    EXPECT_EQ(check_sender(received(m, "192.0.2.66", "224.0.0.18"), multicast), std::nullopt) << "multicast: any source";
    EXPECT_EQ(check_sender(received(m, "192.0.2.12", "192.0.2.11"), multicast), DropReason::Destination);

    Expectation v6;
    v6.peers = {ip("2001:db8::12")};
    EXPECT_EQ(check_sender(received(m, "2001:db8::12", "2001:db8::11"), v6), std::nullopt) << "the control: a peer";
    EXPECT_EQ(check_sender(received(m, "2001:db8::66", "2001:db8::11"), v6), DropReason::NotAPeer) << "global, not a peer";
    EXPECT_EQ(check_sender(received(m, "2001:db8::66", "2001:db8::11", 64), v6), DropReason::NotAPeer);
    // A peer named by its global address sends from its link-local one.
    EXPECT_EQ(check_sender(received(m, "fe80::2", "2001:db8::11"), v6), std::nullopt) << "link-local, on this link";
    EXPECT_EQ(check_sender(received(m, "fe80::3", "fe80::1"), v6), std::nullopt) << "link-local, on this link";
    EXPECT_EQ(check_sender(received(m, "fe80::2", "2001:db8::11", 64), v6), std::nullopt)
        << "keepalived's hop limit 64: no router forwards a link-local source";
    auto v6_any = v6;
    v6_any.check_source = false;
    EXPECT_EQ(check_sender(received(m, "2001:db8::66", "2001:db8::11", 64), v6_any), std::nullopt);
    EXPECT_EQ(check_sender(received(m, "fe80::2", "ff02::12"), v6), DropReason::Destination) << "still unicast only";
    Expectation v6_link_local_peer;
    v6_link_local_peer.peers = {ip("fe80::2")};
    EXPECT_EQ(check_sender(received(m, "fe80::2", "fe80::1", 64), v6_link_local_peer), std::nullopt)
        << "a listed peer needs no hop limit";
}

TEST(VrrpIpv4, SplitsTheHeaderAndChecksProtocol) {
    auto m = encode(v2_advert(), ip("192.0.2.1"), ip("224.0.0.18"));
    std::vector<uint8_t> d = {0x45, 0xc0, 0, static_cast<uint8_t>(20 + m.size()), 0, 0, 0, 0, 255, 112, 0, 0,
                              192,  0,    2, 1,  224, 0, 0, 18};
    d.insert(d.end(), m.begin(), m.end());
    auto s = split_ipv4(d);
    ASSERT_TRUE(s.packet);
    EXPECT_EQ(s.packet->src, ip("192.0.2.1"));
    EXPECT_EQ(s.packet->dst, ip("224.0.0.18"));
    EXPECT_EQ(s.packet->ttl, 255);
    EXPECT_EQ(s.packet->message.size(), m.size());
    EXPECT_TRUE(decode(*s.packet).advert);

    auto not_vrrp = d;
    not_vrrp[9] = 17;
    EXPECT_FALSE(split_ipv4(not_vrrp).packet);
    auto bad_ihl = d;
    bad_ihl[0] = 0x4f;  // claims a 60-byte header in a 40-byte packet
    EXPECT_FALSE(split_ipv4(bad_ihl).packet);
    EXPECT_FALSE(split_ipv4(std::vector<uint8_t>(d.begin(), d.begin() + 19)).packet);
    auto ipv6 = d;
    ipv6[0] = 0x65;
    EXPECT_FALSE(split_ipv4(ipv6).packet);
}

TEST(VrrpCodec, RandomInputNeverCrashesAndAlwaysGivesAReason) {
    std::mt19937 rng(12345);
    size_t decoded = 0;
    std::set<size_t> reasons;
    for (int i = 0; i < 200000; ++i) {
        std::vector<uint8_t> m(rng() % 64);
        for (auto& b : m) b = static_cast<uint8_t>(rng());
        // Plausible headers half the time, v2 and v3 alike.
        if (!m.empty() && i % 2) m[0] = static_cast<uint8_t>((2 + (i / 2) % 2) << 4 | 1);
        if (m.size() >= 8 && i % 4 == 1) fix_v2_checksum(m);  // v2 with a valid checksum: the later rules run
        auto d = decode(received(m, i % 3 ? "192.0.2.1" : "fe80::1", i % 3 ? "224.0.0.18" : "ff02::12"));
        if (d.advert) {
            ++decoded;
            EXPECT_GT(d.advert->addresses.size(), 0u);
        } else {
            EXPECT_LT(static_cast<size_t>(d.reason), kDropReasonCount);
            reasons.insert(static_cast<size_t>(d.reason));
        }
        split_ipv4(m);
    }
    EXPECT_LT(decoded, 200000u);
    // The input reaches past the first checks: several different rules refuse it.
    EXPECT_GE(reasons.size(), 6u) << reasons.size();
    EXPECT_GT(decoded, 0u);
}
