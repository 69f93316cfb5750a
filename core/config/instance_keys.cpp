// SPDX-License-Identifier: Apache-2.0
// [instance NAME]: one VRRP virtual router.
#include "config/route_keys.h"
#include "config/section_keys.h"
#include "config/virtual_ip_keys.h"
#include "config/values.h"

namespace vigil::config {
namespace {

void apply_auth_pass(InstanceConfig& c, Value& v) {
    if (!v.present()) return;
    c.auth_pass = v.text();
    if (c.auth_pass.size() > 8) {
        // Not quoted back: the warning goes to logs, and the password is a secret.
        v.warning("longer than 8 characters; only the first 8 are used, as keepalived does");
        c.auth_pass.resize(8);
    }
}

void apply_unicast_src(InstanceConfig& c, Value& v) {
    if (v.present())
        if (auto a = v.host_address(v.text())) c.unicast_src = *a;
}

void apply_unicast_peer(InstanceConfig& c, Value& v) {
    auto words = split_words(v.text());
    if (words.empty()) v.error("needs an address");
    for (const auto& w : words)
        if (auto a = v.host_address(w)) c.unicast_peers.push_back(*a);
}

template <std::vector<TrackRef> InstanceConfig::*List, bool Interfaces>
void apply_track(InstanceConfig& c, Value& v) {
    for (auto& t : v.weighted_names(Interfaces)) (c.*List).push_back(std::move(t));
}

void apply_notify(InstanceConfig& c, Value& v) {
    auto more = v.names(true);
    c.notify.insert(c.notify.end(), more.begin(), more.end());
}

void apply_interface(InstanceConfig& c, Value& v) {
    if (v.present() && v.interface_name(v.text())) c.interface = v.text();
}

}  // namespace

const KeyTable<InstanceConfig>& instance_keys() {
    using I = InstanceConfig;
    static const KeyTable<I> table = {
        {"interface", ValueKind::Interface, Reload::Restart, "", "the interface that carries adverts",
         parsed_by<&I::interface>(apply_interface), {}, kRequired},
        {"vrid", ValueKind::Integer, Reload::Restart, "", "virtual router id", stored<&I::vrid>(), {1, 255}, kRequired},
        {"priority", ValueKind::Integer, Reload::Restart, "100", "255 = address owner", stored<&I::priority>(), {1, 255}},
        {"state", ValueKind::Choice, Reload::Restart, "backup", "initial state", stored<&I::state>(), {0, 0, {"master", "backup"}}},
        {"version", ValueKind::Integer, Reload::Restart, "2 for IPv4, 3 for IPv6", "VRRP version", stored<&I::version>(), {2, 3}},
        {"advert_int", ValueKind::Duration, Reload::Restart, "1s",
         "v2: whole seconds 1-255; v3: steps of 10ms, 0.01-40.95s", stored<&I::advert_int>(), {1, 0}},
        {"preempt", ValueKind::Bool, Reload::Restart, "yes", "a higher-priority backup takes over", stored<&I::preempt>()},
        {"preempt_delay", ValueKind::Duration, Reload::Restart, "0", "wait before preempting after start",
         stored<&I::preempt_delay>(), {0, 1'000'000}},
        {"auth_pass", ValueKind::Text, Reload::Restart, "",
         "VRRPv2 PASS password; only the first 8 characters are used", parsed_by<&I::auth_pass>(apply_auth_pass), {}, kSecret},
        {"vip", ValueKind::VirtualIp, Reload::Restart, "", "ADDR[/PREFIX] [dev IF] [label LABEL]; no prefix means /32 or /128",
         parsed_by<&I::vips>(apply_virtual_ip<I, &I::vips>), {}, kRepeatable | kRequired},
        {"excluded_vip", ValueKind::VirtualIp, Reload::Restart, "",
         "as vip: added and removed with the vips, but not carried in adverts (keepalived's virtual_ipaddress_excluded)",
         parsed_by<&I::excluded_vips>(apply_virtual_ip<I, &I::excluded_vips>), {}, kRepeatable},
        {"unicast_src", ValueKind::Address, Reload::Restart, "the primary address",
         "source address of adverts; also the address compared in an equal-priority tie", parsed_by<&I::unicast_src>(apply_unicast_src)},
        {"unicast_peer", ValueKind::Addresses, Reload::Restart, "", "addresses to send adverts to instead of multicast",
         parsed_by<&I::unicast_peers>(apply_unicast_peer), {}, kRepeatable},
        {"check_unicast_src", ValueKind::Bool, Reload::Restart, "yes",
         "with unicast_peer: accept adverts only from a peer's address (keepalived's check_unicast_src)",
         stored<&I::check_unicast_src>()},
        {"track", ValueKind::WeightedNames, Reload::Restart, "", "trackers; WEIGHT (-253..253) overrides the tracker's",
         parsed_by<&I::track>(apply_track<&I::track, false>), {}, kRepeatable},
        {"track_interface", ValueKind::WeightedNames, Reload::Restart, "", "IF[:WEIGHT] ..., shorthand for interface trackers",
         parsed_by<&I::track_interface>(apply_track<&I::track_interface, true>), {}, kRepeatable},
        {"notify", ValueKind::Names, Reload::Live, "[global] notify", "notifier names; notify = (empty) means none",
         parsed_by<&I::notify>(apply_notify), {}, kRepeatable},
        {"garp_repeat", ValueKind::Integer, Reload::Restart, "5", "gratuitous ARP / unsolicited NA burst size",
         stored<&I::garp_repeat>(), {0, 100}},
        {"garp_delay", ValueKind::Duration, Reload::Restart, "5s", "delay before the second burst", stored<&I::garp_delay>()},
        {"garp_refresh", ValueKind::Duration, Reload::Restart, "0", "periodic refresh, 0 = off", stored<&I::garp_refresh>()},
        {"v3_checksum", ValueKind::Choice, Reload::Restart, "pseudo-header",
         "IPv4 VRRPv3 checksum sent (keepalived's default is pseudo-header); both are accepted on receive",
         stored<&I::v3_checksum>(), {0, 0, {"pseudo-header", "rfc9568"}}},
        {"dont_track_primary", ValueKind::Bool, Reload::Restart, "no",
         "the interface going down or losing its carrier does not put the instance in FAULT (keepalived's dont_track_primary)",
         stored<&I::dont_track_primary>()},
        {"route", ValueKind::Route, Reload::Restart, "",
         "added after the VIPs on becoming MASTER, removed on leaving it: DEST|default [via ADDR] [dev IF] [src ADDR] [table N] "
         "[metric N] [scope S] [onlink], or blackhole|unreachable|prohibit DEST [table N] [metric N] (keepalived's virtual_routes)",
         parsed_by<&I::routes>(apply_route<I, &I::routes>), {}, kRepeatable},
        {"rule", ValueKind::Rule, Reload::Restart, "",
         "policy rule added and removed with the routes: [from PREFIX] [to PREFIX] [iif IF] [oif IF] [fwmark N[/M]] "
         "table N|blackhole|unreachable|prohibit priority N (keepalived's virtual_rules)",
         parsed_by<&I::rules>(apply_rule<I, &I::rules>), {}, kRepeatable},
    };
    return table;
}

std::string restart_fingerprint(const InstanceConfig& instance) {
    return fingerprint(instance_keys(), instance, Reload::Restart);
}

}  // namespace vigil::config
