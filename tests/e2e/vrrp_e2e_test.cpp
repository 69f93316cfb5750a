// SPDX-License-Identifier: Apache-2.0
// vigild hosts in a namespace lab: election, failover, handover, preemption,
// IPv6, unicast, sync groups, link faults. VIP presence is what is asserted:
// it is what a user's clients see.
#include "e2e_helpers.h"

#include <thread>

using namespace vigil::test;

namespace {
const std::string kVip = "192.0.2.251";
const std::string kVip6 = "2001:db8::251";
}  // namespace

TEST(VrrpE2E, TwoHostsElectFailOverAndPreemptBack) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    auto cfg = [](int prio) { return vrrp_instance("VI_1", 51, prio, kVip + "/24 label eth0:vip1", "auth_pass = 8SSmX60h\n"); };
    lab.start_vigild(1, cfg(100));
    lab.start_vigild(2, cfg(99));
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    // Started together, both may claim the role for a moment; then h1 alone holds it.
    EXPECT_TRUE(wait_for([&] { return lab.holders(kVip) == std::vector<int>{1}; })) << lab.log(2);
    auto labels = run({kIp, "-n", lab.ns(1), "-o", "addr", "show", "dev", "eth0"}).out;
    EXPECT_NE(labels.find("eth0:vip1"), std::string::npos) << labels;

    // A crash of the whole vigild (supervisor and worker): no goodbye; the
    // backup takes over after the master down interval.
    lab.crash_vigild(1);
    ASSERT_TRUE(lab.wait_address(2, kVip, true)) << lab.log(2);
    EXPECT_TRUE(lab.log_has(2, "VI_1: BACKUP -> MASTER (master down timer expired: no advert from 192.0.2.11)"));

    // The restarted host first clears the VIP its crash left (its supervisor
    // resigns from the held file before the worker starts), then preempts.
    ASSERT_TRUE(lab.has_address(1, kVip)) << "a killed daemon leaves its VIP behind";
    lab.start_vigild(1, cfg(100));
    ASSERT_TRUE(lab.wait_log(1, "supervisor: resigned VI_1 for a vigild killed with its worker: priority 0 sent 1 time(s), 1 VIP(s)"))
        << "log of h1:\n" << lab.log(1);
    ASSERT_TRUE(lab.wait_address(2, kVip, false)) << lab.log(2);
    EXPECT_TRUE(lab.wait_address(1, kVip, true));
    EXPECT_TRUE(lab.log_has(1, "VI_1: BACKUP -> MASTER (preempting lower-priority master 192.0.2.12 (priority 99))"));
}

TEST(VrrpE2E, SigtermHandsOverAfterTheSkewTime) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    lab.start_vigild(1, vrrp_instance("VI_1", 51, 100, kVip + "/24", fast()));
    lab.start_vigild(2, vrrp_instance("VI_1", 51, 99, kVip + "/24", fast()));
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    auto status = lab.stop_vigild(1, SIGTERM);
    ASSERT_TRUE(status);
    EXPECT_EQ(*status, 0);
    EXPECT_FALSE(lab.has_address(1, kVip)) << "a stopping master removes its VIPs";
    ASSERT_TRUE(lab.wait_address(2, kVip, true, 2s)) << lab.log(2);
    EXPECT_TRUE(lab.log_has(1, "VI_1: MASTER -> STOP (stopping)"));
    EXPECT_TRUE(lab.log_has(2, "VI_1: BACKUP -> MASTER (the master resigned (priority 0))")) << lab.log(2);
}

TEST(VrrpE2E, NopreemptKeepsTheRunningMaster) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    lab.start_vigild(2, vrrp_instance("VI_1", 51, 99, kVip + "/24", fast()));
    ASSERT_TRUE(lab.wait_address(2, kVip, true)) << lab.log(2);
    lab.start_vigild(1, vrrp_instance("VI_1", 51, 100, kVip + "/24", fast("preempt = no\n")), "info");
    ASSERT_TRUE(heard_adverts(lab, 1, "VI_1", 20)) << "log of h1:\n" << lab.log(1) << "log of h2:\n" << lab.log(2);
    EXPECT_EQ(lab.holders(kVip), std::vector<int>{2});
    EXPECT_FALSE(lab.log_has(1, "-> MASTER"));
    // Control: the same host with preemption takes over.
    lab.stop_vigild(1);
    lab.start_vigild(1, vrrp_instance("VI_1", 51, 100, kVip + "/24", fast()));
    EXPECT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    EXPECT_TRUE(lab.wait_address(2, kVip, false));
}

TEST(VrrpE2E, Ipv6ElectsAndFailsOver) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    lab.start_vigild(1, vrrp_instance("VI_6", 61, 100, kVip6 + "/64", fast()));
    lab.start_vigild(2, vrrp_instance("VI_6", 61, 99, kVip6 + "/64", fast()));
    ASSERT_TRUE(lab.wait_address(1, kVip6, true)) << lab.log(1);
    EXPECT_TRUE(wait_for([&] { return lab.holders(kVip6) == std::vector<int>{1}; })) << lab.log(2);
    lab.crash_vigild(1);
    ASSERT_TRUE(lab.wait_address(2, kVip6, true, 3s)) << lab.log(2);
    EXPECT_TRUE(lab.log_has(2, "no advert from fe80::")) << "IPv6 adverts come from the link-local address";
}

TEST(VrrpE2E, UnicastPeersIgnoreMulticastAndFailOver) {
    Lab lab(3);
    REQUIRE_LAB(lab);
    auto unicast = [](int self, int peer) {
        return fast("unicast_src = " + Lab::address(self) + "\nunicast_peer = " + Lab::address(peer) + "\n");
    };
    lab.start_vigild(1, vrrp_instance("VI_U", 51, 100, kVip + "/24", unicast(1, 2)));
    lab.start_vigild(2, vrrp_instance("VI_U", 51, 99, kVip + "/24", unicast(2, 1)));
    // A multicast router with the same VRID and a higher priority on the same
    // segment: unicast instances must not obey it.
    lab.start_vigild(3, vrrp_instance("VI_M", 51, 200, "192.0.2.253/24", fast()));
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    ASSERT_TRUE(lab.wait_address(3, "192.0.2.253", true)) << lab.log(3);
    ASSERT_TRUE(heard_adverts(lab, 2, "VI_U", 20));
    EXPECT_EQ(lab.holders(kVip), std::vector<int>{1});
    lab.crash_vigild(1);
    EXPECT_TRUE(lab.wait_address(2, kVip, true, 3s)) << lab.log(2);
}

TEST(VrrpE2E, SyncGroupMovesTogetherOnAnInterfaceFault) {
    Lab lab(2, 2);
    REQUIRE_LAB(lab);
    auto cfg = [](int prio) {
        return vrrp_instance("VI_1", 51, prio, kVip + "/24", fast()) +
               vrrp_instance("VI_2", 52, prio, "192.0.2.252/24", fast(), "eth1") + "[group G]\ninstances = VI_1 VI_2\n";
    };
    lab.start_vigild(1, cfg(100));
    lab.start_vigild(2, cfg(99));
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    ASSERT_TRUE(lab.wait_address(1, "192.0.2.252", true, 10s, "eth1")) << lab.log(1);

    ASSERT_TRUE(lab.set_link(1, false, 1));  // only eth1 fails
    ASSERT_TRUE(lab.wait_address(2, kVip, true, 3s)) << lab.log(2);
    EXPECT_TRUE(lab.wait_address(2, "192.0.2.252", true, 3s, "eth1"));
    EXPECT_TRUE(lab.wait_address(1, kVip, false)) << "VI_1's link is fine, but its group faulted";
    EXPECT_TRUE(lab.log_has(1, "VI_1: MASTER -> FAULT (sync group G: interface eth1 went down)")) << lab.log(1);

    ASSERT_TRUE(lab.set_link(1, true, 1));
    EXPECT_TRUE(lab.wait_address(1, kVip, true, 3s)) << lab.log(1);
    EXPECT_TRUE(lab.wait_address(1, "192.0.2.252", true, 3s, "eth1"));
    EXPECT_TRUE(lab.wait_address(2, kVip, false));
}

TEST(VrrpE2E, InterfaceDownAndCarrierLossGiveFault) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    lab.start_vigild(1, vrrp_instance("VI_1", 51, 100, kVip + "/24", fast()));
    lab.start_vigild(2, vrrp_instance("VI_1", 51, 99, kVip + "/24", fast()));
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);

    ASSERT_TRUE(lab.set_link(1, false));
    ASSERT_TRUE(lab.wait_log(1, "VI_1: MASTER -> FAULT (interface eth0 went down)")) << lab.log(1);
    EXPECT_FALSE(lab.has_address(1, kVip));
    EXPECT_TRUE(lab.wait_address(2, kVip, true, 3s)) << lab.log(2);
    ASSERT_TRUE(lab.set_link(1, true));
    EXPECT_TRUE(lab.wait_log(1, "VI_1: FAULT -> BACKUP (interface eth0 came up)")) << lab.log(1);
    EXPECT_TRUE(lab.wait_address(1, kVip, true, 3s));

    // The cable pulled at the switch: the link stays up, the carrier goes.
    ASSERT_TRUE(lab.set_port(1, false));
    EXPECT_TRUE(lab.wait_log(1, "VI_1: MASTER -> FAULT (interface eth0 went down)", 3s));
    EXPECT_TRUE(lab.wait_address(2, kVip, true, 3s));
    ASSERT_TRUE(lab.set_port(1, true));
    EXPECT_TRUE(lab.wait_address(1, kVip, true, 3s)) << lab.log(1);
}

TEST(VrrpE2E, ThreeHostsFailOverInPriorityOrder) {
    Lab lab(3);
    REQUIRE_LAB(lab);
    lab.start_vigild(1, vrrp_instance("VI_1", 51, 100, kVip + "/24", fast()));
    lab.start_vigild(2, vrrp_instance("VI_1", 51, 90, kVip + "/24", fast()));
    // Priority 20, not 80: at 0.1 s the skews of 90 and 80 differ by 4 ms, less
    // than a busy 2-core machine may delay a timer; 90 and 20 differ by 28 ms.
    lab.start_vigild(3, vrrp_instance("VI_1", 51, 20, kVip + "/24", fast()));
    ASSERT_TRUE(wait_for([&] { return lab.holders(kVip) == std::vector<int>{1}; })) << lab.log(1);
    auto h3_before = lab.log(3).size();  // the start-up election may have taken a detour
    lab.crash_vigild(1);
    ASSERT_TRUE(lab.wait_address(2, kVip, true, 3s)) << lab.log(2);
    EXPECT_EQ(lab.log(3).find("-> MASTER", h3_before), std::string::npos) << "the lower backup waits longer (skew) and hears h2 first";
    lab.crash_vigild(2);
    EXPECT_TRUE(lab.wait_address(3, kVip, true, 3s)) << lab.log(3);
}

TEST(VrrpE2E, AnOwnerTakesItsAddressAtOnce) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    lab.start_vigild(2, vrrp_instance("VI_1", 51, 100, kVip + "/24", fast()));
    ASSERT_TRUE(lab.wait_address(2, kVip, true)) << lab.log(2);
    lab.start_vigild(1, vrrp_instance("VI_1", 51, 255, kVip + "/24", fast()));
    EXPECT_TRUE(lab.wait_log(1, "VI_1: INIT -> MASTER (address owner (priority 255))")) << lab.log(1);
    EXPECT_TRUE(lab.wait_address(2, kVip, false, 2s));
}

// The control is the test above: without the delay the owner is master at once.
TEST(VrrpE2E, StartupDelayKeepsEvenAnOwnerBackupAndSilent) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    lab.start_vigild(2, vrrp_instance("VI_1", 51, 100, kVip + "/24", fast()));
    ASSERT_TRUE(lab.wait_address(2, kVip, true)) << lab.log(2);
    auto started = std::chrono::steady_clock::now();
    auto since = [&] { return std::chrono::steady_clock::now() - started; };
    lab.start_vigild(1, "startup_delay = 1.5s\n" + vrrp_instance("VI_1", 51, 255, kVip + "/24", fast()));
    ASSERT_TRUE(lab.wait_log(1, "VI_1: INIT -> BACKUP (starting; startup_delay: not MASTER for")) << lab.log(1);
    // One advert from the owner would make h2 yield: throughout the delay h2
    // keeps the VIP and h1 has none.
    while (since() < 1300ms) {
        ASSERT_TRUE(lab.has_address(2, kVip)) << "h1 spoke during its startup delay\n" << lab.log(1);
        ASSERT_FALSE(lab.has_address(1, kVip));
        std::this_thread::sleep_for(20ms);  // a check every 20 ms, not a fork storm
    }
    ASSERT_TRUE(lab.wait_address(1, kVip, true, 5s)) << lab.log(1);
    EXPECT_GE(since(), 1500ms);
    EXPECT_TRUE(lab.wait_address(2, kVip, false, 2s)) << lab.log(2);
}

TEST(VrrpE2E, ANewMasterAnnouncesItselfToTheSegment) {
    Lab lab(3);
    REQUIRE_LAB(lab);
    lab.start_vigild(1, vrrp_instance("VI_1", 51, 100, kVip + "/24", fast()) + vrrp_instance("VI_6", 61, 100, kVip6 + "/64", fast()));
    lab.start_vigild(2, vrrp_instance("VI_1", 51, 99, kVip + "/24", fast()) + vrrp_instance("VI_6", 61, 99, kVip6 + "/64", fast()));
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    ASSERT_TRUE(lab.wait_address(1, kVip6, true)) << lab.log(1);
    // h3 is a client: it learns the VIPs' MAC addresses by talking to them once.
    ASSERT_TRUE(lab.in(3, {"ping", "-c1", "-W2", kVip}));
    ASSERT_TRUE(lab.in(3, {"ping", "-c1", "-W2", kVip6}));
    auto mac = [&](int host) {
        auto out = run({kIp, "-n", lab.ns(host), "-o", "link", "show", "eth0"}).out;
        auto at = out.find("link/ether ");
        return out.substr(at + 11, 17);
    };
    auto neighbour = [&](const std::string& address) {
        auto out = run({kIp, "-n", lab.ns(3), "neigh", "show", address}).out;
        auto at = out.find("lladdr ");
        return at == std::string::npos ? std::string() : out.substr(at + 7, 17);
    };
    ASSERT_EQ(neighbour(kVip), mac(1));
    ASSERT_EQ(neighbour(kVip6), mac(1));
    lab.crash_vigild(1);
    ASSERT_TRUE(lab.wait_address(2, kVip, true, 3s)) << lab.log(2);
    // Without h3 sending anything, the gratuitous ARP / unsolicited NA of the
    // new master repoint its entries.
    EXPECT_TRUE(wait_for([&] { return neighbour(kVip) == mac(2); }, 3s)) << neighbour(kVip);
    EXPECT_TRUE(wait_for([&] { return neighbour(kVip6) == mac(2); }, 3s)) << neighbour(kVip6);
}

TEST(VrrpE2E, AnOwnerOfItsOwnAddressAdvertisesFromItAndKeepsIt) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    // h1's eth0 has only 192.0.2.11 (and IPv6): the VIP is its own address.
    const std::string own = Lab::address(1);
    lab.start_vigild(1, vrrp_instance("VI_1", 51, 255, own + "/24", fast()));
    lab.start_vigild(2, vrrp_instance("VI_1", 51, 100, own + "/24", fast()));
    ASSERT_TRUE(heard_adverts(lab, 2, "VI_1", 10)) << lab.log(1) << lab.log(2);
    EXPECT_FALSE(lab.log_has(1, "cannot advertise")) << lab.log(1);
    EXPECT_FALSE(lab.log_has(2, "-> MASTER")) << "the owner's adverts keep h2 backup";
    EXPECT_FALSE(lab.has_address(2, own));
    lab.stop_vigild(1, SIGTERM);
    EXPECT_TRUE(lab.has_address(1, own)) << "an address vigild did not add is not vigild's to remove";
    EXPECT_TRUE(lab.wait_address(2, own, true, 2s)) << lab.log(2);
}

TEST(VrrpE2E, AReloadRestartsOnlyTheInstanceThatChanged) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    auto cfg = [](int prio_b) {
        return vrrp_instance("VI_A", 51, 100, kVip + "/24", fast()) +
               vrrp_instance("VI_B", 52, prio_b, "192.0.2.252/24", fast());
    };
    lab.start_vigild(1, cfg(100));
    lab.start_vigild(2, vrrp_instance("VI_A", 51, 99, kVip + "/24", fast()) +
                            vrrp_instance("VI_B", 52, 99, "192.0.2.252/24", fast()));
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    ASSERT_TRUE(lab.wait_address(1, "192.0.2.252", true)) << lab.log(1);
    auto transitions_of = [&](const std::string& name) {
        std::istringstream in(lab.log(1));
        size_t n = 0;
        for (std::string line; std::getline(in, line);)
            n += line.find(name + ": ") != std::string::npos && line.find(" -> ") != std::string::npos;
        return n;
    };
    auto a_before = transitions_of("VI_A");
    lab.dir().write("h1.conf", lab.global(1) + cfg(98));
    lab.signal_vigild(1, SIGHUP);
    ASSERT_TRUE(lab.wait_log(1, "VI_B: configuration changed; restarting it")) << lab.log(1);
    ASSERT_TRUE(lab.wait_log(1, "reloaded")) << lab.log(1);
    // VI_B now loses to h2 (98 < 99); VI_A is left alone.
    EXPECT_TRUE(lab.wait_address(2, "192.0.2.252", true, 3s)) << lab.log(2);
    EXPECT_TRUE(lab.has_address(1, kVip));
    EXPECT_EQ(transitions_of("VI_A"), a_before) << lab.log(1);
}
