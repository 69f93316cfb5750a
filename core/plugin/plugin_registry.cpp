// SPDX-License-Identifier: Apache-2.0
#include "plugin/plugin_registry.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <utility>

#include "plugin/call_guard.h"
#include "vigil_paths.h"

namespace vigil::plugin {
namespace {

// The config layer reads a plugin's key kind as its own ValueKind: the
// numbers must agree, one by one, for every SDK kind.
constexpr std::pair<uint32_t, config::ValueKind> kSdkKinds[] = {
    {VIGIL_KEY_TEXT, config::ValueKind::Text},         {VIGIL_KEY_PATH, config::ValueKind::Path},
    {VIGIL_KEY_COMMAND, config::ValueKind::Command},   {VIGIL_KEY_BOOL, config::ValueKind::Bool},
    {VIGIL_KEY_INTEGER, config::ValueKind::Integer},   {VIGIL_KEY_DURATION, config::ValueKind::Duration},
    {VIGIL_KEY_CHOICE, config::ValueKind::Choice},     {VIGIL_KEY_URL, config::ValueKind::Url},
    {VIGIL_KEY_STATUS_LIST, config::ValueKind::StatusList}, {VIGIL_KEY_HEADER, config::ValueKind::Header},
    {VIGIL_KEY_INTERFACE, config::ValueKind::Interface}, {VIGIL_KEY_TEMPLATE, config::ValueKind::Template},
};
constexpr bool sdk_kinds_agree() {
    for (size_t i = 0; i < std::size(kSdkKinds); ++i)
        if (kSdkKinds[i].first != i + 1 || static_cast<size_t>(kSdkKinds[i].second) != i + 1) return false;
    return std::size(kSdkKinds) == config::kLastSdkKind;
}
static_assert(sdk_kinds_agree(), "each VIGIL_KEY_* must equal its config::ValueKind, and every SDK kind be listed");

bool known_kind(uint32_t kind) { return kind >= 1 && kind <= std::size(kSdkKinds); }

config::OptionSpec to_spec(const vigil_key& k, const vigil_key_doc* doc) {
    config::OptionSpec s;
    s.name = k.name;
    s.kind = kSdkKinds[k.kind - 1].second;  // check_type() refused a kind known_kind() does not know
    s.required = k.flags & VIGIL_KEY_REQUIRED;
    s.repeatable = k.flags & VIGIL_KEY_REPEATABLE;
    s.secret = k.flags & VIGIL_KEY_SECRET;
    // min/max limit INTEGER keys, and from 1.2 (a type with key docs) DURATION
    // keys in ms: a 1.1 plugin's numbers there were never limits.
    if (k.kind == VIGIL_KEY_INTEGER || (k.kind == VIGIL_KEY_DURATION && doc)) {
        s.limits.min = k.min;
        s.limits.max = k.max;
    }
    for (auto c = k.choices; c && *c; ++c) s.limits.choices.emplace_back(*c);
    if (doc && doc->default_value) s.default_value = doc->default_value;
    if (doc && doc->description) s.description = doc->description;
    return s;
}

// Whether a type was built against 1.2 or later: only such a type gets
// defaults and typed values, so an older plugin sees what it always saw.
template <typename Type>
bool speaks_1_2(const Type& t) {
    return VIGIL_HAS_FIELD(Type, &t, key_docs);
}

// Wraps a plugin's validate() as a config-layer check (guarded: it runs at
// every reload, on the loop).
template <typename Type>
std::function<void(const config::Options&, const config::Location&, config::Diagnostics&)> validator(const Type* t,
                                                                                                      CallOwner owner) {
    if (!t->validate) return {};
    return [t, owner](const config::Options& options, const config::Location& where, config::Diagnostics& diags) {
        PluginConfig pc(*t, "", t->name, options, 0, 0);
        char err[512] = {};
        CallGuard guard(owner, "validate");
        if (t->validate(pc.get(), err, sizeof err) != 0)
            diags.error(where, std::string(t->name) + ": " + (err[0] ? err : "the plugin refused this configuration"));
    };
}

template <typename Type>
config::TypeSchema schema_of(const Type* t, const CallOwner& owner) {
    config::TypeSchema s;
    s.name = t->name;
    for (auto a = t->aliases; a && *a; ++a) s.aliases.emplace_back(*a);
    s.options = key_specs(*t);
    s.accepts_any_key = t->flags & VIGIL_TYPE_ANY_KEY;
    s.check = validator(t, owner);
    return s;
}

// Every name a type answers to: its own and its aliases.
template <typename Type>
std::vector<std::string> names_of(const Type* t) {
    std::vector<std::string> names{t->name};
    for (auto a = t->aliases; a && *a; ++a) names.emplace_back(*a);
    return names;
}

template <typename Type>
std::string check_type(const Type* t, const char* what) {
    if (!t || t->size < offsetof(Type, destroy) + sizeof t->destroy) return std::string(what) + " type with a bad size";
    if (!t->name || !*t->name) return std::string(what) + " type without a name";
    if (!t->create || !t->destroy) return std::string(what) + " type " + t->name + " lacks create() or destroy()";
    for (size_t i = 0; i < t->key_count; ++i)
        if (!t->keys[i].name || !known_kind(t->keys[i].kind))
            return std::string(what) + " type " + t->name + ": key " + std::to_string(i) + " has no name or an unknown kind";
    // A default is handed to create() as if written, so it must be a value
    // the key accepts; the section cannot fix a bad one.
    for (const auto& spec : key_specs(*t)) {
        if (spec.default_value.empty()) continue;
        auto where = std::string(what) + " type " + t->name + ": key " + spec.name;
        if (spec.required) return where + " is required and has a default";
        if (auto problem = config::parse_value(spec.kind, spec.limits, spec.default_value).problem; !problem.empty())
            return where + " has a bad default: " + problem;
    }
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

template <typename Type>
std::vector<config::OptionSpec> key_specs(const Type& type) {
    const vigil_key_doc* docs = speaks_1_2(type) ? type.key_docs : nullptr;
    std::vector<config::OptionSpec> specs;
    for (size_t i = 0; i < type.key_count; ++i) specs.push_back(to_spec(type.keys[i], docs ? &docs[i] : nullptr));
    return specs;
}
template std::vector<config::OptionSpec> key_specs(const vigil_tracker_type&);
template std::vector<config::OptionSpec> key_specs(const vigil_notifier_type&);

template <typename Type>
PluginConfig::PluginConfig(const Type& type, std::string name, std::string type_name, const config::Options& options,
                           int64_t interval_ms, int64_t timeout_ms)
    : name_(std::move(name)), type_(std::move(type_name)), specs_(key_specs(type)) {
    for (const auto& o : options) options_.push_back({o.key.c_str(), o.value.c_str()});
    config_.size = sizeof(vigil_config);
    if (speaks_1_2(type)) {
        // A default points into the plugin's own key_docs, which live as long as
        // the plugin (a written value lives as long as the config).
        for (size_t i = 0; i < type.key_count; ++i)
            if (type.key_docs && type.key_docs[i].default_value && *type.key_docs[i].default_value && !config::find_option(options, type.keys[i].name))
                options_.push_back({type.keys[i].name, type.key_docs[i].default_value});
        add_typed_values(options);
    }
    else config_.size = offsetof(vigil_config, values);
    config_.name = name_.c_str();
    config_.type = type_.c_str();
    config_.options = options_.data();
    config_.option_count = options_.size();
    config_.interval_ms = interval_ms;
    config_.timeout_ms = timeout_ms;
    config_.rise = 1;
    config_.fall = 1;
}
template PluginConfig::PluginConfig(const vigil_tracker_type&, std::string, std::string, const config::Options&, int64_t,
                                    int64_t);
template PluginConfig::PluginConfig(const vigil_notifier_type&, std::string, std::string, const config::Options&, int64_t,
                                    int64_t);

void PluginConfig::add_typed_values(const config::Options& options) {
    ranges_.resize(options_.size());
    for (size_t i = 0; i < options_.size(); ++i) {
        vigil_value v{};
        v.flags = i < options.size() ? 0 : VIGIL_VALUE_DEFAULT;
        auto spec = std::find_if(specs_.begin(), specs_.end(), [&](const auto& s) { return s.name == options_[i].key; });
        if (spec != specs_.end()) {
            auto parsed = config::parse_value(spec->kind, spec->limits, options_[i].value);
            // validate() also sees sections whose values were refused: those
            // stay kind 0, so the getters fall back rather than read a 0.
            if (parsed.ok()) {
                v.kind = static_cast<uint32_t>(spec->kind);
                v.number = parsed.number;
                for (auto [lo, hi] : parsed.ranges) ranges_[i].push_back({lo, hi});
                v.ranges = ranges_[i].empty() ? nullptr : ranges_[i].data();
                v.range_count = ranges_[i].size();
            }
        }
        values_.push_back(v);
    }
    config_.values = values_.data();
}

template <typename Type>
std::string PluginRegistry::first_clash(const Type* const* types, size_t count, const std::map<std::string, Entry<Type>>& taken,
                                        const char* what) {
    std::set<std::string> here;
    for (size_t i = 0; i < count; ++i)
        for (const auto& name : names_of(types[i])) {
            if (auto it = taken.find(name); it != taken.end())
                return std::string(what) + " type '" + name + "' is also registered by " + it->second.from->path +
                       " (a type name may come from one plugin file only)";
            if (!here.insert(name).second) return std::string(what) + " type '" + name + "' is registered twice in this file";
        }
    return "";
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
    const vigil_plugin_info* info;
    {
        CallGuard guard(CallOwner::of(std::filesystem::path(path).stem().string(), "file", path), "entry");
        info = entry();
    }
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
    // The same file by another path (a link): dlopen handed back the library
    // already loaded, and its types are already ours.
    if (std::any_of(loaded_.begin(), loaded_.end(), [&](const Loaded& l) { return l.info == info; })) {
        dlclose(handle);
        return "";
    }
    if (auto problem = first_clash(info->trackers, info->tracker_count, trackers_, "tracker"); !problem.empty()) return fail(problem);
    if (auto problem = first_clash(info->notifiers, info->notifier_count, notifiers_, "notifier"); !problem.empty())
        return fail(problem);

    auto& loaded = loaded_.emplace_back();
    loaded.path = path;
    loaded.name = info->name && *info->name ? info->name : std::filesystem::path(path).stem().string();
    loaded.version = info->version ? info->version : "";
    loaded.info = info;
    for (size_t i = 0; i < info->tracker_count; ++i) {
        const auto* t = info->trackers[i];
        for (const auto& name : names_of(t)) trackers_[name] = {t, &loaded};
        loaded.trackers.emplace_back(t->name);
        schemas_.add_tracker_type(schema_of(t, CallOwner::of(loaded.name, "tracker type", t->name)));
    }
    for (size_t i = 0; i < info->notifier_count; ++i) {
        const auto* n = info->notifiers[i];
        for (const auto& name : names_of(n)) notifiers_[name] = {n, &loaded};
        loaded.notifiers.emplace_back(n->name);
        schemas_.add_notifier_type(schema_of(n, CallOwner::of(loaded.name, "notifier type", n->name)));
    }
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

std::vector<std::string> PluginRegistry::load_for(const std::vector<std::string>& dirs, const config::SectionTypes& needed) {
    std::vector<std::string> problems;
    auto registered = [&](const std::string& type, bool tracker) { return tracker ? bool(this->tracker(type)) : bool(notifier(type)); };
    bool all_found = !needed.untyped;
    for (bool tracker : {true, false})
        for (const auto& type : tracker ? needed.trackers : needed.notifiers) {
            // A name that could leave the directory is no file name.
            if (!registered(type, tracker) && !type.empty() && type.find('/') == std::string::npos && type[0] != '.')
                for (const auto& dir : dirs) {
                    auto file = std::filesystem::path(dir) / (type + ".so");
                    std::error_code ec;
                    // An alias is a link to its type's file: the log names the file.
                    auto real = std::filesystem::canonical(file, ec);
                    if (ec) continue;
                    if (auto problem = load(real.string()); !problem.empty()) problems.push_back(problem);
                }
            all_found &= registered(type, tracker);
        }
    if (all_found) return problems;
    for (auto& problem : load_directories(dirs))
        if (std::find(problems.begin(), problems.end(), problem) == problems.end()) problems.push_back(std::move(problem));
    return problems;
}

TrackerPlugin PluginRegistry::tracker(const std::string& name) const {
    auto it = trackers_.find(name);
    return it == trackers_.end() ? TrackerPlugin{} : TrackerPlugin{it->second.type, it->second.from->name.c_str()};
}

NotifierPlugin PluginRegistry::notifier(const std::string& name) const {
    auto it = notifiers_.find(name);
    return it == notifiers_.end() ? NotifierPlugin{} : NotifierPlugin{it->second.type, it->second.from->name.c_str()};
}

}  // namespace vigil::plugin
