/* SPDX-License-Identifier: Apache-2.0 */
// The daemon's state as `vigilctl status` and the metrics report it, read
// from the subsystems once per request (collect_status); status_json renders
// it for the control socket and metrics_text for Prometheus, so the two
// never disagree.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vrrp/state_machine.h"

namespace vigil::control {

// Every member below has an initializer, so that a designated initializer
// may leave some out without -Wmissing-field-initializers.

// VRRP packets dropped, by reason name; only the reasons that occurred.
using DropCounts = std::map<std::string, uint64_t>;

// The worker process as its supervisor recorded it.
struct WorkerStatus {
    int pid = 0;
    bool supervised = false;
    uint32_t restarts = 0;
    uint32_t by_signal = 0, by_exit = 0, by_stall = 0;
    std::string last_cause{};  // empty before the first restart
    int64_t last_time_ms = 0;   // Unix time of the last death
};

// One address an instance adds as MASTER.
struct VipStatus {
    std::string address{};    // without its prefix
    std::string interface{};  // its own dev, or the instance's
    bool excluded = false;    // an excluded_vip: added, not advertised
};

struct InstanceStatus {
    std::string name{};
    vrrp::State state = vrrp::State::Init;
    std::string interface{};
    int vrid = 0;
    int version = 0;
    int base_priority = 0;
    int effective_priority = 0;
    std::optional<std::string> master{};  // "self", the address of the master seen, or none
    bool maintenance = false;
    std::vector<std::string> vips{};  // as configured, with their prefix
    std::vector<VipStatus> addresses{};  // the vips, then the excluded_vips
    uint64_t adverts_sent = 0;
    uint64_t adverts_received = 0;
    uint64_t transitions = 0;
    uint64_t send_errors = 0;
    uint64_t became_master = 0;
    uint64_t released_master = 0;
    uint64_t priority_zero_sent = 0;
    uint64_t priority_zero_received = 0;
    uint64_t arps_sent = 0;
    uint64_t nas_sent = 0;
    uint64_t announce_failures = 0;
    DropCounts drops{};
};

struct GroupStatus {
    std::string name{};
    std::string state{};  // its members' common state, MIXED, or "" when none runs
    std::vector<std::string> instances{};
};

struct TrackerStatus {
    std::string name{};
    std::string type{};
    std::string plugin{};
    bool running = false;  // false: its plugin's create() failed
    bool up = false;
    std::string reason{};
    bool last_ok = false;
    std::string last_reason{};
    int64_t last_latency_us = -1;  // -1: no check finished yet
    uint64_t checks = 0;
    uint64_t duplicate_reports = 0;
    uint64_t late_reports = 0;
};

struct NotifierStatus {
    std::string name{};
    std::string type{};
    std::string plugin{};
    size_t queued = 0;
    uint64_t delivered = 0;
    uint64_t failed_attempts = 0;
    uint64_t abandoned = 0;
};

// One tracker of an [anycast] section's `track`, as the section last saw it.
struct AnycastTrackerStatus {
    std::string name{};
    bool up = false;
    bool checked = false;  // false: UP only because no check has finished yet
};

// One prefix of an [anycast] section.
struct AnycastPrefixStatus {
    std::string prefix{};     // with its length
    bool announced = false;   // in the kernel (as an address or a route)
    std::string problem{};    // the kernel's refusal of the last add or remove
};

struct AnycastStatus {
    std::string name{};
    std::string state{};     // INIT, ANNOUNCED or WITHDRAWN
    std::string reason{};
    std::string announce{};  // "address lo" or "route 100"
    bool maintenance = false;
    std::vector<AnycastTrackerStatus> trackers{};
    std::vector<AnycastPrefixStatus> prefixes{};
    uint64_t transitions = 0;
    uint64_t announce_failures = 0;  // adds and removes the kernel refused
};

// A socket per interface and family: packets dropped before an instance saw them.
struct EndpointStatus {
    std::string interface{};
    std::string family{};
    DropCounts drops{};
};

struct PluginStatus {
    std::string path{};
    std::string name{};
    std::string version{};
    std::vector<std::string> trackers{};  // the type names it registered
    std::vector<std::string> notifiers{};
};

struct DaemonStatus {
    std::string router_id{};
    WorkerStatus worker{};
    std::vector<InstanceStatus> instances{};
    std::vector<GroupStatus> groups{};
    std::vector<AnycastStatus> anycast{};
    std::vector<TrackerStatus> trackers{};
    std::vector<NotifierStatus> notifiers{};
    std::vector<EndpointStatus> endpoints{};
    std::vector<PluginStatus> plugins{};
};

}  // namespace vigil::control
