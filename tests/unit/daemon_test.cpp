// SPDX-License-Identifier: Apache-2.0
// The daemon shell without a network: reload as a function, options, pid file.
#include <gtest/gtest.h>

#include <unistd.h>

#include "daemon/daemon.h"
#include "daemon/options.h"
#include "daemon/pid_file.h"
#include "log/logger.h"
#include "support/config_helpers.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace vigil;
using namespace vigil::test;

namespace {

// Records what the daemon hands to a subsystem.
class RecordingSubsystem : public daemon::Subsystem {
public:
    explicit RecordingSubsystem(std::vector<int>* priorities) : priorities_(priorities) {}
    const char* name() const override { return "recorder"; }
    void apply(const config::Config& c) override { priorities_->push_back(c.instances.at(0).priority); }
    void dump() const override {}
    void stop() override { priorities_->push_back(-1); }

private:
    std::vector<int>* priorities_;
};

std::string good(int priority) {
    return "[global]\nlog = stderr\nlog_level = error\n"
           "[instance VI_1]\ninterface = lo\nvrid = 51\nvip = 192.0.2.10/24\npriority = " +
           std::to_string(priority) + "\n";
}

daemon::Options options_for(const std::string& path) {
    daemon::Options o;
    o.config_path = path;
    o.foreground = true;
    return o;
}

}  // namespace

TEST(DaemonReload, AcceptsAGoodConfigAndRefusesABrokenOne) {
    TempDir dir;
    auto path = dir.write("vigil.conf", good(100));
    std::vector<int> seen;
    daemon::Daemon d(options_for(path), types());
    d.add_subsystem(std::make_unique<RecordingSubsystem>(&seen));
    ASSERT_TRUE(d.start());
    EXPECT_EQ(seen, std::vector<int>{100});

    dir.write("vigil.conf", good(120));
    auto applied = d.reload();
    EXPECT_TRUE(applied.applied);
    EXPECT_EQ(d.config().instances[0].priority, 120);
    EXPECT_EQ(seen, (std::vector<int>{100, 120}));

    dir.write("vigil.conf", good(130) + "garp_repeat = 300\nbogus = 1\n");
    auto refused = d.reload();
    EXPECT_FALSE(refused.applied);
    ASSERT_EQ(refused.diagnostics.size(), 2u);
    EXPECT_EQ(refused.diagnostics[0].str(), path + ":9: garp_repeat: 300 is out of range (0-100)");
    EXPECT_EQ(d.config().instances[0].priority, 120) << "the running config stays";
    EXPECT_EQ(seen, (std::vector<int>{100, 120})) << "a refused config never reaches a subsystem";

    dir.write("vigil.conf", good(140));
    EXPECT_TRUE(d.reload().applied) << "a fixed file is accepted again";
    EXPECT_EQ(seen, (std::vector<int>{100, 120, 140}));

    d.request_stop();
    EXPECT_EQ(seen.back(), -1);
}

// control_socket is read at start only: a reload that changes it says so,
// again while it still differs from the socket in use, and not once it is
// back to that one. Control: a key applied live (log_level) is never named.
TEST(DaemonReload, NamesGlobalKeysThatTakeEffectOnlyAtARestart) {
    TempDir dir;
    auto log = dir.file("vigild.log");
    auto config = [&](const std::string& socket, const std::string& level) {
        return "[global]\nlog = file:" + log + "\nlog_level = " + level + "\ncontrol_socket = " + socket +
               "\n[instance VI_1]\ninterface = lo\nvrid = 51\nvip = 192.0.2.10/24\n";
    };
    auto path = dir.write("vigil.conf", config("/run/a.sock", "warning"));
    daemon::Daemon d(options_for(path), types());
    ASSERT_TRUE(d.start());
    const std::string warning = "[global] control_socket changed; the new value takes effect when vigild restarts";

    dir.write("vigil.conf", config("/run/a.sock", "info"));
    ASSERT_TRUE(d.reload().applied);
    EXPECT_EQ(count_of(slurp(log), "[global]"), 0u) << slurp(log);

    dir.write("vigil.conf", config("/run/b.sock", "info"));
    ASSERT_TRUE(d.reload().applied);
    EXPECT_EQ(count_of(slurp(log), warning), 1u) << slurp(log);
    ASSERT_TRUE(d.reload().applied);
    EXPECT_EQ(count_of(slurp(log), warning), 2u) << "still not in effect: " << slurp(log);

    dir.write("vigil.conf", config("/run/a.sock", "info"));
    ASSERT_TRUE(d.reload().applied);
    EXPECT_EQ(count_of(slurp(log), warning), 2u) << "back to the socket in use: " << slurp(log);
    EXPECT_EQ(count_of(slurp(log), "[global]"), 2u) << "log_level is applied live: " << slurp(log);
    d.request_stop();
    log::Logger::get().configure({}, log::Level::Info, false);
}

TEST(DaemonReload, AMissingFileIsRefusedToo) {
    TempDir dir;
    auto path = dir.write("vigil.conf", good(100));
    daemon::Daemon d(options_for(path), types());
    ASSERT_TRUE(d.start());
    std::filesystem::remove(path);
    auto outcome = d.reload();
    EXPECT_FALSE(outcome.applied);
    EXPECT_EQ(d.config().instances.size(), 1u);
}

TEST(DaemonStart, RefusesABrokenConfig) {
    TempDir dir;
    auto path = dir.write("vigil.conf", "[instance A]\n");
    daemon::Daemon d(options_for(path), types());
    EXPECT_FALSE(d.start());
}

TEST(Options, ParsesEveryFlag) {
    const char* argv[] = {"vigild", "-f", "/x.conf", "-t", "-n", "--log-console", "--log-level", "debug", "--pid-file", "/p"};
    auto p = daemon::parse_options(10, const_cast<char**>(argv));
    ASSERT_EQ(p.error, "");
    EXPECT_EQ(p.options.config_path, "/x.conf");
    EXPECT_TRUE(p.options.test_config);
    EXPECT_TRUE(p.options.foreground);
    EXPECT_TRUE(p.options.log_console);
    EXPECT_EQ(p.options.log_level, log::Level::Debug);
    EXPECT_EQ(p.options.pid_file, "/p");
}

TEST(Options, LongFormsAndDefaults) {
    const char* argv[] = {"vigild", "--test-config", "--foreground", "--config=/y.conf", "--version"};
    auto p = daemon::parse_options(5, const_cast<char**>(argv));
    ASSERT_EQ(p.error, "");
    EXPECT_EQ(p.options.config_path, "/y.conf");
    EXPECT_TRUE(p.options.show_version);
    const char* none[] = {"vigild"};
    auto d = daemon::parse_options(1, const_cast<char**>(none));
    EXPECT_EQ(d.options.config_path, "/etc/vigil/vigil.conf");
    EXPECT_EQ(d.options.pid_file, "/run/vigil/vigild.pid");
    EXPECT_FALSE(d.options.foreground);
}

TEST(Options, UsageErrors) {
    const char* a[] = {"vigild", "--log-level", "loud"};
    EXPECT_EQ(daemon::parse_options(3, const_cast<char**>(a)).error,
              "--log-level: 'loud' is not debug, info, notice, warning or error");
    const char* b[] = {"vigild", "--frob"};
    EXPECT_EQ(daemon::parse_options(2, const_cast<char**>(b)).error, "unknown option --frob");
    const char* c[] = {"vigild", "-f"};
    EXPECT_EQ(daemon::parse_options(2, const_cast<char**>(c)).error, "option -f needs a value");
    const char* d[] = {"vigild", "extra"};
    EXPECT_EQ(daemon::parse_options(2, const_cast<char**>(d)).error, "unexpected argument 'extra'");
}

TEST(PidFile, SecondHolderIsRefusedAndReleaseRemovesTheFile) {
    TempDir dir;
    auto path = dir.file("run/vigild.pid");
    daemon::PidFile first;
    ASSERT_EQ(first.acquire(path), "");
    EXPECT_TRUE(std::filesystem::exists(path));
    daemon::PidFile second;
    EXPECT_EQ(second.acquire(path), "another vigild (pid " + std::to_string(getpid()) + ") is running with pid file " + path);
    first.release();
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(PidFile, AStaleFileFromACrashDoesNotBlock) {
    TempDir dir;
    auto path = dir.write("vigild.pid", "999999\n");
    daemon::PidFile pf;
    EXPECT_EQ(pf.acquire(path), "");
}
