// vigild and Debian's keepalived 2.2 in one virtual router, each in each
// role, for VRRPv2 with PASS, VRRPv3 over IPv4 (keepalived's default
// checksum) and VRRPv3 over IPv6: one master, and failover both ways.
#include <unistd.h>

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

TEST(KeepalivedInterop, V2PassVigilMaster) { vigil_master_keepalived_backup(kV2Pass); }
TEST(KeepalivedInterop, V2PassKeepalivedMaster) { keepalived_master_vigil_backup(kV2Pass); }
TEST(KeepalivedInterop, V3Ipv4VigilMaster) { vigil_master_keepalived_backup(kV3Ipv4); }
TEST(KeepalivedInterop, V3Ipv4KeepalivedMaster) { keepalived_master_vigil_backup(kV3Ipv4); }
TEST(KeepalivedInterop, V3Ipv6VigilMaster) { vigil_master_keepalived_backup(kV3Ipv6); }
TEST(KeepalivedInterop, V3Ipv6KeepalivedMaster) { keepalived_master_vigil_backup(kV3Ipv6); }
