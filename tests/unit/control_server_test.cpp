// SPDX-License-Identifier: Apache-2.0
// The control server's client lifetime, on a real Unix socket and the event
// loop, without a daemon: a request whose handler broadcasts an event that
// drops the requesting client itself (its unsent output over the cap).
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "control/control_server.h"
#include "support/event_loop.h"
#include "support/temp_dir.h"
#include "support/unix_socket.h"

namespace vigil::control {
namespace {

int connect_to(const std::string& path) {
    int fd = test::connect_unix(path);
    if (fd >= 0) fcntl(fd, F_SETFL, O_NONBLOCK);
    return fd;
}

// What arrived so far; `closed` once the server hung up.
struct Reader {
    int fd;
    std::string got;
    bool closed = false;
    void poll() {
        char buf[65536];
        for (ssize_t n; !closed && (n = read(fd, buf, sizeof buf)) != 0;) {
            if (n < 0) return;  // nothing more for now
            got.append(buf, n);
        }
        closed = true;
    }
};

TEST(ControlServer, ABroadcastThatDropsTheRequestingClientLeavesTheServerServing) {
    test::Loop loop;
    test::TempDir dir;
    ControlServer* server_ptr = nullptr;
    int handled = 0;
    ControlServer server(loop.base, [&](const nlohmann::json& request) -> nlohmann::json {
        ++handled;
        // An event larger than a client may have waiting: whoever follows
        // events and has a reply queued (the requester) is dropped by it.
        if (request["cmd"] == "boom") server_ptr->broadcast(std::string(ControlServer::kMaxPendingOutput + 1, 'x'));
        return {{"ok", true}, {"cmd", request["cmd"]}};
    });
    server_ptr = &server;
    ASSERT_EQ(server.listen(dir.file("ctl.sock")), "");

    // Control: a client that follows events and reads gets the broadcast's
    // absence of trouble: status answered.
    Reader plain{connect_to(server.path()), {}};
    ASSERT_GE(plain.fd, 0);
    std::string status = "{\"cmd\":\"status\"}\n";
    ASSERT_EQ(write(plain.fd, status.data(), status.size()), static_cast<ssize_t>(status.size()));
    ASSERT_TRUE(loop.until([&] { plain.poll(); return plain.got.find("\"status\"") != std::string::npos; }));

    // In one write, so both are answered in one read: the events reply is
    // still queued when "boom"'s broadcast comes.
    Reader victim{connect_to(server.path()), {}};
    ASSERT_GE(victim.fd, 0);
    std::string two = "{\"cmd\":\"events\"}\n{\"cmd\":\"boom\"}\n{\"cmd\":\"after\"}\n";
    ASSERT_EQ(write(victim.fd, two.data(), two.size()), static_cast<ssize_t>(two.size()));
    ASSERT_TRUE(loop.until([&] { victim.poll(); return victim.closed; })) << "the client was not dropped";
    EXPECT_EQ(handled, 2) << "a request of the dropped client was answered after its drop";
    EXPECT_EQ(victim.got.find("\"after\""), std::string::npos);

    // The server goes on: the other client is still answered.
    plain.got.clear();
    ASSERT_EQ(write(plain.fd, status.data(), status.size()), static_cast<ssize_t>(status.size()));
    EXPECT_TRUE(loop.until([&] { plain.poll(); return plain.got.find("\"status\"") != std::string::npos; }));
    EXPECT_FALSE(plain.closed);
    close(plain.fd);
    close(victim.fd);
}

}  // namespace
}  // namespace vigil::control
