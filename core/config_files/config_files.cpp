// SPDX-License-Identifier: Apache-2.0
#include "config_files/config_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace vigil::config {
namespace {

// A secret written into the config (auth_pass, a credential header of a
// webhook) in a file every local user may read: a warning, once per file,
// not an error (a private *_file is the better place for secrets).
void warn_secrets_readable_by_others(const std::vector<RawEntry>& secrets, Diagnostics& diags) {
    std::set<std::string> warned;
    for (const auto& e : secrets) {
        if (warned.count(e.where.file)) continue;
        struct stat st;
        if (stat(e.where.file.c_str(), &st) != 0 || !(st.st_mode & S_IROTH)) continue;
        warned.insert(e.where.file);
        diags.warning(e.where, e.key + ": a secret in a file readable by others (chmod o-r, or use a private *_file)");
    }
}

}  // namespace

bool parse_ini_file(const std::string& path, std::vector<RawSection>& out, Diagnostics& diags) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
        diags.error({path, 0}, std::string("cannot read: ") + std::strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        diags.error({path, 0}, "cannot read: not a regular file");
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        diags.error({path, 0}, std::string("cannot read: ") + std::strerror(errno));
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    parse_ini_text(text.str(), path, out, diags);
    return true;
}

std::vector<std::string> config_files(const std::string& main_path, Diagnostics* diags) {
    namespace fs = std::filesystem;
    std::vector<std::string> files{main_path};
    auto dir = fs::path(main_path).parent_path() / "conf.d";
    std::error_code ec;
    std::vector<std::string> dropins;
    fs::directory_iterator it(dir, ec);
    if (ec && ec != std::errc::no_such_file_or_directory && diags)
        diags->error({dir.string(), 0}, "cannot read: " + ec.message());
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        if (it->path().extension() != ".conf") continue;
        std::error_code type_ec;
        if (it->is_regular_file(type_ec)) dropins.push_back(it->path().string());
        else if (diags) diags->error({it->path().string(), 0}, "cannot read: not a regular file (a dangling link?)");
    }
    std::sort(dropins.begin(), dropins.end());
    files.insert(files.end(), dropins.begin(), dropins.end());
    return files;
}

LoadResult load_config_file(const std::string& main_path, const LoadOptions& options) {
    Diagnostics diags;
    std::vector<RawSection> raw;
    auto files = config_files(main_path, &diags);
    for (const auto& f : files) parse_ini_file(f, raw, diags);
    auto result = load_config_sections(raw, files, options, std::move(diags));
    warn_secrets_readable_by_others(result.secrets, result.diagnostics);
    result.diagnostics.sort_by_location(files);
    return result;
}

GlobalConfig peek_global(const std::string& main_path) {
    Diagnostics ignored;
    std::vector<RawSection> raw;
    for (const auto& f : config_files(main_path)) parse_ini_file(f, raw, ignored);
    return global_of(raw);
}

std::vector<std::string> peek_plugin_path(const std::string& main_path) { return peek_global(main_path).plugin_path; }

SectionTypes peek_section_types(const std::string& main_path) {
    Diagnostics ignored;
    std::vector<RawSection> raw;
    for (const auto& f : config_files(main_path)) parse_ini_file(f, raw, ignored);
    return section_types_of(raw);
}

}  // namespace vigil::config
