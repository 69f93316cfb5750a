// The pure parts of the network plugins: HTTP status/body matching and
// notification templates.
#include <gtest/gtest.h>

#include "config/value_kinds.h"
#include "http_match.h"
#include "template.h"

namespace {

// The ranges as the http tracker receives them: the host's parse of its
// expect_status (SDK 1.2 typed values).
std::vector<vigil_range> status_ranges(const char* list) {
    auto parsed = vigil::config::parse_value(vigil::config::ValueKind::StatusList, {}, list);
    EXPECT_TRUE(parsed.ok()) << list << ": " << parsed.problem;
    std::vector<vigil_range> ranges;
    for (auto [lo, hi] : parsed.ranges) ranges.push_back(vigil_range{lo, hi});
    return ranges;
}

std::string judge(int status, const char* error, const char* body, const char* list, const char* expect_body) {
    auto ranges = status_ranges(list);
    char reason[256];
    int ok = http_judge(status, error, body, ranges.data(), ranges.size(), expect_body, reason, sizeof reason);
    return std::string(ok ? "ok: " : "down: ") + reason;
}

}  // namespace

TEST(HttpMatch, StatusListsAndRanges) {
    EXPECT_EQ(judge(200, nullptr, "", "200", nullptr), "ok: HTTP 200");
    EXPECT_EQ(judge(204, nullptr, "", "200-299", nullptr), "ok: HTTP 204");
    EXPECT_EQ(judge(302, nullptr, "", "200-299 301,302", nullptr), "ok: HTTP 302");
    EXPECT_EQ(judge(300, nullptr, "", "200-299 301,302", nullptr), "down: HTTP 300, not an expected status");
    EXPECT_EQ(judge(503, nullptr, "", "200", nullptr), "down: HTTP 503, not an expected status");
    EXPECT_EQ(judge(0, "Couldn't connect to server", nullptr, "200", nullptr), "down: Couldn't connect to server");
}

TEST(HttpMatch, Body) {
    EXPECT_EQ(judge(200, nullptr, "status: ok\n", "200", "ok"), "ok: HTTP 200");
    EXPECT_EQ(judge(200, nullptr, "status: degraded\n", "200", "ok"), "down: HTTP 200, but the body lacks 'ok'");
    EXPECT_EQ(judge(200, nullptr, nullptr, "200", "ok"), "down: HTTP 200, but the body lacks 'ok'");
    EXPECT_EQ(judge(503, nullptr, "ok", "200", "ok"), "down: HTTP 503, not an expected status") << "status is checked first";
}

// The plugin no longer parses expect_status: the one parser of the kind does.
TEST(HttpMatch, BadStatusListsAreRefused) {
    for (const char* bad : {"", "abc", "200-", "299-200", "99", "600", "200x", "1 2 3 4 5"})
        EXPECT_FALSE(vigil::config::parse_value(vigil::config::ValueKind::StatusList, {}, bad).ok()) << bad;
    auto r = status_ranges(" 200 , 301-302 ");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[1].lo, 301);
    EXPECT_EQ(r[1].hi, 302);
}

TEST(Template, EveryFieldAndLineBreaks) {
    const char* vips[] = {"192.0.2.251", "2001:db8::251"};
    vigil_event ev{sizeof ev, 42, "instance", "VI_1", "MASTER", "BACKUP", 100, vips, 2,
                   "h1", "2026-11-25T22:50:02.123Z", "no master seen", "{}"};
    char out[512];
    render_template("{seq} {kind} {name} {prev_state}->{state} {priority} [{vips}] {host} {time}: {reason}", &ev, out,
                    sizeof out, 1);
    EXPECT_STREQ(out, "42 instance VI_1 BACKUP->MASTER 100 [192.0.2.251 2001:db8::251] h1 2026-11-25T22:50:02.123Z: no master seen");
    render_template("{name}\\nis {state}", &ev, out, sizeof out, 0);
    EXPECT_STREQ(out, "VI_1\nis MASTER") << "\\n in a body template is a line break";
    render_template("{name}\\nis {state}", &ev, out, sizeof out, 1);
    EXPECT_STREQ(out, "VI_1\\nis MASTER") << "one-line templates keep it literally";
    ev.reason = "line one\nline two";
    render_template("{reason}", &ev, out, sizeof out, 1);
    EXPECT_STREQ(out, "line one line two") << "a log line stays one line";
    render_template("{name}{name}{name}", &ev, out, 8, 1);
    EXPECT_STREQ(out, "VI_1VI_") << "truncated, never overflowed";
}
