#include "control/metrics_text.h"

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
template <typename Item, typename Value>
void per_item(std::ostringstream& o, const char* name, const char* type, const char* help, const char* label_name,
              const std::vector<Item>& items, Value value) {
    family(o, name, type, help);
    for (const auto& item : items) o << name << "{" << label_name << "=\"" << label(item.name) << "\"} " << value(item) << "\n";
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
    per_item(o, "vigil_instance_maintenance", "gauge", "1 while the instance is held in maintenance", "instance", instances,
             [](const InstanceStatus& i) { return i.maintenance ? 1 : 0; });
    per_item(o, "vigil_instance_transitions_total", "counter", "state changes", "instance", instances,
             [](const InstanceStatus& i) { return i.transitions; });
    per_item(o, "vigil_adverts_sent_total", "counter", "VRRP advertisements sent", "instance", instances,
             [](const InstanceStatus& i) { return i.adverts_sent; });
    per_item(o, "vigil_adverts_received_total", "counter", "VRRP advertisements received and accepted", "instance", instances,
             [](const InstanceStatus& i) { return i.adverts_received; });
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
    per_item(o, "vigil_tracker_up", "gauge", "1 while the tracker is UP", "tracker", trackers, [](const TrackerStatus& t) { return t.up ? 1 : 0; });
    per_item(o, "vigil_tracker_checks_total", "counter", "results the tracker reported", "tracker", trackers,
             [](const TrackerStatus& t) { return t.checks; });
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
    per_item(o, "vigil_notifier_queue_length", "gauge", "events waiting for delivery", "notifier", notifiers,
             [](const NotifierStatus& n) { return n.queued; });
    per_item(o, "vigil_notifier_delivered_total", "counter", "events delivered", "notifier", notifiers,
             [](const NotifierStatus& n) { return n.delivered; });
    per_item(o, "vigil_notifier_failures_total", "counter", "failed delivery attempts", "notifier", notifiers,
             [](const NotifierStatus& n) { return n.failed_attempts; });
    per_item(o, "vigil_notifier_abandoned_total", "counter", "events given up on after every retry", "notifier", notifiers,
             [](const NotifierStatus& n) { return n.abandoned; });
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
