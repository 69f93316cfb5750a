// SPDX-License-Identifier: Apache-2.0
// Fuzz target: keepalived.conf text through the importer (vigilctl
// import-keepalived). Includes resolve against an empty directory of its own;
// an input whose include line names a path outside it (a '/' or '~'), or
// that has both an include and a $parameter, is skipped, so the fuzzer
// never reads the machine's files. The property checked besides "no crash":
// every translation of an import that succeeds (exit 0 or 2, complete or
// not) loads as `vigild -t` loads it: the whole loader, with the key
// declarations of the plugins this build made.
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "config/loader.h"
#include "keepalived_import/keepalived_import.h"
#include "plugin/plugin_registry.h"

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

const vigil::config::LoadOptions& load_options() {
    static const vigil::config::LoadOptions options = [] {
        auto* registry = new vigil::plugin::PluginRegistry;  // plugins are never unloaded
        if (!registry->load_directories({VIGIL_FUZZ_PLUGIN_DIR}).empty() || registry->loaded().empty()) abort();
        vigil::config::LoadOptions o;
        o.types = &registry->schemas();
        o.default_router_id = "fuzzhost";
        return o;
    }();
    return options;
}

bool includes_outside(const std::string& text) {
    // A parameter could spell an include or its path ($P=/etc): not tried.
    if (text.find("include") != std::string::npos && text.find('$') != std::string::npos) return true;
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
    if (result.errors.empty()) {
        auto loaded = vigil::config::load_config_text(result.vigil_conf, "imported.conf", load_options());
        if (!loaded.ok()) {  // an import that succeeded, and vigild -t refuses it
            for (const auto& d : loaded.diagnostics.all())
                if (d.severity == vigil::config::Severity::Error)
                    fprintf(stderr, "import succeeded, the loader refuses it: %s\n", d.str().c_str());
            fprintf(stderr, "--- translation:\n%s---\n", result.vigil_conf.c_str());
            abort();
        }
    }
    return 0;
}
