// SPDX-License-Identifier: Apache-2.0
#include "config/value_kinds.h"

#include <algorithm>
#include <cctype>

#include "config/route_syntax.h"
#include "config/values.h"

namespace vigil::config {
namespace {

bool is_header_token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string joined(const std::vector<std::string>& words, const char* separator, const char* suffix = "") {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : separator) + w + suffix;
    return out;
}

void parse_integer_into(ParsedValue& out, const KeyLimits& limits, std::string_view text) {
    auto v = parse_integer(text);
    if (!v) out.problem = quoted(text) + " is not an integer";
    else if (*v < limits.min || *v > limits.max)
        out.problem = std::string(text) + " is out of range (" + std::to_string(limits.min) + "-" + std::to_string(limits.max) + ")";
    else out.number = *v;
}

void parse_duration_into(ParsedValue& out, const KeyLimits& limits, std::string_view text) {
    auto d = parse_duration(text);
    if (!d) out.problem = quoted(text) + " is not a duration (e.g. 1s, 250ms, 0.5s, 2m)";
    else if (d->count() < limits.min)
        out.problem = limits.min == 1 ? "must be greater than 0" : quoted(text) + " is below " + format_duration(Duration{limits.min});
    else if (limits.max > 0 && d->count() > limits.max) out.problem = "at most " + format_duration(Duration{limits.max});
    else out.number = d->count();
}

void parse_status_list_into(ParsedValue& out, std::string_view text) {
    std::string spaced(text);
    std::replace(spaced.begin(), spaced.end(), ',', ' ');
    auto items = split_words(spaced);
    if (items.empty()) out.problem = "expected HTTP status codes such as '200' or '200-299'";
    for (const auto& item : items) {
        auto dash = item.find('-');
        auto lo = parse_integer(item.substr(0, dash));
        auto hi = dash == std::string::npos ? lo : parse_integer(item.substr(dash + 1));
        if (!lo || !hi || *lo < 100 || *hi > 599 || *lo > *hi) {
            out.problem = quoted(item) + " is not a status code (100-599) or range like 200-299";
            return;
        }
        out.ranges.emplace_back(static_cast<int>(*lo), static_cast<int>(*hi));
    }
}

}  // namespace

const char* kind_name(ValueKind kind) {
    switch (kind) {
        case ValueKind::Text: return "text";
        case ValueKind::Path: return "path";
        case ValueKind::Command: return "command";
        case ValueKind::Bool: return "boolean";
        case ValueKind::Integer: return "integer";
        case ValueKind::Duration: return "duration";
        case ValueKind::Choice: return "choice";
        case ValueKind::Url: return "url";
        case ValueKind::StatusList: return "status-list";
        case ValueKind::Header: return "header";
        case ValueKind::Interface: return "interface";
        case ValueKind::Template: return "template";
        case ValueKind::Names: return "names";
        case ValueKind::WeightedNames: return "weighted-names";
        case ValueKind::Address: return "address";
        case ValueKind::Addresses: return "addresses";
        case ValueKind::SocketAddress: return "socket-address";
        case ValueKind::VirtualIp: return "vip";
        case ValueKind::LogTarget: return "log-target";
        case ValueKind::PathList: return "path-list";
        case ValueKind::EventList: return "events";
        case ValueKind::UserName: return "user";
        case ValueKind::Route: return "route";
        case ValueKind::Rule: return "rule";
        case ValueKind::Prefixes: return "prefixes";
        case ValueKind::Announce: return "announce";
    }
    return "?";
}

const std::vector<std::string>& event_fields() {
    static const std::vector<std::string> fields = {"time", "kind", "name", "state", "prev_state",
                                                    "priority", "host", "vips", "reason", "seq"};
    return fields;
}

bool header_carries_credential(std::string_view header) {
    std::string name(header.substr(0, header.find(':')));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* word : {"authorization", "token", "key", "secret", "password", "cookie"})
        if (name.find(word) != std::string::npos) return true;
    return false;
}

ParsedValue parse_value(ValueKind kind, const KeyLimits& limits, std::string_view text) {
    ParsedValue out;
    if (text.empty()) {
        out.problem = "needs a value";
        return out;
    }
    switch (kind) {
        case ValueKind::Path:
            if (text.front() != '/') out.problem = quoted(text) + " is not an absolute path";
            break;
        case ValueKind::Bool:
            if (auto b = parse_bool(text)) out.number = *b;
            else out.problem = quoted(text) + " is not a boolean (yes/no/true/false/on/off/1/0)";
            break;
        case ValueKind::Integer: parse_integer_into(out, limits, text); break;
        case ValueKind::Duration: parse_duration_into(out, limits, text); break;
        case ValueKind::Choice: {
            auto it = std::find(limits.choices.begin(), limits.choices.end(), text);
            if (it == limits.choices.end()) out.problem = quoted(text) + " is not one of: " + joined(limits.choices, ", ");
            else out.number = it - limits.choices.begin();
            break;
        }
        case ValueKind::Url: {
            auto sep = text.find("://");
            std::string scheme(sep == std::string_view::npos ? "" : text.substr(0, sep));
            bool known = std::find(limits.choices.begin(), limits.choices.end(), scheme) != limits.choices.end();
            if (!known || sep + 3 >= text.size() || text.find_first_of(" \t") != std::string_view::npos)
                out.problem = quoted(text) + " is not a " + joined(limits.choices, " or ", "://") + " URL";
            break;
        }
        case ValueKind::StatusList: parse_status_list_into(out, text); break;
        case ValueKind::Header: {
            auto colon = text.find(':');
            if (colon == std::string_view::npos || colon == 0 || !std::all_of(text.begin(), text.begin() + colon, is_header_token_char))
                out.problem = quoted(text) + " is not a header line 'Name: value'";
            break;
        }
        case ValueKind::Interface:
            if (!is_valid_interface_name(text)) out.problem = quoted(text) + " is not a valid interface name";
            break;
        case ValueKind::Template: out.problem = check_template(text, event_fields()); break;
        case ValueKind::Route: out.problem = parse_route(text).problem; break;
        case ValueKind::Rule: out.problem = parse_rule(text).problem; break;
        default: break;  // Text, Command, and the core kinds their sections parse
    }
    return out;
}

}  // namespace vigil::config
