// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the bytes a vigilctl client writes to the control socket.
// They arrive in reads of varying size (the first input byte picks the size),
// are cut into lines (take_lines), each parsed as a request, and requests
// are dispatched by the command table as ControlServer and ControlApi do,
// as far as that needs no running daemon: `maintenance` is checked against
// two instances; the other commands' replies need the daemon's state, so
// only the routing is run.
// Properties: framing loses and invents no byte; every reply is one line.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "control/commands.h"
#include "control/request.h"

using namespace vigil::control;
using nlohmann::json;

namespace {

// Small, so that inputs of a few hundred bytes reach the overflow path; the
// code is the same for the server's 64 KiB.
constexpr size_t kFuzzMaxRequest = 512;

json dispatch(const json& request) {
    const std::string name = request["cmd"];
    const auto* command = find_daemon_command(name);
    if (!command) return unknown_command_reply(name);
    if (command->streams) return subscribed_reply();
    if (command->id != CommandId::Maintenance) return {{"ok", true}};
    auto parsed = parse_maintenance(request, [](const std::string& name) {
        if (name == "VI_1" || name == "VI_2") return MaintenanceTarget::Instance;
        return name == "web" ? MaintenanceTarget::Anycast : MaintenanceTarget::None;
    });
    if (!parsed.request) return parsed.error;
    return {{"ok", true}, {"instances", parsed.request->instances}, {"anycast", parsed.request->anycast}, {"maintenance", parsed.request->on}};
}

void send(const json& reply) {
    auto line = reply_line(reply);
    if (line.find('\n') != line.size() - 1) abort();  // a reply must be exactly one line
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    size_t read_size = size_t{data[0]} + 1;
    std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::string pending;
    size_t framed_bytes = 0;  // bytes accounted for by lines taken (with their '\n')
    for (size_t at = 0; at < bytes.size(); at += read_size) {
        pending.append(bytes.substr(at, read_size));
        auto framed = take_lines(pending, kFuzzMaxRequest);
        for (const auto& line : framed.lines) {
            framed_bytes += line.size() + 1;
            if (line.find('\n') != std::string::npos) abort();
            auto parsed = parse_request(line, kFuzzMaxRequest);
            if (parsed.request.has_value() == !parsed.error_reply.is_null()) abort();  // exactly one of the two
            send(parsed.request ? dispatch(*parsed.request) : parsed.error_reply);
        }
        if (framed.overflow) {
            if (!pending.empty()) abort();
            send(request_too_long());
            return 0;  // the server stops reading this client
        }
        size_t received = std::min(at + read_size, bytes.size());
        if (framed_bytes + pending.size() != received) abort();  // framing lost or invented bytes
    }
    return 0;
}
