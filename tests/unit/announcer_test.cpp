// SPDX-License-Identifier: Apache-2.0
// The gratuitous ARP and unsolicited NA vigil sends when it becomes master,
// byte for byte (keepalived's shapes: vrrp_arp.c, vrrp_ndisc.c).
#include <gtest/gtest.h>

#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <sys/socket.h>

#include <cstring>

#include "net/announcer.h"
#include "veth_instance.h"

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

// [global] garp_interval / gna_interval: messages on one interface are spaced
// by at least the gap, sent from the loop; NAs keep their own pace.
TEST(Announcer, PacingSpacesABurstOnTheWire) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_TRUE(vigil::test::make_veth());
    auto vt0 = read_interface("vt0");
    int rx = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ARP));
    ASSERT_GE(rx, 0);
    sockaddr_ll bind_to{};
    bind_to.sll_family = AF_PACKET;
    bind_to.sll_protocol = htons(ETH_P_ARP);
    bind_to.sll_ifindex = static_cast<int>(read_interface("vt1").index);
    ASSERT_EQ(bind(rx, reinterpret_cast<sockaddr*>(&bind_to), sizeof bind_to), 0);
    int on = 1;
    setsockopt(rx, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    // Kernel receive times of the gratuitous ARPs that arrived so far.
    std::vector<std::chrono::nanoseconds> arrivals;
    auto receive = [&] {
        uint8_t buf[64];
        alignas(cmsghdr) char control[64];
        iovec iov{buf, sizeof buf};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        while (recvmsg(rx, &msg, 0) == 28) {
            for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                    timespec ts;
                    std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
                    arrivals.push_back(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
                }
            msg.msg_controllen = sizeof control;
        }
        return arrivals.size();
    };
    auto vip = *IpAddress::parse("192.0.2.251"), vip6 = *IpAddress::parse("2001:db8::251");

    vigil::test::Loop loop;
    Announcer announcer;
    // Control: no pacing, the burst leaves at once.
    announcer.set_pacing(loop.base, std::chrono::microseconds{0}, std::chrono::microseconds{0});
    for (int i = 0; i < 5; ++i) EXPECT_EQ(announcer.announce(vt0.index, vt0.mac, vip), "");
    EXPECT_EQ(announcer.queued(), 0u);
    ASSERT_TRUE(loop.until([&] { return receive() == 5; }));
    EXPECT_LT(arrivals.back() - arrivals.front(), std::chrono::milliseconds(100)) << "(a paced burst takes 160 ms)";

    arrivals.clear();
    announcer.set_pacing(loop.base, std::chrono::milliseconds(40), std::chrono::microseconds{0});
    // The metrics' counts: a message counts as it leaves, a refused one as a failure.
    auto counts = std::make_shared<AnnounceCounts>();
    for (int i = 0; i < 5; ++i) EXPECT_EQ(announcer.announce(vt0.index, vt0.mac, vip, counts), "");
    EXPECT_EQ(announcer.queued(), 4u) << "the first goes at once, the others wait their turn";
    EXPECT_EQ(counts->arps_sent, 1u);
    // Sent at once (and refused by the kernel: 2001:db8::251 is not on vt0).
    EXPECT_NE(announcer.announce(vt0.index, vt0.mac, vip6, counts), "");
    EXPECT_EQ(counts->failed, 1u);
    EXPECT_EQ(counts->nas_sent, 0u);
    EXPECT_EQ(announcer.queued(), 4u) << "NAs are not paced by garp_interval";
    ASSERT_TRUE(loop.until([&] { return receive() == 5; }));
    for (size_t i = 1; i < arrivals.size(); ++i)
        EXPECT_GE(arrivals[i] - arrivals[i - 1], std::chrono::microseconds(39'000)) << "between ARP " << i - 1 << " and " << i;
    EXPECT_EQ(announcer.queued(), 0u);
    EXPECT_EQ(counts->arps_sent, 5u);
    EXPECT_EQ(counts->failed, 1u);
    close(rx);
}
