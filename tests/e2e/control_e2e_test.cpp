// SPDX-License-Identifier: Apache-2.0
// vigilctl against running daemons in a lab: status (table and JSON),
// maintenance that moves VIPs and survives a restart, reload with located
// errors, the events stream, bad requests, and a second daemon refused.
#include <sys/socket.h>
#include <sys/un.h>

#include <fcntl.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "e2e_helpers.h"

using namespace vigil::test;
using nlohmann::json;

namespace {

const std::string kVip = "192.0.2.251";

std::string pair(int prio) {
    return vrrp_instance("VI_1", 51, prio, kVip + "/24", fast("track = flag\n")) +
           "[tracker flag]\ntype = file\npath = /nonexistent/flag\nmode = exists-down\nweight = -2\n"
           "[notifier journal]\ntype = log\nsyslog = yes\n[global]\nnotify = journal\n";
}

// One raw request line (or bytes) on the socket; the reply line.
std::string raw_request(const std::string& path, const std::string& bytes) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return "connect failed";
    size_t off = 0;
    while (off < bytes.size()) {
        ssize_t n = write(fd, bytes.data() + off, bytes.size() - off);
        if (n <= 0) break;
        off += static_cast<size_t>(n);
    }
    std::string reply;
    char c;
    while (read(fd, &c, 1) == 1 && c != '\n') reply += c;
    close(fd);
    return reply;
}

}  // namespace

TEST(ControlE2E, StatusTableAndJson) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    lab.start_vigild(1, pair(100));
    lab.start_vigild(2, pair(99));
    ASSERT_TRUE(wait_for([&] { return lab.holders(kVip) == std::vector<int>{1}; })) << lab.log(1);
    auto r = ctl(lab, 1, {"status", "--json"});
    ASSERT_EQ(r.status, 0) << r.err;
    auto s = json::parse(r.out);
    ASSERT_EQ(s["instances"].size(), 1u);
    const auto& i = s["instances"][0];
    EXPECT_EQ(i["name"], "VI_1");
    EXPECT_EQ(i["state"], "MASTER");
    EXPECT_EQ(i["priority"]["base"], 100);
    EXPECT_EQ(i["priority"]["effective"], 100);
    EXPECT_EQ(i["vips"][0], kVip + "/24");
    EXPECT_EQ(i["maintenance"], false);
    EXPECT_EQ(s["trackers"][0]["name"], "flag");
    EXPECT_EQ(s["trackers"][0]["state"], "UP");
    EXPECT_EQ(s["trackers"][0]["last"]["reason"], "/nonexistent/flag is absent");
    EXPECT_EQ(s["notifiers"][0]["name"], "journal");
    auto h2 = json::parse(ctl(lab, 2, {"status", "--json"}).out);
    EXPECT_EQ(h2["instances"][0]["state"], "BACKUP");
    EXPECT_EQ(h2["instances"][0]["master"], Lab::address(1)) << "the master seen";
    auto table = ctl(lab, 1, {"status"});
    EXPECT_EQ(table.status, 0);
    EXPECT_NE(table.out.find("VI_1        MASTER   100/100  self"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("flag                file       UP"), std::string::npos) << table.out;
}

// completions/vigilctl as bash runs it (tests/completion/complete.sh): the
// names after `maintenance on|off` are the running daemon's instances and
// anycast sections, each offered once. The rest of it, and no daemon: tests/completion.
TEST(ControlE2E, BashCompletionOffersTheDaemonsInstances) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    lab.start_vigild(1, vrrp_instance("VI_1", 51, 100, kVip + "/24", fast()) + vrrp_instance("web-2.a", 52, 100, "192.0.2.252/24", fast()) +
                            "[anycast web-any]\nprefix = 192.0.2.241/32\n");
    ASSERT_TRUE(wait_for([&] { return !status(lab, 1).is_null(); })) << lab.log(1);
    auto complete = [&](std::vector<std::string> words) {
        words.insert(words.begin(), {"/bin/bash", std::string(SOURCE_DIR) + "/tests/completion/complete.sh",
                                     std::string(SOURCE_DIR) + "/completions/vigilctl", VIGILCTL_PATH, "--socket", lab.socket_path(1)});
        auto r = run(words);
        EXPECT_EQ(r.err, "");
        return r.out;
    };
    EXPECT_EQ(complete({"maintenance", "on", ""}), "VI_1\nweb-2.a\nweb-any\n");
    EXPECT_EQ(complete({"maintenance", "off", "w"}), "web-2.a\nweb-any\n");
    EXPECT_EQ(complete({"maintenance", "on", "VI_1", "web-any", ""}), "web-2.a\n") << "each name once";
    EXPECT_EQ(complete({"maintenance", ""}), "off\non\n") << "on|off first, not names";
}

TEST(ControlE2E, MaintenanceMovesTheVipAndSurvivesARestart) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    lab.start_vigild(1, pair(100));
    lab.start_vigild(2, pair(99));
    ASSERT_TRUE(wait_for([&] { return lab.holders(kVip) == std::vector<int>{1}; })) << lab.log(1);
    auto on = ctl(lab, 1, {"maintenance", "on", "VI_1"});
    ASSERT_EQ(on.status, 0) << on.err;
    EXPECT_EQ(on.out, "maintenance on: VI_1\n");
    ASSERT_TRUE(wait_for([&] { return lab.holders(kVip) == std::vector<int>{2}; }, 2s)) << lab.log(1);

    // Restarted, h1 comes back in maintenance: the VIP stays on h2.
    lab.stop_vigild(1, SIGTERM);
    lab.start_vigild(1, pair(100));
    ASSERT_TRUE(lab.wait_log(1, "restored maintenance for 1 instance(s)")) << lab.log(1);
    ASSERT_TRUE(heard_adverts(lab, 1, "VI_1", 20));
    EXPECT_EQ(lab.holders(kVip), std::vector<int>{2});
    EXPECT_EQ(json::parse(ctl(lab, 1, {"status", "--json"}).out)["instances"][0]["maintenance"], true);

    EXPECT_EQ(ctl(lab, 1, {"maintenance", "off"}).status, 0);
    EXPECT_TRUE(wait_for([&] { return lab.holders(kVip) == std::vector<int>{1}; }, 2s)) << lab.log(1);
    EXPECT_EQ(ctl(lab, 1, {"maintenance", "on", "VI_9"}).status, 1) << "an unknown instance is refused";
}

// One maintenance list for instances and [anycast] sections: each name goes
// to the part that has it (naming the anycast section leaves the instance
// alone), no names switch both, and the saved list restores both.
TEST(ControlE2E, MaintenanceNamesAnInstanceOrAnAnycastSection) {
    const std::string prefix = "192.0.2.240";
    const std::string conf = pair(100) + "[anycast web]\nprefix = " + prefix + "/32\ntrack = flag\n";
    Lab lab(1);
    REQUIRE_LAB(lab);
    lab.start_vigild(1, conf);
    auto anycast_of = [&] {
        auto s = json::parse(ctl(lab, 1, {"status", "--json"}).out, nullptr, false);
        return s.is_object() && s.contains("anycast") && s["anycast"].size() == 1 ? s["anycast"][0] : json();
    };
    ASSERT_TRUE(lab.wait_address(1, prefix, true, 10s, "lo")) << lab.log(1);
    ASSERT_TRUE(wait_for([&] { return lab.holders(kVip) == std::vector<int>{1}; })) << lab.log(1);
    EXPECT_EQ(anycast_of()["state"], "ANNOUNCED");

    auto on = ctl(lab, 1, {"maintenance", "on", "web"});
    ASSERT_EQ(on.status, 0) << on.err;
    EXPECT_EQ(on.out, "maintenance on: anycast web\n");
    EXPECT_TRUE(lab.wait_address(1, prefix, false, 2s, "lo")) << lab.log(1);
    auto a = anycast_of();
    EXPECT_EQ(a["state"], "WITHDRAWN");
    EXPECT_EQ(a["maintenance"], true);
    EXPECT_EQ(lab.holders(kVip), std::vector<int>{1}) << "the instance is not in maintenance";
    EXPECT_EQ(json::parse(ctl(lab, 1, {"status", "--json"}).out)["instances"][0]["maintenance"], false);

    // Restarted, the section comes back withdrawn; the instance takes the VIP.
    lab.stop_vigild(1, SIGTERM);
    lab.start_vigild(1, conf);
    ASSERT_TRUE(lab.wait_log(1, "restored maintenance for 0 instance(s) and 1 anycast section(s)")) << lab.log(1);
    ASSERT_TRUE(wait_for([&] { return lab.holders(kVip) == std::vector<int>{1}; })) << lab.log(1);
    EXPECT_FALSE(lab.has_address(1, prefix, "lo"));
    EXPECT_EQ(anycast_of()["maintenance"], true);

    auto off = ctl(lab, 1, {"maintenance", "off"});
    EXPECT_EQ(off.out, "maintenance off: VI_1; anycast web\n") << "no names: both";
    EXPECT_TRUE(lab.wait_address(1, prefix, true, 2s, "lo")) << lab.log(1);
    auto unknown = ctl(lab, 1, {"maintenance", "on", "web", "nope"});
    EXPECT_EQ(unknown.status, 1);
    EXPECT_EQ(unknown.err, "vigilctl: no instance or anycast section nope\n");
    EXPECT_EQ(anycast_of()["maintenance"], false) << "a refused request switches nothing";
}

TEST(ControlE2E, ReloadReportsLocatedErrorsAndKeepsRunning) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    lab.start_vigild(1, pair(100));
    ASSERT_TRUE(lab.wait_log(1, "control socket " + lab.socket_path(1) + " ready")) << lab.log(1);
    auto conf = lab.dir().file("h1.conf");
    lab.dir().write("h1.conf", lab.global(1) + pair(100) + "[instance VI_1]\nvrid = 999\n");
    auto bad = ctl(lab, 1, {"reload"});
    EXPECT_EQ(bad.status, 1);
    EXPECT_NE(bad.err.find(conf + ":"), std::string::npos) << bad.err;
    EXPECT_NE(bad.err.find("vrid: 999 is out of range (1-255)"), std::string::npos) << bad.err;
    EXPECT_EQ(bad.out, "reload refused: the running configuration stays\n");
    lab.dir().write("h1.conf", lab.global(1) + pair(120));
    auto good = ctl(lab, 1, {"reload"});
    EXPECT_EQ(good.status, 0) << good.err;
    EXPECT_EQ(json::parse(ctl(lab, 1, {"status", "--json"}).out)["instances"][0]["priority"]["base"], 120);
}

// Diagnostics quote the config's bytes; the reply carrying them must not take
// the daemon down when those bytes are not UTF-8 (found by tests/fuzz).
TEST(ControlE2E, ReloadOfAConfigThatIsNotUtf8KeepsTheDaemon) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    lab.start_vigild(1, pair(100));
    ASSERT_TRUE(lab.wait_log(1, "control socket " + lab.socket_path(1) + " ready")) << lab.log(1);
    lab.dir().write("h1.conf", lab.global(1) + pair(100) + "[instance VI_1]\nvrid = 5\xff" "1\n");
    auto bad = ctl(lab, 1, {"reload"});
    EXPECT_EQ(bad.status, 1) << bad.err;
    EXPECT_NE(bad.err.find("vrid: '5\xef\xbf\xbd" "1' is not an integer"), std::string::npos) << bad.err;  // U+FFFD for the byte
    EXPECT_EQ(bad.out, "reload refused: the running configuration stays\n");
    auto status = ctl(lab, 1, {"status", "--json"});  // control: the daemon still answers
    EXPECT_EQ(status.status, 0) << status.err << lab.log(1);
}

TEST(ControlE2E, EventsAreStreamedAsJsonLines) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    lab.start_vigild(1, pair(100));
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    auto out_path = lab.dir().file("events.out");
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    Child events({VIGILCTL_PATH, "--socket", lab.socket_path(1), "events"}, out);
    ::close(out);
    ASSERT_TRUE(wait_for([&] {
        // Until the subscription is in place, a transition could be missed: toggle until one shows.
        ctl(lab, 1, {"maintenance", "on"});
        ctl(lab, 1, {"maintenance", "off"});
        return slurp(out_path).find("\"state\":\"BACKUP\"") != std::string::npos;
    })) << slurp(out_path);
    auto first = lines(out_path).front();
    auto e = json::parse(first);
    EXPECT_EQ(e["kind"], "instance");
    EXPECT_EQ(e["name"], "VI_1");
    EXPECT_EQ(e["host"], "h1");
    EXPECT_TRUE(e["seq"].is_number());
}

TEST(ControlE2E, BadRequestsGetAnErrorAndTheDaemonCarriesOn) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    lab.start_vigild(1, pair(100));
    ASSERT_TRUE(lab.wait_log(1, "control socket " + lab.socket_path(1) + " ready")) << lab.log(1);
    auto sock = lab.socket_path(1);
    EXPECT_EQ(raw_request(sock, "hello\n"),
              "{\"error\":\"not a request: expected one JSON object with a \\\"cmd\\\" string per line\",\"ok\":false}");
    EXPECT_NE(raw_request(sock, "{\"cmd\":42}\n").find("not a request"), std::string::npos);
    EXPECT_EQ(raw_request(sock, "{\"cmd\":\"frobnicate\"}\n"),
              "{\"error\":\"unknown command 'frobnicate' (status, reload, maintenance, events)\",\"ok\":false}");
    EXPECT_EQ(raw_request(sock, "{\"cmd\":\"maintenance\"}\n"), "{\"error\":\"maintenance needs \\\"on\\\": true|false\",\"ok\":false}");
    EXPECT_EQ(raw_request(sock, std::string(70000, 'x')), "{\"error\":\"request longer than 65536 bytes\",\"ok\":false}");
    auto after = ctl(lab, 1, {"status", "--json"});
    EXPECT_EQ(after.status, 0) << "still answering";
}

TEST(ControlE2E, ASecondDaemonOnTheSameSocketIsRefused) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    lab.start_vigild(1, pair(100));
    ASSERT_TRUE(lab.wait_log(1, "control socket " + lab.socket_path(1) + " ready")) << lab.log(1);
    auto second = lab.dir().write("second.conf", lab.global(1) + pair(100));
    auto r = run({kIp, "netns", "exec", lab.ns(1), VIGILD_PATH, "-n", "-f", second, "--pid-file", lab.dir().file("second.pid")});
    EXPECT_EQ(r.status, 1);
    EXPECT_TRUE(wait_for([&] { return lab.log_has(1, "another vigild is listening on the control socket " + lab.socket_path(1)); }))
        << lab.log(1);
    EXPECT_EQ(ctl(lab, 1, {"status", "--json"}).status, 0) << "the first one is untouched";
}

namespace {

// The value of the sample `series` (name and labels, as written), or -1.
long long sample(const std::string& text, const std::string& series) {
    auto at = text.find("\n" + series + " ");
    return at == std::string::npos ? -1 : std::stoll(text.substr(at + series.size() + 2));
}

// host h's /metrics, once `ready` holds for it ("" on a timeout).
std::string scrape(const Lab& lab, int host, const std::function<bool(const std::string&)>& ready) {
    std::string text;
    bool ok = wait_for([&] {
        auto r = run({kIp, "netns", "exec", lab.ns(host), "/usr/bin/curl", "-sf", "http://127.0.0.1:9201/metrics"});
        text = r.out;
        return r.status == 0 && ready(text);
    });
    return ok ? text : "";
}
std::string scrape(const Lab& lab, int host, const std::string& want) {
    return scrape(lab, host, [&](const std::string& text) { return text.find(want) != std::string::npos; });
}

}  // namespace

// A pair, a failover by maintenance (h1 resigns with priority 0), and each
// host's metrics before and after: the counters of what each host did moved,
// those of what it did not stayed; the text passes promtool, and every query
// of contrib/grafana/vigil.json names a series of this live scrape.
TEST(ControlE2E, MetricsPassPromtoolAndMoveWithAFailover) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    const std::string metrics = "[global]\nmetrics_listen = 127.0.0.1:9201\n";
    // h1 first, so that h2 starts hearing a master: it never takes the role before the failover.
    lab.start_vigild(1, metrics + pair(100));
    ASSERT_TRUE(wait_for([&] { return lab.holders(kVip) == std::vector<int>{1}; })) << lab.log(1);
    lab.start_vigild(2, metrics + pair(99));
    ASSERT_TRUE(lab.wait_log(1, "metrics on http://127.0.0.1:9201/metrics")) << lab.log(1);
    // Once the tracker has checked: its reason is then the result's.
    auto h1 = scrape(lab, 1, "vigil_tracker_reason{tracker=\"flag\",reason=\"/nonexistent/flag is absent\"} 1");
    // Once h2 has heard h1.
    auto h2 = scrape(lab, 2, [](const std::string& text) { return sample(text, "vigil_adverts_received_total{vrrp_instance=\"VI_1\"}") > 0; });
    ASSERT_FALSE(h1.empty() || h2.empty()) << lab.log(1) << lab.log(2);

    // Every line is a HELP/TYPE comment or `name{labels} value` (the text format, version 0.0.4).
    std::regex line_format(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9.e+-]+$)");
    std::regex comment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$)");
    std::istringstream in(h1);
    for (std::string line; std::getline(in, line);)
        EXPECT_TRUE(std::regex_match(line, line_format) || std::regex_match(line, comment)) << "not exposition format: " << line;
    for (const char* want : {"vigil_instance_priority{vrrp_instance=\"VI_1\",kind=\"effective\"} 100", "vigil_tracker_up{tracker=\"flag\"} 1",
                             "vigil_instance_maintenance{vrrp_instance=\"VI_1\"} 0", "vigil_notifier_queue_length{notifier=\"journal\"} 0",
                             "# TYPE vigil_adverts_sent_total counter"})
        EXPECT_NE(h1.find(want), std::string::npos) << want << "\n" << h1;
    const std::string vip = "vigil_vip_state{vrrp_instance=\"VI_1\",interface=\"eth0\",vrid=\"51\",address=\"" + kVip + "\",excluded=\"false\"}";
    auto of = [](const std::string& name) { return name + "{vrrp_instance=\"VI_1\"}"; };
    EXPECT_EQ(sample(h1, vip), 2) << "MASTER";
    EXPECT_EQ(sample(h2, vip), 1) << "BACKUP";
    EXPECT_EQ(sample(h1, of("vigil_instance_become_master_total")), 1);
    EXPECT_GT(sample(h1, of("vigil_adverts_sent_total")), 0);
    auto h1_arps = sample(h1, of("vigil_gratuitous_arps_sent_total"));
    EXPECT_GT(h1_arps, 0) << "announced the VIP on becoming MASTER";
    // What h2 did before, for the differences below.
    std::map<std::string, long long> h2_before;
    for (const char* name : {"vigil_instance_become_master_total", "vigil_instance_release_master_total", "vigil_priority_zero_sent_total",
                             "vigil_priority_zero_received_total", "vigil_gratuitous_arps_sent_total"})
        h2_before[name] = sample(h2, of(name));
    auto h2_moved = [&](const std::string& name) { return sample(h2, of(name)) - h2_before[name]; };

    ASSERT_EQ(ctl(lab, 1, {"maintenance", "on", "VI_1"}).status, 0);
    ASSERT_TRUE(wait_for([&] { return lab.holders(kVip) == std::vector<int>{2}; }, 2s)) << lab.log(2);
    h1 = scrape(lab, 1, "vigil_instance_state{vrrp_instance=\"VI_1\",state=\"BACKUP\"} 1");
    h2 = scrape(lab, 2, "vigil_instance_state{vrrp_instance=\"VI_1\",state=\"MASTER\"} 1");
    ASSERT_FALSE(h1.empty() || h2.empty()) << lab.log(1) << lab.log(2);
    EXPECT_EQ(sample(h1, vip), 1);
    EXPECT_EQ(sample(h2, vip), 2);
    // h1 resigned: one priority-0 advert (multicast), one release.
    EXPECT_EQ(sample(h1, of("vigil_priority_zero_sent_total")), 1) << h1;
    EXPECT_EQ(sample(h1, of("vigil_instance_release_master_total")), 1);
    EXPECT_EQ(sample(h1, of("vigil_instance_become_master_total")), 1);
    EXPECT_EQ(sample(h1, of("vigil_priority_zero_received_total")), 0) << "sending is not receiving";
    EXPECT_EQ(sample(h1, of("vigil_gratuitous_arps_sent_total")), h1_arps) << "no announcement after leaving MASTER";
    // h2 heard it and took over.
    EXPECT_EQ(h2_moved("vigil_priority_zero_received_total"), 1) << h2;
    EXPECT_EQ(h2_moved("vigil_instance_become_master_total"), 1);
    EXPECT_EQ(h2_moved("vigil_instance_release_master_total"), 0);
    EXPECT_EQ(h2_moved("vigil_priority_zero_sent_total"), 0);
    EXPECT_GT(h2_moved("vigil_gratuitous_arps_sent_total"), 0) << "announced the VIP on taking over";
    for (const auto* text : {&h1, &h2}) {
        EXPECT_EQ(sample(*text, of("vigil_unsolicited_nas_sent_total")), 0) << "no IPv6 VIP";
        EXPECT_EQ(sample(*text, of("vigil_adverts_send_failures_total")), 0);
        EXPECT_EQ(sample(*text, of("vigil_announce_failures_total")), 0);
        EXPECT_EQ(text->find("\nvigil_adverts_dropped_total{"), std::string::npos) << "nothing was dropped";
    }

    auto h1_file = lab.dir().write("h1.metrics", h1), h2_file = lab.dir().write("h2.metrics", h2);
    for (const auto& file : {h1_file, h2_file}) {
        auto dashboard = run({"/usr/bin/python3", SOURCE_DIR "/tests/contrib/grafana_dashboard_test.py", SOURCE_DIR, "--scrape", file});
        EXPECT_EQ(dashboard.status, 0) << dashboard.out << dashboard.err;
    }
    if (access("/usr/bin/promtool", X_OK) != 0) GTEST_SKIP() << "promtool not installed (Debian package prometheus): not checked by it";
    for (const auto& file : {h1_file, h2_file}) {
        auto promtool = run({"/bin/sh", "-c", "/usr/bin/promtool check metrics < " + file});
        EXPECT_EQ(promtool.status, 0) << file << ":\n" << promtool.out << promtool.err;
        EXPECT_EQ(promtool.out + promtool.err, "") << "promtool reports a problem";
    }
}
