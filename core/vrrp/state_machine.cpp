// SPDX-License-Identifier: Apache-2.0
#include "vrrp/state_machine.h"

namespace vigil::vrrp {

const char* state_name(State state) {
    switch (state) {
        case State::Init: return "INIT";
        case State::Backup: return "BACKUP";
        case State::Master: return "MASTER";
        case State::Fault: return "FAULT";
        case State::Stopped: return "STOP";
    }
    return "?";
}

namespace {
std::string describe(const net::IpAddress& src, uint8_t priority) {
    return src.str() + " (priority " + std::to_string(priority) + ")";
}
}  // namespace

Time Machine::skew_time() const {
    // RFC 5798: ((256 - Priority) * Master_Adver_Interval) / 256.
    // RFC 3768 (v2): (256 - Priority) / 256 seconds.
    if (p_.version == 2) return Time{(256 - priority_) * 1'000'000 / 256};
    return Time{(256 - priority_) * from_cs(master_advert_cs_).count() / 256};
}

Time Machine::master_down_interval() const { return 3 * from_cs(master_advert_cs_) + skew_time(); }

std::optional<Time> Machine::next_deadline() const {
    if (state_ == State::Master || state_ == State::Backup) return deadline_;
    return std::nullopt;
}

void Machine::move(State to, const std::string& reason) {
    State from = state_;
    state_ = to;
    if (from != to) actions_.state_changed(from, to, reason);
}

void Machine::become_master(const std::string& reason, Time now) {
    master_ = std::nullopt;
    preempt_allowed_at_.reset();
    master_priority_ = 0;
    actions_.send_advert(priority_);
    deadline_ = now + from_cs(p_.advert_cs);
    move(State::Master, reason);
}

void Machine::try_become_master(const std::string& reason, Time now) {
    if (now < p_.no_master_before) {
        deadline_ = p_.no_master_before;
        return;
    }
    if (maintenance_ || (gate_ && !gate_->may_become_master(*this))) {
        deadline_ = now + master_down_interval();
        return;
    }
    become_master(reason, now);
}

bool Machine::outranked() const {
    if (state_ != State::Backup || !master_) return false;
    return master_priority_ > priority_ || (master_priority_ == priority_ && primary_ < *master_);
}

void Machine::become_backup(const std::string& reason, Time now) {
    deadline_ = now + master_down_interval();
    move(State::Backup, reason);
}

void Machine::start(Time now, const std::string& note) {
    master_advert_cs_ = p_.advert_cs;
    auto noted = [&](std::string reason) { return note.empty() ? reason : reason + "; " + note; };
    if (faulted_) {
        move(State::Fault, noted("starting while faulted: " + fault_reason_));
        return;
    }
    bool held = now < p_.no_master_before;
    if (priority_ == 255 && !maintenance_ && !p_.start_as_backup && !held) {
        become_master(noted("address owner (priority 255)"), now);
        return;
    }
    std::string why = maintenance_ ? "starting in maintenance" : "starting";
    if (held)
        why += "; startup_delay: not MASTER for " +
               std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(p_.no_master_before - now).count()) +
               " ms";
    become_backup(noted(why), now);
    // An owner takes the role as soon as the startup delay is over.
    if (held && priority_ == 255 && !maintenance_ && !p_.start_as_backup) deadline_ = p_.no_master_before;
    // `state = master` (as keepalived): claim the role after one advert
    // interval and a minimal skew, unless a master speaks up first.
    if (p_.start_as_master)
        deadline_ = now + (p_.version == 2 ? from_cs(master_advert_cs_) + Time{1'000'000 / 256}
                                           : from_cs(master_advert_cs_) * 257 / 256);
}

void Machine::receive(const Advert& a, const net::IpAddress& src, Time now) {
    if (state_ == State::Backup) receive_as_backup(a, src, now);
    else if (state_ == State::Master) receive_as_master(a, src, now);
}

void Machine::receive_as_backup(const Advert& a, const net::IpAddress& src, Time now) {
    if (a.priority == 0) {
        // The master resigned: take over after our skew time, so that of
        // several backups the highest priority goes first.
        deadline_ = now + skew_time();
        master_ = std::nullopt;
        resigned_ = true;
        return;
    }
    // preempt_delay (as keepalived): the first lower-priority advert starts the
    // delay; until it runs out such adverts are accepted like any other. An
    // advert we would not preempt anyway cancels it.
    bool lower = a.priority < priority_;
    if (!lower) preempt_allowed_at_.reset();
    else if (p_.preempt && p_.preempt_delay.count() > 0 && !preempt_allowed_at_)
        preempt_allowed_at_ = now + p_.preempt_delay;
    bool delayed = preempt_allowed_at_ && now < *preempt_allowed_at_;
    bool tolerate = !p_.preempt || !lower || delayed;
    resigned_ = false;
    if (tolerate) {
        if (p_.version == 3 && a.interval_cs > 0) master_advert_cs_ = a.interval_cs;
        master_ = src;
        master_priority_ = a.priority;
        deadline_ = now + master_down_interval();
        return;
    }
    // A lower priority and we may preempt. From the master we follow (its
    // tracker lowered it) or when no master is known yet: take over now rather
    // than waiting out the master down interval, so the VIPs move within one
    // round trip. From anyone else, RFC 5798 says discard: a third router's
    // low advert must not make us steal the role from a live, higher master.
    if (master_ && src != *master_) return;
    master_ = std::nullopt;
    try_become_master("preempting lower-priority master " + describe(src, a.priority), now);
}

void Machine::receive_as_master(const Advert& a, const net::IpAddress& src, Time now) {
    bool yield = a.priority != 0 && (a.priority > priority_ || (a.priority == priority_ && primary_ < src));
    if (!yield) {
        // Another master resigned, or we win: tell the others now (as
        // keepalived does) rather than at our next interval, so a healed split
        // brain settles in one round trip. At most once per advert interval,
        // so a flood of low adverts is not reflected one for one.
        if (!last_reply_ || now - *last_reply_ >= from_cs(p_.advert_cs)) {
            last_reply_ = now;
            actions_.send_advert(priority_);
            deadline_ = now + from_cs(p_.advert_cs);
            // A master that loses to us: the clients that followed it must
            // come back (keepalived's garp_lower_prio_repeat, on by default).
            if (a.priority != 0) actions_.reannounce("lower-priority master " + describe(src, a.priority));
        }
        return;
    }
    if (p_.version == 3 && a.interval_cs > 0) master_advert_cs_ = a.interval_cs;
    master_ = src;
    master_priority_ = a.priority;
    become_backup((a.priority > priority_ ? "higher-priority master " : "equal-priority master with a higher address ") +
                      describe(src, a.priority),
                  now);
}

void Machine::timer(Time now) {
    if (now < deadline_) return;
    if (state_ == State::Master) {
        actions_.send_advert(priority_);
        deadline_ = now + from_cs(p_.advert_cs);
    } else if (state_ == State::Backup) {
        auto reason = resigned_ ? std::string("the master resigned (priority 0)")
                      : master_ ? "master down timer expired: no advert from " + master_->str()
                                : std::string("no master seen");
        master_ = std::nullopt;
        master_advert_cs_ = p_.advert_cs;
        try_become_master(reason, now);
    }
}

void Machine::set_priority(uint8_t priority, Time now) {
    if (p_.priority == 255 || priority == priority_ || priority == 0) return;
    priority_ = priority;
    if (state_ == State::Master) {
        actions_.send_advert(priority_);
        deadline_ = now + from_cs(p_.advert_cs);
    }
}

void Machine::set_fault(bool faulted, const std::string& reason, Time now) {
    if (faulted == faulted_) return;
    faulted_ = faulted;
    fault_reason_ = reason;
    if (state_ == State::Init || state_ == State::Stopped) return;
    if (faulted) {
        if (state_ == State::Master) actions_.send_advert(0);
        master_ = std::nullopt;
        preempt_allowed_at_.reset();
        move(State::Fault, reason);
        return;
    }
    master_advert_cs_ = p_.advert_cs;
    if (p_.priority == 255 && !maintenance_ && now >= p_.no_master_before) {
        become_master("fault cleared; address owner (priority 255)", now);
        return;
    }
    become_backup(reason, now);
    if (p_.priority == 255 && !maintenance_) deadline_ = p_.no_master_before;
}

void Machine::stop(Time) {
    if (state_ == State::Master) actions_.send_advert(0);
    move(State::Stopped, "stopping");
}

void Machine::force_master(const std::string& reason, Time now) {
    // Every member shares the daemon's startup delay; checked anyway, so a
    // group can never carry a member past it.
    if (state_ == State::Backup && !maintenance_ && now >= p_.no_master_before) become_master(reason, now);
}

void Machine::set_maintenance(bool on, Time now) {
    if (on == maintenance_) return;
    maintenance_ = on;
    if (on && state_ == State::Master) {
        actions_.send_advert(0);
        master_advert_cs_ = p_.advert_cs;
        become_backup("maintenance", now);
    }
}

void Machine::force_backup(const std::string& reason, Time now) {
    if (state_ != State::Master) return;
    master_advert_cs_ = p_.advert_cs;
    become_backup(reason, now);
}

}  // namespace vigil::vrrp
