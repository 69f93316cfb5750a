// SPDX-License-Identifier: Apache-2.0
#include "config/keywords.h"

#include <algorithm>

#include "config/section_keys.h"

namespace vigil::config {
namespace {

KeyInfo info_of(const OptionSpec& spec) {
    // Every key of a type is handed to its plugin's create(): a change restarts it.
    return {spec.name,     spec.kind,   Reload::Restart, spec.default_value, spec.description,
            spec.limits,   spec.repeatable, spec.required};
}

void add_types(std::vector<KeywordSection>& out, const std::vector<TypeSchema>& types, const std::string& section) {
    for (const auto& t : types) {
        KeywordSection s{"[" + section + "] type = " + t.name, section, t.name, t.aliases, t.accepts_any_key, {}, section};
        for (const auto& o : t.options) s.keys.push_back(info_of(o));
        out.push_back(std::move(s));
    }
}

std::string joined(const std::vector<std::string>& words, const char* separator) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : separator) + w;
    return out;
}

// "integer 1-255", "choice master|backup", "url http|https".
std::string kind_text(const KeyInfo& k) {
    std::string out = kind_name(k.kind);
    if (k.kind == ValueKind::Integer) out += " " + std::to_string(k.limits.min) + ".." + std::to_string(k.limits.max);
    if (k.kind == ValueKind::Choice || k.kind == ValueKind::Url) out += " " + joined(k.limits.choices, "|");
    if (k.required) out += ", required";
    if (k.repeatable) out += ", repeatable";
    return out;
}

}  // namespace

std::vector<KeywordSection> keyword_sections(const TypeRegistry& types) {
    std::vector<KeywordSection> out;
    for (auto& core : core_keywords())
        out.push_back({"[" + core.section + "]", core.section, "", {}, false, std::move(core.keys), core.what_restarts});
    add_types(out, types.tracker_types(), "tracker");
    add_types(out, types.notifier_types(), "notifier");
    return out;
}

std::string render_keywords(const std::vector<KeywordSection>& sections) {
    size_t name_width = 0, kind_width = 0, default_width = 0, reload_width = 0;
    for (const auto& s : sections)
        for (const auto& k : s.keys) {
            name_width = std::max(name_width, k.name.size());
            kind_width = std::max(kind_width, kind_text(k).size());
            // A long default (a template) runs over its column rather than widening every line.
            default_width = std::max(default_width, std::min<size_t>(k.default_value.empty() ? 1 : k.default_value.size(), 24));
            reload_width = std::max(reload_width, reload_words(k.reload, s.what_restarts).size());
        }
    auto pad = [](std::string text, size_t width) { return text + std::string(width - std::min(width, text.size()) + 2, ' '); };
    std::string out = "# key, kind, default, what a change takes at a reload, description\n";
    for (const auto& s : sections) {
        out += "\n" + s.heading;
        if (!s.aliases.empty()) out += " (alias " + joined(s.aliases, ", ") + ")";
        out += "\n";
        for (const auto& k : s.keys)
            out += "  " + pad(k.name, name_width) + pad(kind_text(k), kind_width) +
                   pad(k.default_value.empty() ? "-" : k.default_value, default_width) +
                   pad(reload_words(k.reload, s.what_restarts), reload_width) + k.description + "\n";
        if (s.accepts_any_key) out += "  (any other key is accepted and handed to the plugin)\n";
    }
    return out;
}

}  // namespace vigil::config
