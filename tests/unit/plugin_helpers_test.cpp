// SPDX-License-Identifier: Apache-2.0
// The pure parts of the network plugins: HTTP status/body matching,
// notification templates and how failures quote the server's answer.
#include <gtest/gtest.h>

#include "config/value_kinds.h"
#include "http_match.h"
#include "server_reply.h"
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

namespace {

std::string quoted(const std::string& text, size_t max = REPLY_QUOTE_MAX, size_t outlen = 600) {
    std::vector<char> out(outlen);
    quote_reply(text.data(), text.size(), max, out.data(), out.size());
    return out.data();
}

// A conversation as libcurl's debug callback hands it over, line by line.
std::string smtp(const std::vector<std::pair<char, std::string>>& lines, long response_code = 0,
                 const char* transport = "Weird server reply") {
    smtp_trace t{};
    for (const auto& [dir, line] : lines) {
        if (dir == '>') smtp_trace_sent(&t, line.data(), line.size());
        else smtp_trace_received(&t, line.data(), line.size());
    }
    char err[512];
    smtp_failure(&t, response_code, transport, err, sizeof err);
    return err;
}

}  // namespace

TEST(ServerReply, QuotedPrintableAndBounded) {
    EXPECT_EQ(quoted("down for maintenance"), "down for maintenance");
    EXPECT_EQ(quoted("a\r\n\tb"), "a\\r\\n\\tb") << "a log line stays one line";
    EXPECT_EQ(quoted("C:\\dir"), "C:\\\\dir") << "a backslash is doubled: escapes stay unambiguous";
    EXPECT_EQ(quoted("line\r\nnext\t\x1b[31m"), "line\\r\\nnext\\t\\x1b[31m");
    EXPECT_EQ(quoted(std::string("nul\0byte", 8)), "nul\\x00byte");
    EXPECT_EQ(quoted("caf\xc3\xa9"), "caf\\xc3\\xa9") << "bytes outside ASCII are escaped";
    EXPECT_EQ(quoted(std::string(200, 'x')), std::string(128, 'x') + "...") << "at most REPLY_QUOTE_MAX bytes";
    EXPECT_EQ(quoted(std::string(128, 'x')), std::string(128, 'x')) << "exactly the limit is not cut";
    EXPECT_EQ(quoted(std::string(100, '\x01'), 128, 40).size(), 39u) << "never past the buffer: whole escapes and ...";
    EXPECT_EQ(quoted("", 128, 1), "");
}

TEST(ServerReply, HttpStatusAndTheStartOfTheBody) {
    char err[512];
    http_failure(503, "down for maintenance\n", 21, err, sizeof err);
    EXPECT_STREQ(err, "HTTP 503, body: 'down for maintenance\\n'");
    http_failure(500, "", 0, err, sizeof err);
    EXPECT_STREQ(err, "HTTP 500, empty body");
    std::string page = "<html>" + std::string(300, 'y');
    http_failure(404, page.data(), 129, err, sizeof err);
    EXPECT_EQ(std::string(err), "HTTP 404, body: '" + page.substr(0, 128) + "...'");
}

TEST(ServerReply, SmtpNamesTheRefusedCommandAndTheServersWords) {
    std::vector<std::pair<char, std::string>> to_data = {
        {'<', "220 mx ESMTP\r\n"},           {'>', "EHLO h1\r\n"},
        {'<', "250-mx\r\n"},                  {'<', "250 HELP\r\n"},
        {'>', "MAIL FROM:<v@example.org>\r\n"}, {'<', "250 OK\r\n"},
        {'>', "RCPT TO:<a@example.org>\r\n"},   {'<', "250 OK\r\n"},
        {'>', "DATA\r\n"},                    {'<', "354 End data with <CR><LF>.<CR><LF>\r\n"},
        {'<', "500 Error: mailbox on fire\r\n"}, {'>', "QUIT\r\n"}, {'<', "221 Bye\r\n"}};
    EXPECT_EQ(smtp(to_data, 221), "SMTP server answered 500 'Error: mailbox on fire' to DATA") << "QUIT's 221 does not hide it";
    EXPECT_EQ(smtp({{'>', "MAIL FROM:<v@example.org>\r\n"}, {'<', "553 5.1.8 sender rejected\r\n"}}),
              "SMTP server answered 553 '5.1.8 sender rejected' to MAIL FROM");
    EXPECT_EQ(smtp({{'>', "RCPT TO:<x@example.org>\r\n"}, {'<', "550-no such user\r\n550 really none\r\n"}}),
              "SMTP server answered 550 'really none' to RCPT TO") << "the last line of a longer reply";
    // AUTH LOGIN: the encoded credentials continue AUTH and are never kept.
    auto auth = smtp({{'>', "AUTH LOGIN\r\n"}, {'<', "334 VXNlcm5hbWU6\r\n"}, {'>', "b3Bz\r\n"},
                      {'<', "334 UGFzc3dvcmQ6\r\n"}, {'>', "aHVudGVyMg==\r\n"}, {'<', "535 5.7.8 Authentication failed\r\n"}});
    EXPECT_EQ(auth, "SMTP server answered 535 '5.7.8 Authentication failed' to AUTH");
    EXPECT_EQ(smtp({{'<', "554 go away\r\n"}}), "SMTP server answered 554 'go away' to the connection");
    EXPECT_EQ(smtp({{'>', "DATA\r\n"}, {'<', "451\r\n"}}), "SMTP server answered 451 to DATA");
    EXPECT_EQ(smtp({{'>', "DATA\r\n"}, {'<', "500 \x1b[2J\tbad\r\n"}}), "SMTP server answered 500 '\\x1b[2J\\tbad' to DATA");
}

TEST(ServerReply, SmtpWithoutARefusalKeepsLibcurlsWords) {
    // A refused STARTTLS that the session went on without (starttls = try) is not why it failed later.
    EXPECT_EQ(smtp({{'>', "STARTTLS\r\n"}, {'<', "454 TLS not available\r\n"}, {'>', "MAIL FROM:<v@example.org>\r\n"}},
                   0, "Timeout was reached"),
              "Timeout was reached");
    EXPECT_EQ(smtp({}, 0, "Couldn't connect to server"), "Couldn't connect to server");
    EXPECT_EQ(smtp({}, 452, "Failed sending data to the peer"), "SMTP server answered 452 (Failed sending data to the peer)");
}
