/* SPDX-License-Identifier: Apache-2.0 */
// A real BIRD 2 (Debian's bird2) inside a lab host's namespace, with its
// config, control socket, pid file and log in the lab's directory, and the
// reading of a router's kernel route that the anycast tests assert on.
// Lab's teardown kills whatever is left in the namespace.
#pragma once

#include <signal.h>

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "support/lab.h"
#include "support/routing_text.h"

namespace vigil::test {

inline const char* kBird = "/usr/sbin/bird";
inline const char* kBirdc = "/usr/sbin/birdc";

// The gateways of PREFIX's route in namespace `ns`'s main table (the ECMP
// next hops of a router): empty if there is no route, nullopt if `ip` failed
// or printed something else than routes.
inline std::optional<std::set<std::string>> router_paths(const std::string& ns, const std::string& prefix) {
    auto r = run({kIp, "-n", ns, "-j", "route", "show", prefix});
    if (r.status != 0) return std::nullopt;
    // iproute2 prints nothing at all (not "[]") when no route matches.
    return route_gateways(r.out.find_first_not_of(" \n") == std::string::npos ? "[]" : r.out);
}

// Waits until PREFIX's route in `ns` has exactly the gateways `want` ({} = no
// route); true if it did within `deadline`.
inline bool wait_router_paths(const std::string& ns, const std::string& prefix, const std::set<std::string>& want,
                              std::chrono::milliseconds deadline = std::chrono::seconds(20)) {
    return wait_for([&] { return router_paths(ns, prefix) == want; }, deadline);
}

class Bird {
public:
    // Writes `config` with a `log "FILE" all;` line before it to
    // lab.dir()/birdH.conf and runs `bird -f` in host h's namespace.
    Bird(Lab& lab, int host, const std::string& config) : lab_(lab), host_(host) {
        auto name = "bird" + std::to_string(host);
        log_ = lab.dir().file(name + ".log");
        socket_ = lab.dir().file(name + ".ctl");
        config_ = lab.dir().write(name + ".conf", "log \"" + log_ + "\" all;\n" + config);
        pid_file_ = lab.dir().file(name + ".pid");
        start();
    }
    ~Bird() { stop(); }
    Bird(const Bird&) = delete;
    Bird& operator=(const Bird&) = delete;

    // bird -p: the config parses (bird's complaint is in the RunResult).
    static RunResult parse(const std::string& config_file) { return run({kBird, "-p", "-c", config_file}); }

    void start() {
        // BIRD's stderr (a config error at start) goes where a failing test prints it from.
        int out = ::open(lab_.dir().file("bird" + std::to_string(host_) + ".out").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        process_ = std::make_unique<Child>(std::vector<std::string>{kIp, "netns", "exec", lab_.ns(host_), kBird, "-f", "-c", config_, "-s",
                                                                    socket_, "-P", pid_file_},
                                           out, out);
        ::close(out);
    }
    // SIGTERM (BIRD withdraws its routes and closes its sessions), or SIGKILL
    // (as a crash: the host's kernel still closes the TCP sessions). A BIRD
    // that does not leave within 5 s is killed.
    void stop(int sig = SIGTERM) {
        if (!process_) return;
        process_->signal(sig);
        if (!process_->wait_exit(std::chrono::seconds(5))) process_->signal(SIGKILL);
        process_.reset();
    }
    bool running() const { return process_ && !process_gone(process_->pid()); }

    // `birdc -s SOCKET COMMAND...`'s output, for waits and for diagnostics
    // (`show protocols all NAME`, `show route export NAME`).
    std::string show(const std::string& command) const {
        std::vector<std::string> argv{kBirdc, "-s", socket_};
        std::istringstream words(command);
        for (std::string w; words >> w;) argv.push_back(w);
        auto r = run(argv);
        return r.out + r.err;
    }
    bool established(const std::string& protocol) const {
        return bird_protocol_established(show("show protocols " + protocol), protocol);
    }
    bool wait_established(const std::string& protocol, std::chrono::milliseconds deadline = std::chrono::seconds(20)) const {
        return wait_for([&] { return established(protocol); }, deadline);
    }

    std::string log() const { return slurp(log_) + slurp(lab_.dir().file("bird" + std::to_string(host_) + ".out")); }
    const std::string& socket() const { return socket_; }
    const std::string& config_path() const { return config_; }

private:
    Lab& lab_;
    int host_;
    std::string config_, log_, socket_, pid_file_;
    std::unique_ptr<Child> process_;
};

}  // namespace vigil::test
