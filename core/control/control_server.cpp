// SPDX-License-Identifier: Apache-2.0
#include "control/control_server.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "control/commands.h"
#include "control/request.h"
#include "log/logger.h"

namespace vigil::control {

struct ControlServer::Client {
    ControlServer* server;
    bufferevent* bev;
    bool events = false;
    bool closing = false;  // hang up once the last reply is out
    std::string pending;   // received, not yet a whole line
    // While its requests are being answered, a client is only marked dropped:
    // a handler can broadcast an event, and that broadcast can drop this very
    // client (its unsent output over the cap); on_read frees it on the way out.
    bool serving = false;
    bool dropped = false;
};

namespace {

// `vigil_gid`: the group vigil, resolved once at listen() (-1: no such group);
// an NSS lookup per connection would block the loop.
bool peer_allowed(int fd, gid_t vigil_gid, std::string& who) {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return false;
    who = "uid " + std::to_string(cred.uid) + " pid " + std::to_string(cred.pid);
    if (cred.uid == 0 || cred.uid == geteuid()) return true;
    // Members of the group vigil (primary or supplementary).
    if (vigil_gid == static_cast<gid_t>(-1)) return false;
    if (cred.gid == vigil_gid) return true;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", cred.pid);
    FILE* f = fopen(path, "r");
    if (!f) return false;
    char line[512];
    bool member = false;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "Groups:", 7) == 0)
            for (char* tok = strtok(line + 7, " \t\n"); tok; tok = strtok(nullptr, " \t\n"))
                if (static_cast<gid_t>(atoi(tok)) == vigil_gid) member = true;
    fclose(f);
    return member;
}

sockaddr_un address_of(const std::string& path) {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    return a;
}

}  // namespace

ControlServer::ControlServer(event_base* base, Handler handler) : base_(base), handler_(std::move(handler)) {}

ControlServer::~ControlServer() {
    for (auto* c : std::set<Client*>(clients_)) drop(c);
    if (accept_ev_) event_free(accept_ev_);
    if (fd_ >= 0) {
        close(fd_);
        unlink(path_.c_str());
    }
}

std::string ControlServer::listen(const std::string& path) {
    if (path.size() >= sizeof(sockaddr_un::sun_path)) return path + ": path too long for a Unix socket";
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    auto addr = address_of(path);
    // A socket file may be a live daemon's, or a crashed one's leftover.
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool live = connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(probe);
    if (live) return "another vigild is listening on the control socket " + path;
    // Only a stale socket is ours to remove: a file or a symbolic link there
    // is someone's mistake (or a trap), not something to delete.
    struct stat existing;
    if (lstat(path.c_str(), &existing) == 0) {
        if (!S_ISSOCK(existing.st_mode))
            return path + ": exists and is not a socket (" +
                   (S_ISLNK(existing.st_mode) ? "a symbolic link" : S_ISDIR(existing.st_mode) ? "a directory" : "a file") +
                   "); remove it or choose another control_socket";
        unlink(path.c_str());
    }
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    mode_t old = umask(0117);  // 0660 from the start: no window with a wider mode
    int rc = bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    umask(old);
    if (rc != 0 || ::listen(fd_, 16) != 0) {
        std::string err = path + ": " + strerror(errno);
        close(fd_);
        fd_ = -1;
        return err;
    }
    group* g = getgrnam("vigil");
    vigil_gid_ = g ? g->gr_gid : static_cast<gid_t>(-1);
    // lchown: never follow a link someone swapped in since the bind.
    if (g && lchown(path.c_str(), static_cast<uid_t>(-1), vigil_gid_) != 0)
        VLOG_WARNING("control socket %s: cannot give it to group vigil: %s", path.c_str(), strerror(errno));
    path_ = path;
    accept_ev_ = event_new(base_, fd_, EV_READ | EV_PERSIST, on_accept, this);
    event_add(accept_ev_, nullptr);
    return "";
}

void ControlServer::on_accept(int fd, short, void* arg) {
    auto* self = static_cast<ControlServer*>(arg);
    int cfd = accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0) return;
    std::string who;
    if (!peer_allowed(cfd, self->vigil_gid_, who)) {
        static const char kRefused[] = "{\"ok\":false,\"error\":\"permission denied\"}\n";
        if (write(cfd, kRefused, sizeof kRefused - 1) < 0) { /* the peer is gone anyway */ }
        close(cfd);
        VLOG_WARNING("control socket: refused %s (not root, not vigild's user, not in group vigil)", who.c_str());
        return;
    }
    if (self->clients_.size() >= kMaxClients) {
        static const char kBusy[] = "{\"ok\":false,\"error\":\"too many control connections\"}\n";
        if (write(cfd, kBusy, sizeof kBusy - 1) < 0) { /* the peer is gone anyway */ }
        close(cfd);
        VLOG_WARNING("control socket: refused %s: %zu connections open already", who.c_str(), self->clients_.size());
        return;
    }
    auto* c = new Client{self, bufferevent_socket_new(self->base_, cfd, BEV_OPT_CLOSE_ON_FREE), false, false, {}, false, false};
    self->clients_.insert(c);
    bufferevent_setcb(c->bev, on_read, on_written, on_error, c);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

void ControlServer::on_read(bufferevent*, void* arg) {
    auto* c = static_cast<Client*>(arg);
    c->serving = true;
    c->server->serve(c);
    c->serving = false;
    if (c->dropped) {
        bufferevent_free(c->bev);
        delete c;
    }
}

void ControlServer::serve(Client* c) {
    evbuffer* in = bufferevent_get_input(c->bev);
    size_t searched = c->pending.size();  // holds no newline: scan only what is new
    if (size_t received = evbuffer_get_length(in); received > 0) {
        c->pending.append(reinterpret_cast<const char*>(evbuffer_pullup(in, -1)), received);
        evbuffer_drain(in, received);
    }
    if (c->pending.find('\n', searched) == std::string::npos && c->pending.size() <= kMaxRequest) return;
    auto framed = take_lines(c->pending);
    for (const auto& line : framed.lines) {
        auto parsed = parse_request(line);
        nlohmann::json reply;
        if (!parsed.request) {
            reply = parsed.error_reply;
        } else if (const auto* command = find_daemon_command((*parsed.request)["cmd"].get<std::string>()); command && command->streams) {
            c->events = true;
            reply = subscribed_reply();
        } else {
            try {
                reply = handler_(*parsed.request);
            } catch (const std::exception& e) {
                reply = {{"ok", false}, {"error", std::string("bad request: ") + e.what()}};
            }
            if (c->dropped) return;  // by a broadcast the request caused
        }
        if (!send(c, reply_line(reply))) return;
    }
    if (framed.overflow) {
        // No newline within the limit: answer and hang up, the daemon is unaffected.
        if (!send(c, reply_line(request_too_long()))) return;
        bufferevent_disable(c->bev, EV_READ);
        c->closing = true;
    }
}

void ControlServer::on_written(bufferevent*, void* arg) {
    auto* c = static_cast<Client*>(arg);
    if (c->closing) c->server->drop(c);
}

bool ControlServer::send(Client* c, const std::string& line) {
    size_t pending = evbuffer_get_length(bufferevent_get_output(c->bev));
    // (A first reply larger than the cap, the status of a very large
    // config, still goes out.)
    if (pending > 0 && pending + line.size() > kMaxPendingOutput) {
        // A client that does not read (an `events` follower stopped with
        // ^Z, requests sent without reading the replies) would otherwise
        // grow our memory for ever.
        VLOG_WARNING("control socket: dropped a client that is not reading (%zu bytes unsent)", pending);
        drop(c);
        return false;
    }
    bufferevent_write(c->bev, line.data(), line.size());
    return true;
}

void ControlServer::on_error(bufferevent*, short, void* arg) {
    auto* c = static_cast<Client*>(arg);
    c->server->drop(c);
}

void ControlServer::drop(Client* c) {
    clients_.erase(c);
    if (c->serving) {  // on_read frees it when it returns
        c->dropped = true;
        bufferevent_disable(c->bev, EV_READ | EV_WRITE);
        return;
    }
    bufferevent_free(c->bev);
    delete c;
}

void ControlServer::broadcast(const std::string& line) {
    std::string framed = line + "\n";
    for (auto* c : std::set<Client*>(clients_))
        if (c->events) send(c, framed);
}

}  // namespace vigil::control
