/* SPDX-License-Identifier: Apache-2.0 */
// Turns config sections (or text) into a validated Config, collecting every
// problem as a located diagnostic instead of stopping at the first. No I/O:
// config_files/ finds and reads the files.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/ini_source.h"
#include "config/model.h"
#include "config/type_schema.h"

namespace vigil::config {

struct LoadOptions {
    const TypeRegistry* types = nullptr;  // required: which tracker/notifier types exist
    // An interface missing on this machine is a warning; tests replace the probe.
    std::function<bool(const std::string&)> interface_exists;
    std::string default_router_id;  // empty: this machine's hostname
};

struct LoadResult {
    std::optional<Config> config;  // set only when there is no error
    Diagnostics diagnostics;
    // Where a secret was written into the config (a key declared secret, a
    // credential header): the file layer warns when others may read it.
    std::vector<RawEntry> secrets;
    bool ok() const { return config.has_value(); }
};

// [global] alone, as far as it parses (problems are ignored).
GlobalConfig global_of(const std::vector<RawSection>& sections);

// The `type` values of the [tracker] and [notifier] sections, read ahead of
// the full load (problems are left to it): the plugins to load before it.
struct SectionTypes {
    std::set<std::string> trackers;
    std::set<std::string> notifiers;
    bool untyped = false;  // a [tracker]/[notifier] section without a type
};
SectionTypes section_types_of(const std::vector<RawSection>& sections);

// The same from sections already read (tests, and anything that has text in memory).
LoadResult load_config_sections(const std::vector<RawSection>& sections, std::vector<std::string> files,
                                 const LoadOptions& options, Diagnostics diagnostics = {});

// Parses one text as a whole config; `name` stands for the file in messages.
LoadResult load_config_text(const std::string& text, const std::string& name, const LoadOptions& options);

}  // namespace vigil::config
