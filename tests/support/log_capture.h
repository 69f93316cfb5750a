/* SPDX-License-Identifier: Apache-2.0 */
// The daemon's log sent to a file for the length of a test, to assert on the
// lines it wrote; stderr again afterwards.
#pragma once

#include <string>

#include "log/logger.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace vigil::test {

class LogCapture {
public:
    explicit LogCapture(log::Level threshold = log::Level::Info) {
        log::Destination file{log::Destination::Kind::File, dir_.file("vigild.log")};
        log::Logger::get().configure(file, threshold, false);
    }
    ~LogCapture() { log::Logger::get().configure({}, log::Level::Info, false); }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    std::string text() const { return slurp(dir_.file("vigild.log")); }
    bool has(const std::string& part) const { return text().find(part) != std::string::npos; }
    // How often `part` occurs.
    size_t count(const std::string& part) const { return count_of(text(), part); }

private:
    TempDir dir_;
};

}  // namespace vigil::test
