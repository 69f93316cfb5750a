// SPDX-License-Identifier: Apache-2.0
// Fuzz target: vigil.conf text through the INI layer and the whole loader
// (every section, key and cross-check), as `vigild -t` and a reload see it.
// Tracker and notifier sections are checked against the key declarations of
// the plugins this build made (loaded once, as the config unit tests do);
// interfaces are a fixed set so results do not depend on the machine.
// Beyond "no crash": every diagnostic must survive the trip into a control
// socket reply (vigilctl reload prints them), which serializes them as JSON.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/loader.h"
#include "control/request.h"
#include "plugin/plugin_registry.h"

using namespace vigil;

namespace {

const config::LoadOptions& load_options() {
    static const config::LoadOptions options = [] {
        auto* registry = new plugin::PluginRegistry;  // plugins are never unloaded
        if (!registry->load_directories({VIGIL_FUZZ_PLUGIN_DIR}).empty() || registry->loaded().empty()) abort();
        config::LoadOptions o;
        o.types = &registry->schemas();
        o.default_router_id = "fuzzhost";
        o.interface_exists = [](const std::string& name) { return name == "eth0" || name == "eth1" || name == "lo"; };
        return o;
    }();
    return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    auto result = config::load_config_text(text, "vigil.conf", load_options());
    if (result.ok() != result.diagnostics.ok()) abort();  // a config exactly when there is no error
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& d : result.diagnostics.all()) errors.push_back(d.str());
    auto line = control::reply_line({{"ok", result.ok()}, {"errors", errors}});
    if (line.find('\n') != line.size() - 1) abort();  // one reply, one line
    return 0;
}
