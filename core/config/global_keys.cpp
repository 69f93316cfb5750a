// SPDX-License-Identifier: Apache-2.0
// [global]: settings of the whole daemon.
#include "config/route_keys.h"
#include "config/section_keys.h"
#include "config/virtual_ip_keys.h"
#include "config/values.h"

namespace vigil::config {
namespace {

void apply_log(GlobalConfig& g, Value& v) {
    if (!v.present()) return;
    if (v.text() == "stderr") g.log = {LogTarget::Kind::Stderr, ""};
    else if (v.text() == "syslog") g.log = {LogTarget::Kind::Syslog, ""};
    else if (v.text().rfind("file:/", 0) == 0) g.log = {LogTarget::Kind::File, v.text().substr(5)};
    else v.error("'" + v.text() + "' is not stderr, syslog or file:/ABSOLUTE/PATH");
}

void apply_log_level(GlobalConfig& g, Value& v) {
    if (auto p = v.parsed()) g.log_level = *log::parse_level(v.text());
}

void apply_plugin_path(GlobalConfig& g, Value& v) {
    if (!v.present()) return;
    g.plugin_path.clear();
    std::string_view rest = v.text();
    while (true) {
        auto colon = rest.find(':');
        auto dir = std::string(rest.substr(0, colon));
        if (dir.empty() || dir.front() != '/') v.error("'" + dir + "' is not an absolute directory");
        else g.plugin_path.push_back(dir);
        if (colon == std::string_view::npos) break;
        rest.remove_prefix(colon + 1);
    }
}

void apply_script_user(GlobalConfig& g, Value& v) {
    if (!v.present()) return;
    if (v.text().find_first_of(" \t:/") != std::string::npos) v.error("'" + v.text() + "' is not a user name");
    else g.script_user = v.text();
}

void apply_notify(GlobalConfig& g, Value& v) {
    auto more = v.names(true);
    g.notify.insert(g.notify.end(), more.begin(), more.end());
}

void apply_metrics_listen(GlobalConfig& g, Value& v) {
    if (!v.present()) return;
    if (auto a = net::SocketAddress::parse(v.text())) g.metrics_listen = *a;
    else v.error("'" + v.text() + "' is not ADDR:PORT (IPv6 as [ADDR]:PORT)");
}

void apply_stall_timeout(GlobalConfig& g, Value& v) {
    auto p = v.parsed();
    if (!p) return;
    // The worker's heartbeat needs room (it beats every quarter of it, 10 ms at least).
    if (p->number != 0 && p->number < 100) v.error("'" + v.text() + "' is below 100ms (0 turns the stall watch off)");
    else g.stall_timeout = Duration{p->number};
}

}  // namespace

const KeyTable<GlobalConfig>& global_keys() {
    using G = GlobalConfig;
    static const KeyTable<G> table = {
        {"router_id", ValueKind::Text, Reload::Live, "the hostname", "this host's name in events (their host field)",
         stored<&G::router_id>()},
        {"log", ValueKind::LogTarget, Reload::Live, "stderr", "stderr, syslog or file:/PATH (syslog when detached)",
         parsed_by<&G::log>(apply_log)},
        {"log_level", ValueKind::Choice, Reload::Live, "info", "the least severe level logged", parsed_by<&G::log_level>(apply_log_level),
         {0, 0, {"debug", "info", "notice", "warning", "error"}}},
        {"control_socket", ValueKind::Path, Reload::DaemonRestart, "/run/vigil/vigil.sock", "the control socket vigilctl talks to",
         stored<&G::control_socket>()},
        {"plugin_path", ValueKind::PathList, Reload::Live, "",
         "colon list of absolute directories, searched for plugins before the built-in one", parsed_by<&G::plugin_path>(apply_plugin_path)},
        {"script_user", ValueKind::UserName, Reload::DaemonRestart, "vigil-script if it exists, else nobody",
         "the user that runs exec trackers and notifiers", parsed_by<&G::script_user>(apply_script_user)},
        {"notify", ValueKind::Names, Reload::Live, "", "notifier names, the default for instances without notify",
         parsed_by<&G::notify>(apply_notify), {}, kRepeatable},
        {"metrics_listen", ValueKind::SocketAddress, Reload::DaemonRestart, "off",
         "ADDR:PORT or [V6ADDR]:PORT where Prometheus text is served", parsed_by<&G::metrics_listen>(apply_metrics_listen)},
        {"state_dir", ValueKind::Path, Reload::Live, "/var/lib/vigil", "where persistent state (maintenance flags) is kept",
         stored<&G::state_dir>()},
        {"stall_timeout", ValueKind::Duration, Reload::Live, "twice the smallest advert_int, at least 200ms",
         "how long the worker's loop may stand still before the supervisor ends it and resigns for it; 0 never, else at least 100ms",
         parsed_by<&G::stall_timeout>(apply_stall_timeout)},
        {"startup_delay", ValueKind::Duration, Reload::DaemonRestart, "0",
         "after vigild starts, every instance stays BACKUP (listening, sending nothing) this long",
         stored<&G::startup_delay>(), {0, 3'600'000}},
        {"garp_interval", ValueKind::Duration, Reload::Live, "0",
         "the least gap between two gratuitous ARPs on one interface; 0 sends a burst at once",
         stored<&G::garp_interval>(), {0, 60'000}},
        {"gna_interval", ValueKind::Duration, Reload::Live, "0",
         "the least gap between two unsolicited neighbour advertisements on one interface",
         stored<&G::gna_interval>(), {0, 60'000}},
        {"static_address", ValueKind::VirtualIp, Reload::Live, "",
         "ADDR[/PREFIX] dev IF [label LABEL], held whatever the VRRP state: added at start, removed at a clean stop "
         "(keepalived's static_ipaddress)",
         parsed_by<&G::static_addresses>(apply_virtual_ip<G, &G::static_addresses, true>), {}, kRepeatable},
        {"static_route", ValueKind::Route, Reload::Live, "",
         "a route (as an instance's route) held whatever the VRRP state (keepalived's static_routes)",
         parsed_by<&G::static_routes>(apply_route<G, &G::static_routes>), {}, kRepeatable},
        {"static_rule", ValueKind::Rule, Reload::Live, "",
         "a policy rule (as an instance's rule) held whatever the VRRP state (keepalived's static_rules)",
         parsed_by<&G::static_rules>(apply_rule<G, &G::static_rules>), {}, kRepeatable},
    };
    return table;
}

std::vector<std::string> changed_needing_restart(const GlobalConfig& running, const GlobalConfig& loaded) {
    std::vector<std::string> out;
    for (const auto& k : global_keys())
        if (k.reload == Reload::DaemonRestart && k.field.show(running) != k.field.show(loaded)) out.emplace_back(k.name);
    return out;
}

}  // namespace vigil::config
