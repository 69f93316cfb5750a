/* SPDX-License-Identifier: Apache-2.0 */
// A section's keys, declared once: name, kind, default, limits, description,
// where the parsed value goes and what a change to it takes at a reload.
// The loader applies sections through these tables, `vigild --keywords` and
// the docs list them, and the subsystems derive "did this instance change?"
// from them (cf. Fluent Bit's config_map, BIRD's reconfigure()).
#pragma once

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "config/diagnostics.h"
#include "config/ini_source.h"
#include "config/model.h"
#include "config/value_kinds.h"

namespace vigil::config {

// What applying a changed value at a reload takes.
enum class Reload {
    Live,           // applied in place; nothing restarts
    Restart,        // restarts what the section configures (instance, tracker, notifier)
    DaemonRestart,  // read at start only: takes effect when vigild restarts
};

// One key's value as written, with the helpers that parse it or report why
// they cannot (as "KEY: problem" at the key's line).
class Value {
public:
    Value(const RawEntry& entry, ValueKind kind, const KeyLimits& limits, Diagnostics& diags)
        : entry_(entry), kind_(kind), limits_(limits), diags_(diags) {}

    const std::string& text() const { return entry_.value; }
    const Location& where() const { return entry_.where; }
    void error(const std::string& problem) { diags_.error(entry_.where, entry_.key + ": " + problem); }
    void warning(const std::string& problem) { diags_.warning(entry_.where, entry_.key + ": " + problem); }

    // The value read by its key's kind; nullopt (and an error) when it is bad.
    std::optional<ParsedValue> parsed();
    bool present();

    // Helpers for the kinds a section parses itself.
    std::optional<net::IpAddress> host_address(const std::string& word);
    bool interface_name(const std::string& word);
    std::vector<NameRef> names(bool may_be_empty);
    std::vector<TrackRef> weighted_names(bool interfaces);

private:
    const RawEntry& entry_;
    ValueKind kind_;
    const KeyLimits& limits_;
    Diagnostics& diags_;
};

// Where a key's value goes: how to apply it to the section's model, and how
// to show the value in force (to tell a changed section from an unchanged one).
template <typename T>
struct Field {
    void (*apply)(T&, Value&);
    std::string (*show)(const T&);
};

// Key flags.
constexpr unsigned kRepeatable = 1u << 0;  // repeated lines add to the value instead of replacing it
constexpr unsigned kRequired = 1u << 1;
constexpr unsigned kSecret = 1u << 2;      // never shown; a warning in a file others may read

template <typename T>
struct Key {
    // Every argument up to the field is required: a key without a reload
    // class does not compile.
    Key(const char* name_, ValueKind kind_, Reload reload_, const char* default_value_, const char* description_,
        Field<T> field_, KeyLimits limits_ = {}, unsigned flags_ = 0)
        : name(name_), kind(kind_), reload(reload_), default_value(default_value_), description(description_), field(field_),
          limits(std::move(limits_)), repeatable(flags_ & kRepeatable), required(flags_ & kRequired), secret(flags_ & kSecret) {}

    const char* name;
    ValueKind kind;
    Reload reload;
    const char* default_value;  // as a user would write it; "" when there is none
    const char* description;
    Field<T> field;
    KeyLimits limits;
    bool repeatable, required, secret;
};

template <typename T>
using KeyTable = std::vector<Key<T>>;

// ------------------------------------------------------------ showing values

std::string to_text(int v);
std::string to_text(unsigned v);
std::string to_text(bool v);
std::string to_text(Duration v);
std::string to_text(const std::string& v);
std::string to_text(const net::IpAddress& v);
std::string to_text(const net::SocketAddress& v);
std::string to_text(const VirtualIp& v);
std::string to_text(const RouteConfig& v);
std::string to_text(const RuleConfig& v);
std::string to_text(const TrackRef& v);
std::string to_text(const NameRef& v);
std::string to_text(const LogTarget& v);
std::string to_text(LogLevel v);

template <typename E>
    requires std::is_enum_v<E>
std::string to_text(E v) {
    return std::to_string(static_cast<int>(v));
}
template <typename V>
std::string to_text(const std::optional<V>& v) {
    return v ? to_text(*v) : "-";
}
template <typename V>
std::string to_text(const std::vector<V>& v) {
    std::string out;
    for (const auto& item : v) out += (out.empty() ? "" : ", ") + to_text(item);
    return out;
}

// ------------------------------------------------------------ binding fields

template <typename>
struct MemberOf;
template <typename T, typename M>
struct MemberOf<M T::*> {
    using Owner = T;
    using Type = M;
};

template <auto Member>
std::string show_member(const typename MemberOf<decltype(Member)>::Owner& section) {
    return to_text(section.*Member);
}

// Stores the kind's parse in the member, by the member's type: integers and
// durations their number, booleans theirs, enums the index of the choice
// (the choices are listed in the enum's order), strings the text.
template <auto Member>
void store_member(typename MemberOf<decltype(Member)>::Owner& section, Value& v) {
    using M = typename MemberOf<decltype(Member)>::Type;
    auto p = v.parsed();
    if (!p) return;
    if constexpr (std::is_same_v<M, std::string>) section.*Member = v.text();
    else if constexpr (std::is_same_v<M, bool>) section.*Member = p->number != 0;
    else if constexpr (std::is_same_v<M, Duration> || std::is_same_v<M, std::optional<Duration>>) section.*Member = Duration{p->number};
    else if constexpr (std::is_enum_v<M>) section.*Member = static_cast<M>(p->number);
    else section.*Member = static_cast<M>(p->number);
}

// The value goes to Member as its kind parses it.
template <auto Member>
constexpr Field<typename MemberOf<decltype(Member)>::Owner> stored() {
    return {store_member<Member>, show_member<Member>};
}

// The value goes to Member through `apply` (syntax of the section's own).
template <auto Member>
constexpr Field<typename MemberOf<decltype(Member)>::Owner> parsed_by(void (*apply)(typename MemberOf<decltype(Member)>::Owner&, Value&)) {
    return {apply, show_member<Member>};
}

// ------------------------------------------------------------ using tables

// The values in force of every key of one reload class, in table order.
template <typename T>
std::string fingerprint(const KeyTable<T>& table, const T& section, Reload reload) {
    std::string out;
    for (const auto& k : table)
        if (k.reload == reload) out += std::string(k.name) + "=" + k.field.show(section) + "\n";
    return out;
}

// A key's description without its section's model type: `vigild --keywords`
// and the docs check read these, for core keys and plugin keys alike.
struct KeyInfo {
    std::string name;
    ValueKind kind;
    Reload reload;
    std::string default_value;
    std::string description;
    KeyLimits limits;
    bool repeatable = false;
    bool required = false;
};

template <typename T>
std::vector<KeyInfo> describe(const KeyTable<T>& table) {
    std::vector<KeyInfo> out;
    for (const auto& k : table)
        out.push_back({k.name, k.kind, k.reload, k.default_value, k.description, k.limits, k.repeatable, k.required});
    return out;
}

// "applied live", "restarts the instance", "needs a daemon restart".
std::string reload_words(Reload reload, const std::string& what_restarts);

}  // namespace vigil::config
