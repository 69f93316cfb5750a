/* SPDX-License-Identifier: Apache-2.0 */
// Says which plugin files vigild runs with: each loaded .so's path, plugin
// name, version and types, logged once (at start, or at the reload that
// loaded it) and again in the SIGUSR1 dump. A subsystem so that the lines go
// where the config sends the log: plugins load before the config can be
// parsed, while the log still goes to stderr.
#pragma once

#include <string>

#include "daemon/subsystem.h"
#include "plugin/plugin_registry.h"

namespace vigil::plugin {

class LoadedPluginsLog : public daemon::Subsystem {
public:
    explicit LoadedPluginsLog(const PluginRegistry& registry) : registry_(registry) {}

    const char* name() const override { return "plugins"; }
    // Logs the plugins loaded since the last apply.
    void apply(const config::Config& config) override;
    void dump() const override;
    void stop() override {}

private:
    const PluginRegistry& registry_;
    size_t logged_ = 0;
};

// "faulty 1.0 from /x/faulty.so (trackers: faulty; notifiers: none)"
std::string describe(const PluginRegistry::Loaded& plugin);

}  // namespace vigil::plugin
