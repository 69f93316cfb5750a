// SPDX-License-Identifier: Apache-2.0
#include "config/key_table.h"

#include "config/values.h"

namespace vigil::config {

bool Value::present() {
    if (!text().empty()) return true;
    error("needs a value");
    return false;
}

std::optional<ParsedValue> Value::parsed() {
    auto p = parse_value(kind_, limits_, text());
    if (p.ok()) return p;
    error(p.problem);
    return std::nullopt;
}

bool Value::interface_name(const std::string& word) {
    if (is_valid_interface_name(word)) return true;
    error("'" + word + "' is not a valid interface name");
    return false;
}

std::optional<net::IpAddress> Value::host_address(const std::string& word) {
    auto a = net::IpAddress::parse(word);
    if (!a) error("'" + word + "' is not an IPv4 or IPv6 address");
    else if (a->is_multicast() || a->is_unspecified() || a->is_broadcast()) error("'" + word + "' is not a unicast address");
    else return a;
    return std::nullopt;
}

// An empty list is allowed only where it means "none" (notify = opts out of
// [global] notify).
std::vector<NameRef> Value::names(bool may_be_empty) {
    auto words = split_words(text());
    if (words.empty() && !may_be_empty) error("needs at least one name");
    std::vector<NameRef> out;
    for (auto& w : words) {
        if (is_valid_name(w)) out.push_back({std::move(w), where()});
        else error("'" + w + "' is not a valid name (letters, digits, '_', '-', '.')");
    }
    return out;
}

std::vector<TrackRef> Value::weighted_names(bool interfaces) {
    auto words = split_words(text());
    if (words.empty()) error("needs at least one name");
    std::vector<TrackRef> out;
    for (const auto& w : words) {
        auto item = parse_weighted_name(w);
        if (!item) {
            error("'" + w + "' is not NAME or NAME:WEIGHT");
            continue;
        }
        if (item->weight && (*item->weight < -253 || *item->weight > 253)) {
            error("weight " + std::to_string(*item->weight) + " of '" + item->name + "' is out of range (-253-253)");
            continue;
        }
        if (interfaces ? !interface_name(item->name) : !is_valid_name(item->name)) {
            if (!interfaces) error("'" + item->name + "' is not a valid name");
            continue;
        }
        std::optional<int> weight;
        if (item->weight) weight = static_cast<int>(*item->weight);
        out.push_back({item->name, weight, where()});
    }
    return out;
}

std::string to_text(int v) { return std::to_string(v); }
std::string to_text(unsigned v) { return std::to_string(v); }
std::string to_text(bool v) { return v ? "yes" : "no"; }
std::string to_text(Duration v) { return format_duration(v); }
std::string to_text(const std::string& v) { return v; }
std::string to_text(const net::IpAddress& v) { return v.str(); }
std::string to_text(const net::SocketAddress& v) { return v.str(); }
std::string to_text(const VirtualIp& v) { return v.prefix.str() + " dev " + v.dev + " label " + v.label; }
std::string to_text(const RouteConfig& v) { return v.route.str(); }
std::string to_text(const RuleConfig& v) { return v.rule.str(); }
std::string to_text(const TrackRef& v) { return v.name + (v.weight ? ":" + std::to_string(*v.weight) : ""); }
std::string to_text(const NameRef& v) { return v.name; }
std::string to_text(const LogTarget& v) { return std::to_string(static_cast<int>(v.kind)) + ":" + v.path; }
std::string to_text(LogLevel v) { return std::to_string(static_cast<int>(v)); }

std::string reload_words(Reload reload, const std::string& what_restarts) {
    switch (reload) {
        case Reload::Live: return "applied live";
        case Reload::Restart: return "restarts the " + what_restarts;
        case Reload::DaemonRestart: return "needs a daemon restart";
    }
    return "?";
}

}  // namespace vigil::config
