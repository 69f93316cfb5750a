// SPDX-License-Identifier: Apache-2.0
// The file tracker reads the path on the event loop: whatever is there must
// not block it.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "plugin/host.h"
#include "support/config_helpers.h"
#include "support/event_loop.h"
#include "support/temp_dir.h"
#include "track/tracking.h"

using namespace vigil;
using namespace vigil::test;

namespace {

config::TrackerConfig value_tracker(const std::string& path) {
    config::TrackerConfig c;
    c.name = "level";
    c.type = "file";
    c.interval = std::chrono::seconds(1);
    c.timeout = c.interval;
    c.options = {{"path", path, {}}, {"mode", "value", {}}};
    return c;
}

// Starts a value tracker on `path` and returns its first reason.
std::string first_reason(const std::string& path) {
    Loop loop;
    plugin::Host host(loop.base);
    auto type = plugins().tracker("file");
    EXPECT_TRUE(type);
    if (!type) return "";
    track::TrackerRuntime t(value_tracker(path), type, host.api(), loop.base, [](track::TrackerRuntime&) {});
    EXPECT_EQ(t.start(), "");
    EXPECT_TRUE(loop.until([&] { return t.checks() >= 1; }));
    return t.state().last_reason();
}

}  // namespace

TEST(FileTracker, AFifoIsNotReadAndDoesNotBlockTheLoop) {
    TempDir dir;
    auto fifo = dir.file("level");
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    // A blocking open of a FIFO without a writer would never return.
    EXPECT_EQ(first_reason(fifo), fifo + " does not hold an integer");
    // Control: a regular file is read.
    auto file = dir.write("value", "7\n");
    EXPECT_EQ(first_reason(file), file + " reads 7");
}
