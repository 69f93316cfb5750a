// SPDX-License-Identifier: Apache-2.0
#include "daemon/pid_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace vigil::daemon {

PidFile::~PidFile() { release(); }

std::string PidFile::acquire(const std::string& path) {
    std::error_code ec;
    auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    // A stopping daemon unlinks the file it locked; if that happened between
    // our open and our lock, we hold a lock on a file nobody sees: try again.
    for (int attempt = 0; attempt < 10; ++attempt) {
        int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) return "cannot open pid file " + path + ": " + strerror(errno);
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int err = errno;
            char buf[32] = {};
            ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
            close(fd);
            if (err == EWOULDBLOCK) {
                std::string pid = n > 0 ? std::string(buf, strcspn(buf, "\n")) : "?";
                return "another vigild (pid " + pid + ") is running with pid file " + path;
            }
            return "cannot lock pid file " + path + ": " + strerror(err);
        }
        struct stat held, named;
        if (fstat(fd, &held) != 0 || stat(path.c_str(), &named) != 0 || held.st_ino != named.st_ino ||
            held.st_dev != named.st_dev) {
            close(fd);
            continue;
        }
        std::string pid = std::to_string(getpid()) + "\n";
        if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
            int err = errno;
            close(fd);
            return "cannot write pid file " + path + ": " + strerror(err);
        }
        path_ = path;
        fd_ = fd;
        return "";
    }
    return "cannot lock pid file " + path + ": it keeps being replaced";
}

void PidFile::release() {
    if (fd_ < 0) return;
    unlink(path_.c_str());
    close(fd_);
    fd_ = -1;
}

}  // namespace vigil::daemon
