#include "control/control_api.h"

#include <filesystem>
#include <fstream>

#include "control/request.h"
#include "log/logger.h"

namespace vigil::control {

using nlohmann::json;

namespace {

json worker_json(const WorkerInfo& w) {
    return {{"pid", w.pid},
            {"supervised", w.supervised},
            {"restarts", w.restarts},
            {"restarts_by_cause", {{"signal", w.by_signal}, {"exit", w.by_exit}, {"stall", w.by_stall}}},
            {"last_cause", w.restarts ? json(w.last_cause) : json(nullptr)},
            {"last_time", w.restarts ? json(log::utc_timestamp(w.last_time_ms)) : json(nullptr)}};
}

}  // namespace

json ControlApi::handle(const json& request) {
    const std::string cmd = request["cmd"];
    if (cmd == "status") return status();
    if (cmd == "reload") return reload();
    if (cmd == "maintenance") return maintenance(request);
    return {{"ok", false}, {"error", "unknown command '" + cmd + "' (status, reload, maintenance, events)"}};
}

json ControlApi::status() const {
    const auto& cfg = daemon_.config();
    json instances = json::array();
    for (const auto* inst : vrrp_.instances()) {
        const auto& m = inst->machine();
        const auto& c = inst->counters();
        json vips = json::array(), drops = json::object();
        for (const auto& v : inst->config().vips) vips.push_back(v.prefix.str());
        for (size_t i = 0; i < vrrp::kDropReasonCount; ++i)
            if (c.drops[i]) drops[vrrp::drop_reason_name(static_cast<vrrp::DropReason>(i))] = c.drops[i];
        instances.push_back({{"name", inst->name()},
                             {"state", vrrp::state_name(m.state())},
                             {"interface", inst->config().interface},
                             {"vrid", inst->config().vrid},
                             {"version", inst->config().version},
                             {"priority", {{"base", inst->config().priority}, {"effective", m.priority()}}},
                             {"master", m.state() == vrrp::State::Master ? json("self")
                                        : m.master_address()           ? json(m.master_address()->str())
                                                                       : json(nullptr)},
                             {"maintenance", m.maintenance()},
                             {"vips", vips},
                             {"adverts", {{"sent", c.adverts_sent}, {"received", c.adverts_received}}},
                             {"transitions", c.transitions},
                             {"drops", drops}});
    }
    json groups = json::array();
    for (const auto& g : cfg.groups) {
        std::string state;
        for (const auto& m : g.instances)
            if (const auto* inst = vrrp_.instance(m.name)) {
                std::string s = vrrp::state_name(inst->machine().state());
                state = state.empty() || state == s ? s : "MIXED";
            }
        groups.push_back({{"name", g.name}, {"state", state}, {"instances", config::names_of(g.instances)}});
    }
    json trackers = json::array();
    for (const auto* t : tracking_.trackers()) {
        const auto& s = t->state();
        trackers.push_back({{"name", t->config().name},
                            {"type", t->config().type},
                            {"plugin", t->plugin()},
                            {"running", t->running()},
                            {"state", s.up() ? "UP" : "DOWN"},
                            {"reason", s.reason()},
                            {"last", {{"ok", s.last_ok()}, {"reason", s.last_reason()}, {"latency_us", t->last_latency_us()}}},
                            {"checks", t->checks()},
                            {"reports_dropped", {{"duplicate", t->dropped().duplicate()}, {"late", t->dropped().late()}}}});
    }
    json notifiers = json::array();
    for (const auto* n : notify_.notifiers())
        notifiers.push_back({{"name", n->config().name},
                             {"type", n->config().type},
                             {"plugin", n->plugin()},
                             {"queue", n->queued()},
                             {"delivered", n->delivered()},
                             {"failed_attempts", n->failures()},
                             {"abandoned", n->abandoned()}});
    json endpoints = json::array();
    for (const auto* ep : vrrp_.endpoints()) {
        json drops = json::object();
        for (size_t i = 0; i < vrrp::kDropReasonCount; ++i)
            if (ep->drops()[i]) drops[vrrp::drop_reason_name(static_cast<vrrp::DropReason>(i))] = ep->drops()[i];
        endpoints.push_back({{"interface", ep->ifname()}, {"family", net::family_name(ep->family())}, {"drops", drops}});
    }
    json plugins = json::array();
    for (const auto& p : plugins_.loaded())
        plugins.push_back({{"path", p.path}, {"name", p.name}, {"version", p.version}, {"trackers", p.trackers}, {"notifiers", p.notifiers}});
    return {{"ok", true},       {"router_id", cfg.global.router_id}, {"worker", worker_json(worker_)}, {"instances", instances},
            {"groups", groups},     {"trackers", trackers},           {"notifiers", notifiers},              {"endpoints", endpoints},
            {"plugins", plugins}};
}

json ControlApi::reload() {
    auto outcome = daemon_.reload();
    json errors = json::array(), warnings = json::array();
    for (const auto& d : outcome.diagnostics) (d.severity == config::Severity::Error ? errors : warnings).push_back(d.str());
    return {{"ok", outcome.applied}, {"errors", errors}, {"warnings", warnings}};
}

json ControlApi::maintenance(const json& request) {
    auto parsed = parse_maintenance(request, [this](const std::string& name) { return vrrp_.instance(name) != nullptr; });
    if (!parsed.request) return parsed.error;
    auto done = vrrp_.set_maintenance(parsed.request->instances, parsed.request->on);
    save_maintenance();
    return {{"ok", true}, {"instances", done}, {"maintenance", parsed.request->on}};
}

std::string ControlApi::maintenance_file() const { return daemon_.config().global.state_dir + "/maintenance"; }

void ControlApi::save_maintenance() const {
    std::error_code ec;
    std::filesystem::create_directories(daemon_.config().global.state_dir, ec);
    auto tmp = maintenance_file() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        for (const auto& name : vrrp_.maintenance()) out << name << "\n";
        if (!out) {
            VLOG_ERROR("cannot save maintenance flags to %s", maintenance_file().c_str());
            return;
        }
    }
    std::filesystem::rename(tmp, maintenance_file(), ec);  // atomically: a crash leaves the old or the new list
    if (ec) VLOG_ERROR("cannot save maintenance flags to %s: %s", maintenance_file().c_str(), ec.message().c_str());
}

void ControlApi::restore_maintenance() {
    std::ifstream in(maintenance_file());
    std::vector<std::string> names;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) names.push_back(line);
    if (names.empty()) return;
    auto done = vrrp_.set_maintenance(names, true);
    VLOG_NOTICE("restored maintenance for %zu instance(s) from %s", done.size(), maintenance_file().c_str());
}

}  // namespace vigil::control
