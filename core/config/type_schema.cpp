#include "config/type_schema.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "config/values.h"

namespace vigil::config {

const TypeSchema* TypeRegistry::find(const std::vector<TypeSchema>& types, std::string_view name) {
    for (const auto& t : types) {
        if (t.name == name) return &t;
        if (std::find(t.aliases.begin(), t.aliases.end(), name) != t.aliases.end()) return &t;
    }
    return nullptr;
}

std::string TypeRegistry::names(const std::vector<TypeSchema>& types) {
    std::string out;
    for (const auto& t : types) {
        if (!out.empty()) out += ", ";
        out += t.name;
        for (const auto& a : t.aliases) out += ", " + a;
    }
    return out;
}

namespace {

bool is_header_token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string check_status_list(const std::string& value) {
    std::string spaced = value;
    std::replace(spaced.begin(), spaced.end(), ',', ' ');
    auto items = split_words(spaced);
    if (items.empty()) return "expected HTTP status codes such as '200' or '200-299'";
    for (const auto& item : items) {
        auto dash = item.find('-');
        auto lo = parse_integer(item.substr(0, dash));
        auto hi = dash == std::string::npos ? lo : parse_integer(item.substr(dash + 1));
        if (!lo || !hi || *lo < 100 || *hi > 599 || *lo > *hi)
            return "'" + item + "' is not a status code (100-599) or range like 200-299";
    }
    return "";
}

}  // namespace

const std::vector<std::string>& event_fields() {
    static const std::vector<std::string> fields = {"time", "kind", "name", "state", "prev_state",
                                                    "priority", "host", "vips", "reason", "seq"};
    return fields;
}

std::string check_value(const OptionSpec& spec, const std::string& value) {
    if (value.empty()) return "needs a value";
    switch (spec.kind) {
        case ValueKind::Text:
        case ValueKind::Command:
            return "";
        case ValueKind::Path:
            return value.front() == '/' ? "" : "'" + value + "' is not an absolute path";
        case ValueKind::Bool:
            return parse_bool(value) ? "" : "'" + value + "' is not a boolean (yes/no/true/false/on/off/1/0)";
        case ValueKind::Integer: {
            auto v = parse_integer(value);
            if (!v) return "'" + value + "' is not an integer";
            if (*v < spec.min || *v > spec.max)
                return value + " is out of range (" + std::to_string(spec.min) + "-" + std::to_string(spec.max) + ")";
            return "";
        }
        case ValueKind::Duration:
            return parse_duration(value) ? "" : "'" + value + "' is not a duration (e.g. 1s, 250ms, 0.5s, 2m)";
        case ValueKind::Choice: {
            if (std::find(spec.choices.begin(), spec.choices.end(), value) != spec.choices.end()) return "";
            std::string list;
            for (const auto& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
            return "'" + value + "' is not one of: " + list;
        }
        case ValueKind::Url: {
            auto sep = value.find("://");
            std::string scheme = sep == std::string::npos ? "" : value.substr(0, sep);
            bool known = std::find(spec.choices.begin(), spec.choices.end(), scheme) != spec.choices.end();
            if (!known || sep + 3 >= value.size() || value.find_first_of(" \t") != std::string::npos) {
                std::string list;
                for (const auto& c : spec.choices) list += (list.empty() ? "" : " or ") + c + "://";
                return "'" + value + "' is not a " + list + " URL";
            }
            return "";
        }
        case ValueKind::StatusList:
            return check_status_list(value);
        case ValueKind::Header: {
            auto colon = value.find(':');
            if (colon == std::string::npos || colon == 0 ||
                !std::all_of(value.begin(), value.begin() + colon, is_header_token_char))
                return "'" + value + "' is not a header line 'Name: value'";
            return "";
        }
        case ValueKind::Interface:
            return is_valid_interface_name(value) ? "" : "'" + value + "' is not a valid interface name";
        case ValueKind::Template:
            return check_template(value, event_fields());
    }
    return "";
}

std::string closest_word(const std::string& word, const std::vector<std::string>& known) {
    auto distance = [](const std::string& a, const std::string& b) {
        std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
        for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
        for (size_t i = 1; i <= a.size(); ++i) {
            cur[0] = i;
            for (size_t j = 1; j <= b.size(); ++j)
                cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
            std::swap(prev, cur);
        }
        return prev[b.size()];
    };
    // "secret" for "secret_file": a truncated key is a likely typo too.
    if (word.size() >= 4)
        for (const auto& k : known)
            if (k.rfind(word, 0) == 0) return k;
    std::string best;
    size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
    for (const auto& k : known) {
        auto d = distance(word, k);
        if (d < best_d) {
            best_d = d;
            best = k;
        }
    }
    return best;
}

void check_options(const TypeSchema& schema, const Options& options, const Location& section_where,
                   const std::string& section, Diagnostics& diags) {
    std::vector<std::string> known;
    for (const auto& s : schema.options) known.push_back(s.name);
    std::map<std::string, const Option*> seen;
    for (const auto& opt : options) {
        auto spec = std::find_if(schema.options.begin(), schema.options.end(),
                                 [&](const OptionSpec& s) { return s.name == opt.key; });
        if (spec == schema.options.end()) {
            if (schema.accepts_any_key) continue;
            std::string msg = "unknown key '" + opt.key + "' in " + section + " of type " + schema.name;
            auto hint = closest_word(opt.key, known);
            if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
            diags.error(opt.where, msg);
            continue;
        }
        if (!spec->repeatable && seen.count(opt.key) && seen[opt.key]->where.file == opt.where.file)
            diags.warning(opt.where, "'" + opt.key + "' set again; this value replaces the one on line " +
                                         std::to_string(seen[opt.key]->where.line));
        seen[opt.key] = &opt;
        auto problem = check_value(*spec, opt.value);
        if (!problem.empty()) diags.error(opt.where, opt.key + ": " + problem);
    }
    for (const auto& spec : schema.options)
        if (spec.required && !seen.count(spec.name))
            diags.error(section_where, section + " (type " + schema.name + ") needs '" + spec.name + "'");
    if (schema.check) schema.check(options, section_where, diags);
}

}  // namespace vigil::config
