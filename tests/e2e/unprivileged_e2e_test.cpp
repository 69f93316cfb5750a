// SPDX-License-Identifier: Apache-2.0
// vigild as vigild-nonroot.service runs it: an unprivileged user holding only
// the unit's AmbientCapabilities (read from the unit file), no new privileges.
// VRRP, VIPs, GARP/NA and scripts must work with those alone; a script_user it
// cannot switch to must be reported, not silently run as someone else.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "e2e_helpers.h"

using namespace vigil::test;

namespace {

const std::string kVip = "192.0.2.251";
const std::string kVip6 = "2001:db8::251";
constexpr uid_t kNobody = 65534;

// The unit's AmbientCapabilities= as setpriv takes them: "+net_admin,+net_raw".
std::string unit_capabilities() {
    std::ifstream unit(std::string(SOURCE_DIR) + "/etc/systemd/vigild-nonroot.service");
    for (std::string line; std::getline(unit, line);) {
        if (line.rfind("AmbientCapabilities=", 0) != 0) continue;
        std::istringstream words(line.substr(line.find('=') + 1));
        std::string caps;
        for (std::string cap; words >> cap;) {
            if (cap.rfind("CAP_", 0) == 0) cap = cap.substr(4);
            for (auto& c : cap) c = static_cast<char>(tolower(c));
            caps += (caps.empty() ? "+" : ",+") + cap;
        }
        return caps;
    }
    return "";
}

// What systemd does for the unit, with setpriv: user nobody, only `caps`
// (ambient, so they survive exec; the bounding set cut to them), no_new_privs.
std::vector<std::string> as_unprivileged(const std::string& caps) {
    return {"/usr/bin/setpriv", "--reuid=" + std::to_string(kNobody), "--regid=" + std::to_string(kNobody), "--clear-groups",
            "--inh-caps=-all," + caps, "--ambient-caps=-all," + caps, "--bounding-set=-all," + caps, "--no-new-privs"};
}

// The unprivileged daemon writes its log, pid file, socket and state in the lab directory.
void hand_lab_dir_to_nobody(const Lab& lab) {
    ASSERT_EQ(chown(lab.dir().path().c_str(), kNobody, kNobody), 0);
    ASSERT_EQ(chmod(lab.dir().path().c_str(), 0755), 0);
}

std::string script(const Lab& lab, const std::string& name, const std::string& body) {
    auto path = lab.dir().write(name, body);
    chmod(path.c_str(), 0755);
    return path;
}

}  // namespace

TEST(UnprivilegedE2E, TheNonRootUnitsCapabilitiesRunVrrpVipsAndScripts) {
    if (access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "no setpriv (package util-linux)";
    auto caps = unit_capabilities();
    ASSERT_EQ(caps, "+net_admin,+net_raw") << "the unit's AmbientCapabilities changed; this test follows them";
    Lab lab(2);
    REQUIRE_LAB(lab);
    hand_lab_dir_to_nobody(lab);
    // Up only when it really runs as the service user, which is the script user here.
    auto check = script(lab, "check.sh", "#!/bin/sh\n[ \"$(id -u)\" = " + std::to_string(kNobody) + " ] || { id; exit 1; }\n");
    auto config = [&](int priority) {
        return "[global]\nscript_user = nobody\n" + vrrp_instance("VI_1", 51, priority, kVip + "/24", fast("track = chk\n")) +
               vrrp_instance("VI_6", 52, priority, kVip6 + "/64", fast()) +
               "[tracker chk]\ntype = exec\ncommand = " + check + "\ninterval = 0.2s\nweight = -50\n";
    };
    lab.start_vigild(1, config(150), "info", as_unprivileged(caps));
    lab.start_vigild(2, config(100));
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    ASSERT_TRUE(lab.wait_address(1, kVip6, true)) << lab.log(1);
    // It really is unprivileged: uid nobody, effective capabilities the unit's two only.
    auto status = slurp("/proc/" + std::to_string(lab.pid_of_vigild(1)) + "/status");
    EXPECT_NE(status.find("Uid:\t65534\t65534\t65534\t65534"), std::string::npos) << status;
    EXPECT_NE(status.find("CapEff:\t0000000000003000"), std::string::npos) << status;  // NET_ADMIN (12), NET_RAW (13)
    EXPECT_NE(status.find("NoNewPrivs:\t1"), std::string::npos) << status;
    // The peer hears its adverts (raw socket) and stays BACKUP; the tracker ran as nobody.
    EXPECT_TRUE(heard_adverts(lab, 2, "VI_1", 5)) << lab.log(2);
    EXPECT_FALSE(lab.has_address(2, kVip));
    EXPECT_FALSE(lab.log_has(1, "tracker chk: UP -> DOWN")) << lab.log(1);
    EXPECT_TRUE(lab.log_has(1, "VI_1: BACKUP -> MASTER")) << lab.log(1);
    // A graceful stop removes its VIPs (netlink) and resigns: the peer takes over at once.
    auto exit = lab.stop_vigild(1);
    ASSERT_TRUE(exit);
    EXPECT_EQ(*exit, 0) << lab.log(1);
    EXPECT_FALSE(lab.has_address(1, kVip));
    EXPECT_FALSE(lab.has_address(1, kVip6));
    EXPECT_TRUE(lab.wait_address(2, kVip, true, 2s)) << lab.log(2);
    EXPECT_TRUE(lab.log_has(2, "VI_1: BACKUP -> MASTER (the master resigned (priority 0))")) << lab.log(2);
}

TEST(UnprivilegedE2E, AScriptUserItCannotSwitchToIsReported) {
    if (access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "no setpriv (package util-linux)";
    Lab lab(1);
    REQUIRE_LAB(lab);
    hand_lab_dir_to_nobody(lab);
    auto check = script(lab, "check.sh", "#!/bin/sh\nexit 0\n");
    // Control: the same config with the service user as script user is UP.
    for (std::string user : {"daemon", "nobody"}) {
        lab.start_vigild(1,
                         "[global]\nscript_user = " + user + "\n" + vrrp_instance("VI_1", 51, 100, kVip + "/24", fast("track = chk\n")) +
                             "[tracker chk]\ntype = exec\ncommand = " + check + "\ninterval = 0.2s\n",
                         "info", as_unprivileged(unit_capabilities()));
        if (user == "daemon") {
            EXPECT_TRUE(lab.wait_log(1, "cannot run as 'daemon' without root")) << lab.log(1);
            // The tracker has no weight: down means FAULT, and the VIP stays away.
            EXPECT_TRUE(lab.wait_log(1, "-> FAULT")) << lab.log(1);
            EXPECT_FALSE(lab.has_address(1, kVip));
        } else {
            EXPECT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
            EXPECT_FALSE(lab.log_has(1, "without root")) << lab.log(1);
        }
        ASSERT_TRUE(lab.stop_vigild(1));
        std::filesystem::remove(lab.log_path(1));
    }
}

// Control for the capabilities, and a safety rule: without CAP_NET_RAW there
// is no VRRP socket. Such an instance cannot hear the master, so it must be
// FAULT; were it BACKUP it would soon take the VIP from a live master.
TEST(UnprivilegedE2E, WithoutCapNetRawTheInstanceIsFaultNotMaster) {
    if (access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "no setpriv (package util-linux)";
    Lab lab(2);
    REQUIRE_LAB(lab);
    hand_lab_dir_to_nobody(lab);
    lab.start_vigild(1, vrrp_instance("VI_1", 51, 150, kVip + "/24", fast()), "info", as_unprivileged("+net_admin"));
    ASSERT_TRUE(lab.wait_log(1, "VI_1: INIT -> FAULT (starting while faulted: no VRRP socket on eth0: raw socket: Operation not permitted)")) << lab.log(1);
    lab.start_vigild(2, vrrp_instance("VI_1", 51, 100, kVip + "/24", fast()));
    ASSERT_TRUE(lab.wait_address(2, kVip, true)) << lab.log(2);
    // Long enough for host 1's master-down timer (0.35 s) many times over:
    // host 2 has sent 20 adverts at 0.1 s.
    std::regex sent("VI_1: MASTER priority \\d+/\\d+ master \\S+ adverts sent (\\d+)");
    ASSERT_TRUE(wait_for(
        [&] {
            lab.signal_vigild(2, SIGUSR1);
            return wait_for(
                [&] {
                    auto log = lab.log(2);
                    int last = 0;
                    for (auto it = std::sregex_iterator(log.begin(), log.end(), sent); it != std::sregex_iterator(); ++it)
                        last = std::stoi((*it)[1]);
                    return last >= 20;
                },
                200ms);
        },
        10s))
        << lab.log(2);
    EXPECT_FALSE(lab.has_address(1, kVip)) << lab.log(1);
    EXPECT_FALSE(lab.log_has(1, "-> MASTER")) << lab.log(1);
    EXPECT_TRUE(lab.has_address(2, kVip));
}
