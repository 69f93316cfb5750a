/* SPDX-License-Identifier: Apache-2.0 */
// The INI layer: turns one file's text into located sections and key/value
// entries using inih. It knows nothing about what keys mean.
#pragma once

#include <string>
#include <vector>

#include "config/diagnostics.h"

namespace vigil::config {

struct RawEntry {
    std::string key;
    std::string value;
    Location where;
};

struct RawSection {
    std::string header;  // text between the brackets, e.g. "instance VI_1"
    Location where;
    std::vector<RawEntry> entries;
};

// Parses `text` as the contents of `file_name`, appending its sections to `out`.
// Syntax errors (every one, with its line) go to `diags`.
void parse_ini_text(const std::string& text, const std::string& file_name,
                    std::vector<RawSection>& out, Diagnostics& diags);

}  // namespace vigil::config
