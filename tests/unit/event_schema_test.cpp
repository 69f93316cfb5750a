// SPDX-License-Identifier: Apache-2.0
// The event JSON and its documentation (docs/vigilctl.md, "The event") name the
// same keys, in the same order, with the same JSON types.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "notify/event.h"

namespace vigil::notify {
namespace {

struct DocRow {
    std::string key, type;
};

// The rows of the table under "## The event", as (key, JSON type).
std::vector<DocRow> documented_keys() {
    std::ifstream in(std::string(SOURCE_DIR) + "/docs/vigilctl.md");
    std::string line;
    bool inside = false;
    std::vector<DocRow> rows;
    static const std::regex row(R"(^\| `([a-z_]+)` \| ([a-z ]+) \|)");
    while (std::getline(in, line)) {
        if (line.rfind("## ", 0) == 0) inside = line == "## The event";
        std::smatch m;
        if (inside && std::regex_search(line, m, row)) rows.push_back({m[1], m[2]});
    }
    return rows;
}

std::string json_type(const nlohmann::json& v) {
    if (v.is_number()) return "number";
    if (v.is_string()) return "string";
    if (v.is_array()) {
        for (const auto& item : v)
            if (!item.is_string()) return "array";
        return "array of strings";
    }
    return v.type_name();
}

Event sample() {
    Event e;
    e.seq = 7;
    e.kind = "instance";
    e.name = "VI_1";
    e.state = "MASTER";
    e.prev_state = "BACKUP";
    e.priority = 100;
    e.vips = {"192.0.2.251", "2001:db8::251"};
    e.host = "h1";
    e.time = "2026-11-25T22:50:02.123Z";
    e.reason = "preempting lower-priority master 192.0.2.12 (priority 99)";
    return e;
}

TEST(EventSchema, TheDocsTableListsEveryKeyOfTheJsonWithItsType) {
    auto doc = documented_keys();
    ASSERT_FALSE(doc.empty()) << "no key table under '## The event' in docs/vigilctl.md";
    // ordered_json keeps the keys in the order json() writes them.
    auto json = nlohmann::ordered_json::parse(sample().json());
    std::vector<std::string> real, documented;
    for (const auto& [key, value] : json.items()) real.push_back(key + ": " + json_type(value));
    for (const auto& r : doc) documented.push_back(r.key + ": " + r.type);
    EXPECT_EQ(real, documented);
}

TEST(EventSchema, VersionIsOne) {
    // Changing it means a breaking change of the schema: docs/vigilctl.md says when.
    EXPECT_EQ(nlohmann::json::parse(sample().json()).at("version"), 1);
}

}  // namespace
}  // namespace vigil::notify
