// SPDX-License-Identifier: Apache-2.0
// The loader against purpose-built plugins: ABI checks, a missing entry
// symbol, bad declarations, a plugin's keys driving the config check, one
// type name from two files, and what is listed of each file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "daemon/daemon.h"
#include "plugin/loaded_plugins_log.h"
#include "plugin/plugin_registry.h"
#include "support/config_helpers.h"
#include "support/process.h"
#include "support/temp_dir.h"

using namespace vigil;
using namespace vigil::test;

namespace {
std::string test_plugin(const char* name) { return std::string(TEST_PLUGIN_DIR) + "/" + name + ".so"; }
}  // namespace

TEST(PluginLoader, AcceptsAGoodPlugin) {
    plugin::PluginRegistry r;
    EXPECT_EQ(r.load(test_plugin("good")), "");
    ASSERT_TRUE(r.tracker("testcheck"));
    EXPECT_TRUE(r.schemas().tracker_type("testcheck"));
}

TEST(PluginLoader, RefusesAnotherMajorNamingFileAndVersions) {
    plugin::PluginRegistry r;
    auto ours = std::to_string(VIGIL_ABI_MAJOR) + "." + std::to_string(VIGIL_ABI_MINOR);
    EXPECT_EQ(r.load(test_plugin("wrong_major")), test_plugin("wrong_major") + ": built for plugin ABI " +
                                                      std::to_string(VIGIL_ABI_MAJOR + 1) + "." + std::to_string(VIGIL_ABI_MINOR) +
                                                      ", this vigild speaks " + ours + " (a different major version)");
    EXPECT_FALSE(r.tracker("testcheck"));
}

TEST(PluginLoader, RefusesANewerMinor) {
    plugin::PluginRegistry r;
    auto ours = std::to_string(VIGIL_ABI_MAJOR) + "." + std::to_string(VIGIL_ABI_MINOR);
    EXPECT_EQ(r.load(test_plugin("newer_minor")), test_plugin("newer_minor") + ": built for plugin ABI " +
                                                      std::to_string(VIGIL_ABI_MAJOR) + "." + std::to_string(VIGIL_ABI_MINOR + 1) +
                                                      ", newer than this vigild's " + ours + "; upgrade vigild");
}

TEST(PluginLoader, RefusesAFileWithoutTheEntrySymbol) {
    plugin::PluginRegistry r;
    EXPECT_EQ(r.load(test_plugin("no_entry")), test_plugin("no_entry") + ": not a vigil plugin (no vigil_plugin_entry symbol)");
}

TEST(PluginLoader, RefusesAnUnknownKeyKind) {
    plugin::PluginRegistry r;
    EXPECT_EQ(r.load(test_plugin("bad_key")), test_plugin("bad_key") + ": tracker type testcheck: key 1 has no name or an unknown kind");
}

TEST(PluginLoader, RefusesWhatIsNotASharedObject) {
    plugin::PluginRegistry r;
    auto problem = r.load(std::string(FIXTURES_DIR) + "/good.conf");
    EXPECT_EQ(problem.rfind(std::string(FIXTURES_DIR) + "/good.conf: cannot load: ", 0), 0u) << problem;
}

TEST(PluginLoader, APluginsKeysDriveTheConfigCheck) {
    plugin::PluginRegistry r;
    ASSERT_EQ(r.load(test_plugin("good")), "");
    config::LoadOptions o;
    o.types = &r.schemas();
    auto check = [&](const std::string& tracker) {
        return config::load_config_text(instance("track = t\n") + "[tracker t]\ntype = testcheck\n" + tracker, "t.conf", o);
    };
    EXPECT_TRUE(check("target = db\nlevel = 3\n").ok());
    auto typo = check("target = db\nlevl = 3\n");
    ASSERT_FALSE(typo.ok());
    EXPECT_EQ(messages(typo)[0], "t.conf:9: unknown key 'levl' in [tracker t] of type testcheck (did you mean 'level'?)");
    auto range = check("target = db\nlevel = 9\n");
    ASSERT_FALSE(range.ok());
    EXPECT_EQ(messages(range)[0], "t.conf:9: level: 9 is out of range (1-5)");
    auto missing = check("level = 2\n");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(messages(missing)[0], "t.conf:6: [tracker t] (type testcheck) needs 'target'");
    auto refused = check("target = forbidden\n");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(messages(refused)[0], "t.conf:6: testcheck: target 'forbidden' is not allowed") << "the plugin's own validate()";
}

TEST(PluginLoader, TheBuiltInPluginsLoadAndExportOnlyTheEntry) {
    const auto& r = plugins();
    for (const char* t : {"file", "interface", "exec"}) EXPECT_TRUE(r.tracker(t)) << t;
    for (const char* n : {"log", "exec"}) EXPECT_TRUE(r.notifier(n)) << n;
    for (const auto& l : r.loaded()) {
        auto syms = run({"/usr/bin/nm", "-D", "--defined-only", l.path}).out;
        std::istringstream in(syms);
        std::vector<std::string> exported;
        for (std::string line; std::getline(in, line);) {
            auto name = line.substr(line.rfind(' ') + 1);
            if (line.find(" T ") != std::string::npos || line.find(" D ") != std::string::npos) exported.push_back(name);
        }
        EXPECT_EQ(exported, std::vector<std::string>{"vigil_plugin_entry"}) << l.path;
    }
}

TEST(PluginLoader, ATypeNameFromTwoFilesIsAnErrorNamingBoth) {
    auto clash = [](const std::string& second, const std::string& name, const std::string& first) {
        return test_plugin(second.c_str()) + ": tracker type '" + name + "' is also registered by " + test_plugin(first.c_str()) +
               " (a type name may come from one plugin file only)";
    };
    plugin::PluginRegistry r;
    ASSERT_EQ(r.load(test_plugin("good")), "");
    EXPECT_EQ(r.load(test_plugin("good_twin")), clash("good_twin", "testcheck", "good"));
    EXPECT_EQ(r.load(test_plugin("alias_twin")), clash("alias_twin", "testcheck", "good")) << "an alias is a name too";
    ASSERT_EQ(r.loaded().size(), 1u) << "the refused files registered nothing";
    EXPECT_FALSE(r.tracker("aliascheck")) << "not even their other names";
    EXPECT_EQ(r.tracker("testcheck").type, r.loaded().front().info->trackers[0]);

    // No order decides: the other way round, the other file is refused.
    plugin::PluginRegistry reversed;
    ASSERT_EQ(reversed.load(test_plugin("good_twin")), "");
    EXPECT_EQ(reversed.load(test_plugin("good")), clash("good", "testcheck", "good_twin"));

    // As a config error: `vigild -t` and a start or reload refuse it (daemon::load).
    TempDir dir;
    auto conf = dir.write("vigil.conf", instance());
    auto problems = reversed.load_directories({TEST_PLUGIN_DIR});
    auto result = daemon::load(conf, reversed.schemas(), problems);
    EXPECT_FALSE(result.ok());
    std::vector<std::string> lines = messages(result);
    EXPECT_NE(std::find(lines.begin(), lines.end(), "plugin: " + clash("good", "testcheck", "good_twin")), lines.end())
        << ::testing::PrintToString(lines);
}

TEST(PluginLoader, TheSameFileThroughALinkIsNoClash) {
    TempDir dir;
    auto link = dir.file("good.so");
    std::filesystem::create_symlink(test_plugin("good"), link);
    plugin::PluginRegistry r;
    ASSERT_EQ(r.load(test_plugin("good")), "");
    EXPECT_EQ(r.load(link), "");
    EXPECT_EQ(r.loaded().size(), 1u);
}

TEST(PluginLoader, EachFileIsListedWithItsNameVersionAndTypes) {
    plugin::PluginRegistry r;
    ASSERT_EQ(r.load(test_plugin("good")), "");
    ASSERT_EQ(r.loaded().size(), 1u);
    const auto& p = r.loaded().front();
    EXPECT_EQ(p.path, test_plugin("good"));
    EXPECT_EQ(p.name, "testcheck");
    EXPECT_EQ(p.version, "0.1");
    EXPECT_EQ(p.trackers, std::vector<std::string>{"testcheck"});
    EXPECT_TRUE(p.notifiers.empty());
    EXPECT_STREQ(r.tracker("testcheck").plugin, "testcheck");
    EXPECT_EQ(plugin::describe(p), "testcheck 0.1 from " + test_plugin("good") + " (trackers: testcheck; notifiers: none)");
}

// vigild loads the plugins its config names (load_for), found by file name.
TEST(PluginLoader, LoadsOnlyThePluginsOfTheTypesNamed) {
    auto stems = [](const plugin::PluginRegistry& r) {
        std::vector<std::string> out;
        for (const auto& l : r.loaded()) out.push_back(std::filesystem::path(l.path).filename().string());
        std::sort(out.begin(), out.end());
        return out;
    };
    plugin::PluginRegistry r;
    config::SectionTypes needed;
    needed.trackers = {"file"};
    needed.notifiers = {"log"};
    EXPECT_TRUE(r.load_for({PLUGIN_DIR}, needed).empty());
    EXPECT_EQ(stems(r), (std::vector<std::string>{"file.so", "log.so"}));
    EXPECT_FALSE(r.tracker("lua")) << "no Lua section, no Lua bridge";

    // A reload that adds a type loads its file; the others stay.
    needed.trackers = {"file", "nginx"};  // an alias: a link to http.so
    EXPECT_TRUE(r.load_for({PLUGIN_DIR}, needed).empty());
    EXPECT_EQ(stems(r), (std::vector<std::string>{"file.so", "http.so", "log.so"})) << "the log names the file, not the link";
    EXPECT_TRUE(r.tracker("http"));

    // A type no file is named after (a typo, or a plugin file named
    // otherwise): every file is loaded, so that it is found or the error
    // lists every known type.
    plugin::PluginRegistry all;
    config::SectionTypes typo;
    typo.trackers = {"fiel"};
    EXPECT_TRUE(all.load_for({PLUGIN_DIR}, typo).empty());
    EXPECT_TRUE(all.tracker("lua"));
    EXPECT_TRUE(all.notifier("mail"));
    plugin::PluginRegistry other_name;
    config::SectionTypes testcheck;
    testcheck.trackers = {"testcheck"};  // registered by good.so
    other_name.load_for({TEST_PLUGIN_DIR}, testcheck);
    EXPECT_TRUE(other_name.tracker("testcheck"));

    // A section without a type: the error lists every type too.
    plugin::PluginRegistry untyped;
    config::SectionTypes none;
    none.untyped = true;
    untyped.load_for({PLUGIN_DIR}, none);
    EXPECT_TRUE(untyped.tracker("file"));
}

TEST(PluginLoader, ATypeNameCannotLeaveThePluginDirectory) {
    TempDir dir;
    std::filesystem::create_directories(dir.file("plugins"));
    std::filesystem::copy_file(std::string(PLUGIN_DIR) + "/file.so", dir.file("file.so"));
    plugin::PluginRegistry r;
    config::SectionTypes needed;
    needed.trackers = {"../file"};
    r.load_for({dir.file("plugins")}, needed);
    EXPECT_TRUE(r.loaded().empty()) << "../file.so is outside the directory";
}
