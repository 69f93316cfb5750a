/* SPDX-License-Identifier: Apache-2.0 */
// vigilctl's commands in one table, read by both ends of the control socket:
// the daemon dispatches requests by it, vigilctl builds its usage, its
// arguments, its requests and its printing from it, and a unit test holds
// docs/vigilctl.md to it. A command is added here or nowhere. No I/O.
#pragma once

#include <optional>
#include <ostream>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace vigil::control {

// The handlers are bound by id (the daemon's in ControlApi, vigilctl's own
// in vigilctl), so a switch over it tells when one is missing.
enum class CommandId { Status, Reload, Maintenance, Events, ImportKeepalived };

enum class Runs {
    InDaemon,    // sent over the control socket
    InVigilctl,  // vigilctl does it alone: no daemon needed
};

// How vigilctl takes an argument, and how the request carries it.
enum class ArgKind {
    Flag,   // an optional word (`name`) that changes vigilctl's printing; not sent
    OnOff,  // `on` or `off`: true or false under `request_key`
    Names,  // every word left (`name` is what usage calls one): a list under
            // `request_key`, left out of the request when there are none
    File,   // one path (`name` in usage) that vigilctl reads itself
};

struct Argument {
    ArgKind kind;
    std::string_view name = {};
    std::string_view request_key = {};
};

// status: the reply as JSON instead of tables.
inline constexpr std::string_view kJsonFlag = "--json";

struct Invocation;

// Prints a command's reply; returns vigilctl's exit status.
using Renderer = int (*)(const nlohmann::json& reply, const Invocation& invocation, std::ostream& out, std::ostream& err);

struct Command {
    CommandId id;
    std::string_view name;
    std::vector<Argument> arguments;
    Runs runs;
    // After its reply the daemon sends the client one line per event until
    // the client hangs up.
    bool streams;
    // For vigilctl's usage; a line after the first continues the first.
    std::string_view summary;
    Renderer render;  // null for a command that runs in vigilctl
    // vigilctl's exit status for wrong arguments: 2, unless the command's
    // own statuses give 2 another meaning.
    int usage_exit;
};

// In the order usage and the daemon's "unknown command" reply list them.
std::span<const Command> commands();
const Command& command(CommandId id);
// A command the daemon answers; null for any other name.
const Command* find_daemon_command(std::string_view name);

// What a command line asks, once checked against the command's arguments.
struct Invocation {
    const Command* command = nullptr;
    nlohmann::json request;            // sent to the daemon as is (InDaemon)
    std::set<std::string, std::less<>> flags;  // the Flag words given
    std::string file;                  // the File argument
    bool flag(std::string_view name) const { return flags.contains(name); }
};

struct ParsedCommandLine {
    const Command* command = nullptr;       // null: no such command
    std::optional<Invocation> invocation;   // none: wrong arguments
};
// `words`: the command's name, then its arguments.
ParsedCommandLine parse_command_line(const std::vector<std::string>& words);

// "maintenance on|off [INSTANCE...]"
std::string command_synopsis(const Command& command);
// One entry per command, as vigilctl's usage lists them.
std::string commands_usage();

// The daemon's replies that the table decides.
nlohmann::json unknown_command_reply(std::string_view name);
nlohmann::json subscribed_reply();

}  // namespace vigil::control
