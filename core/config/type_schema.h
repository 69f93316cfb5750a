/* SPDX-License-Identifier: Apache-2.0 */
// The keys of tracker and notifier types. Every type (each plugin, for the
// types it registers) declares the keys it accepts, so the loader (and
// `vigild -t`) rejects a typo in any [tracker]/[notifier] section.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/ini_source.h"
#include "config/model.h"
#include "config/value_kinds.h"

namespace vigil::config {

// One key a tracker or notifier type declares (a plugin's vigil_key).
struct OptionSpec {
    std::string name;
    ValueKind kind = ValueKind::Text;
    bool required = false;
    bool repeatable = false;
    bool secret = false;         // its value is a credential: never shown, kept out of files others read
    KeyLimits limits;
    std::string default_value;   // as a user would write it; "" when there is none
    std::string description;
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
    const std::vector<TypeSchema>& tracker_types() const { return trackers_; }
    const std::vector<TypeSchema>& notifier_types() const { return notifiers_; }
    std::string notifier_type_names() const { return names(notifiers_); }

private:
    static const TypeSchema* find(const std::vector<TypeSchema>& types, std::string_view name);
    static std::string names(const std::vector<TypeSchema>& types);

    std::vector<TypeSchema> trackers_;
    std::vector<TypeSchema> notifiers_;
};

// Checks `options` against `schema`: unknown keys, repeats of single keys,
// missing required keys, bad values. `section` names the section in messages.
// Values that are secrets (a key declared secret, a credential header) are
// noted in `secrets` when given.
void check_options(const TypeSchema& schema, const Options& options, const Location& section_where,
                   const std::string& section, Diagnostics& diags, std::vector<RawEntry>* secrets = nullptr);

// The known word closest to `word` by edit distance, or "" if none is close.
std::string closest_word(const std::string& word, const std::vector<std::string>& known);

}  // namespace vigil::config
