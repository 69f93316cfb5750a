// SPDX-License-Identifier: Apache-2.0
// Reload safety. A broken configuration, by SIGHUP or `vigilctl reload`, is
// refused with its located error and the running one is kept: same instances,
// states, VIPs, trackers still reporting. A reload that changes one of 100
// instances leaves the other 99 alone on both hosts: no VIP removed or added
// (an `ip monitor address` watches through it), no transition (the events
// stream and the status counters), the backup never stops hearing their
// adverts. A reload that changes all 100 is the control: the same watches
// catch it.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "e2e_helpers.h"

using namespace vigil::test;
using nlohmann::json;

namespace {

size_t lines_in(const std::string& text) { return count_of(text, "\n"); }

// --- a broken config is refused ----------------------------------------------

const std::string kVip1 = "192.0.2.251";
const std::string kVip2 = "192.0.2.252";
const std::string kFlag = "flag";  // in the lab's directory

std::string good_config(Lab& lab, int vi2_priority = 100) {
    return vrrp_instance("VI_1", 51, 100, kVip1 + "/24", fast("track = down\n")) +
           vrrp_instance("VI_2", 52, vi2_priority, kVip2 + "/24", fast()) + "[tracker down]\ntype = file\npath = " +
           lab.dir().file(kFlag) + "\nmode = exists-down\nweight = -2\n";
}

// What a refused reload must leave exactly as it was.
json running_state(Lab& lab) {
    auto s = status(lab, 1);
    json out = json::array();
    for (const auto& i : s["instances"])
        out.push_back({i["name"], i["state"], i["priority"], i["vips"], i["transitions"]});
    for (const auto& t : s["trackers"]) out.push_back({t["name"], t["type"], t["state"]});
    out.push_back({lab.has_address(1, kVip1), lab.has_address(1, kVip2)});
    return out;
}

enum class Broken { Appended, ConfDLink, MainGone };

struct Breakage {
    const char* what;
    Broken how;
    const char* text;      // Appended: added to the good config
    int error_line;        // Appended: the line of `text` the error names
    const char* expected;  // the message after FILE:LINE:
};

const Breakage kBreakages[] = {
    {"syntax error", Broken::Appended, "[instance VI_3\n", 1, "syntax error: section header without ']'"},
    {"unknown key", Broken::Appended, "[instance VI_3]\ninterface = eth0\nvrid = 53\nvip = 192.0.2.253/24\nprioritty = 5\n", 5,
     "unknown key 'prioritty' in [instance VI_3]"},
    {"bad value", Broken::Appended, "[instance VI_3]\ninterface = eth0\nvrid = 53\nvip = 192.0.2.253/24\npriority = 300\n", 5,
     "priority: 300 is out of range (1-255)"},
    {"tracker type no plugin registers", Broken::Appended, "[tracker probe]\ntype = no-such-check\n", 2,
     "type: no tracker type 'no-such-check'"},
    {"unreadable conf.d file", Broken::ConfDLink, "", 0, "cannot read: not a regular file (a dangling link?)"},
    {"config file gone", Broken::MainGone, "", 0, "cannot read: No such file or directory"},
};

// Breaks the config; returns the FILE:LINE: (or FILE: for a whole file) the error must name.
std::string break_config(Lab& lab, const Breakage& b) {
    auto main = lab.dir().file("h1.conf");
    switch (b.how) {
        case Broken::ConfDLink: {
            std::filesystem::create_directories(lab.dir().file("conf.d"));
            auto link = lab.dir().file("conf.d/50-extra.conf");
            std::filesystem::create_symlink(lab.dir().file("conf.d/missing-target"), link);
            return link + ":";
        }
        case Broken::MainGone:
            std::filesystem::remove(main);
            return main + ":";
        case Broken::Appended: break;
    }
    auto base = lab.global(1) + good_config(lab);
    lab.dir().write("h1.conf", base + b.text);
    return main + ":" + std::to_string(lines_in(base) + b.error_line) + ":";
}

void restore_config(Lab& lab, int vi2_priority = 100) {
    std::filesystem::remove_all(lab.dir().file("conf.d"));
    lab.dir().write("h1.conf", lab.global(1) + good_config(lab, vi2_priority));
}

// The tracker still answers after a refused reload: the down file lowers
// VI_1's effective priority, removing it restores it.
void expect_tracker_reporting(Lab& lab, const std::string& when) {
    auto effective = [&] { return status(lab, 1)["instances"][0]["priority"]["effective"]; };
    lab.dir().write(kFlag, "");
    EXPECT_TRUE(wait_for([&] { return effective() == 98; }, 3s)) << when << ": the tracker stopped reporting";
    std::filesystem::remove(lab.dir().file(kFlag));
    EXPECT_TRUE(wait_for([&] { return effective() == 100; }, 3s)) << when;
}

class BrokenReload : public ::testing::Test {
protected:
    void start() {
        lab_.start_vigild(1, good_config(lab_));
        ASSERT_TRUE(lab_.wait_address(1, kVip1, true)) << lab_.log(1);
        ASSERT_TRUE(lab_.wait_address(1, kVip2, true)) << lab_.log(1);
        before_ = running_state(lab_);
        ASSERT_EQ(before_[0][1], "MASTER") << before_;
        ASSERT_EQ(before_[2][2], "UP") << before_;
    }
    Lab lab_{1};
    json before_;
};

}  // namespace

TEST_F(BrokenReload, ByVigilctlIsRefusedWithTheLocatedErrorAndTheRunningConfigStays) {
    REQUIRE_LAB(lab_);
    start();
    for (const auto& b : kBreakages) {
        auto where = break_config(lab_, b);
        auto r = ctl(lab_, 1, {"reload"});
        EXPECT_EQ(r.status, 1) << b.what;
        EXPECT_EQ(r.out, "reload refused: the running configuration stays\n") << b.what;
        EXPECT_NE(r.err.find(where + " " + b.expected), std::string::npos) << b.what << ": want " << where << " " << b.expected
                                                                           << "\ngot:\n" << r.err;
        EXPECT_EQ(running_state(lab_), before_) << b.what;
        restore_config(lab_);
    }
    expect_tracker_reporting(lab_, "after the refused reloads");
    // Control: the daemon did not stop reading its file; a good reload applies.
    restore_config(lab_, 120);
    auto good = ctl(lab_, 1, {"reload"});
    EXPECT_EQ(good.status, 0) << good.err;
    EXPECT_EQ(status(lab_, 1)["instances"][1]["priority"]["base"], 120);
}

TEST_F(BrokenReload, BySighupIsRefusedWithTheLocatedErrorLoggedAndTheRunningConfigStays) {
    REQUIRE_LAB(lab_);
    start();
    size_t refused = 0;
    for (const auto& b : kBreakages) {
        auto where = break_config(lab_, b);
        lab_.signal_vigild(1, SIGHUP);
        ++refused;
        EXPECT_TRUE(wait_for([&] { return count_of(lab_.log(1), "reload refused:") == refused; }, 5s)) << b.what << "\n"
                                                                                                       << lab_.log(1);
        EXPECT_TRUE(lab_.log_has(1, where + " " + b.expected)) << b.what << ": want " << where << " " << b.expected << "\n"
                                                               << lab_.log(1);
        EXPECT_EQ(running_state(lab_), before_) << b.what;
        restore_config(lab_);
    }
    expect_tracker_reporting(lab_, "after the refused reloads");
    EXPECT_EQ(ctl(lab_, 1, {"status", "--json"}).status, 0) << "still answering";
    restore_config(lab_, 120);
    lab_.signal_vigild(1, SIGHUP);
    EXPECT_TRUE(wait_for([&] { return status(lab_, 1)["instances"][1]["priority"]["base"] == 120; }, 5s)) << lab_.log(1);
    EXPECT_EQ(count_of(lab_.log(1), "reload refused:"), refused);
}

// --- one of 100 instances changes ---------------------------------------------

namespace {

constexpr int kInstances = 100;
constexpr int kAdvertMs = 500;
constexpr int kChanged = 50;  // VI_050: vrid 50, VIP 192.0.2.149

std::string name_of(int i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "VI_%03d", i);
    return buf;
}
std::string vip_of(int i) { return "192.0.2." + std::to_string(99 + i); }
const std::string kMovedVip = "192.0.2.249";  // VI_050's VIP after the "vip" change

// Each host owns a probe instance of its own (no peer): toggling its
// maintenance makes a transition and a VIP removal, which proves the events
// stream and the address monitor are live before the reload.
const std::string kProbeVip[] = {"", "192.0.2.241", "192.0.2.242"};
std::string probe_of(int host) { return "PROBE" + std::to_string(host); }

struct Change {
    int priority = 0;       // VI_050's priority on h1 (0: unchanged)
    bool vip = false;       // VI_050's VIP becomes kMovedVip (both hosts)
    std::string advert{};   // VI_050's advert_int (both hosts)
    bool all = false;       // every instance's priority on h1 (the control)
};
std::string hundred(int host, const Change& change = {}) {
    std::string cfg;
    for (int i = 1; i <= kInstances; ++i) {
        bool changed = i == kChanged;
        int prio = host == 1 ? 100 : 99;
        if (host == 1 && changed && change.priority) prio = change.priority;
        if (host == 1 && change.all) prio = 101;
        auto vip = changed && change.vip ? kMovedVip : vip_of(i);
        auto advert = changed && !change.advert.empty() ? change.advert : std::to_string(kAdvertMs) + "ms";
        cfg += vrrp_instance(name_of(i), i, prio, vip + "/24", "version = 3\nadvert_int = " + advert + "\n");
    }
    return cfg + vrrp_instance(probe_of(host), 200 + host, 100, kProbeVip[host] + "/24", fast());
}

// A process whose stdout goes to a file in the lab's directory.
struct Recorder {
    Recorder(Lab& lab, const std::string& file, const std::vector<std::string>& argv) : path(lab.dir().file(file)) {
        int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        child = std::make_unique<Child>(argv, out);
        ::close(out);
    }
    std::string text() const { return slurp(path); }
    std::string path;
    std::unique_ptr<Child> child;
};

struct Watch {
    std::unique_ptr<Recorder> addresses, events;
};

Watch watch(Lab& lab, int host) {
    auto h = std::to_string(host);
    return {std::make_unique<Recorder>(lab, "monitor" + h, std::vector<std::string>{kIp, "-n", lab.ns(host), "-o", "monitor", "address"}),
            std::make_unique<Recorder>(lab, "events" + h,
                                       std::vector<std::string>{VIGILCTL_PATH, "--socket", lab.socket_path(host), "events"})};
}

bool watch_is_live(Lab& lab, int host, const Watch& w) {
    return wait_for(
        [&] {
            ctl(lab, host, {"maintenance", "on", probe_of(host)});
            ctl(lab, host, {"maintenance", "off", probe_of(host)});
            return wait_for(
                [&] {
                    return w.events->text().find("\"name\":\"" + probe_of(host) + "\"") != std::string::npos &&
                           w.addresses->text().find("Deleted") != std::string::npos &&
                           w.addresses->text().find(" " + kProbeVip[host] + "/") != std::string::npos;
                },
                1s);
        },
        10s);
}

// The lines of `text` that mention one of the 100 instances other than VI_050,
// by VIP (monitor) or by name (events).
std::vector<std::string> about_the_others(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        for (int i = 1; i <= kInstances; ++i)
            if (i != kChanged && (line.find(" " + vip_of(i) + "/") != std::string::npos ||
                                  line.find("\"name\":\"" + name_of(i) + "\"") != std::string::npos)) {
                out.push_back(line);
                break;
            }
    return out;
}

bool has_event(const std::string& text, const std::string& name, const std::string& state) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        auto e = json::parse(line, nullptr, false);
        if (!e.is_discarded() && e.value("name", "") == name && e.value("state", "") == state) return true;
    }
    return false;
}

std::map<std::string, json> instances_of(const json& s) {
    std::map<std::string, json> out;
    if (!s.is_object()) return out;  // vigild not answering (yet)
    for (const auto& i : s["instances"]) out[i["name"]] = i;
    return out;
}

class HundredInstances : public ::testing::Test {
protected:
    void start() {
        lab_.start_vigild(1, hundred(1));
        lab_.start_vigild(2, hundred(2));
        ASSERT_TRUE(wait_for(
            [&] {
                auto s1 = instances_of(status(lab_, 1)), s2 = instances_of(status(lab_, 2));
                for (int i = 1; i <= kInstances; ++i)
                    if (s1[name_of(i)]["state"] != "MASTER" || s2[name_of(i)]["state"] != "BACKUP") return false;
                return true;
            },
            20s))
            << lab_.log(1) << lab_.log(2);
        ASSERT_TRUE(wait_for([&] { return lab_.holders(vip_of(1)) == std::vector<int>{1} &&
                                          lab_.holders(vip_of(kInstances)) == std::vector<int>{1}; }));
        for (int h : {1, 2}) {
            watches_[h] = watch(lab_, h);
            ASSERT_TRUE(watch_is_live(lab_, h, watches_[h])) << "h" << h << " events:\n"
                                                             << watches_[h].events->text() << "monitor:\n"
                                                             << watches_[h].addresses->text();
        }
        ASSERT_TRUE(lab_.wait_address(1, kProbeVip[1], true));
        ASSERT_TRUE(lab_.wait_address(2, kProbeVip[2], true));
        before_[1] = instances_of(status(lab_, 1));
        before_[2] = instances_of(status(lab_, 2));
        before_at_ = std::chrono::steady_clock::now();
    }

    void reload(int host, const Change& change) {
        lab_.dir().write("h" + std::to_string(host) + ".conf", lab_.global(host) + hundred(host, change));
        auto began = std::chrono::steady_clock::now();
        auto r = ctl(lab_, host, {"reload"});
        ASSERT_EQ(r.status, 0) << r.err;
        std::cout << "vigilctl reload of " << kInstances + 1 << " instances on h" << host << ": "
                  << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count() << " ms\n";
    }

    // After the changed instance settled: long enough that a missed advert
    // would have shown (more than two master down intervals of 1.8 s), with
    // h1 speaking throughout.
    void let_time_pass() {
        auto received = [&] { return instances_of(status(lab_, 2))[name_of(1)]["adverts"]["received"].get<int>(); };
        int from = received();
        EXPECT_TRUE(wait_for([&] { return received() >= from + 8; }, 10s)) << "h2 stopped hearing h1";
    }

    // The other 99: no address event, no transition event, same state and
    // transition count on both hosts, and h2 kept hearing them.
    void expect_the_others_untouched() {
        auto elapsed = std::chrono::steady_clock::now() - before_at_;
        int expected_adverts = static_cast<int>(elapsed / std::chrono::milliseconds(kAdvertMs));
        for (int h : {1, 2}) {
            auto addresses = about_the_others(watches_[h].addresses->text());
            auto events = about_the_others(watches_[h].events->text());
            EXPECT_TRUE(addresses.empty()) << "h" << h << ": " << addresses.size() << " address changes, first: " << addresses.front();
            EXPECT_TRUE(events.empty()) << "h" << h << ": " << events.size() << " transitions, first: " << events.front();
            auto now = instances_of(status(lab_, h));
            for (int i = 1; i <= kInstances; ++i) {
                if (i == kChanged) continue;
                auto name = name_of(i);
                EXPECT_EQ(now[name]["state"], before_[h][name]["state"]) << "h" << h << " " << name;
                EXPECT_EQ(now[name]["transitions"], before_[h][name]["transitions"]) << "h" << h << " " << name;
                if (h == 2) {
                    // Every advert h1 sent since the snapshot, give or take those in flight at either end.
                    int heard = now[name]["adverts"]["received"].get<int>() - before_[h][name]["adverts"]["received"].get<int>();
                    EXPECT_GE(heard, expected_adverts - 2) << name << ": a gap in h1's adverts";
                }
            }
        }
        for (int i : {1, kChanged - 1, kChanged + 1, kInstances}) EXPECT_EQ(lab_.holders(vip_of(i)), std::vector<int>{1}) << vip_of(i);
    }

    Lab lab_{2};
    std::map<int, Watch> watches_;
    std::map<int, std::map<std::string, json>> before_;
    std::chrono::steady_clock::time_point before_at_;
};

}  // namespace

TEST_F(HundredInstances, APriorityChangeMovesOnlyThatInstance) {
    REQUIRE_LAB(lab_);
    start();
    reload(1, Change{.priority = 98});  // below h2's 99: VI_050 moves to h2
    EXPECT_TRUE(wait_for([&] { return lab_.holders(vip_of(kChanged)) == std::vector<int>{2}; }, 5s)) << lab_.log(1) << lab_.log(2);
    let_time_pass();
    EXPECT_EQ(lab_.holders(vip_of(kChanged)), std::vector<int>{2});
    EXPECT_EQ(instances_of(status(lab_, 1))[name_of(kChanged)]["priority"]["base"], 98);
    EXPECT_TRUE(has_event(watches_[2].events->text(), name_of(kChanged), "MASTER")) << watches_[2].events->text();
    expect_the_others_untouched();
}

TEST_F(HundredInstances, AVipChangeMovesOnlyThatAddress) {
    REQUIRE_LAB(lab_);
    start();
    reload(2, Change{.vip = true});
    reload(1, Change{.vip = true});
    EXPECT_TRUE(wait_for([&] { return lab_.holders(kMovedVip) == std::vector<int>{1} && lab_.holders(vip_of(kChanged)).empty(); }, 5s))
        << lab_.log(1) << lab_.log(2);
    let_time_pass();
    EXPECT_EQ(lab_.holders(kMovedVip), std::vector<int>{1});
    EXPECT_TRUE(lab_.holders(vip_of(kChanged)).empty());
    EXPECT_NE(watches_[1].addresses->text().find(" " + kMovedVip + "/"), std::string::npos) << "the monitor saw the new VIP";
    expect_the_others_untouched();
}

TEST_F(HundredInstances, AnAdvertIntervalChangeAppliesToOnlyThatInstance) {
    REQUIRE_LAB(lab_);
    start();
    reload(2, Change{.advert = "0.25s"});
    reload(1, Change{.advert = "0.25s"});
    auto master_again = [&] { return instances_of(status(lab_, 1))[name_of(kChanged)]["state"] == "MASTER"; };
    EXPECT_TRUE(wait_for(master_again, 5s)) << lab_.log(1);
    EXPECT_TRUE(wait_for([&] { return lab_.holders(vip_of(kChanged)) == std::vector<int>{1}; }, 5s)) << lab_.log(2);
    // VI_050 now advertises twice as often as its neighbour.
    auto sent = [&](int i) { return instances_of(status(lab_, 1))[name_of(i)]["adverts"]["sent"].get<int>(); };
    int changed_from = sent(kChanged), other_from = sent(kChanged + 1);
    let_time_pass();
    int changed = sent(kChanged) - changed_from, other = sent(kChanged + 1) - other_from;
    EXPECT_GT(changed, other * 3 / 2) << "VI_050 sent " << changed << ", VI_051 " << other;
    EXPECT_TRUE(master_again());
    expect_the_others_untouched();
}

// Control: a reload that changes every instance restarts them all, and the
// same watches see it. Without this the tests above could pass on a blind watch.
TEST_F(HundredInstances, ControlAReloadChangingAllIsSeenByTheWatches) {
    REQUIRE_LAB(lab_);
    start();
    reload(1, Change{.all = true});
    EXPECT_TRUE(wait_for([&] {
        auto s = instances_of(status(lab_, 1));
        for (int i = 1; i <= kInstances; ++i)
            if (s[name_of(i)]["state"] != "MASTER") return false;
        return true;
    }, 10s)) << lab_.log(1);
    auto removed = [&] {
        std::set<std::string> vips;
        std::istringstream in(watches_[1].addresses->text());
        for (std::string line; std::getline(in, line);)
            if (line.rfind("Deleted", 0) == 0)
                for (int i = 1; i <= kInstances; ++i)
                    if (line.find(" " + vip_of(i) + "/") != std::string::npos) vips.insert(vip_of(i));
        return vips.size();
    };
    EXPECT_TRUE(wait_for([&] { return removed() == size_t(kInstances); }, 5s))
        << "every restarted master gave up its VIP; the monitor saw " << removed();
    auto stopped = [&] {
        size_t n = 0;
        for (int i = 1; i <= kInstances; ++i) n += has_event(watches_[1].events->text(), name_of(i), "STOP");
        return n;
    };
    EXPECT_TRUE(wait_for([&] { return stopped() == size_t(kInstances); }, 5s)) << "h1's events stream saw " << stopped() << " restarts";
    // h2 took them over while h1's were restarting: its watches see that too.
    EXPECT_TRUE(wait_for([&] { return !about_the_others(watches_[2].events->text()).empty(); }, 5s));
    EXPECT_TRUE(wait_for([&] { return !about_the_others(watches_[2].addresses->text()).empty(); }, 5s));
}
