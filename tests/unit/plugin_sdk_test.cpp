// SPDX-License-Identifier: Apache-2.0
// SDK 1.2 (tests/plugins/typed_plugin.c): a declared default reaches
// create() when the section leaves its key out, the typed getters return the
// host's parse, a plugin built for 1.1 loads and sees what it always saw, and
// a plugin key's bad value is explained in the words of a core key's.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "config_files/config_files.h"
#include "notify/notifier.h"
#include "plugin/host.h"
#include "support/config_helpers.h"
#include "support/event_loop.h"
#include "support/temp_dir.h"
#include "track/tracking.h"

using namespace vigil;
using namespace vigil::test;

namespace {

std::string typed_plugin(const char* name) { return std::string(TYPED_PLUGIN_DIR) + "/" + name + ".so"; }

// One typed plugin file in a registry of its own, and sections of its types.
struct Typed {
    plugin::PluginRegistry registry;
    explicit Typed(const char* file) { EXPECT_EQ(registry.load(typed_plugin(file)), ""); }

    config::LoadResult load(const std::string& instance_keys, const std::string& tracker_keys,
                            const std::string& notifier_keys = "") const {
        auto o = load_options();
        o.types = &registry.schemas();
        return config::load_config_text(instance("track = t\nnotify = n\n" + instance_keys) + "[tracker t]\ntype = typedcheck\n" +
                                            tracker_keys + "[notifier n]\ntype = typednote\n" + notifier_keys,
                                        "t.conf", o);
    }

    // What each create() saw (typed_plugin.c refuses with it as its message),
    // through the host's real callers: TrackerRuntime::start, Notifier::start.
    std::pair<std::string, std::string> seen(const std::string& keys) const {
        auto r = load("", keys, keys);
        EXPECT_TRUE(r.ok()) << joined(r);
        if (!r.ok()) return {};
        Loop loop;
        plugin::Host host(loop.base);
        track::TrackerRuntime tracker(r.config->trackers.at(0), registry.tracker("typedcheck"), host.api(), loop.base,
                                      [](track::TrackerRuntime&) {});
        notify::Notifier notifier(r.config->notifiers.at(0), registry.notifier("typednote"), host.api());
        return {tracker.start(), notifier.start()};
    }
};

// The explanation after "KEY: " in the one message about `key`.
std::string problem_of(const config::LoadResult& r, const std::string& key) {
    std::string found;
    for (const auto& m : messages(r))
        if (auto at = m.find(": " + key + ": "); at != std::string::npos) {
            EXPECT_EQ(found, "") << "two messages about " << key << ":\n" << joined(r);
            found = m.substr(at + key.size() + 4);
        }
    EXPECT_NE(found, "") << "no message about " << key << ":\n" << joined(r);
    return found;
}

}  // namespace

TEST(PluginSdk, ADeclaredDefaultReachesCreateWhenTheKeyIsLeftOut) {
    Typed t("typed_1_2");
    auto [tracker, notifier] = t.seen("");
    EXPECT_EQ(tracker,
              "count=3 enabled=1 wait=2000 codes=200-299,304-304 color=1 note=none raw_count=3 "
              "defaulted=count,enabled,wait,codes,color values=yes");
    EXPECT_EQ(notifier, tracker) << "notifiers get them the same way";
}

TEST(PluginSdk, TheTypedGettersReturnTheHostsParse) {
    Typed t("typed_1_2");
    auto [tracker, notifier] = t.seen("count = 7\nenabled = off\nwait = 250ms\ncodes = 200, 301-302\ncolor = blue\nnote = hi\n");
    EXPECT_EQ(tracker,
              "count=7 enabled=0 wait=250 codes=200-200,301-302 color=2 note=hi raw_count=7 defaulted=none values=yes");
    EXPECT_EQ(notifier, tracker);
    // Some written, some left to their defaults.
    EXPECT_EQ(t.seen("wait = 1m\ncolor = red\n").first,
              "count=3 enabled=1 wait=60000 codes=200-299,304-304 color=0 note=none raw_count=3 "
              "defaulted=count,enabled,codes values=yes");
}

TEST(PluginSdk, DefaultsDescriptionsAndSecrecyReachTheSchema) {
    Typed t("typed_1_2");
    const auto* schema = t.registry.schemas().tracker_type("typedcheck");
    ASSERT_TRUE(schema);
    ASSERT_EQ(schema->options.size(), 7u);
    EXPECT_EQ(schema->options[0].default_value, "3");
    EXPECT_EQ(schema->options[0].description, "how many");
    EXPECT_EQ(schema->options[3].default_value, "200-299 304");
    EXPECT_EQ(schema->options[5].default_value, "") << "note declares none";
    EXPECT_EQ(schema->options[5].description, "free text, no default");
    EXPECT_FALSE(schema->options[5].secret);
    EXPECT_TRUE(schema->options[6].secret) << "VIGIL_KEY_SECRET";
}

// VIGIL_KEY_SECRET makes a plugin key a secret as auth_pass is one.
TEST(PluginSdk, ASecretKeyInAFileOthersMayReadIsWarnedAbout) {
    Typed t("typed_1_2");
    TempDir dir;
    auto conf = dir.write("vigil.conf", instance("track = t\n") + "[tracker t]\ntype = typedcheck\nnote = n0te\ntoken = t0ken\n");
    chmod(conf.c_str(), 0644);
    auto o = load_options();
    o.types = &t.registry.schemas();
    auto r = config::load_config_file(conf, o);
    ASSERT_TRUE(r.ok()) << joined(r);
    EXPECT_EQ(messages(r), std::vector<std::string>{conf + ":9: warning: token: a secret in a file readable by others "
                                                           "(chmod o-r, or use a private *_file)"});
}

TEST(PluginSdk, APluginBuiltFor1_1LoadsHasItsKeysCheckedAndSeesNoDefaultsOrValues) {
    Typed t("typed_1_1");
    ASSERT_TRUE(t.registry.tracker("typedcheck"));
    const auto* schema = t.registry.schemas().tracker_type("typedcheck");
    ASSERT_TRUE(schema);
    for (const auto& o : schema->options) {
        EXPECT_EQ(o.default_value, "") << o.name << ": key_docs lie beyond the size a 1.1 type states";
        EXPECT_EQ(o.description, "") << o.name;
    }
    auto bad = t.load("", "count = 1001\n");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(problem_of(bad, "count"), "1001 is out of range (1-1000)");

    auto [left_out, notifier] = t.seen("");
    EXPECT_EQ(left_out, "count=-1 enabled=-1 wait=-1 codes=none color=-1 note=none raw_count=none defaulted=none values=no");
    EXPECT_EQ(notifier, left_out);
    EXPECT_EQ(t.seen("count = 7\nenabled = off\n").first,
              "count=-1 enabled=-1 wait=-1 codes=none color=-1 note=none raw_count=7 defaulted=none values=no")
        << "the written value as text, as in 1.1; the getters fall back";
}

TEST(PluginSdk, ADefaultItsOwnKeyRefusesFailsTheLoad) {
    plugin::PluginRegistry r;
    EXPECT_EQ(r.load(typed_plugin("typed_bad_default")),
              typed_plugin("typed_bad_default") + ": tracker type typedcheck: key count has a bad default: 1001 is out of range (1-1000)");
    EXPECT_FALSE(r.tracker("typedcheck"));
}

TEST(PluginSdk, APluginKeysBadValueIsExplainedInTheWordsOfACoreKeys) {
    struct Case {
        const char* core_key;  // of [instance VI_1], or of [tracker t] when in_tracker
        bool in_tracker;
        const char* plugin_key;
        const char* value;
        const char* words;
    };
    // rise is a core key of every tracker, with the range count declares.
    const Case cases[] = {
        {"garp_delay", false, "wait", "soon", "'soon' is not a duration (e.g. 1s, 250ms, 0.5s, 2m)"},
        {"preempt", false, "enabled", "maybe", "'maybe' is not a boolean (yes/no/true/false/on/off/1/0)"},
        {"rise", true, "count", "1001", "1001 is out of range (1-1000)"},
        {"rise", true, "count", "many", "'many' is not an integer"},
    };
    Typed t("typed_1_2");
    for (const auto& c : cases) {
        auto core = std::string(c.core_key) + " = " + c.value + "\n", mine = std::string(c.plugin_key) + " = " + c.value + "\n";
        auto r = c.in_tracker ? t.load("", core + mine) : t.load(core, mine);
        EXPECT_EQ(problem_of(r, c.core_key), c.words);
        EXPECT_EQ(problem_of(r, c.plugin_key), c.words) << "the same words as the core key " << c.core_key;
    }
}
