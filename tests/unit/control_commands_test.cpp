// SPDX-License-Identifier: Apache-2.0
// The command table (control/commands.h): vigilctl's arguments become the
// request, the usage and the daemon's "unknown command" reply come from it,
// the replies print as before, and docs/vigilctl.md documents exactly the
// commands it holds.
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "control/commands.h"

using namespace vigil::control;
using nlohmann::json;

namespace {

std::string read_doc(const std::string& name) {
    std::ifstream in(std::string(SOURCE_DIR) + "/docs/" + name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::set<std::string> names_in_table(Runs only) {
    std::set<std::string> out;
    for (const auto& c : commands())
        if (c.runs == only) out.emplace(c.name);
    return out;
}

std::set<std::string> all_names() {
    auto out = names_in_table(Runs::InDaemon);
    out.merge(names_in_table(Runs::InVigilctl));
    return out;
}

// The first word of each row's first cell in the table headed
// "| command | ...": `maintenance on [NAME...]` documents maintenance.
std::set<std::string> commands_in_doc_table(const std::string& doc) {
    std::set<std::string> out;
    std::istringstream in(doc);
    bool in_table = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("| command |", 0) == 0) {
            in_table = true;
            continue;
        }
        if (!in_table || line.rfind("|---", 0) == 0) continue;
        if (line.rfind("| `", 0) != 0) break;
        out.insert(line.substr(3, line.find_first_of(" `", 3) - 3));
    }
    return out;
}

// The requests "The protocol" shows: {"cmd":"NAME"...
std::set<std::string> commands_in_doc_requests(const std::string& doc) {
    std::set<std::string> out;
    const std::string marker = "{\"cmd\":\"";
    for (size_t at = doc.find(marker); at != std::string::npos; at = doc.find(marker, at + 1)) {
        size_t start = at + marker.size();
        out.insert(doc.substr(start, doc.find('"', start) - start));
    }
    return out;
}

ParsedCommandLine parse(std::vector<std::string> words) { return parse_command_line(words); }

}  // namespace

TEST(ControlCommands, TheDocTableListsEveryCommandAndNoOther) {
    auto doc = read_doc("vigilctl.md");
    ASSERT_FALSE(doc.empty());
    EXPECT_EQ(commands_in_doc_table(doc), all_names());
}

TEST(ControlCommands, TheDocShowsTheRequestOfEveryCommandTheDaemonRuns) {
    EXPECT_EQ(commands_in_doc_requests(read_doc("vigilctl.md")), names_in_table(Runs::InDaemon));
}

TEST(ControlCommands, UsageHasALineForEveryCommandWithItsArguments) {
    auto usage = "\n" + commands_usage();
    for (const auto& c : commands()) EXPECT_NE(usage.find("\n  " + command_synopsis(c) + " "), std::string::npos) << c.name;
    EXPECT_EQ(command_synopsis(command(CommandId::Maintenance)), "maintenance on|off [NAME...]");
    EXPECT_EQ(command_synopsis(command(CommandId::Status)), "status [--json]");
    EXPECT_EQ(command_synopsis(command(CommandId::ImportKeepalived)), "import-keepalived FILE");
    // A summary's later lines stay under its first.
    EXPECT_NE(usage.find("anycast sections\n                                   (default: all), or release"), std::string::npos) << usage;
}

TEST(ControlCommands, ArgumentsBecomeTheRequest) {
    auto on = parse({"maintenance", "on", "VI_1", "VI_2"});
    ASSERT_TRUE(on.invocation);
    EXPECT_EQ(on.invocation->request, json::parse(R"({"cmd":"maintenance","on":true,"instances":["VI_1","VI_2"]})"));
    auto off = parse({"maintenance", "off"});
    ASSERT_TRUE(off.invocation);
    EXPECT_EQ(off.invocation->request, json::parse(R"({"cmd":"maintenance","on":false})")) << "no names: all instances";
    auto status = parse({"status", "--json"});
    ASSERT_TRUE(status.invocation);
    EXPECT_EQ(status.invocation->request, json::parse(R"({"cmd":"status"})")) << "--json is vigilctl's own";
    EXPECT_TRUE(status.invocation->flag(kJsonFlag));
    EXPECT_FALSE(parse({"status"}).invocation->flag(kJsonFlag));
    auto import = parse({"import-keepalived", "k.conf"});
    ASSERT_TRUE(import.invocation);
    EXPECT_EQ(import.invocation->file, "k.conf");
    EXPECT_TRUE(import.invocation->request.is_null()) << "nothing is sent";
}

TEST(ControlCommands, WrongArgumentsAndUnknownCommandsAreTold) {
    EXPECT_EQ(parse({"frobnicate"}).command, nullptr);
    for (auto words : std::vector<std::vector<std::string>>{
             {"maintenance"}, {"maintenance", "maybe"}, {"import-keepalived"}, {"import-keepalived", "a", "b"}, {"reload", "now"}}) {
        auto parsed = parse(words);
        EXPECT_NE(parsed.command, nullptr) << words[0];
        EXPECT_FALSE(parsed.invocation) << words.size();
    }
    EXPECT_EQ(command(CommandId::ImportKeepalived).usage_exit, 1) << "its 2 means a partial import";
    EXPECT_EQ(command(CommandId::Maintenance).usage_exit, 2);
}

TEST(ControlCommands, TheDaemonRunsAllButTheImportAndNamesThemWhenAskedForAnother) {
    EXPECT_EQ(find_daemon_command("import-keepalived"), nullptr);
    ASSERT_NE(find_daemon_command("events"), nullptr);
    EXPECT_TRUE(find_daemon_command("events")->streams);
    EXPECT_FALSE(find_daemon_command("status")->streams);
    EXPECT_EQ(unknown_command_reply("frobnicate").dump(),
              R"j({"error":"unknown command 'frobnicate' (status, reload, maintenance, events)","ok":false})j");
}

TEST(ControlCommands, RepliesPrintAsVigilctlAlwaysPrintedThem) {
    auto render = [](CommandId id, const std::vector<std::string>& words, const std::string& reply) {
        auto parsed = parse_command_line(words);
        std::ostringstream out, err;
        int status = command(id).render(json::parse(reply), *parsed.invocation, out, err);
        return std::to_string(status) + "|" + out.str() + "|" + err.str();
    };
    EXPECT_EQ(render(CommandId::Maintenance, {"maintenance", "on"}, R"({"ok":true,"instances":["VI_1","VI_2"],"maintenance":true})"),
              "0|maintenance on: VI_1 VI_2\n|");
    EXPECT_EQ(render(CommandId::Maintenance, {"maintenance", "off"}, R"({"ok":true,"instances":[],"maintenance":false})"),
              "0|maintenance off: (none)\n|");
    EXPECT_EQ(render(CommandId::Maintenance, {"maintenance", "on"},
                     R"({"ok":true,"instances":["VI_1"],"anycast":["web","api"],"maintenance":true})"),
              "0|maintenance on: VI_1; anycast web api\n|");
    EXPECT_EQ(render(CommandId::Maintenance, {"maintenance", "off", "web"},
                     R"({"ok":true,"instances":[],"anycast":["web"],"maintenance":false})"),
              "0|maintenance off: anycast web\n|");
    EXPECT_EQ(render(CommandId::Maintenance, {"maintenance", "on", "VI_9"},
                     R"({"ok":false,"error":"no instance or anycast section VI_9"})"),
              "1||vigilctl: no instance or anycast section VI_9\n");
    EXPECT_EQ(render(CommandId::Reload, {"reload"}, R"({"ok":false,"errors":["a.conf:3: bad"],"warnings":["a.conf:4: odd"]})"),
              "1|reload refused: the running configuration stays\n|a.conf:3: bad\na.conf:4: odd\n");
    EXPECT_EQ(render(CommandId::Reload, {"reload"}, R"({"ok":true,"errors":[],"warnings":[]})"), "0|reloaded\n|");
    EXPECT_EQ(render(CommandId::Events, {"events"}, R"({"ok":true,"events":true})"), "0||");
    EXPECT_EQ(render(CommandId::Status, {"status", "--json"}, R"({"ok":true,"router_id":"h1"})"),
              "0|{\n  \"ok\": true,\n  \"router_id\": \"h1\"\n}\n|");
    EXPECT_EQ(render(CommandId::Status, {"status"}, R"({"ok":false})"), "1||vigilctl: refused\n");
}
