// SPDX-License-Identifier: Apache-2.0
// What a running vigild maps: the plugins its config uses and no other, and
// libcurl (and the Lua bridge) only with a user, read from /proc/PID/maps of
// every vigild process (the supervisor and its worker) in a network namespace.
#include <gtest/gtest.h>

#include <dirent.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/netns.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace vigil::test;

namespace {

const std::string kVigild = VIGILD_PATH;

// The config: a file tracker and a log notifier, and `extra` sections.
std::string config_with(const std::string& dir, const std::string& track, const std::string& extra) {
    return "[global]\nlog = file:" + dir + "/vigild.log\nlog_level = info\ncontrol_socket = " + dir +
           "/vigil.sock\nstate_dir = " + dir + "/state\nnotify = events\n"
           "[instance VI_1]\ninterface = lo\nvrid = 51\nvip = 192.0.2.10/24\npriority = 100\ntrack = " + track + "\n"
           "[tracker down]\ntype = file\npath = " + dir + "/down\nweight = -2\n"
           "[notifier events]\ntype = log\npath = " + dir + "/events.log\n" + extra;
}

// The pids whose parent is `parent`.
std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> out;
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
        auto name = e.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream stat(e.path() / "stat");
        std::string line;
        if (!std::getline(stat, line)) continue;
        // pid (comm) state ppid ...: comm may hold spaces, so from the last ')'.
        std::istringstream rest(line.substr(line.rfind(')') + 2));
        char state;
        pid_t ppid = 0;
        rest >> state >> ppid;
        if (ppid == parent) out.push_back(std::stoi(name));
    }
    return out;
}

std::string comm_of(pid_t pid) {
    auto c = slurp("/proc/" + std::to_string(pid) + "/comm");
    return c.empty() ? c : c.substr(0, c.size() - 1);
}

// The supervisor's worker, 0 until it runs.
pid_t worker_of(pid_t supervisor) {
    for (auto pid : children_of(supervisor))
        if (comm_of(pid) == "vigild-worker") return pid;
    return 0;
}

bool maps(pid_t pid, const std::string& what) { return slurp("/proc/" + std::to_string(pid) + "/maps").find(what) != std::string::npos; }

}  // namespace

TEST(VigildMemory, MapsOnlyThePluginsAndLibrariesItsConfigUses) {
    NetNamespace ns;
    if (!ns.ok()) GTEST_SKIP() << "needs root to create a network namespace";
    TempDir dir;
    auto d_path = dir.path().string();
    auto log = d_path + "/vigild.log";
    auto cfg = dir.write("vigil.conf", config_with(d_path, "down", ""));
    Child d(ns.exec({kVigild, "-n", "-f", cfg, "--pid-file", dir.file("vigild.pid")}));
    ASSERT_GT(d.pid(), 0);
    ASSERT_TRUE(wait_for([&] { return slurp(log).find("vigild started") != std::string::npos; })) << slurp(log);
    pid_t worker = 0;
    ASSERT_TRUE(wait_for([&] { return (worker = worker_of(d.pid())) != 0; }));

    // A file tracker and a log notifier: their plugins, no other, no libcurl, no Lua.
    EXPECT_TRUE(maps(worker, "/plugins/file.so")) << "the control: the worker's maps name its plugins";
    EXPECT_TRUE(maps(worker, "/plugins/log.so"));
    for (const char* unused : {"/plugins/http.so", "/plugins/mail.so", "/plugins/webhook.so", "/plugins/lua.so",
                               "/plugins/exec.so", "http-engine.so", "libcurl", "liblua"})
        for (pid_t pid : {d.pid(), worker}) EXPECT_FALSE(maps(pid, unused)) << comm_of(pid) << " maps " << unused;
    EXPECT_NE(slurp(log).find("plugin file 1.0 from "), std::string::npos) << slurp(log);
    EXPECT_EQ(slurp(log).find("plugin http"), std::string::npos) << "the log lists only what is loaded";

    // A reload that adds an http tracker loads its plugin, and its first
    // request the HTTP engine and libcurl.
    dir.write("vigil.conf", config_with(d_path, "down web",
                                        "[tracker web]\ntype = http\nurl = http://127.0.0.1:9/\ninterval = 200ms\nweight = -2\n"));
    d.signal(SIGHUP);
    ASSERT_TRUE(wait_for([&] { return slurp(log).find("reloaded " + cfg) != std::string::npos; })) << slurp(log);
    EXPECT_NE(slurp(log).find("plugin http 1.0 from "), std::string::npos) << slurp(log);
    EXPECT_TRUE(maps(worker, "/plugins/http.so"));
    EXPECT_TRUE(wait_for([&] { return maps(worker, "libcurl"); })) << "an http check maps libcurl in the worker";
    EXPECT_TRUE(maps(worker, "http-engine.so"));
    EXPECT_FALSE(maps(d.pid(), "libcurl")) << "never in the supervisor";
    EXPECT_FALSE(maps(worker, "/plugins/lua.so"));

    d.signal(SIGTERM);
    auto status = d.wait_exit();
    ASSERT_TRUE(status);
    EXPECT_EQ(*status, 0);
}

// `vigild -t` loads what a start would; a type no plugin has still names
// every one there is.
TEST(VigildMemory, AnUnknownTypeStillListsEveryKnownType) {
    TempDir dir;
    auto cfg = dir.write("vigil.conf", "[instance A]\ninterface = lo\nvrid = 1\nvip = 192.0.2.1/24\ntrack = t\n"
                                       "[tracker t]\ntype = nosuch\n");
    auto r = run({kVigild, "-t", "-f", cfg});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find(cfg + ":7: type: no tracker type 'nosuch' (known: exec, file, http, nginx, interface, lua, process)"),
              std::string::npos)
        << r.err;
}
