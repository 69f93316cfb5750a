// SPDX-License-Identifier: Apache-2.0
#include "control/request.h"

namespace vigil::control {

using nlohmann::json;

Framed take_lines(std::string& pending, size_t max_request) {
    Framed out;
    size_t start = 0;
    for (size_t newline; (newline = pending.find('\n', start)) != std::string::npos; start = newline + 1)
        out.lines.push_back(pending.substr(start, newline - start));
    pending.erase(0, start);
    if (pending.size() > max_request) {
        out.overflow = true;
        pending.clear();
    }
    return out;
}

json request_too_long() { return {{"ok", false}, {"error", "request longer than 65536 bytes"}}; }

ParsedRequest parse_request(std::string_view line, size_t max_request) {
    ParsedRequest out;
    if (line.size() > max_request) {
        out.error_reply = request_too_long();
        return out;
    }
    auto request = json::parse(line, nullptr, false);
    if (request.is_discarded() || !request.is_object() || !request.contains("cmd") || !request["cmd"].is_string()) {
        out.error_reply = {{"ok", false}, {"error", "not a request: expected one JSON object with a \"cmd\" string per line"}};
        return out;
    }
    out.request = std::move(request);
    return out;
}

MaintenanceParse parse_maintenance(const json& request, const std::function<MaintenanceTarget(const std::string&)>& target_of) {
    MaintenanceParse out;
    auto fail = [&](const std::string& why) {
        out.error = {{"ok", false}, {"error", why}};
        return out;
    };
    auto on = request.find("on");
    if (on == request.end() || !on->is_boolean()) return fail("maintenance needs \"on\": true|false");
    MaintenanceRequest m;
    m.on = on->get<bool>();
    if (auto names = request.find("instances"); names != request.end()) {
        if (!names->is_array()) return fail("\"instances\" must be a list of names");
        for (const auto& n : *names) {
            if (!n.is_string()) return fail("\"instances\" must be a list of names");
            const auto& name = n.get_ref<const std::string&>();
            switch (target_of(name)) {
                case MaintenanceTarget::Instance: m.instances.push_back(name); break;
                case MaintenanceTarget::Anycast: m.anycast.push_back(name); break;
                case MaintenanceTarget::None: return fail("no instance or anycast section " + name);
            }
        }
    }
    out.request = std::move(m);
    return out;
}

std::string reply_line(const json& reply) {
    return reply.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace vigil::control
