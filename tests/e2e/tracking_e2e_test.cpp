// SPDX-License-Identifier: Apache-2.0
// Trackers and notifiers end to end: each tracker type alone moves the VIP
// to the peer and back; notifier output is checked line by line.
#include <pwd.h>
#include <sys/stat.h>

#include <fstream>

#include "e2e_helpers.h"

using namespace vigil::test;

namespace {

const std::string kVip = "192.0.2.251";

// Exec trackers and notifiers run as an unprivileged user: the lab's
// directory must be reachable by it.
void open_up(const Lab& lab) { chmod(lab.dir().path().c_str(), 0755); }

std::string write_script(const Lab& lab, const std::string& name, const std::string& body, mode_t mode = 0755) {
    auto path = lab.dir().write(name, body);
    chmod(path.c_str(), mode);
    return path;
}

std::string pair_config(int priority, const std::string& tracker, const std::string& track_line, const std::string& extra = "") {
    return vrrp_instance("VI_1", 51, priority, kVip + "/24", fast(track_line)) + tracker + extra;
}

}  // namespace

TEST(TrackingE2E, FileTrackerMovesTheVipAndBack) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    for (int h : {1, 2}) {
        auto down = lab.dir().file("down" + std::to_string(h));
        lab.start_vigild(h, pair_config(101 - h, "[tracker down]\ntype = file\npath = " + down + "\nweight = -2\n", "track = down\n"));
    }
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    lab.dir().write("down1", "");
    ASSERT_TRUE(lab.wait_address(2, kVip, true, 2s)) << lab.log(1) << lab.log(2);
    EXPECT_TRUE(lab.wait_address(1, kVip, false, 2s));
    EXPECT_TRUE(lab.log_has(1, "tracker down: UP -> DOWN (" + lab.dir().file("down1") + " exists)")) << lab.log(1);
    std::filesystem::remove(lab.dir().file("down1"));
    EXPECT_TRUE(lab.wait_address(1, kVip, true, 2s)) << lab.log(1);
    EXPECT_TRUE(lab.wait_address(2, kVip, false, 2s));
}

TEST(TrackingE2E, AWeightZeroTrackerFaultsTheInstance) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    auto flag = lab.dir().file("flag");
    lab.start_vigild(1, pair_config(100, "[tracker must]\ntype = file\npath = " + flag + "\nmode = exists-up\n", "track = must\n"));
    lab.start_vigild(2, pair_config(99, "", ""));
    ASSERT_TRUE(lab.wait_log(1, "VI_1: BACKUP -> FAULT (must is down: " + flag + " is absent)")) << lab.log(1);
    ASSERT_TRUE(lab.wait_address(2, kVip, true)) << lab.log(2);
    lab.dir().write("flag", "");
    EXPECT_TRUE(lab.wait_log(1, "VI_1: FAULT -> BACKUP (trackers recovered)")) << lab.log(1);
    EXPECT_TRUE(lab.wait_address(1, kVip, true, 2s)) << lab.log(1);
}

TEST(TrackingE2E, FileValueTimesWeight) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    auto value = lab.dir().write("load", "0\n");
    lab.start_vigild(1, pair_config(100, "[tracker load]\ntype = file\npath = " + value + "\nmode = value\nweight = -1\n", "track = load\n"));
    lab.start_vigild(2, pair_config(99, "", ""));
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    lab.dir().write("load", "1\n");  // 100 - 1 = 99: a tie h2 does not win (lower address)
    ASSERT_TRUE(heard_adverts(lab, 2, "VI_1", 10));
    EXPECT_EQ(lab.holders(kVip), std::vector<int>{1});
    lab.dir().write("load", "5\n");  // 95 < 99
    EXPECT_TRUE(lab.wait_address(2, kVip, true, 2s)) << lab.log(1);
}

TEST(TrackingE2E, InterfaceTrackersMoveTheVip) {
    Lab lab(2, 2);
    REQUIRE_LAB(lab);
    // h1 watches eth1 twice: as track_interface and as a [tracker].
    lab.start_vigild(1, pair_config(100, "[tracker uplink]\ntype = interface\ninterface = eth1\nweight = -5\n",
                                    "track = uplink\ntrack_interface = eth1:-2\n"));
    lab.start_vigild(2, pair_config(99, "", ""));
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    ASSERT_TRUE(lab.set_link(1, false, 1));
    EXPECT_TRUE(lab.wait_address(2, kVip, true, 2s)) << lab.log(1);
    EXPECT_TRUE(lab.log_has(1, "tracker uplink: UP -> DOWN (eth1 is down)")) << lab.log(1);
    ASSERT_TRUE(lab.set_link(1, true, 1));
    EXPECT_TRUE(lab.wait_address(1, kVip, true, 2s)) << lab.log(1);
    // Carrier loss at the switch counts too.
    ASSERT_TRUE(lab.set_port(1, false, 1));
    EXPECT_TRUE(lab.wait_address(2, kVip, true, 2s)) << lab.log(1);
    EXPECT_TRUE(lab.log_has(1, "eth1 has no carrier")) << lab.log(1);
}

TEST(TrackingE2E, ExecTrackerMovesTheVipAndTimesOut) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    open_up(lab);
    auto flag = lab.dir().file("broken");
    auto check = write_script(lab, "check.sh", "#!/bin/sh\n[ ! -e " + flag + " ] || { echo nginx is broken; exit 1; }\nid -un\n");
    auto slow = write_script(lab, "slow.sh", "#!/bin/sh\nexec sleep 30\n");
    auto writable = write_script(lab, "writable.sh", "#!/bin/sh\nexit 0\n", 0777);
    lab.start_vigild(1, pair_config(100,
                                    "[tracker chk]\ntype = exec\ncommand = " + check +
                                        "\ninterval = 0.2s\nfall = 2\nrise = 2\nweight = -2\n"
                                        "[tracker slow]\ntype = exec\ncommand = " + slow + "\ninterval = 1s\ntimeout = 0.3s\n"
                                        "[tracker writable]\ntype = exec\ncommand = " + writable + "\ninterval = 1s\n",
                                    "track = chk\n"));
    lab.start_vigild(2, pair_config(99, "", ""));
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    lab.dir().write("broken", "");
    ASSERT_TRUE(lab.wait_address(2, kVip, true, 3s)) << lab.log(1);
    EXPECT_TRUE(lab.log_has(1, "tracker chk: UP -> DOWN (exit 1: nginx is broken)")) << lab.log(1);
    std::filesystem::remove(flag);
    EXPECT_TRUE(lab.wait_address(1, kVip, true, 3s)) << lab.log(1);
    // A check that hangs is killed at its timeout and counts as a failure.
    EXPECT_TRUE(lab.wait_log(1, "tracker slow: UP -> DOWN (no result within the timeout of 300ms)")) << lab.log(1);
    // A script anyone may rewrite is refused.
    EXPECT_TRUE(lab.wait_log(1, "refusing a script writable by group or others")) << lab.log(1);
    // It ran as the unprivileged script user, not root: the USR1 dump shows its output.
    const char* user = getpwnam("vigil-script") ? "vigil-script" : "nobody";
    EXPECT_TRUE(wait_for([&] {
        lab.signal_vigild(1, SIGUSR1);
        return lab.wait_log(1, std::string("tracker chk (exec): UP, last ok \"exit 0: ") + user + "\"", 200ms);
    })) << lab.log(1);
}

TEST(NotifyE2E, LogAndExecNotifiersWriteEveryTransitionInOrder) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    open_up(lab);
    // The seed deployment's notify.sh, as deployed (its first line in
    // shared/data is a label naming where it lived, not part of the script),
    // writing to the lab instead of /tmp.
    std::ifstream seed(std::string(FIXTURES_DIR) + "/keepalived/notify.sh");
    std::string script((std::istreambuf_iterator<char>(seed)), {});
    ASSERT_FALSE(script.empty());
    if (script.rfind("###", 0) == 0) script = script.substr(script.find('\n') + 1);
    auto legacy = lab.dir().file("keepalived.log");
    for (size_t at; (at = script.find("/tmp/keepalived.log")) != std::string::npos;) script.replace(at, 19, legacy);
    auto notify_sh = write_script(lab, "notify.sh", script);
    chmod(legacy.c_str(), 0666);
    lab.dir().write("keepalived.log", "");
    chmod(legacy.c_str(), 0666);
    auto log = lab.dir().file("transitions.log");
    auto masters = lab.dir().file("masters.log");
    auto on_master = write_script(lab, "on_master.sh", "#!/bin/sh\necho \"master $VIGIL_NAME $VIGIL_STATE $VIGIL_PREV_STATE $#\" >> " + masters + "\n");
    lab.dir().write("masters.log", "");
    chmod(masters.c_str(), 0666);
    auto down = lab.dir().file("down");
    std::string notifiers = "[notifier translog]\ntype = log\npath = " + log +
                            "\nformat = {seq} {kind} {name} {prev_state}->{state} {priority} {vips} {host}\n"
                            "[notifier legacy]\ntype = exec\ncommand = " + notify_sh + "\n"
                            "[notifier master_only]\ntype = exec\ncommand = " + on_master + "\npass_args = no\nevents = master\n";
    lab.start_vigild(1, "[global]\nnotify = translog legacy master_only\n" +
                            pair_config(100, "[tracker down]\ntype = file\npath = " + down + "\nweight = -2\n", "track = down\n",
                                        notifiers));
    lab.start_vigild(2, pair_config(99, "", ""));
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    lab.dir().write("down", "");
    ASSERT_TRUE(lab.wait_address(2, kVip, true, 2s));
    std::filesystem::remove(down);
    ASSERT_TRUE(lab.wait_address(1, kVip, true, 2s));
    lab.stop_vigild(1, SIGTERM);

    EXPECT_EQ(lines(log), (std::vector<std::string>{
                              "1 instance VI_1 INIT->BACKUP 100 192.0.2.251 h1",
                              "2 instance VI_1 BACKUP->MASTER 100 192.0.2.251 h1",
                              "3 instance VI_1 MASTER->BACKUP 98 192.0.2.251 h1",
                              "4 instance VI_1 BACKUP->MASTER 100 192.0.2.251 h1",
                              "5 instance VI_1 MASTER->STOP 100 192.0.2.251 h1",
                          }))
        << lab.log(1);
    auto legacy_lines = lines(legacy);
    ASSERT_EQ(legacy_lines.size(), 5u) << lab.log(1);
    const char* states[] = {"BACKUP", "MASTER", "BACKUP", "MASTER", "STOP"};
    const char* prios[] = {"100", "100", "98", "100", "100"};
    for (size_t i = 0; i < 5; ++i) {
        // notify.sh's own format: DATE INSTANCE "VI_1" VIP "..." have moved, HOST ... turn to STATE state with the priority N.
        EXPECT_NE(legacy_lines[i].find(" INSTANCE \"VI_1\" VIP \"192.168.124.251\" have moved, HOST "), std::string::npos)
            << legacy_lines[i];
        EXPECT_NE(legacy_lines[i].find(std::string("turn to ") + states[i] + " state with the priority " + prios[i] + "."),
                  std::string::npos)
            << legacy_lines[i];
    }
    EXPECT_EQ(lines(masters), (std::vector<std::string>{"master VI_1 MASTER BACKUP 0", "master VI_1 MASTER BACKUP 0"}));
}

TEST(TrackingE2E, ProcessTrackerMovesTheVipInANamespace) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    // A process with a name no other test uses: a copy of sleep.
    auto name = "vgls" + std::to_string(getpid());
    auto binary = lab.dir().file(name);
    std::filesystem::copy_file("/bin/sleep", binary);
    chmod(binary.c_str(), 0755);
    auto service = std::make_unique<Child>(std::vector<std::string>{binary, "600"});
    lab.start_vigild(1, pair_config(100, "[tracker svc]\ntype = process\nname = " + name + "\ninterval = 0.2s\nweight = -2\n",
                                    "track = svc\n"));
    lab.start_vigild(2, pair_config(99, "", ""));
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    EXPECT_TRUE(lab.log_has(1, "no proc connector here")) << "inside a namespace it falls back to pidfds and scans";
    service.reset();  // killed: its pidfd reports the exit at once
    ASSERT_TRUE(lab.wait_address(2, kVip, true, 2s)) << lab.log(1);
    EXPECT_TRUE(lab.log_has(1, "tracker svc: UP -> DOWN (0 '" + name + "' processes running (wanted at least 1))")) << lab.log(1);
    // A zombie of that name (exited, not reaped) is not a running process: it
    // must not count, or the tracker would flap at every scan.
    Child zombie_parent({"/usr/bin/python3", "-c",
                         "import ctypes, os, time\nif os.fork() == 0:\n"
                         "    ctypes.CDLL(None).prctl(15, b'" + name + "', 0, 0, 0)\n    os._exit(0)\ntime.sleep(600)"});
    ASSERT_TRUE(heard_adverts(lab, 1, "VI_1", 30)) << lab.log(1);  // several scans later
    EXPECT_FALSE(lab.log_has(1, "tracker svc: DOWN -> UP")) << lab.log(1);
    EXPECT_TRUE(lab.has_address(2, kVip));
    service = std::make_unique<Child>(std::vector<std::string>{binary, "600"});
    EXPECT_TRUE(lab.wait_address(1, kVip, true, 2s)) << "found by the next scan\n" << lab.log(1);
}
