// SPDX-License-Identifier: Apache-2.0
#include "log/logger.h"

#include <syslog.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace vigil::log {

const char* level_name(Level level) {
    switch (level) {
        case Level::Debug: return "debug";
        case Level::Info: return "info";
        case Level::Notice: return "notice";
        case Level::Warning: return "warning";
        case Level::Error: return "error";
    }
    return "?";
}

std::optional<Level> parse_level(std::string_view text) {
    for (auto level : {Level::Debug, Level::Info, Level::Notice, Level::Warning, Level::Error})
        if (text == level_name(level)) return level;
    return std::nullopt;
}

namespace {

int syslog_priority(Level level) {
    switch (level) {
        case Level::Debug: return LOG_DEBUG;
        case Level::Info: return LOG_INFO;
        case Level::Notice: return LOG_NOTICE;
        case Level::Warning: return LOG_WARNING;
        case Level::Error: return LOG_ERR;
    }
    return LOG_INFO;
}

}  // namespace

std::string utc_timestamp() {
    timeval tv;
    gettimeofday(&tv, nullptr);
    return utc_timestamp(static_cast<int64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000);
}

std::string utc_timestamp(int64_t unix_ms) {
    time_t secs = static_cast<time_t>(unix_ms / 1000);
    tm utc;
    gmtime_r(&secs, &utc);
    char buf[40];
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
    snprintf(buf + n, sizeof buf - n, ".%03ldZ", static_cast<long>(unix_ms % 1000));
    return buf;
}

Logger& Logger::get() {
    static Logger logger;
    return logger;
}

void Logger::close_locked() {
    if (file_) fclose(file_);
    file_ = nullptr;
    if (syslog_open_) closelog();
    syslog_open_ = false;
}

std::string Logger::configure(const Destination& dest, Level threshold, bool console_copy) {
    std::lock_guard lock(mu_);
    FILE* file = nullptr;
    if (dest.kind == Destination::Kind::File) {
        file = fopen(dest.path.c_str(), "ae");
        if (!file) return "cannot open log file " + dest.path + ": " + strerror(errno);
        setvbuf(file, nullptr, _IOLBF, 0);
    }
    close_locked();
    dest_ = dest;
    file_ = file;
    threshold_ = threshold;
    console_copy_ = console_copy;
    if (dest.kind == Destination::Kind::Syslog) {
        openlog("vigild", LOG_PID | LOG_NDELAY, LOG_DAEMON);
        syslog_open_ = true;
    }
    return "";
}

void Logger::reopen() {
    std::lock_guard lock(mu_);
    if (dest_.kind != Destination::Kind::File) return;
    if (FILE* f = fopen(dest_.path.c_str(), "ae")) {
        setvbuf(f, nullptr, _IOLBF, 0);
        if (file_) fclose(file_);
        file_ = f;
    }
}

void Logger::write(Level level, const std::string& message) {
    if (!enabled(level)) return;
    std::lock_guard lock(mu_);
    std::string line = utc_timestamp() + " " + level_name(level) + ": " + message + "\n";
    switch (dest_.kind) {
        case Destination::Kind::Stderr:
            fputs(line.c_str(), stderr);
            return;
        case Destination::Kind::Syslog:
            syslog(syslog_priority(level), "%s", message.c_str());
            break;
        case Destination::Kind::File:
            if (file_) fputs(line.c_str(), file_);
            break;
    }
    if (console_copy_) fputs(line.c_str(), stderr);
}

void vlogf(Level level, const char* fmt, va_list args) {
    auto& logger = Logger::get();
    if (!logger.enabled(level)) return;
    char small[512];
    va_list copy;
    va_copy(copy, args);
    int n = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    if (n < 0) return;
    if (static_cast<size_t>(n) < sizeof small) {
        logger.write(level, small);
        return;
    }
    std::string big(static_cast<size_t>(n) + 1, '\0');
    vsnprintf(big.data(), big.size(), fmt, args);
    big.resize(static_cast<size_t>(n));
    logger.write(level, big);
}

void logf(Level level, const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    vlogf(level, fmt, args);
    va_end(args);
}

}  // namespace vigil::log
