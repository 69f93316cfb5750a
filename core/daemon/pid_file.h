/* SPDX-License-Identifier: Apache-2.0 */
// An flock()ed pid file: the lock, not the file's existence, says a daemon is
// alive, so a stale file left by a crash never blocks a restart.
#pragma once

#include <string>

namespace vigil::daemon {

class PidFile {
public:
    PidFile() = default;
    PidFile(const PidFile&) = delete;
    PidFile& operator=(const PidFile&) = delete;
    ~PidFile();

    // Creates the directory if needed, locks the file and writes our pid.
    // Returns "" or the reason it cannot (another live daemon holds it, ...).
    std::string acquire(const std::string& path);
    void release();

private:
    std::string path_;
    int fd_ = -1;
};

}  // namespace vigil::daemon
