/* SPDX-License-Identifier: Apache-2.0 */
// The anycast part of the daemon: an AnycastSection per [anycast], fed the
// states of its trackers by the tracking engine and the operator's
// maintenance switch. Withdraws everything on stop; a section removed by a
// reload is withdrawn, one whose `announce` changed is withdrawn at its old
// place, then announced at the new one (both use the section's one
// supervisor slot).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "anycast/anycast_section.h"
#include "config/reload_plan.h"
#include "daemon/subsystem.h"
#include "net/address_manager.h"
#include "net/route_manager.h"

namespace vigil::anycast {

class AnycastSubsystem : public daemon::Subsystem {
public:
    AnycastSubsystem() = default;
    ~AnycastSubsystem() override;

    const char* name() const override { return "anycast"; }
    void apply(const config::Config& config) override;
    void dump() const override;
    void stop() override;

    void on_transition(AnycastSection::TransitionListener listener) { listener_ = std::move(listener); }
    void set_hold_registry(vrrp::HoldRegistry* holds) { holds_ = holds; }

    // From the tracking engine: the trackers of section `name`, in `track` order.
    void set_health(const std::string& name, std::vector<TrackerView> trackers);
    // Maintenance of the named sections (none: all); kept across reloads.
    // Returns the names that exist.
    std::vector<std::string> set_maintenance(const std::vector<std::string>& names, bool on);
    const std::set<std::string>& maintenance() const { return maintenance_; }
    // The saved maintenance list, before the first apply: a section in it
    // is never announced at start, not even for a moment.
    void preset_maintenance(const std::vector<std::string>& names) { maintenance_.insert(names.begin(), names.end()); }

    const AnycastSection* section(const std::string& name) const;
    std::vector<const AnycastSection*> sections() const;

private:
    Inputs inputs_for(const std::string& name) const;

    net::AddressManager addresses_;
    net::RouteManager routes_;
    vrrp::HoldRegistry* holds_ = nullptr;
    AnycastSection::TransitionListener listener_;
    std::vector<std::string> order_;
    std::map<std::string, std::unique_ptr<AnycastSection>> sections_;
    std::map<std::string, std::vector<TrackerView>> health_;
    config::Fingerprints fingerprints_;
    std::set<std::string> maintenance_;
    bool swept_ = false;
    bool stopping_ = false;
};

}  // namespace vigil::anycast
