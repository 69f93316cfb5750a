// SPDX-License-Identifier: Apache-2.0
#include "plugin/loaded_plugins_log.h"

#include "log/logger.h"

namespace vigil::plugin {
namespace {

std::string listed(const std::vector<std::string>& names) {
    if (names.empty()) return "none";
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : " ") + n;
    return out;
}

}  // namespace

std::string describe(const PluginRegistry::Loaded& plugin) {
    return plugin.name + " " + (plugin.version.empty() ? "(no version)" : plugin.version) + " from " + plugin.path +
           " (trackers: " + listed(plugin.trackers) + "; notifiers: " + listed(plugin.notifiers) + ")";
}

void LoadedPluginsLog::apply(const config::Config&) {
    const auto& loaded = registry_.loaded();
    for (; logged_ < loaded.size(); ++logged_) VLOG_INFO("plugin %s", describe(loaded[logged_]).c_str());
}

void LoadedPluginsLog::dump() const {
    for (const auto& plugin : registry_.loaded()) VLOG_NOTICE("  plugin %s", describe(plugin).c_str());
}

}  // namespace vigil::plugin
