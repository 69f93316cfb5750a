// SPDX-License-Identifier: Apache-2.0
// Hostile traffic on the segment (issue #10): h1 is MASTER (priority 100), h2
// BACKUP (90), h3 an attacker without a daemon that sends priority-255 VRRP
// packets breaking one receive rule each, then thousands of random ones. The
// master keeps its VIP, the backup never takes it, no daemon dies, and every
// packet is counted as a drop for its reason, in `status --json` and in the
// Prometheus metrics. The control: a well-formed priority-255 advert from the
// same host with the same tool is obeyed, so the packets do reach the daemons.
#include <fcntl.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "e2e_helpers.h"
#include "support/hostile_packets.h"

using namespace vigil::test;
using nlohmann::json;

namespace {

constexpr int kPerRule = 20;
constexpr int kRandomPackets = 5000;
// Small enough that a burst fits the daemons' socket buffers even while they
// are not scheduled: a kernel drop would be a lost packet, not a counted one.
constexpr int kChunk = 100;
constexpr uint64_t kDefaultSeed = 20261126;
const char* kMetricsPort = "9310";

struct Variant {
    std::string name;
    std::string family;  // "4" or "6"
    int version;
    int vrid;
    int interval_cs;
    std::string password;
    std::string vip;
    std::string prefix;
    std::string settings;  // the instance keys beyond vrrp_instance()'s
};

Variant v2_pass() {
    return {"VI_V2", "4", 2, 51, 100, "8SSmX60h", "192.0.2.251", "/24", "version = 2\nadvert_int = 1\nauth_pass = 8SSmX60h\n"};
}
Variant v3_ipv4() { return {"VI_V3", "4", 3, 52, 10, "", "192.0.2.252", "/24", fast()}; }
Variant v3_ipv6() { return {"VI_V6", "6", 3, 61, 10, "", "2001:db8::251", "/64", fast()}; }

Variant variant(const std::string& name) { return name == "V2PassAuth" ? v2_pass() : name == "V3Ipv4" ? v3_ipv4() : v3_ipv6(); }

uint64_t seed() {
    const char* env = std::getenv("VIGIL_HOSTILE_SEED");
    return env ? std::stoull(env) : kDefaultSeed;
}

// `ip monitor address` in a host from before the attack to the control case:
// every address change, so a VIP that moved and came back is still seen.
class AddressWatch {
public:
    AddressWatch(const Lab& lab, int host) : path_(lab.dir().file("monitor-h" + std::to_string(host))) {
        int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        monitor_ = std::make_unique<Child>(std::vector<std::string>{kIp, "-n", lab.ns(host), "-o", "monitor", "address"}, fd, fd);
        ::close(fd);
        // Listening once it reports a marker address added after it started
        // (added again until it does: the first may come before it subscribed).
        const std::string marker = std::string(kMarker) + "/32";
        ready_ = wait_for([&] {
            run({kIp, "-n", lab.ns(host), "addr", "del", marker, "dev", "lo"});
            run({kIp, "-n", lab.ns(host), "addr", "add", marker, "dev", "lo"});
            return wait_for([&] { return slurp(path_).find(kMarker) != std::string::npos; }, 200ms);
        }, 5s);
    }
    bool ready() const { return ready_; }
    // The events that name `address`.
    std::vector<std::string> events(const std::string& address) const {
        std::vector<std::string> out;
        for (const auto& line : lines(path_))
            if (line.find(" " + address + "/") != std::string::npos) out.push_back(line);
        return out;
    }

private:
    static constexpr const char* kMarker = "192.0.2.199";
    std::string path_;
    std::unique_ptr<Child> monitor_;
    bool ready_ = false;
};

using Counts = std::map<std::string, uint64_t>;

uint64_t total(const Counts& c) {
    uint64_t n = 0;
    for (const auto& [reason, count] : c) n += count;
    return n;
}

// Drops by reason, the interface's (before an instance is known) and the
// instance's (version, auth, interval) together.
Counts drops(const json& s) {
    Counts out;
    if (!s.is_object()) return out;
    for (const auto& e : s["endpoints"])
        for (const auto& [reason, n] : e["drops"].items()) out[reason] += n.get<uint64_t>();
    for (const auto& i : s["instances"])
        for (const auto& [reason, n] : i["drops"].items()) out[reason] += n.get<uint64_t>();
    return out;
}

// The same from the Prometheus text.
Counts metric_drops(const Lab& lab, int host) {
    auto r = run({kIp, "netns", "exec", lab.ns(host), "/usr/bin/curl", "-sf", std::string("http://127.0.0.1:") + kMetricsPort + "/metrics"});
    Counts out;
    std::regex sample(R"re(^vigil_adverts_dropped_total\{.*reason="(\w+)"\} (\d+)$)re");
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_match(line, m, sample)) out[m[1]] += std::stoull(m[2]);
    }
    return out;
}

// The drops hostile_send says vigild's receive path gives what it sent ("drop REASON N").
Counts predicted_drops(const std::string& sender_output) {
    Counts out;
    std::istringstream in(sender_output);
    for (std::string word, reason; in >> word;)
        if (uint64_t n; word == "drop" && in >> reason >> n) out[reason] += n;
    return out;
}

std::string describe(const Counts& c) {
    std::string s;
    for (const auto& [reason, n] : c) s += reason + "=" + std::to_string(n) + " ";
    return s.empty() ? "none" : s;
}

class HostileTraffic : public ::testing::TestWithParam<std::string> {
protected:
    // h3 sends: `mode` is {"--rule", NAME}, {"--random", SEED, "--first", I} or {"--valid"}.
    RunResult send(const Lab& lab, const Variant& v, std::vector<std::string> mode, int count) {
        std::vector<std::string> argv{kIp,        "netns",   "exec",        lab.ns(3), HOSTILE_SEND_PATH, "--interface", "eth0",
                                      "--family", v.family,  "--version",   std::to_string(v.version),      "--vrid",
                                      std::to_string(v.vrid), "--interval-cs", std::to_string(v.interval_cs), "--vip", v.vip,
                                      "--count",  std::to_string(count)};
        if (!v.password.empty()) argv.insert(argv.end(), {"--password", v.password});
        argv.insert(argv.end(), mode.begin(), mode.end());
        return run(argv);
    }
};

}  // namespace

TEST_P(HostileTraffic, MasterKeepsItsVipAndEveryDropIsCounted) {
    const auto v = variant(GetParam());
    const auto start = std::chrono::steady_clock::now();
    Lab lab(3);
    REQUIRE_LAB(lab);
    const std::string metrics = std::string("[global]\nmetrics_listen = 127.0.0.1:") + kMetricsPort + "\n";
    lab.start_vigild(1, metrics + vrrp_instance(v.name, v.vrid, 100, v.vip + v.prefix, v.settings + "state = master\n"));
    lab.start_vigild(2, metrics + vrrp_instance(v.name, v.vrid, 90, v.vip + v.prefix, v.settings));
    ASSERT_TRUE(lab.wait_address(1, v.vip, true)) << lab.log(1);
    ASSERT_TRUE(wait_for([&] {
        auto s = status(lab, 2);
        return s.is_object() && s["instances"][0]["state"] == "BACKUP" && s["instances"][0]["adverts"]["received"] > 0;
    })) << lab.log(2);
    ASSERT_EQ(lab.holders(v.vip), std::vector<int>{1});
    const json h2_master = status(lab, 2)["instances"][0]["master"];
    if (v.family == "4") { ASSERT_EQ(h2_master, Lab::address(1)); }
    else { ASSERT_EQ(h2_master.get<std::string>().rfind("fe80::", 0), 0u) << h2_master; }

    AddressWatch watch1(lab, 1), watch2(lab, 2);
    ASSERT_TRUE(watch1.ready() && watch2.ready());
    std::map<int, Counts> base{{1, drops(status(lab, 1))}, {2, drops(status(lab, 2))}};
    // h2 is a silent backup, so h1 (master) hears no router: an advert it accepts comes from h3.
    const uint64_t h1_received = status(lab, 1)["instances"][0]["adverts"]["received"];
    uint64_t sent = 0;
    // Waits until both daemons have counted `sent` drops more than at the start.
    auto counted_all = [&] {
        return wait_for([&] {
            for (int h : {1, 2})
                if (total(drops(status(lab, h))) < total(base[h]) + sent) return false;
            return true;
        }, 5s);
    };

    // --- one rule at a time: each packet counted once, for its reason ----
    Counts expected;
    vigil::test::hostile::Target target;
    target.version = static_cast<uint8_t>(v.version);
    for (auto rule : vigil::test::hostile::rules_for(target)) {
        const char* name = vigil::test::hostile::rule_name(rule);
        auto r = send(lab, v, {"--rule", name}, kPerRule);
        ASSERT_EQ(r.status, 0) << name << ": " << r.err;
        sent += kPerRule;
        const std::string rule_reason = vigil::vrrp::drop_reason_name(vigil::test::hostile::expected_reason(rule));
        expected[rule_reason] += kPerRule;
        EXPECT_EQ(predicted_drops(r.out), (Counts{{rule_reason, kPerRule}})) << name;
        EXPECT_TRUE(counted_all()) << name << ": h1 counted " << describe(drops(status(lab, 1))) << "; h2 " << describe(drops(status(lab, 2)));
        for (int h : {1, 2}) {
            auto now = drops(status(lab, h));
            for (const auto& [reason, n] : expected)
                EXPECT_EQ(now[reason] - base[h][reason], n) << "h" << h << " after " << name << ": " << describe(now);
            EXPECT_EQ(total(now) - total(base[h]), sent) << "h" << h << " after " << name << ": " << describe(now);
        }
    }
    for (int h : {1, 2}) {
        auto s = status(lab, h);
        EXPECT_EQ(metric_drops(lab, h), drops(s)) << "h" << h << ": the metrics disagree with status";
        if (h == 1) { EXPECT_EQ(s["instances"][0]["adverts"]["received"].get<uint64_t>(), h1_received) << "h1 accepted an advert"; }
    }
    EXPECT_EQ(lab.holders(v.vip), std::vector<int>{1});

    // --- thousands of random packets, every one breaking some rule -------
    const uint64_t random_seed = seed();
    std::cout << "[ hostile ] " << v.name << ": random phase seed " << random_seed << " (VIGIL_HOSTILE_SEED to repeat)" << std::endl;
    RecordProperty("random_seed", std::to_string(random_seed));
    const auto random_start = std::chrono::steady_clock::now();
    for (int first = 0; first < kRandomPackets; first += kChunk) {
        auto r = send(lab, v, {"--random", std::to_string(random_seed), "--first", std::to_string(first)}, kChunk);
        ASSERT_EQ(r.status, 0) << r.err;
        sent += kChunk;
        for (const auto& [reason, n] : predicted_drops(r.out)) expected[reason] += n;
        ASSERT_TRUE(counted_all()) << "after packet " << first + kChunk << ": h1 counted " << total(drops(status(lab, 1))) - total(base[1])
                                   << ", h2 " << total(drops(status(lab, 2))) - total(base[2]) << " of " << sent;
    }
    const auto random_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - random_start).count();
    Counts random_drops;
    for (int h : {1, 2}) {
        auto s = status(lab, h);
        ASSERT_TRUE(s.is_object()) << "h" << h << " no longer answers status --json";
        auto now = drops(s);
        EXPECT_EQ(total(now) - total(base[h]), sent) << "h" << h << ": every packet one drop, none accepted: " << describe(now);
        EXPECT_EQ(total(expected), sent) << "hostile_send predicts a drop for every packet";
        Counts rise;
        for (const auto& [reason, n] : now)
            if (n != base[h][reason]) rise[reason] = n - base[h][reason];
        EXPECT_EQ(rise, expected) << "h" << h << ": the drops by reason, against what hostile_send predicts";
        EXPECT_EQ(metric_drops(lab, h), now) << "h" << h << ": the metrics disagree with status";
        if (h == 1) {
            EXPECT_EQ(s["instances"][0]["adverts"]["received"].get<uint64_t>(), h1_received) << "h1 accepted an advert";
            random_drops = rise;
        }
        EXPECT_EQ(s["instances"][0]["state"], h == 1 ? "MASTER" : "BACKUP");
        if (h == 2) { EXPECT_EQ(s["instances"][0]["master"], h2_master) << "h2 follows h1 still"; }
        EXPECT_FALSE(process_gone(lab.pid_of_vigild(h))) << "h" << h << "'s vigild died";
    }
    std::cout << "[ hostile ] " << v.name << ": " << sent << " packets (" << kRandomPackets << " random in " << random_ms
              << " ms, sent in chunks of " << kChunk << " and counted); all drops on h1 by reason: " << describe(random_drops) << std::endl;
    // Throughout: h1 never lost the VIP, h2 never had it.
    EXPECT_EQ(watch1.events(v.vip), std::vector<std::string>{});
    EXPECT_EQ(watch2.events(v.vip), std::vector<std::string>{});
    EXPECT_EQ(lab.holders(v.vip), std::vector<int>{1});

    // --- control: the same tool, same host, one well-formed advert -------
    const auto interval = std::chrono::milliseconds(v.interval_cs * 10);
    int adverts = 0;
    bool obeyed = wait_for([&] {
        EXPECT_EQ(send(lab, v, {"--valid"}, 1).status, 0);
        ++adverts;
        return wait_for([&] { return !lab.has_address(1, v.vip); }, interval);
    }, 10s);
    ASSERT_TRUE(obeyed) << "h1 ignored a priority-255 advert from h3: the hostile packets may never have reached it\n" << lab.log(1);
    // The watch saw that, so it would have seen a change during the attack.
    EXPECT_TRUE(wait_for([&] {
        auto events = watch1.events(v.vip);
        return !events.empty() && events.back().rfind("Deleted", 0) == 0;
    }, 2s)) << "ip monitor on h1 missed the VIP's removal";
    for (int i = 0; i < 3; ++i) {  // h3 speaks at the advert interval: h1 and h2 both obey it
        ASSERT_EQ(send(lab, v, {"--valid"}, 1).status, 0);
        EXPECT_FALSE(wait_for([&] { return !lab.holders(v.vip).empty(); }, interval)) << "a router took the VIP from h3";
        EXPECT_EQ(status(lab, 1)["instances"][0]["state"], "BACKUP");
    }
    auto s1 = status(lab, 1);
    EXPECT_GT(s1["instances"][0]["adverts"]["received"].get<uint64_t>(), h1_received) << "h3's advert was accepted";
    if (v.family == "4") { EXPECT_EQ(s1["instances"][0]["master"], Lab::address(3)); }
    EXPECT_TRUE(lab.log_has(1, "MASTER -> BACKUP")) << lab.log(1);
    for (int h : {1, 2}) {
        EXPECT_FALSE(process_gone(lab.pid_of_vigild(h))) << "h" << h << "'s vigild died";
        EXPECT_TRUE(status(lab, h).is_object()) << "h" << h << " no longer answers status --json";
    }
    std::cout << "[ hostile ] " << v.name << ": control obeyed after " << adverts << " advert(s); whole test "
              << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count() << " ms"
              << std::endl;
}

INSTANTIATE_TEST_SUITE_P(Vrrp, HostileTraffic, ::testing::Values("V2PassAuth", "V3Ipv4", "V3Ipv6"),
                         [](const auto& info) { return info.param; });
