#include "control/metrics.h"

#include <event2/buffer.h>
#include <event2/http.h>

#include <sstream>

#include "control/control_api.h"

namespace vigil::control {

using nlohmann::json;

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

}  // namespace

MetricsServer::~MetricsServer() {
    if (http_) evhttp_free(http_);
}

std::string MetricsServer::listen(const std::string& address, int port) {
    http_ = evhttp_new(base_);
    if (evhttp_bind_socket(http_, address.c_str(), static_cast<uint16_t>(port)) != 0) {
        evhttp_free(http_);
        http_ = nullptr;
        return "metrics_listen: cannot listen on " + address + ":" + std::to_string(port);
    }
    evhttp_set_allowed_methods(http_, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
    evhttp_set_cb(http_, "/metrics", [](evhttp_request* req, void* self) {
        auto text = static_cast<MetricsServer*>(self)->render();
        evbuffer* body = evbuffer_new();
        evbuffer_add(body, text.data(), text.size());
        evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "text/plain; version=0.0.4");
        evhttp_send_reply(req, HTTP_OK, "OK", body);
        evbuffer_free(body);
    }, this);
    return "";
}

std::string MetricsServer::render() const {
    auto s = api_.status();
    std::ostringstream o;
    static const char* const kStates[] = {"INIT", "BACKUP", "MASTER", "FAULT", "STOP"};
    family(o, "vigil_instance_state", "gauge", "1 for the state the instance is in");
    for (const auto& i : s["instances"])
        for (const char* st : kStates)
            o << "vigil_instance_state{instance=\"" << label(i["name"]) << "\",state=\"" << st << "\"} " << (i["state"] == st ? 1 : 0)
              << "\n";
    family(o, "vigil_instance_priority", "gauge", "base and effective VRRP priority");
    for (const auto& i : s["instances"]) {
        o << "vigil_instance_priority{instance=\"" << label(i["name"]) << "\",kind=\"base\"} " << i["priority"]["base"] << "\n";
        o << "vigil_instance_priority{instance=\"" << label(i["name"]) << "\",kind=\"effective\"} " << i["priority"]["effective"] << "\n";
    }
    family(o, "vigil_instance_maintenance", "gauge", "1 while the instance is held in maintenance");
    for (const auto& i : s["instances"])
        o << "vigil_instance_maintenance{instance=\"" << label(i["name"]) << "\"} " << (i["maintenance"].get<bool>() ? 1 : 0) << "\n";
    family(o, "vigil_instance_transitions_total", "counter", "state changes");
    for (const auto& i : s["instances"]) o << "vigil_instance_transitions_total{instance=\"" << label(i["name"]) << "\"} " << i["transitions"] << "\n";
    family(o, "vigil_adverts_sent_total", "counter", "VRRP advertisements sent");
    for (const auto& i : s["instances"]) o << "vigil_adverts_sent_total{instance=\"" << label(i["name"]) << "\"} " << i["adverts"]["sent"] << "\n";
    family(o, "vigil_adverts_received_total", "counter", "VRRP advertisements received and accepted");
    for (const auto& i : s["instances"])
        o << "vigil_adverts_received_total{instance=\"" << label(i["name"]) << "\"} " << i["adverts"]["received"] << "\n";
    family(o, "vigil_adverts_dropped_total", "counter", "VRRP packets dropped, by instance (or interface) and reason");
    for (const auto& i : s["instances"])
        for (const auto& [reason, n] : i["drops"].items())
            o << "vigil_adverts_dropped_total{instance=\"" << label(i["name"]) << "\",reason=\"" << reason << "\"} " << n << "\n";
    for (const auto& e : s.value("endpoints", json::array()))
        for (const auto& [reason, n] : e["drops"].items())
            o << "vigil_adverts_dropped_total{interface=\"" << label(e["interface"]) << "\",family=\"" << e["family"].get<std::string>()
              << "\",reason=\"" << reason << "\"} " << n << "\n";
    family(o, "vigil_tracker_up", "gauge", "1 while the tracker is UP");
    for (const auto& t : s["trackers"]) o << "vigil_tracker_up{tracker=\"" << label(t["name"]) << "\"} " << (t["state"] == "UP" ? 1 : 0) << "\n";
    family(o, "vigil_tracker_checks_total", "counter", "results the tracker reported");
    for (const auto& t : s["trackers"]) o << "vigil_tracker_checks_total{tracker=\"" << label(t["name"]) << "\"} " << t["checks"] << "\n";
    family(o, "vigil_tracker_reports_dropped_total", "counter",
           "reports a plugin sent that answered no check: a second one for a check (duplicate) or one after its timeout (late)");
    for (const auto& t : s["trackers"])
        for (const auto& [reason, n] : t["reports_dropped"].items())
            o << "vigil_tracker_reports_dropped_total{tracker=\"" << label(t["name"]) << "\",reason=\"" << reason << "\"} " << n << "\n";
    family(o, "vigil_tracker_check_latency_seconds", "gauge", "how long the last check took");
    for (const auto& t : s["trackers"]) {
        long long us = t["last"]["latency_us"];
        if (us >= 0) o << "vigil_tracker_check_latency_seconds{tracker=\"" << label(t["name"]) << "\"} " << us / 1e6 << "\n";
    }
    family(o, "vigil_plugin_info", "gauge", "1 for each plugin file loaded, with its name and version");
    for (const auto& p : s["plugins"])
        o << "vigil_plugin_info{plugin=\"" << label(p["name"]) << "\",version=\"" << label(p["version"]) << "\",path=\"" << label(p["path"])
          << "\"} 1\n";
    family(o, "vigil_notifier_queue_length", "gauge", "events waiting for delivery");
    for (const auto& n : s["notifiers"]) o << "vigil_notifier_queue_length{notifier=\"" << label(n["name"]) << "\"} " << n["queue"] << "\n";
    family(o, "vigil_notifier_delivered_total", "counter", "events delivered");
    for (const auto& n : s["notifiers"]) o << "vigil_notifier_delivered_total{notifier=\"" << label(n["name"]) << "\"} " << n["delivered"] << "\n";
    family(o, "vigil_notifier_failures_total", "counter", "failed delivery attempts");
    for (const auto& n : s["notifiers"])
        o << "vigil_notifier_failures_total{notifier=\"" << label(n["name"]) << "\"} " << n["failed_attempts"] << "\n";
    family(o, "vigil_notifier_abandoned_total", "counter", "events given up on after every retry");
    for (const auto& n : s["notifiers"]) o << "vigil_notifier_abandoned_total{notifier=\"" << label(n["name"]) << "\"} " << n["abandoned"] << "\n";
    family(o, "vigil_worker_restarts_total", "counter", "workers the supervisor restarted, by how the last one ended");
    for (const char* cause : {"signal", "exit", "stall"})
        o << "vigil_worker_restarts_total{cause=\"" << cause << "\"} " << s["worker"]["restarts_by_cause"][cause] << "\n";
    return o.str();
}

}  // namespace vigil::control
