// SPDX-License-Identifier: Apache-2.0
// A misbehaving plugin (tests/plugins/faulty_plugin.c) against running
// daemons: a tracker whose create() fails keeps its instance out of MASTER
// and is shown DOWN with the plugin's message; the plugin file is logged and
// listed; duplicate and late reports are counted in status and metrics.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "e2e_helpers.h"

using namespace vigil::test;
using nlohmann::json;

namespace {

const std::string kVip = "192.0.2.251";
const std::string kFaultyPlugin = std::string(FAULTY_PLUGIN_DIR) + "/faulty.so";

std::string with_faulty_plugin(const std::string& config) { return "[global]\nplugin_path = " FAULTY_PLUGIN_DIR "\n" + config; }

// h1 (priority 100) tracks a weight-0 faulty tracker with `tracker_keys`; h2 (99) tracks nothing.
void start_pair(Lab& lab, const std::string& tracker_keys) {
    lab.start_vigild(1, with_faulty_plugin(vrrp_instance("VI_1", 51, 100, kVip + "/24", fast("track = faulty\n")) +
                                           "[tracker faulty]\ntype = faulty\n" + tracker_keys));
    lab.start_vigild(2, vrrp_instance("VI_1", 51, 99, kVip + "/24", fast()));
}

const json* tracker_named(const json& status, const std::string& name) {
    for (const auto& t : status["trackers"])
        if (t["name"] == name) return &t;
    return nullptr;
}

uint64_t adverts_sent(const Lab& lab, int host) {
    auto s = status(lab, host);
    return s.is_null() ? 0 : s["instances"][0]["adverts"]["sent"].get<uint64_t>();
}

}  // namespace

TEST(PluginFaultE2E, AFailedCreateKeepsAWeightZeroInstanceOutOfMaster) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    start_pair(lab, "fail_create = yes\n");
    // Sampled every 10 ms from the start: the VIP goes to h2 and is never on h1.
    bool ever_on_h1 = false;
    auto sample = [&] {
        auto holders = lab.holders(kVip);
        ever_on_h1 = ever_on_h1 || std::count(holders.begin(), holders.end(), 1);
        return holders;
    };
    ASSERT_TRUE(wait_for([&] { return sample() == std::vector<int>{2}; })) << lab.log(1) << lab.log(2);
    // And stays so while h2 sends another 2 s of adverts (h1 would preempt within 0.4 s).
    uint64_t sent = adverts_sent(lab, 2);
    ASSERT_GT(sent, 0u);
    ASSERT_TRUE(wait_for([&] {
        sample();
        return adverts_sent(lab, 2) >= sent + 20;
    }));
    EXPECT_FALSE(ever_on_h1) << lab.log(1);
    EXPECT_EQ(lab.holders(kVip), std::vector<int>{2});

    auto s = status(lab, 1);
    ASSERT_FALSE(s.is_null());
    EXPECT_EQ(s["instances"][0]["state"], "FAULT");
    const auto* t = tracker_named(s, "faulty");
    ASSERT_TRUE(t) << s.dump(2);
    EXPECT_EQ((*t)["state"], "DOWN");
    EXPECT_EQ((*t)["reason"], "cannot start: refusing to start on purpose");
    EXPECT_EQ((*t)["running"], false);
    EXPECT_EQ((*t)["plugin"], "faulty");
    auto table = ctl(lab, 1, {"status"});
    std::regex row(R"(\nfaulty +faulty +DOWN +- +failed: cannot start: refusing to start on purpose\n)");
    EXPECT_TRUE(std::regex_search(table.out, row)) << table.out;
    EXPECT_TRUE(lab.log_has(1, " -> FAULT (faulty is down: cannot start: refusing to start on purpose)")) << lab.log(1);
    EXPECT_TRUE(lab.log_has(1, "error: tracker faulty (plugin faulty): cannot start: refusing to start on purpose")) << lab.log(1);

    // vigild -t does not run create(): the config itself is valid.
    auto check = run({kIp, "netns", "exec", lab.ns(1), VIGILD_PATH, "-t", "-f", lab.dir().file("h1.conf")});
    EXPECT_EQ(check.status, 0) << check.out << check.err;
}

TEST(PluginFaultE2E, ControlATrackerThatStartsLetsTheHigherPriorityBeMaster) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    start_pair(lab, "");
    EXPECT_TRUE(wait_for([&] { return lab.holders(kVip) == std::vector<int>{1}; })) << lab.log(1) << lab.log(2);
    auto s = status(lab, 1);
    const auto* t = tracker_named(s, "faulty");
    ASSERT_TRUE(t) << s.dump(2);
    EXPECT_EQ((*t)["state"], "UP");
    EXPECT_EQ((*t)["running"], true);
}

TEST(PluginFaultE2E, EachPluginFileIsLoggedAndListed) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    lab.start_vigild(1, with_faulty_plugin(vrrp_instance("VI_1", 51, 100, kVip + "/24", fast("track = faulty\n")) +
                                           "[tracker faulty]\ntype = faulty\n"));
    EXPECT_TRUE(lab.wait_log(1, "info: plugin faulty 1.0 from " + kFaultyPlugin + " (trackers: faulty; notifiers: none)"))
        << lab.log(1);
    EXPECT_FALSE(lab.log_has(1, "/plugins/http.so")) << "only the plugins the config uses are loaded";
    // The plugins are logged as the config applies, before the control socket listens.
    ASSERT_TRUE(lab.wait_log(1, "control socket " + lab.socket_path(1) + " ready")) << lab.log(1);
    auto s = status(lab, 1);
    ASSERT_FALSE(s.is_null());
    json faulty;
    for (const auto& p : s["plugins"])
        if (p["path"] == kFaultyPlugin) faulty = p;
    EXPECT_EQ(faulty, json({{"path", kFaultyPlugin}, {"name", "faulty"}, {"version", "1.0"}, {"trackers", {"faulty"}},
                            {"notifiers", json::array()}}))
        << s["plugins"].dump(2);
}

TEST(PluginFaultE2E, DroppedReportsAreCountedInStatusAndMetrics) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    lab.start_vigild(1, with_faulty_plugin("[global]\nmetrics_listen = 127.0.0.1:9203\n" +
                                           vrrp_instance("VI_1", 51, 100, kVip + "/24", fast("track = twice:-1 lazy:-1\n")) +
                                           "[tracker twice]\ntype = faulty\nreport_twice = yes\ninterval = 0.2s\n"
                                           "[tracker lazy]\ntype = faulty\nreport_late = yes\ninterval = 0.5s\ntimeout = 0.1s\n"));
    auto dropped = [&](const json& s, const std::string& tracker, const std::string& reason) -> uint64_t {
        const auto* t = tracker_named(s, tracker);
        return t ? (*t)["reports_dropped"][reason].get<uint64_t>() : 0;
    };
    json s;
    ASSERT_TRUE(wait_for([&] {
        s = status(lab, 1);
        return !s.is_null() && dropped(s, "twice", "duplicate") >= 3 && dropped(s, "lazy", "late") >= 2;
    })) << s.dump(2) << lab.log(1);
    EXPECT_EQ(dropped(s, "twice", "late"), 0u);
    EXPECT_EQ(dropped(s, "lazy", "duplicate"), 0u);
    EXPECT_EQ((*tracker_named(s, "twice"))["state"], "UP");
    EXPECT_EQ((*tracker_named(s, "lazy"))["state"], "DOWN") << "the late reports did not count";
    EXPECT_EQ(s["instances"][0]["priority"]["effective"], 99);

    auto metrics = run({kIp, "netns", "exec", lab.ns(1), "/usr/bin/curl", "-sf", "http://127.0.0.1:9203/metrics"});
    ASSERT_EQ(metrics.status, 0) << lab.log(1);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(metrics.out, m, std::regex(R"(vigil_tracker_reports_dropped_total\{tracker="twice",reason="duplicate"\} (\d+))")))
        << metrics.out;
    EXPECT_GE(std::stoi(m[1]), 3);
    ASSERT_TRUE(std::regex_search(metrics.out, m, std::regex(R"(vigil_tracker_reports_dropped_total\{tracker="lazy",reason="late"\} (\d+))")))
        << metrics.out;
    EXPECT_GE(std::stoi(m[1]), 2);
    EXPECT_NE(metrics.out.find("vigil_tracker_reports_dropped_total{tracker=\"lazy\",reason=\"duplicate\"} 0"), std::string::npos);

    auto table = ctl(lab, 1, {"status"}).out;
    EXPECT_TRUE(std::regex_search(table, std::regex(R"(\ntwice .* \(dropped reports: \d+ duplicate\)\n)"))) << table;
    // Rate-limited: one line per tracker and kind, though there were several.
    auto log = lab.log(1);
    EXPECT_EQ(count_of(log, "warning: tracker twice (plugin faulty): dropped a duplicate report"), 1u) << log;
    EXPECT_EQ(count_of(log, "warning: tracker lazy (plugin faulty): dropped a late report"), 1u) << log;
}
