// Loads vigil.conf and its conf.d drop-ins into a validated Config, collecting
// every problem as a located diagnostic instead of stopping at the first.
#pragma once

#include <functional>
#include <optional>
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
    bool ok() const { return config.has_value(); }
};

// The main file, then <dir of main>/conf.d/*.conf in lexical order. A conf.d
// that exists but cannot be read, or a *.conf in it that is not a regular
// file, is an error in `diags`.
std::vector<std::string> config_files(const std::string& main_path, Diagnostics* diags = nullptr);

LoadResult load_config_file(const std::string& main_path, const LoadOptions& options);

// [global] plugin_path, read ahead of the full load: the plugins it names
// declare the keys the full load checks. Problems are left to the full load.
std::vector<std::string> peek_plugin_path(const std::string& main_path);

// [global] alone, as far as it parses (problems are left to the full load):
// the supervisor's logging comes from it, since it loads no plugin and so
// cannot check the whole config.
GlobalConfig peek_global(const std::string& main_path);

// The same from sections already read (tests, and anything that has text in memory).
LoadResult load_config_sections(const std::vector<RawSection>& sections, std::vector<std::string> files,
                                 const LoadOptions& options, Diagnostics diagnostics = {});

// Parses one text as a whole config; `name` stands for the file in messages.
LoadResult load_config_text(const std::string& text, const std::string& name, const LoadOptions& options);

}  // namespace vigil::config
