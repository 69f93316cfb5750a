// SPDX-License-Identifier: Apache-2.0
// The seed deployment, imported: `vigilctl import-keepalived` turns each
// host's keepalived.conf into a vigil.conf, and the two run the same pair
// with the seed's own chkngx.sh and notify.sh against real nginx.
#include <sys/stat.h>

#include <fstream>

#include "e2e_helpers.h"
#include "support/nginx.h"

using namespace vigil::test;

namespace {

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) text.replace(at, from.size(), to);
}

// The lab's stand-ins for what the seed hosts had: eth0 for eno16777736,
// 192.0.2.0/24 for 192.168.124.0/24, a directory per host for /etc/keepalived.
// The scripts change only where the lab differs: its nginx listens on
// 127.0.0.1:8080 and is no system service (`service nginx start` would start
// this machine's nginx), and notify.sh writes in the lab, not /tmp.
// ("service nginx start" under vigil is the http tracker's `recover`.)
std::string install_seed(Lab& lab, int host, std::string& etc) {
    etc = lab.dir().path() / ("h" + std::to_string(host) + "-keepalived");
    std::filesystem::create_directories(etc);
    chmod(lab.dir().path().c_str(), 0755);
    chmod(etc.c_str(), 0755);
    const std::string seed = std::string(FIXTURES_DIR) + "/keepalived/";
    auto script = [&](const std::string& name, const std::vector<std::pair<std::string, std::string>>& edits) {
        std::string text = slurp(seed + name);
        // The seed files open with a "###/etc/keepalived/NAME###" listing title
        // above their #! line; a script must start with #! to be executed.
        if (text.rfind("###", 0) == 0) text.erase(0, text.find('\n') + 1);
        for (const auto& [from, to] : edits) {
            EXPECT_NE(text.find(from), std::string::npos) << name << " no longer has " << from;
            replace_all(text, from, to);
        }
        std::ofstream(etc + "/" + name) << text;
        chmod((etc + "/" + name).c_str(), 0755);
    };
    script("chkngx.sh", {{"http://localhost", "http://127.0.0.1:8080"}, {"service nginx start", "exit 1"}});
    script("notify.sh", {{"/tmp/keepalived.log", etc + "/keepalived.log"}, {"192.168.124.", "192.0.2."}});

    auto imported = run({VIGILCTL_PATH, "import-keepalived", seed + "keepalived-host" + std::to_string(host) + ".conf"});
    EXPECT_EQ(imported.status, 0) << imported.err;
    EXPECT_EQ(imported.err, "");
    std::string conf = imported.out;
    replace_all(conf, "eno16777736", "eth0");
    replace_all(conf, "192.168.124.", "192.0.2.");
    replace_all(conf, "/etc/keepalived/", etc + "/");
    return conf;
}

}  // namespace

TEST(ImportE2E, TheImportedSeedPairRunsTheSamePair) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    Nginx web1(lab, 1), web2(lab, 2);
    ASSERT_TRUE(wait_for([&] { return web1.answering() && web2.answering(); }));
    std::string etc1, etc2;
    lab.start_vigild(1, install_seed(lab, 1, etc1));
    lab.start_vigild(2, install_seed(lab, 2, etc2));
    const std::string vip1 = "192.0.2.251", vip2 = "192.0.2.252";
    auto settles = [&](const std::string& vip, int host, std::chrono::milliseconds deadline) {
        return wait_for([&] { return lab.holders(vip) == std::vector<int>{host}; }, deadline);
    };

    // Active-active: .251 on host1, .252 on host2, as under keepalived.
    ASSERT_TRUE(settles(vip1, 1, 15s)) << lab.log(1) << lab.log(2);
    ASSERT_TRUE(settles(vip2, 2, 15s)) << lab.log(1) << lab.log(2);
    // With keepalived's label, as `ip addr` showed it there.
    auto addrs = run({kIp, "-n", lab.ns(1), "-4", "addr", "show", "dev", "eth0"}).out;
    EXPECT_NE(addrs.find(vip1 + "/24 scope global secondary vip1"), std::string::npos) << addrs;

    // The down file (convert_state.sh's switch), imported as a file tracker.
    std::ofstream(etc1 + "/down") << "";
    EXPECT_TRUE(settles(vip1, 2, 5s)) << lab.log(1);
    std::filesystem::remove(etc1 + "/down");
    EXPECT_TRUE(settles(vip1, 1, 5s)) << lab.log(1);

    // chkngx.sh, still a script: nginx gone on host2 moves .252 after fall 3, and back after rise 3.
    web2.stop();
    EXPECT_TRUE(settles(vip2, 1, 10s)) << lab.log(2);
    EXPECT_TRUE(lab.log_has(2, "tracker chkngx: UP -> DOWN")) << lab.log(2);
    web2.start();
    EXPECT_TRUE(settles(vip2, 2, 10s)) << lab.log(2);
    EXPECT_EQ(lab.holders(vip1), std::vector<int>{1});

    // notify.sh got keepalived's generic arguments and wrote its line.
    EXPECT_TRUE(wait_for([&] {
        auto log = slurp(etc1 + "/keepalived.log");
        return log.find("INSTANCE \"VI_2\" VIP \"192.0.2.252\" have moved") != std::string::npos &&
               log.find("turn to MASTER state") != std::string::npos;
    })) << slurp(etc1 + "/keepalived.log") << lab.log(1);
}

TEST(ImportE2E, ExitStatusSaysWhetherTheResultIsComplete) {
    TempDir dir;
    auto complete = dir.write("complete.conf", "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n"
                                               " virtual_ipaddress {\n  192.0.2.1/24\n }\n}\n");
    auto partial = dir.write("partial.conf", "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n use_vmac\n"
                                             " virtual_ipaddress {\n  192.0.2.1/24\n }\n}\n");
    auto ok = run({VIGILCTL_PATH, "import-keepalived", complete});
    EXPECT_EQ(ok.status, 0) << ok.err;
    EXPECT_NE(ok.out.find("[instance VI_1]\ninterface = eth0\nvrid = 1\nvip = 192.0.2.1/24\n"), std::string::npos) << ok.out;
    EXPECT_EQ(ok.err, "");
    auto part = run({VIGILCTL_PATH, "import-keepalived", partial});
    EXPECT_EQ(part.status, 2);
    EXPECT_EQ(part.err, partial + ":4: 'use_vmac' not imported: vigil has no VMAC mode (a macvlan interface per instance); it "
                                  "cannot be tested on the kernels vigil's tests run on, which have no macvlan\n");
    EXPECT_NE(part.out.find("# NOT COMPLETE: 1 "), std::string::npos) << part.out;
    EXPECT_NE(part.out.find("vip = 192.0.2.1/24"), std::string::npos);
    auto missing = run({VIGILCTL_PATH, "import-keepalived", dir.file("absent.conf")});
    EXPECT_EQ(missing.status, 1);
    EXPECT_NE(missing.err.find("cannot read " + dir.file("absent.conf")), std::string::npos) << missing.err;
    EXPECT_EQ(missing.out, "");
    auto directory = run({VIGILCTL_PATH, "import-keepalived", dir.path().string()});
    EXPECT_EQ(directory.status, 1);
    EXPECT_EQ(directory.err, "error: " + dir.path().string() + " is a directory\n");
    EXPECT_EQ(directory.out, "");
}
