// SPDX-License-Identifier: Apache-2.0
// vigild and Debian's keepalived 2.2 in one virtual router, each in each
// role, for VRRPv2 with PASS, VRRPv3 over IPv4 (keepalived's default
// checksum) and VRRPv3 over IPv6: one master, and failover both ways.
#include <unistd.h>

#include <regex>

#include "e2e_helpers.h"

using namespace vigil::test;

namespace {

struct Variant {
    const char* name;
    const char* vip;  // address/prefix
    const char* vigil_keys;
    const char* keepalived_keys;
};

const Variant kV2Pass{"v2_pass", "192.0.2.251/24", "auth_pass = 8SSmX60h\n",
                      "    advert_int 1\n    authentication {\n        auth_type PASS\n        auth_pass 8SSmX60h\n    }\n"};
const Variant kV3Ipv4{"v3_ipv4", "192.0.2.252/24", "version = 3\nadvert_int = 0.1s\n", "    version 3\n    advert_int 0.1\n"};
const Variant kV3Ipv6{"v3_ipv6", "2001:db8::253/64", "version = 3\nadvert_int = 0.1s\n", "    version 3\n    advert_int 0.1\n"};

std::string address_of(const Variant& v) {
    std::string s = v.vip;
    return s.substr(0, s.find('/'));
}

std::string keepalived_config(const Variant& v, int priority) {
    return "global_defs {\n    router_id ka\n}\n"
           "vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    virtual_router_id 51\n    priority " +
           std::to_string(priority) + "\n" + v.keepalived_keys + "    virtual_ipaddress {\n        " + v.vip + "\n    }\n}\n";
}

std::string vigil_config(const Variant& v, int priority) {
    return vrrp_instance("VI_1", 51, priority, v.vip, v.vigil_keys);
}

bool have_keepalived() { return access("/usr/sbin/keepalived", X_OK) == 0; }

// Kills every process in host h's namespace: keepalived's VRRP child would
// otherwise outlive its parent and resign gracefully, which is not a crash.
void crash(Lab& lab, int host) { lab.signal_in(host, SIGKILL); }

void vigil_master_keepalived_backup(const Variant& v) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    if (!have_keepalived()) GTEST_SKIP() << "keepalived is not installed (scripts/deps installs it)";
    auto vip = address_of(v);
    lab.start_vigild(1, vigil_config(v, 100));
    lab.start_keepalived(2, keepalived_config(v, 99));
    ASSERT_TRUE(lab.wait_address(1, vip, true)) << lab.log(1);
    ASSERT_TRUE(wait_for([&] { return lab.keepalived_log(2).find("Entering BACKUP STATE") != std::string::npos; }))
        << lab.keepalived_log(2);
    EXPECT_EQ(lab.holders(vip), std::vector<int>{1}) << "keepalived accepts vigil's adverts";

    lab.crash_vigild(1);
    ASSERT_TRUE(lab.wait_address(2, vip, true)) << lab.keepalived_log(2);

    lab.start_vigild(1, vigil_config(v, 100));
    EXPECT_TRUE(lab.wait_address(2, vip, false)) << "keepalived yields to vigil's higher priority\n" << lab.keepalived_log(2);
    EXPECT_TRUE(lab.wait_address(1, vip, true)) << lab.log(1);
}

void keepalived_master_vigil_backup(const Variant& v) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    if (!have_keepalived()) GTEST_SKIP() << "keepalived is not installed (scripts/deps installs it)";
    auto vip = address_of(v);
    lab.start_keepalived(1, keepalived_config(v, 100));
    ASSERT_TRUE(lab.wait_address(1, vip, true)) << lab.keepalived_log(1);
    lab.start_vigild(2, vigil_config(v, 99));
    ASSERT_TRUE(heard_adverts(lab, 2, "VI_1", 5)) << lab.log(2);
    EXPECT_EQ(lab.holders(vip), std::vector<int>{1}) << "vigil accepts keepalived's adverts\n" << lab.log(2);
    EXPECT_FALSE(lab.log_has(2, "-> MASTER"));

    // Graceful: keepalived resigns with priority 0, vigil takes over after its skew.
    lab.signal_in(1, SIGTERM, "keepalived");
    ASSERT_TRUE(lab.wait_address(2, vip, true)) << lab.log(2);
    EXPECT_TRUE(lab.log_has(2, "the master resigned (priority 0)")) << lab.log(2);

    // keepalived back with the higher priority takes the VIP again...
    crash(lab, 1);
    lab.start_keepalived(1, keepalived_config(v, 100));
    ASSERT_TRUE(lab.wait_address(1, vip, true, 15s)) << lab.keepalived_log(1) << "\nvigil:\n" << lab.log(2);
    EXPECT_TRUE(lab.wait_address(2, vip, false)) << lab.log(2);
    // ... and a crash of keepalived hands it to vigil after the master down interval.
    crash(lab, 1);
    EXPECT_TRUE(lab.wait_address(2, vip, true)) << lab.log(2);
}

}  // namespace

namespace {
// The address list of the last advert in a `tcpdump -v` capture: "addrs: A"
// or "addrs(N): A,B".
std::string last_address_list(const std::string& capture) {
    static const std::regex addrs("addrs(?:\\(\\d+\\))?: ([0-9a-f.:,]+)");
    std::string last;
    for (std::sregex_iterator it(capture.begin(), capture.end(), addrs), end; it != end; ++it) last = (*it)[1];
    return last;
}
}  // namespace

// excluded_vip against keepalived's virtual_ipaddress_excluded, on the wire:
// the same vip and excluded sets on a vigild master (h1) and a keepalived
// backup (h2). vigild's adverts carry only the vip (keepalived, which checks
// the address list, stays BACKUP: it agrees), while the master holds both;
// then keepalived as master sends the same list, and holds both too.
TEST(KeepalivedInterop, ExcludedVipsAreHeldButNotAdvertisedByEither) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    if (!have_keepalived()) GTEST_SKIP() << "keepalived is not installed (scripts/deps installs it)";
    if (!PortCapture::available()) GTEST_SKIP() << "tcpdump is not installed (scripts/deps installs it)";
    const std::string vip = "192.0.2.251", excluded = "192.0.2.252";
    PortCapture h1_port(lab, 1, "ip proto 112", "-v"), h2_port(lab, 2, "ip proto 112", "-v");
    ASSERT_TRUE(h1_port.listening() && h2_port.listening());
    lab.start_vigild(1, vrrp_instance("VI_1", 51, 100, vip + "/24", fast("excluded_vip = " + excluded + "/24\n")));
    ASSERT_TRUE(wait_for([&] { return lab.has_address(1, vip) && lab.has_address(1, excluded); })) << lab.log(1);
    // Started once vigild is master: keepalived then never times out waiting for it.
    lab.start_keepalived(2, "global_defs {\n    router_id ka\n}\n"
                            "vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    virtual_router_id 51\n"
                            "    priority 99\n    version 3\n    advert_int 0.1\n"
                            "    virtual_ipaddress {\n        " + vip + "/24\n    }\n"
                            "    virtual_ipaddress_excluded {\n        " + excluded + "/24\n    }\n}\n");
    ASSERT_TRUE(wait_for([&] { return lab.keepalived_log(2).find("Entering BACKUP STATE") != std::string::npos; }))
        << lab.keepalived_log(2);
    // keepalived hears 10 adverts more: time to refuse them, if it did.
    auto sent = count_of(h1_port.text(), "VRRPv3, Advertisement");
    ASSERT_TRUE(wait_for([&] { return count_of(h1_port.text(), "VRRPv3, Advertisement") >= sent + 10; }, 5s)) << h1_port.text();
    EXPECT_EQ(last_address_list(h1_port.text()), vip) << h1_port.text();
    EXPECT_EQ(lab.holders(vip), std::vector<int>{1}) << "keepalived accepts vigil's address list\n" << lab.keepalived_log(2);
    EXPECT_EQ(lab.holders(excluded), std::vector<int>{1});
    EXPECT_EQ(lab.keepalived_log(2).find("Entering MASTER STATE"), std::string::npos) << lab.keepalived_log(2);

    EXPECT_EQ(count_of(h2_port.text(), "VRRPv3, Advertisement"), 0u) << "keepalived never was master";
    ASSERT_TRUE(lab.stop_vigild(1));
    EXPECT_FALSE(lab.has_address(1, excluded)) << "removed with the vip at a stop";
    ASSERT_TRUE(wait_for([&] { return lab.has_address(2, vip) && lab.has_address(2, excluded); })) << lab.keepalived_log(2);
    ASSERT_TRUE(wait_for([&] { return count_of(h2_port.text(), "VRRPv3, Advertisement") >= 5; }, 5s)) << h2_port.text();
    EXPECT_EQ(last_address_list(h2_port.text()), last_address_list(h1_port.text())) << "keepalived's list is vigild's\n"
                                                                                     << h2_port.text();
}

TEST(KeepalivedInterop, V2PassVigilMaster) { vigil_master_keepalived_backup(kV2Pass); }
TEST(KeepalivedInterop, V2PassKeepalivedMaster) { keepalived_master_vigil_backup(kV2Pass); }
TEST(KeepalivedInterop, V3Ipv4VigilMaster) { vigil_master_keepalived_backup(kV3Ipv4); }
TEST(KeepalivedInterop, V3Ipv4KeepalivedMaster) { keepalived_master_vigil_backup(kV3Ipv4); }
TEST(KeepalivedInterop, V3Ipv6VigilMaster) { vigil_master_keepalived_backup(kV3Ipv6); }
TEST(KeepalivedInterop, V3Ipv6KeepalivedMaster) { keepalived_master_vigil_backup(kV3Ipv6); }
