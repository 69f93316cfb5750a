// SPDX-License-Identifier: Apache-2.0
// The status structs rendered both ways (control/status_json.h,
// control/metrics_text.h): the JSON keeps the keys vigilctl, scripts and the
// tests read, and the metrics say the same numbers.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "control/metrics_text.h"
#include "control/status_json.h"
#include "control/status_table.h"

using namespace vigil::control;
using nlohmann::json;

namespace {

DaemonStatus sample() {
    DaemonStatus s;
    s.router_id = "h1";
    s.worker = {.pid = 42, .supervised = true, .restarts = 1, .by_signal = 1, .last_cause = "killed by SIGKILL", .last_time_ms = 0};
    s.instances.push_back({.name = "VI_1",
                           .state = vigil::vrrp::State::Master,
                           .interface = "eth0",
                           .vrid = 51,
                           .version = 3,
                           .base_priority = 100,
                           .effective_priority = 98,
                           .master = "self",
                           .vips = {"192.0.2.251/24"},
                           .addresses = {{"192.0.2.251", "eth0", false}, {"2001:db8::251", "eth1", true}},
                           .adverts_sent = 7,
                           .transitions = 2,
                           .send_errors = 1,
                           .became_master = 2,
                           .released_master = 1,
                           .priority_zero_sent = 3,
                           .priority_zero_received = 4,
                           .arps_sent = 5,
                           .nas_sent = 6,
                           .announce_failures = 8,
                           .drops = {{"ttl", 3}, {"auth", 1}}});
    s.groups.push_back({"G", "MASTER", {"VI_1"}});
    s.anycast.push_back({.name = "web",
                         .state = "ANNOUNCED",
                         .reason = "every tracker is UP (flag)",
                         .announce = "address lo",
                         .trackers = {{"flag", true, true}},
                         .prefixes = {{"192.0.2.200/32", true, ""}, {"2001:db8:ffff::200/128", false, "Permission denied"}},
                         .transitions = 3,
                         .announce_failures = 2});
    s.trackers.push_back({.name = "flag",
                          .type = "file",
                          .plugin = "file",
                          .running = true,
                          .up = true,
                          .reason = "check succeeded",
                          .last_ok = true,
                          .last_reason = "absent",
                          .last_latency_us = 1500,
                          .checks = 4,
                          .late_reports = 1});
    s.notifiers.push_back({.name = "journal", .type = "log", .plugin = "log", .queued = 0, .delivered = 3});
    s.endpoints.push_back({"eth0", "ipv4", {{"checksum", 2}}});
    s.plugins.push_back({"/p/file.so", "file", "1.0", {"file"}, {}});
    return s;
}

}  // namespace

TEST(ControlStatus, JsonKeepsItsKeys) {
    auto j = status_json(sample());
    EXPECT_EQ(j["instances"][0].dump(),
              R"({"adverts":{"received":0,"sent":7},"drops":{"auth":1,"ttl":3},"interface":"eth0","maintenance":false,)"
              R"("master":"self","name":"VI_1","priority":{"base":100,"effective":98},"state":"MASTER","transitions":2,)"
              R"("version":3,"vips":["192.0.2.251/24"],"vrid":51})");
    EXPECT_EQ(j["trackers"][0].dump(),
              R"({"checks":4,"last":{"latency_us":1500,"ok":true,"reason":"absent"},"name":"flag","plugin":"file",)"
              R"("reason":"check succeeded","reports_dropped":{"duplicate":0,"late":1},"running":true,"state":"UP","type":"file"})");
    EXPECT_EQ(j["notifiers"][0].dump(),
              R"({"abandoned":0,"delivered":3,"failed_attempts":0,"name":"journal","plugin":"log","queue":0,"type":"log"})");
    EXPECT_EQ(j["worker"].dump(),
              R"({"last_cause":"killed by SIGKILL","last_time":"1970-01-01T00:00:00.000Z","pid":42,"restarts":1,)"
              R"("restarts_by_cause":{"exit":0,"signal":1,"stall":0},"supervised":true})");
    EXPECT_EQ(j["groups"][0].dump(), R"({"instances":["VI_1"],"name":"G","state":"MASTER"})");
    EXPECT_EQ(j["anycast"][0].dump(),
              R"({"announce":"address lo","announce_failures":2,"maintenance":false,"name":"web",)"
              R"("prefixes":[{"announced":true,"prefix":"192.0.2.200/32","problem":null},)"
              R"({"announced":false,"prefix":"2001:db8:ffff::200/128","problem":"Permission denied"}],)"
              R"j("reason":"every tracker is UP (flag)","state":"ANNOUNCED","trackers":[{"checked":true,"name":"flag","state":"UP"}],)j"
              R"("transitions":3})");
    EXPECT_EQ(j["endpoints"][0].dump(), R"({"drops":{"checksum":2},"family":"ipv4","interface":"eth0"})");
    EXPECT_EQ(j["plugins"][0].dump(), R"({"name":"file","notifiers":[],"path":"/p/file.so","trackers":["file"],"version":"1.0"})");
    EXPECT_EQ(j["router_id"], "h1");
    EXPECT_FALSE(j.contains("ok")) << "the reply adds it";
}

TEST(ControlStatus, NoRestartAndNoMasterAreNull) {
    DaemonStatus s;
    s.instances.push_back({.name = "VI_1", .state = vigil::vrrp::State::Backup});
    auto j = status_json(s);
    EXPECT_TRUE(j["worker"]["last_cause"].is_null());
    EXPECT_TRUE(j["worker"]["last_time"].is_null());
    EXPECT_TRUE(j["instances"][0]["master"].is_null());
    EXPECT_EQ(j["instances"][0]["drops"], json::object());
    EXPECT_EQ(j["instances"][0]["vips"], json::array());
    EXPECT_EQ(j["anycast"], json::array()) << "no [anycast]: an empty list, not a missing key";
}

TEST(ControlStatus, MetricsSayTheSameNumbers) {
    auto text = metrics_text(sample());
    for (const char* want : {
             "# HELP vigil_instance_state 1 for the state the instance is in\n# TYPE vigil_instance_state gauge\n"
             "vigil_instance_state{vrrp_instance=\"VI_1\",state=\"INIT\"} 0\n"
             "vigil_instance_state{vrrp_instance=\"VI_1\",state=\"BACKUP\"} 0\n"
             "vigil_instance_state{vrrp_instance=\"VI_1\",state=\"MASTER\"} 1\n"
             "vigil_instance_state{vrrp_instance=\"VI_1\",state=\"FAULT\"} 0\n"
             "vigil_instance_state{vrrp_instance=\"VI_1\",state=\"STOP\"} 0\n",
             "vigil_instance_priority{vrrp_instance=\"VI_1\",kind=\"base\"} 100\n"
             "vigil_instance_priority{vrrp_instance=\"VI_1\",kind=\"effective\"} 98\n",
             "vigil_adverts_dropped_total{vrrp_instance=\"VI_1\",reason=\"auth\"} 1\n"
             "vigil_adverts_dropped_total{vrrp_instance=\"VI_1\",reason=\"ttl\"} 3\n"
             "vigil_adverts_dropped_total{interface=\"eth0\",family=\"ipv4\",reason=\"checksum\"} 2\n",
             "vigil_tracker_reports_dropped_total{tracker=\"flag\",reason=\"duplicate\"} 0\n"
             "vigil_tracker_reports_dropped_total{tracker=\"flag\",reason=\"late\"} 1\n",
             "vigil_tracker_check_latency_seconds{tracker=\"flag\"} 0.0015\n",
             "vigil_plugin_info{plugin=\"file\",version=\"1.0\",path=\"/p/file.so\"} 1\n",
             "vigil_notifier_delivered_total{notifier=\"journal\"} 3\n",
             "vigil_worker_restarts_total{cause=\"signal\"} 1\nvigil_worker_restarts_total{cause=\"exit\"} 0\n"})
        EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
}

TEST(ControlStatus, MetricLabelsAreEscaped) {
    DaemonStatus s;
    s.trackers.push_back({.name = "a\"b\\c\nd", .last_latency_us = -1});
    auto text = metrics_text(s);
    EXPECT_NE(text.find("vigil_tracker_up{tracker=\"a\\\"b\\\\c\\nd\"} 0\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("vigil_tracker_check_latency_seconds{"), std::string::npos) << "no check finished: no latency";
}

// keepalived's numbers, so that a dashboard built on keepalived_vrrp_state reads
// vigil_vip_state the same: one series per address, excluded ones marked.
TEST(ControlStatus, VipStateCarriesKeepalivedsStateNumbers) {
    auto s = sample();
    auto text = metrics_text(s);
    EXPECT_NE(text.find("# TYPE vigil_vip_state gauge\n"
                        "vigil_vip_state{vrrp_instance=\"VI_1\",interface=\"eth0\",vrid=\"51\",address=\"192.0.2.251\",excluded=\"false\"} 2\n"
                        "vigil_vip_state{vrrp_instance=\"VI_1\",interface=\"eth1\",vrid=\"51\",address=\"2001:db8::251\",excluded=\"true\"} 2\n"),
              std::string::npos)
        << text;
    for (auto [state, number] : {std::pair{vigil::vrrp::State::Init, "0"}, {vigil::vrrp::State::Backup, "1"},
                                 {vigil::vrrp::State::Fault, "3"}, {vigil::vrrp::State::Stopped, "98"}}) {
        s.instances[0].state = state;
        EXPECT_NE(metrics_text(s).find("address=\"192.0.2.251\",excluded=\"false\"} " + std::string(number) + "\n"), std::string::npos)
            << vigil::vrrp::state_name(state);
    }
}

TEST(ControlStatus, EveryInstanceCounterIsItsOwnSeries) {
    auto text = metrics_text(sample());
    for (const char* want : {"vigil_instance_become_master_total{vrrp_instance=\"VI_1\"} 2\n",
                             "vigil_instance_release_master_total{vrrp_instance=\"VI_1\"} 1\n",
                             "vigil_adverts_send_failures_total{vrrp_instance=\"VI_1\"} 1\n",
                             "vigil_priority_zero_sent_total{vrrp_instance=\"VI_1\"} 3\n",
                             "vigil_priority_zero_received_total{vrrp_instance=\"VI_1\"} 4\n",
                             "vigil_gratuitous_arps_sent_total{vrrp_instance=\"VI_1\"} 5\n",
                             "vigil_unsolicited_nas_sent_total{vrrp_instance=\"VI_1\"} 6\n",
                             "vigil_announce_failures_total{vrrp_instance=\"VI_1\"} 8\n",
                             "# TYPE vigil_priority_zero_sent_total counter\n",
                             "vigil_tracker_reason{tracker=\"flag\",reason=\"check succeeded\"} 1\n"})
        EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
}

// Prometheus's text format is UTF-8; a plugin's reason may be any bytes and
// any length.
TEST(ControlStatus, ATrackerReasonIsUtf8AndCut) {
    DaemonStatus s;
    s.trackers.push_back({.name = "t", .reason = "caf\xc3\xa9 \xff\xc0\xaf \xed\xa0\x80 \"q\"", .last_latency_us = -1});
    auto text = metrics_text(s);
    EXPECT_NE(text.find("vigil_tracker_reason{tracker=\"t\",reason=\"caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
                        "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \\\"q\\\"\"} 1\n"),
              std::string::npos)
        << text;
    s.trackers[0].reason = std::string(199, 'x') + "\xc3\xa9" + std::string(50, 'y');
    text = metrics_text(s);
    EXPECT_NE(text.find("reason=\"" + std::string(199, 'x') + "\"} 1\n"), std::string::npos)
        << "cut to 200 bytes, not inside the two-byte character";
}

// The docs' table (docs/vigilctl.md, "Metrics") names every family the code
// renders, and nothing else.
TEST(ControlStatus, TheDocsListEveryMetricFamily) {
    std::set<std::string> rendered;
    std::istringstream text(metrics_text(sample()));
    for (std::string line; std::getline(text, line);)
        if (line.rfind("# TYPE ", 0) == 0) rendered.insert(line.substr(7, line.find(' ', 7) - 7));
    std::ifstream in(SOURCE_DIR "/docs/vigilctl.md");
    ASSERT_TRUE(in);
    std::set<std::string> documented;
    bool in_section = false;
    std::regex name("`(vigil_[a-z0-9_]+)`");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("## ", 0) == 0) in_section = line == "## Metrics";
        if (!in_section || line.rfind("| `vigil_", 0) != 0) continue;
        auto first_cell = line.substr(0, line.find(" | "));
        for (auto it = std::sregex_iterator(first_cell.begin(), first_cell.end(), name); it != std::sregex_iterator(); ++it)
            documented.insert((*it)[1]);
    }
    EXPECT_GE(rendered.size(), 25u);
    EXPECT_EQ(documented, rendered);
}

// Each anycast section is its own series, labelled `anycast`; a prefix's
// series says whether it is in the kernel, which may differ from the section's
// decision when the kernel refused it.
TEST(ControlStatus, AnycastMetricsSayTheSameAsTheStatus) {
    auto s = sample();
    auto text = metrics_text(s);
    for (const char* want : {"# HELP vigil_anycast_announced ", "# TYPE vigil_anycast_announced gauge\n",
                             "vigil_anycast_announced{anycast=\"web\"} 1\n",
                             "# TYPE vigil_anycast_maintenance gauge\nvigil_anycast_maintenance{anycast=\"web\"} 0\n",
                             "# TYPE vigil_anycast_transitions_total counter\nvigil_anycast_transitions_total{anycast=\"web\"} 3\n",
                             "# TYPE vigil_anycast_announce_failures_total counter\n"
                             "vigil_anycast_announce_failures_total{anycast=\"web\"} 2\n",
                             "# TYPE vigil_anycast_prefix_announced gauge\n"
                             "vigil_anycast_prefix_announced{anycast=\"web\",prefix=\"192.0.2.200/32\",announce=\"address lo\"} 1\n"
                             "vigil_anycast_prefix_announced{anycast=\"web\",prefix=\"2001:db8:ffff::200/128\",announce=\"address lo\"} 0\n",
                             "# TYPE vigil_anycast_reason gauge\nvigil_anycast_reason{anycast=\"web\",reason=\"every tracker is UP (flag)\"} 1\n"})
        EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
    s.anycast[0].state = "WITHDRAWN";
    s.anycast[0].maintenance = true;
    s.anycast[0].reason = "maintenance";
    text = metrics_text(s);
    EXPECT_NE(text.find("vigil_anycast_announced{anycast=\"web\"} 0\n"), std::string::npos) << text;
    EXPECT_NE(text.find("vigil_anycast_maintenance{anycast=\"web\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("vigil_anycast_reason{anycast=\"web\",reason=\"maintenance\"} 1\n"), std::string::npos) << text;
    s.anycast[0].state = "INIT";
    EXPECT_NE(metrics_text(s).find("vigil_anycast_announced{anycast=\"web\"} 0\n"), std::string::npos) << "INIT announces nothing";
}

// The section's reason quotes a tracker's, which a plugin wrote: cut and made
// UTF-8 as vigil_tracker_reason is.
TEST(ControlStatus, AnAnycastReasonIsUtf8AndCut) {
    DaemonStatus s;
    s.anycast.push_back({.name = "web", .state = "WITHDRAWN", .reason = "tracker t is DOWN: \xff" + std::string(300, 'x')});
    auto text = metrics_text(s);
    std::string want = "reason=\"tracker t is DOWN: \xef\xbf\xbd" + std::string(200 - 22, 'x') + "\"} 1\n";
    EXPECT_NE(text.find(want), std::string::npos) << text;
}

namespace {

std::string table(const DaemonStatus& s) {
    std::ostringstream out;
    print_status_table(status_json(s), out);
    return out.str();
}

}  // namespace

// vigilctl status: an anycast section per line, its prefixes with a '!' and a
// line of their own where the kernel refused them; no anycast table at all
// without [anycast].
TEST(ControlStatus, TheTableHasAnAnycastPartOnlyWithAnycastSections) {
    auto s = sample();
    s.anycast.push_back({.name = "api", .state = "WITHDRAWN", .reason = "maintenance", .announce = "route 100", .maintenance = true,
                         .prefixes = {{"192.0.2.201/32", false, ""}}});
    auto text = table(s);
    EXPECT_NE(text.find("\nANYCAST     STATE      ANNOUNCE    PREFIXES                                REASON\n"
                        "web         ANNOUNCED  address lo  192.0.2.200/32 2001:db8:ffff::200/128!  every tracker is UP (flag)\n"
                        "  ! 2001:db8:ffff::200/128: Permission denied\n"
                        "api         WITHDRAWN* route 100   192.0.2.201/32                          maintenance\n"
                        "(* maintenance: withdrawn)\n"),
              std::string::npos)
        << text;
    s.anycast.clear();
    text = table(s);
    EXPECT_EQ(text.find("ANYCAST"), std::string::npos) << text;
    auto old_daemon = status_json(s);
    old_daemon.erase("anycast");
    std::ostringstream out;
    print_status_table(old_daemon, out);
    EXPECT_EQ(out.str(), text) << "a daemon from before anycast sends no \"anycast\"";
}
