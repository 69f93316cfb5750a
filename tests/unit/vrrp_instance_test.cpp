// SPDX-License-Identifier: Apache-2.0
// vrrp::Instance on a real interface (a veth, in a network namespace of the
// test's own): what it does to its VIPs as its state changes. The event loop
// does not run, so the instance hears nothing from the link monitor: as in the
// loop turn in which vigild starts, when an advert is already waiting.
#include <gtest/gtest.h>
#include <sched.h>

#include <optional>

#include "net/address_manager.h"
#include "net/announcer.h"
#include "net/interface_info.h"
#include "net/vrrp_socket.h"
#include "support/event_loop.h"
#include "veth_instance.h"

using namespace vigil;

using test::hear;
using test::ip;
using test::vip_on_vt0;

// A restart after a SIGKILL: start() removes the VIP the killed run left, and
// an advert from a lower-priority master, already waiting, makes the instance
// preempt before the link monitor has reported the removal. It must add the
// VIP again, not skip it as "already there" (bench/soak found such a master
// without its VIP, and nobody holding it for seconds). Then the same right
// after leaving MASTER, and the control: leaving MASTER removes it.
TEST(VrrpInstance, APreemptRightAfterAVipWasRemovedAddsItAgain) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_TRUE(ip({"link", "add", "vt0", "type", "veth", "peer", "name", "vt1"}) && ip({"link", "set", "vt1", "up"}) &&
                ip({"link", "set", "vt0", "up"}) &&
                ip({"addr", "add", "192.0.2.11/24", "dev", "vt0"}) &&
                ip({"addr", "add", "192.0.2.251/24", "dev", "vt0"}));
    ASSERT_TRUE(vip_on_vt0()) << "the VIP a killed run left behind";
    test::InstanceRig rig;
    vrrp::Instance instance(test::veth_instance_config(), rig.context);

    instance.start();
    ASSERT_EQ(instance.machine().state(), vrrp::State::Backup);
    ASSERT_FALSE(vip_on_vt0()) << "start() removes a VIP left by an earlier run";
    hear(instance, 100, "192.0.2.13");
    ASSERT_EQ(instance.machine().state(), vrrp::State::Master);
    EXPECT_TRUE(vip_on_vt0()) << "a master without its VIP";

    hear(instance, 200, "192.0.2.12");
    ASSERT_EQ(instance.machine().state(), vrrp::State::Backup);
    EXPECT_FALSE(vip_on_vt0()) << "a backup holding the VIP";
    hear(instance, 120, "192.0.2.12");  // the master we follow lowered its priority: preempt at once
    ASSERT_EQ(instance.machine().state(), vrrp::State::Master);
    EXPECT_TRUE(vip_on_vt0()) << "a master without its VIP, right after it left MASTER";
}

// Two instances on vt0: one with dont_track_primary, and its control without.
struct DontTrackPrimaryPair {
    explicit DontTrackPrimaryPair(test::InstanceRig& rig) : ignores(config(true), rig.context), tracks(config(false), rig.context) {}
    static config::InstanceConfig config(bool ignore_link) {
        auto c = test::veth_instance_config();
        c.dont_track_primary = ignore_link;
        if (!ignore_link) {
            c.name = "VI_2";
            c.vrid = 52;
            c.vips = {{*net::IpPrefix::parse("192.0.2.252/24"), "", "", {}}};
        }
        return c;
    }
    vrrp::Instance ignores, tracks;
};

// dont_track_primary: the instance's link going down leaves it as it is;
// control: without it, the same link change is a FAULT.
TEST(VrrpInstance, DontTrackPrimaryIgnoresTheLinkGoingDown) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_TRUE(test::make_veth());
    test::InstanceRig rig;
    DontTrackPrimaryPair pair(rig);
    auto& [ignores, tracks] = pair;
    ignores.start();
    tracks.start();
    ASSERT_EQ(ignores.machine().state(), vrrp::State::Backup);
    ASSERT_EQ(tracks.machine().state(), vrrp::State::Backup);

    ASSERT_TRUE(test::ip({"link", "set", "vt0", "down"}));
    auto down = net::read_interface("vt0");
    ASSERT_FALSE(down.usable());
    ignores.refresh_link(down);
    tracks.refresh_link(down);
    EXPECT_EQ(ignores.machine().state(), vrrp::State::Backup) << "dont_track_primary: a link down is not a FAULT";
    EXPECT_EQ(tracks.machine().state(), vrrp::State::Fault) << "control: without it, it is";
}

// The same when the link is already down as the instance starts (vigild's
// start, or a restart at a reload).
TEST(VrrpInstance, DontTrackPrimaryIgnoresALinkDownAtStart) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_TRUE(test::make_veth());
    ASSERT_TRUE(test::ip({"link", "set", "vt0", "down"}));
    test::InstanceRig rig;
    DontTrackPrimaryPair pair(rig);
    auto& [ignores, tracks] = pair;
    ignores.start();
    tracks.start();
    EXPECT_EQ(ignores.machine().state(), vrrp::State::Backup) << "dont_track_primary: a link down at start is not a FAULT";
    EXPECT_EQ(tracks.machine().state(), vrrp::State::Fault) << "control: without it, it is";
}

namespace {
// What the supervisor would be told.
struct HoldRecorder : vrrp::HoldRegistry {
    void holding(const vrrp::Hold& h) override { last = h; }
    void released(const std::string&) override { last.reset(); }
    std::optional<vrrp::Hold> last;
};
}  // namespace

// excluded_vip: a master adds it with its VIPs and removes it with them, but
// its adverts (and the priority-0 advert the supervisor keeps for it) carry
// only the `vip`s, as keepalived's virtual_ipaddress_excluded. The advert is
// read off the wire at the other end of the veth.
TEST(VrrpInstance, AnExcludedVipIsHeldButNotAdvertised) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_TRUE(test::make_veth());
    // vt0's adverts arrive on vt1 from an address of this namespace: take them.
    ASSERT_TRUE(test::run({"/usr/sbin/sysctl", "-qw", "net.ipv4.conf.vt1.accept_local=1"}).status == 0);
    const auto excluded = *net::IpAddress::parse("192.0.2.252");
    std::string problem;
    auto sender = net::VrrpSocket::open(net::Family::V4, "vt0", net::read_interface("vt0").index, problem);
    auto listener = net::VrrpSocket::open(net::Family::V4, "vt1", net::read_interface("vt1").index, problem);
    ASSERT_TRUE(sender && listener) << problem;
    HoldRecorder holds;
    test::InstanceRig rig(&holds);
    auto config = test::veth_instance_config();
    config.excluded_vips.push_back({*net::IpPrefix::parse("192.0.2.252/24"), "", "", {}});
    vrrp::Instance instance(config, rig.context);
    instance.set_socket(sender.get());
    instance.start();
    hear(instance, 100, "192.0.2.13");  // a lower-priority master: preempt
    ASSERT_EQ(instance.machine().state(), vrrp::State::Master);
    EXPECT_TRUE(vip_on_vt0());
    EXPECT_TRUE(net::read_interface("vt0").has(excluded)) << "the excluded VIP is added with the others";

    std::vector<uint8_t> buffer;
    std::optional<vrrp::Advert> advert;
    ASSERT_TRUE(test::wait_for([&] {
        vrrp::Received packet;
        while (listener->receive(buffer, packet) == net::VrrpSocket::Read::Packet)
            if (packet.src == *net::IpAddress::parse("192.0.2.11")) advert = vrrp::decode(packet).advert;
        return advert.has_value();
    }, std::chrono::seconds(2)));
    EXPECT_EQ(advert->addresses, std::vector<net::IpAddress>{test::kVethVip}) << "only the vip is advertised";

    ASSERT_TRUE(holds.last);
    EXPECT_EQ(holds.last->resign.addresses, std::vector<net::IpAddress>{test::kVethVip}) << "so is the supervisor's priority 0";
    ASSERT_EQ(holds.last->vips.size(), 2u) << "but the supervisor removes both if the worker dies";
    EXPECT_EQ(holds.last->vips[1].prefix.address, excluded);

    hear(instance, 200, "192.0.2.12");
    ASSERT_EQ(instance.machine().state(), vrrp::State::Backup);
    EXPECT_FALSE(vip_on_vt0());
    EXPECT_FALSE(net::read_interface("vt0").has(excluded)) << "and removed with them";
}

// With garp_interval, a burst is queued; a master that loses the role must
// not go on announcing the VIP it gave up (the clients would follow it).
TEST(VrrpInstance, LeavingMasterDropsItsQueuedAnnouncements) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_TRUE(test::make_veth());
    test::InstanceRig rig;
    rig.announcer.set_pacing(rig.loop.base, std::chrono::milliseconds(40), std::chrono::milliseconds(40));
    auto c = test::veth_instance_config();
    c.garp_repeat = 5;
    vrrp::Instance instance(c, rig.context);
    instance.start();
    hear(instance, 100, "192.0.2.13");
    ASSERT_EQ(instance.machine().state(), vrrp::State::Master);
    EXPECT_EQ(rig.announcer.queued(), 4u) << "one sent at once, four paced";
    hear(instance, 200, "192.0.2.12");
    ASSERT_EQ(instance.machine().state(), vrrp::State::Backup);
    EXPECT_EQ(rig.announcer.queued(), 0u) << "a backup still announcing the VIP";
}

// The metrics' counters, counted where each event happens: a state change, an
// advert the socket took or one that passed every check, an announcement as
// it leaves. Controls: sending priority 0 is not receiving it, a dropped
// priority-0 advert is no priority 0 received, a backup sends none.
TEST(VrrpInstance, CountersCountWhereTheEventHappens) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_TRUE(test::make_veth());
    std::string problem;
    auto socket = net::VrrpSocket::open(net::Family::V4, "vt0", net::read_interface("vt0").index, problem);
    ASSERT_TRUE(socket) << problem;
    test::InstanceRig rig;
    auto c = test::veth_instance_config();
    c.garp_repeat = 3;
    vrrp::Instance instance(c, rig.context);
    instance.set_socket(socket.get());
    instance.start();
    const auto& n = instance.counters();
    ASSERT_EQ(instance.machine().state(), vrrp::State::Backup);
    EXPECT_EQ(n.adverts_sent, 0u) << "a backup advertises nothing";
    EXPECT_EQ(instance.announced().arps_sent, 0u);

    hear(instance, 100, "192.0.2.13");  // a lower-priority master: preempt
    ASSERT_EQ(instance.machine().state(), vrrp::State::Master);
    EXPECT_EQ(n.became_master, 1u);
    EXPECT_EQ(n.released_master, 0u);
    EXPECT_EQ(n.adverts_received, 1u);
    EXPECT_EQ(n.adverts_sent, 1u) << "the advert that claims the role";
    EXPECT_EQ(instance.announced().arps_sent, 3u) << "garp_repeat gratuitous ARPs for the one IPv4 VIP";
    EXPECT_EQ(instance.announced().nas_sent, 0u);
    EXPECT_EQ(n.priority_zero_received + n.priority_zero_sent, 0u);

    hear(instance, 0, "192.0.2.13");  // another master resigns: we stay, and answer
    EXPECT_EQ(n.priority_zero_received, 1u);
    EXPECT_EQ(n.priority_zero_sent, 0u);
    vrrp::Advert v2;  // priority 0, but VRRPv2 to a v3 instance: dropped, not heard
    v2.version = 2;
    v2.vrid = 51;
    v2.priority = 0;
    v2.addresses = {test::kVethVip};
    vrrp::Received from;
    from.src = *net::IpAddress::parse("192.0.2.13");
    from.dst = *net::IpAddress::parse("224.0.0.18");
    from.ttl = 255;
    instance.receive(v2, from);
    EXPECT_EQ(n.drops[static_cast<size_t>(vrrp::DropReason::Version)], 1u);
    EXPECT_EQ(n.priority_zero_received, 1u) << "a dropped advert is not a priority 0 received";

    auto sent = n.adverts_sent;
    instance.set_maintenance(true);  // resigns with priority 0
    ASSERT_EQ(instance.machine().state(), vrrp::State::Backup);
    EXPECT_EQ(n.priority_zero_sent, 1u);
    EXPECT_EQ(n.adverts_sent, sent + 1) << "the priority-0 advert is an advert too";
    EXPECT_EQ(n.released_master, 1u);
    EXPECT_EQ(n.became_master, 1u);
    EXPECT_EQ(n.priority_zero_received, 1u) << "sending priority 0 is not receiving it";
    EXPECT_EQ(n.transitions, 3u) << "INIT -> BACKUP, -> MASTER, -> BACKUP";
}

// With garp_interval, an announcement counts when it leaves, not when queued;
// one dropped because the role went first never counts.
TEST(VrrpInstance, APacedAnnouncementCountsWhenItLeaves) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_TRUE(test::make_veth());
    test::InstanceRig rig;
    rig.announcer.set_pacing(rig.loop.base, std::chrono::milliseconds(20), std::chrono::milliseconds(20));
    auto c = test::veth_instance_config();
    c.garp_repeat = 4;
    vrrp::Instance instance(c, rig.context);
    instance.start();
    hear(instance, 100, "192.0.2.13");
    ASSERT_EQ(instance.machine().state(), vrrp::State::Master);
    EXPECT_EQ(instance.announced().arps_sent, 1u) << "one sent at once, three queued";
    ASSERT_TRUE(rig.loop.until([&] { return rig.announcer.queued() == 0; }));
    EXPECT_EQ(instance.announced().arps_sent, 4u);
    EXPECT_EQ(instance.announced().failed, 0u);

    instance.reannounce("test");  // a second burst, cut short by losing the role
    auto left = instance.announced().arps_sent;
    EXPECT_EQ(left + rig.announcer.queued(), 8u);
    ASSERT_GT(rig.announcer.queued(), 0u);
    hear(instance, 200, "192.0.2.12");
    ASSERT_EQ(instance.machine().state(), vrrp::State::Backup);
    EXPECT_EQ(rig.announcer.queued(), 0u);
    rig.loop.until([] { return false; }, std::chrono::milliseconds(100));  // two gaps' time for a stray one
    EXPECT_EQ(instance.announced().arps_sent, left) << "the forgotten ones were counted";
}
