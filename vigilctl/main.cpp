// SPDX-License-Identifier: Apache-2.0
// vigilctl: talks to a running vigild over its control socket (docs/vigilctl.md).
// Its commands, their arguments and how their replies print are the table
// in core/control/commands.h; this is the process around it.
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "connection.h"
#include "control/commands.h"
#include "keepalived_import/keepalived_import.h"

using nlohmann::json;
using namespace vigil::control;

namespace {

const char* kDefaultSocket = "/run/vigil/vigil.sock";

std::string usage() {
    return std::string("usage: vigilctl [--socket PATH] COMMAND\n\n") + commands_usage() +
           "\n  --socket PATH   the control socket (default " + kDefaultSocket + ")\n";
}

int import_keepalived(const std::string& file) {
    auto result = vigil::config::import_keepalived(file);
    for (const auto& e : result.errors) std::cerr << "error: " << e << "\n";
    if (!result.errors.empty()) return 1;
    std::cout << result.vigil_conf;
    for (const auto& n : result.not_imported) std::cerr << n << "\n";
    return result.complete() ? 0 : 2;
}

int run_in_vigilctl(const Invocation& invocation) {
    switch (invocation.command->id) {
        case CommandId::ImportKeepalived: return import_keepalived(invocation.file);
        case CommandId::Status:
        case CommandId::Reload:
        case CommandId::Maintenance:
        case CommandId::Events:
            break;
    }
    std::cerr << "vigilctl: " << invocation.command->name << " runs in vigild\n";
    return 1;
}

int ask_vigild(const std::string& socket_path, const Invocation& invocation) {
    const Command& command = *invocation.command;
    vigil::vigilctl::Connection c;
    if (auto problem = c.open(socket_path); !problem.empty()) {
        std::cerr << "vigilctl: " << problem << "\n";
        return 1;
    }
    if (!command.streams) c.limit_reply_wait(15);
    std::string line;
    c.send(invocation.request);  // even if that fails: a refusal may be waiting to be read
    if (!c.read_line(line)) {
        std::cerr << "vigilctl: no answer from vigild\n";
        return 1;
    }
    auto reply = json::parse(line, nullptr, false);
    if (reply.is_discarded()) {
        std::cerr << "vigilctl: unreadable answer: " << line << "\n";
        return 1;
    }
    int status = command.render(reply, invocation, std::cout, std::cerr);
    if (status != 0 || !command.streams) return status;
    // endl: whoever reads our output sees each event as it comes.
    while (c.read_line(line)) std::cout << line << std::endl;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::string socket_path = kDefaultSocket;
    std::vector<std::string> words;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--socket" && i + 1 < argc) socket_path = argv[++i];
        else if (a.rfind("--socket=", 0) == 0) socket_path = a.substr(9);
        else if (a == "-h" || a == "--help") {
            std::cout << usage();
            return 0;
        } else words.push_back(a);
    }
    if (words.empty()) {
        std::cerr << usage();
        return 2;
    }
    auto parsed = parse_command_line(words);
    if (!parsed.command) {
        std::cerr << "vigilctl: unknown command '" << words[0] << "'\n" << usage();
        return 2;
    }
    if (!parsed.invocation) {
        std::cerr << "usage: vigilctl " << command_synopsis(*parsed.command) << "\n";
        return parsed.command->usage_exit;
    }
    const Invocation& invocation = *parsed.invocation;
    if (invocation.command->runs == Runs::InVigilctl) return run_in_vigilctl(invocation);
    return ask_vigild(socket_path, invocation);
}
