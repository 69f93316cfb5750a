// SPDX-License-Identifier: Apache-2.0
// The shipped Lua examples end to end: nginx_check.lua moves a VIP when
// nginx stops; chat_notifier.lua posts every transition.
#include <fstream>

#include "e2e_helpers.h"
#include "support/nginx.h"

using namespace vigil::test;

namespace {
const std::string kVip = "192.0.2.251";
const std::string kExamples = std::string(SOURCE_DIR) + "/lua/examples";

}  // namespace

TEST(LuaE2E, ALuaTrackerMovesTheVipAndALuaNotifierPostsEveryTransition) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    Nginx web1(lab, 1), web2(lab, 2);
    ASSERT_TRUE(wait_for([&] { return web1.answering() && web2.answering(); }));
    auto hooks = lab.dir().file("chat.jsonl");
    Child receiver({kIp, "netns", "exec", lab.ns(1), "/usr/bin/python3", std::string(SUPPORT_DIR) + "/http_receiver.py", "--port",
                    "8090", "--out", hooks});
    ASSERT_TRUE(wait_for([&] {
        return lab.in(1, {"/usr/bin/python3", "-c", "import socket; socket.create_connection(('127.0.0.1', 8090), 1)"});
    }));
    auto cfg = [&](int prio, bool chat) {
        return std::string(chat ? "[global]\nnotify = chat\n" : "") +
               vrrp_instance("VI_1", 51, prio, kVip + "/24", fast("track = web\n")) +
               "[tracker web]\ntype = lua\nscript = " + kExamples +
               "/nginx_check.lua\nurl = http://127.0.0.1:8080/health\nexpect = ok\ninterval = 0.2s\nfall = 2\nrise = 2\nweight = -2\n" +
               (chat ? "[notifier chat]\ntype = lua\nscript = " + kExamples + "/chat_notifier.lua\nurl = http://127.0.0.1:8090/hooks\n"
                     : "");
    };
    lab.start_vigild(1, cfg(100, true));
    lab.start_vigild(2, cfg(99, false));
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    web1.stop();
    ASSERT_TRUE(lab.wait_address(2, kVip, true, 3s)) << lab.log(1);
    EXPECT_TRUE(lab.log_has(1, "tracker web: UP -> DOWN (no answer from http://127.0.0.1:8080/health: Couldn't connect to server)"))
        << lab.log(1);
    web1.start();
    ASSERT_TRUE(lab.wait_address(1, kVip, true, 3s)) << lab.log(1);
    lab.stop_vigild(1, SIGTERM);

    // Every transition of h1, in order, as a chat message.
    std::vector<std::string> want = {"is now BACKUP", "is now MASTER", "is now BACKUP", "is now MASTER", "is now STOP"};
    ASSERT_TRUE(wait_for([&] { return lines(hooks).size() >= want.size(); })) << lab.log(1);
    auto got = lines(hooks);
    ASSERT_GE(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_NE(got[i].find("instance VI_1 " + want[i] + " on h1"), std::string::npos) << got[i];
        EXPECT_NE(got[i].find("\"Content-Type\": \"application/json\""), std::string::npos) << got[i];
    }
}
