// SPDX-License-Identifier: Apache-2.0
#include "control/status_table.h"

#include <algorithm>
#include <string>

namespace vigil::control {

using nlohmann::json;

namespace {

std::string pad(std::string s, size_t width) {
    if (s.size() < width) s.append(width - s.size(), ' ');
    return s;
}

// " (dropped reports: 3 duplicate, 1 late)", or "" when the plugin sent none.
std::string dropped_reports(const json& tracker) {
    if (!tracker.contains("reports_dropped")) return "";
    std::string counts;
    for (const auto& [reason, n] : tracker["reports_dropped"].items())
        if (n.get<uint64_t>() > 0) counts += (counts.empty() ? "" : ", ") + std::to_string(n.get<uint64_t>()) + " " + reason;
    return counts.empty() ? "" : " (dropped reports: " + counts + ")";
}

// The prefixes of an anycast section, space-separated; one the kernel refused
// is marked with '!'.
std::string anycast_prefixes(const json& a) {
    std::string out;
    for (const auto& p : a["prefixes"]) out += (out.empty() ? "" : " ") + p["prefix"].get<std::string>() + (p["problem"].is_null() ? "" : "!");
    return out;
}

// NAME STATE ANNOUNCE PREFIXES REASON, the kernel's refusals under their
// section; the two middle columns as wide as their longest value.
void print_anycast(const json& sections, std::ostream& out) {
    size_t announce_width = 10, prefixes_width = 10;
    for (const auto& a : sections) {
        announce_width = std::max(announce_width, a["announce"].get<std::string>().size() + 2);
        prefixes_width = std::max(prefixes_width, anycast_prefixes(a).size() + 2);
    }
    out << "\n" << pad("ANYCAST", 12) << pad("STATE", 11) << pad("ANNOUNCE", announce_width) << pad("PREFIXES", prefixes_width) << "REASON\n";
    bool any_maintenance = false;
    for (const auto& a : sections) {
        std::string state = a["state"].get<std::string>() + (a["maintenance"].get<bool>() ? "*" : "");
        any_maintenance = any_maintenance || a["maintenance"].get<bool>();
        out << pad(a["name"], 12) << pad(state, 11) << pad(a["announce"], announce_width) << pad(anycast_prefixes(a), prefixes_width)
            << a["reason"].get<std::string>() << "\n";
        for (const auto& p : a["prefixes"])
            if (!p["problem"].is_null()) out << "  ! " << p["prefix"].get<std::string>() << ": " << p["problem"].get<std::string>() << "\n";
    }
    if (any_maintenance) out << "(* maintenance: withdrawn)\n";
}

}  // namespace

void print_status_table(const json& s, std::ostream& out) {
    out << "router " << s.value("router_id", "") << "\n";
    if (s.contains("worker")) {
        const auto& w = s["worker"];
        out << "worker pid " << w["pid"].get<int>() << (w["supervised"].get<bool>() ? "" : " (no supervisor)") << ", "
            << w["restarts"].get<unsigned>() << " restart(s)";
        if (!w["last_cause"].is_null()) out << "; last " << w["last_time"].get<std::string>() << ": " << w["last_cause"].get<std::string>();
        out << "\n";
    }
    out << "\n";
    out << pad("INSTANCE", 12) << pad("STATE", 9) << pad("PRIO", 9) << pad("MASTER", 26) << "VIPS\n";
    for (const auto& i : s["instances"]) {
        std::string prio = std::to_string(i["priority"]["effective"].get<int>()) + "/" + std::to_string(i["priority"]["base"].get<int>());
        std::string master = i["master"].is_null() ? "-" : i["master"].get<std::string>();
        std::string vips;
        for (const auto& v : i["vips"]) vips += (vips.empty() ? "" : " ") + v.get<std::string>();
        std::string state = i["state"].get<std::string>() + (i["maintenance"].get<bool>() ? "*" : "");
        out << pad(i["name"], 12) << pad(state, 9) << pad(prio, 9) << pad(master, 26) << vips << "\n";
    }
    bool any_maintenance = false;
    for (const auto& i : s["instances"]) any_maintenance = any_maintenance || i["maintenance"].get<bool>();
    if (any_maintenance) out << "(* maintenance: held in BACKUP)\n";
    if (!s["groups"].empty()) {
        out << "\n" << pad("GROUP", 12) << pad("STATE", 9) << "INSTANCES\n";
        for (const auto& g : s["groups"]) {
            std::string members;
            for (const auto& m : g["instances"]) members += (members.empty() ? "" : " ") + m.get<std::string>();
            out << pad(g["name"], 12) << pad(g["state"], 9) << members << "\n";
        }
    }
    if (s.contains("anycast") && !s["anycast"].empty()) print_anycast(s["anycast"], out);
    if (!s["trackers"].empty()) {
        out << "\n" << pad("TRACKER", 20) << pad("TYPE", 11) << pad("STATE", 7) << pad("LATENCY", 10) << "LAST RESULT\n";
        for (const auto& t : s["trackers"]) {
            long long us = t["last"]["latency_us"];
            std::string latency = us < 0 ? "-" : us < 10000 ? std::to_string(us) + "us" : std::to_string(us / 1000) + "ms";
            out << pad(t["name"], 20) << pad(t["type"], 11) << pad(t["state"], 7) << pad(latency, 10)
                << (t["last"]["ok"].get<bool>() ? "ok: " : "failed: ") << t["last"]["reason"].get<std::string>() << dropped_reports(t)
                << "\n";
        }
    }
    if (!s["notifiers"].empty()) {
        out << "\n" << pad("NOTIFIER", 20) << pad("TYPE", 11) << pad("QUEUE", 7) << pad("DELIVERED", 11) << "FAILED/ABANDONED\n";
        for (const auto& n : s["notifiers"])
            out << pad(n["name"], 20) << pad(n["type"], 11) << pad(std::to_string(n["queue"].get<size_t>()), 7)
                << pad(std::to_string(n["delivered"].get<uint64_t>()), 11) << n["failed_attempts"].get<uint64_t>() << "/"
                << n["abandoned"].get<uint64_t>() << "\n";
    }
}

}  // namespace vigil::control
