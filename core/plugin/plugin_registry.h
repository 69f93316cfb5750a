// Loads plugins (dlopen, RTLD_NOW | RTLD_LOCAL), checks their ABI, and keeps
// the tracker and notifier types they register. Also turns each type's key
// declarations into the config layer's TypeSchema, so `vigild -t` checks a
// plugin's section as strictly as a built-in one. Plugins are never unloaded.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/type_schema.h"
#include "vigil/plugin.h"

namespace vigil::plugin {

class PluginRegistry {
public:
    PluginRegistry() = default;
    PluginRegistry(const PluginRegistry&) = delete;
    PluginRegistry& operator=(const PluginRegistry&) = delete;

    // Loads one shared object; "" or a message naming the file (and, for an
    // ABI mismatch, both versions).
    std::string load(const std::string& path);
    // Loads every *.so of each directory in order (a type registered earlier
    // wins: plugin_path comes before the built-in directory). Returns the
    // problems; a missing directory is not one.
    std::vector<std::string> load_directories(const std::vector<std::string>& dirs);

    const vigil_tracker_type* tracker_type(const std::string& name) const;
    const vigil_notifier_type* notifier_type(const std::string& name) const;

    // The config layer's view of every registered type. The object stays the
    // same as plugins are added; its contents grow.
    const config::TypeRegistry& schemas() const { return schemas_; }

    struct Loaded {
        std::string path;
        std::string name;
        std::string version;
    };
    const std::vector<Loaded>& loaded() const { return loaded_; }

private:
    std::vector<Loaded> loaded_;
    std::map<std::string, const vigil_tracker_type*> trackers_;    // by name and alias
    std::map<std::string, const vigil_notifier_type*> notifiers_;  // by name and alias
    config::TypeRegistry schemas_;
};

// The built-in plugin directory, relative to the running binary (a
// relocatable install; the build tree has the same layout).
std::string builtin_plugin_dir();

// The vigil_config a plugin sees for a section. It points into `options`,
// which must outlive it, and into its own copies of the names.
class PluginConfig {
public:
    PluginConfig(std::string name, std::string type, const config::Options& options, int64_t interval_ms,
                 int64_t timeout_ms);
    PluginConfig(const PluginConfig&) = delete;
    PluginConfig& operator=(const PluginConfig&) = delete;
    const vigil_config* get() const { return &config_; }
    void set_rise_fall(int rise, int fall) {
        config_.rise = rise;
        config_.fall = fall;
    }

private:
    std::string name_, type_;
    std::vector<vigil_option> options_;
    vigil_config config_{};
};

}  // namespace vigil::plugin
