/* SPDX-License-Identifier: Apache-2.0 */
// The control protocol's request side, free of I/O: the bytes a client sends
// are cut into lines, each line becomes a request or an error reply, and a
// reply becomes the line sent back. ControlServer does the socket work around
// these; the unit tests and the fuzz target (tests/fuzz) call them directly.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace vigil::control {

inline constexpr size_t kMaxRequest = 65536;

// The complete lines taken off the front of what a client has sent.
struct Framed {
    std::vector<std::string> lines;  // without their '\n'; a '\r' stays
    // What remains has no newline within `max_request` bytes: the client gets
    // request_too_long() and is not read any further.
    bool overflow = false;
};
// Takes every complete line off the front of `pending`, leaving the rest.
Framed take_lines(std::string& pending, size_t max_request = kMaxRequest);

// One line as a request: a JSON object with a "cmd" string. Otherwise
// `error_reply` says why, in the form sent back.
struct ParsedRequest {
    std::optional<nlohmann::json> request;
    nlohmann::json error_reply;
};
ParsedRequest parse_request(std::string_view line, size_t max_request = kMaxRequest);

nlohmann::json request_too_long();

// What a name in a maintenance request is: the loader keeps [instance] and
// [anycast] names apart, so a name is one or the other.
enum class MaintenanceTarget { None, Instance, Anycast };

// What `maintenance` asks: on or off, for these instances and anycast
// sections; no names at all means every instance and every anycast section.
struct MaintenanceRequest {
    bool on = false;
    std::vector<std::string> instances;
    std::vector<std::string> anycast;

    bool all() const { return instances.empty() && anycast.empty(); }
};
// Checks a maintenance request's fields; each name (under "instances", the
// protocol's key since before anycast) must be an instance or an anycast
// section. On a problem, `error` holds the reply.
struct MaintenanceParse {
    std::optional<MaintenanceRequest> request;
    nlohmann::json error;
};
MaintenanceParse parse_maintenance(const nlohmann::json& request,
                                   const std::function<MaintenanceTarget(const std::string&)>& target_of);

// A reply as the line sent to the client. Text in a reply can come from
// anywhere (a config file's bytes in a reload error, a plugin's reason): bytes
// that are not UTF-8 become U+FFFD instead of an exception that would end
// the daemon.
std::string reply_line(const nlohmann::json& reply);

}  // namespace vigil::control
