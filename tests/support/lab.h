/* SPDX-License-Identifier: Apache-2.0 */
// A namespace lab: N hosts on one Ethernet segment (a bridge in its own
// namespace, a veth per host interface), documentation addresses only.
// vigild and keepalived run inside the hosts' namespaces; everything is
// killed and removed when the Lab goes, on every exit path.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace vigil::test {

inline const char* kIp = "/usr/sbin/ip";

class Lab {
public:
    // Host i (1-based) gets eth0 .. eth<interfaces-1>; ethK has 192.0.2.(10*K + i)/24
    // and 2001:db8::(10*K + i)/64 (eth0: 192.0.2.1i ... see address()).
    explicit Lab(int hosts, int interfaces = 1) : hosts_(hosts) {
        static std::atomic<int> counter{0};
        prefix_ = "vgl" + std::to_string(getpid()) + "-" + std::to_string(counter++);
        ok_ = sh({kIp, "netns", "add", sw()}) && sh({kIp, "-n", sw(), "link", "add", "br0", "type", "bridge", "mcast_snooping", "0"}) &&
              sh({kIp, "-n", sw(), "link", "set", "br0", "up"});
        for (int h = 1; ok_ && h <= hosts; ++h) {
            ok_ = sh({kIp, "netns", "add", ns(h)}) && sh({kIp, "-n", ns(h), "link", "set", "lo", "up"}) &&
                  sh({kIp, "netns", "exec", ns(h), "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0"}) &&
                  sh({kIp, "netns", "exec", ns(h), "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0"});
            for (int k = 0; ok_ && k < interfaces; ++k) {
                auto port = this->port(h, k), dev = "eth" + std::to_string(k);
                ok_ = sh({kIp, "-n", sw(), "link", "add", port, "type", "veth", "peer", "name", dev, "netns", ns(h)}) &&
                      sh({kIp, "-n", sw(), "link", "set", port, "master", "br0", "up"}) &&
                      sh({kIp, "-n", ns(h), "addr", "add", address(h, k) + "/24", "dev", dev}) &&
                      sh({kIp, "-n", ns(h), "addr", "add", address6(h, k) + "/64", "dev", dev, "nodad"}) &&
                      sh({kIp, "-n", ns(h), "link", "set", dev, "up"});
            }
        }
    }

    ~Lab() {
        // A daemon still running is asked to stop before it is killed, so it
        // leaves through its shutdown path, and, under ./scripts/test
        // --sanitize, through the leak check at exit.
        for (auto& [h, d] : daemons_) d->signal(SIGTERM);
        for (auto& [h, d] : daemons_) d->wait_exit(std::chrono::seconds(5));
        for (auto& [h, d] : daemons_) d.reset();
        for (int h = 1; h <= hosts_; ++h) remove_ns(ns(h));
        remove_ns(sw());
    }

    Lab(const Lab&) = delete;
    Lab& operator=(const Lab&) = delete;

    bool ok() const { return ok_; }
    std::string ns(int host) const { return prefix_ + "-h" + std::to_string(host); }
    std::string sw() const { return prefix_ + "-sw"; }
    std::string port(int host, int k) const { return "p" + std::to_string(host) + "e" + std::to_string(k); }
    static std::string address(int host, int k = 0) { return "192.0.2." + std::to_string(10 * (k + 1) + host); }
    static std::string address6(int host, int k = 0) { return "2001:db8::" + std::to_string(10 * (k + 1) + host); }

    // Runs a command inside host h's namespace; true on exit 0.
    bool in(int host, std::vector<std::string> argv) const {
        argv.insert(argv.begin(), {kIp, "netns", "exec", ns(host)});
        return sh(argv);
    }

    // --- vigild -------------------------------------------------------
    // Writes `config` (a [global] with log/router_id is prepended) and starts
    // vigild in the foreground in host h's namespace.
    // The [global] lines every lab host needs: its own log, control socket and state.
    std::string global(int host, const std::string& log_level = "info") const {
        return "[global]\nrouter_id = h" + std::to_string(host) + "\nlog = file:" + log_path(host) + "\nlog_level = " + log_level +
               "\ncontrol_socket = " + socket_path(host) + "\nstate_dir = " + dir_.file("h" + std::to_string(host) + ".state") + "\n";
    }
    // `wrapper` runs before vigild inside the namespace (setpriv, to drop privileges).
    void start_vigild(int host, const std::string& config, const std::string& log_level = "info",
                      const std::vector<std::string>& wrapper = {}) {
        auto cfg = dir_.write("h" + std::to_string(host) + ".conf", global(host, log_level) + config);
        std::vector<std::string> argv{kIp, "netns", "exec", ns(host)};
        argv.insert(argv.end(), wrapper.begin(), wrapper.end());
        argv.insert(argv.end(), {VIGILD_PATH, "-n", "-f", cfg, "--pid-file", dir_.file("h" + std::to_string(host) + ".pid")});
        daemons_[host] = std::make_unique<Child>(argv);
    }
    pid_t pid_of_vigild(int host) const { return daemons_.count(host) ? daemons_.at(host)->pid() : -1; }
    void signal_vigild(int host, int sig) {
        if (daemons_.count(host)) daemons_[host]->signal(sig);
    }
    // Sends `sig` and waits for the daemon to exit; returns its status.
    std::optional<int> stop_vigild(int host, int sig = SIGTERM) {
        if (!daemons_.count(host)) return std::nullopt;
        daemons_[host]->signal(sig);
        auto status = daemons_[host]->wait_exit();
        daemons_.erase(host);
        return status;
    }
    // The worker vigild (the supervisor's child) on host h, or -1.
    pid_t worker_pid(int host) const {
        pid_t sup = pid_of_vigild(host);
        if (sup <= 0) return -1;
        std::istringstream in(slurp("/proc/" + std::to_string(sup) + "/task/" + std::to_string(sup) + "/children"));
        pid_t child = -1;
        in >> child;
        return child;
    }
    // A crash of the whole host's vigild, supervisor and worker at once (as a
    // power loss): both are stopped before either is killed, so neither sees
    // the other go and resigns. Returns the supervisor's wait status.
    std::optional<int> crash_vigild(int host) {
        if (!daemons_.count(host)) return std::nullopt;
        pid_t sup = pid_of_vigild(host), worker = worker_pid(host);
        kill(sup, SIGSTOP);
        if (worker > 0) kill(worker, SIGSTOP);
        if (worker > 0) kill(worker, SIGKILL);
        return stop_vigild(host, SIGKILL);
    }
    std::string socket_path(int host) const { return dir_.file("h" + std::to_string(host) + ".sock"); }
    std::string log_path(int host) const { return dir_.file("h" + std::to_string(host) + ".log"); }
    std::string log(int host) const { return slurp(log_path(host)); }
    bool log_has(int host, const std::string& text) const { return log(host).find(text) != std::string::npos; }
    bool wait_log(int host, const std::string& text, std::chrono::milliseconds deadline = std::chrono::seconds(10)) const {
        return wait_for([&] { return log_has(host, text); }, deadline);
    }

    // --- keepalived ---------------------------------------------------
    void start_keepalived(int host, const std::string& config) {
        auto h = "ka" + std::to_string(host);
        // Fresh pid files each start: a killed run's unreaped zombie would
        // make keepalived think it is "already running".
        auto run_id = h + "-" + std::to_string(++starts_);
        auto cfg = dir_.write(h + ".conf", config);
        int out = ::open(dir_.file(h + ".log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        daemons_[host] = std::make_unique<Child>(
            std::vector<std::string>{kIp, "netns", "exec", ns(host), "/usr/sbin/keepalived", "--dont-fork", "--vrrp", "--log-console",
                                     "--log-detail", "--no-syslog", "--use-file=" + cfg, "--pid=" + dir_.file(run_id + ".pid"),
                                     "--vrrp_pid=" + dir_.file(run_id + ".vrrp.pid")},
            out, out);
        ::close(out);
    }
    std::string keepalived_log(int host) const { return slurp(dir_.file("ka" + std::to_string(host) + ".log")); }

    // Signals the processes named `comm` in host h's namespace only (pkill
    // would reach every namespace's processes: they share one pid space).
    // SIGKILL stops them all first: killed one after another, a vigild
    // supervisor or worker would see the other go and resign for it.
    void signal_in(int host, int sig, const std::string& comm = "") const {
        auto pids = run({kIp, "netns", "pids", ns(host)});
        std::vector<pid_t> chosen;
        std::istringstream in(pids.out);
        for (int pid; in >> pid;) {
            auto name = slurp("/proc/" + std::to_string(pid) + "/comm");
            if (comm.empty() || name == comm + "\n") chosen.push_back(pid);
        }
        if (sig == SIGKILL)
            for (pid_t pid : chosen) kill(pid, SIGSTOP);
        for (pid_t pid : chosen) kill(pid, sig);
    }

    // --- addresses ----------------------------------------------------
    bool has_address(int host, const std::string& address, const std::string& dev = "eth0") const {
        auto r = run({kIp, "-n", ns(host), "-o", "addr", "show", "dev", dev});
        return r.out.find(" " + address + "/") != std::string::npos;
    }
    bool wait_address(int host, const std::string& address, bool present,
                      std::chrono::milliseconds deadline = std::chrono::seconds(10), const std::string& dev = "eth0") const {
        return wait_for([&] { return has_address(host, address, dev) == present; }, deadline);
    }
    // Which hosts hold `address` right now.
    std::vector<int> holders(const std::string& address) const {
        std::vector<int> out;
        for (int h = 1; h <= hosts_; ++h)
            if (has_address(h, address)) out.push_back(h);
        return out;
    }

    // --- links ----------------------------------------------------------
    bool set_link(int host, bool up, int k = 0) const {
        return sh({kIp, "-n", ns(host), "link", "set", "eth" + std::to_string(k), up ? "up" : "down"});
    }
    // Cuts host h off the segment at the switch (its own link stays up, carrier goes).
    bool set_port(int host, bool up, int k = 0) const {
        return sh({kIp, "-n", sw(), "link", "set", port(host, k), up ? "up" : "down"});
    }

    const TempDir& dir() const { return dir_; }

private:
    static bool sh(const std::vector<std::string>& argv) { return run(argv).status == 0; }

    static void remove_ns(const std::string& name) {
        // Deleting a namespace does not stop its processes: kill them first.
        auto pids = run({kIp, "netns", "pids", name});
        std::istringstream in(pids.out);
        for (int pid; in >> pid;) kill(pid, SIGKILL);
        run({kIp, "netns", "del", name});
    }

    int hosts_;
    std::string prefix_;
    bool ok_ = false;
    TempDir dir_;
    std::map<int, std::unique_ptr<Child>> daemons_;
    int starts_ = 0;
};

}  // namespace vigil::test
