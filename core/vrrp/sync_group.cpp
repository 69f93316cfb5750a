// SPDX-License-Identifier: Apache-2.0
#include "vrrp/sync_group.h"

#include <algorithm>

namespace vigil::vrrp {

void SyncGroup::add(Machine& member) {
    members_.push_back(&member);
    faults_.push_back(false);
    member.set_gate(this);
}

bool SyncGroup::may_become_master(const Machine& member) const {
    return std::none_of(members_.begin(), members_.end(),
                        [&](const Machine* m) { return m != &member && m->outranked(); });
}

void SyncGroup::member_changed(const Machine& member, State from, State to, Time now) {
    if (propagating_) return;
    // Only a master yielding takes the group to BACKUP; a member starting
    // (INIT -> BACKUP) or recovering (FAULT -> BACKUP) moves nobody.
    if (to == State::Backup && from != State::Master) return;
    propagating_ = true;
    std::string why = "sync group " + name_ + ": a member became " + state_name(to);
    for (Machine* m : members_) {
        if (m == &member) continue;
        if (to == State::Master) m->force_master(why, now);
        else if (to == State::Backup) m->force_backup(why, now);
    }
    propagating_ = false;
}

void SyncGroup::set_member_fault(const Machine& member, bool faulted, const std::string& reason, Time now) {
    auto it = std::find(members_.begin(), members_.end(), &member);
    if (it == members_.end()) return;
    faults_[static_cast<size_t>(it - members_.begin())] = faulted;
    bool any = std::find(faults_.begin(), faults_.end(), true) != faults_.end();
    propagating_ = true;
    for (Machine* m : members_) m->set_fault(any, any ? "sync group " + name_ + ": " + reason : reason, now);
    propagating_ = false;
}

}  // namespace vigil::vrrp
