// SPDX-License-Identifier: Apache-2.0
// vigilctl import-keepalived: keepalived.conf in, vigil.conf out. Every
// translation is loaded back through the real config loader, so a mapping
// that produces an invalid vigil.conf fails here.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

#include "keepalived_import/keepalived_import.h"
#include "keepalived_import/self_check.h"
#include "support/config_helpers.h"
#include "support/temp_dir.h"

using namespace vigil::config;
using namespace vigil::test;

namespace {

ImportResult import(const std::string& text) { return import_keepalived_text(text, "k.conf"); }

bool has(const ImportResult& r, const std::string& line) {
    return ("\n" + r.vigil_conf).find("\n" + line + "\n") != std::string::npos;
}

std::string all(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += x + "\n";
    return s;
}

// The section of the output that starts with `header`, up to the next one.
std::string section(const ImportResult& r, const std::string& header) {
    auto at = r.vigil_conf.find(header + "\n");
    if (at == std::string::npos) return "";
    auto end = r.vigil_conf.find("\n[", at);
    return r.vigil_conf.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

void loads(const ImportResult& r) {
    auto loaded = load(r.vigil_conf);
    EXPECT_TRUE(loaded.ok()) << joined(loaded) << "\n" << r.vigil_conf;
}

}  // namespace

// The deployment vigil replaces: both hosts import completely into a valid pair.
TEST(KeepalivedImport, SeedHostsImportCompletely) {
    for (std::string host : {"host1", "host2"}) {
        auto r = import_keepalived(std::string(FIXTURES_DIR) + "/keepalived/keepalived-" + host + ".conf");
        EXPECT_TRUE(r.complete()) << all(r.not_imported) << all(r.errors);
        loads(r);
        EXPECT_TRUE(has(r, "router_id = " + host));
        // keepalived 1.2 ran chkngx.sh and notify.sh as root.
        EXPECT_TRUE(has(r, "script_user = root"));
        // The down-file script is a file tracker, chkngx.sh stays a script.
        auto chkfile = section(r, "[tracker chkfile]");
        EXPECT_NE(chkfile.find("type = file\npath = /etc/keepalived/down\nmode = exists-down"), std::string::npos) << chkfile;
        auto chkngx = section(r, "[tracker chkngx]");
        EXPECT_NE(chkngx.find("type = exec\ncommand = /etc/keepalived/chkngx.sh"), std::string::npos) << chkngx;
        EXPECT_NE(chkngx.find("fall = 3"), std::string::npos);
        EXPECT_NE(chkngx.find("rise = 3"), std::string::npos);
        EXPECT_NE(chkngx.find("weight = -2"), std::string::npos);
        // keepalived sent only the first 8 characters of the password.
        EXPECT_NE(section(r, "[instance VI_1]").find("auth_pass = 8SSmX60h\n"), std::string::npos);
        EXPECT_NE(section(r, "[instance VI_2]").find("auth_pass = 9SSmX60h\n"), std::string::npos);
        EXPECT_TRUE(has(r, "vip = 192.168.124.251/24 dev eno16777736 label vip1"));
        EXPECT_TRUE(has(r, "track = chkfile chkngx"));
        EXPECT_TRUE(has(r, "track_interface = eno16777736:-2"));
        EXPECT_TRUE(has(r, "notify = notify-master notify-backup notify-fault notify"));
        // notify_master etc. run the command as written, `notify` gets the generic arguments.
        EXPECT_NE(section(r, "[notifier notify-master]").find("command = /etc/keepalived/notify.sh master\nevents = master\npass_args = no"),
                  std::string::npos);
        EXPECT_NE(section(r, "[notifier notify]").find("command = /etc/keepalived/notify.sh\npass_args = yes"), std::string::npos);
    }
    // The two hosts mirror each other's priorities.
    auto h1 = import_keepalived(std::string(FIXTURES_DIR) + "/keepalived/keepalived-host1.conf");
    auto h2 = import_keepalived(std::string(FIXTURES_DIR) + "/keepalived/keepalived-host2.conf");
    EXPECT_NE(section(h1, "[instance VI_1]").find("state = master\n"), std::string::npos);
    EXPECT_NE(section(h1, "[instance VI_1]").find("priority = 100\n"), std::string::npos);
    EXPECT_NE(section(h2, "[instance VI_1]").find("priority = 99\n"), std::string::npos);
    EXPECT_NE(section(h2, "[instance VI_2]").find("priority = 100\n"), std::string::npos);
}

TEST(KeepalivedImport, EveryMappedKeyword) {
    auto r = import(R"(! every keyword the importer maps
global_defs {
    router_id lb1
    notification_email {
        ops@example.org
        oncall@example.org
    }
    notification_email_from vigil@lb1.example.org
    smtp_server 192.0.2.25 2525
    smtp_connect_timeout 20
    script_user checker
    enable_script_security
    vrrp_version 3
    vrrp_garp_master_repeat 3
    vrrp_garp_master_delay 2
}
vrrp_script maint {
    script "[ ! -f /run/ok ] && exit 1 || exit 0"
    interval 2
}
vrrp_script custom {
    script "/usr/local/bin/check --port 80"
    interval 3
    timeout 2
    rise 2
    fall 4
    weight 10
    user checker
}
vrrp_script piped {
    script "pidof nginx | grep -q ."
}
vrrp_track_file level {
    file /run/level
    weight -5
}
vrrp_track_process haproxy {
    process haproxy
    quorum 2
    quorum_max 4
    weight -20
}
vrrp_track_process worker {
    process "/usr/bin/python3 worker.py"
    full_command
}
vrrp_instance VI_6
{
    state BACKUP
    interface eth0
    virtual_router_id 60
    priority 150
    advert_int 0.5
    nopreempt
    preempt_delay 30
    unicast_src_ip 192.0.2.1
    unicast_peer {
        192.0.2.2
        192.0.2.3
    }
    virtual_ipaddress {
        192.0.2.100/24 dev eth1 label eth1:web
        192.0.2.101
    }
    track_interface {
        eth1
        eth0 weight -10
    }
    track_script {
        maint
        custom weight 5
        piped
    }
    track_file {
        level
    }
    track_process {
        haproxy
        worker weight -1
    }
    garp_master_refresh 60
    dont_track_primary
    notify_stop "/usr/local/bin/stopped"
    smtp_alert
}
vrrp_instance VI_7 {
    interface eth0
    virtual_router_id 61
    virtual_ipaddress {
        192.0.2.102/24
    }
    version 2
    authentication {
        auth_type PASS
        auth_pass short
    }
    garp_master_repeat 1
    notify_master /usr/local/bin/up.sh
}
vrrp_instance VI_8 {
    interface eth0
    virtual_router_id 62
    virtual_ipaddress {
        2001:db8::10
    }
}
vrrp_sync_group G1 {
    group {
        VI_6
        VI_7
    }
    notify "/usr/local/bin/group.sh"
    smtp_alert
    sync_group_tracking_weight
}
)");
    EXPECT_TRUE(r.complete()) << all(r.not_imported) << all(r.errors);
    loads(r);
    EXPECT_TRUE(has(r, "router_id = lb1"));
    EXPECT_TRUE(has(r, "script_user = checker"));
    EXPECT_FALSE(has(r, "script_user = root"));
    auto maint = section(r, "[tracker maint]");
    EXPECT_NE(maint.find("path = /run/ok\nmode = exists-up"), std::string::npos) << maint;
    auto custom = section(r, "[tracker custom]");
    for (auto l : {"type = exec", "command = /usr/local/bin/check --port 80", "user = checker", "interval = 3", "timeout = 2",
                   "rise = 2", "fall = 4", "weight = 10"})
        EXPECT_NE(custom.find(std::string(l) + "\n"), std::string::npos) << l << "\n" << custom;
    EXPECT_EQ(custom.find("shell = yes"), std::string::npos);
    EXPECT_NE(section(r, "[tracker piped]").find("shell = yes"), std::string::npos);
    EXPECT_NE(section(r, "[tracker level]").find("type = file\nmode = value\npath = /run/level\nweight = -5"), std::string::npos);
    auto haproxy = section(r, "[tracker haproxy]");
    EXPECT_NE(haproxy.find("name = haproxy\nmin = 2\nmax = 4\nweight = -20"), std::string::npos) << haproxy;
    EXPECT_NE(section(r, "[tracker worker]").find("cmdline = /usr/bin/python3 worker.py"), std::string::npos);

    auto vi6 = section(r, "[instance VI_6]");
    for (auto l : {"state = backup", "vrid = 60", "priority = 150", "advert_int = 0.5s", "preempt = no", "preempt_delay = 30s",
                   "unicast_src = 192.0.2.1", "unicast_peer = 192.0.2.2", "unicast_peer = 192.0.2.3",
                   "vip = 192.0.2.100/24 dev eth1 label eth1:web", "vip = 192.0.2.101/32", 
                   "track_interface = eth1 eth0:-10", "track = maint custom:5 piped level haproxy worker:-1",
                   "garp_refresh = 60s", "version = 3", "garp_repeat = 3", "garp_delay = 2s", "notify = notify-stop mail",
                   "dont_track_primary = yes"})
        EXPECT_NE(vi6.find(std::string(l) + "\n"), std::string::npos) << l << "\n" << vi6;
    auto vi7 = section(r, "[instance VI_7]");
    EXPECT_EQ(vi7.find("dont_track_primary"), std::string::npos) << "only where keepalived had it";
    EXPECT_TRUE(has(r, "vip = 2001:db8::10/128"));
    for (auto l : {"version = 2", "auth_pass = short", "garp_repeat = 1", "garp_delay = 2s", "notify = notify-master"})
        EXPECT_NE(vi7.find(std::string(l) + "\n"), std::string::npos) << l << "\n" << vi7;
    EXPECT_EQ(vi7.find("version = 3"), std::string::npos);

    auto mail = section(r, "[notifier mail]");
    for (auto l : {"type = mail", "smtp_url = smtp://192.0.2.25:2525", "from = vigil@lb1.example.org", "to = ops@example.org",
                   "to = oncall@example.org", "timeout = 20"})
        EXPECT_NE(mail.find(std::string(l) + "\n"), std::string::npos) << l << "\n" << mail;
    EXPECT_NE(section(r, "[notifier notify-stop]").find("events = stop\npass_args = no"), std::string::npos);
    auto group = section(r, "[group G1]");
    EXPECT_NE(group.find("instances = VI_6 VI_7\nnotify = notify mail"), std::string::npos) << group;
    EXPECT_NE(section(r, "[notifier notify]").find("command = /usr/local/bin/group.sh\npass_args = yes"), std::string::npos);
}

// What vigil cannot express is named with its line, the rest still imports.
TEST(KeepalivedImport, RefusedKeywordsAreReportedWithTheirLine) {
    auto r = import(R"(global_defs {
    router_id lb1
    lvs_id director
}
virtual_server 192.0.2.80 80 {
    delay_loop 6
}
vrrp_script chk {
    script /bin/true
    weight -2 reverse
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    authentication {
        auth_type AH
        auth_pass secret
    }
    virtual_ipaddress {
        192.0.2.10/24 brd 192.0.2.255
        192.0.2.11/24
    }
    mcast_src_ip 192.0.2.1
    track_script {
        chk
        missing
    }
    use_vmac
}
vrrp_instance VI_3 {
    interface eth0
    virtual_router_id 53
    version 3
    authentication {
        auth_type PASS
        auth_pass secret
    }
}
)");
    EXPECT_FALSE(r.complete());
    EXPECT_TRUE(r.errors.empty()) << all(r.errors);
    auto text = all(r.not_imported);
    for (auto where : {"k.conf:3: 'lvs_id'", "k.conf:5: 'virtual_server'", "k.conf:10: 'weight'", "k.conf:15: 'authentication'",
                       "k.conf:20: '192.0.2.10/24'", "k.conf:26: 'missing'", "k.conf:28: 'use_vmac'",
                       "k.conf:34: 'authentication' not imported: VRRPv3",
                       "k.conf:30: 'vrrp_instance' not imported: vigil refuses [instance VI_3]: [instance VI_3] needs at least one 'vip'"})
        EXPECT_NE(text.find(where), std::string::npos) << where << "\n" << text;
    EXPECT_EQ(r.not_imported.size(), 9u) << text;
    EXPECT_TRUE(has(r, "vip = 192.0.2.11/24"));
    EXPECT_FALSE(has(r, "vip = 192.0.2.10/24"));
    EXPECT_EQ(r.vigil_conf.find("auth_pass"), std::string::npos);
    EXPECT_NE(r.vigil_conf.find("# NOT COMPLETE: 9 "), std::string::npos);
}

TEST(KeepalivedImport, GrammarCommentsQuotesAndIncludes) {
    TempDir dir;
    dir.write("conf.d/b.conf", "vrrp_instance VI_B {\n interface eth0\n virtual_router_id 2\n virtual_ipaddress {\n 192.0.2.2/24\n }\n}\n");
    dir.write("conf.d/a.conf", "vrrp_instance VI_A { # same-line comment\n interface eth0\n virtual_router_id 1\n"
                               " virtual_ipaddress { 192.0.2.1/24 }\n bogus_key 1\n}\n");
    auto main = dir.write("keepalived.conf",
                          "! a comment\n# another\nglobal_defs {\n router_id \"lb one#not-a-comment\"\n}\n"
                          "include conf.d/*.conf\ninclude nowhere/*.conf\n");
    auto r = import_keepalived(main);
    EXPECT_TRUE(r.errors.empty()) << all(r.errors);
    EXPECT_TRUE(has(r, "router_id = lb one#not-a-comment"));
    // Glob order: a.conf before b.conf; each problem named in its own file.
    auto a = r.vigil_conf.find("[instance VI_A]"), b = r.vigil_conf.find("[instance VI_B]");
    ASSERT_NE(a, std::string::npos);
    ASSERT_NE(b, std::string::npos);
    EXPECT_LT(a, b);
    EXPECT_TRUE(has(r, "vip = 192.0.2.1/24"));
    auto text = all(r.not_imported);
    EXPECT_NE(text.find(dir.file("conf.d/a.conf") + ":5: 'bogus_key'"), std::string::npos) << text;
    EXPECT_NE(text.find(main + ":7: include nowhere/*.conf matches no file"), std::string::npos) << text;
    EXPECT_EQ(r.not_imported.size(), 2u) << text;
}

TEST(KeepalivedImport, MalformedInputIsAnError) {
    auto open = import("vrrp_instance VI_1 {\n interface eth0\n");
    EXPECT_FALSE(open.errors.empty());
    auto close = import("}\n");
    ASSERT_FALSE(close.errors.empty());
    EXPECT_NE(close.errors[0].find("k.conf:1:"), std::string::npos) << close.errors[0];
    auto missing = import_keepalived("/nonexistent/keepalived.conf");
    ASSERT_EQ(missing.errors.size(), 1u);
    EXPECT_NE(missing.errors[0].find("cannot read /nonexistent/keepalived.conf"), std::string::npos);
    // Control: the same text closed is fine.
    EXPECT_TRUE(import("vrrp_instance VI_1 {\n interface eth0\n}\n").errors.empty());
}

// keepalived 2 drops weighted trackers of sync group members (and the weight of
// a tracked interface) unless the group says sync_group_tracking_weight.
TEST(KeepalivedImport, SyncGroupMembersLoseTheirTrackingWeights) {
    auto r = import(R"(vrrp_script weighted {
    script /bin/true
    weight -5
}
vrrp_script faulting {
    script /bin/true
}
vrrp_instance A {
    interface eth0
    virtual_router_id 1
    virtual_ipaddress {
        192.0.2.1/24
    }
    track_interface {
        eth1 weight -10
    }
    track_script {
        weighted
        faulting
    }
}
vrrp_sync_group G {
    group {
        A
    }
}
)");
    EXPECT_EQ(all(r.not_imported), "k.conf:18: 'weighted' not imported: keepalived ignores a weighted tracker in a sync group "
                                   "without sync_group_tracking_weight\n");
    auto a = section(r, "[instance A]");
    EXPECT_NE(a.find("track = faulting\n"), std::string::npos) << a;
    EXPECT_NE(a.find("track_interface = eth1\n"), std::string::npos) << a;
    loads(r);
}

// What a review found the first version got wrong; each is now mapped or reported.
TEST(KeepalivedImport, EdgesOfTheGrammarAndOfVigilConf) {
    auto r = import(R"(global_defs {
    router_id lb1#comment-inside-a-word
}
vrrp_script relative {
    script "killall -0 nginx"
}
vrrp_script semicolon {
    script "/usr/bin/curl -sf http://x/ ; exit $?"
}
$IF=eth0
vrrp_instance V6 {
    interface eth0
    virtual_router_id 9
    virtual_ipaddress {
        2001:db8::9
    }
    authentication {
        auth_type PASS
        auth_pass secret
    }
    notify_master /usr/local/bin/up.sh checker
    notify_backup "/usr/local/bin/down.sh backup" checker staff
    track_script {
        relative
    }
}
track_file loose
)");
    EXPECT_TRUE(r.errors.empty()) << all(r.errors);
    EXPECT_TRUE(has(r, "router_id = lb1"));
    auto relative = section(r, "[tracker relative]");
    EXPECT_NE(relative.find("command = killall -0 nginx\nshell = yes"), std::string::npos) << relative;
    EXPECT_EQ(section(r, "[tracker semicolon]"), "");
    auto master = section(r, "[notifier notify-master]");
    EXPECT_NE(master.find("command = /usr/local/bin/up.sh\nuser = checker\nevents = master"), std::string::npos) << master;
    auto backup = section(r, "[notifier notify-backup]");
    EXPECT_NE(backup.find("command = /usr/local/bin/down.sh backup\nuser = checker"), std::string::npos) << backup;
    EXPECT_EQ(r.vigil_conf.find("auth_pass"), std::string::npos);
    auto text = all(r.not_imported);
    for (auto where : {"k.conf:7: 'vrrp_script' not imported: the script has ' ;'",
                       "k.conf:17: 'authentication' not imported: VRRPv3", "k.conf:22: 'notify_backup' not imported: the group",
                       "k.conf:27: 'track_file' not imported"})
        EXPECT_NE(text.find(where), std::string::npos) << where << "\n" << text;
    EXPECT_EQ(r.not_imported.size(), 4u) << text;  // $IF=eth0 is a parameter definition, used nowhere
}

TEST(KeepalivedImport, IncludeCyclesAndStrayBracesStop) {
    TempDir dir;
    auto main = dir.write("keepalived.conf", "include *.conf\nvrrp_instance A {\n interface eth0\n}\n");
    dir.write("sub/ignored", "");
    auto r = import_keepalived(main);
    ASSERT_FALSE(r.errors.empty());
    EXPECT_NE(r.errors[0].find("loops back"), std::string::npos) << all(r.errors);
    // A brace without a keyword, twice, inside blocks: an error, not a crash.
    auto braces = import("{\na {\n{\nb\n}\nc\nd\ne\n");
    ASSERT_FALSE(braces.errors.empty());
    EXPECT_NE(braces.errors[0].find("k.conf:1: '{' without a keyword"), std::string::npos) << all(braces.errors);
    auto open_quote = import("global_defs {\n router_id \"lb1\n}\n");
    ASSERT_FALSE(open_quote.errors.empty());
    EXPECT_NE(open_quote.errors[0].find("k.conf:2: quoted string not closed"), std::string::npos);
    auto unclosed = import("vrrp_instance A {\n interface eth0\n");
    ASSERT_FALSE(unclosed.errors.empty());
    EXPECT_NE(unclosed.errors[0].find("k.conf:1: block not closed"), std::string::npos) << unclosed.errors[0];
}

// Found by tests/fuzz: a NUL byte went into vigil.conf and the import still
// said complete; vigild then refuses that file.
TEST(KeepalivedImport, ANulByteIsAnError) {
    auto clean = import("vrrp_instance A {\n interface eth0\n virtual_router_id 5\n virtual_ipaddress {\n  192.0.2.5/24\n }\n}\n");
    EXPECT_TRUE(clean.errors.empty()) << all(clean.errors);  // control: the same without the NUL
    auto r = import(std::string("vrrp_instance A {\n interface eth0\n virtual_router_id 5\n virtual_ipaddress {\n  192.0.2.5/24\0\n }\n}\n", 97));
    EXPECT_FALSE(r.complete());
    ASSERT_EQ(r.errors.size(), 1u) << all(r.errors);
    EXPECT_EQ(r.errors[0], "k.conf:5: contains a NUL byte");
    EXPECT_EQ(r.vigil_conf.find('\0'), std::string::npos);
}

namespace {

// A minimal instance for the tests below to add to.
std::string instance_with(const std::string& extra, const std::string& name = "VI_1", int vrid = 51) {
    return "vrrp_instance " + name + " {\n    interface eth0\n    virtual_router_id " + std::to_string(vrid) +
           "\n    virtual_ipaddress {\n        192.0.2." + std::to_string(vrid) + "/24\n    }\n" + extra + "}\n";
}

}  // namespace

// keepalived keeps the first notify_master (and of each other kind) and
// ignores the rest; three of them must not become three master notifiers.
TEST(KeepalivedImport, TheFirstNotifyOfAKindCounts) {
    auto r = import(instance_with("    notify_master /etc/keepalived/master.sh\n"
                                  "    notify_master /etc/keepalived/backup.sh\n"
                                  "    notify_backup /etc/keepalived/backup.sh\n"
                                  "    notify_backup /etc/keepalived/fault.sh\n"));
    EXPECT_TRUE(r.complete()) << all(r.not_imported) << all(r.errors);
    loads(r);
    EXPECT_TRUE(has(r, "notify = notify-master notify-backup")) << r.vigil_conf;
    EXPECT_NE(section(r, "[notifier notify-master]").find("command = /etc/keepalived/master.sh\n"), std::string::npos);
    EXPECT_NE(section(r, "[notifier notify-backup]").find("command = /etc/keepalived/backup.sh\n"), std::string::npos);
    EXPECT_EQ(r.vigil_conf.find("notify-master-2"), std::string::npos) << r.vigil_conf;
    EXPECT_EQ(r.vigil_conf.find("command = /etc/keepalived/fault.sh"), std::string::npos) << r.vigil_conf;
    EXPECT_NE(r.vigil_conf.find("# k.conf:8: notify_master /etc/keepalived/backup.sh: ignored, as keepalived does: the "
                                "notify_master at k.conf:7 counts"),
              std::string::npos)
        << r.vigil_conf;
    // Control: one of each kind, each kept.
    auto one = import(instance_with("    notify_master /etc/keepalived/master.sh\n    notify_fault /etc/keepalived/fault.sh\n"));
    EXPECT_TRUE(has(one, "notify = notify-master notify-fault")) << one.vigil_conf;
}

TEST(KeepalivedImport, KeepalivedsPrecedenceForRepeats) {
    auto r = import(instance_with("    virtual_ipaddress {\n        192.0.2.51/32\n        192.0.2.60/24\n    }\n"
                                  "    priority 50\n    priority 150\n    state MASTER\n    state BACKUP\n"
                                  "    unicast_peer {\n        192.0.2.2\n        192.0.2.2\n    }\n") +
                    instance_with("    priority 10\n", "VI_1", 52));
    EXPECT_TRUE(r.complete()) << all(r.not_imported) << all(r.errors);
    loads(r);
    auto vi = section(r, "[instance VI_1]");
    // The same address twice (whatever the prefix): the first counts.
    EXPECT_NE(vi.find("vip = 192.0.2.51/24\n"), std::string::npos) << vi;
    EXPECT_EQ(vi.find("vip = 192.0.2.51/32"), std::string::npos) << vi;
    EXPECT_NE(vi.find("vip = 192.0.2.60/24\n"), std::string::npos) << vi;
    // A scalar's last value counts, but a BACKUP does not undo a MASTER.
    EXPECT_NE(vi.find("priority = 150\n"), std::string::npos) << vi;
    EXPECT_EQ(vi.find("priority = 50\n"), std::string::npos) << vi;
    EXPECT_NE(vi.find("state = master\n"), std::string::npos) << vi;
    EXPECT_EQ(vi.find("unicast_peer = 192.0.2.2\nunicast_peer"), std::string::npos) << vi;
    // A second vrrp_instance of one name is skipped, as keepalived does.
    EXPECT_EQ(vi.find("vrid = 52"), std::string::npos) << vi;
    EXPECT_NE(r.vigil_conf.find("vrrp_instance VI_1 was already defined at k.conf:1"), std::string::npos) << r.vigil_conf;
}

TEST(KeepalivedImport, SyncGroupsAsKeepalivedReadsThem) {
    auto r = import(instance_with("", "VI_1", 1) + instance_with("", "VI_2", 2) + instance_with("", "VI_3", 3) +
                    "vrrp_sync_group LOOSE {\n    VI_1\n    VI_2\n}\n"                             // no group { }: no members
                    "vrrp_sync_group G1 {\n    group {\n        VI_1 VI_2\n        GONE\n    }\n"  // GONE is no instance
                    "    group {\n        VI_3\n    }\n}\n"                                        // a second list is ignored
                    "vrrp_sync_group G2 {\n    group {\n        VI_2\n        VI_3\n    }\n}\n");  // VI_2 is in G1 already
    EXPECT_TRUE(r.errors.empty()) << all(r.errors);
    loads(r);
    EXPECT_EQ(section(r, "[group LOOSE]"), "");
    EXPECT_NE(r.vigil_conf.find("vrrp_sync_group LOOSE has no member instance"), std::string::npos) << r.vigil_conf;
    auto text = all(r.not_imported);
    EXPECT_NE(text.find("k.conf:" + std::to_string(3 * 7 + 2) + ": 'VI_1' not imported: not a sync group keyword"), std::string::npos)
        << text;
    EXPECT_NE(section(r, "[group G1]").find("instances = VI_1 VI_2\n"), std::string::npos) << r.vigil_conf;
    EXPECT_NE(section(r, "[group G2]").find("instances = VI_3\n"), std::string::npos) << r.vigil_conf;
    // Control: the plain form imports completely.
    auto plain = import(instance_with("", "VI_1", 1) + instance_with("", "VI_2", 2) +
                        "vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n}\n");
    EXPECT_TRUE(plain.complete()) << all(plain.not_imported);
    EXPECT_TRUE(has(plain, "instances = VI_1 VI_2"));
}

// A $NAME value is never written: resolved from a definition in the file, or
// the statement is refused, naming its line.
TEST(KeepalivedImport, ParametersAreResolvedOrRefusedNeverWritten) {
    auto r = import("$IF=eth0\n$PASS=s3cret\n" +
                    instance_with("    interface $IF\n    authentication {\n        auth_type PASS\n        auth_pass ${PASS}\n"
                                  "    }\n    priority ${PRIO}\n    notify_master \"/usr/bin/up.sh $HOME\"\n"));
    EXPECT_TRUE(r.errors.empty()) << all(r.errors);
    loads(r);
    auto vi = section(r, "[instance VI_1]");
    EXPECT_NE(vi.find("interface = eth0\n"), std::string::npos) << vi;
    EXPECT_NE(vi.find("auth_pass = s3cret\n"), std::string::npos) << vi;
    EXPECT_EQ(r.vigil_conf.find('$'), std::string::npos) << r.vigil_conf;
    auto text = all(r.not_imported);
    EXPECT_NE(text.find("k.conf:14: 'priority' not imported: keepalived parameter ${PRIO}"), std::string::npos) << text;
    EXPECT_NE(text.find("k.conf:15: 'notify_master' not imported: keepalived parameter $HOME"), std::string::npos) << text;
    EXPECT_EQ(r.not_imported.size(), 2u) << text;
    // Control: the same values written out import completely.
    auto plain = import(instance_with("    notify_master \"/usr/bin/up.sh HOME\"\n    priority 90\n"));
    EXPECT_TRUE(plain.complete()) << all(plain.not_imported);
    EXPECT_TRUE(has(plain, "priority = 90"));
    // keepalived's rules: replacement is recursive and uses the definition in
    // force at the line; a multi-line definition is not expanded.
    auto later = import("$NET=192.0.2\n$A=${NET}.7/24\n" +
                        instance_with("    virtual_ipaddress {\n        ${A}\n    }\n") + "$NET=198.51.100\n$M=x \\\n  y\n" +
                        instance_with("    virtual_ipaddress {\n        ${A}\n        $M\n    }\n", "VI_2", 52));
    EXPECT_NE(section(later, "[instance VI_1]").find("vip = 192.0.2.7/24\n"), std::string::npos) << later.vigil_conf;
    EXPECT_NE(section(later, "[instance VI_2]").find("vip = 198.51.100.7/24\n"), std::string::npos) << later.vigil_conf;
    EXPECT_EQ(later.vigil_conf.find('$'), std::string::npos) << later.vigil_conf;
    EXPECT_NE(all(later.not_imported).find("multi-line parameter definitions are not expanded"), std::string::npos);
}

TEST(KeepalivedImport, OnlyRegularFilesAreRead) {
    TempDir dir;
    auto good = dir.write("keepalived.conf", instance_with(""));
    EXPECT_TRUE(import_keepalived(good).complete());  // control
    auto d = import_keepalived(dir.path().string());
    ASSERT_EQ(d.errors.size(), 1u);
    EXPECT_NE(d.errors[0].find("is a directory"), std::string::npos) << d.errors[0];
    EXPECT_EQ(d.vigil_conf, "");
    ASSERT_EQ(mkfifo(dir.file("fifo").c_str(), 0600), 0);
    auto fifo = import_keepalived(dir.file("fifo"));  // must not block
    ASSERT_EQ(fifo.errors.size(), 1u);
    EXPECT_NE(fifo.errors[0].find("is a FIFO"), std::string::npos) << fifo.errors[0];
    auto inc = dir.write("inc.conf", "include fifo\ninclude /dev/zero\n" + instance_with(""));
    auto r = import_keepalived(inc);
    ASSERT_EQ(r.errors.size(), 2u) << all(r.errors);
    EXPECT_NE(r.errors[0].find("inc.conf:1: " + dir.file("fifo") + " is a FIFO"), std::string::npos) << r.errors[0];
    EXPECT_NE(r.errors[1].find("inc.conf:2: /dev/zero is a device"), std::string::npos) << r.errors[1];
    auto big = dir.write("big.conf", std::string(4u << 20, '!') + "\n");
    auto b = import_keepalived(big);
    ASSERT_EQ(b.errors.size(), 1u);
    EXPECT_NE(b.errors[0].find("larger than 4 MiB"), std::string::npos) << b.errors[0];
    auto missing = import_keepalived(dir.file("none.conf"));
    ASSERT_EQ(missing.errors.size(), 1u);
    EXPECT_NE(missing.errors[0].find("cannot read"), std::string::npos);
}

TEST(KeepalivedImport, KeywordsVigilHasTheEquivalentOf) {
    auto r = import("global_defs {\n    vrrp_skip_check_adv_addr\n}\n" +
                    instance_with("    mcast_src_ip 192.0.2.200\n    v3_checksum_as_v2\n    version 3\n    skip_check_adv_addr\n"));
    EXPECT_TRUE(r.complete()) << all(r.not_imported);
    loads(r);
    auto vi = section(r, "[instance VI_1]");
    EXPECT_NE(vi.find("unicast_src = 192.0.2.200\n"), std::string::npos) << vi;
    EXPECT_NE(vi.find("v3_checksum = rfc9568\n"), std::string::npos) << vi;
    EXPECT_NE(r.vigil_conf.find("# vrrp_skip_check_adv_addr: vigil never compares"), std::string::npos) << r.vigil_conf;
    auto off = import(instance_with("    v3_checksum_as_v2 false\n    version 3\n"));
    EXPECT_NE(section(off, "[instance VI_1]").find("v3_checksum = pseudo-header\n"), std::string::npos) << off.vigil_conf;
    auto vmac = import(instance_with("    use_vmac\n"));
    EXPECT_NE(all(vmac.not_imported).find("'use_vmac' not imported: vigil has no VMAC mode"), std::string::npos);
}

TEST(KeepalivedImport, InitFailStartsTheTrackerDown) {
    auto r = import("vrrp_script chk {\n    script /usr/local/bin/chk\n    init_fail\n    rise 3\n}\n" +
                    instance_with("    track_script {\n        chk\n    }\n"));
    EXPECT_TRUE(r.complete()) << all(r.not_imported);
    loads(r);
    EXPECT_NE(section(r, "[tracker chk]").find("initial = down\n"), std::string::npos) << r.vigil_conf;
    auto control = import("vrrp_script chk {\n    script /usr/local/bin/chk\n}\n");
    EXPECT_EQ(control.vigil_conf.find("initial"), std::string::npos) << control.vigil_conf;
}

// What vigil refuses in a translation is taken out and reported, so an import
// that succeeds always loads.
TEST(KeepalivedImport, WhatVigilRefusesIsReportedNotWritten) {
    auto r = import(instance_with("    priority 300\n") + instance_with("", "VI_2", 51) +
                    "vrrp_instance NOVRID {\n    interface eth0\n    virtual_ipaddress {\n        192.0.2.99\n    }\n}\n");
    EXPECT_TRUE(r.errors.empty()) << all(r.errors);
    loads(r);
    auto text = all(r.not_imported);
    EXPECT_NE(text.find("k.conf:7: 'priority' not imported: vigil refuses 'priority = 300'"), std::string::npos) << text;
    EXPECT_NE(text.find("k.conf:11: 'virtual_router_id' not imported: vigil refuses 'vrid = 51': vrid 51 on eth0 (IPv4) is "
                        "already used by [instance VI_1]\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("k.conf:13: '192.0.2.51/24' not imported: vigil refuses 'vip = 192.0.2.51/24'"), std::string::npos) << text;
    EXPECT_NE(text.find("k.conf:16: 'vrrp_instance' not imported: vigil refuses [instance NOVRID]: [instance NOVRID] needs 'vrid'"),
              std::string::npos)
        << text;
    EXPECT_EQ(section(r, "[instance NOVRID]"), "");
    EXPECT_EQ(section(r, "[instance VI_2]"), "") << "left without vrid and vip";
    EXPECT_NE(section(r, "[instance VI_1]").find("vip = 192.0.2.51/24"), std::string::npos) << "the first keeps its own";
}

// The corpus (tests/fixtures/keepalived/corpus/README.md says where each file
// comes from): every import that succeeds, complete or not, loads in vigil.
TEST(KeepalivedImport, EveryCorpusImportThatSucceedsLoads) {
    int complete = 0, partial = 0, failed = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(FIXTURES_DIR) + "/keepalived/corpus")) {
        if (entry.path().filename() == "README.md") continue;
        auto r = import_keepalived(entry.path().string());
        if (!r.errors.empty()) {
            ++failed;
            continue;
        }
        (r.complete() ? complete : partial)++;
        auto loaded = load(r.vigil_conf);
        EXPECT_TRUE(loaded.ok()) << entry.path() << "\n" << joined(loaded) << r.vigil_conf;
    }
    std::printf("corpus: %d complete, %d partial, %d failed\n", complete, partial, failed);
    EXPECT_GE(complete + partial + failed, 27);
}

// virtual_routes / virtual_rules: one route / rule per line; no_track is
// dropped (vigil never watches them), multipath and track_group refused.
TEST(KeepalivedImport, VirtualRoutesAreRoutesOfTheInstance) {
    auto r = import(instance_with("    virtual_routes {\n"
                                  "        192.0.2.128/25 via 192.0.2.1 dev eth0 table 100\n"
                                  "        blackhole 198.51.100.0/24 no_track\n"
                                  "        203.0.113.0/24 via 192.0.2.1 or 192.0.2.2\n"
                                  "    }\n"));
    loads(r);
    auto vi = section(r, "[instance VI_1]");
    EXPECT_NE(vi.find("route = 192.0.2.128/25 via 192.0.2.1 dev eth0 table 100\n"), std::string::npos) << vi;
    EXPECT_NE(vi.find("route = blackhole 198.51.100.0/24\n"), std::string::npos) << vi;
    EXPECT_NE(vi.find("no_track dropped"), std::string::npos) << vi;
    EXPECT_NE(vi.find("keepalived left MASTER when one of these routes was deleted"), std::string::npos) << vi;
    EXPECT_EQ(vi.find("203.0.113.0"), std::string::npos) << vi;
    auto text = all(r.not_imported);
    EXPECT_NE(text.find("k.conf:10: '203.0.113.0/24' not imported: vigil's route refuses it: 'or' is not supported"), std::string::npos)
        << text;
    EXPECT_EQ(r.not_imported.size(), 1u) << text;
    // Control: every line no_track, nothing keepalived watched.
    auto control = import(instance_with("    virtual_routes {\n        blackhole 198.51.100.0/24 no_track\n    }\n"));
    EXPECT_TRUE(control.complete()) << all(control.not_imported);
    EXPECT_EQ(control.vigil_conf.find("left MASTER"), std::string::npos) << control.vigil_conf;
}

// keepalived gives a rule without a preference one counted down from 16384,
// per family, in the order it reads the rules (static ones included).
TEST(KeepalivedImport, RulesWithoutPreferenceGetKeepalivedsNumbers) {
    auto r = import("static_rules {\n    from 192.0.2.0/25 table 10\n}\n" +
                    instance_with("    virtual_rules {\n"
                                  "        from 192.0.2.128/25 table 11\n"
                                  "        to 192.0.2.200 table 12 preference 300\n"
                                  "        from 2001:db8::/64 table 13\n"
                                  "        to 198.51.100.0/24 lookup 14 no_track\n"
                                  "        from 198.51.100.0/24 table 15 prio 20\n"
                                  "        to 198.51.100./24 table 16\n"
                                  "        from 203.0.113.0/24 table 17\n"
                                  "    }\n"));
    loads(r);
    EXPECT_TRUE(has(r, "static_rule = from 192.0.2.0/25 table 10 priority 16384")) << r.vigil_conf;
    auto vi = section(r, "[instance VI_1]");
    EXPECT_NE(vi.find("rule = from 192.0.2.128/25 table 11 priority 16383\n"), std::string::npos) << vi;
    EXPECT_NE(vi.find("rule = to 192.0.2.200 table 12 preference 300\n"), std::string::npos) << vi;
    EXPECT_NE(vi.find("rule = from 2001:db8::/64 table 13 priority 16384\n"), std::string::npos) << vi;
    EXPECT_NE(vi.find("rule = to 198.51.100.0/24 lookup 14 priority 16382\n"), std::string::npos) << vi;
    EXPECT_NE(vi.find("keepalived gives it 16383"), std::string::npos) << vi;
    auto text = all(r.not_imported);
    EXPECT_NE(text.find("'from' not imported: keepalived does not take 'prio'"), std::string::npos) << text;
    EXPECT_NE(text.find("'to' not imported: vigil's rule refuses it"), std::string::npos) << text;
    EXPECT_EQ(r.not_imported.size(), 2u) << text;
    // keepalived refuses the prio line and the unreadable address too: they take no number.
    EXPECT_NE(vi.find("rule = from 203.0.113.0/24 table 17 priority 16381\n"), std::string::npos) << vi;
    // Control: a rule with its own preference keeps it and gets no comment.
    auto control = import(instance_with("    virtual_rules {\n        from 192.0.2.0/24 table 1 priority 7\n    }\n"));
    EXPECT_TRUE(control.complete()) << all(control.not_imported);
    EXPECT_NE(section(control, "[instance VI_1]").find("rule = from 192.0.2.0/24 table 1 priority 7\n"), std::string::npos);
    EXPECT_EQ(control.vigil_conf.find("keepalived gives it"), std::string::npos) << control.vigil_conf;
}

// static_ipaddress / static_routes / static_rules are [global]; an address
// without dev goes where keepalived puts it: default_interface, else eth0.
TEST(KeepalivedImport, StaticBlocksAreGlobal) {
    auto r = import("static_ipaddress {\n    192.0.2.10/24 dev eth1 label eth1:s\n    192.0.2.11\n    192.0.2.12 dev eth1 scope link\n}\n"
                    "static_routes {\n    198.51.100.0/24 via 192.0.2.1 dev eth1 no_track\n    203.0.113.0/24 via 192.0.2.1 track_group g\n}\n");
    loads(r);
    auto global = section(r, "[global]");
    EXPECT_NE(global.find("static_address = 192.0.2.10/24 dev eth1 label eth1:s\n"), std::string::npos) << global;
    EXPECT_NE(global.find("static_address = 192.0.2.11/32 dev eth0\n"), std::string::npos) << global;
    EXPECT_NE(global.find("static_route = 198.51.100.0/24 via 192.0.2.1 dev eth1\n"), std::string::npos) << global;
    auto text = all(r.not_imported);
    EXPECT_NE(text.find("k.conf:4: '192.0.2.12' not imported: static_ipaddress option 'scope'"), std::string::npos) << text;
    EXPECT_NE(text.find("k.conf:8: '203.0.113.0/24' not imported: vigil's static_route refuses it: 'track_group' is not supported"),
              std::string::npos)
        << text;
    EXPECT_EQ(r.not_imported.size(), 2u) << text;
    auto named = import("global_defs {\n    default_interface eth7\n}\nstatic_ipaddress {\n    192.0.2.11\n}\n");
    EXPECT_TRUE(named.complete()) << all(named.not_imported);
    loads(named);
    EXPECT_TRUE(has(named, "static_address = 192.0.2.11/32 dev eth7")) << named.vigil_conf;
}

// global_defs timing keywords: seconds (microseconds in keepalived) become
// milliseconds, rounded up with a comment; keepalived keeps the largest
// vrrp_startup_delay; garp_master_repeat 0 is 1 in keepalived.
TEST(KeepalivedImport, GlobalTimingKeywords) {
    auto r = import("global_defs {\n    vrrp_startup_delay 30\n    vrrp_startup_delay 5.5\n    vrrp_garp_interval 0.0015\n"
                    "    vrrp_gna_interval 0.002\n    vrrp_garp_master_repeat 0\n}\n" +
                    instance_with(""));
    EXPECT_TRUE(r.complete()) << all(r.not_imported);
    loads(r);
    auto global = section(r, "[global]");
    EXPECT_NE(global.find("startup_delay = 30000ms\n"), std::string::npos) << global;
    EXPECT_NE(global.find("garp_interval = 2ms\n"), std::string::npos) << global;
    EXPECT_NE(global.find("0.0015s rounded up to 2ms"), std::string::npos) << global;
    EXPECT_NE(global.find("gna_interval = 2ms\n"), std::string::npos) << global;
    EXPECT_EQ(global.find("0.002s rounded"), std::string::npos) << "exact: no comment\n" << global;
    EXPECT_NE(section(r, "[instance VI_1]").find("garp_repeat = 1\n"), std::string::npos) << r.vigil_conf;
    auto refused = import("global_defs {\n    vrrp_garp_lower_prio_repeat 2\n    vrrp_garp_master_refresh_repeat 2\n"
                          "    vrrp_delay_after_boot 60\n}\n" +
                          instance_with("    garp_lower_prio_delay 1\n"));
    loads(refused);
    auto text = all(refused.not_imported);
    for (auto k : {"vrrp_garp_lower_prio_repeat", "vrrp_garp_master_refresh_repeat", "vrrp_delay_after_boot", "garp_lower_prio_delay"})
        EXPECT_NE(text.find(std::string("'") + k + "' not imported: "), std::string::npos) << k << "\n" << text;
    EXPECT_EQ(refused.vigil_conf.find("startup_delay"), std::string::npos) << refused.vigil_conf;
}

// vrrp_track_process delays: `delay` sets both, the last statement counts.
TEST(KeepalivedImport, TrackProcessDelays) {
    auto both = import("vrrp_track_process p {\n    process haproxy\n    delay 2.5\n}\n");
    EXPECT_TRUE(both.complete()) << all(both.not_imported);
    EXPECT_NE(section(both, "[tracker p]").find("delay = 2500ms\n"), std::string::npos) << both.vigil_conf;
    auto split = import("vrrp_track_process p {\n    process haproxy\n    delay 1\n    fork_delay 0.0001\n}\n");
    EXPECT_TRUE(split.complete()) << all(split.not_imported);
    auto p = section(split, "[tracker p]");
    EXPECT_NE(p.find("terminate_delay = 1000ms\n"), std::string::npos) << p;
    EXPECT_NE(p.find("fork_delay = 1ms\n"), std::string::npos) << p;
    EXPECT_EQ(p.find("\ndelay ="), std::string::npos) << p;
    // Control: keepalived ignores a delay out of its range, and so does the import.
    auto ignored = import("vrrp_track_process p {\n    process haproxy\n    terminate_delay 4000\n}\n");
    EXPECT_TRUE(ignored.complete()) << all(ignored.not_imported);
    EXPECT_EQ(section(ignored, "[tracker p]").find("delay ="), std::string::npos) << ignored.vigil_conf;
}

TEST(KeepalivedImport, ExcludedVipsAndTheUnicastSourceCheck) {
    auto r = import(instance_with("    virtual_ipaddress_excluded {\n        192.0.2.100/24 dev eth0\n        192.0.2.51/24\n    }\n"
                                  "    unicast_peer {\n        192.0.2.2\n    }\n    check_unicast_src\n"));
    EXPECT_TRUE(r.complete()) << all(r.not_imported);
    loads(r);
    auto vi = section(r, "[instance VI_1]");
    EXPECT_NE(vi.find("excluded_vip = 192.0.2.100/24 dev eth0\n"), std::string::npos) << vi;
    EXPECT_NE(vi.find("192.0.2.51/24 ignored: the address is a VIP already"), std::string::npos)
        << "an excluded address that is a VIP too: keepalived ignores the repeat\n" << vi;
    EXPECT_NE(vi.find("check_unicast_src = yes\n"), std::string::npos) << vi;
    EXPECT_EQ(vi.find("keepalived took unicast adverts from any source"), std::string::npos) << vi;
    // The other way: keepalived without check_unicast_src took any source; the
    // output says vigil does not. Control: a multicast instance gets no note.
    auto open = import(instance_with("    unicast_peer {\n        192.0.2.2\n    }\n"));
    loads(open);
    EXPECT_NE(section(open, "[instance VI_1]").find("# keepalived took unicast adverts from any source"), std::string::npos)
        << open.vigil_conf;
    auto multicast = import(instance_with(""));
    EXPECT_EQ(multicast.vigil_conf.find("check_unicast_src"), std::string::npos) << multicast.vigil_conf;
}

// Found by the fuzzer: a carriage return inside a quoted process is refused.
TEST(KeepalivedImport, AProcessWithAControlCharacterIsRefused) {
    auto r = import("vrrp_track_process worker {\n    process \"/usr/bin/p\rython3 worker.py\"\n    full_command\n}\n" +
                    instance_with("    track_process {\n        worker\n    }\n"));
    loads(r);
    auto refused = all(r.not_imported);
    EXPECT_NE(refused.find("'vrrp_track_process' not imported: the process has a control character"), std::string::npos) << refused;
    EXPECT_EQ(r.vigil_conf.find("[tracker worker]"), std::string::npos) << r.vigil_conf;
}

// The self-check (the importer's own vigild -t) does not know plugin keys: a
// tracker or notifier whose command, path, process or server it takes out is
// nothing its plugin would take, so it goes whole, and then what names it.
TEST(KeepalivedImportSelfCheck, ATrackerOrNotifierThatLosesWhatItRunsGoesWhole) {
    using keepalived::Section;
    keepalived::Translation t;
    t.sections = {
        Section{"[global]", "", {}, {}},
        Section{"[instance VI_1]", "k.conf:9: 'vrrp_instance'",
                {"interface = eth0", "vrid = 51", "vip = 192.0.2.100/32", "track = worker", "notify = mail"},
                {"", "", "", "k.conf:12: 'worker'", "k.conf:10: 'smtp_alert'"}},
        Section{"[tracker worker]", "k.conf:1: 'vrrp_track_process'", {"type = process", "cmdline = /usr/bin/p\rython3"}, {"", ""}},
        Section{"[tracker level]", "k.conf:5: 'vrrp_track_file'", {"type = file", "path = /run/level", "weight = 1\r0"}, {"", "", ""}},
        Section{"[notifier mail]", "k.conf:10: 'smtp_alert'", {"type = mail", "smtp_url = smtp://192.0.2.\r25:25", "to = ops@example.org"},
                {"", "", ""}},
    };
    ImportResult result;
    auto text = keepalived::checked_output(t, "k.conf", result);
    EXPECT_TRUE(result.errors.empty()) << all(result.errors);
    auto refused = all(result.not_imported);
    EXPECT_NE(refused.find("[tracker worker] without its cmdline"), std::string::npos) << refused;
    EXPECT_NE(refused.find("[notifier mail] without its smtp_url"), std::string::npos) << refused;
    EXPECT_NE(refused.find("vigil refuses 'track = worker'"), std::string::npos) << refused;
    EXPECT_NE(refused.find("vigil refuses 'notify = mail'"), std::string::npos) << refused;
    EXPECT_EQ(text.find("[tracker worker]"), std::string::npos) << text;
    EXPECT_EQ(text.find("[notifier mail]"), std::string::npos) << text;
    // Control: a line that is not what a tracker runs goes alone.
    EXPECT_NE(text.find("[tracker level]\ntype = file\npath = /run/level\n"), std::string::npos) << text;
    EXPECT_NE(text.find("[instance VI_1]"), std::string::npos) << text;
}

// Found by the fuzzer: an SMTP server whose host or port the mail notifier's
// URL cannot hold is refused (and so the smtp_alert that needs it).
TEST(KeepalivedImport, AnSmtpServerThatIsNoHostAndPortIsRefused) {
    for (const char* bad : {"192script \"pidof nginx | grep -q .\"", "192.0.2.25 0", "192.0.2.25 65536", "a/b 25"}) {
        auto r = import(std::string("global_defs {\n    notification_email {\n        ops@example.org\n    }\n    smtp_server ") + bad +
                        "\n}\n" + instance_with("    smtp_alert\n"));
        loads(r);
        auto refused = all(r.not_imported);
        EXPECT_NE(refused.find("'smtp_server' not imported"), std::string::npos) << bad << ": " << refused;
        EXPECT_EQ(r.vigil_conf.find("smtp_url"), std::string::npos) << bad << ": " << r.vigil_conf;
    }
    // Controls: a name, an IPv6 address and a port pass.
    auto v6 = import("global_defs {\n    notification_email {\n        ops@example.org\n    }\n    smtp_server 2001:db8::25 2525\n}\n" +
                     instance_with("    smtp_alert\n"));
    EXPECT_NE(v6.vigil_conf.find("smtp_url = smtp://[2001:db8::25]:2525\n"), std::string::npos) << v6.vigil_conf;
    auto name = import("global_defs {\n    notification_email {\n        ops@example.org\n    }\n    smtp_server mail.example.org\n}\n" +
                       instance_with("    smtp_alert\n"));
    EXPECT_NE(name.vigil_conf.find("smtp_url = smtp://mail.example.org:25\n"), std::string::npos) << name.vigil_conf;
}

// Found by the fuzzer: a user argument vigil.conf cannot hold (";;;" reads as
// a comment there, leaving `user =` empty) is refused, wherever it is given.
TEST(KeepalivedImport, AUserThatIsNoUserNameIsRefused) {
    auto r = import("global_defs {\n    script_user ;;;\n}\n"
                    "vrrp_script chk {\n    script /bin/true\n    user a;b\n}\n" +
                    instance_with("    track_script {\n        chk\n    }\n"
                                  "    notify_master \"/usr/local/bin/up.sh\" ;;;\n"
                                  "    notify_backup \"/usr/local/bin/down.sh\" checker\n"));
    loads(r);
    auto refused = all(r.not_imported);
    EXPECT_NE(refused.find("'script_user' not imported: ';;;' is not a user name"), std::string::npos) << refused;
    EXPECT_NE(refused.find("'user' not imported: 'a;b' is not a user name"), std::string::npos) << refused;
    EXPECT_NE(refused.find("'notify_master' not imported: ';;;' is not a user name"), std::string::npos) << refused;
    EXPECT_EQ(r.vigil_conf.find(";;;"), std::string::npos) << r.vigil_conf;
    // Control: a user name passes.
    EXPECT_NE(r.vigil_conf.find("user = checker\n"), std::string::npos) << r.vigil_conf;
}

// Found by the fuzzer: trackers whose plugin would refuse them (no file, a
// relative one, a quorum_max below quorum, a count that is no number) are
// refused, so the output still passes vigild -t — the self-check does not
// know plugin keys.
TEST(KeepalivedImport, TrackersTheirPluginWouldRefuseAreNotWritten) {
    auto r = import("vrrp_track_file nofile {\n    weight 1\n}\n"
                    "vrrp_track_file relative {\n    file run/level\n}\n"
                    "vrrp_track_process low {\n    process nginx\n    quorum_max 0\n}\n"
                    "vrrp_track_process odd {\n    process nginx\n    quorum 1~0\n}\n"
                    "vrrp_track_process ok {\n    process nginx\n    quorum 2\n    quorum_max 4\n}\n" +
                    instance_with("    track_file {\n        nofile\n    }\n"));
    loads(r);
    auto refused = all(r.not_imported);
    EXPECT_NE(refused.find("'vrrp_track_file' not imported: no file"), std::string::npos) << refused;
    EXPECT_NE(refused.find("'vrrp_track_process' not imported: quorum_max is below quorum"), std::string::npos) << refused;
    EXPECT_NE(refused.find("'quorum' not imported: expected a count of processes"), std::string::npos) << refused;
    EXPECT_NE(refused.find("'nofile' is tracked but not defined"), std::string::npos) << refused;
    EXPECT_NE(refused.find("'file' not imported: 'run/level' is not an absolute path"), std::string::npos) << refused;
    EXPECT_EQ(r.vigil_conf.find("[tracker relative]"), std::string::npos);
    EXPECT_EQ(r.vigil_conf.find("[tracker nofile]"), std::string::npos);
    EXPECT_EQ(r.vigil_conf.find("[tracker low]"), std::string::npos);
    // Controls: a good process tracker is written with its counts; `odd` keeps its default min.
    EXPECT_NE(section(r, "[tracker ok]").find("min = 2\nmax = 4\n"), std::string::npos) << r.vigil_conf;
    EXPECT_NE(r.vigil_conf.find("[tracker odd]"), std::string::npos);
}
