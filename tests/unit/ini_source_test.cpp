// SPDX-License-Identifier: Apache-2.0
// The INI layer: comments, line numbers, and every syntax error reported.
#include <gtest/gtest.h>

#include "config/ini_source.h"
#include "config_files/config_files.h"

using namespace vigil::config;

namespace {
struct Parsed {
    std::vector<RawSection> sections;
    Diagnostics diags;
};
Parsed parse(const std::string& text) {
    Parsed p;
    parse_ini_text(text, "x.conf", p.sections, p.diags);
    return p;
}
std::vector<std::string> errors(const Parsed& p) {
    std::vector<std::string> out;
    for (const auto& d : p.diags.all()) out.push_back(d.str());
    return out;
}
}  // namespace

TEST(IniSource, ReadsSectionsKeysAndTheirLines) {
    auto p = parse("; comment\n[global]\nrouter_id = h1\n\n# another\n[instance VI_1]\n  vrid = 51\n");
    ASSERT_TRUE(p.diags.ok());
    ASSERT_EQ(p.sections.size(), 2u);
    EXPECT_EQ(p.sections[0].header, "global");
    EXPECT_EQ(p.sections[0].where.line, 2);
    ASSERT_EQ(p.sections[0].entries.size(), 1u);
    EXPECT_EQ(p.sections[0].entries[0].key, "router_id");
    EXPECT_EQ(p.sections[0].entries[0].value, "h1");
    EXPECT_EQ(p.sections[0].entries[0].where.line, 3);
    EXPECT_EQ(p.sections[1].header, "instance VI_1");
    ASSERT_EQ(p.sections[1].entries.size(), 1u);
    EXPECT_EQ(p.sections[1].entries[0].where.line, 7);
}

TEST(IniSource, IndentedKeysAreKeysNotContinuations) {
    auto p = parse("[instance A]\n    interface = eth0\n    vrid = 51\n");
    ASSERT_TRUE(p.diags.ok());
    ASSERT_EQ(p.sections[0].entries.size(), 2u);
    EXPECT_EQ(p.sections[0].entries[1].key, "vrid");
    EXPECT_EQ(p.sections[0].entries[1].value, "51");
}

TEST(IniSource, StripsInlineCommentsOfBothKinds) {
    auto p = parse("[x]\na = 1 ; semicolon\nb = 2 # hash\nc = http://h/#frag\n");
    ASSERT_TRUE(p.diags.ok());
    EXPECT_EQ(p.sections[0].entries[0].value, "1");
    EXPECT_EQ(p.sections[0].entries[1].value, "2");
    EXPECT_EQ(p.sections[0].entries[2].value, "http://h/#frag");
}

TEST(IniSource, HandlesBomAndCrlf) {
    auto p = parse("\xEF\xBB\xBF[global]\r\nrouter_id = h1\r\n");
    ASSERT_TRUE(p.diags.ok()) << errors(p).front();
    EXPECT_EQ(p.sections[0].header, "global");
    EXPECT_EQ(p.sections[0].entries[0].value, "h1");
}

TEST(IniSource, ReportsEverySyntaxErrorWithItsLine) {
    auto p = parse("[global]\nrouter_id h1\n[instance A\nvrid = 51\n= 5\nfine = yes\nalso broken\n");
    auto e = errors(p);
    ASSERT_EQ(e.size(), 4u);
    EXPECT_EQ(e[0], "x.conf:2: syntax error: expected 'key = value', '[section]' or a comment");
    EXPECT_EQ(e[1], "x.conf:3: syntax error: section header without ']'");
    EXPECT_EQ(e[2], "x.conf:5: syntax error: missing key name before '='");
    EXPECT_EQ(e[3], "x.conf:7: syntax error: expected 'key = value', '[section]' or a comment");
}

TEST(IniSource, KeyBeforeAnySectionIsAnError) {
    auto e = errors(parse("vrid = 5\n[global]\n"));
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0], "x.conf:1: 'vrid' is outside of any [section]");
}

TEST(IniSource, OverlongLineIsOneErrorAndLaterLinesKeepTheirNumbers) {
    auto p = parse("[x]\na = " + std::string(5000, 'v') + "\nb = )\nbroken\n");
    auto e = errors(p);
    ASSERT_EQ(e.size(), 2u);
    EXPECT_NE(e[0].find("x.conf:2: line too long"), std::string::npos) << e[0];
    EXPECT_EQ(e[1].substr(0, 9), "x.conf:4:");
    ASSERT_EQ(p.sections[0].entries.size(), 1u);
    EXPECT_EQ(p.sections[0].entries[0].where.line, 3);
}

TEST(IniSource, LongLinesUpToTheLimitAreFine) {
    auto p = parse("[x]\nformat = " + std::string(3000, 'f') + "\nnext = 1\n");
    ASSERT_TRUE(p.diags.ok());
    EXPECT_EQ(p.sections[0].entries[0].value.size(), 3000u);
    EXPECT_EQ(p.sections[0].entries[1].where.line, 3);
}

TEST(IniSource, RefusesWhatInihWouldMisreadSilently) {
    static const char text[] = "[x]\na = 5\0junk\n\0vrid = 999\n[y] junk\nb = 1\nc: 2\n";
    auto p = parse(std::string(text, sizeof text - 1));
    EXPECT_EQ(errors(p), (std::vector<std::string>{
                             "x.conf:2: contains a NUL byte",
                             "x.conf:3: contains a NUL byte",
                             "x.conf:4: syntax error: text after the section header",
                             "x.conf:6: syntax error: expected 'key = value' (found ':' before '=')",
                         }));
    ASSERT_EQ(p.sections.size(), 1u) << "keys under the broken [y] header are not merged into [x]";
    EXPECT_TRUE(p.sections[0].entries.empty());
}

TEST(IniSource, OldMacLineEndingsAreAnError) {
    auto e = errors(parse("[global]\rrouter_id = a\r"));
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0], "x.conf:1: stray carriage return (a file with old Mac line endings?)");
}

TEST(IniSource, HeaderMayCarryAComment) {
    auto p = parse("[instance A] ; web\nvrid = 1\n[global] # main\n");
    ASSERT_TRUE(p.diags.ok()) << errors(p).front();
    EXPECT_EQ(p.sections[0].header, "instance A");
    EXPECT_EQ(p.sections[1].header, "global");
}

TEST(IniSource, ADirectoryIsNotAConfig) {
    Diagnostics d;
    std::vector<RawSection> s;
    EXPECT_FALSE(parse_ini_file("/tmp", s, d));
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_EQ(d.all()[0].str(), "/tmp: cannot read: not a regular file");
}

TEST(IniSource, MissingFileIsAnError) {
    Diagnostics d;
    std::vector<RawSection> s;
    EXPECT_FALSE(parse_ini_file("/nonexistent/vigil.conf", s, d));
    ASSERT_EQ(d.error_count(), 1u);
    EXPECT_EQ(d.all()[0].str(), "/nonexistent/vigil.conf: cannot read: No such file or directory");
}

// What vigild reads ahead to load the plugins a config uses.
TEST(SectionTypes, TheTypesOfTrackerAndNotifierSectionsAndNothingElse) {
    std::vector<RawSection> raw;
    Diagnostics diags;
    parse_ini_text("[global]\ntype = global_is_no_plugin\n[instance A]\ntype = nor_this\n"
                   "[tracker a]\ntype = file\n[tracker b]\ntype = http\n[tracker a]\nweight = 2\n"
                   "[notifier n]\ntype = log\n[notifier m]\ntype = lua\n",
                   "t.conf", raw, diags);
    auto types = section_types_of(raw);
    EXPECT_EQ(types.trackers, (std::set<std::string>{"file", "http"}));
    EXPECT_EQ(types.notifiers, (std::set<std::string>{"log", "lua"}));
    EXPECT_FALSE(types.untyped) << "[tracker a] has its type in its first part";

    raw.clear();
    parse_ini_text("[tracker a]\nweight = 2\n", "t.conf", raw, diags);
    EXPECT_TRUE(section_types_of(raw).untyped);
}
