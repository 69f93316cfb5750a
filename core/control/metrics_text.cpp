// SPDX-License-Identifier: Apache-2.0
#include "control/metrics_text.h"

#include <cstdint>
#include <initializer_list>
#include <sstream>

namespace vigil::control {

namespace {

constexpr size_t kMaxReason = 200;

// Text from a plugin (a tracker's reason) as a label value: UTF-8, as the
// format requires (a bad byte becomes U+FFFD), and cut to `max` bytes on a
// character boundary so that one long reason does not bloat every scrape.
std::string utf8_cut(const std::string& v, size_t max) {
    std::string out;
    size_t i = 0;
    while (i < v.size()) {
        auto c = static_cast<unsigned char>(v[i]);
        size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
        bool valid = n > 0 && i + n <= v.size();
        for (size_t k = 1; valid && k < n; ++k) valid = (static_cast<unsigned char>(v[i + k]) & 0xc0) == 0x80;
        // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 either.
        if (valid && n > 1) {
            auto c1 = static_cast<unsigned char>(v[i + 1]);
            valid = !(c < 0xc2 || (c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0) || (c == 0xf0 && c1 < 0x90) ||
                      (c == 0xf4 && c1 >= 0x90) || c > 0xf4);
        }
        std::string piece = valid ? v.substr(i, n) : "\xef\xbf\xbd";
        if (out.size() + piece.size() > max) break;
        out += piece;
        i += valid ? n : 1;
    }
    return out;
}

std::string label(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

void family(std::ostringstream& o, const char* name, const char* type, const char* help) {
    o << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
}

// A family with one sample per item, labelled with the item's name.
template <typename Item>
struct PerItem {
    const char* name;
    const char* type;
    const char* help;
    uint64_t (*value)(const Item&);
};

template <typename Item>
void per_item(std::ostringstream& o, const PerItem<Item>& metric, const char* label_name, const std::vector<Item>& items) {
    family(o, metric.name, metric.type, metric.help);
    for (const auto& item : items)
        o << metric.name << "{" << label_name << "=\"" << label(item.name) << "\"} " << metric.value(item) << "\n";
}

template <typename Item>
void per_item(std::ostringstream& o, std::initializer_list<PerItem<Item>> metrics, const char* label_name,
              const std::vector<Item>& items) {
    for (const auto& m : metrics) per_item(o, m, label_name, items);
}

constexpr vrrp::State kStates[] = {vrrp::State::Init, vrrp::State::Backup, vrrp::State::Master, vrrp::State::Fault, vrrp::State::Stopped};

// keepalived's numbers (VRRP_STATE_*), which its exporters' keepalived_vrrp_state carries.
int state_number(vrrp::State state) {
    switch (state) {
        case vrrp::State::Init: return 0;
        case vrrp::State::Backup: return 1;
        case vrrp::State::Master: return 2;
        case vrrp::State::Fault: return 3;
        case vrrp::State::Stopped: return 98;
    }
    return -1;
}

void instance_metrics(std::ostringstream& o, const std::vector<InstanceStatus>& instances) {
    family(o, "vigil_instance_state", "gauge", "1 for the state the instance is in");
    for (const auto& i : instances)
        for (auto st : kStates)
            o << "vigil_instance_state{vrrp_instance=\"" << label(i.name) << "\",state=\"" << vrrp::state_name(st) << "\"} "
              << (i.state == st ? 1 : 0) << "\n";
    family(o, "vigil_vip_state", "gauge",
           "state of the instance that adds this address as MASTER: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT, 98 STOP");
    for (const auto& i : instances)
        for (const auto& a : i.addresses)
            o << "vigil_vip_state{vrrp_instance=\"" << label(i.name) << "\",interface=\"" << label(a.interface) << "\",vrid=\"" << i.vrid
              << "\",address=\"" << a.address << "\",excluded=\"" << (a.excluded ? "true" : "false") << "\"} " << state_number(i.state)
              << "\n";
    family(o, "vigil_instance_priority", "gauge", "base and effective VRRP priority");
    for (const auto& i : instances) {
        o << "vigil_instance_priority{vrrp_instance=\"" << label(i.name) << "\",kind=\"base\"} " << i.base_priority << "\n";
        o << "vigil_instance_priority{vrrp_instance=\"" << label(i.name) << "\",kind=\"effective\"} " << i.effective_priority << "\n";
    }
    using I = InstanceStatus;
    per_item<InstanceStatus>(
        o,
        {{"vigil_instance_maintenance", "gauge", "1 while the instance is held in maintenance",
          [](const I& i) -> uint64_t { return i.maintenance ? 1 : 0; }},
         {"vigil_instance_transitions_total", "counter", "state changes", [](const I& i) -> uint64_t { return i.transitions; }},
         {"vigil_instance_become_master_total", "counter", "changes to MASTER", [](const I& i) -> uint64_t { return i.became_master; }},
         {"vigil_instance_release_master_total", "counter", "changes from MASTER to any other state",
          [](const I& i) -> uint64_t { return i.released_master; }},
         {"vigil_adverts_sent_total", "counter", "VRRP advertisements sent", [](const I& i) -> uint64_t { return i.adverts_sent; }},
         {"vigil_adverts_received_total", "counter", "VRRP advertisements received and accepted",
          [](const I& i) -> uint64_t { return i.adverts_received; }},
         {"vigil_adverts_send_failures_total", "counter", "VRRP advertisements that could not be sent",
          [](const I& i) -> uint64_t { return i.send_errors; }},
         {"vigil_priority_zero_sent_total", "counter", "priority-0 advertisements sent (resigning MASTER)",
          [](const I& i) -> uint64_t { return i.priority_zero_sent; }},
         {"vigil_priority_zero_received_total", "counter", "priority-0 advertisements received and accepted (a master resigned)",
          [](const I& i) -> uint64_t { return i.priority_zero_received; }},
         {"vigil_gratuitous_arps_sent_total", "counter", "gratuitous ARPs sent for the instance's IPv4 VIPs",
          [](const I& i) -> uint64_t { return i.arps_sent; }},
         {"vigil_unsolicited_nas_sent_total", "counter", "unsolicited neighbour advertisements sent for the instance's IPv6 VIPs",
          [](const I& i) -> uint64_t { return i.nas_sent; }},
         {"vigil_announce_failures_total", "counter", "gratuitous ARPs and unsolicited NAs that could not be sent",
          [](const I& i) -> uint64_t { return i.announce_failures; }}},
        "vrrp_instance", instances);
}

void drop_metrics(std::ostringstream& o, const DaemonStatus& s) {
    family(o, "vigil_adverts_dropped_total", "counter", "VRRP packets dropped, by instance (or interface) and reason");
    for (const auto& i : s.instances)
        for (const auto& [reason, n] : i.drops)
            o << "vigil_adverts_dropped_total{vrrp_instance=\"" << label(i.name) << "\",reason=\"" << reason << "\"} " << n << "\n";
    for (const auto& e : s.endpoints)
        for (const auto& [reason, n] : e.drops)
            o << "vigil_adverts_dropped_total{interface=\"" << label(e.interface) << "\",family=\"" << e.family << "\",reason=\"" << reason
              << "\"} " << n << "\n";
}

void tracker_metrics(std::ostringstream& o, const std::vector<TrackerStatus>& trackers) {
    per_item<TrackerStatus>(o,
                            {{"vigil_tracker_up", "gauge", "1 while the tracker is UP", [](const TrackerStatus& t) -> uint64_t { return t.up ? 1 : 0; }},
                             {"vigil_tracker_checks_total", "counter", "results the tracker reported",
                              [](const TrackerStatus& t) -> uint64_t { return t.checks; }}},
                            "tracker", trackers);
    family(o, "vigil_tracker_reports_dropped_total", "counter",
           "reports a plugin sent that answered no check: a second one for a check (duplicate) or one after its timeout (late)");
    for (const auto& t : trackers) {
        o << "vigil_tracker_reports_dropped_total{tracker=\"" << label(t.name) << "\",reason=\"duplicate\"} " << t.duplicate_reports << "\n";
        o << "vigil_tracker_reports_dropped_total{tracker=\"" << label(t.name) << "\",reason=\"late\"} " << t.late_reports << "\n";
    }
    family(o, "vigil_tracker_reason", "gauge", "1, labelled with why the tracker is UP or DOWN: the result that set or first confirmed its state");
    for (const auto& t : trackers)
        o << "vigil_tracker_reason{tracker=\"" << label(t.name) << "\",reason=\"" << label(utf8_cut(t.reason, kMaxReason)) << "\"} 1\n";
    family(o, "vigil_tracker_check_latency_seconds", "gauge", "how long the last check took");
    for (const auto& t : trackers)
        if (t.last_latency_us >= 0)
            o << "vigil_tracker_check_latency_seconds{tracker=\"" << label(t.name) << "\"} " << t.last_latency_us / 1e6 << "\n";
}

void anycast_metrics(std::ostringstream& o, const std::vector<AnycastStatus>& sections) {
    using A = AnycastStatus;
    per_item<AnycastStatus>(
        o,
        {{"vigil_anycast_announced", "gauge", "1 while the anycast section's prefixes are to be announced (state ANNOUNCED)",
          [](const A& a) -> uint64_t { return a.state == "ANNOUNCED" ? 1 : 0; }},
         {"vigil_anycast_maintenance", "gauge", "1 while the anycast section is withdrawn for maintenance",
          [](const A& a) -> uint64_t { return a.maintenance ? 1 : 0; }},
         {"vigil_anycast_transitions_total", "counter", "changes between ANNOUNCED and WITHDRAWN",
          [](const A& a) -> uint64_t { return a.transitions; }},
         {"vigil_anycast_announce_failures_total", "counter", "adds and removes of a prefix the kernel refused",
          [](const A& a) -> uint64_t { return a.announce_failures; }}},
        "anycast", sections);
    family(o, "vigil_anycast_prefix_announced", "gauge", "1 while the prefix is in the kernel (an address or a route) for the section");
    for (const auto& a : sections)
        for (const auto& p : a.prefixes)
            o << "vigil_anycast_prefix_announced{anycast=\"" << label(a.name) << "\",prefix=\"" << p.prefix << "\",announce=\""
              << label(a.announce) << "\"} " << (p.announced ? 1 : 0) << "\n";
    family(o, "vigil_anycast_reason", "gauge", "1, labelled with why the anycast section is announced or withdrawn");
    for (const auto& a : sections)
        o << "vigil_anycast_reason{anycast=\"" << label(a.name) << "\",reason=\"" << label(utf8_cut(a.reason, kMaxReason)) << "\"} 1\n";
}

void plugin_metrics(std::ostringstream& o, const std::vector<PluginStatus>& plugins) {
    family(o, "vigil_plugin_info", "gauge", "1 for each plugin file loaded, with its name and version");
    for (const auto& p : plugins)
        o << "vigil_plugin_info{plugin=\"" << label(p.name) << "\",version=\"" << label(p.version) << "\",path=\"" << label(p.path)
          << "\"} 1\n";
}

void notifier_metrics(std::ostringstream& o, const std::vector<NotifierStatus>& notifiers) {
    per_item<NotifierStatus>(
        o,
        {{"vigil_notifier_queue_length", "gauge", "events waiting for delivery", [](const NotifierStatus& n) -> uint64_t { return n.queued; }},
         {"vigil_notifier_delivered_total", "counter", "events delivered", [](const NotifierStatus& n) -> uint64_t { return n.delivered; }},
         {"vigil_notifier_failures_total", "counter", "failed delivery attempts",
          [](const NotifierStatus& n) -> uint64_t { return n.failed_attempts; }},
         {"vigil_notifier_abandoned_total", "counter", "events given up on after every retry",
          [](const NotifierStatus& n) -> uint64_t { return n.abandoned; }}},
        "notifier", notifiers);
}

void worker_metrics(std::ostringstream& o, const WorkerStatus& w) {
    family(o, "vigil_worker_restarts_total", "counter", "workers the supervisor restarted, by how the last one ended");
    o << "vigil_worker_restarts_total{cause=\"signal\"} " << w.by_signal << "\n";
    o << "vigil_worker_restarts_total{cause=\"exit\"} " << w.by_exit << "\n";
    o << "vigil_worker_restarts_total{cause=\"stall\"} " << w.by_stall << "\n";
}

}  // namespace

std::string metrics_text(const DaemonStatus& s) {
    std::ostringstream o;
    instance_metrics(o, s.instances);
    drop_metrics(o, s);
    tracker_metrics(o, s.trackers);
    anycast_metrics(o, s.anycast);
    plugin_metrics(o, s.plugins);
    notifier_metrics(o, s.notifiers);
    worker_metrics(o, s.worker);
    return o.str();
}

}  // namespace vigil::control
