// A misbehaving plugin (tests/plugins/faulty_plugin.c) against running
// daemons: a tracker whose create() fails keeps its instance out of MASTER
// and is shown DOWN with the plugin's message; the plugin file is logged and
// listed.
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
    EXPECT_TRUE(lab.log_has(1, "/plugins/http.so (trackers: http; notifiers: none)")) << "the built-in ones too";
    auto s = status(lab, 1);
    ASSERT_FALSE(s.is_null());
    json faulty;
    for (const auto& p : s["plugins"])
        if (p["path"] == kFaultyPlugin) faulty = p;
    EXPECT_EQ(faulty, json({{"path", kFaultyPlugin}, {"name", "faulty"}, {"version", "1.0"}, {"trackers", {"faulty"}},
                            {"notifiers", json::array()}}))
        << s["plugins"].dump(2);
}
