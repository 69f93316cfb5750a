// Declarative key tables for tracker and notifier types. Every type declares
// the keys it accepts, so the loader (and `vigild -t`) rejects a typo in any
// [tracker]/[notifier] section. Today the built-in types declare their tables
// in builtin_types.cpp; when plugins arrive each plugin registers its own.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/model.h"

namespace vigil::config {

// The numbers are the SDK's VIGIL_KEY_* (vigil/plugin.h): plugins declare
// their keys with those.
enum class ValueKind {
    Text = 1,         // any non-empty string
    Path = 2,         // absolute file path
    Command = 3,      // non-empty command line
    Bool = 4,
    Integer = 5,      // within [min, max]
    Duration = 6,
    Choice = 7,       // one of `choices`
    Url = 8,          // scheme is one of `choices`
    StatusList = 9,   // HTTP status codes and ranges: "200 301-302,304"
    Header = 10,      // "Name: value"
    Interface = 11,   // a valid interface name
    Template = 12,    // text with {field} placeholders of a notification event
};

// The fields a notification template may use (SPEC §2).
const std::vector<std::string>& event_fields();

struct OptionSpec {
    std::string name;
    ValueKind kind = ValueKind::Text;
    bool required = false;
    bool repeatable = false;
    int64_t min = 0;
    int64_t max = 0;
    std::vector<std::string> choices;
};

struct TypeSchema {
    std::string name;
    std::vector<std::string> aliases;
    std::vector<OptionSpec> options;
    // Lua scripts receive every key of their section, so any key is accepted.
    bool accepts_any_key = false;
    // Rules that involve several keys (e.g. `name` or `cmdline`, not both).
    std::function<void(const Options&, const Location& section, Diagnostics&)> check;
};

class TypeRegistry {
public:
    void add_tracker_type(TypeSchema schema) { trackers_.push_back(std::move(schema)); }
    void add_notifier_type(TypeSchema schema) { notifiers_.push_back(std::move(schema)); }


    // By name or alias; nullptr when nothing registered it.
    const TypeSchema* tracker_type(std::string_view name) const { return find(trackers_, name); }
    const TypeSchema* notifier_type(std::string_view name) const { return find(notifiers_, name); }

    std::string tracker_type_names() const { return names(trackers_); }
    std::string notifier_type_names() const { return names(notifiers_); }

private:
    static const TypeSchema* find(const std::vector<TypeSchema>& types, std::string_view name);
    static std::string names(const std::vector<TypeSchema>& types);

    std::vector<TypeSchema> trackers_;
    std::vector<TypeSchema> notifiers_;
};



// Checks `options` against `schema`: unknown keys, repeats of single keys,
// missing required keys, bad values. `section` names the section in messages.
void check_options(const TypeSchema& schema, const Options& options, const Location& section_where,
                   const std::string& section, Diagnostics& diags);

// Checks one value against its kind; returns the problem, or "" when fine.
std::string check_value(const OptionSpec& spec, const std::string& value);

// The known word closest to `word` by edit distance, or "" if none is close.
std::string closest_word(const std::string& word, const std::vector<std::string>& known);

}  // namespace vigil::config
