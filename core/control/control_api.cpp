// SPDX-License-Identifier: Apache-2.0
#include "control/control_api.h"

#include <filesystem>
#include <fstream>

#include "control/commands.h"
#include "control/request.h"
#include "control/status_collect.h"
#include "control/status_json.h"
#include "log/logger.h"

namespace vigil::control {

using nlohmann::json;

json ControlApi::handle(const json& request) {
    const std::string name = request["cmd"];
    const auto* command = find_daemon_command(name);
    if (!command) return unknown_command_reply(name);
    switch (command->id) {
        case CommandId::Status: {
            auto reply = status_json(status());
            reply["ok"] = true;
            return reply;
        }
        case CommandId::Reload: return reload();
        case CommandId::Maintenance: return maintenance(request);
        case CommandId::Events:            // ControlServer subscribes the client itself
        case CommandId::ImportKeepalived:  // vigilctl's own
            break;
    }
    return unknown_command_reply(name);
}

DaemonStatus ControlApi::status() const {
    return collect_status({daemon_, vrrp_, tracking_, notify_, plugins_, worker_, anycast_});
}

json ControlApi::reload() {
    auto outcome = daemon_.reload();
    json errors = json::array(), warnings = json::array();
    for (const auto& d : outcome.diagnostics) (d.severity == config::Severity::Error ? errors : warnings).push_back(d.str());
    return {{"ok", outcome.applied}, {"errors", errors}, {"warnings", warnings}};
}

json ControlApi::maintenance(const json& request) {
    auto parsed = parse_maintenance(request, [this](const std::string& name) {
        if (vrrp_.instance(name)) return MaintenanceTarget::Instance;
        if (anycast_ && anycast_->section(name)) return MaintenanceTarget::Anycast;
        return MaintenanceTarget::None;
    });
    if (!parsed.request) return parsed.error;
    const auto& m = *parsed.request;
    // No names: every instance and every anycast section. Otherwise each
    // subsystem gets its own names only: an empty list would mean all.
    std::vector<std::string> instances, anycast;
    if (m.all() || !m.instances.empty()) instances = vrrp_.set_maintenance(m.instances, m.on);
    if (anycast_ && (m.all() || !m.anycast.empty())) anycast = anycast_->set_maintenance(m.anycast, m.on);
    save_maintenance();
    return {{"ok", true}, {"instances", instances}, {"anycast", anycast}, {"maintenance", m.on}};
}

std::string ControlApi::maintenance_file() const { return daemon_.config().global.state_dir + "/maintenance"; }

void ControlApi::save_maintenance() const {
    std::error_code ec;
    std::filesystem::create_directories(daemon_.config().global.state_dir, ec);
    auto tmp = maintenance_file() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        for (const auto& name : vrrp_.maintenance()) out << name << "\n";
        if (anycast_)
            for (const auto& name : anycast_->maintenance()) out << name << "\n";
        if (!out) {
            VLOG_ERROR("cannot save maintenance flags to %s", maintenance_file().c_str());
            return;
        }
    }
    std::filesystem::rename(tmp, maintenance_file(), ec);  // atomically: a crash leaves the old or the new list
    if (ec) VLOG_ERROR("cannot save maintenance flags to %s: %s", maintenance_file().c_str(), ec.message().c_str());
}

std::vector<std::string> ControlApi::saved_maintenance(const std::string& state_dir) {
    std::ifstream in(state_dir + "/maintenance");
    std::vector<std::string> names;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) names.push_back(line);
    return names;
}

void ControlApi::restore_maintenance() {
    auto names = saved_maintenance(daemon_.config().global.state_dir);
    if (names.empty()) return;
    // Each subsystem takes the names it has; a name neither has (its section
    // left the configuration) is dropped at the next save.
    auto instances = vrrp_.set_maintenance(names, true);
    auto anycast = anycast_ ? anycast_->set_maintenance(names, true) : std::vector<std::string>{};
    VLOG_NOTICE("restored maintenance for %zu instance(s) and %zu anycast section(s) from %s", instances.size(), anycast.size(),
                maintenance_file().c_str());
}

}  // namespace vigil::control
