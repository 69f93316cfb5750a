/* SPDX-License-Identifier: Apache-2.0 */
// The typed configuration model: everything docs/configuration.md lets a user write, after
// parsing and validation. Built only by the loader; read by the daemon's
// subsystems. Each item keeps the location it came from so later layers can
// still point the user at the right line.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/values.h"
#include "log/level.h"
#include "net/address.h"
#include "net/route.h"

namespace vigil::config {

using LogLevel = log::Level;
using LogTarget = log::Destination;

// A name that refers to another section, with the line it was written on.
struct NameRef {
    std::string name;
    Location where;
};
std::vector<std::string> names_of(const std::vector<NameRef>& refs);

struct VirtualIp {
    net::IpPrefix prefix;
    std::string dev;    // empty: the instance's interface
    std::string label;  // IPv4 only
    Location where;
};

// An instance's `route` / `rule`, or a static one, with its line.
struct RouteConfig {
    net::Route route;
    Location where;
};
struct RuleConfig {
    net::Rule rule;
    Location where;
};
// What the supervisor can remove for an instance whose worker died (its
// shared record has room for this many); more are refused at load.
inline constexpr size_t kMaxInstanceRoutes = 32;
inline constexpr size_t kMaxInstanceRules = 16;

struct GlobalConfig {
    std::string router_id;  // default: hostname
    LogTarget log;
    LogLevel log_level = LogLevel::Info;
    std::string control_socket = "/run/vigil/vigil.sock";
    std::vector<std::string> plugin_path;
    std::string script_user;  // empty: vigil-script if it exists, else nobody
    std::vector<NameRef> notify;
    std::optional<net::SocketAddress> metrics_listen;
    std::string state_dir = "/var/lib/vigil";
    // How long the worker's loop may stand still before the supervisor ends
    // it; unset: stall_timeout_of() picks the default. 0: never.
    std::optional<Duration> stall_timeout;
    // After vigild starts, no instance becomes MASTER for this long.
    Duration startup_delay{0};
    // The least gap between two gratuitous ARPs / two NAs on one interface.
    Duration garp_interval{0}, gna_interval{0};
    // Held whatever the VRRP state: added at start, removed at a clean stop.
    std::vector<VirtualIp> static_addresses;  // dev always set
    std::vector<RouteConfig> static_routes;
    std::vector<RuleConfig> static_rules;
};

enum class InitialState { Master, Backup };  // in the order of `state`'s choices
enum class V3Checksum { PseudoHeader, Rfc9568 };
enum class TrackerStart { Up, Down };  // in the order of a tracker's `initial` choices

// One item of `track` or `track_interface`.
struct TrackRef {
    std::string name;               // tracker name, or interface name for track_interface
    std::optional<int> weight;      // overrides the tracker's weight
    Location where;
};

struct InstanceConfig {
    std::string name;
    Location where;
    std::string interface;
    int vrid = 0;
    int priority = 100;
    InitialState state = InitialState::Backup;
    int version = 2;  // resolved: 2 for IPv4, 3 for IPv6 unless set
    net::Family family = net::Family::V4;
    Duration advert_int{1000};
    bool preempt = true;
    Duration preempt_delay{0};
    std::string auth_pass;  // already truncated to 8 characters
    std::vector<VirtualIp> vips;
    // Added and removed with the vips, but not carried in adverts (keepalived's
    // virtual_ipaddress_excluded).
    std::vector<VirtualIp> excluded_vips;
    std::optional<net::IpAddress> unicast_src;
    std::vector<net::IpAddress> unicast_peers;
    bool check_unicast_src = true;  // unicast adverts only from unicast_peers
    std::vector<TrackRef> track;
    std::vector<TrackRef> track_interface;
    std::vector<NameRef> notify;  // resolved: [global] notify when unset; `notify =` opts out
    int garp_repeat = 5;
    Duration garp_delay{5000};
    Duration garp_refresh{0};
    V3Checksum v3_checksum = V3Checksum::PseudoHeader;
    bool dont_track_primary = false;
    // Added after the VIPs on becoming MASTER, removed before them on leaving it.
    std::vector<RouteConfig> routes;
    std::vector<RuleConfig> rules;
};

struct GroupConfig {
    std::string name;
    Location where;
    std::vector<NameRef> instances;
    std::vector<NameRef> notify;
};

// [anycast NAME]: prefixes this host announces (through BIRD or FRR) while
// every tracker in `track` is UP.
enum class AnnounceMode { Address, Route };  // in the order of `announce`'s choices

struct AnycastPrefix {
    net::IpPrefix prefix;
    Location where;
};

struct AnycastConfig {
    std::string name;
    Location where;
    std::vector<AnycastPrefix> prefixes;
    std::vector<NameRef> track;
    AnnounceMode mode = AnnounceMode::Address;
    std::string interface = "lo";  // address mode
    uint32_t table = 0;            // route mode: a kernel table, 1-252
    std::vector<NameRef> notify;   // resolved: [global] notify when unset; `notify =` opts out
};
// What the supervisor can withdraw for an anycast whose worker died.
inline constexpr size_t kMaxAnycastAddresses = 255;
inline constexpr size_t kMaxAnycastRoutes = kMaxInstanceRoutes;

// Keys a tracker or notifier type declares for itself, in file order; the
// plugin that implements the type reads them.
struct Option {
    std::string key;
    std::string value;
    Location where;
};
using Options = std::vector<Option>;

// The value in force for a single-valued key: its last occurrence.
const Option* find_option(const Options& options, std::string_view key);

struct TrackerConfig {
    std::string name;
    Location where;
    std::string type;  // canonical name (an alias such as nginx is resolved)
    Duration interval{1000};
    Duration timeout{1000};  // = interval unless set
    int rise = 1;
    int fall = 1;
    int weight = 0;
    TrackerStart initial = TrackerStart::Up;
    Options options;
};

enum Event : unsigned {
    kEventMaster = 1u << 0,
    kEventBackup = 1u << 1,
    kEventFault = 1u << 2,
    kEventStop = 1u << 3,
    kEventAnnounced = 1u << 4,  // [anycast] sections
    kEventWithdrawn = 1u << 5,
    kAllEvents = kEventMaster | kEventBackup | kEventFault | kEventStop | kEventAnnounced | kEventWithdrawn,
};

struct NotifierConfig {
    std::string name;
    Location where;
    std::string type;
    unsigned events = kAllEvents;
    Duration timeout{10000};
    Options options;
};

struct Config {
    std::vector<std::string> files;  // every file read, in merge order
    GlobalConfig global;
    std::vector<InstanceConfig> instances;
    std::vector<GroupConfig> groups;
    std::vector<TrackerConfig> trackers;
    std::vector<NotifierConfig> notifiers;
    std::vector<AnycastConfig> anycasts;

    const InstanceConfig* instance(std::string_view name) const;
    const GroupConfig* group(std::string_view name) const;
    const TrackerConfig* tracker(std::string_view name) const;
    const NotifierConfig* notifier(std::string_view name) const;
    const AnycastConfig* anycast(std::string_view name) const;
};

// [global] stall_timeout, or its default: twice the smallest advert_int, and
// at least 200 ms (a loop that misses two adverts has let the backup count
// down most of its master down interval).
Duration stall_timeout_of(const Config& config);

}  // namespace vigil::config
