// SPDX-License-Identifier: Apache-2.0
// The key tables decide what a reload restarts. Every key of every core
// section must come with a sample here (two values that differ), and a change
// to it must restart exactly what its reload class says: a key added to a
// table without a sample, or with the wrong class, fails this test.
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "config/reload_plan.h"
#include "config/section_keys.h"
#include "support/config_helpers.h"

using namespace vigil;
using namespace vigil::config;
using namespace vigil::test;

namespace {

// Two versions of a key's lines ("key = value", or several lines where one
// key needs another), and what changing one to the other must take: stated
// here apart from the table, so that a class changed there (say priority made
// "live" while nothing applies it live) fails.
struct Sample {
    std::string a, b;
    Reload takes;
};
constexpr Reload kLive = Reload::Live, kRestart = Reload::Restart, kDaemon = Reload::DaemonRestart;

// The other sections a sample may refer to.
const std::string kNeighbours =
    "[tracker t1]\ntype = file\npath = /tmp/t1\n[tracker t2]\ntype = file\npath = /tmp/t2\n"
    "[notifier n1]\ntype = log\nsyslog = yes\n[notifier n2]\ntype = log\nsyslog = yes\n";

// A section of `header` from `base` lines, minus the keys the sample sets
// (a sample that sets the type brings the keys of its type itself).
std::string section(const std::string& header, const std::map<std::string, std::string>& base, const std::string& lines) {
    std::string out = "[" + header + "]\n" + lines + "\n";
    if (("\n" + lines).find("\ntype =") != std::string::npos) return out;
    for (const auto& [key, value] : base)
        if (("\n" + lines).find("\n" + key + " =") == std::string::npos) out += key + " = " + value + "\n";
    return out;
}

template <typename T>
void expect_every_key_sampled(const KeyTable<T>& table, const std::map<std::string, Sample>& samples, const char* what) {
    for (const auto& k : table) {
        EXPECT_TRUE(samples.count(k.name)) << what << " key '" << k.name << "' has no sample in this test: add one";
        if (samples.count(k.name)) {
            EXPECT_EQ(k.reload, samples.at(k.name).takes) << what << " key '" << k.name << "': its reload class is not what a change takes";
        }
        EXPECT_NE(std::string(k.description), "") << what << " key '" << k.name << "' has no description";
    }
    for (const auto& [key, sample] : samples)
        EXPECT_TRUE(std::any_of(table.begin(), table.end(), [&](const Key<T>& k) { return key == k.name; }))
            << "sample for '" << key << "', which is not a " << what << " key";
}

const Config& loaded(const std::string& text, LoadResult& keep) {
    keep = load(text);
    EXPECT_TRUE(keep.ok()) << text << "\n" << joined(keep);
    static Config empty;
    return keep.ok() ? *keep.config : empty;
}

// Each key's two samples loaded (`config` makes the whole text of a sample's
// lines, `pick` takes the sections of the table's kind): the sample must
// change the value, and restart the section exactly when the key's class says.
template <typename T>
void expect_restarts_by_class(const KeyTable<T>& table, const std::map<std::string, Sample>& samples, const char* what,
                              const std::function<std::string(const std::string&)>& config,
                              const std::function<const std::vector<T>&(const Config&)>& pick) {
    expect_every_key_sampled(table, samples, what);
    for (const auto& k : table) {
        if (!samples.count(k.name)) continue;
        LoadResult ra, rb;
        const auto& a = pick(loaded(config(samples.at(k.name).a), ra));
        const auto& b = pick(loaded(config(samples.at(k.name).b), rb));
        if (a.empty() || b.empty()) continue;
        EXPECT_EQ(restart_fingerprint(a[0]) != restart_fingerprint(b[0]), k.reload == Reload::Restart) << what << " " << k.name;
        EXPECT_NE(k.field.show(a[0]), k.field.show(b[0])) << what << " " << k.name << ": the sample changes nothing";
    }
}

}  // namespace

TEST(KeyTables, AnInstanceRestartsExactlyWhenARestartKeyChanges) {
    const std::map<std::string, std::string> base = {{"interface", "eth0"}, {"vrid", "51"}, {"vip", "192.0.2.10/24"}};
    const std::map<std::string, Sample> samples = {
        {"interface", {"interface = eth0", "interface = eth1", kRestart}},
        {"vrid", {"vrid = 51", "vrid = 52", kRestart}},
        {"priority", {"priority = 100", "priority = 101", kRestart}},
        {"state", {"state = backup", "state = master", kRestart}},
        {"version", {"version = 2", "version = 3", kRestart}},
        {"advert_int", {"advert_int = 1s", "advert_int = 2s", kRestart}},
        {"preempt", {"preempt = yes", "preempt = no", kRestart}},
        {"preempt_delay", {"preempt_delay = 0", "preempt_delay = 5s", kRestart}},
        {"auth_pass", {"auth_pass = one", "auth_pass = two", kRestart}},
        {"vip", {"vip = 192.0.2.10/24", "vip = 192.0.2.11/24", kRestart}},
        {"unicast_src", {"unicast_src = 192.0.2.1\nunicast_peer = 192.0.2.3", "unicast_src = 192.0.2.2\nunicast_peer = 192.0.2.3", kRestart}},
        {"unicast_peer", {"unicast_peer = 192.0.2.3", "unicast_peer = 192.0.2.4", kRestart}},
        {"track", {"track = t1", "track = t2", kRestart}},
        {"track_interface", {"track_interface = eth0", "track_interface = eth1", kRestart}},
        {"notify", {"notify = n1", "notify = n2", kLive}},
        {"garp_repeat", {"garp_repeat = 5", "garp_repeat = 1", kRestart}},
        {"garp_delay", {"garp_delay = 5s", "garp_delay = 1s", kRestart}},
        {"garp_refresh", {"garp_refresh = 0", "garp_refresh = 60s", kRestart}},
        {"v3_checksum", {"version = 3\nv3_checksum = pseudo-header", "version = 3\nv3_checksum = rfc9568", kRestart}},
        {"dont_track_primary", {"dont_track_primary = no", "dont_track_primary = yes", kRestart}},
        {"route", {"route = 192.0.2.128/26 via 192.0.2.1 table 100", "route = 192.0.2.128/26 via 192.0.2.2 table 100", kRestart}},
        {"rule", {"rule = from 192.0.2.0/24 table 100 priority 100", "rule = from 192.0.2.0/24 table 101 priority 100", kRestart}},
        {"check_unicast_src", {"unicast_peer = 192.0.2.3\ncheck_unicast_src = yes", "unicast_peer = 192.0.2.3\ncheck_unicast_src = no", kRestart}},
        {"excluded_vip", {"excluded_vip = 192.0.2.20/24", "excluded_vip = 192.0.2.21/24", kRestart}},
    };
    expect_restarts_by_class<InstanceConfig>(
        instance_keys(), samples, "[instance]",
        [&](const std::string& lines) { return section("instance VI_1", base, lines) + kNeighbours; },
        [](const Config& c) -> const std::vector<InstanceConfig>& { return c.instances; });
    for (const auto& k : instance_keys()) EXPECT_NE(k.reload, Reload::DaemonRestart) << "[instance] " << k.name;
}

TEST(KeyTables, TrackersAndNotifiersRestartExactlyWhenARestartKeyChanges) {
    const std::map<std::string, Sample> tracker_samples = {
        {"type", {"type = file\npath = /tmp/x", "type = exec\ncommand = /bin/true", kRestart}},
        {"interval", {"interval = 1s", "interval = 2s", kRestart}},
        {"timeout", {"timeout = 1s", "timeout = 2s", kRestart}},
        {"rise", {"rise = 1", "rise = 2", kRestart}},
        {"fall", {"fall = 1", "fall = 2", kRestart}},
        {"weight", {"weight = 0", "weight = -10", kLive}},
        {"initial", {"initial = up", "initial = down", kRestart}},
    };
    const std::map<std::string, Sample> notifier_samples = {
        {"type", {"type = log\nsyslog = yes", "type = exec\ncommand = /bin/true", kRestart}},
        {"events", {"events = master", "events = master backup", kRestart}},
        {"timeout", {"timeout = 10s", "timeout = 5s", kRestart}},
    };
    const std::map<std::string, std::string> tracker_base = {{"type", "file"}, {"path", "/tmp/x"}};
    expect_restarts_by_class<TrackerConfig>(
        tracker_keys(), tracker_samples, "[tracker]",
        [&](const std::string& lines) { return instance("track = t\n") + section("tracker t", tracker_base, lines); },
        [](const Config& c) -> const std::vector<TrackerConfig>& { return c.trackers; });
    const std::map<std::string, std::string> notifier_base = {{"type", "log"}, {"syslog", "yes"}};
    expect_restarts_by_class<NotifierConfig>(
        notifier_keys(), notifier_samples, "[notifier]",
        [&](const std::string& lines) { return instance() + section("notifier n", notifier_base, lines); },
        [](const Config& c) -> const std::vector<NotifierConfig>& { return c.notifiers; });
}

TEST(KeyTables, TypeKeysOfTrackersAndNotifiersRestartThem) {
    LoadResult ra, rb;
    const auto& a = loaded(instance("track = t\n") + "[tracker t]\ntype = file\npath = /tmp/a\n", ra);
    const auto& b = loaded(instance("track = t\n") + "[tracker t]\ntype = file\npath = /tmp/b\n", rb);
    ASSERT_EQ(a.trackers.size(), 1u);
    ASSERT_EQ(b.trackers.size(), 1u);
    EXPECT_NE(restart_fingerprint(a.trackers[0]), restart_fingerprint(b.trackers[0]));
}

TEST(KeyTables, AGroupRestartsWhenItsMembersChangeNotWhenItsNotifyDoes) {
    const std::map<std::string, Sample> samples = {
        {"instances", {"instances = VI_1", "instances = VI_1 VI_2", kRestart}},
        {"notify", {"notify = n1", "notify = n2", kLive}},
    };
    const std::string second = "[instance VI_2]\ninterface = eth0\nvrid = 52\nvip = 192.0.2.20/24\n";
    const std::map<std::string, std::string> base = {{"instances", "VI_1"}};
    expect_restarts_by_class<GroupConfig>(
        group_keys(), samples, "[group]",
        [&](const std::string& lines) { return instance() + second + kNeighbours + section("group G", base, lines); },
        [](const Config& c) -> const std::vector<GroupConfig>& { return c.groups; });
}

TEST(KeyTables, AnAnycastSectionRestartsOnlyWhenWhereItAnnouncesChanges) {
    const std::map<std::string, Sample> samples = {
        {"prefix", {"prefix = 192.0.2.200/32", "prefix = 192.0.2.201/32", kLive}},
        {"track", {"track = t1", "track = t2", kLive}},
        {"announce", {"announce = address lo", "announce = route 100", kRestart}},
        {"notify", {"notify = n1", "notify = n2", kLive}},
    };
    const std::map<std::string, std::string> base = {{"prefix", "192.0.2.200/32"}, {"track", "t1"}};
    expect_restarts_by_class<AnycastConfig>(
        anycast_keys(), samples, "[anycast]",
        [&](const std::string& lines) { return kNeighbours + section("anycast web", base, lines); },
        [](const Config& c) -> const std::vector<AnycastConfig>& { return c.anycasts; });
}

TEST(KeyTables, GlobalKeysThatNeedADaemonRestartAreNamedAtAReload) {
    const std::map<std::string, Sample> samples = {
        {"router_id", {"router_id = a", "router_id = b", kLive}},
        {"log", {"log = stderr", "log = syslog", kLive}},
        {"log_level", {"log_level = info", "log_level = debug", kLive}},
        {"control_socket", {"control_socket = /run/a.sock", "control_socket = /run/b.sock", kDaemon}},
        {"plugin_path", {"plugin_path = /opt/a", "plugin_path = /opt/b", kLive}},
        {"script_user", {"script_user = a", "script_user = b", kDaemon}},
        {"notify", {"notify = n1", "notify = n2", kLive}},
        {"metrics_listen", {"metrics_listen = 127.0.0.1:9100", "metrics_listen = 127.0.0.1:9101", kDaemon}},
        {"state_dir", {"state_dir = /var/lib/a", "state_dir = /var/lib/b", kLive}},
        {"stall_timeout", {"stall_timeout = 0", "stall_timeout = 1s", kLive}},
        {"startup_delay", {"startup_delay = 0", "startup_delay = 30s", kDaemon}},
        {"garp_interval", {"garp_interval = 0", "garp_interval = 10ms", kLive}},
        {"gna_interval", {"gna_interval = 0", "gna_interval = 10ms", kLive}},
        {"static_address", {"static_address = 192.0.2.200/24 dev eth0", "static_address = 192.0.2.201/24 dev eth0", kLive}},
        {"static_route", {"static_route = 192.0.2.192/26 via 192.0.2.1", "static_route = 192.0.2.192/26 via 192.0.2.2", kLive}},
        {"static_rule", {"static_rule = to 192.0.2.0/24 table 7 priority 70", "static_rule = to 192.0.2.0/24 table 8 priority 70", kLive}},
    };
    expect_every_key_sampled(global_keys(), samples, "[global]");
    for (const auto& k : global_keys()) {
        if (!samples.count(k.name)) continue;
        LoadResult ra, rb;
        const auto& a = loaded("[global]\n" + samples.at(k.name).a + "\n" + instance() + kNeighbours, ra);
        const auto& b = loaded("[global]\n" + samples.at(k.name).b + "\n" + instance() + kNeighbours, rb);
        auto named = changed_needing_restart(a.global, b.global);
        bool is_named = std::find(named.begin(), named.end(), k.name) != named.end();
        EXPECT_EQ(is_named, k.reload == Reload::DaemonRestart) << "[global] " << k.name;
        EXPECT_NE(k.reload, Reload::Restart) << "[global] has nothing of its own to restart: " << k.name;
        // The sample must really change the value, or the test above proves nothing.
        EXPECT_NE(k.field.show(a.global), k.field.show(b.global)) << "[global] " << k.name;
    }
}

TEST(ReloadPlan, StopsWhatIsGoneOrChangedStartsWhatIsNewOrChanged) {
    Fingerprints running = {{"same", "1"}, {"changed", "1"}, {"gone", "1"}, {"sick", "1"}};
    Fingerprints wanted = {{"same", "1"}, {"changed", "2"}, {"new", "1"}, {"sick", "1"}};
    auto plan = plan_reload(running, wanted, [](const std::string& name) { return name != "sick"; });
    EXPECT_EQ(plan.stop, (std::vector<std::string>{"changed", "gone", "sick"}));
    EXPECT_EQ(plan.start, (std::vector<std::string>{"changed", "new", "sick"}));
    // Control: without the health check, an unchanged one stays.
    auto plain = plan_reload(running, wanted);
    EXPECT_EQ(plain.stop, (std::vector<std::string>{"changed", "gone"}));
}
