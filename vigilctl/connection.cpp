// SPDX-License-Identifier: Apache-2.0
#include "connection.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vigil::vigilctl {

Connection::~Connection() {
    if (fd_ >= 0) close(fd_);
}

std::string Connection::open(const std::string& path) {
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
        return path + ": " + strerror(errno) + (errno == ENOENT || errno == ECONNREFUSED ? " (is vigild running?)" : "");
    return "";
}

void Connection::limit_reply_wait(int seconds) {
    timeval limit{seconds, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
}

bool Connection::send(const nlohmann::json& request) {
    auto line = request.dump() + "\n";
    // MSG_NOSIGNAL: a vigild that refused us has closed already, and its
    // reason waits to be read; SIGPIPE would kill us before we read it.
    return ::send(fd_, line.data(), line.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(line.size());
}

bool Connection::read_line(std::string& line) {
    while (true) {
        auto nl = buffered_.find('\n');
        if (nl != std::string::npos) {
            line = buffered_.substr(0, nl);
            buffered_.erase(0, nl + 1);
            return true;
        }
        char buf[4096];
        ssize_t n = read(fd_, buf, sizeof buf);
        if (n <= 0) return false;
        buffered_.append(buf, static_cast<size_t>(n));
    }
}

}  // namespace vigil::vigilctl
