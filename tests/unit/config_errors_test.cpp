// SPDX-License-Identifier: Apache-2.0
// Every class of config error, each asserted with its FILE:LINE, and the rule
// that all of them are reported, not only the first.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/config_helpers.h"

using namespace vigil;
using namespace vigil::config;
using namespace vigil::test;

namespace {

// The config must fail, and `expected` must be one of its messages.
void expect_error(const std::string& text, const std::string& expected) {
    auto r = load(text);
    EXPECT_FALSE(r.ok()) << "accepted:\n" << text;
    auto m = messages(r);
    EXPECT_NE(std::find(m.begin(), m.end(), expected), m.end()) << "missing: " << expected << "\ngot:\n" << joined(r);
}

void expect_warning_only(const std::string& text, const std::string& expected) {
    auto r = load(text);
    EXPECT_TRUE(r.ok()) << joined(r);
    auto m = messages(r);
    EXPECT_NE(std::find(m.begin(), m.end(), expected), m.end()) << "missing: " << expected << "\ngot:\n" << joined(r);
}

}  // namespace

TEST(ConfigErrors, TheIssueExampleGivesThreeLocatedErrors) {
    auto r = load("[instance VI_1]\ninterface = eth0\nvrid = 300\npriorty = 100\nvip = 192.0.2.10/24\ntrack = nothere\n");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(messages(r), (std::vector<std::string>{
                               "t.conf:3: vrid: 300 is out of range (1-255)",
                               "t.conf:4: unknown key 'priorty' in [instance VI_1] (did you mean 'priority'?)",
                               "t.conf:6: track: no [tracker nothere] is defined",
                           }));
}

TEST(ConfigErrors, UnknownSections) {
    expect_error("[instanse VI_1]\nvrid = 1\n", "t.conf:1: unknown section [instanse VI_1] (did you mean [instance]?)");
    expect_error("[frobnicate]\n", "t.conf:1: unknown section [frobnicate] (sections: global, instance, group, tracker, notifier, anycast)");
    expect_error("[instance]\n", "t.conf:1: [instance] needs exactly one name: [instance NAME]");
    expect_error("[tracker a b]\n", "t.conf:1: [tracker] needs exactly one name: [tracker NAME]");
    expect_error("[global x]\n", "t.conf:1: [global] takes no name");
    expect_error("[group a/b]\n", "t.conf:1: 'a/b' is not a valid name (letters, digits, '_', '-', '.'; at most 64)");
}

TEST(ConfigErrors, UnknownKeysInEverySection) {
    expect_error("[global]\nrouterid = x\n", "t.conf:2: unknown key 'routerid' in [global] (did you mean 'router_id'?)");
    expect_error(instance("advert_interval = 1\n"),
                 "t.conf:5: unknown key 'advert_interval' in [instance VI_1] (did you mean 'advert_int'?)");
    expect_error(instance() + "[group G]\ninstances = VI_1\nmembers = VI_1\n", "t.conf:7: unknown key 'members' in [group G]");
    expect_error("[tracker d]\ntype = file\npth = /x\n",
                 "t.conf:3: unknown key 'pth' in [tracker d] of type file (did you mean 'path'?)");
    expect_error("[notifier n]\ntype = webhook\nurl = http://127.0.0.1/\nsecret = /x\n",
                 "t.conf:4: unknown key 'secret' in [notifier n] of type webhook (did you mean 'secret_file'?)");
}

TEST(ConfigErrors, BadValues) {
    expect_error(instance("preempt = maybe\n"), "t.conf:5: preempt: 'maybe' is not a boolean (yes/no/true/false/on/off/1/0)");
    expect_error(instance("state = primary\n"), "t.conf:5: state: 'primary' is not one of: master, backup");
    expect_error(instance("preempt_delay = soon\n"), "t.conf:5: preempt_delay: 'soon' is not a duration (e.g. 1s, 250ms, 0.5s, 2m)");
    expect_error(instance("priority = high\n"), "t.conf:5: priority: 'high' is not an integer");
    expect_error(instance("v3_checksum = none\n"), "t.conf:5: v3_checksum: 'none' is not one of: pseudo-header, rfc9568");
    expect_error(instance("garp_delay =\n"), "t.conf:5: garp_delay: needs a value");
    expect_error("[global]\nlog = journal\n", "t.conf:2: log: 'journal' is not stderr, syslog or file:/ABSOLUTE/PATH");
    expect_error("[global]\nlog_level = verbose\n", "t.conf:2: log_level: 'verbose' is not one of: debug, info, notice, warning, error");
    expect_error("[global]\nstate_dir = var/lib\n", "t.conf:2: state_dir: 'var/lib' is not an absolute path");
    expect_error("[global]\nplugin_path = /a:rel\n", "t.conf:2: plugin_path: 'rel' is not an absolute directory");
    expect_error("[global]\nmetrics_listen = 9100\n", "t.conf:2: metrics_listen: '9100' is not ADDR:PORT (IPv6 as [ADDR]:PORT)");
    expect_error("[global]\nstall_timeout = 50ms\n", "t.conf:2: stall_timeout: '50ms' is below 100ms (0 turns the stall watch off)");
    expect_error("[global]\nstall_timeout = soon\n", "t.conf:2: stall_timeout: 'soon' is not a duration (e.g. 1s, 250ms, 0.5s, 2m)");
    expect_error("[tracker t]\ntype = file\npath = /x\ninterval = 0\n", "t.conf:4: interval: must be greater than 0");
    expect_error("[notifier n]\ntype = log\nsyslog = yes\nevents = master promote\n",
                 "t.conf:4: events: 'promote' is not one of master, backup, fault, stop, announced, withdrawn");
}

TEST(ConfigErrors, OutOfRangeNumbers) {
    expect_error(instance("priority = 0\n"), "t.conf:5: priority: 0 is out of range (1-255)");
    expect_error(instance("priority = 256\n"), "t.conf:5: priority: 256 is out of range (1-255)");
    expect_error("[instance A]\ninterface = eth0\nvrid = 0\nvip = 192.0.2.1\n", "t.conf:3: vrid: 0 is out of range (1-255)");
    expect_error(instance("version = 4\n"), "t.conf:5: version: 4 is out of range (2-3)");
    expect_error("[tracker t]\ntype = file\npath = /x\nweight = -300\n", "t.conf:4: weight: -300 is out of range (-253-253)");
    expect_error("[tracker t]\ntype = file\npath = /x\nfall = 0\n", "t.conf:4: fall: 0 is out of range (1-1000)");
    expect_error("[tracker p]\ntype = process\nname = nginx\nmin = -1\n", "t.conf:4: min: -1 is out of range (0-1000000)");
    expect_error(instance("track_interface = eth1:-999\n"), "t.conf:5: track_interface: weight -999 of 'eth1' is out of range (-253-253)");
}

TEST(ConfigErrors, AdvertIntervalPerVersion) {
    expect_error(instance("advert_int = 0.5s\n"), "t.conf:5: advert_int: 500ms is not valid for VRRPv2 (whole seconds, 1-255)");
    expect_error(instance("advert_int = 256\n"), "t.conf:5: advert_int: 256s is not valid for VRRPv2 (whole seconds, 1-255)");
    expect_error(instance("version = 3\nadvert_int = 15ms\n"),
                 "t.conf:6: advert_int: 15ms is not valid for VRRPv3 (steps of 10ms, 0.01s-40.95s)");
    expect_error(instance("version = 3\nadvert_int = 41s\n"),
                 "t.conf:6: advert_int: 41s is not valid for VRRPv3 (steps of 10ms, 0.01s-40.95s)");
    EXPECT_TRUE(load(instance("version = 3\nadvert_int = 0.01s\n")).ok());
    EXPECT_TRUE(load(instance("version = 3\nadvert_int = 40.95s\n")).ok());
    EXPECT_TRUE(load(instance("advert_int = 255\n")).ok());
}

TEST(ConfigErrors, BadAddressesAndPrefixes) {
    expect_error("[instance A]\ninterface = eth0\nvrid = 1\nvip = 192.0.2.300/24\n",
                 "t.conf:4: vip: '192.0.2.300/24' is not an address with an optional /PREFIX");
    expect_error("[instance A]\ninterface = eth0\nvrid = 1\nvip = 192.0.2.1/33\n",
                 "t.conf:4: vip: '192.0.2.1/33' is not an address with an optional /PREFIX");
    expect_error(instance("vip = 192.0.2.11/24 device eth0\n"), "t.conf:5: vip: unknown word 'device' (expected dev or label)");
    expect_error(instance("vip = 192.0.2.11/24 dev\n"), "t.conf:5: vip: 'dev' needs a value");
    expect_error(instance("vip = 192.0.2.11/24 label averyveryverylonglabel\n"),
                 "t.conf:5: vip: label 'averyveryverylonglabel' is longer than 15 characters");
    expect_error("[instance A]\ninterface = eth0\nvrid = 1\nvip = 2001:db8::1/64 label x\n",
                 "t.conf:4: vip: IPv6 addresses have no labels");
    expect_error(instance("vip = 2001:db8::1/64\n"),
                 "t.conf:5: vip: 2001:db8::1/64 is IPv6 but the instance's first vip is IPv4 (use one instance per family)");
    expect_error(instance("unicast_peer = 192.0.2.2 peer3\n"), "t.conf:5: unicast_peer: 'peer3' is not an IPv4 or IPv6 address");
    expect_error(instance("unicast_src = 2001:db8::1\nunicast_peer = 192.0.2.2\n"), "t.conf:5: unicast_src: 2001:db8::1 is not IPv4");
    expect_error(instance("interface = eth0/1\n"), "t.conf:5: interface: 'eth0/1' is not a valid interface name");
}

TEST(ConfigErrors, AddressesAHostCannotHoldOrSendTo) {
    expect_error("[instance A]\ninterface = eth0\nvrid = 1\nvip = 224.0.0.5/32\n", "t.conf:4: vip: '224.0.0.5' is not a unicast address");
    expect_error("[instance A]\ninterface = eth0\nvrid = 1\nvip = 0.0.0.0/0\n", "t.conf:4: vip: '0.0.0.0' is not a unicast address");
    expect_error("[instance A]\ninterface = eth0\nvrid = 1\nvip = ::/0\n", "t.conf:4: vip: '::' is not a unicast address");
    expect_error(instance("unicast_peer = 255.255.255.255\n"), "t.conf:5: unicast_peer: '255.255.255.255' is not a unicast address");
    expect_error(instance("unicast_src = 224.0.0.18\nunicast_peer = 192.0.2.2\n"),
                 "t.conf:5: unicast_src: '224.0.0.18' is not a unicast address");
}

TEST(ConfigErrors, SignedNumbersTakeOneSign) {
    expect_error(instance("track_interface = eth1:+-2\n"), "t.conf:5: track_interface: 'eth1:+-2' is not NAME or NAME:WEIGHT");
    EXPECT_TRUE(load(instance("priority = +90\n")).ok());
}

TEST(ConfigErrors, TemplatePlaceholders) {
    expect_error("[notifier n]\ntype = log\nsyslog = yes\nformat = {time} {nmae}\n",
                 "t.conf:4: format: unknown placeholder {nmae} (known: {time}, {kind}, {name}, {state}, {prev_state}, "
                 "{priority}, {host}, {vips}, {reason}, {seq})");
    expect_error("[notifier n]\ntype = log\nsyslog = yes\nformat = {time\n", "t.conf:4: format: '{' without '}' at character 1");
    expect_error("[notifier m]\ntype = mail\nsmtp_url = smtp://x\nfrom = a\nto = b\nsubject = {name} is } down\n",
                 "t.conf:6: subject: '}' without '{' at character 11");
    EXPECT_TRUE(load(instance() + "[notifier n]\ntype = log\nsyslog = yes\nformat = {time} {name} {state} {seq}\n").ok());
}

TEST(ConfigErrors, ListKeysLocateEachNameOnItsOwnLine) {
    expect_error(instance() + "[group G]\ninstances = VI_9\ninstances = VI_1\n", "t.conf:6: instances: no [instance VI_9] is defined");
    expect_error(instance("notify = ghost\nnotify =\n"), "t.conf:5: notify: no [notifier ghost] is defined");
}

TEST(ConfigErrors, AnEmptyNotifyOptsOutOfTheGlobalDefault) {
    auto r = load("[global]\nnotify = n\n[notifier n]\ntype = log\nsyslog = yes\n" + instance("notify =\n"));
    ASSERT_TRUE(r.ok()) << joined(r);
    EXPECT_TRUE(r.config->instances[0].notify.empty());
}

TEST(ConfigErrors, ATrackerNoInstanceTracksIsAWarning) {
    const std::string trackers = "[tracker used]\ntype = file\npath = /run/a\n[tracker spare]\ntype = file\npath = /run/b\n";
    expect_warning_only(instance("track = used\n") + trackers, "t.conf:9: warning: [tracker spare] is tracked by no instance or anycast; it runs, but affects nothing");
    // Control: the tracked one is not reported.
    auto r = load(instance("track = used\n") + trackers);
    EXPECT_EQ(joined(r).find("[tracker used] is tracked by no instance"), std::string::npos) << joined(r);
}

TEST(ConfigErrors, ATrackerTimeoutLongerThanItsIntervalIsAWarning) {
    const std::string tracker = "[tracker web]\ntype = file\npath = /run/a\ninterval = 1s\n";
    expect_warning_only(instance("track = web\n") + tracker + "timeout = 3s\n",
                        "t.conf:10: warning: timeout: 3s is longer than interval 1s; checks never overlap, so a check that runs "
                        "that long delays the next ones past their interval");
    // Controls: a timeout equal to the interval, and the default (= interval), are not reported.
    for (const auto& timeout : {std::string("timeout = 1s\n"), std::string()}) {
        auto r = load(instance("track = web\n") + tracker + timeout);
        EXPECT_EQ(joined(r).find("is longer than interval"), std::string::npos) << joined(r);
    }
}

TEST(ConfigErrors, NoInstanceIsAWarning) {
    expect_warning_only("[global]\nrouter_id = x\n", "t.conf: warning: no [instance] or [anycast] is configured; vigild would do nothing");
}

TEST(ConfigErrors, ProtocolRules) {
    expect_error("[instance A]\ninterface = eth0\nvrid = 1\nversion = 2\nvip = 2001:db8::1/64\n",
                 "t.conf:4: version: VRRPv2 carries only IPv4; IPv6 needs version 3");
    expect_error(instance("version = 3\nauth_pass = secret\n"),
                 "t.conf:6: auth_pass: VRRPv3 has no authentication; remove it or use version 2");
}

TEST(ConfigErrors, MissingRequiredKeys) {
    expect_error("[instance A]\npriority = 10\n", "t.conf:1: [instance A] needs 'interface'");
    expect_error("[instance A]\npriority = 10\n", "t.conf:1: [instance A] needs 'vrid'");
    expect_error("[instance A]\npriority = 10\n", "t.conf:1: [instance A] needs at least one 'vip'");
    expect_error("[instance Empty]\n", "t.conf:1: [instance Empty] needs 'interface'");
    expect_error("[tracker t]\ninterval = 1\n",
                 "t.conf:1: [tracker t] needs 'type' (one of: exec, file, http, nginx, interface, lua, process)");
    expect_error("[tracker t]\ntype = file\n", "t.conf:1: [tracker t] (type file) needs 'path'");
    expect_error("[notifier n]\ntype = mail\nsmtp_url = smtp://127.0.0.1\nfrom = a@b\n", "t.conf:1: [notifier n] (type mail) needs 'to'");
    expect_error("[group G]\nnotify =\n", "t.conf:1: [group G] needs 'instances'");
}

TEST(ConfigErrors, UnknownTypes) {
    expect_error("[tracker t]\ntype = ping\n",
                 "t.conf:2: type: no tracker type 'ping' (known: exec, file, http, nginx, interface, lua, process)");
    expect_error("[notifier n]\ntype = sms\n", "t.conf:2: type: no notifier type 'sms' (known: exec, log, lua, mail, webhook)");
}

TEST(ConfigErrors, TypeSpecificValuesAreChecked) {
    expect_error("[tracker t]\ntype = file\npath = /x\nmode = maybe\n", "t.conf:4: mode: 'maybe' is not one of: exists-down, exists-up, value");
    expect_error("[tracker t]\ntype = file\npath = relative\n", "t.conf:3: path: 'relative' is not an absolute path");
    expect_error("[tracker h]\ntype = http\nurl = ftp://h/\n", "t.conf:3: url: 'ftp://h/' is not a http:// or https:// URL");
    expect_error("[tracker h]\ntype = http\nurl = http://h/\nexpect_status = 200-99\n",
                 "t.conf:4: expect_status: '200-99' is not a status code (100-599) or range like 200-299");
    expect_error("[tracker h]\ntype = http\nurl = http://h/\ntls_verify = perhaps\n",
                 "t.conf:4: tls_verify: 'perhaps' is not a boolean (yes/no/true/false/on/off/1/0)");
    expect_error("[tracker p]\ntype = process\nname = a\ncmdline = b\n",
                 "t.conf:1: process: a process tracker needs exactly one of 'name' or 'cmdline'");
    expect_error("[tracker p]\ntype = process\nname = a\nmin = 3\nmax = 2\n", "t.conf:1: process: max 2 is below min 3");
    // A lone max below the default min could never be UP.
    expect_error("[tracker p]\ntype = process\nname = a\nmax = 0\n", "t.conf:1: process: max 0 is below min 1 (min's default): set min too");
    expect_error("[notifier n]\ntype = log\n", "t.conf:1: log: a log notifier needs exactly one of 'path' or 'syslog = yes'");
    expect_error("[notifier m]\ntype = mail\nsmtp_url = http://x\nfrom = a\nto = b\n",
                 "t.conf:3: smtp_url: 'http://x' is not a smtp:// or smtps:// URL");
    expect_error("[notifier m]\ntype = mail\nsmtp_url = smtp://x\nfrom = a\nto = b\nstarttls = always\n",
                 "t.conf:6: starttls: 'always' is not one of: no, try, required");
    expect_error("[notifier w]\ntype = webhook\nurl = http://x/\nheader = NoColon\n",
                 "t.conf:4: header: 'NoColon' is not a header line 'Name: value'");
    expect_error("[tracker l]\ntype = lua\nfoo = 1\n", "t.conf:1: [tracker l] (type lua) needs 'script'");
    expect_error("[tracker l]\ntype = lua\nscript = /nonexistent/check.lua\n", "t.conf:1: lua: cannot open /nonexistent/check.lua: No such file or directory");
}

TEST(ConfigErrors, DanglingReferences) {
    expect_error(instance("track = ghost:-2\n"), "t.conf:5: track: no [tracker ghost] is defined");
    expect_error(instance("notify = pager\n"), "t.conf:5: notify: no [notifier pager] is defined");
    expect_error("[global]\nnotify = pager\n" + instance(), "t.conf:2: notify: no [notifier pager] is defined");
    expect_error(instance() + "[group G]\ninstances = VI_1 VI_9\n", "t.conf:6: instances: no [instance VI_9] is defined");
    expect_error(instance() + "[group G]\ninstances = VI_1\nnotify = nobody\n", "t.conf:7: notify: no [notifier nobody] is defined");
}

TEST(ConfigErrors, Duplicates) {
    expect_error(instance() + "[instance VI_2]\ninterface = eth0\nvrid = 51\nvip = 192.0.2.20/24\n",
                 "t.conf:7: vrid 51 on eth0 (IPv4) is already used by [instance VI_1] at t.conf:1");
    expect_error(instance() + "[instance VI_2]\ninterface = eth0\nvrid = 52\nvip = 192.0.2.10/24\n",
                 "t.conf:8: vip: 192.0.2.10 is already a vip of [instance VI_1] at t.conf:4");
    expect_error(instance() + "[group A]\ninstances = VI_1\n[group B]\ninstances = VI_1\n",
                 "t.conf:8: instances: VI_1 is already in [group A]");
    expect_error(instance("excluded_vip = 192.0.2.10\n"), "t.conf:5: excluded_vip: 192.0.2.10 is already a vip of [instance VI_1] at t.conf:4");
    expect_error(instance("excluded_vip = 192.0.2.30\n") + "[instance VI_2]\ninterface = eth0\nvrid = 52\nvip = 192.0.2.30/24\n",
                 "t.conf:9: vip: 192.0.2.30 is already a vip of [instance VI_1] at t.conf:5");
}

// An IPv6 link-local address is unique only on its link (keepalived 2.3 refuses
// this): the same one may be a VIP on several interfaces, not twice on one.
TEST(ConfigErrors, ALinkLocalVipMayBeOnSeveralInterfaces) {
    const std::string a = "[instance A]\ninterface = eth0\nvrid = 51\nvip = fe80::1:1/64\nvip = 2001:db8::50/64\n";
    auto on = [](const std::string& interface, const std::string& vip) {
        return "[instance B]\ninterface = " + interface + "\nvrid = 52\nvip = " + vip + "\n";
    };
    auto r = load(a + on("eth1", "fe80::1:1/64"));
    EXPECT_TRUE(r.ok()) << joined(r);
    r = load(a + on("eth0", "fe80::1:1/64 dev eth1"));
    EXPECT_TRUE(r.ok()) << "a vip's own dev is its link\n" << joined(r);
    expect_error(a + on("eth0", "fe80::1:1/64"), "t.conf:9: vip: fe80::1:1 is already a vip of [instance A] on eth0 at t.conf:4");
    expect_error(a + on("eth1", "fe80::1:1/64 dev eth0"),
                 "t.conf:9: vip: fe80::1:1 is already a vip of [instance A] on eth0 at t.conf:4");
    // A global address stays unique across interfaces.
    expect_error(a + on("eth1", "2001:db8::50/64"), "t.conf:9: vip: 2001:db8::50 is already a vip of [instance A] at t.conf:5");
}

// As keepalived: what does not fit the advert is held but not advertised; an
// instance holds at most 255 addresses (the supervisor's record of it).
TEST(ConfigErrors, VipsBeyondWhatAnAdvertCarriesAreExcluded) {
    std::string v6 = "[instance V6]\ninterface = eth0\nvrid = 7\n";
    for (int i = 1; i <= 90; ++i) v6 += "vip = 2001:db8::1:" + std::to_string(i) + "\n";
    auto r = load(v6);
    ASSERT_TRUE(r.ok()) << joined(r);
    const auto& inst = r.config->instances.at(0);
    EXPECT_EQ(inst.vips.size(), 89u);
    ASSERT_EQ(inst.excluded_vips.size(), 1u);
    EXPECT_EQ(inst.excluded_vips[0].prefix.address.str(), "2001:db8::1:90");
    auto m = messages(r);
    EXPECT_NE(std::find(m.begin(), m.end(),
                        "t.conf:93: warning: vip: an advert carries at most 89 IPv6 addresses; the 1 from here on are added but "
                        "not advertised, as excluded_vip (as keepalived)"),
              m.end())
        << joined(r);

    std::string v4 = "[instance V4]\ninterface = eth0\nvrid = 7\nvip = 192.0.2.1\n";
    for (int i = 0; i < 255; ++i) v4 += "excluded_vip = 198.51.100." + std::to_string(i) + "\n";
    expect_error(v4, "t.conf:259: excluded_vip: an instance adds at most 255 addresses (vip and excluded_vip)");
    r = load(v4.substr(0, v4.rfind("excluded_vip")));
    EXPECT_TRUE(r.ok()) << "the control: 255 in all\n" << joined(r);
}

TEST(ConfigErrors, WarningsDoNotFailTheCheck) {
    expect_warning_only(instance("interface = eth7\n"), "t.conf:5: warning: interface: eth7 does not exist on this machine");
    expect_warning_only(instance("track_interface = eth9\n"),
                        "t.conf:5: warning: track_interface: eth9 does not exist on this machine");
    expect_warning_only(instance("version = 2\nv3_checksum = rfc9568\n"),
                        "t.conf:6: warning: v3_checksum: has no effect (it applies to IPv4 VRRPv3 only)");
    expect_warning_only(instance("priority = 90\npriority = 95\n"),
                        "t.conf:6: warning: 'priority' set again; this value replaces the one on line 5");
}

TEST(ConfigErrors, AllErrorsAreReportedInLineOrder) {
    auto r = load(
        "[global]\n"                   // 1
        "log_level = loud\n"           // 2
        "[instance A]\n"               // 3
        "interface = eth0\n"           // 4
        "vrid = 999\n"                 // 5
        "vip = 192.0.2.1/24\n"         // 6
        "track = t1 t2\n"              // 7
        "[tracker t1]\n"               // 8
        "type = file\n"                // 9
        "path = /x\n"                  // 10
        "bogus = 1\n"                  // 11
        "[bogus]\n"                    // 12
        "[instance B]\n"               // 13
        "interface = eth0\n"           // 14
        "vrid = 2\n"                   // 15
        "vip = 192.0.2.1/24\n"         // 16
        "what is this\n");             // 17
    ASSERT_FALSE(r.ok());
    std::vector<int> lines;
    for (const auto& d : r.diagnostics.all()) lines.push_back(d.where.line);
    EXPECT_EQ(lines, (std::vector<int>{2, 5, 7, 11, 12, 16, 17})) << joined(r);
    EXPECT_EQ(r.diagnostics.error_count(), 7u);
}

TEST(ConfigErrors, AnycastSections) {
    const std::string web = "[tracker web]\ntype = file\npath = /tmp/up\n";  // lines 1-3
    // An anycast-only config is valid: no "nothing to do" warning.
    auto ok = load(web + "[anycast web]\nprefix = 192.0.2.200/32 2001:db8:ffff::200\ntrack = web\n");
    EXPECT_TRUE(ok.ok()) << joined(ok);
    EXPECT_EQ(joined(ok), "");
    ASSERT_TRUE(ok.config);
    EXPECT_EQ(ok.config->anycasts.at(0).prefixes.size(), 2u);
    EXPECT_EQ(ok.config->anycasts.at(0).interface, "lo");

    expect_error(web + "[anycast a]\ntrack = web\n", "t.conf:4: [anycast a] needs at least one 'prefix'");
    expect_error(web + "[anycast a]\nprefix = 192.0.2.300\ntrack = web\n",
                 "t.conf:5: prefix: '192.0.2.300' is not an address with an optional /LEN");
    expect_error(web + "[anycast a]\nprefix = 192.0.2.200\ntrack = web:10\n",
                 "t.conf:6: track: 'web:10': an anycast section has no priority; a tracker keeps it announced or not (no :WEIGHT)");
    expect_error(web + "[anycast a]\nprefix = 192.0.2.200\ntrack = nothere\n", "t.conf:6: track: no [tracker nothere] is defined");
    expect_error(web + "[anycast a]\nprefix = 192.0.2.200\ntrack = web\nannounce = route 254\n",
                 "t.conf:7: announce: '254' is not a table number 1-252 (253-255 are the kernel's default, main and local tables)");
    expect_error(web + "[anycast a]\nprefix = 192.0.2.200\ntrack = web\nannounce = bgp\n",
                 "t.conf:7: announce: needs 'address IFACE' or 'route TABLE'");
    expect_error(web + "[anycast a]\nprefix = 192.0.2.200/24\ntrack = web\nannounce = route 100\n",
                 "t.conf:5: prefix: 192.0.2.200/24 has host bits set; a route needs the network (192.0.2.0/24?)");
    expect_error(web + "[anycast a]\nprefix = 192.0.2.200\ntrack = web\n[anycast b]\nprefix = 192.0.2.200\ntrack = web\n",
                 "t.conf:8: prefix: 192.0.2.200 is already a prefix of [anycast a] at t.conf:5");
    expect_error(web + "[global]\nstatic_address = 192.0.2.200/32 dev lo\n[anycast a]\nprefix = 192.0.2.200\ntrack = web\n",
                 "t.conf:7: prefix: 192.0.2.200 is already a static_address at t.conf:5");
    expect_error(instance() + "[anycast VI_1]\nprefix = 192.0.2.200\n",
                 "t.conf:5: [anycast VI_1] has the name of [instance VI_1] at t.conf:1 (vigilctl maintenance names either)");
    // Route mode claims the route, not the address: a static address on lo
    // is how the service keeps answering while withdrawn.
    auto route_ok = load(web + "[global]\nstatic_address = 192.0.2.200/32 dev lo\n[anycast a]\nprefix = 192.0.2.200\ntrack = web\n"
                               "announce = route 100\n");
    EXPECT_TRUE(route_ok.ok()) << joined(route_ok);
    expect_warning_only(web + "[anycast a]\nprefix = 192.0.2.200/24\ntrack = web\n",
                        "t.conf:5: warning: prefix: 192.0.2.200/24 as an address on lo makes the whole /24 local to this host; "
                        "anycast prefixes are usually /32 (or use announce = route TABLE)");
    expect_error("[tracker drain]\ntype = file\npath = /tmp/w\nmode = value\n[anycast a]\nprefix = 192.0.2.200\ntrack = drain\n",
                 "t.conf:7: track: [tracker drain] is a file tracker with mode = value, which only sets a priority; an anycast "
                 "section needs one that is UP or DOWN (mode = exists-down or exists-up)");
    expect_warning_only(web + "[anycast a]\nprefix = 192.0.2.200\n",
                        "t.conf:4: warning: [anycast a] tracks nothing: its prefixes are announced whenever vigild runs");
}
