// SPDX-License-Identifier: Apache-2.0
// The http/nginx tracker against real nginx servers in the lab's hosts.
#include <sys/socket.h>

#include "e2e_helpers.h"
#include "support/nginx.h"

using namespace vigil::test;

namespace {
const std::string kVip = "192.0.2.251";

std::string with_http(int priority, const std::string& tracker) {
    return vrrp_instance("VI_1", 51, priority, kVip + "/24", fast("track = web\n")) + "[tracker web]\ntype = nginx\n" + tracker;
}
}  // namespace

TEST(HttpE2E, StoppingNginxMovesTheVipAndStartingItMovesItBack) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    Nginx web1(lab, 1), web2(lab, 2);
    ASSERT_TRUE(wait_for([&] { return web1.answering() && web2.answering(); })) << "nginx did not start";
    const std::string tracker = "url = http://127.0.0.1:8080/health\nexpect_body = ok\ninterval = 0.2s\nfall = 2\nrise = 2\nweight = -2\n";
    lab.start_vigild(1, with_http(100, tracker));
    lab.start_vigild(2, with_http(99, tracker));
    ASSERT_TRUE(lab.wait_address(1, kVip, true)) << lab.log(1);
    web1.stop();
    // fall x interval plus a round trip, with room for a loaded machine.
    ASSERT_TRUE(lab.wait_address(2, kVip, true, 3s)) << lab.log(1);
    EXPECT_TRUE(lab.log_has(1, "tracker web: UP -> DOWN (Couldn't connect to server)")) << lab.log(1);
    web1.start();
    EXPECT_TRUE(lab.wait_address(1, kVip, true, 3s)) << lab.log(1);
    EXPECT_TRUE(lab.log_has(1, "tracker web: DOWN -> UP (HTTP 200)")) << lab.log(1);
}

TEST(HttpE2E, StatusBodyAndHostChecks) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    Nginx web(lab, 1,
              "location /busy { return 503 \"busy\\n\"; }\n"
              "location /moved { return 301 /health; }\n"
              "location /vhost { if ($host != \"shop.example\") { return 404; } return 200 \"shop\\n\"; }\n");
    ASSERT_TRUE(wait_for([&] { return web.answering(); }));
    auto tracker = [](const std::string& name, const std::string& keys) {
        return "[tracker " + name + "]\ntype = http\ninterval = 0.2s\n" + keys;
    };
    lab.start_vigild(1, vrrp_instance("VI_1", 51, 100, kVip + "/24", fast("track = busy wrongbody moved range vhost\n")) +
                            tracker("busy", "url = http://127.0.0.1:8080/busy\n") +
                            tracker("wrongbody", "url = http://127.0.0.1:8080/health\nexpect_body = healthy\n") +
                            tracker("moved", "url = http://127.0.0.1:8080/moved\nexpect_status = 200-299 301\n") +
                            tracker("range", "url = http://127.0.0.1:8080/busy\nexpect_status = 500-599\n") +
                            tracker("vhost", "url = http://127.0.0.1:8080/vhost\nhost = shop.example\nexpect_body = shop\n"),
                        "debug");
    EXPECT_TRUE(lab.wait_log(1, "tracker busy: UP -> DOWN (HTTP 503, not an expected status)")) << lab.log(1);
    EXPECT_TRUE(lab.wait_log(1, "tracker wrongbody: UP -> DOWN (HTTP 200, but the body lacks 'healthy')")) << lab.log(1);
    // Dump until each has had a check; the vhost one passes only if the Host header reached nginx.
    EXPECT_TRUE(wait_for([&] {
        lab.signal_vigild(1, SIGUSR1);
        return wait_for([&] {
            return lab.log_has(1, "tracker moved (http): UP, last ok \"HTTP 301\"") &&
                   lab.log_has(1, "tracker range (http): UP, last ok \"HTTP 503\"") &&
                   lab.log_has(1, "tracker vhost (http): UP, last ok \"HTTP 200\"");
        }, 200ms);
    })) << lab.log(1);
}

TEST(HttpE2E, TlsIsVerifiedUnlessTurnedOff) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    Nginx web(lab, 1, "", true);
    ASSERT_TRUE(wait_for([&] { return web.answering(); }));
    lab.start_vigild(1, vrrp_instance("VI_1", 51, 100, kVip + "/24", fast("track = strict lax\n")) +
                            "[tracker strict]\ntype = http\nurl = https://127.0.0.1:8443/health\ninterval = 0.2s\n"
                            "[tracker lax]\ntype = http\nurl = https://127.0.0.1:8443/health\ntls_verify = no\ninterval = 0.2s\n");
    EXPECT_TRUE(lab.wait_log(1, "tracker strict: UP -> DOWN (SSL peer certificate or SSH remote key was not OK)")) << lab.log(1);
    // Dump until lax has had a successful check.
    EXPECT_TRUE(wait_for([&] {
        lab.signal_vigild(1, SIGUSR1);
        return lab.wait_log(1, "tracker lax (http): UP, last ok \"HTTP 200\"", 200ms);
    })) << lab.log(1);
}

TEST(HttpE2E, ASilentServerTimesOutWithoutStallingVrrp) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    // Accepts connections (the kernel completes the handshake) and never answers.
    Child silent({kIp, "netns", "exec", lab.ns(1), "/usr/bin/python3", "-c",
                  "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',8081))\ns.listen(64)\ntime.sleep(600)"});
    ASSERT_TRUE(wait_for([&] {
        return lab.in(1, {"/usr/bin/python3", "-c", "import socket; socket.create_connection(('127.0.0.1', 8081), 1)"});
    })) << "the silent server did not start";
    lab.start_vigild(1, with_http(100, "url = http://127.0.0.1:8081/\ninterval = 0.3s\ntimeout = 0.2s\nweight = -2\n"));
    lab.start_vigild(2, vrrp_instance("VI_1", 51, 99, kVip + "/24", fast()));
    EXPECT_TRUE(lab.wait_log(1, "tracker web: UP -> DOWN (Timeout was reached)")) << lab.log(1);
    EXPECT_TRUE(lab.wait_address(2, kVip, true, 3s)) << "the lowered priority still moved the VIP\n" << lab.log(1);
    // The loop was never blocked: h1's instance kept its timers (no spurious takeover).
    EXPECT_FALSE(lab.log_has(1, "FAULT"));
}

TEST(HttpE2E, RecoverRunsOnceAsTheScriptUserAfterADownTransition) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    chmod(lab.dir().path().c_str(), 0755);
    auto marker = lab.dir().file("recovered");
    auto script = lab.dir().write("recover.sh", "#!/bin/sh\nid -un >> " + marker + "\n");
    chmod(script.c_str(), 0755);
    lab.dir().write("recovered", "");
    chmod(marker.c_str(), 0666);
    lab.start_vigild(1, with_http(100, "url = http://127.0.0.1:8089/\ninterval = 0.1s\nfall = 3\nrecover = " + script + "\n"));
    ASSERT_TRUE(wait_for([&] { return slurp(marker) == "nobody\n"; })) << slurp(marker) << lab.log(1);
    EXPECT_TRUE(lab.log_has(1, "tracker web: UP -> DOWN")) << lab.log(1);
    // Ten more failed checks later it has not run again: rate-limited.
    ASSERT_TRUE(lab.wait_log(1, "running recover command"));
    auto checks = [&] {
        std::regex line("tracker web \\(http\\): DOWN, last failed .* (\\d+) checks");
        auto log = lab.log(1);
        int last = -1;
        for (auto it = std::sregex_iterator(log.begin(), log.end(), line); it != std::sregex_iterator(); ++it)
            last = std::stoi((*it)[1]);
        return last;
    };
    lab.signal_vigild(1, SIGUSR1);
    ASSERT_TRUE(wait_for([&] { return checks() >= 0; })) << lab.log(1);
    int first = checks();
    ASSERT_TRUE(wait_for([&] {
        lab.signal_vigild(1, SIGUSR1);
        return wait_for([&] { return checks() >= first + 10; }, 200ms);
    })) << lab.log(1);
    EXPECT_EQ(slurp(marker), "nobody\n");
}

TEST(HttpE2E, StoppingWithACheckInFlightExitsCleanly) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    Child silent({kIp, "netns", "exec", lab.ns(1), "/usr/bin/python3", "-c",
                  "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',8081))\ns.listen(64)\ntime.sleep(600)"});
    ASSERT_TRUE(wait_for([&] {
        return lab.in(1, {"/usr/bin/python3", "-c", "import socket; socket.create_connection(('127.0.0.1', 8081), 1)"});
    }));
    lab.start_vigild(1, with_http(100, "url = http://127.0.0.1:8081/\ninterval = 0.2s\ntimeout = 5s\nrecover = /bin/true\n"));
    ASSERT_TRUE(lab.wait_log(1, "vigild started")) << lab.log(1);
    lab.signal_vigild(1, SIGUSR1);  // the dump shows the check running
    ASSERT_TRUE(lab.wait_log(1, "state dump"));
    auto status = lab.stop_vigild(1, SIGTERM);
    ASSERT_TRUE(status);
    EXPECT_EQ(*status, 0) << "no crash tearing down an HTTP request in flight\n" << lab.log(1);
    EXPECT_FALSE(lab.log_has(1, "running recover command")) << "teardown is not a failed check";
}
