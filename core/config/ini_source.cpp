// SPDX-License-Identifier: Apache-2.0
#include "config/ini_source.h"

#include <ini.h>
#include <cstring>
#include <sstream>

namespace vigil::config {
namespace {

constexpr int kMaxLine = 4096;

// inih reports only the first syntax error, and only as a line number. To list
// every error we feed it one line at a time and note which lines produced a
// section or a key; a line that should have and did not is a syntax error.
struct Feed {
    const std::string& file;
    std::istringstream lines;
    std::vector<RawSection>& out;
    Diagnostics& diags;
    int line = 0;
    bool expect_entry = false;  // current line looks like "key = value"
    bool got_entry = false;
    enum class Section { None, Open, Broken } section = Section::None;

    void close_line() {
        if (expect_entry && !got_entry)
            diags.error({file, line}, "syntax error: expected 'key = value', '[section]' or a comment");
        expect_entry = got_entry = false;
    }
};

// Refuses what inih would misread silently; returns the line to hand to inih.
std::string screen_line(Feed& feed, std::string text, int size) {
    Location where{feed.file, feed.line};
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (feed.line == 1 && text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
    // inih stops reading a line at a NUL, and would take "vrid = 5\0junk" as 5.
    if (text.find('\0') != std::string::npos) {
        feed.diags.error(where, "contains a NUL byte");
        return "";
    }
    if (text.find('\r') != std::string::npos) {
        feed.diags.error(where, "stray carriage return (a file with old Mac line endings?)");
        return "";
    }
    // inih would split an over-long line into two and misnumber everything after.
    if (static_cast<int>(text.size()) >= size - 1) {
        feed.diags.error(where, "line too long (" + std::to_string(text.size()) + " characters, at most " +
                                    std::to_string(size - 2) + ")");
        return "";
    }
    return text;
}

char* read_line(char* buf, int size, void* stream) {
    auto& feed = *static_cast<Feed*>(stream);
    feed.close_line();
    std::string raw;
    if (!std::getline(feed.lines, raw)) return nullptr;
    ++feed.line;
    std::string text = screen_line(feed, std::move(raw), size);
    Location where{feed.file, feed.line};

    auto first = text.find_first_not_of(" \t");
    char lead = first == std::string::npos ? '\0' : text[first];
    if (lead == '[') {
        auto close = text.find(']', first);
        auto rest = close == std::string::npos ? std::string() : text.substr(close + 1);
        auto rest_start = rest.find_first_not_of(" \t");
        bool ok = false;
        if (close == std::string::npos) {
            feed.diags.error(where, "syntax error: section header without ']'");
        } else if (rest_start != std::string::npos && rest[rest_start] != ';' && rest[rest_start] != '#') {
            feed.diags.error(where, "syntax error: text after the section header");
        } else {
            auto header = text.substr(first + 1, close - first - 1);
            auto b = header.find_first_not_of(" \t");
            auto e = header.find_last_not_of(" \t");
            header = b == std::string::npos ? "" : header.substr(b, e - b + 1);
            feed.out.push_back({header, where, {}});
            text = "[" + header + "]";
            ok = true;
        }
        // Keys under a broken header belong to no section; its one error is enough.
        feed.section = ok ? Feed::Section::Open : Feed::Section::Broken;
        if (!ok) text.clear();
    } else if (lead != '\0' && lead != ';' && lead != '#') {
        auto sep = text.find_first_of("=:");
        if (sep != std::string::npos && text[sep] == ':') {
            // inih also takes "key: value"; vigil.conf has one syntax.
            feed.diags.error(where, "syntax error: expected 'key = value' (found ':' before '=')");
            text.clear();
        } else {
            feed.expect_entry = true;
        }
    }
    std::memcpy(buf, text.c_str(), text.size() + 1);
    return buf;
}

int on_entry(void* user, const char* /*section*/, const char* name, const char* value) {
    auto& feed = *static_cast<Feed*>(user);
    feed.got_entry = true;
    Location where{feed.file, feed.line};
    if (*name == '\0') {
        feed.diags.error(where, "syntax error: missing key name before '='");
        return 1;
    }
    if (feed.section == Feed::Section::Broken) return 1;
    if (feed.section == Feed::Section::None) {
        feed.diags.error(where, std::string("'") + name + "' is outside of any [section]");
        return 1;
    }
    feed.out.back().entries.push_back({name, value, where});
    return 1;
}

void configure_inih() {
    // Debian's inih exposes its compile-time options as variables. Leading
    // whitespace must not make a line a continuation of the previous key
    // (indented sections are common), and '#' starts a comment anywhere.
    ini_allow_multiline = false;
    ini_allow_inline_comments = true;
    static char inline_prefixes[] = ";#";
    ini_inline_comment_prefixes = inline_prefixes;
    static char start_prefixes[] = ";#";
    ini_start_comment_prefixes = start_prefixes;
    // Its default 200-byte line buffer is short for templates and long track
    // lists; a heap buffer of kMaxLine takes whole lines.
    ini_use_stack = false;
    ini_allow_realloc = true;
    ini_initial_alloc = kMaxLine;
    ini_max_line = kMaxLine;
}

}  // namespace

void parse_ini_text(const std::string& text, const std::string& file_name,
                    std::vector<RawSection>& out, Diagnostics& diags) {
    configure_inih();
    Feed feed{file_name, std::istringstream(text), out, diags};
    ini_parse_stream(read_line, &feed, on_entry, &feed);
    feed.close_line();
}

}  // namespace vigil::config
