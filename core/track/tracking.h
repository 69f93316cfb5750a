/* SPDX-License-Identifier: Apache-2.0 */
// The tracking engine: runs every [tracker] (and the implicit interface
// trackers of track_interface) through its plugin, applies rise/fall, and
// pushes each instance's effective priority and fault to VRRP the moment a
// tracker changes state.
#pragma once

#include <functional>
#include <optional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "config/model.h"
#include "config/reload_plan.h"
#include "daemon/subsystem.h"
#include "plugin/call_guard.h"
#include "plugin/host.h"
#include "plugin/plugin_registry.h"
#include "track/check_cycle.h"
#include "track/dropped_reports.h"
#include "track/track_rules.h"

struct event;
struct event_base;

namespace vigil::track {

// Where effective priorities go (the daemon wires it to the VRRP subsystem).
using PriorityTarget = std::function<void(const std::string& instance, int priority, bool fault, const std::string& reason)>;

// Where the states of an [anycast] section's trackers go (the anycast subsystem).
struct TrackerHealth {
    std::string name;
    bool up = false;
    bool checked = false;
    std::string reason;
};
using HealthTarget = std::function<void(const std::string& anycast, const std::vector<TrackerHealth>& trackers)>;

// One tracker at run time: the plugin's state, its poll and timeout timers,
// the rise/fall state the reports feed, and the reports it dropped.
class TrackerRuntime {
public:
    // `carried_up`: the state of the runtime this one replaces (a reload
    // restarting the tracker), held until the first results instead of
    // `initial` — a reload must not fail a healthy master over.
    TrackerRuntime(config::TrackerConfig config, plugin::TrackerPlugin type, const vigil_host_api* host, event_base* base,
                   std::function<void(TrackerRuntime&)> on_change, std::optional<bool> carried_up = std::nullopt);
    ~TrackerRuntime();
    TrackerRuntime(const TrackerRuntime&) = delete;
    TrackerRuntime& operator=(const TrackerRuntime&) = delete;

    // Creates the plugin's state and starts checking; "" or why not (no
    // plugin for the type, or its create() failed: the tracker is then DOWN
    // with that reason and stays so, not running).
    std::string start();
    bool running() const { return plugin_state_ != nullptr; }

    const config::TrackerConfig& config() const { return config_; }
    const char* plugin() const { return plugin_; }
    const TrackState& state() const { return state_; }
    // The first result that confirms the initial state changes nothing for
    // VRRP but is what an anycast section waits for.
    void on_first_confirmation(std::function<void(TrackerRuntime&)> cb) { on_confirmed_ = std::move(cb); }
    // The runtime this one replaces had been checked: so is its carried state.
    void carry_checked() { state_.set_carried(); }
    int64_t last_latency_us() const { return last_latency_us_; }
    uint64_t checks() const { return checks_; }
    const DroppedReports& dropped() const { return dropped_; }

private:
    static void on_poll_timer(int, short, void* self);
    static void on_timeout(int, short, void* self);
    std::string create();
    // A report from the plugin: kept if it answers the check in flight.
    void on_report(const vigil_result& r);
    // A result that counts: the plugin's, or the host's timeout.
    void record(const vigil_result& r);
    void schedule_poll();

    config::TrackerConfig config_;
    const vigil_tracker_type* type_;
    const char* plugin_;
    plugin::CallOwner owner_;  // every call into the plugin is guarded as this tracker's
    const vigil_host_api* host_;
    std::function<void(TrackerRuntime&)> on_change_;
    std::function<void(TrackerRuntime&)> on_confirmed_;
    vigil_tracker handle_;
    void* plugin_state_ = nullptr;
    event* poll_timer_ = nullptr;
    event* timeout_timer_ = nullptr;
    CheckCycle cycle_;
    int64_t poll_started_us_ = 0;
    TrackState state_;
    DroppedReports dropped_;
    int64_t last_latency_us_ = -1;
    uint64_t checks_ = 0;
};

class TrackingSubsystem : public daemon::Subsystem {
public:
    TrackingSubsystem(event_base* base, const plugin::PluginRegistry& registry, const plugin::Host& host,
                      PriorityTarget target);
    ~TrackingSubsystem() override;

    const char* name() const override { return "tracking"; }
    void apply(const config::Config& config) override;
    void dump() const override;
    void stop() override;

    const TrackerRuntime* tracker(const std::string& name) const;
    std::vector<const TrackerRuntime*> trackers() const;

    // The [anycast] sections' trackers go here (set before the first apply).
    void set_health_target(HealthTarget target) { health_target_ = std::move(target); }

private:
    struct Binding {
        std::string tracker;  // runtime key
        std::string label;    // for reasons: the tracker's name or "interface eth0"
        int weight;
    };
    void on_change(TrackerRuntime& t);
    void push(const std::string& instance);
    void push_health(const std::string& anycast);
    void push_health_of(const std::string& tracker);

    event_base* base_;
    const plugin::PluginRegistry& registry_;
    const plugin::Host& host_;
    PriorityTarget target_;
    std::map<std::string, std::unique_ptr<TrackerRuntime>> trackers_;
    config::Fingerprints fingerprints_;  // of the trackers running
    std::map<std::string, std::vector<Binding>> bindings_;  // by instance
    std::map<std::string, int> base_priority_;
    HealthTarget health_target_;
    std::map<std::string, std::vector<std::string>> anycast_trackers_;  // by anycast section
    bool stopping_ = false;
    // Inside apply(): trackers that report at their start would push a
    // section's health while its other trackers are still being replaced.
    bool applying_ = false;
};

}  // namespace vigil::track
