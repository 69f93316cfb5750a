#include "control/metrics_text.h"

#include <cstdint>
#include <initializer_list>
#include <sstream>

namespace vigil::control {

namespace {

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

void instance_metrics(std::ostringstream& o, const std::vector<InstanceStatus>& instances) {
    family(o, "vigil_instance_state", "gauge", "1 for the state the instance is in");
    for (const auto& i : instances)
        for (auto st : kStates)
            o << "vigil_instance_state{instance=\"" << label(i.name) << "\",state=\"" << vrrp::state_name(st) << "\"} "
              << (i.state == st ? 1 : 0) << "\n";
    family(o, "vigil_instance_priority", "gauge", "base and effective VRRP priority");
    for (const auto& i : instances) {
        o << "vigil_instance_priority{instance=\"" << label(i.name) << "\",kind=\"base\"} " << i.base_priority << "\n";
        o << "vigil_instance_priority{instance=\"" << label(i.name) << "\",kind=\"effective\"} " << i.effective_priority << "\n";
    }
    per_item<InstanceStatus>(
        o,
        {{"vigil_instance_maintenance", "gauge", "1 while the instance is held in maintenance",
          [](const InstanceStatus& i) -> uint64_t { return i.maintenance ? 1 : 0; }},
         {"vigil_instance_transitions_total", "counter", "state changes", [](const InstanceStatus& i) -> uint64_t { return i.transitions; }},
         {"vigil_adverts_sent_total", "counter", "VRRP advertisements sent", [](const InstanceStatus& i) -> uint64_t { return i.adverts_sent; }},
         {"vigil_adverts_received_total", "counter", "VRRP advertisements received and accepted",
          [](const InstanceStatus& i) -> uint64_t { return i.adverts_received; }}},
        "instance", instances);
}

void drop_metrics(std::ostringstream& o, const DaemonStatus& s) {
    family(o, "vigil_adverts_dropped_total", "counter", "VRRP packets dropped, by instance (or interface) and reason");
    for (const auto& i : s.instances)
        for (const auto& [reason, n] : i.drops)
            o << "vigil_adverts_dropped_total{instance=\"" << label(i.name) << "\",reason=\"" << reason << "\"} " << n << "\n";
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
    family(o, "vigil_tracker_check_latency_seconds", "gauge", "how long the last check took");
    for (const auto& t : trackers)
        if (t.last_latency_us >= 0)
            o << "vigil_tracker_check_latency_seconds{tracker=\"" << label(t.name) << "\"} " << t.last_latency_us / 1e6 << "\n";
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
    plugin_metrics(o, s.plugins);
    notifier_metrics(o, s.notifiers);
    worker_metrics(o, s.worker);
    return o.str();
}

}  // namespace vigil::control
