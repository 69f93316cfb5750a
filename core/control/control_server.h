/* SPDX-License-Identifier: Apache-2.0 */
// The control socket (vigilctl): a Unix stream socket on the event loop
// speaking line-delimited JSON. One request per line, one reply line per
// request; a client that asks for events then receives every event as a line.
// Malformed or oversized requests get an error reply; peers are checked with
// SO_PEERCRED (root, the daemon's own user, or the group `vigil`). What one
// client may cost is bounded: its request line, its unsent output, and the
// number of connections.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

struct event;
struct event_base;
struct bufferevent;

namespace vigil::control {

class ControlServer {
public:
    // Answers one request; the reply is sent as one line.
    using Handler = std::function<nlohmann::json(const nlohmann::json& request)>;

    ControlServer(event_base* base, Handler handler);
    ~ControlServer();
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    // Listens on `path` (mode 0660, group vigil when it exists). Refuses a
    // socket a live daemon answers on; "" or why not.
    std::string listen(const std::string& path);
    const std::string& path() const { return path_; }

    // Sends one line to every client that asked for events.
    void broadcast(const std::string& line);

    // Replies and events queued for one client that does not read: past
    // this it is dropped (and told nothing: it is not listening).
    static constexpr size_t kMaxPendingOutput = 1u << 20;
    // Connections at once; more are answered with an error and closed.
    static constexpr size_t kMaxClients = 64;

private:
    struct Client;
    static void on_accept(int fd, short, void* self);
    static void on_read(bufferevent* bev, void* client);
    void serve(Client* c);  // answers the complete requests `c` has sent
    static void on_written(bufferevent* bev, void* client);
    static void on_error(bufferevent* bev, short what, void* client);
    // Queues `line` for `c`; false when `c` had too much unsent and was dropped.
    bool send(Client* c, const std::string& line);
    void drop(Client* c);

    event_base* base_;
    Handler handler_;
    std::string path_;
    int fd_ = -1;
    gid_t vigil_gid_ = static_cast<gid_t>(-1);
    event* accept_ev_ = nullptr;
    std::set<Client*> clients_;
};

}  // namespace vigil::control
