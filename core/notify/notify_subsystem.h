/* SPDX-License-Identifier: Apache-2.0 */
// The notification engine: builds an Event (with a sequence number) for each
// instance and sync-group transition and hands it to the notifiers the
// config routes it to ([instance]/[group] notify, [global] notify).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/reload_plan.h"
#include "daemon/subsystem.h"
#include "notify/notifier.h"
#include "plugin/host.h"
#include "plugin/plugin_registry.h"

namespace vigil::notify {

class NotifySubsystem : public daemon::Subsystem {
public:
    NotifySubsystem(const plugin::PluginRegistry& registry, const plugin::Host& host);
    ~NotifySubsystem() override;

    const char* name() const override { return "notify"; }
    void apply(const config::Config& config) override;
    void dump() const override;
    // Lets queues drain for a few seconds (the STOP events of a shutdown).
    void stop() override;

    // From VRRP, on the loop thread.
    void instance_changed(const std::string& instance, const std::string& from, const std::string& to, int priority,
                          const std::vector<std::string>& vips, const std::string& reason);

    // From the anycast subsystem, on the loop thread.
    void anycast_changed(const std::string& section, const std::string& from, const std::string& to,
                         const std::vector<std::string>& prefixes, const std::string& reason);

    const Notifier* notifier(const std::string& name) const;
    std::vector<const Notifier*> notifiers() const;
    // Every event built (vigilctl events), on the loop thread.
    void on_event(std::function<void(const Event&)> listener) { listener_ = std::move(listener); }
    uint64_t last_seq() const { return seq_; }

private:
    void publish(Event e, const std::vector<std::string>& notifiers);

    const plugin::PluginRegistry& registry_;
    const plugin::Host& host_;
    std::map<std::string, std::unique_ptr<Notifier>> notifiers_;
    config::Fingerprints fingerprints_;  // of the notifiers running
    std::map<std::string, std::vector<std::string>> instance_routes_, group_routes_;
    // Kept for sections a reload removed: their WITHDRAWN comes after this apply.
    std::map<std::string, std::vector<std::string>> anycast_routes_;
    std::map<std::string, std::string> group_of_;  // instance -> group
    std::map<std::string, std::vector<std::string>> members_;
    std::map<std::string, std::string> instance_state_, group_state_;
    std::map<std::string, std::vector<std::string>> instance_vips_;
    std::string router_id_;
    uint64_t seq_ = 0;
    std::function<void(const Event&)> listener_;
};

}  // namespace vigil::notify
