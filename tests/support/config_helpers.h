/* SPDX-License-Identifier: Apache-2.0 */
// Loading config text in tests, with a fixed set of "existing" interfaces so
// results do not depend on the machine.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/loader.h"
#include "plugin/plugin_registry.h"

namespace vigil::test {

// The types the built plugins register:
// the config tests check against the real key declarations.
inline const plugin::PluginRegistry& plugins() {
    static plugin::PluginRegistry* registry = [] {
        auto* r = new plugin::PluginRegistry;
        auto problems = r->load_directories({PLUGIN_DIR});
        EXPECT_TRUE(problems.empty()) << problems.front();
        EXPECT_GE(r->loaded().size(), 4u) << "plugins not built in " << PLUGIN_DIR;
        return r;
    }();
    return *registry;
}

inline const config::TypeRegistry& types() { return plugins().schemas(); }

inline config::LoadOptions load_options() {
    config::LoadOptions o;
    o.types = &types();
    o.default_router_id = "testhost";
    o.interface_exists = [](const std::string& name) { return name == "eth0" || name == "eth1" || name == "lo"; };
    return o;
}

inline config::LoadResult load(const std::string& text) { return config::load_config_text(text, "t.conf", load_options()); }

// Every diagnostic as "FILE:LINE: message", in order.
inline std::vector<std::string> messages(const config::LoadResult& r) {
    std::vector<std::string> out;
    for (const auto& d : r.diagnostics.all()) out.push_back(d.str());
    return out;
}

inline std::string joined(const config::LoadResult& r) {
    std::string s;
    for (const auto& m : messages(r)) s += m + "\n";
    return s;
}

// A minimal valid instance to which a test appends its own keys.
inline std::string instance(const std::string& extra = "", const std::string& name = "VI_1") {
    return "[instance " + name + "]\ninterface = eth0\nvrid = 51\nvip = 192.0.2.10/24\n" + extra;
}

}  // namespace vigil::test
