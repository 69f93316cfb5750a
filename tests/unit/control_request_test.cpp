// SPDX-License-Identifier: Apache-2.0
// The control protocol's request side (control/request.h): framing, parsing,
// maintenance's fields, and the reply line, as ControlServer uses them.
#include <gtest/gtest.h>

#include "control/request.h"

using namespace vigil::control;
using nlohmann::json;

TEST(ControlRequest, TakesCompleteLinesAndKeepsTheRest) {
    std::string pending = "{\"cmd\":\"status\"}\n\n{\"cmd\":\"rel";
    auto framed = take_lines(pending);
    ASSERT_EQ(framed.lines.size(), 2u);
    EXPECT_EQ(framed.lines[0], "{\"cmd\":\"status\"}");
    EXPECT_EQ(framed.lines[1], "");
    EXPECT_FALSE(framed.overflow);
    EXPECT_EQ(pending, "{\"cmd\":\"rel");
    pending += "oad\"}\r\n";
    framed = take_lines(pending);
    ASSERT_EQ(framed.lines.size(), 1u);
    EXPECT_EQ(framed.lines[0], "{\"cmd\":\"reload\"}\r");  // only '\n' ends a line, as before
    EXPECT_EQ(pending, "");
}

TEST(ControlRequest, NoNewlineWithinTheLimitIsAnOverflow) {
    std::string pending(kMaxRequest, 'x');
    EXPECT_FALSE(take_lines(pending).overflow);  // control: exactly the limit still waits for its newline
    pending += "x";
    auto framed = take_lines(pending);
    EXPECT_TRUE(framed.overflow);
    EXPECT_TRUE(pending.empty());
}

TEST(ControlRequest, ParsesARequestAndRefusesEverythingElse) {
    auto ok = parse_request("{\"cmd\":\"maintenance\",\"on\":true}");
    ASSERT_TRUE(ok.request);
    EXPECT_EQ((*ok.request)["cmd"], "maintenance");
    for (const char* bad : {"", "not json", "[]", "{}", "{\"cmd\":1}", "{\"cmd\":\"status\"", "\"status\""}) {
        auto r = parse_request(bad);
        EXPECT_FALSE(r.request) << bad;
        EXPECT_EQ(r.error_reply["ok"], false) << bad;
    }
    std::string long_line = "{\"cmd\":\"status\",\"x\":\"" + std::string(kMaxRequest, 'x') + "\"}";
    EXPECT_EQ(parse_request(long_line).error_reply, request_too_long());
}

namespace {

MaintenanceTarget target_of(const std::string& name) {
    return name == "VI_1" ? MaintenanceTarget::Instance : name == "web" ? MaintenanceTarget::Anycast : MaintenanceTarget::None;
}

}  // namespace

TEST(ControlRequest, MaintenanceFields) {
    auto all_off = parse_maintenance(json{{"cmd", "maintenance"}, {"on", false}}, target_of);
    ASSERT_TRUE(all_off.request);
    EXPECT_FALSE(all_off.request->on);
    EXPECT_TRUE(all_off.request->instances.empty());
    EXPECT_TRUE(all_off.request->all());
    auto one = parse_maintenance(json{{"on", true}, {"instances", {"VI_1"}}}, target_of);
    ASSERT_TRUE(one.request);
    EXPECT_EQ(one.request->instances, std::vector<std::string>{"VI_1"});
    EXPECT_TRUE(one.request->anycast.empty());
    EXPECT_FALSE(one.request->all());
    EXPECT_TRUE(parse_maintenance(json{{"on", true}, {"instances", json::array()}}, target_of).request->all()) << "an empty list: all";
    EXPECT_EQ(parse_maintenance(json{{"on", "yes"}}, target_of).error["error"], "maintenance needs \"on\": true|false");
    EXPECT_EQ(parse_maintenance(json{{"on", true}, {"instances", "VI_1"}}, target_of).error["error"],
              "\"instances\" must be a list of names");
    EXPECT_EQ(parse_maintenance(json{{"on", true}, {"instances", {1}}}, target_of).error["error"],
              "\"instances\" must be a list of names");
    EXPECT_EQ(parse_maintenance(json{{"on", true}, {"instances", {"VI_9"}}}, target_of).error["error"],
              "no instance or anycast section VI_9");
}

// One list of names for both: each goes to the part that has it, and one name
// nobody has refuses the whole request (nothing is switched).
TEST(ControlRequest, MaintenanceNamesAnInstanceOrAnAnycastSection) {
    auto both = parse_maintenance(json{{"on", true}, {"instances", {"web", "VI_1"}}}, target_of);
    ASSERT_TRUE(both.request);
    EXPECT_EQ(both.request->instances, std::vector<std::string>{"VI_1"});
    EXPECT_EQ(both.request->anycast, std::vector<std::string>{"web"});
    EXPECT_FALSE(both.request->all());
    auto anycast = parse_maintenance(json{{"on", false}, {"instances", {"web"}}}, target_of);
    ASSERT_TRUE(anycast.request);
    EXPECT_TRUE(anycast.request->instances.empty()) << "no instance named: not all instances";
    EXPECT_FALSE(anycast.request->all());
    auto unknown = parse_maintenance(json{{"on", true}, {"instances", {"web", "api"}}}, target_of);
    EXPECT_FALSE(unknown.request);
    EXPECT_EQ(unknown.error["error"], "no instance or anycast section api");
}

// A reload reply carries the config's diagnostics, which quote the file's
// bytes; a config that is not UTF-8 made the JSON dump throw, out of a
// libevent callback, and vigild terminated.
TEST(ControlRequest, ReplyLineSurvivesBytesThatAreNotUtf8) {
    json reply = {{"ok", false}, {"errors", {"vigil.conf:1: unknown key '\xff\xfe'"}}};
    EXPECT_THROW(reply.dump(), json::type_error);  // control: what the server did before
    std::string line;
    ASSERT_NO_THROW(line = reply_line(reply));
    EXPECT_EQ(line, "{\"errors\":[\"vigil.conf:1: unknown key '\xef\xbf\xbd\xef\xbf\xbd'\"],\"ok\":false}\n");
}
