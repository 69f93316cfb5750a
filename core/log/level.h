/* SPDX-License-Identifier: Apache-2.0 */
// Log levels and destinations, shared by the logger and the config model.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::log {

enum class Level { Debug, Info, Notice, Warning, Error };

const char* level_name(Level level);
std::optional<Level> parse_level(std::string_view text);

// Now as RFC 3339 UTC with milliseconds: "2026-11-25T22:50:02.123Z".
std::string utc_timestamp();
std::string utc_timestamp(int64_t unix_ms);

struct Destination {
    enum class Kind { Stderr, Syslog, File } kind = Kind::Stderr;
    std::string path;  // Kind::File only
};

}  // namespace vigil::log
