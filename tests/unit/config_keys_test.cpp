// SPDX-License-Identifier: Apache-2.0
// Each key of docs/configuration.md parsed into the typed model, with its default.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "support/config_helpers.h"
#include "support/temp_dir.h"

using namespace vigil;
using namespace vigil::config;
using namespace vigil::test;
using std::chrono::milliseconds;

namespace {
const Config& ok(const LoadResult& r) {
    EXPECT_TRUE(r.ok()) << joined(r);
    static Config empty;
    return r.ok() ? *r.config : empty;
}
}  // namespace

TEST(GlobalKeys, DefaultsWhenAbsent) {
    auto r = load(instance());
    const auto& g = ok(r).global;
    EXPECT_EQ(g.router_id, "testhost");
    EXPECT_EQ(g.log.kind, LogTarget::Kind::Stderr);
    EXPECT_EQ(g.log_level, LogLevel::Info);
    EXPECT_EQ(g.control_socket, "/run/vigil/vigil.sock");
    EXPECT_TRUE(g.plugin_path.empty());
    EXPECT_EQ(g.script_user, "");
    EXPECT_TRUE(g.notify.empty());
    EXPECT_FALSE(g.metrics_listen);
    EXPECT_EQ(g.state_dir, "/var/lib/vigil");
}

TEST(GlobalKeys, EveryKeyParsed) {
    auto r = load(
        "[global]\nrouter_id = lb1\nlog = file:/var/log/vigil.log\nlog_level = debug\n"
        "control_socket = /run/x/v.sock\nplugin_path = /opt/a:/opt/b\nscript_user = checker\n"
        "notify = n1\nmetrics_listen = [::1]:9100\nstate_dir = /tmp/st\n"
        "[notifier n1]\ntype = log\nsyslog = yes\n" + instance());
    const auto& g = ok(r).global;
    EXPECT_EQ(g.router_id, "lb1");
    EXPECT_EQ(g.log.kind, LogTarget::Kind::File);
    EXPECT_EQ(g.log.path, "/var/log/vigil.log");
    EXPECT_EQ(g.log_level, LogLevel::Debug);
    EXPECT_EQ(g.control_socket, "/run/x/v.sock");
    EXPECT_EQ(g.plugin_path, (std::vector<std::string>{"/opt/a", "/opt/b"}));
    EXPECT_EQ(g.script_user, "checker");
    EXPECT_EQ(names_of(g.notify), std::vector<std::string>{"n1"});
    ASSERT_TRUE(g.metrics_listen);
    EXPECT_EQ(g.metrics_listen->str(), "[::1]:9100");
    EXPECT_EQ(g.state_dir, "/tmp/st");
    EXPECT_EQ(names_of(ok(r).instances[0].notify), std::vector<std::string>{"n1"}) << "instances inherit [global] notify";
}

TEST(GlobalKeys, LogSyslog) {
    auto r = load("[global]\nlog = syslog\n" + instance());
    EXPECT_EQ(ok(r).global.log.kind, LogTarget::Kind::Syslog);
}

TEST(InstanceKeys, DefaultsWhenAbsent) {
    auto r = load(instance());
    const auto& i = ok(r).instances.at(0);
    EXPECT_EQ(i.name, "VI_1");
    EXPECT_EQ(i.where.line, 1);
    EXPECT_EQ(i.interface, "eth0");
    EXPECT_EQ(i.vrid, 51);
    EXPECT_EQ(i.priority, 100);
    EXPECT_EQ(i.state, InitialState::Backup);
    EXPECT_EQ(i.version, 2);
    EXPECT_EQ(i.family, net::Family::V4);
    EXPECT_EQ(i.advert_int, milliseconds(1000));
    EXPECT_TRUE(i.preempt);
    EXPECT_EQ(i.preempt_delay, milliseconds(0));
    EXPECT_EQ(i.auth_pass, "");
    EXPECT_FALSE(i.unicast_src);
    EXPECT_TRUE(i.unicast_peers.empty());
    EXPECT_TRUE(i.track.empty());
    EXPECT_TRUE(i.track_interface.empty());
    EXPECT_EQ(i.garp_repeat, 5);
    EXPECT_EQ(i.garp_delay, milliseconds(5000));
    EXPECT_EQ(i.garp_refresh, milliseconds(0));
    EXPECT_EQ(i.v3_checksum, V3Checksum::PseudoHeader);
}

TEST(InstanceKeys, EveryKeyParsed) {
    auto r = load(
        "[tracker chk]\ntype = file\npath = /etc/vigil/down\n"
        "[notifier mail]\ntype = log\npath = /tmp/n.log\n"
        "[instance VI_9]\ninterface = eth1\nvrid = 9\npriority = 150\nstate = master\nversion = 3\n"
        "advert_int = 0.05s\npreempt = no\npreempt_delay = 30s\n"
        "vip = 192.0.2.10/24 dev eth0 label eth0:vip\nvip = 192.0.2.11\n"
        "unicast_src = 192.0.2.1\nunicast_peer = 192.0.2.2 192.0.2.3\nunicast_peer = 192.0.2.4\n"
        "track = chk:-5\ntrack_interface = eth0:-2 eth1\nnotify = mail\n"
        "garp_repeat = 3\ngarp_delay = 2s\ngarp_refresh = 1m\nv3_checksum = rfc9568\n");
    const auto& i = ok(r).instances.at(0);
    EXPECT_EQ(i.interface, "eth1");
    EXPECT_EQ(i.vrid, 9);
    EXPECT_EQ(i.priority, 150);
    EXPECT_EQ(i.state, InitialState::Master);
    EXPECT_EQ(i.version, 3);
    EXPECT_EQ(i.advert_int, milliseconds(50));
    EXPECT_FALSE(i.preempt);
    EXPECT_EQ(i.preempt_delay, milliseconds(30000));
    ASSERT_EQ(i.vips.size(), 2u);
    EXPECT_EQ(i.vips[0].prefix.str(), "192.0.2.10/24");
    EXPECT_EQ(i.vips[0].dev, "eth0");
    EXPECT_EQ(i.vips[0].label, "eth0:vip");
    EXPECT_EQ(i.vips[1].prefix.str(), "192.0.2.11/32");
    EXPECT_EQ(i.vips[1].dev, "");
    ASSERT_TRUE(i.unicast_src);
    EXPECT_EQ(i.unicast_src->str(), "192.0.2.1");
    ASSERT_EQ(i.unicast_peers.size(), 3u);
    EXPECT_EQ(i.unicast_peers[2].str(), "192.0.2.4");
    ASSERT_EQ(i.track.size(), 1u);
    EXPECT_EQ(i.track[0].name, "chk");
    EXPECT_EQ(i.track[0].weight, -5);
    ASSERT_EQ(i.track_interface.size(), 2u);
    EXPECT_EQ(i.track_interface[0].weight, -2);
    EXPECT_FALSE(i.track_interface[1].weight);
    EXPECT_EQ(names_of(i.notify), std::vector<std::string>{"mail"});
    EXPECT_EQ(i.garp_repeat, 3);
    EXPECT_EQ(i.garp_delay, milliseconds(2000));
    EXPECT_EQ(i.garp_refresh, milliseconds(60000));
    EXPECT_EQ(i.v3_checksum, V3Checksum::Rfc9568);
}

TEST(InstanceKeys, IPv6DefaultsToVersion3) {
    auto r = load("[instance V6]\ninterface = eth0\nvrid = 7\nvip = 2001:db8::10/64\nadvert_int = 0.1s\n");
    const auto& i = ok(r).instances.at(0);
    EXPECT_EQ(i.family, net::Family::V6);
    EXPECT_EQ(i.version, 3);
    EXPECT_EQ(i.advert_int, milliseconds(100));
}

TEST(InstanceKeys, AuthPassIsTruncatedToEightWithAWarning) {
    auto r = load(instance("auth_pass = 8SSmX60hJr\n"));
    EXPECT_EQ(ok(r).instances[0].auth_pass, "8SSmX60h");
    ASSERT_EQ(r.diagnostics.warning_count(), 1u);
    EXPECT_EQ(messages(r)[0],
              "t.conf:5: warning: auth_pass: longer than 8 characters; only the first 8 are used, as keepalived does")
        << "the password itself is never quoted";
}

TEST(InstanceKeys, SameFamilyVrrpIdsMayRepeatAcrossInterfacesAndFamilies) {
    auto r = load(instance() + "[instance B]\ninterface = eth1\nvrid = 51\nvip = 192.0.2.20/24\n"
                               "[instance C]\ninterface = eth0\nvrid = 51\nvip = 2001:db8::20/64\n");
    EXPECT_TRUE(r.ok()) << joined(r);
}

TEST(GroupKeys, InstancesAndNotify) {
    auto r = load(instance() + "[instance VI_2]\ninterface = eth0\nvrid = 52\nvip = 192.0.2.11/24\n"
                  "[notifier n]\ntype = log\nsyslog = yes\n[group G]\ninstances = VI_1\ninstances = VI_2\nnotify = n\n");
    const auto& g = ok(r).groups.at(0);
    EXPECT_EQ(g.name, "G");
    EXPECT_EQ(names_of(g.instances), (std::vector<std::string>{"VI_1", "VI_2"}));
    EXPECT_EQ(names_of(g.notify), std::vector<std::string>{"n"});
}

TEST(TrackerKeys, CommonKeysAndDefaults) {
    auto r = load("[tracker a]\ntype = file\npath = /x\n"
                  "[tracker b]\ntype = nginx\nurl = http://127.0.0.1/\ninterval = 2s\nrise = 3\nfall = 4\nweight = -2\n"
                  "[tracker c]\ntype = exec\ncommand = /bin/true\ninterval = 5s\ntimeout = 1s\n" + instance());
    const auto& c = ok(r);
    const auto* a = c.tracker("a");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->type, "file");
    EXPECT_EQ(a->interval, milliseconds(1000));
    EXPECT_EQ(a->timeout, milliseconds(1000));
    EXPECT_EQ(a->rise, 1);
    EXPECT_EQ(a->fall, 1);
    EXPECT_EQ(a->weight, 0);
    ASSERT_EQ(a->options.size(), 1u);
    EXPECT_EQ(a->options[0].key, "path");
    const auto* b = c.tracker("b");
    EXPECT_EQ(b->type, "http") << "the nginx alias resolves to http";
    EXPECT_EQ(b->interval, milliseconds(2000));
    EXPECT_EQ(b->timeout, milliseconds(2000)) << "timeout defaults to the interval";
    EXPECT_EQ(b->rise, 3);
    EXPECT_EQ(b->fall, 4);
    EXPECT_EQ(b->weight, -2);
    EXPECT_EQ(c.tracker("c")->timeout, milliseconds(1000));
}

TEST(TrackerKeys, EveryBuiltinTypeAcceptsItsKeys) {
    TempDir dir;
    auto script = dir.write("check.lua", "function check(cfg) return true end\n");
    auto r = load(
        "[tracker f]\ntype = file\npath = /etc/vigil/down\nmode = value\n"
        "[tracker i]\ntype = interface\ninterface = eth0\n"
        "[tracker h]\ntype = http\nurl = https://127.0.0.1:8443/health\nmethod = HEAD\nexpect_status = 200-299 301,302\n"
        "expect_body = ok\nhost = www.example\nrecover = systemctl start nginx\ntls_verify = no\n"
        "[tracker p]\ntype = process\nname = nginx\nmin = 1\nmax = 10\n"
        "[tracker p2]\ntype = process\ncmdline = nginx: master\n"
        "[tracker e]\ntype = exec\ncommand = /usr/local/bin/check --fast\nshell = no\nuser = nobody\n"
        "[tracker l]\ntype = lua\nscript = " + script + "\nanything = goes\nport = 80\n" + instance());
    const auto& c = ok(r);
    EXPECT_EQ(c.trackers.size(), 7u);
    const auto* l = c.tracker("l");
    ASSERT_TRUE(find_option(l->options, "anything"));
    EXPECT_EQ(find_option(l->options, "port")->value, "80");
    EXPECT_EQ(find_option(c.tracker("h")->options, "expect_status")->value, "200-299 301,302");
}

TEST(NotifierKeys, CommonKeysAndEveryBuiltinType) {
    TempDir dir;
    auto pw = dir.write("pw", "hunter2\n");
    auto secret = dir.write("secret", "s3cret\n");
    auto notify_lua = dir.write("notify.lua", "function notify(event, cfg) end\n");
    chmod(pw.c_str(), 0600);
    chmod(secret.c_str(), 0600);
    auto r = load(
        "[notifier lg]\ntype = log\npath = /var/log/t.log\nformat = {time} {name} {state}\nevents = master fault\n"
        "[notifier sl]\ntype = log\nsyslog = yes\n"
        "[notifier m]\ntype = mail\nsmtp_url = smtp://127.0.0.1:25\nstarttls = try\nusername = ops\n"
        "password_file = " + pw + "\nfrom = ops@example.org\nto = a@example.org\nto = b@example.org\n"
        "subject = {name} is {state}\nbody = {reason}\ntimeout = 30s\n"
        "[notifier w]\ntype = webhook\nurl = https://127.0.0.1/hook\nsecret_file = " + secret + "\n"
        "header = Authorization: Bearer x\nheader = X-Env: prod\n"
        "[notifier x]\ntype = exec\ncommand = /etc/keepalived/notify.sh\npass_args = yes\n"
        "[notifier lu]\ntype = lua\nscript = " + notify_lua + "\nchannel = ops\n" + instance());
    const auto& c = ok(r);
    const auto* lg = c.notifier("lg");
    ASSERT_TRUE(lg);
    EXPECT_EQ(lg->events, unsigned(kEventMaster | kEventFault));
    EXPECT_EQ(lg->timeout, milliseconds(10000));
    EXPECT_EQ(c.notifier("sl")->events, unsigned(kAllEvents));
    EXPECT_EQ(c.notifier("m")->timeout, milliseconds(30000));
    int to = 0;
    for (const auto& o : c.notifier("m")->options) to += o.key == "to";
    EXPECT_EQ(to, 2);
    EXPECT_EQ(c.notifiers.size(), 6u);
}

TEST(OptionLookup, LastValueWinsForSingleKeys) {
    Options o{{"mode", "exists-up", {"a", 1}}, {"mode", "value", {"b", 1}}};
    EXPECT_EQ(find_option(o, "mode")->value, "value");
    EXPECT_EQ(find_option(o, "path"), nullptr);
}

TEST(NotifierKeys, SecretsReadableByOthersAreRefused) {
    TempDir dir;
    auto pw = dir.write("pw", "hunter2\n");
    chmod(pw.c_str(), 0640);
    auto r = load(instance() + "[notifier m]\ntype = mail\nsmtp_url = smtp://127.0.0.1\nfrom = a@b\nto = c@d\nusername = u\n"
                               "password_file = " + pw + "\n");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(messages(r)[0], "t.conf:5: mail: " + pw + ": refusing a secret readable by group or others (chmod 600)");
}
