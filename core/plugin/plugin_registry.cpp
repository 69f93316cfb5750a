#include "plugin/plugin_registry.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "vigil_paths.h"

namespace vigil::plugin {
namespace {

config::OptionSpec to_spec(const vigil_key& k) {
    config::OptionSpec s;
    s.name = k.name;
    s.kind = static_cast<config::ValueKind>(k.kind);  // the enums share their numbers
    s.required = k.flags & VIGIL_KEY_REQUIRED;
    s.repeatable = k.flags & VIGIL_KEY_REPEATABLE;
    s.min = k.min;
    s.max = k.max;
    for (auto c = k.choices; c && *c; ++c) s.choices.emplace_back(*c);
    return s;
}

bool known_kind(uint32_t kind) { return kind >= VIGIL_KEY_TEXT && kind <= VIGIL_KEY_TEMPLATE; }

// Wraps a plugin's validate() as a config-layer check.
template <typename Type>
std::function<void(const config::Options&, const config::Location&, config::Diagnostics&)> validator(const Type* t) {
    if (!t->validate) return {};
    return [t](const config::Options& options, const config::Location& where, config::Diagnostics& diags) {
        PluginConfig pc("", t->name, options, 0, 0);
        char err[512] = {};
        if (t->validate(pc.get(), err, sizeof err) != 0)
            diags.error(where, std::string(t->name) + ": " + (err[0] ? err : "the plugin refused this configuration"));
    };
}

template <typename Type>
config::TypeSchema schema_of(const Type* t) {
    config::TypeSchema s;
    s.name = t->name;
    for (auto a = t->aliases; a && *a; ++a) s.aliases.emplace_back(*a);
    for (size_t i = 0; i < t->key_count; ++i) s.options.push_back(to_spec(t->keys[i]));
    s.accepts_any_key = t->flags & VIGIL_TYPE_ANY_KEY;
    s.check = validator(t);
    return s;
}

template <typename Type>
std::string check_type(const Type* t, const char* what) {
    if (!t || t->size < offsetof(Type, destroy) + sizeof t->destroy) return std::string(what) + " type with a bad size";
    if (!t->name || !*t->name) return std::string(what) + " type without a name";
    if (!t->create || !t->destroy) return std::string(what) + " type " + t->name + " lacks create() or destroy()";
    for (size_t i = 0; i < t->key_count; ++i)
        if (!t->keys[i].name || !known_kind(t->keys[i].kind))
            return std::string(what) + " type " + t->name + ": key " + std::to_string(i) + " has no name or an unknown kind";
    return "";
}

}  // namespace

std::string builtin_plugin_dir() {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return VIGIL_PLUGIN_DIR_ABSOLUTE;
    // The worker lives in <libdir>/vigil, beside plugins/.
    return (exe.parent_path() / "plugins").string();
}

PluginConfig::PluginConfig(std::string name, std::string type, const config::Options& options, int64_t interval_ms,
                           int64_t timeout_ms)
    : name_(std::move(name)), type_(std::move(type)) {
    for (const auto& o : options) options_.push_back({o.key.c_str(), o.value.c_str()});
    config_.size = sizeof(vigil_config);
    config_.name = name_.c_str();
    config_.type = type_.c_str();
    config_.options = options_.data();
    config_.option_count = options_.size();
    config_.interval_ms = interval_ms;
    config_.timeout_ms = timeout_ms;
    config_.rise = 1;
    config_.fall = 1;
}

std::string PluginRegistry::load(const std::string& path) {
    if (std::any_of(loaded_.begin(), loaded_.end(), [&](const Loaded& l) { return l.path == path; })) return "";
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) return path + ": cannot load: " + dlerror();
    using Entry = const vigil_plugin_info* (*)();
    auto entry = reinterpret_cast<Entry>(dlsym(handle, VIGIL_PLUGIN_ENTRY_SYMBOL));
    auto fail = [&](const std::string& why) {
        dlclose(handle);
        return path + ": " + why;
    };
    if (!entry) return fail("not a vigil plugin (no " VIGIL_PLUGIN_ENTRY_SYMBOL " symbol)");
    const vigil_plugin_info* info = entry();
    if (!info || info->size < offsetof(vigil_plugin_info, notifier_count) + sizeof info->notifier_count)
        return fail("its plugin info is missing or too small");
    std::string theirs = std::to_string(info->abi_major) + "." + std::to_string(info->abi_minor);
    std::string ours = std::to_string(VIGIL_ABI_MAJOR) + "." + std::to_string(VIGIL_ABI_MINOR);
    if (info->abi_major != VIGIL_ABI_MAJOR)
        return fail("built for plugin ABI " + theirs + ", this vigild speaks " + ours + " (a different major version)");
    if (info->abi_minor > VIGIL_ABI_MINOR)
        return fail("built for plugin ABI " + theirs + ", newer than this vigild's " + ours + "; upgrade vigild");
    for (size_t i = 0; i < info->tracker_count; ++i)
        if (auto problem = check_type(info->trackers[i], "tracker"); !problem.empty()) return fail(problem);
    for (size_t i = 0; i < info->notifier_count; ++i)
        if (auto problem = check_type(info->notifiers[i], "notifier"); !problem.empty()) return fail(problem);

    for (size_t i = 0; i < info->tracker_count; ++i) {
        const auto* t = info->trackers[i];
        if (trackers_.count(t->name)) continue;  // an earlier directory wins
        trackers_[t->name] = t;
        for (auto a = t->aliases; a && *a; ++a) trackers_.emplace(*a, t);
        schemas_.add_tracker_type(schema_of(t));
    }
    for (size_t i = 0; i < info->notifier_count; ++i) {
        const auto* n = info->notifiers[i];
        if (notifiers_.count(n->name)) continue;
        notifiers_[n->name] = n;
        for (auto a = n->aliases; a && *a; ++a) notifiers_.emplace(*a, n);
        schemas_.add_notifier_type(schema_of(n));
    }
    loaded_.push_back({path, info->name ? info->name : "", info->version ? info->version : ""});
    return "";
}

std::vector<std::string> PluginRegistry::load_directories(const std::vector<std::string>& dirs) {
    std::vector<std::string> problems;
    for (const auto& dir : dirs) {
        std::error_code ec;
        std::vector<std::string> files;
        for (const auto& e : std::filesystem::directory_iterator(dir, ec))
            if (e.path().extension() == ".so") files.push_back(e.path().string());
        std::sort(files.begin(), files.end());
        for (const auto& f : files)
            if (auto problem = load(f); !problem.empty()) problems.push_back(problem);
    }
    return problems;
}

const vigil_tracker_type* PluginRegistry::tracker_type(const std::string& name) const {
    auto it = trackers_.find(name);
    return it == trackers_.end() ? nullptr : it->second;
}

const vigil_notifier_type* PluginRegistry::notifier_type(const std::string& name) const {
    auto it = notifiers_.find(name);
    return it == notifiers_.end() ? nullptr : it->second;
}

}  // namespace vigil::plugin
