// SPDX-License-Identifier: Apache-2.0
// vigild as a user runs it: `-t`, flags, and the daemon's life cycle driven by
// signals. Every wait is for a condition with a deadline.
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "support/netns.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace vigil::test;

namespace {

const std::string kVigild = VIGILD_PATH;
const std::string kFixtures = FIXTURES_DIR;

std::string daemon_config(const std::string& log, int priority) {
    auto dir = std::filesystem::path(log).parent_path().string();
    return "[global]\nlog = file:" + log + "\nlog_level = info\ncontrol_socket = " + dir + "/vigil.sock\nstate_dir = " + dir +
           "/state\n"
           "[instance VI_1]\ninterface = lo\nvrid = 51\nvip = 192.0.2.10/24\npriority = " + std::to_string(priority) + "\n";
}

bool contains(const std::string& path, const std::string& text) { return slurp(path).find(text) != std::string::npos; }

// Kills whatever daemon a pid file names when the test ends, pass or fail:
// deleting a namespace does not stop the processes in it.
struct PidFileGuard {
    std::string path;
    ~PidFileGuard() {
        auto text = slurp(path);
        if (!text.empty()) kill(std::stoi(text), SIGKILL);
    }
};

}  // namespace

TEST(VigildCheck, GoodConfigExitsZero) {
    auto r = run({kVigild, "-t", "-f", kFixtures + "/good.conf"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("is valid: 2 instance(s), 1 group(s), 2 tracker(s), 1 notifier(s)"), std::string::npos) << r.out;
}

TEST(VigildCheck, BadConfigListsEveryErrorWithItsLine) {
    auto path = kFixtures + "/bad.conf";
    auto r = run({kVigild, "-t", "-f", path});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, path + ":4: vrid: 300 is out of range (1-255)\n" + path +
                         ":5: unknown key 'priorty' in [instance VI_1] (did you mean 'priority'?)\n" + path +
                         ":7: track: no [tracker nginx] is defined\n"
                         "vigild: " + path + ": 3 error(s), 0 warning(s)\n");
}

TEST(VigildCheck, TheSampleConfigIsValid) {
    auto r = run({kVigild, "-t", "-f", std::string(SOURCE_DIR) + "/etc/vigil.conf"});
    EXPECT_EQ(r.status, 0) << r.err;
}

TEST(VigildCheck, MissingInterfaceIsOnlyAWarning) {
    TempDir dir;
    auto cfg = dir.write("v.conf", "[instance A]\ninterface = vigilnosuch0\nvrid = 1\nvip = 192.0.2.1/24\n");
    auto r = run({kVigild, "-t", "-f", cfg});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, cfg + ":2: warning: interface: vigilnosuch0 does not exist on this machine\n");
}

TEST(VigildCheck, AnAnycastOnlyConfigIsValidAndCounted) {
    TempDir dir;
    auto cfg = dir.write("v.conf", "[tracker web]\ntype = file\npath = /tmp/up\n[anycast web]\nprefix = 192.0.2.200/32\ntrack = web\n"
                                   "announce = address vigilnosuch0\n");
    auto r = run({kVigild, "-t", "-f", cfg});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("is valid: 0 instance(s), 0 group(s), 1 tracker(s), 0 notifier(s), 1 anycast section(s), 1 warning(s)"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(r.err, cfg + ":7: warning: announce: vigilnosuch0 does not exist on this machine\n");
}

TEST(VigildCheck, MissingFileExitsOne) {
    auto r = run({kVigild, "-t", "-f", "/nonexistent/vigil.conf"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("/nonexistent/vigil.conf: cannot read"), std::string::npos) << r.err;
}

TEST(VigildFlags, VersionHelpAndUsageErrors) {
    auto v = run({kVigild, "--version"});
    EXPECT_EQ(v.status, 0);
    EXPECT_EQ(v.out.rfind("vigild ", 0), 0u) << v.out;
    auto h = run({kVigild, "--help"});
    EXPECT_EQ(h.status, 0);
    EXPECT_NE(h.out.find("--test-config"), std::string::npos);
    auto bad = run({kVigild, "--frobnicate"});
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.err.find("unknown option --frobnicate"), std::string::npos) << bad.err;
}

namespace {

// Heading -> keys: from `vigild --keywords` ("[tracker] type = http (alias
// nginx)" then "  url  ..." lines) or from docs/configuration.md ("## [instance
// NAME]" / "### `type = http`" then "| `url` | ..." rows).
using KeysBySection = std::map<std::string, std::set<std::string>>;

KeysBySection keywords_listing(const std::string& text) {
    KeysBySection out;
    std::string heading;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("[", 0) == 0) heading = line.substr(0, line.find(" (alias"));
        else if (line.rfind("  ", 0) == 0 && line[2] != '(' && !heading.empty()) out[heading].insert(line.substr(2, line.find(' ', 2) - 2));
    }
    return out;
}

KeysBySection keywords_documented(const std::string& text) {
    KeysBySection out;
    std::string section, heading;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("## [", 0) == 0) {
            section = line.substr(4, line.find_first_of(" ]", 4) - 4);
            heading = "[" + section + "]";
        } else if (line.rfind("## ", 0) == 0) {
            section = heading = "";
        } else if (line.rfind("### `type = ", 0) == 0 && !section.empty()) {
            heading = "[" + section + "] type = " + line.substr(12, line.find('`', 12) - 12);
        } else if (line.rfind("| `", 0) == 0 && !heading.empty()) {
            out[heading].insert(line.substr(3, line.find('`', 3) - 3));
        }
    }
    return out;
}

}  // namespace

TEST(VigildFlags, KeywordsListEveryKeyAndTheDocsListTheSame) {
    auto r = run({kVigild, "--keywords", "-f", "/nonexistent/vigil.conf"});
    ASSERT_EQ(r.status, 0) << r.err;
    auto listed = keywords_listing(r.out);
    // Core sections, and the types of the built-in plugins (the worker loaded them).
    for (const char* heading : {"[global]", "[instance]", "[group]", "[tracker]", "[notifier]", "[tracker] type = http",
                                "[tracker] type = lua", "[notifier] type = webhook"})
        EXPECT_TRUE(listed.count(heading)) << heading << " missing from:\n" << r.out;
    EXPECT_TRUE(listed["[instance]"].count("advert_int"));
    EXPECT_NE(r.out.find("restarts the instance"), std::string::npos) << "the reload class is listed";
    auto documented = keywords_documented(slurp(std::string(SOURCE_DIR) + "/docs/configuration.md"));
    for (const auto& [heading, keys] : listed) {
        for (const auto& key : keys)
            EXPECT_TRUE(documented[heading].count(key)) << "`" << key << "` of " << heading << " is not in docs/configuration.md";
        for (const auto& key : documented[heading])
            EXPECT_TRUE(keys.count(key)) << "docs/configuration.md documents `" << key << "` in " << heading
                                         << ", which vigild --keywords does not list";
    }
    for (const auto& [heading, keys] : documented)
        EXPECT_TRUE(listed.count(heading)) << "docs/configuration.md documents " << heading << ", which vigild does not have";
}

TEST(VigildDaemon, ForegroundLifeCycle) {
    NetNamespace ns;
    if (!ns.ok()) GTEST_SKIP() << "needs root to create a network namespace";
    TempDir dir;
    auto log = dir.file("vigild.log");
    auto pid_file = dir.file("run/vigild.pid");
    auto cfg = dir.write("vigil.conf", daemon_config(log, 100));
    Child d(ns.exec({kVigild, "-n", "-f", cfg, "--pid-file", pid_file}));
    ASSERT_GT(d.pid(), 0);
    ASSERT_TRUE(wait_for([&] { return contains(log, "vigild started"); })) << slurp(log);
    EXPECT_EQ(slurp(pid_file), std::to_string(d.pid()) + "\n");

    // A second daemon on the same pid file is refused and says who holds it.
    auto second = run(ns.exec({kVigild, "-n", "-f", cfg, "--pid-file", pid_file}));
    EXPECT_EQ(second.status, 1);
    EXPECT_NE(second.err.find("another vigild (pid " + std::to_string(d.pid()) + ") is running with pid file " + pid_file),
              std::string::npos)
        << second.err;

    // HUP with a broken file: refused, logged with the error's line, daemon alive.
    dir.write("vigil.conf", daemon_config(log, 100) + "vrid = 999\n");
    d.signal(SIGHUP);
    ASSERT_TRUE(wait_for([&] { return contains(log, "reload refused"); })) << slurp(log);
    EXPECT_TRUE(contains(log, cfg + ":11: vrid: 999 is out of range (1-255)"));
    EXPECT_FALSE(d.wait_exit(std::chrono::milliseconds(0)));

    // USR1 dumps the running config: still priority 100.
    d.signal(SIGUSR1);
    ASSERT_TRUE(wait_for([&] { return contains(log, "priority 100 advert 1s"); })) << slurp(log);

    // HUP with a good file: applied.
    dir.write("vigil.conf", daemon_config(log, 120));
    d.signal(SIGHUP);
    ASSERT_TRUE(wait_for([&] { return contains(log, "reloaded " + cfg); })) << slurp(log);
    d.signal(SIGUSR1);
    ASSERT_TRUE(wait_for([&] { return contains(log, "priority 120 advert 1s"); })) << slurp(log);

    d.signal(SIGTERM);
    auto status = d.wait_exit();
    ASSERT_TRUE(status);
    EXPECT_EQ(*status, 0);
    EXPECT_TRUE(contains(log, "vigild stopped"));
    EXPECT_FALSE(std::filesystem::exists(pid_file)) << "the pid file goes with the daemon";
}

TEST(VigildDaemon, DetachesAndReportsStartupFailure) {
    NetNamespace ns;
    if (!ns.ok()) GTEST_SKIP() << "needs root to create a network namespace";
    TempDir dir;
    auto log = dir.file("vigild.log");
    auto pid_file = dir.file("vigild.pid");
    auto cfg = dir.write("vigil.conf", daemon_config(log, 100));
    PidFileGuard guard{pid_file};
    // Relative paths, resolved before vigild changes to / on detaching.
    auto started = run(ns.exec({"/usr/bin/env", "--chdir=" + dir.path().string(), kVigild, "-f", "vigil.conf", "--pid-file",
                                "vigild.pid"}));
    ASSERT_EQ(started.status, 0) << started.err;
    ASSERT_TRUE(wait_for([&] { return std::filesystem::exists(pid_file) && !slurp(pid_file).empty(); }));
    pid_t pid = std::stoi(slurp(pid_file));
    EXPECT_EQ(kill(pid, 0), 0) << "the detached daemon runs";
    kill(pid, SIGINT);
    EXPECT_TRUE(wait_for([&] { return !std::filesystem::exists(pid_file); }));
    EXPECT_TRUE(wait_for([&] { return process_gone(pid); }));

    // Without -n, a broken config still fails the command itself.
    auto broken = dir.write("broken.conf", "[instance A]\nvrid = 1\n");
    auto failed = run(ns.exec({kVigild, "-f", broken, "--pid-file", dir.file("other.pid")}));
    EXPECT_EQ(failed.status, 1);
    EXPECT_NE(failed.err.find(broken + ":1: [instance A] needs 'interface'"), std::string::npos) << failed.err;
}

// Type=notify: what systemd hears from vigild, on a socket standing in for
// systemd's (NOTIFY_SOCKET), with a 200 ms watchdog.
TEST(VigildDaemon, TellsSystemdReadyReloadingStoppingAndWatchdog) {
#ifndef VIGIL_HAVE_SYSTEMD
    GTEST_SKIP() << "built without libsystemd (install libsystemd-dev)";
#endif
    NetNamespace ns;
    if (!ns.ok()) GTEST_SKIP() << "needs root to create a network namespace";
    TempDir dir;
    auto log = dir.file("vigild.log");
    auto cfg = dir.write("vigil.conf", daemon_config(log, 100));
    auto socket_path = dir.file("notify.sock");
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    // Who sent each message: systemd (NotifyAccess=main) accepts only the main process's.
    int on = 1;
    ASSERT_EQ(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on), 0);
    std::set<pid_t> senders;
    std::vector<std::string> heard;
    auto hear = [&](const std::string& prefix, std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
        auto end = std::chrono::steady_clock::now() + deadline;
        for (;;) {
            for (size_t i = 0; i < heard.size(); ++i)
                if (heard[i].rfind(prefix, 0) == 0) {
                    heard.erase(heard.begin(), heard.begin() + static_cast<long>(i) + 1);
                    return true;
                }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()).count();
            if (left <= 0) return false;
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, static_cast<int>(left)) == 1) {
                char buf[512];
                alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
                iovec iov{buf, sizeof buf};
                msghdr msg{};
                msg.msg_iov = &iov;
                msg.msg_iovlen = 1;
                msg.msg_control = control;
                msg.msg_controllen = sizeof control;
                auto n = recvmsg(fd, &msg, 0);
                if (n > 0) heard.emplace_back(buf, static_cast<size_t>(n));
                for (cmsghdr* c = CMSG_FIRSTHDR(&msg); n > 0 && c; c = CMSG_NXTHDR(&msg, c))
                    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
                        ucred cred;
                        std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
                        senders.insert(cred.pid);
                    }
            }
        }
    };
    Child d(ns.exec({"/usr/bin/env", "NOTIFY_SOCKET=" + socket_path, "WATCHDOG_USEC=200000", kVigild, "-n", "-f", cfg,
                     "--pid-file", dir.file("vigild.pid")}));
    ASSERT_TRUE(hear("READY=1\nSTATUS=1 instance(s), 0 tracker(s), 0 notifier(s)")) << slurp(log);
    EXPECT_TRUE(contains(log, "control socket")) << "READY before the control socket";
    // The supervisor pings the watchdog every 100 ms (it watches the worker's loop itself).
    ASSERT_TRUE(hear("WATCHDOG=1", std::chrono::milliseconds(1000)));
    ASSERT_TRUE(hear("WATCHDOG=1", std::chrono::milliseconds(1000)));
    d.signal(SIGHUP);
    ASSERT_TRUE(hear("RELOADING=1\nMONOTONIC_USEC="));
    ASSERT_TRUE(hear("READY=1"));
    // A refused reload still ends in READY: the old configuration serves on.
    dir.write("vigil.conf", daemon_config(log, 100) + "vrid = 999\n");
    d.signal(SIGHUP);
    ASSERT_TRUE(hear("RELOADING=1"));
    ASSERT_TRUE(hear("READY=1"));
    d.signal(SIGTERM);
    ASSERT_TRUE(hear("STOPPING=1"));
    auto status = d.wait_exit();
    ASSERT_TRUE(status);
    EXPECT_EQ(*status, 0);
    // Every message came from the process systemd started (the supervisor), none
    // from the worker, which relays through it.
    EXPECT_EQ(senders, std::set<pid_t>{d.pid()});
    close(fd);
}

// The shipped units parse: systemd-analyze verify on each, with vigild's path
// pointing at this build (verify refuses a missing ExecStart binary). Their
// Documentation= man pages must resolve to the ones this build generated.
TEST(SystemdUnits, VerifyCleanly) {
    if (access("/usr/bin/systemd-analyze", X_OK) != 0) GTEST_SKIP() << "no systemd-analyze (package systemd)";
    const std::string man_dir = MAN_DIR;
    ASSERT_EQ(access((man_dir + "/man8/vigild.8").c_str(), R_OK), 0)
        << "no man pages in " << man_dir << " (lowdown missing? scripts/deps installs it)";
    setenv("MANPATH", man_dir.c_str(), 1);
    TempDir dir;
    for (std::string unit : {"vigild.service", "vigild-nonroot.service"}) {
        auto text = slurp(std::string(SOURCE_DIR) + "/etc/systemd/" + unit);
        ASSERT_NE(text.find("Type=notify"), std::string::npos) << unit;
        for (size_t at; (at = text.find("/usr/sbin/vigild")) != std::string::npos;) text.replace(at, 16, kVigild);
        auto path = dir.write(unit, text);
        auto r = run({"/usr/bin/systemd-analyze", "verify", path});
        EXPECT_EQ(r.status, 0) << unit << ": " << r.err;
        EXPECT_EQ(r.err, "") << unit;
    }
    // Controls: a misspelt key is caught, and so is a man page that does not exist.
    auto bad = dir.write("bad.service", "[Service]\nExecStart=" + kVigild + "\nRestartt=always\n");
    auto r = run({"/usr/bin/systemd-analyze", "verify", bad});
    EXPECT_NE(r.err.find("Restartt"), std::string::npos) << r.err;
    auto nodoc = dir.write("nodoc.service", "[Unit]\nDocumentation=man:vigil-nonexistent(8)\n[Service]\nExecStart=" + kVigild + "\n");
    r = run({"/usr/bin/systemd-analyze", "verify", nodoc});
    EXPECT_NE(r.err.find("vigil-nonexistent"), std::string::npos) << r.err;
    unsetenv("MANPATH");
}
