/* SPDX-License-Identifier: Apache-2.0 */
// The VRRP part of the daemon: builds an Instance per [instance], one
// Endpoint (socket) per interface and family, sync groups, and the link
// monitor that faults instances whose interface goes down, and [global]'s
// static addresses, routes and rules (vrrp/static_routing.h). On reload only
// the instances whose configuration changed are restarted.
#pragma once

#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "config/reload_plan.h"
#include "daemon/subsystem.h"
#include "net/address_manager.h"
#include "net/announcer.h"
#include "net/link_monitor.h"
#include "net/route_manager.h"
#include "vrrp/endpoint.h"
#include "vrrp/instance.h"
#include "vrrp/static_routing.h"
#include "vrrp/sync_group.h"

namespace vigil::vrrp {

class VrrpSubsystem : public daemon::Subsystem {
public:
    explicit VrrpSubsystem(event_base* base);
    ~VrrpSubsystem() override;

    const char* name() const override { return "vrrp"; }
    void apply(const config::Config& config) override;
    void dump() const override;
    void stop() override;

    // Every instance's transitions (for notifications).
    void on_transition(Instance::TransitionListener listener) { listener_ = std::move(listener); }

    // Maintenance of the named instances (none: all); kept for instances a
    // reload re-creates. Returns the names that exist.
    std::vector<std::string> set_maintenance(const std::vector<std::string>& names, bool on);
    const std::set<std::string>& maintenance() const { return maintenance_; }

    // A supervised worker: every VIP is told to `holds` before it is added.
    void set_hold_registry(HoldRegistry* holds) { context_.holds = holds; }
    // This worker replaces one that died: the instances of the first apply
    // start as BACKUP, their first transition's reason ending with `note`.
    void set_restarted(const std::string& note) {
        context_.restarted = true;
        context_.start_note = note;
    }

    // From the tracking engine.
    void set_tracking(const std::string& instance, int priority, bool fault, const std::string& reason);

    const Instance* instance(const std::string& name) const;
    std::vector<const Instance*> instances() const;
    std::vector<const Endpoint*> endpoints() const;

private:
    void on_link_change();
    void refresh_links();
    Endpoint& endpoint_for(const config::InstanceConfig& c);
    void remove(const std::string& name);

    event_base* base_;
    net::AddressManager addresses_;
    net::Announcer announcer_;
    net::RouteManager routes_;
    StaticRouting statics_{addresses_, routes_};
    Context context_;
    std::unique_ptr<net::LinkMonitor> links_;
    std::vector<std::string> order_;  // instance names in config order
    std::map<std::string, std::unique_ptr<Instance>> instances_;
    config::Fingerprints fingerprints_;  // of the instances running
    std::map<std::pair<std::string, net::Family>, std::unique_ptr<Endpoint>> endpoints_;
    std::map<std::string, std::unique_ptr<SyncGroup>> groups_;
    Instance::TransitionListener listener_;
    event* link_refresh_ = nullptr;
    std::set<std::string> maintenance_;
};

}  // namespace vigil::vrrp
