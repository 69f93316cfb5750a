// Fuzz target: keepalived.conf text through the importer (vigilctl
// import-keepalived). Includes resolve against an empty directory of its own;
// an input whose include line names a path outside it (a '/' or '~') is
// skipped, so the fuzzer never reads the machine's files. The property
// checked besides "no crash": every translation the importer calls complete
// is a vigil.conf that the INI layer reads without a syntax error.
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "config/ini_source.h"
#include "keepalived_import/keepalived_import.h"

namespace {

// Made at the first input, removed at exit.
struct EmptyDir {
    std::string path;
    EmptyDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "vigil-fuzz-XXXXXX").string();
        if (!mkdtemp(pattern.data())) abort();
        path = pattern;
    }
    ~EmptyDir() {
        std::error_code ignored;
        std::filesystem::remove(path, ignored);
    }
};

const std::string& empty_base_dir() {
    static const EmptyDir dir;
    return dir.path;
}

bool includes_outside(const std::string& text) {
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string_view line(text.data() + start, end - start);
        if (line.find("include") != std::string_view::npos && line.find_first_of("/~") != std::string_view::npos) return true;
        start = end + 1;
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    if (includes_outside(text)) return 0;
    auto result = vigil::config::import_keepalived_text(text, "keepalived.conf", empty_base_dir());
    if (result.complete()) {
        std::vector<vigil::config::RawSection> sections;
        vigil::config::Diagnostics diags;
        vigil::config::parse_ini_text(result.vigil_conf, "imported.conf", sections, diags);
        if (!diags.ok()) {  // a "complete" import that is not even valid INI
            fprintf(stderr, "complete import, invalid INI: %s\n--- translation:\n%s---\n", diags.all().front().str().c_str(),
                    result.vigil_conf.c_str());
            abort();
        }
    }
    return 0;
}
