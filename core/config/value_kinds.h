/* SPDX-License-Identifier: Apache-2.0 */
// What a configuration value may look like, and the one parser per kind that
// core keys, plugin keys (through the SDK) and the Lua bridge all go through:
// the same value is accepted, refused and explained the same way everywhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::config {

// 1-12 are the SDK's VIGIL_KEY_* (vigil/plugin.h; plugin_registry.cpp checks
// that they agree). The rest are the syntaxes only core keys use.
enum class ValueKind {
    Text = 1,         // any non-empty string
    Path = 2,         // absolute file path
    Command = 3,      // non-empty command line
    Bool = 4,
    Integer = 5,      // within [min, max]
    Duration = 6,     // within [min, max] milliseconds when max > 0
    Choice = 7,       // one of `choices`
    Url = 8,          // scheme is one of `choices`
    StatusList = 9,   // HTTP status codes and ranges: "200 301-302,304"
    Header = 10,      // "Name: value"
    Interface = 11,   // a valid interface name
    Template = 12,    // text with {field} placeholders of a notification event
    // Core keys only; each parsed where its section applies it.
    Names = 100,      // section names, space-separated
    WeightedNames,    // NAME[:WEIGHT] ...
    Address,          // a unicast IPv4 or IPv6 address
    Addresses,        // several of them
    SocketAddress,    // ADDR:PORT, [ADDR]:PORT
    VirtualIp,        // ADDR/PREFIX [dev IF] [label LABEL]
    LogTarget,        // stderr | syslog | file:/PATH
    PathList,         // absolute directories, colon-separated
    EventList,        // master backup fault stop
    UserName,
    Route,            // config/route_syntax.h
    Rule,             // config/route_syntax.h
    Prefixes,         // ADDR[/LEN] ...
    Announce,         // address IFACE | route TABLE
};

constexpr int kLastSdkKind = 12;

// The kind's name in `vigild --keywords` and the docs.
const char* kind_name(ValueKind kind);

struct KeyLimits {
    KeyLimits() = default;
    KeyLimits(int64_t min_, int64_t max_, std::vector<std::string> choices_ = {})
        : min(min_), max(max_), choices(std::move(choices_)) {}

    int64_t min = 0, max = 0;          // Integer; Duration (ms) when max > 0
    std::vector<std::string> choices;  // Choice values; Url schemes
};

// A value as its kind reads it. `problem` is what is wrong with it, in the
// words every layer uses ("'x' is not a duration (e.g. ...)").
struct ParsedValue {
    std::string problem;
    int64_t number = 0;  // Integer; Duration in ms; Bool 0/1; Choice: index in choices
    std::vector<std::pair<int, int>> ranges;  // StatusList: [lo, hi] pairs

    bool ok() const { return problem.empty(); }
};

// Kinds from Names on are accepted as any non-empty text here: their
// sections parse them (and say what is wrong) themselves. Route and Rule are
// checked here too (by config/route_syntax.h, which also gives their parse).
ParsedValue parse_value(ValueKind kind, const KeyLimits& limits, std::string_view text);

// The fields a notification template may use.
const std::vector<std::string>& event_fields();

// A header whose name says it carries a credential (Authorization, X-Api-Key,
// ...): such a value is a secret, as the HEADER kind defines it.
bool header_carries_credential(std::string_view header);

}  // namespace vigil::config
