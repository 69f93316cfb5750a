// SPDX-License-Identifier: Apache-2.0
#include "control/commands.h"

#include <algorithm>

#include "control/replies.h"

namespace vigil::control {

using nlohmann::json;

namespace {

const std::vector<Command>& table() {
    static const std::vector<Command> kCommands = {
        {CommandId::Status, "status", {{ArgKind::Flag, kJsonFlag}}, Runs::InDaemon, false,
         "instances, groups, trackers and notifiers", render_status, 2},
        {CommandId::Reload, "reload", {}, Runs::InDaemon, false,
         "re-read the configuration (refused if it has errors)", render_reload, 2},
        {CommandId::Maintenance, "maintenance", {{ArgKind::OnOff, {}, "on"}, {ArgKind::Names, "NAME", "instances"}},
         Runs::InDaemon, false,
         "hold instances in BACKUP and withdraw anycast sections\n"
         "(default: all), or release them; survives a restart of vigild",
         render_maintenance, 2},
        {CommandId::Events, "events", {}, Runs::InDaemon, true,
         "follow transitions as JSON lines", render_subscription, 2},
        // Exit 2 is its partial import; wrong arguments are 1.
        {CommandId::ImportKeepalived, "import-keepalived", {{ArgKind::File, "FILE"}}, Runs::InVigilctl, false,
         "print FILE (keepalived.conf) as a vigil.conf; what cannot be\n"
         "expressed goes to stderr as FILE:LINE; exit 0 complete,\n"
         "2 partial, 1 unreadable (needs no running vigild)",
         nullptr, 1},
    };
    return kCommands;
}

const Command* find_command(std::string_view name) {
    for (const auto& c : table())
        if (c.name == name) return &c;
    return nullptr;
}

}  // namespace

std::span<const Command> commands() { return table(); }

const Command& command(CommandId id) {
    return *std::find_if(table().begin(), table().end(), [id](const Command& c) { return c.id == id; });
}

const Command* find_daemon_command(std::string_view name) {
    const auto* c = find_command(name);
    return c && c->runs == Runs::InDaemon ? c : nullptr;
}

ParsedCommandLine parse_command_line(const std::vector<std::string>& words) {
    ParsedCommandLine out;
    const Command* command = words.empty() ? nullptr : find_command(words[0]);
    out.command = command;
    if (!command) return out;
    Invocation invocation;
    invocation.command = command;
    if (command->runs == Runs::InDaemon) invocation.request = {{"cmd", command->name}};
    size_t at = 1;
    for (const auto& arg : command->arguments) {
        const bool more = at < words.size();
        switch (arg.kind) {
            case ArgKind::Flag:
                if (more && words[at] == arg.name) invocation.flags.insert(words[at++]);
                break;
            case ArgKind::OnOff:
                if (!more || (words[at] != "on" && words[at] != "off")) return out;
                invocation.request[std::string(arg.request_key)] = words[at++] == "on";
                break;
            case ArgKind::Names:
                if (more) invocation.request[std::string(arg.request_key)] = std::vector<std::string>(words.begin() + at, words.end());
                at = words.size();
                break;
            case ArgKind::File:
                if (!more) return out;
                invocation.file = words[at++];
                break;
        }
    }
    if (at != words.size()) return out;  // words no argument takes
    out.invocation = std::move(invocation);
    return out;
}

std::string command_synopsis(const Command& command) {
    std::string out(command.name);
    for (const auto& arg : command.arguments) {
        switch (arg.kind) {
            case ArgKind::Flag: out += " [" + std::string(arg.name) + "]"; break;
            case ArgKind::OnOff: out += " on|off"; break;
            case ArgKind::Names: out += " [" + std::string(arg.name) + "...]"; break;
            case ArgKind::File: out += " " + std::string(arg.name); break;
        }
    }
    return out;
}

std::string commands_usage() {
    constexpr size_t kSynopsisWidth = 33;
    const std::string indent(2 + kSynopsisWidth, ' ');
    std::string out;
    for (const auto& c : table()) {
        std::string synopsis = command_synopsis(c);
        synopsis.resize(std::max(kSynopsisWidth, synopsis.size() + 1), ' ');
        std::string_view summary = c.summary;
        size_t newline = summary.find('\n');
        out += "  " + synopsis + std::string(summary.substr(0, newline)) + "\n";
        while (newline != std::string_view::npos) {
            summary.remove_prefix(newline + 1);
            newline = summary.find('\n');
            out += indent + std::string(summary.substr(0, newline)) + "\n";
        }
    }
    return out;
}

json unknown_command_reply(std::string_view name) {
    std::string known;
    for (const auto& c : table())
        if (c.runs == Runs::InDaemon) known += (known.empty() ? "" : ", ") + std::string(c.name);
    return {{"ok", false}, {"error", "unknown command '" + std::string(name) + "' (" + known + ")"}};
}

json subscribed_reply() { return {{"ok", true}, {"events", true}}; }

}  // namespace vigil::control
