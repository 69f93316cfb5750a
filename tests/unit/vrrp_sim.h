/* SPDX-License-Identifier: Apache-2.0 */
// A simulated LAN for the VRRP state machine: virtual routers on several hosts
// exchange adverts with a fixed latency, in simulated time. Lets tests check
// every timer rule to the microsecond without a network or a clock.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vrrp/state_machine.h"
#include "vrrp/sync_group.h"

namespace vigil::test {

using vrrp::State;
using vrrp::Time;
using namespace std::chrono_literals;

class SimLan;

struct Transition {
    Time at;
    State from, to;
    std::string reason;
};

// One virtual router (instance) on one simulated host.
class SimRouter : public vrrp::Actions {
public:
    SimRouter(SimLan& lan, std::string host, net::IpAddress address, uint8_t vrid, vrrp::MachineParams params)
        : host(std::move(host)), address(address), vrid(vrid), machine(params, *this), lan_(lan) {
        machine.set_primary_address(address);
    }

    void send_advert(uint8_t priority) override;
    void state_changed(State from, State to, const std::string& reason) override;
    void reannounce(const std::string& reason) override;

    std::string host;
    net::IpAddress address;
    uint8_t vrid;
    vrrp::Machine machine;
    vrrp::SyncGroup* group = nullptr;
    bool alive = true;
    std::vector<std::pair<Time, uint8_t>> sent;  // (when, priority)
    std::vector<Transition> transitions;
    std::vector<std::pair<Time, std::string>> reannounced;  // (when, why)

    // When this router last became `state`, or -1.
    Time last_entered(State state) const {
        for (auto it = transitions.rbegin(); it != transitions.rend(); ++it)
            if (it->to == state) return it->at;
        return Time{-1};
    }

private:
    SimLan& lan_;
};

class SimLan {
public:
    Time now{0};
    Time latency{100us};

    SimRouter& add(const std::string& host, const char* address, uint8_t vrid, vrrp::MachineParams params) {
        routers_.push_back(std::make_unique<SimRouter>(*this, host, *net::IpAddress::parse(address), vrid, params));
        return *routers_.back();
    }

    vrrp::SyncGroup& group(const std::string& name, std::vector<SimRouter*> members) {
        groups_.push_back(std::make_unique<vrrp::SyncGroup>(name));
        for (auto* m : members) {
            groups_.back()->add(m->machine);
            m->group = groups_.back().get();
        }
        return *groups_.back();
    }

    void start(SimRouter& r) { r.machine.start(now); }

    // SIGKILL: the router neither sends nor receives any more.
    void kill(SimRouter& r) { r.alive = false; }

    // A partition: adverts between hosts in different halves are lost.
    void cut(bool cut) { cut_ = cut; }
    std::vector<std::string> left_side;

    void broadcast(const SimRouter& from, uint8_t priority) {
        if (!from.alive) return;
        vrrp::Advert a;
        a.version = from.machine.params().version;
        a.vrid = from.vrid;
        a.priority = priority;
        a.interval_cs = from.machine.params().advert_cs;
        a.addresses = {from.address};
        for (auto& r : routers_)
            if (r.get() != &from && r->vrid == from.vrid && r->host != from.host && reachable(from, *r))
                queue_.push_back({now + latency, seq_++, r.get(), a, from.address});
    }

    // An advert from a host that is not simulated (a third router, an attacker).
    void inject(const char* src, uint8_t vrid, uint8_t priority, uint8_t version, uint16_t advert_cs) {
        vrrp::Advert a;
        a.version = version;
        a.vrid = vrid;
        a.priority = priority;
        a.interval_cs = advert_cs;
        auto from = *net::IpAddress::parse(src);
        a.addresses = {from};
        for (auto& r : routers_)
            if (r->vrid == vrid) queue_.push_back({now + latency, seq_++, r.get(), a, from});
    }

    // Advances simulated time to `until`, delivering adverts and firing timers in order.
    void run_until(Time until) {
        while (true) {
            Time next = until + 1us;
            for (const auto& d : queue_) next = std::min(next, d.at);
            for (const auto& r : routers_)
                if (auto dl = r->machine.next_deadline(); dl && r->alive) next = std::min(next, *dl);
            if (next > until) break;
            now = next;
            // Deliveries first, in send order, then due timers.
            std::vector<Delivery> due;
            for (auto it = queue_.begin(); it != queue_.end();)
                if (it->at <= now) {
                    due.push_back(*it);
                    it = queue_.erase(it);
                } else {
                    ++it;
                }
            std::sort(due.begin(), due.end(), [](const Delivery& a, const Delivery& b) { return a.seq < b.seq; });
            for (auto& d : due)
                if (d.to->alive) d.to->machine.receive(d.advert, d.src, now);
            for (auto& r : routers_)
                if (auto dl = r->machine.next_deadline(); r->alive && dl && *dl <= now) r->machine.timer(now);
        }
        now = until;
    }
    void run_for(Time d) { run_until(now + d); }

    std::vector<std::unique_ptr<SimRouter>>& routers() { return routers_; }

private:
    struct Delivery {
        Time at;
        uint64_t seq;
        SimRouter* to;
        vrrp::Advert advert;
        net::IpAddress src;
    };
    bool reachable(const SimRouter& a, const SimRouter& b) const {
        if (!cut_) return true;
        auto left = [&](const std::string& h) { return std::find(left_side.begin(), left_side.end(), h) != left_side.end(); };
        return left(a.host) == left(b.host);
    }

    std::vector<std::unique_ptr<SimRouter>> routers_;
    std::vector<std::unique_ptr<vrrp::SyncGroup>> groups_;
    std::vector<Delivery> queue_;
    uint64_t seq_ = 0;
    bool cut_ = false;
};

inline void SimRouter::send_advert(uint8_t priority) {
    if (!alive) return;
    sent.emplace_back(lan_.now, priority);
    lan_.broadcast(*this, priority);
}

inline void SimRouter::state_changed(State from, State to, const std::string& reason) {
    transitions.push_back({lan_.now, from, to, reason});
    if (group) group->member_changed(machine, from, to, lan_.now);
}

inline void SimRouter::reannounce(const std::string& reason) { reannounced.emplace_back(lan_.now, reason); }

}  // namespace vigil::test
