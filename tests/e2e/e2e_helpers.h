/* SPDX-License-Identifier: Apache-2.0 */
// Config snippets and waits shared by the end-to-end tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "support/lab.h"

namespace vigil::test {

using namespace std::chrono_literals;

#define REQUIRE_LAB(lab)                                                             \
    if (!(lab).ok()) GTEST_SKIP() << "needs root to build a network namespace lab"; \
    (void)0

inline std::string vrrp_instance(const std::string& name, int vrid, int priority, const std::string& vip,
                                 const std::string& extra = "", const std::string& interface = "eth0") {
    return "[instance " + name + "]\ninterface = " + interface + "\nvrid = " + std::to_string(vrid) +
           "\npriority = " + std::to_string(priority) + "\nvip = " + vip + "\n" + extra;
}

// vigilctl ARGS against host h's daemon.
inline RunResult ctl(const Lab& lab, int host, std::vector<std::string> args) {
    args.insert(args.begin(), {VIGILCTL_PATH, "--socket", lab.socket_path(host)});
    return run(args);
}

// `vigilctl status --json` of host h; null when it does not answer.
inline nlohmann::json status(const Lab& lab, int host) {
    auto r = ctl(lab, host, {"status", "--json"});
    auto reply = r.status == 0 ? nlohmann::json::parse(r.out, nullptr, false) : nlohmann::json();
    return reply.is_discarded() ? nlohmann::json() : reply;
}

// VRRPv3 at 0.1 s: failovers in well under a second.
inline std::string fast(const std::string& extra = "") { return "version = 3\nadvert_int = 0.1s\n" + extra; }

// The adverts instance `name` has received, from the state dump USR1 logs.
inline int adverts_received(Lab& lab, int host, const std::string& name) {
    auto log = lab.log(host);
    std::regex line(name + ": \\w+ priority \\d+/\\d+ master \\S+ adverts sent \\d+ received (\\d+)");
    int last = -1;
    for (auto it = std::sregex_iterator(log.begin(), log.end(), line); it != std::sregex_iterator(); ++it)
        last = std::stoi((*it)[1]);
    return last;
}

// Waits until `host` has heard at least `count` adverts for `name`: proof that
// time passed with the peer speaking, so an absence can be asserted.
inline bool heard_adverts(Lab& lab, int host, const std::string& name, int count) {
    // Until vigild has its handlers, USR1 would kill it.
    if (!lab.wait_log(host, "vigild started")) return false;
    return wait_for(
        [&] {
            lab.signal_vigild(host, SIGUSR1);
            return wait_for([&] { return adverts_received(lab, host, name) >= count; }, 200ms);
        },
        20s);
}

// tcpdump (a Debian package of scripts/deps) on host h's switch port: the
// packets h sends (-Q in: into the switch) matching `filter`, one line each.
class PortCapture {
public:
    PortCapture(const Lab& lab, int host, const std::string& filter, const std::string& flags = "")
        : out_(lab.dir().file("cap" + std::to_string(host) + ".txt")), err_(lab.dir().file("cap" + std::to_string(host) + ".err")),
          child_({"/bin/sh", "-c",
                  "exec " + std::string(kIp) + " netns exec " + lab.sw() + " tcpdump -i " + lab.port(host, 0) +
                      " -Q in -n -l --immediate-mode " + flags + " '" + filter + "' >" + out_ + " 2>" + err_}) {}
    static bool available() { return access("/usr/bin/tcpdump", X_OK) == 0 || access("/usr/sbin/tcpdump", X_OK) == 0; }
    // Once tcpdump says so; then nothing h sends is missed.
    bool listening() const { return wait_for([&] { return slurp(err_).find("listening on") != std::string::npos; }, 10s); }
    std::string text() const { return slurp(out_); }

private:
    std::string out_, err_;
    Child child_;
};

}  // namespace vigil::test
