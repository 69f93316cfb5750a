// SPDX-License-Identifier: Apache-2.0
#include "config/values.h"

#include <cctype>
#include <charconv>

namespace vigil::config {

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

std::optional<Duration> parse_duration(std::string_view text) {
    text = trim(text);
    size_t digits_end = 0;
    while (digits_end < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[digits_end])) || text[digits_end] == '.'))
        ++digits_end;
    std::string_view number = text.substr(0, digits_end);
    std::string_view unit = text.substr(digits_end);
    if (number.empty() || number.front() == '.' || number.back() == '.') return std::nullopt;

    int64_t per_unit_ms;
    if (unit.empty() || unit == "s") per_unit_ms = 1000;
    else if (unit == "ms") per_unit_ms = 1;
    else if (unit == "m") per_unit_ms = 60'000;
    else if (unit == "h") per_unit_ms = 3'600'000;
    else return std::nullopt;

    // Exact decimal arithmetic: "0.01s" must be exactly 10 ms, which a double is not.
    auto dot = number.find('.');
    std::string_view whole = number.substr(0, dot);
    std::string_view frac = dot == std::string_view::npos ? std::string_view{} : number.substr(dot + 1);
    if (frac.find('.') != std::string_view::npos || whole.size() > 9 || frac.size() > 9)
        return std::nullopt;
    int64_t w = 0;
    for (char c : whole) w = w * 10 + (c - '0');
    int64_t f = 0, scale = 1;
    for (char c : frac) {
        f = f * 10 + (c - '0');
        scale *= 10;
    }
    int64_t ms_whole = w * per_unit_ms;
    if ((f * per_unit_ms) % scale != 0) return std::nullopt;  // finer than 1 ms
    return Duration{ms_whole + f * per_unit_ms / scale};
}

std::string format_duration(Duration d) {
    auto ms = d.count();
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

std::optional<bool> parse_bool(std::string_view text) {
    std::string lower;
    for (char c : trim(text)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "yes" || lower == "true" || lower == "on" || lower == "1") return true;
    if (lower == "no" || lower == "false" || lower == "off" || lower == "0") return false;
    return std::nullopt;
}

std::optional<int64_t> parse_integer(std::string_view text) {
    text = trim(text);
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
        if (!text.empty() && text.front() == '-') return std::nullopt;
    }
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return v;
}

std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        size_t start = i;
        while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        if (i > start) out.emplace_back(text.substr(start, i - start));
    }
    return out;
}

std::optional<WeightedName> parse_weighted_name(std::string_view text) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return WeightedName{std::string(text), std::nullopt};
    auto weight = parse_integer(text.substr(colon + 1));
    if (!weight || colon == 0) return std::nullopt;
    return WeightedName{std::string(text.substr(0, colon)), weight};
}

bool is_valid_interface_name(std::string_view text) {
    if (text.empty() || text.size() > 15 || text == "." || text == "..") return false;
    for (char c : text)
        if (c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c))) return false;
    return true;
}

std::string check_template(std::string_view text, const std::vector<std::string>& fields) {
    size_t pos = 0;
    while ((pos = text.find_first_of("{}", pos)) != std::string_view::npos) {
        if (text[pos] == '}') return "'}' without '{' at character " + std::to_string(pos + 1);
        auto close = text.find('}', pos);
        if (close == std::string_view::npos) return "'{' without '}' at character " + std::to_string(pos + 1);
        auto field = std::string(text.substr(pos + 1, close - pos - 1));
        bool known = false;
        for (const auto& f : fields) known = known || f == field;
        if (!known) {
            std::string list;
            for (const auto& f : fields) list += (list.empty() ? "{" : ", {") + f + "}";
            return "unknown placeholder {" + field + "} (known: " + list + ")";
        }
        pos = close + 1;
    }
    return "";
}

bool is_valid_name(std::string_view text) {
    if (text.empty() || text.size() > 64) return false;
    for (char c : text)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
            return false;
    return true;
}

}  // namespace vigil::config
