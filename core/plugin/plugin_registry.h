/* SPDX-License-Identifier: Apache-2.0 */
// Loads plugins (dlopen, RTLD_NOW | RTLD_LOCAL), checks their ABI, and keeps
// the tracker and notifier types they register. vigild loads those its config
// names (load_for), `vigild --keywords` every one (load_directories). Also turns each type's key
// declarations into the config layer's TypeSchema, so `vigild -t` checks a
// plugin's section as strictly as a built-in one. Plugins are never unloaded.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "config/loader.h"
#include "config/type_schema.h"
#include "vigil/plugin.h"

namespace vigil::plugin {

// A registered type and the name of the plugin that registered it (for logs,
// status and the call guard). `plugin` lives as long as the registry.
template <typename Type>
struct Registered {
    const Type* type = nullptr;
    const char* plugin = "";
    explicit operator bool() const { return type != nullptr; }
};
using TrackerPlugin = Registered<vigil_tracker_type>;
using NotifierPlugin = Registered<vigil_notifier_type>;

class PluginRegistry {
public:
    PluginRegistry() = default;
    PluginRegistry(const PluginRegistry&) = delete;
    PluginRegistry& operator=(const PluginRegistry&) = delete;

    // Loads one shared object; "" or a message naming the file (and, for an
    // ABI mismatch, both versions; for a type name another file registered
    // already, both files: which one was meant is the operator's call, not
    // the load order's). A file that registers nothing new is not loaded.
    std::string load(const std::string& path);
    // Loads every *.so of each directory in order. Returns the problems; a
    // missing directory is not one.
    std::vector<std::string> load_directories(const std::vector<std::string>& dirs);
    // Loads the plugins a config's sections need, and no other: for each type
    // not registered yet, the file named after it (<type>.so) in every
    // directory (two directories with one type clash as load() says). A type
    // still unknown after that (a file named otherwise, or a typo) and a
    // section without a type load every *.so of the directories, as
    // load_directories: the type is found, or the error lists every known one.
    std::vector<std::string> load_for(const std::vector<std::string>& dirs, const config::SectionTypes& needed);

    // By name or alias; empty when no plugin registered it.
    TrackerPlugin tracker(const std::string& name) const;
    NotifierPlugin notifier(const std::string& name) const;

    // The config layer's view of every registered type. The object stays the
    // same as plugins are added; its contents grow.
    const config::TypeRegistry& schemas() const { return schemas_; }

    struct Loaded {
        std::string path;
        std::string name;     // the plugin's own, or the file's stem when it gives none
        std::string version;
        std::vector<std::string> trackers;   // the type names it registered
        std::vector<std::string> notifiers;
        const vigil_plugin_info* info = nullptr;
    };
    // A deque: entries never move, so the names handed out stay valid.
    const std::deque<Loaded>& loaded() const { return loaded_; }

private:
    template <typename Type>
    struct Entry {
        const Type* type;
        const Loaded* from;
    };
    // The first name of `types` that is taken already, or twice among them,
    // as a message; "" when none is.
    template <typename Type>
    static std::string first_clash(const Type* const* types, size_t count, const std::map<std::string, Entry<Type>>& taken,
                                   const char* what);

    std::deque<Loaded> loaded_;
    std::map<std::string, Entry<vigil_tracker_type>> trackers_;    // by name and alias
    std::map<std::string, Entry<vigil_notifier_type>> notifiers_;  // by name and alias
    config::TypeRegistry schemas_;
};

// The built-in plugin directory, relative to the running binary (a
// relocatable install; the build tree has the same layout).
std::string builtin_plugin_dir();

// The keys a type declares, as the config layer describes them (with the
// defaults, descriptions and secrecy of a 1.2 type).
template <typename Type>
std::vector<config::OptionSpec> key_specs(const Type& type);

// The vigil_config a plugin sees for a section. It points into `options`,
// which must outlive it, and into its own copies of the rest. For a type
// built against 1.2 or later, the keys the section leaves out that declare a
// default are added with it, and every value comes parsed by its key's kind
// (config::parse_value, the parser that checked it).
class PluginConfig {
public:
    template <typename Type>
    PluginConfig(const Type& type, std::string name, std::string type_name, const config::Options& options,
                 int64_t interval_ms, int64_t timeout_ms);
    PluginConfig(const PluginConfig&) = delete;
    PluginConfig& operator=(const PluginConfig&) = delete;
    const vigil_config* get() const { return &config_; }
    void set_rise_fall(int rise, int fall) {
        config_.rise = rise;
        config_.fall = fall;
    }

private:
    void add_typed_values(const config::Options& options);

    std::string name_, type_;
    std::vector<config::OptionSpec> specs_;
    std::vector<vigil_option> options_;
    std::vector<vigil_value> values_;
    std::vector<std::vector<vigil_range>> ranges_;  // one per option: values_ point into them
    vigil_config config_{};
};

}  // namespace vigil::plugin
