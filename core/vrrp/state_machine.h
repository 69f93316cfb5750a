/* SPDX-License-Identifier: Apache-2.0 */
// One virtual router's VRRP state machine (RFC 5798 §6.4, RFC 3768 for v2) as
// pure logic: the caller supplies the time and the received adverts, and the
// machine answers through Actions (send an advert, changed state) and
// next_deadline() (when to call timer() again). Nothing here touches a socket
// or a clock, so tests drive it in simulated time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "net/address.h"
#include "vrrp/packet.h"

namespace vigil::vrrp {

// Monotonic time since an arbitrary origin.
using Time = std::chrono::microseconds;

enum class State { Init, Backup, Master, Fault, Stopped };
const char* state_name(State state);

struct MachineParams {
    uint8_t version = 3;
    uint8_t priority = 100;         // configured (base) priority; 255 = address owner
    uint16_t advert_cs = 100;       // our advertisement interval, centiseconds
    bool preempt = true;
    Time preempt_delay{0};          // a lower-priority master is tolerated this long after first heard
    bool start_as_master = false;   // `state = master`
    bool start_as_backup = false;   // even as an owner (a restarted worker: the peer holds the role)
    // `startup_delay`: no MASTER before this time (the machine stays BACKUP,
    // listening, and sends nothing), whatever its priority or `state`.
    Time no_master_before{0};
};

class Actions {
public:
    virtual ~Actions() = default;
    // Send one advertisement with this priority (0 when resigning).
    virtual void send_advert(uint8_t priority) = 0;
    // The machine moved; `reason` says why in words for logs and notifications.
    virtual void state_changed(State from, State to, const std::string& reason) = 0;
    // As MASTER we heard a master that loses to us: a healed split brain, so
    // clients may have followed the other side. Announce the VIPs again
    // (gratuitous ARP / unsolicited NA) so they come back, as keepalived does.
    virtual void reannounce(const std::string& reason) = 0;
};

class Machine;

// Lets a sync group hold a member back from becoming master on its own.
class MasterGate {
public:
    virtual ~MasterGate() = default;
    virtual bool may_become_master(const Machine& member) const = 0;
};

class Machine {
public:
    Machine(MachineParams params, Actions& actions) : p_(params), priority_(params.priority), actions_(actions) {}

    // `note`, when given, is added to the first transition's reason.
    void start(Time now, const std::string& note = "");
    // A decoded advert that passed every receive check, from `src`.
    void receive(const Advert& advert, const net::IpAddress& src, Time now);
    // Call when now >= next_deadline().
    void timer(Time now);
    std::optional<Time> next_deadline() const;

    // Effective priority after tracking (1-254, or 255 for an owner). A master
    // advertises a change at once.
    void set_priority(uint8_t priority, Time now);
    // Our primary address on the interface: breaks ties between equal priorities.
    void set_primary_address(const net::IpAddress& address) { primary_ = address; }
    // FAULT while `faulted` (link down, a weight-0 tracker down, a sync group member's fault).
    void set_fault(bool faulted, const std::string& reason, Time now);
    // Graceful stop: a master resigns with a priority-0 advert.
    void stop(Time now);
    // Maintenance (vigilctl): a master resigns with priority 0; the instance
    // stays BACKUP, never taking the role, until maintenance ends.
    void set_maintenance(bool on, Time now);
    bool maintenance() const { return maintenance_; }

    // Sync groups move members together.
    void set_gate(const MasterGate* gate) { gate_ = gate; }
    void force_master(const std::string& reason, Time now);
    void force_backup(const std::string& reason, Time now);
    // A backup that currently hears a master that beats it.
    bool outranked() const;

    State state() const { return state_; }
    uint8_t priority() const { return priority_; }
    const MachineParams& params() const { return p_; }
    std::optional<net::IpAddress> master_address() const { return master_; }
    uint8_t master_priority() const { return master_priority_; }
    uint16_t master_advert_cs() const { return master_advert_cs_; }
    Time skew_time() const;
    Time master_down_interval() const;

private:
    static Time from_cs(uint32_t cs) { return Time{static_cast<int64_t>(cs) * 10'000}; }
    void become_master(const std::string& reason, Time now);
    // become_master() unless a sync group holds us back; then keep waiting.
    void try_become_master(const std::string& reason, Time now);
    void become_backup(const std::string& reason, Time now);
    void move(State to, const std::string& reason);
    void receive_as_backup(const Advert& a, const net::IpAddress& src, Time now);
    void receive_as_master(const Advert& a, const net::IpAddress& src, Time now);

    MachineParams p_;
    uint8_t priority_;
    Actions& actions_;
    const MasterGate* gate_ = nullptr;
    State state_ = State::Init;
    bool faulted_ = false;
    std::string fault_reason_;  // why, for a FAULT entered at start
    net::IpAddress primary_;
    uint16_t master_advert_cs_ = 0;
    std::optional<net::IpAddress> master_;
    uint8_t master_priority_ = 0;
    bool resigned_ = false;  // the last master sent priority 0
    bool maintenance_ = false;
    Time deadline_{0};  // adver timer (master) or master down timer (backup)
    std::optional<Time> preempt_allowed_at_;
    std::optional<Time> last_reply_;  // the last immediate answer of a master
};

}  // namespace vigil::vrrp
