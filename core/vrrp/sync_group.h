/* SPDX-License-Identifier: Apache-2.0 */
// A sync group ([group NAME]): its instances are master together or not at
// all, and a fault in one faults all. Pure logic over the members' machines.
#pragma once

#include <string>
#include <vector>

#include "vrrp/state_machine.h"

namespace vigil::vrrp {

class SyncGroup : public MasterGate {
public:
    explicit SyncGroup(std::string name) : name_(std::move(name)) {}
    SyncGroup(const SyncGroup&) = delete;
    SyncGroup& operator=(const SyncGroup&) = delete;

    const std::string& name() const { return name_; }
    void add(Machine& member);
    const std::vector<Machine*>& members() const { return members_; }

    // A member moved (on its own or forced); brings the others along.
    void member_changed(const Machine& member, State from, State to, Time now);
    // Fault inputs of one member; every member is faulted while any input is.
    void set_member_fault(const Machine& member, bool faulted, const std::string& reason, Time now);
    // No member may become master while another hears a master that beats it:
    // otherwise the group would flap between two hosts that each win one member.
    bool may_become_master(const Machine& member) const override;

private:
    std::string name_;
    std::vector<Machine*> members_;
    std::vector<bool> faults_;
    bool propagating_ = false;
};

}  // namespace vigil::vrrp
