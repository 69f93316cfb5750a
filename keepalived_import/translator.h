/* SPDX-License-Identifier: Apache-2.0 */
// keepalived's statements -> vigil.conf sections: the keyword mappings, and
// keepalived's own precedence where a keyword repeats (the first notify_*
// of a kind counts, a repeated VIP or definition is ignored, a scalar's last
// value counts). Every keyword left out is reported with its FILE:LINE.
#pragma once

#include <string>
#include <vector>

#include "keepalived_import/keepalived_import.h"
#include "keepalived_import/reader.h"

namespace vigil::config::keepalived {

struct Section {
    std::string header;              // "[instance VI_1]"
    std::string origin;              // "FILE:LINE: 'vrrp_instance'": what it was made from
    std::vector<std::string> lines;  // "key = value" and comments
    std::vector<std::string> origins;  // per line, as `origin`
};

struct Translation {
    std::vector<std::string> notes;  // "# ..." lines for the top of the output
    std::vector<Section> sections;   // in output order; [global] first (possibly empty)
};

Translation translate(const std::vector<Node>& top, ImportResult& result);

}  // namespace vigil::config::keepalived
