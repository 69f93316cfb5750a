// SPDX-License-Identifier: Apache-2.0
// [anycast NAME]: service prefixes announced (through BIRD or FRR) while
// every tracked tracker is UP.
#include <cstdlib>

#include "config/section_keys.h"
#include "config/values.h"

namespace vigil::config {
namespace {

using A = AnycastConfig;

void apply_prefix(A& c, Value& v) {
    auto words = split_words(v.text());
    if (words.empty()) v.error("needs ADDR[/LEN] ...");
    for (const auto& w : words) {
        auto prefix = net::IpPrefix::parse(w);
        if (!prefix) {
            v.error("'" + w + "' is not an address with an optional /LEN");
            continue;
        }
        if (v.host_address(prefix->address.str())) c.prefixes.push_back({*prefix, v.where()});
    }
}

void apply_track(A& c, Value& v) {
    for (const auto& w : split_words(v.text()))
        if (w.find(':') != std::string::npos) {
            v.error("'" + w + "': an anycast section has no priority; a tracker keeps it announced or not (no :WEIGHT)");
            return;
        }
    auto more = v.names(false);
    c.track.insert(c.track.end(), more.begin(), more.end());
}

void apply_notify(A& c, Value& v) {
    auto more = v.names(true);
    c.notify.insert(c.notify.end(), more.begin(), more.end());
}

// "address IFACE" or "route TABLE".
void apply_announce(A& c, Value& v) {
    auto words = split_words(v.text());
    if (words.size() != 2 || (words[0] != "address" && words[0] != "route")) {
        v.error("needs 'address IFACE' or 'route TABLE'");
        return;
    }
    if (words[0] == "address") {
        if (!v.interface_name(words[1])) return;
        c.mode = AnnounceMode::Address;
        c.interface = words[1];
        c.table = 0;
        return;
    }
    char* end = nullptr;
    long table = std::strtol(words[1].c_str(), &end, 10);
    if (words[1].empty() || *end != '\0' || table < 1 || table > 252) {
        // 253-255 are the kernel's default, main and local tables: a route
        // there would change this host's own forwarding.
        v.error("'" + words[1] + "' is not a table number 1-252 (253-255 are the kernel's default, main and local tables)");
        return;
    }
    c.mode = AnnounceMode::Route;
    c.table = static_cast<uint32_t>(table);
    c.interface = "lo";
}

std::string show_announce(const A& c) {
    return c.mode == AnnounceMode::Route ? "route " + std::to_string(c.table) : "address " + c.interface;
}

std::string show_prefixes(const A& c) {
    std::string out;
    for (const auto& p : c.prefixes) out += (out.empty() ? "" : " ") + p.prefix.str();
    return out;
}

}  // namespace

const KeyTable<AnycastConfig>& anycast_keys() {
    static const KeyTable<A> table = {
        {"prefix", ValueKind::Prefixes, Reload::Live, "",
         "ADDR[/LEN] ..., IPv4 or IPv6; no LEN means /32 or /128. A reload announces new ones and withdraws dropped ones; "
         "the others are not touched",
         {apply_prefix, show_prefixes}, {}, kRepeatable | kRequired},
        {"track", ValueKind::Names, Reload::Live, "",
         "trackers; the prefixes are announced while every one is UP (after its first check), withdrawn when one is DOWN",
         parsed_by<&A::track>(apply_track), {}, kRepeatable},
        {"announce", ValueKind::Announce, Reload::Restart, "address lo",
         "address IFACE: each prefix as an address on IFACE (BIRD protocol direct, FRR redistribute connected); "
         "route TABLE: a route in kernel table TABLE (1-252), protocol 118 (BIRD protocol kernel with learn, FRR "
         "redistribute table)",
         {apply_announce, show_announce}},
        {"notify", ValueKind::Names, Reload::Live, "[global] notify",
         "notifier names for this section's ANNOUNCED / WITHDRAWN events; empty: none",
         parsed_by<&A::notify>(apply_notify), {}, kRepeatable},
    };
    return table;
}

std::string restart_fingerprint(const AnycastConfig& anycast) { return fingerprint(anycast_keys(), anycast, Reload::Restart); }

}  // namespace vigil::config
