// SPDX-License-Identifier: Apache-2.0
#include "keepalived_import/keepalived_import.h"

#include "keepalived_import/reader.h"
#include "keepalived_import/self_check.h"
#include "keepalived_import/translator.h"

namespace vigil::config {
namespace {

void finish(keepalived::Reader& reader, ImportResult& result, const std::string& source) {
    auto tree = reader.tree();
    if (!result.errors.empty()) return;  // the input itself is wrong: nothing is written
    result.vigil_conf = keepalived::checked_output(keepalived::translate(tree, result), source, result);
    if (!result.errors.empty()) result.vigil_conf.clear();
}

}  // namespace

ImportResult import_keepalived(const std::string& path) {
    ImportResult result;
    keepalived::Reader reader(result);
    if (reader.read_file(path, "", 0)) finish(reader, result, path);
    return result;
}

ImportResult import_keepalived_text(const std::string& text, const std::string& name, const std::string& base_dir) {
    ImportResult result;
    keepalived::Reader reader(result);
    reader.read_text(text, name, base_dir, 0);
    finish(reader, result, name);
    return result;
}

}  // namespace vigil::config
