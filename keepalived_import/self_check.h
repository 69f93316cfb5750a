/* SPDX-License-Identifier: Apache-2.0 */
// The importer's own `vigild -t`: the translation is loaded with vigil's
// real config loader, and every line (or section) it refuses is taken out
// and reported as not imported, with the keepalived line it came from, until
// what is left loads. So an import that succeeds (complete or not) is a
// config `vigild -t` accepts — whatever vigil's checks across keys say
// (VIP clashes, advert_int per version, names, ...), without a copy of them here.
#pragma once

#include <string>

#include "keepalived_import/keepalived_import.h"
#include "keepalived_import/translator.h"

namespace vigil::config::keepalived {

// The output text for `source`; adds to result.not_imported, or to
// result.errors when the translation cannot be made to load.
std::string checked_output(Translation translation, const std::string& source, ImportResult& result);

}  // namespace vigil::config::keepalived
