// vigilctl: talks to a running vigild over its control socket (SPEC §3).
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "keepalived_import/keepalived_import.h"

using nlohmann::json;

namespace {

const char* kUsage =
    "usage: vigilctl [--socket PATH] COMMAND\n"
    "\n"
    "  status [--json]                  instances, groups, trackers and notifiers\n"
    "  maintenance on|off [INSTANCE...] hold instances (default: all) in BACKUP, or release them;\n"
    "                                   survives a restart of vigild\n"
    "  reload                           re-read the configuration (refused if it has errors)\n"
    "  events                           follow transitions as JSON lines\n"
    "  import-keepalived FILE           print FILE (keepalived.conf) as a vigil.conf; what cannot be\n"
    "                                   expressed goes to stderr as FILE:LINE; exit 0 complete,\n"
    "                                   2 partial, 1 unreadable (needs no running vigild)\n"
    "\n"
    "  --socket PATH   the control socket (default /run/vigil/vigil.sock)\n";

struct Connection {
    int fd = -1;
    std::string buffered;
    ~Connection() {
        if (fd >= 0) close(fd);
    }
    bool open(const std::string& path, std::string& err) {
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
        if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            err = path + ": " + strerror(errno) + (errno == ENOENT || errno == ECONNREFUSED ? " (is vigild running?)" : "");
            return false;
        }
        return true;
    }
    bool send(const json& request) {
        auto line = request.dump() + "\n";
        // MSG_NOSIGNAL: a vigild that refused us has closed already, and its
        // reason waits to be read; SIGPIPE would kill us before we read it.
        return ::send(fd, line.data(), line.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(line.size());
    }
    // One line, or false at end of stream.
    bool read_line(std::string& line) {
        while (true) {
            auto nl = buffered.find('\n');
            if (nl != std::string::npos) {
                line = buffered.substr(0, nl);
                buffered.erase(0, nl + 1);
                return true;
            }
            char buf[4096];
            ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0) return false;
            buffered.append(buf, static_cast<size_t>(n));
        }
    }
};

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

void print_status(const json& s) {
    std::cout << "router " << s.value("router_id", "") << "\n";
    if (s.contains("worker")) {
        const auto& w = s["worker"];
        std::cout << "worker pid " << w["pid"].get<int>() << (w["supervised"].get<bool>() ? "" : " (no supervisor)") << ", "
                  << w["restarts"].get<unsigned>() << " restart(s)";
        if (!w["last_cause"].is_null())
            std::cout << "; last " << w["last_time"].get<std::string>() << ": " << w["last_cause"].get<std::string>();
        std::cout << "\n";
    }
    std::cout << "\n";
    std::cout << pad("INSTANCE", 12) << pad("STATE", 9) << pad("PRIO", 9) << pad("MASTER", 26) << "VIPS\n";
    for (const auto& i : s["instances"]) {
        std::string prio = std::to_string(i["priority"]["effective"].get<int>()) + "/" + std::to_string(i["priority"]["base"].get<int>());
        std::string master = i["master"].is_null() ? "-" : i["master"].get<std::string>();
        std::string vips;
        for (const auto& v : i["vips"]) vips += (vips.empty() ? "" : " ") + v.get<std::string>();
        std::string state = i["state"].get<std::string>() + (i["maintenance"].get<bool>() ? "*" : "");
        std::cout << pad(i["name"], 12) << pad(state, 9) << pad(prio, 9) << pad(master, 26) << vips << "\n";
    }
    bool any_maintenance = false;
    for (const auto& i : s["instances"]) any_maintenance = any_maintenance || i["maintenance"].get<bool>();
    if (any_maintenance) std::cout << "(* maintenance: held in BACKUP)\n";
    if (!s["groups"].empty()) {
        std::cout << "\n" << pad("GROUP", 12) << pad("STATE", 9) << "INSTANCES\n";
        for (const auto& g : s["groups"]) {
            std::string members;
            for (const auto& m : g["instances"]) members += (members.empty() ? "" : " ") + m.get<std::string>();
            std::cout << pad(g["name"], 12) << pad(g["state"], 9) << members << "\n";
        }
    }
    if (!s["trackers"].empty()) {
        std::cout << "\n" << pad("TRACKER", 20) << pad("TYPE", 11) << pad("STATE", 7) << pad("LATENCY", 10) << "LAST RESULT\n";
        for (const auto& t : s["trackers"]) {
            long long us = t["last"]["latency_us"];
            std::string latency = us < 0 ? "-" : us < 10000 ? std::to_string(us) + "us" : std::to_string(us / 1000) + "ms";
            std::cout << pad(t["name"], 20) << pad(t["type"], 11) << pad(t["state"], 7) << pad(latency, 10)
                      << (t["last"]["ok"].get<bool>() ? "ok: " : "failed: ") << t["last"]["reason"].get<std::string>()
                      << dropped_reports(t) << "\n";
        }
    }
    if (!s["notifiers"].empty()) {
        std::cout << "\n" << pad("NOTIFIER", 20) << pad("TYPE", 11) << pad("QUEUE", 7) << pad("DELIVERED", 11) << "FAILED/ABANDONED\n";
        for (const auto& n : s["notifiers"])
            std::cout << pad(n["name"], 20) << pad(n["type"], 11) << pad(std::to_string(n["queue"].get<size_t>()), 7)
                      << pad(std::to_string(n["delivered"].get<uint64_t>()), 11) << n["failed_attempts"].get<uint64_t>() << "/"
                      << n["abandoned"].get<uint64_t>() << "\n";
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string socket_path = "/run/vigil/vigil.sock";
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--socket" && i + 1 < argc) socket_path = argv[++i];
        else if (a.rfind("--socket=", 0) == 0) socket_path = a.substr(9);
        else if (a == "-h" || a == "--help") {
            std::cout << kUsage;
            return 0;
        } else args.push_back(a);
    }
    if (args.empty()) {
        std::cerr << kUsage;
        return 2;
    }
    json request;
    const auto& cmd = args[0];
    if (cmd == "import-keepalived") {
        if (args.size() != 2) {
            std::cerr << "usage: vigilctl import-keepalived FILE\n";
            return 1;
        }
        auto result = vigil::config::import_keepalived(args[1]);
        for (const auto& e : result.errors) std::cerr << "error: " << e << "\n";
        if (!result.errors.empty()) return 1;
        std::cout << result.vigil_conf;
        for (const auto& n : result.not_imported) std::cerr << n << "\n";
        return result.complete() ? 0 : 2;
    }
    bool as_json = false;
    if (cmd == "status") {
        request = {{"cmd", "status"}};
        as_json = args.size() > 1 && args[1] == "--json";
    } else if (cmd == "reload") {
        request = {{"cmd", "reload"}};
    } else if (cmd == "events") {
        request = {{"cmd", "events"}};
    } else if (cmd == "maintenance" && args.size() >= 2 && (args[1] == "on" || args[1] == "off")) {
        request = {{"cmd", "maintenance"}, {"on", args[1] == "on"}};
        if (args.size() > 2) request["instances"] = std::vector<std::string>(args.begin() + 2, args.end());
    } else {
        std::cerr << "vigilctl: unknown command '" << cmd << "'\n" << kUsage;
        return 2;
    }

    Connection c;
    std::string err;
    if (!c.open(socket_path, err)) {
        std::cerr << "vigilctl: " << err << "\n";
        return 1;
    }
    if (cmd != "events") {
        // vigild answers at once; never wait forever on a wedged peer.
        timeval limit{15, 0};
        setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    }
    std::string line;
    c.send(request);  // even if that fails: a refusal may be waiting to be read
    if (!c.read_line(line)) {
        std::cerr << "vigilctl: no answer from vigild\n";
        return 1;
    }
    auto reply = json::parse(line, nullptr, false);
    if (reply.is_discarded()) {
        std::cerr << "vigilctl: unreadable answer: " << line << "\n";
        return 1;
    }
    if (cmd == "events") {
        if (!reply.value("ok", false)) {
            std::cerr << "vigilctl: " << reply.value("error", "refused") << "\n";
            return 1;
        }
        while (c.read_line(line)) std::cout << line << std::endl;
        return 0;
    }
    if (cmd == "status" && reply.value("ok", false)) {
        if (as_json) std::cout << reply.dump(2) << "\n";
        else print_status(reply);
        return 0;
    }
    if (cmd == "reload") {
        for (const auto& e : reply.value("errors", json::array())) std::cerr << e.get<std::string>() << "\n";
        for (const auto& w : reply.value("warnings", json::array())) std::cerr << w.get<std::string>() << "\n";
        std::cout << (reply.value("ok", false) ? "reloaded\n" : "reload refused: the running configuration stays\n");
        return reply.value("ok", false) ? 0 : 1;
    }
    if (!reply.value("ok", false)) {
        std::cerr << "vigilctl: " << reply.value("error", "refused") << "\n";
        return 1;
    }
    if (cmd == "maintenance") {
        std::string names;
        for (const auto& n : reply["instances"]) names += " " + n.get<std::string>();
        std::cout << "maintenance " << (reply["maintenance"].get<bool>() ? "on" : "off") << ":" << (names.empty() ? " (none)" : names)
                  << "\n";
    }
    return 0;
}
