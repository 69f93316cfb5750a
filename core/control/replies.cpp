// SPDX-License-Identifier: Apache-2.0
#include "control/replies.h"

#include "control/status_table.h"

namespace vigil::control {

using nlohmann::json;

namespace {

int refused(const json& reply, std::ostream& err) {
    err << "vigilctl: " << reply.value("error", "refused") << "\n";
    return 1;
}

bool ok(const json& reply) { return reply.value("ok", false); }

}  // namespace

int render_status(const json& reply, const Invocation& invocation, std::ostream& out, std::ostream& err) {
    if (!ok(reply)) return refused(reply, err);
    if (invocation.flag(kJsonFlag)) out << reply.dump(2) << "\n";
    else print_status_table(reply, out);
    return 0;
}

int render_reload(const json& reply, const Invocation&, std::ostream& out, std::ostream& err) {
    // Every problem with its FILE:LINE, whether or not the reload went through.
    for (const auto& e : reply.value("errors", json::array())) err << e.get<std::string>() << "\n";
    for (const auto& w : reply.value("warnings", json::array())) err << w.get<std::string>() << "\n";
    out << (ok(reply) ? "reloaded\n" : "reload refused: the running configuration stays\n");
    return ok(reply) ? 0 : 1;
}

int render_maintenance(const json& reply, const Invocation&, std::ostream& out, std::ostream& err) {
    if (!ok(reply)) return refused(reply, err);
    std::string names;
    for (const auto& n : reply["instances"]) names += " " + n.get<std::string>();
    // A daemon from before anycast sends no "anycast".
    std::string anycast;
    for (const auto& n : reply.value("anycast", json::array())) anycast += " " + n.get<std::string>();
    if (!anycast.empty()) names += (names.empty() ? " anycast" : "; anycast") + anycast;
    out << "maintenance " << (reply["maintenance"].get<bool>() ? "on" : "off") << ":" << (names.empty() ? " (none)" : names) << "\n";
    return 0;
}

int render_subscription(const json& reply, const Invocation&, std::ostream&, std::ostream& err) {
    return ok(reply) ? 0 : refused(reply, err);
}

}  // namespace vigil::control
