// SPDX-License-Identifier: Apache-2.0
// The acceptance scenario: the active-active nginx pair, with real
// nginx on each host and the operations host h3 running a real SMTP server
// (aiosmtpd) and an HTTP receiver for the notifications. The config is
// scripts/scenario.conf.in, the same one ./scripts/demo runs.
#include <fstream>

#include "e2e_helpers.h"
#include "support/nginx.h"

using namespace vigil::test;

namespace {

std::string scenario_config(const std::string& host, int prio1, int prio2, const std::string& work, const std::string& ops) {
    std::ifstream in(std::string(SOURCE_DIR) + "/scripts/scenario.conf.in");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    auto replace = [&](const std::string& from, const std::string& to) {
        for (size_t at; (at = text.find(from)) != std::string::npos;) text.replace(at, from.size(), to);
    };
    replace("@HOST@", host);
    replace("@PRIO1@", std::to_string(prio1));
    replace("@PRIO2@", std::to_string(prio2));
    replace("@WORK@", work);
    replace("@OPS@", ops);
    return text;
}

}  // namespace

TEST(Acceptance, TheActiveActiveNginxPair) {
    Lab lab(3);
    REQUIRE_LAB(lab);
    const std::string work = lab.dir().path().string();
    const std::string ops = Lab::address(3);
    const std::string vip1 = "192.0.2.251", vip2 = "192.0.2.252";

    // h3: the operations host.
    auto mail_out = lab.dir().file("mail.jsonl"), hooks_out = lab.dir().file("hooks.jsonl");
    Child smtp({kIp, "netns", "exec", lab.ns(3), "/usr/bin/python3", std::string(SUPPORT_DIR) + "/smtp_server.py", "--port",
                "8025", "--out", mail_out, "--host", ops});
    Child hooks({kIp, "netns", "exec", lab.ns(3), "/usr/bin/python3", std::string(SUPPORT_DIR) + "/http_receiver.py", "--port",
                 "8090", "--out", hooks_out, "--host", ops});
    Nginx web1(lab, 1), web2(lab, 2);
    ASSERT_TRUE(wait_for([&] { return web1.answering() && web2.answering(); }));

    // The pair: VI_1 master on h1 (100/99), VI_2 the mirror image.
    lab.dir().write("h1.conf", scenario_config("h1", 100, 99, work, ops));
    lab.dir().write("h2.conf", scenario_config("h2", 99, 100, work, ops));
    auto start = [&](int h) {
        return std::make_unique<Child>(std::vector<std::string>{kIp, "netns", "exec", lab.ns(h), VIGILD_PATH, "-n", "-f",
                                                                lab.dir().file("h" + std::to_string(h) + ".conf"),
                                                                "--pid-file", lab.dir().file("h" + std::to_string(h) + ".pid")});
    };
    auto vigild1 = start(1), vigild2 = start(2);
    auto holders = [&](const std::string& vip) { return lab.holders(vip); };
    auto settles = [&](const std::string& vip, int host, std::chrono::milliseconds deadline) {
        return wait_for([&] { return holders(vip) == std::vector<int>{host}; }, deadline);
    };

    // 1. Both VIPs settle: .251 on h1, .252 on h2.
    ASSERT_TRUE(settles(vip1, 1, 10s)) << slurp(work + "/h1.vigild.log");
    ASSERT_TRUE(settles(vip2, 2, 10s)) << slurp(work + "/h2.vigild.log");
    // Both hosts start as backups with nearly equal timers, so the election may
    // take a detour (both master for a moment); what follows is deterministic.
    auto settled_at = lines(work + "/h2.transitions.log").size();

    // 2. The down file on h2 moves .252 to h1; removing it moves .252 back.
    lab.dir().write("h2.down", "");
    EXPECT_TRUE(settles(vip2, 1, 3s)) << slurp(work + "/h2.vigild.log");
    std::filesystem::remove(work + "/h2.down");
    EXPECT_TRUE(settles(vip2, 2, 3s)) << slurp(work + "/h2.vigild.log");

    // 3. Stopping nginx on h2 moves .252 to h1 within fall x interval plus a round trip.
    web2.stop();
    EXPECT_TRUE(settles(vip2, 1, 3s + 2s)) << "3 failures 1 s apart, the first up to 1 s after the stop\n"
                                              << slurp(work + "/h2.vigild.log");
    // 4. Starting it again moves .252 back (rise 3).
    web2.start();
    EXPECT_TRUE(settles(vip2, 2, 3s + 2s)) << slurp(work + "/h2.vigild.log");

    // 5. SIGKILL of vigild on h1 moves .251 to h2 within the master down interval
    //    (3 x 1 s + (256 - 99) / 256 s = 3.61 s after h1's last advert).
    vigild1->signal(SIGKILL);
    vigild1->wait_exit();
    EXPECT_TRUE(wait_for([&] { return lab.has_address(2, vip1); }, 3610ms + 1s)) << slurp(work + "/h2.vigild.log");
    EXPECT_TRUE(lab.has_address(2, vip2));

    // The notifications: one log line per transition on each host (written on
    // the notifier's own thread: wait for the last one)...
    ASSERT_TRUE(wait_for([&] {
        auto l = lines(work + "/h2.transitions.log");
        return !l.empty() && l.back().find("VI_1 BACKUP -> MASTER") != std::string::npos;
    })) << slurp(work + "/h2.transitions.log");
    auto h2_log = lines(work + "/h2.transitions.log");
    std::vector<std::string> h2_moves;
    for (size_t i = settled_at; i < h2_log.size(); ++i) {
        const auto& l = h2_log[i];
        h2_moves.push_back(l.substr(l.find(" h2 ") + 4, l.find(" priority") - l.find(" h2 ") - 4));
    }
    EXPECT_EQ(h2_moves, (std::vector<std::string>{
                            "VI_2 MASTER -> BACKUP", "VI_2 BACKUP -> MASTER",                         // down file
                            "VI_2 MASTER -> BACKUP", "VI_2 BACKUP -> MASTER",                         // nginx
                            "VI_1 BACKUP -> MASTER",                                                  // SIGKILL of h1
                        }))
        << slurp(work + "/h2.transitions.log");
    // ... a mail to ops for each MASTER on either host, and every event as a webhook.
    EXPECT_TRUE(wait_for([&] {
        size_t masters = 0;
        for (const auto& l : lines(work + "/h1.transitions.log")) masters += l.find("-> MASTER") != std::string::npos;
        for (const auto& l : h2_log) masters += l.find("-> MASTER") != std::string::npos;
        return lines(mail_out).size() == masters;
    })) << lines(mail_out).size() << " mails";
    EXPECT_TRUE(wait_for([&] {
        return lines(hooks_out).size() == lines(work + "/h1.transitions.log").size() + h2_log.size();
    })) << lines(hooks_out).size() << " webhooks";
}
