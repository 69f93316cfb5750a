/* SPDX-License-Identifier: Apache-2.0 */
// Translating keepalived.conf into vigil.conf (vigilctl import-keepalived).
// keepalived's grammar: `keyword args...` statements and `keyword args {
// ... }` blocks, `!` and `#` comments, quoted strings, `include GLOB`.
// Everything vigil can express is mapped; every keyword it cannot is
// reported with its FILE:LINE, and the result says whether it is complete.
#pragma once

#include <string>
#include <vector>

namespace vigil::config {

struct ImportResult {
    std::string vigil_conf;                // the translation
    std::vector<std::string> not_imported; // "FILE:LINE: why", one per keyword left out
    std::vector<std::string> errors;       // the input itself is unreadable or malformed
    bool complete() const { return not_imported.empty() && errors.empty(); }
};

ImportResult import_keepalived(const std::string& path);

// The same from text (tests); `name` stands for the file in messages and
// includes are resolved relative to `base_dir`.
ImportResult import_keepalived_text(const std::string& text, const std::string& name, const std::string& base_dir = ".");

}  // namespace vigil::config
