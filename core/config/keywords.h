/* SPDX-License-Identifier: Apache-2.0 */
// `vigild --keywords` (cf. `haproxy -dK`): every key vigild accepts, in every
// section, with its kind, default, reload class and description, including
// the keys of the tracker and notifier types the loaded plugins register.
#pragma once

#include <string>
#include <vector>

#include "config/key_table.h"
#include "config/type_schema.h"

namespace vigil::config {

struct KeywordSection {
    std::string heading;        // "[instance]", "[tracker] type = http"
    std::string section;        // "instance", "tracker"
    std::string type;           // the tracker/notifier type; "" for core sections
    std::vector<std::string> aliases;
    bool accepts_any_key = false;
    std::vector<KeyInfo> keys;
    std::string what_restarts;  // "instance", "tracker", ...
};

// The core sections' keys, then each registered type's.
std::vector<KeywordSection> keyword_sections(const TypeRegistry& types);

// The whole listing, one line a key under a heading a section.
std::string render_keywords(const std::vector<KeywordSection>& sections);

}  // namespace vigil::config
