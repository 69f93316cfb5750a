/* SPDX-License-Identifier: Apache-2.0 */
// The configuration on disk: the main file and its conf.d drop-ins, found,
// read and checked for what only the files can tell (who may read a secret).
// core/config parses and validates text; everything that touches files is here.
#pragma once

#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/ini_source.h"
#include "config/loader.h"
#include "config/model.h"

namespace vigil::config {

// Reads and parses a file; a file that cannot be read is an error.
bool parse_ini_file(const std::string& path, std::vector<RawSection>& out, Diagnostics& diags);

// The main file, then <dir of main>/conf.d/*.conf in lexical order. A conf.d
// that exists but cannot be read, or a *.conf in it that is not a regular
// file, is an error in `diags`.
std::vector<std::string> config_files(const std::string& main_path, Diagnostics* diags = nullptr);

LoadResult load_config_file(const std::string& main_path, const LoadOptions& options);

// [global] alone, as far as it parses (problems are left to the full load):
// the supervisor's logging comes from it, since it loads no plugin and so
// cannot check the whole config.
GlobalConfig peek_global(const std::string& main_path);

// [global] plugin_path, read ahead of the full load: the plugins it names
// declare the keys the full load checks.
std::vector<std::string> peek_plugin_path(const std::string& main_path);

// The types the [tracker] and [notifier] sections name, read ahead of the
// full load: vigild loads the plugins of these types alone.
SectionTypes peek_section_types(const std::string& main_path);

}  // namespace vigil::config
