// SPDX-License-Identifier: Apache-2.0
// The process tracker plugin driven directly (no VRRP, no network) through
// the real host services on a libevent loop, in this test's own namespace.
// In the initial network namespace it must use the proc connector: a new
// process is seen without waiting for a /proc scan.
#include <gtest/gtest.h>

#include <event2/event.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "plugin/host.h"
#include "plugin/plugin_registry.h"
#include "support/config_helpers.h"
#include "support/event_loop.h"
#include "support/process.h"
#include "track/tracking.h"

using namespace vigil;
using namespace std::chrono_literals;
using vigil::test::Loop;

namespace {

// A child whose comm is `name`, alive until killed.
pid_t start_named(const std::string& name) {
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_NAME, name.c_str());
        while (true) pause();
    }
    return pid;
}

void reap(pid_t pid) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
}

// Whether the kernel lets this process subscribe to the proc connector
// (only in the initial network namespace, with CAP_NET_ADMIN).
bool connector_available() {
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
    if (fd < 0) return false;
    sockaddr_nl addr{};
    addr.nl_family = AF_NETLINK;
    addr.nl_groups = CN_IDX_PROC;
    // Outside the initial namespace bind works; subscribing is what fails.
    alignas(nlmsghdr) char req[NLMSG_LENGTH(sizeof(cn_msg) + sizeof(proc_cn_mcast_op))] = {};
    auto* h = reinterpret_cast<nlmsghdr*>(req);
    h->nlmsg_len = sizeof req;
    h->nlmsg_type = NLMSG_DONE;
    auto* msg = static_cast<cn_msg*>(NLMSG_DATA(h));
    msg->id.idx = CN_IDX_PROC;
    msg->id.val = CN_VAL_PROC;
    msg->len = sizeof(proc_cn_mcast_op);
    *reinterpret_cast<proc_cn_mcast_op*>(msg->data) = PROC_CN_MCAST_LISTEN;
    bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && send(fd, &req, sizeof req, 0) == static_cast<ssize_t>(sizeof req);
    close(fd);
    return ok;
}

config::TrackerConfig tracker_config(const std::string& name, std::chrono::milliseconds interval) {
    config::TrackerConfig c;
    c.name = "proc";
    c.type = "process";
    c.interval = interval;
    c.timeout = interval;
    c.options = {{"name", name, {}}};
    return c;
}

}  // namespace

TEST(ProcessTracker, SeesExecAndExitAtOnceThroughTheConnector) {
    if (!connector_available()) GTEST_SKIP() << "the proc connector only works in the initial network namespace, as root";
    Loop loop;
    plugin::Host host(loop.base);
    auto type = test::plugins().tracker("process");
    ASSERT_TRUE(type);
    std::string name = "vglp" + std::to_string(getpid());
    int changes = 0;
    // A 60 s interval: only the connector can make this test pass in time.
    track::TrackerRuntime t(tracker_config(name, 60s), type, host.api(), loop.base, [&](track::TrackerRuntime&) { ++changes; });
    ASSERT_EQ(t.start(), "");
    ASSERT_TRUE(loop.until([&] { return t.checks() >= 1; }));
    EXPECT_FALSE(t.state().up()) << t.state().reason();
    EXPECT_EQ(t.state().reason(), "0 '" + name + "' processes running (wanted at least 1)");

    pid_t child = start_named(name);
    EXPECT_TRUE(loop.until([&] { return t.state().up(); })) << t.state().last_reason();
    EXPECT_EQ(t.state().reason(), "1 '" + name + "' process running (wanted at least 1)");
    reap(child);
    EXPECT_TRUE(loop.until([&] { return !t.state().up(); })) << t.state().last_reason();
}

TEST(ProcessTracker, CountsAgainstMinAndMax) {
    Loop loop;
    plugin::Host host(loop.base);
    auto type = test::plugins().tracker("process");
    ASSERT_TRUE(type);
    std::string name = "vglq" + std::to_string(getpid());
    std::vector<pid_t> children;
    for (int i = 0; i < 3; ++i) children.push_back(start_named(name));
    auto cfg = tracker_config(name, 100ms);
    cfg.options.push_back({"min", "2", {}});
    cfg.options.push_back({"max", "2", {}});
    cfg.fall = 1;
    track::TrackerRuntime t(cfg, type, host.api(), loop.base, [](track::TrackerRuntime&) {});
    // Give the children time to rename themselves before the first scan.
    ASSERT_TRUE(test::wait_for([&] {
        std::ifstream comm("/proc/" + std::to_string(children.back()) + "/comm");
        std::string c;
        std::getline(comm, c);
        return c == name;
    }));
    ASSERT_EQ(t.start(), "");
    ASSERT_TRUE(loop.until([&] { return !t.state().up(); })) << "3 is above max 2";
    EXPECT_EQ(t.state().reason(), "3 '" + name + "' processes running (wanted 2-2)");
    reap(children.back());
    children.pop_back();
    EXPECT_TRUE(loop.until([&] { return t.state().up(); })) << t.state().last_reason();
    reap(children.back());
    children.pop_back();
    EXPECT_TRUE(loop.until([&] { return !t.state().up(); })) << "1 is below min 2";
    for (pid_t c : children) reap(c);
}

TEST(ProcessTracker, SeesADaemonForkingAwayWithoutExec) {
    if (!connector_available()) GTEST_SKIP() << "the proc connector only works in the initial network namespace, as root";
    Loop loop;
    plugin::Host host(loop.base);
    std::string name = "vglf" + std::to_string(getpid());
    auto cfg = tracker_config(name, 60s);
    cfg.options.push_back({"min", "2", {}});
    track::TrackerRuntime t(cfg, test::plugins().tracker("process"), host.api(), loop.base, [](track::TrackerRuntime&) {});
    ASSERT_EQ(t.start(), "");
    ASSERT_TRUE(loop.until([&] { return t.checks() >= 1; }));
    // A parent that renames itself, then forks a child that never execs (a daemonizing service).
    pid_t parent = fork();
    if (parent == 0) {
        prctl(PR_SET_NAME, name.c_str());
        if (fork() == 0) while (true) pause();
        while (true) pause();
    }
    EXPECT_TRUE(loop.until([&] { return t.state().up(); })) << t.state().last_reason();
    EXPECT_EQ(t.state().reason(), "2 '" + name + "' processes running (wanted at least 2)");
    kill(-parent, SIGKILL);  // nothing: children are in our group; kill both explicitly
    std::string pids = test::run({"/usr/bin/pgrep", "-x", name}).out;
    std::istringstream in(pids);
    for (pid_t p; in >> p;) kill(p, SIGKILL);
    waitpid(parent, nullptr, 0);
}

// Outside the initial network namespace (a container) the tracker has no
// proc connector: exits arrive through pidfds, new processes only through
// /proc scans, and while enough run those are rare. An overlapping restart
// (the new process starts, then the old one exits) must still read as UP:
// below min after an exit, the tracker scans /proc before it reports.
TEST(ProcessTracker, AnOverlappingRestartStaysUpWithoutTheConnector) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_FALSE(connector_available()) << "this namespace should have no proc connector";
    Loop loop;
    plugin::Host host(loop.base);
    std::string name = "vglr" + std::to_string(getpid());
    pid_t old_one = start_named(name);
    auto named = [&](pid_t pid) {
        return [pid, &name] {
            std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
            std::string c;
            std::getline(comm, c);
            return c == name;
        };
    };
    ASSERT_TRUE(test::wait_for(named(old_one)));
    // A 60 s interval: no periodic scan happens during the test.
    track::TrackerRuntime t(tracker_config(name, 60s), test::plugins().tracker("process"), host.api(), loop.base,
                            [](track::TrackerRuntime&) {});
    ASSERT_EQ(t.start(), "");
    ASSERT_TRUE(loop.until([&] { return t.state().up(); })) << t.state().last_reason();
    pid_t new_one = start_named(name);
    ASSERT_TRUE(test::wait_for(named(new_one)));
    auto before = t.checks();
    reap(old_one);
    ASSERT_TRUE(loop.until([&] { return t.checks() > before; })) << "the exit was not reported";
    EXPECT_TRUE(t.state().up()) << t.state().last_reason();
    EXPECT_EQ(t.state().last_reason(), "1 '" + name + "' process running (wanted at least 1)");
    // Control: with none left it goes DOWN at once.
    before = t.checks();
    reap(new_one);
    ASSERT_TRUE(loop.until([&] { return t.checks() > before; }));
    EXPECT_FALSE(t.state().up());
}

// keepalived's vrrp_track_process `delay`: a change is reported once it has
// held that long. A restart that exits and forks again (nothing running for
// a moment) stays UP; a lasting exit is DOWN after the delay, not before.
TEST(ProcessTracker, DelayRidesOutARestartAndReportsLastingChangesLate) {
    Loop loop;
    plugin::Host host(loop.base);
    std::string name = "vgld" + std::to_string(getpid());
    auto cfg = tracker_config(name, 100ms);
    cfg.options.push_back({"delay", "800ms", {}});
    bool went_down_after_up = false, was_up = false;
    track::TrackerRuntime t(cfg, test::plugins().tracker("process"), host.api(), loop.base, [&](track::TrackerRuntime& r) {
        if (r.state().up()) was_up = true;
        else if (was_up) went_down_after_up = true;
    });
    using clock = std::chrono::steady_clock;
    ASSERT_EQ(t.start(), "");
    ASSERT_TRUE(loop.until([&] { return t.checks() >= 1; }));
    EXPECT_FALSE(t.state().up()) << "the first state is reported at once";

    auto forked = clock::now();
    pid_t first = start_named(name);
    ASSERT_TRUE(loop.until([&] { return t.state().up(); })) << t.state().last_reason();
    EXPECT_GE(clock::now() - forked, 800ms) << "UP only after fork_delay";

    reap(first);
    pid_t second = start_named(name);
    auto restarted = clock::now();
    ASSERT_TRUE(loop.until([&] { return clock::now() - restarted > 1500ms; }, 3s));
    EXPECT_FALSE(went_down_after_up) << "the restart was reported: " << t.state().last_reason();
    EXPECT_TRUE(t.state().up());

    auto exited = clock::now();
    reap(second);
    ASSERT_TRUE(loop.until([&] { return !t.state().up(); })) << "a lasting exit must be reported";
    EXPECT_GE(clock::now() - exited, 800ms) << "DOWN only after terminate_delay";
}
