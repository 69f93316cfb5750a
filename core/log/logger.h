/* SPDX-License-Identifier: Apache-2.0 */
// The daemon's log: one destination (stderr, syslog or a file) plus, with
// --log-console, a copy on stderr. Thread-safe, because notifier workers log.
#pragma once

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <string>

#include "log/level.h"

namespace vigil::log {

class Logger {
public:
    static Logger& get();

    // Switches destination and threshold; returns "" or why the file cannot be opened
    // (the previous destination then stays).
    std::string configure(const Destination& dest, Level threshold, bool console_copy);
    // Reopens a log file (after logrotate moved it); called on HUP.
    void reopen();

    bool enabled(Level level) const { return level >= threshold_.load(std::memory_order_relaxed); }
    void write(Level level, const std::string& message);

private:
    Logger() = default;
    void close_locked();

    mutable std::mutex mu_;
    Destination dest_;
    std::atomic<Level> threshold_{Level::Info};
    bool console_copy_ = false;
    FILE* file_ = nullptr;
    bool syslog_open_ = false;
};

void logf(Level level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void vlogf(Level level, const char* fmt, va_list args);

}  // namespace vigil::log

// The level is checked before the arguments are evaluated: a debug line with
// addr.str() in it costs nothing per packet when debug is off.
#define VLOG_AT(level, ...)                                                                 \
    do {                                                                                     \
        if (::vigil::log::Logger::get().enabled(level)) ::vigil::log::logf(level, __VA_ARGS__); \
    } while (0)
#define VLOG_DEBUG(...) VLOG_AT(::vigil::log::Level::Debug, __VA_ARGS__)
#define VLOG_INFO(...) VLOG_AT(::vigil::log::Level::Info, __VA_ARGS__)
#define VLOG_NOTICE(...) VLOG_AT(::vigil::log::Level::Notice, __VA_ARGS__)
#define VLOG_WARNING(...) VLOG_AT(::vigil::log::Level::Warning, __VA_ARGS__)
#define VLOG_ERROR(...) VLOG_AT(::vigil::log::Level::Error, __VA_ARGS__)
