/* SPDX-License-Identifier: Apache-2.0 */
// Watches one address on the hosts of a Lab as the kernel reports it: a
// NETLINK_ROUTE socket per host namespace, subscribed to address events, read
// by a thread that stamps each change with CLOCK_MONOTONIC (the clock the
// faulty test plugin stamps its faults with). No sampling gaps: every add and
// remove is seen, so "never on two hosts" is checked exactly.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/lab.h"

namespace vigil::test {

inline int64_t monotonic_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

class AddressWatch {
public:
    struct Change {
        int64_t at_ns;
        int host;
        bool present;
    };

    // Hosts 1..hosts of `lab`; `address` without a prefix length.
    AddressWatch(const Lab& lab, int hosts, const std::string& address) : hosts_(hosts) {
        family_ = address.find(':') == std::string::npos ? AF_INET : AF_INET6;
        inet_pton(family_, address.c_str(), bytes_);
        int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        for (int h = 1; h <= hosts; ++h) {
            int ns = open(("/var/run/netns/" + lab.ns(h)).c_str(), O_RDONLY | O_CLOEXEC);
            int fd = -1;
            if (ns >= 0 && setns(ns, CLONE_NEWNET) == 0) {
                fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
                sockaddr_nl local{};
                local.nl_family = AF_NETLINK;
                local.nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
                if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
                    close(fd);
                    fd = -1;
                }
            }
            setns(home, CLONE_NEWNET);
            if (ns >= 0) close(ns);
            fds_[h] = fd;
            ok_ = ok_ && fd >= 0;
        }
        close(home);
        // What each host holds now, read by the thread like any change.
        for (auto& [h, fd] : fds_) request_dump(fd);
        thread_ = std::thread([this] { read_loop(); });
    }

    ~AddressWatch() {
        stop_ = true;
        thread_.join();
        for (auto& [h, fd] : fds_)
            if (fd >= 0) close(fd);
    }

    bool ok() const { return ok_; }

    std::vector<Change> changes() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return changes_;
    }

    // Hosts holding the address right now, as the events tell.
    std::vector<int> holders() const {
        std::vector<int> out;
        auto held = state_at(INT64_MAX);
        for (int h = 1; h <= hosts_; ++h)
            if (held[h]) out.push_back(h);
        return out;
    }

    // The first time after `after_ns` that `host` gained the address, or -1.
    int64_t gained_at(int host, int64_t after_ns) const {
        for (const auto& c : changes())
            if (c.at_ns > after_ns && c.host == host && c.present) return c.at_ns;
        return -1;
    }

    // How long two or more hosts held it at once, between the two times.
    int64_t overlap_ns(int64_t from_ns, int64_t to_ns) const {
        std::map<int, bool> held;
        int64_t total = 0, since = -1;
        for (const auto& c : changes()) {
            int before = count(held);
            held[c.host] = c.present;
            int after = count(held);
            if (before < 2 && after >= 2) since = c.at_ns;
            if (before >= 2 && after < 2 && since >= 0) total += clip(since, c.at_ns, from_ns, to_ns), since = -1;
        }
        if (since >= 0) total += clip(since, to_ns, from_ns, to_ns);
        return total;
    }

    bool wait_holders(const std::vector<int>& want, std::chrono::milliseconds deadline) const {
        return wait_for([&] { return holders() == want; }, deadline);
    }

private:
    static int count(const std::map<int, bool>& held) {
        int n = 0;
        for (const auto& [h, on] : held) n += on;
        return n;
    }
    static int64_t clip(int64_t a, int64_t b, int64_t from, int64_t to) {
        a = std::max(a, from);
        b = std::min(b, to);
        return b > a ? b - a : 0;
    }

    std::map<int, bool> state_at(int64_t t) const {
        std::map<int, bool> held;
        for (const auto& c : changes())
            if (c.at_ns <= t) held[c.host] = c.present;
        return held;
    }

    void request_dump(int fd) {
        struct {
            nlmsghdr h;
            ifaddrmsg m;
        } req{};
        req.h.nlmsg_len = sizeof req;
        req.h.nlmsg_type = RTM_GETADDR;
        req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        req.m.ifa_family = static_cast<unsigned char>(family_);
        if (fd >= 0) send(fd, &req, sizeof req, 0);
    }

    void read_loop() {
        std::vector<pollfd> pfds;
        std::vector<int> host_of;
        for (auto& [h, fd] : fds_)
            if (fd >= 0) {
                pfds.push_back({fd, POLLIN, 0});
                host_of.push_back(h);
            }
        alignas(nlmsghdr) char buf[16384];
        while (!stop_) {
            if (poll(pfds.data(), pfds.size(), 20) <= 0) continue;
            int64_t now = monotonic_ns();
            std::vector<Change> batch;
            for (size_t i = 0; i < pfds.size(); ++i) {
                if (!(pfds[i].revents & POLLIN)) continue;
                ssize_t n = recv(pfds[i].fd, buf, sizeof buf, MSG_DONTWAIT);
                for (auto* h = reinterpret_cast<nlmsghdr*>(buf); n > 0 && NLMSG_OK(h, static_cast<unsigned>(n)); h = NLMSG_NEXT(h, n))
                    if (h->nlmsg_type == RTM_NEWADDR || h->nlmsg_type == RTM_DELADDR)
                        if (matches(h)) batch.push_back({now, host_of[i], h->nlmsg_type == RTM_NEWADDR});
            }
            // Changes of different hosts read in one wake-up came close together,
            // in an order the sockets do not tell: a host that gains the address
            // goes first, so that an add on one host and a removal on another
            // count as an overlap, never hide one. Each host keeps its own order.
            std::stable_sort(batch.begin(), batch.end(), [&](const Change& a, const Change& b) {
                return a.host != b.host && first_is_add(batch, a.host) && !first_is_add(batch, b.host);
            });
            for (const auto& c : batch) record(c);
        }
    }

    static bool first_is_add(const std::vector<Change>& batch, int host) {
        for (const auto& c : batch)
            if (c.host == host) return c.present;
        return false;
    }

    bool matches(nlmsghdr* h) const {
        auto* m = static_cast<ifaddrmsg*>(NLMSG_DATA(h));
        if (m->ifa_family != family_) return false;
        int len = static_cast<int>(IFA_PAYLOAD(h));
        for (auto* a = IFA_RTA(m); RTA_OK(a, len); a = RTA_NEXT(a, len))
            if ((a->rta_type == IFA_LOCAL || a->rta_type == IFA_ADDRESS) &&
                std::memcmp(RTA_DATA(a), bytes_, family_ == AF_INET ? 4 : 16) == 0)
                return true;
        return false;
    }

    void record(Change c) {
        std::lock_guard<std::mutex> lock(mutex_);
        // An IPv4 address comes with IFA_LOCAL and IFA_ADDRESS in one message;
        // a repeated state of the same host is no change.
        for (auto it = changes_.rbegin(); it != changes_.rend(); ++it)
            if (it->host == c.host) {
                if (it->present == c.present) return;
                break;
            }
        if (!c.present && std::none_of(changes_.begin(), changes_.end(), [&](const Change& x) { return x.host == c.host; })) return;
        changes_.push_back(c);
    }

    int hosts_;
    int family_ = AF_INET;
    unsigned char bytes_[16] = {};
    std::map<int, int> fds_;
    bool ok_ = true;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<Change> changes_;
    std::thread thread_;
};

}  // namespace vigil::test
