// SPDX-License-Identifier: Apache-2.0
#include "keepalived_import/self_check.h"

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "config/loader.h"
#include "config/type_schema.h"

namespace vigil::config::keepalived {
namespace {

// The types the translation writes. Their own keys are the plugins' to check
// (the importer writes only forms they take); the loader checks the rest:
// every core section and the keys every tracker and notifier has.
const TypeRegistry& written_types() {
    static const TypeRegistry registry = [] {
        TypeRegistry r;
        for (const char* t : {"exec", "file", "process"}) r.add_tracker_type({t, {}, {}, true, {}});
        for (const char* t : {"exec", "mail"}) r.add_notifier_type({t, {}, {}, true, {}});
        return r;
    }();
    return registry;
}

struct Rendered {
    std::string text;
    // Output line number -> (section index, line index; -1 for the header).
    std::map<int, std::pair<size_t, int>> at;
};

Rendered render(const Translation& t, const std::vector<bool>& dropped, const std::string& source, size_t not_imported) {
    Rendered r;
    std::ostringstream out;
    int line = 0;
    auto emit = [&](const std::string& text) {
        out << text << "\n";
        ++line;
    };
    emit("# vigil.conf imported from " + source + " by vigilctl import-keepalived.");
    if (not_imported > 0)
        emit("# NOT COMPLETE: " + std::to_string(not_imported) + " keepalived keyword(s) could not be expressed (listed on stderr).");
    emit("# Check it with: vigild -t -f FILE");
    for (const auto& note : t.notes) emit(note);
    for (size_t s = 0; s < t.sections.size(); ++s) {
        const auto& sec = t.sections[s];
        if (dropped[s] || (s == 0 && sec.lines.empty())) continue;
        emit("");
        r.at[line + 1] = {s, -1};
        emit(sec.header);
        for (size_t l = 0; l < sec.lines.size(); ++l) {
            r.at[line + 1] = {s, static_cast<int>(l)};
            emit(sec.lines[l]);
        }
    }
    r.text = out.str();
    return r;
}

}  // namespace

std::string checked_output(Translation t, const std::string& source, ImportResult& result) {
    LoadOptions options;
    options.types = &written_types();
    options.default_router_id = "imported";  // not this machine's name: the output must not depend on it
    std::vector<bool> dropped(t.sections.size(), false);
    // Each pass takes out at least one line or section, so this ends; the
    // bound is for the unforeseen.
    for (int pass = 0; pass < 64; ++pass) {
        // The header counts what is reported so far; taking lines out below
        // only adds to it, so it is rendered again after each pass.
        auto rendered = render(t, dropped, source, result.not_imported.size());
        auto loaded = load_config_text(rendered.text, "imported.conf", options);
        if (loaded.ok()) return rendered.text;
        std::set<std::pair<size_t, int>> remove;
        for (const auto& d : loaded.diagnostics.all()) {
            if (d.severity != Severity::Error) continue;
            auto it = rendered.at.find(d.where.line);
            if (it == rendered.at.end()) {
                result.errors.push_back("the translation does not load in vigil: " + d.message);
                return rendered.text;
            }
            auto [s, l] = it->second;
            auto& sec = t.sections[s];
            const std::string& origin = l < 0 || sec.origins[l].empty() ? sec.origin : sec.origins[l];
            std::string what = l < 0 ? sec.header : "'" + sec.lines[l] + "'";
            // A place in the translation means nothing to the reader of keepalived.conf.
            static const std::regex output_place(" at imported\\.conf:[0-9]+");
            result.not_imported.push_back((origin.empty() ? std::string("(import)") : origin) + " not imported: vigil refuses " +
                                          what + ": " + std::regex_replace(d.message, output_place, ""));
            remove.insert({s, l});
        }
        // From the end, so the indexes of the lines still to go stay right.
        for (auto it = remove.rbegin(); it != remove.rend(); ++it) {
            auto [s, l] = *it;
            if (l < 0 || remove.count({s, -1})) {
                dropped[s] = true;
                continue;
            }
            auto& sec = t.sections[s];
            // A tracker or notifier without what it runs, reads or watches is
            // nothing its plugin would take (this check does not know plugin
            // keys): it goes whole, and the next pass takes out its references.
            static const std::set<std::string> essential = {"command", "path", "name", "cmdline", "smtp_url", "url"};
            bool typed = sec.header.rfind("[tracker ", 0) == 0 || sec.header.rfind("[notifier ", 0) == 0;
            std::string key = sec.lines[l].substr(0, sec.lines[l].find(" = "));
            if (typed && essential.count(key)) {
                result.not_imported.push_back((sec.origin.empty() ? std::string("(import)") : sec.origin) + " not imported: " +
                                              sec.header + " without its " + key);
                dropped[s] = true;
                continue;
            }
            sec.lines.erase(sec.lines.begin() + l);
            sec.origins.erase(sec.origins.begin() + l);
        }
    }
    result.errors.push_back("the translation does not load in vigil after taking out what it refused");
    return "";
}

}  // namespace vigil::config::keepalived
