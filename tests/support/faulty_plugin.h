/* SPDX-License-Identifier: Apache-2.0 */
// The deliberately faulty tracker plugin (tests/plugins/faulty_plugin.c) for
// unit tests that drive trackers through the real host.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "config/model.h"
#include "plugin/plugin_registry.h"

namespace vigil::test {

inline const plugin::PluginRegistry& faulty_registry() {
    static plugin::PluginRegistry* registry = [] {
        auto* r = new plugin::PluginRegistry;
        auto problem = r->load(std::string(FAULTY_PLUGIN_DIR) + "/faulty.so");
        EXPECT_EQ(problem, "");
        return r;
    }();
    return *registry;
}

inline plugin::TrackerPlugin faulty_type() { return faulty_registry().tracker("faulty"); }

// A [tracker NAME] of type faulty with `options` (its keys: see the plugin's header).
inline config::TrackerConfig faulty_tracker(const std::string& name, config::Options options,
                                            std::chrono::milliseconds interval = std::chrono::seconds(1),
                                            std::chrono::milliseconds timeout = std::chrono::seconds(1)) {
    config::TrackerConfig c;
    c.name = name;
    c.type = "faulty";
    c.interval = interval;
    c.timeout = timeout;
    c.options = std::move(options);
    return c;
}

}  // namespace vigil::test
