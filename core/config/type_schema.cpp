// SPDX-License-Identifier: Apache-2.0
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
                   const std::string& section, Diagnostics& diags, std::vector<RawEntry>* secrets) {
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
        auto problem = parse_value(spec->kind, spec->limits, opt.value).problem;
        bool secret = spec->secret || (spec->kind == ValueKind::Header && header_carries_credential(opt.value));
        if (secret && secrets) secrets->push_back({opt.key, opt.value, opt.where});
        if (!problem.empty()) diags.error(opt.where, opt.key + ": " + problem);
    }
    for (const auto& spec : schema.options)
        if (spec.required && !seen.count(spec.name))
            diags.error(section_where, section + " (type " + schema.name + ") needs '" + spec.name + "'");
    if (schema.check) schema.check(options, section_where, diags);
}

}  // namespace vigil::config
