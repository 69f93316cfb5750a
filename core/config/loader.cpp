#include "config/loader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "config/values.h"

namespace vigil::config {
namespace {

// A section after merging every occurrence of the same [type name] across files.
struct Section {
    std::string type;
    std::string name;
    Location where;  // first occurrence
    std::vector<RawEntry> entries;

    std::string label() const { return "[" + type + (name.empty() ? "" : " " + name) + "]"; }
};

// One key's value, with the helpers that parse it or report why they cannot.
class Value {
public:
    Value(const RawEntry& entry, Diagnostics& diags) : entry_(entry), diags_(diags) {}

    const std::string& text() const { return entry_.value; }
    const Location& where() const { return entry_.where; }
    void error(const std::string& problem) { diags_.error(entry_.where, entry_.key + ": " + problem); }
    void warning(const std::string& problem) { diags_.warning(entry_.where, entry_.key + ": " + problem); }

    bool present() {
        if (!text().empty()) return true;
        error("needs a value");
        return false;
    }

    std::optional<int64_t> integer(int64_t min, int64_t max) {
        if (!present()) return std::nullopt;
        auto v = parse_integer(text());
        if (!v) error("'" + text() + "' is not an integer");
        else if (*v < min || *v > max)
            error(text() + " is out of range (" + std::to_string(min) + "-" + std::to_string(max) + ")");
        else return v;
        return std::nullopt;
    }

    std::optional<Duration> duration() {
        if (!present()) return std::nullopt;
        auto d = parse_duration(text());
        if (!d) error("'" + text() + "' is not a duration (e.g. 1s, 250ms, 0.5s, 2m)");
        return d;
    }

    std::optional<Duration> positive_duration() {
        auto d = duration();
        if (d && d->count() == 0) {
            error("must be greater than 0");
            return std::nullopt;
        }
        return d;
    }

    std::optional<bool> boolean() {
        if (!present()) return std::nullopt;
        auto b = parse_bool(text());
        if (!b) error("'" + text() + "' is not a boolean (yes/no/true/false/on/off/1/0)");
        return b;
    }

    std::optional<std::string> one_of(std::initializer_list<const char*> choices) {
        if (!present()) return std::nullopt;
        std::string list;
        for (const char* c : choices) {
            if (text() == c) return text();
            list += (list.empty() ? "" : ", ") + std::string(c);
        }
        error("'" + text() + "' is not one of: " + list);
        return std::nullopt;
    }

    std::optional<std::string> absolute_path() {
        if (!present()) return std::nullopt;
        if (text().front() == '/') return text();
        error("'" + text() + "' is not an absolute path");
        return std::nullopt;
    }

    std::optional<std::string> interface_name(const std::string& text) {
        if (is_valid_interface_name(text)) return text;
        error("'" + text + "' is not a valid interface name");
        return std::nullopt;
    }

    // Whitespace-separated names, each checked. An empty list is allowed only
    // where it means "none" (notify = opts out of [global] notify).
    std::vector<NameRef> names(bool may_be_empty = false) {
        auto words = split_words(text());
        if (words.empty() && !may_be_empty) error("needs at least one name");
        std::vector<NameRef> out;
        for (auto& w : words) {
            if (is_valid_name(w)) out.push_back({std::move(w), where()});
            else error("'" + w + "' is not a valid name (letters, digits, '_', '-', '.')");
        }
        return out;
    }

    // A unicast address a host may hold or send to.
    std::optional<net::IpAddress> host_address(const std::string& word) {
        auto a = net::IpAddress::parse(word);
        if (!a) error("'" + word + "' is not an IPv4 or IPv6 address");
        else if (a->is_multicast() || a->is_unspecified() || a->is_broadcast())
            error("'" + word + "' is not a unicast address");
        else return a;
        return std::nullopt;
    }

    std::vector<TrackRef> weighted_names(bool interfaces) {
        auto words = split_words(text());
        if (words.empty()) error("needs at least one name");
        std::vector<TrackRef> out;
        for (const auto& w : words) {
            auto item = parse_weighted_name(w);
            if (!item) {
                error("'" + w + "' is not NAME or NAME:WEIGHT");
                continue;
            }
            if (item->weight && (*item->weight < -253 || *item->weight > 253)) {
                error("weight " + std::to_string(*item->weight) + " of '" + item->name + "' is out of range (-253-253)");
                continue;
            }
            bool name_ok = interfaces ? interface_name(item->name).has_value() : is_valid_name(item->name);
            if (!name_ok) {
                if (!interfaces) error("'" + item->name + "' is not a valid name");
                continue;
            }
            std::optional<int> weight;
            if (item->weight) weight = static_cast<int>(*item->weight);
            out.push_back({item->name, weight, where()});
        }
        return out;
    }

private:
    const RawEntry& entry_;
    Diagnostics& diags_;
};

template <typename T>
struct KeyRule {
    const char* name;
    bool list;  // repeated lines add to the value instead of replacing it
    void (*apply)(T&, Value&);
};

// Where each key of a section was last set, for messages about key combinations.
using KeyLocations = std::map<std::string, Location>;

// Applies a section's entries through its key table. Keys not in the table go
// to `other` when given (tracker/notifier type keys), else are errors.
template <typename T>
KeyLocations apply_rules(const Section& section, const std::vector<KeyRule<T>>& rules, T& target,
                         Diagnostics& diags, Options* other = nullptr) {
    KeyLocations at;
    for (const auto& entry : section.entries) {
        auto rule = std::find_if(rules.begin(), rules.end(), [&](const KeyRule<T>& r) { return entry.key == r.name; });
        if (rule == rules.end()) {
            if (other) {
                other->push_back({entry.key, entry.value, entry.where});
                continue;
            }
            std::vector<std::string> known;
            for (const auto& r : rules) known.emplace_back(r.name);
            std::string msg = "unknown key '" + entry.key + "' in " + section.label();
            auto hint = closest_word(entry.key, known);
            if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
            diags.error(entry.where, msg);
            continue;
        }
        auto prev = at.find(entry.key);
        if (!rule->list && prev != at.end() && prev->second.file == entry.where.file)
            diags.warning(entry.where, "'" + entry.key + "' set again; this value replaces the one on line " +
                                           std::to_string(prev->second.line));
        at[entry.key] = entry.where;
        Value v(entry, diags);
        rule->apply(target, v);
    }
    return at;
}

template <typename T>
void assign(std::optional<T> v, T& out) {
    if (v) out = std::move(*v);
}

template <typename Out, typename T>
void assign_int(std::optional<int64_t> v, T& out) {
    if (v) out = static_cast<Out>(*v);
}

template <typename T>
void append(std::vector<T>& out, std::vector<T> more) {
    out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

// ---------------------------------------------------------------- [global]

const std::vector<KeyRule<GlobalConfig>> kGlobalRules = {
    {"router_id", false, [](GlobalConfig& g, Value& v) { if (v.present()) g.router_id = v.text(); }},
    {"log", false,
     [](GlobalConfig& g, Value& v) {
         if (!v.present()) return;
         if (v.text() == "stderr") g.log = {LogTarget::Kind::Stderr, ""};
         else if (v.text() == "syslog") g.log = {LogTarget::Kind::Syslog, ""};
         else if (v.text().rfind("file:/", 0) == 0) g.log = {LogTarget::Kind::File, v.text().substr(5)};
         else v.error("'" + v.text() + "' is not stderr, syslog or file:/ABSOLUTE/PATH");
     }},
    {"log_level", false,
     [](GlobalConfig& g, Value& v) {
         if (auto s = v.one_of({"debug", "info", "notice", "warning", "error"})) g.log_level = *log::parse_level(*s);
     }},
    {"control_socket", false, [](GlobalConfig& g, Value& v) { assign(v.absolute_path(), g.control_socket); }},
    {"plugin_path", false,
     [](GlobalConfig& g, Value& v) {
         if (!v.present()) return;
         g.plugin_path.clear();
         std::string_view rest = v.text();
         while (true) {
             auto colon = rest.find(':');
             auto dir = std::string(rest.substr(0, colon));
             if (dir.empty() || dir.front() != '/') v.error("'" + dir + "' is not an absolute directory");
             else g.plugin_path.push_back(dir);
             if (colon == std::string_view::npos) break;
             rest.remove_prefix(colon + 1);
         }
     }},
    {"script_user", false,
     [](GlobalConfig& g, Value& v) {
         if (!v.present()) return;
         if (v.text().find_first_of(" \t:/") != std::string::npos) v.error("'" + v.text() + "' is not a user name");
         else g.script_user = v.text();
     }},
    {"notify", true, [](GlobalConfig& g, Value& v) { append(g.notify, v.names(true)); }},
    {"metrics_listen", false,
     [](GlobalConfig& g, Value& v) {
         if (!v.present()) return;
         if (auto a = net::SocketAddress::parse(v.text())) g.metrics_listen = *a;
         else v.error("'" + v.text() + "' is not ADDR:PORT (IPv6 as [ADDR]:PORT)");
     }},
    {"state_dir", false, [](GlobalConfig& g, Value& v) { assign(v.absolute_path(), g.state_dir); }},
    {"stall_timeout", false,
     [](GlobalConfig& g, Value& v) {
         auto d = v.duration();
         // The worker's heartbeat needs room (it beats every quarter of it, 10 ms at least).
         if (d && d->count() != 0 && *d < Duration{100}) v.error("'" + v.text() + "' is below 100ms (0 turns the stall watch off)");
         else if (d) g.stall_timeout = *d;
     }},
};

// ---------------------------------------------------------------- [instance]

void parse_vip(InstanceConfig& c, Value& v) {
    auto words = split_words(v.text());
    if (words.empty()) {
        v.error("needs ADDR/PREFIX [dev IF] [label LABEL]");
        return;
    }
    auto prefix = net::IpPrefix::parse(words[0]);
    if (!prefix) {
        v.error("'" + words[0] + "' is not an address with an optional /PREFIX");
        return;
    }
    if (!v.host_address(prefix->address.str())) return;
    VirtualIp vip{*prefix, "", "", v.where()};
    for (size_t i = 1; i < words.size(); i += 2) {
        if (i + 1 >= words.size()) {
            v.error("'" + words[i] + "' needs a value");
            return;
        }
        if (words[i] == "dev") {
            if (!v.interface_name(words[i + 1])) return;
            vip.dev = words[i + 1];
        } else if (words[i] == "label") {
            if (prefix->address.family() == net::Family::V6) {
                v.error("IPv6 addresses have no labels");
                return;
            }
            if (words[i + 1].size() > 15) {
                v.error("label '" + words[i + 1] + "' is longer than 15 characters");
                return;
            }
            vip.label = words[i + 1];
        } else {
            v.error("unknown word '" + words[i] + "' (expected dev or label)");
            return;
        }
    }
    c.vips.push_back(std::move(vip));
}

const std::vector<KeyRule<InstanceConfig>> kInstanceRules = {
    {"interface", false, [](InstanceConfig& c, Value& v) { if (v.present()) assign(v.interface_name(v.text()), c.interface); }},
    {"vrid", false, [](InstanceConfig& c, Value& v) { assign_int<int>(v.integer(1, 255), c.vrid); }},
    {"priority", false, [](InstanceConfig& c, Value& v) { assign_int<int>(v.integer(1, 255), c.priority); }},
    {"state", false,
     [](InstanceConfig& c, Value& v) {
         if (auto s = v.one_of({"master", "backup"})) c.state = *s == "master" ? InitialState::Master : InitialState::Backup;
     }},
    {"version", false, [](InstanceConfig& c, Value& v) { assign_int<int>(v.integer(2, 3), c.version); }},
    {"advert_int", false, [](InstanceConfig& c, Value& v) { assign(v.positive_duration(), c.advert_int); }},
    {"preempt", false, [](InstanceConfig& c, Value& v) { assign(v.boolean(), c.preempt); }},
    {"preempt_delay", false,
     [](InstanceConfig& c, Value& v) {
         auto d = v.duration();
         if (d && *d > Duration{1'000'000}) v.error("at most 1000s");
         else assign(d, c.preempt_delay);
     }},
    {"auth_pass", false,
     [](InstanceConfig& c, Value& v) {
         if (!v.present()) return;
         c.auth_pass = v.text();
         if (c.auth_pass.size() > 8) {
             // Not quoted back: the warning goes to logs, and the password is a secret.
             v.warning("longer than 8 characters; only the first 8 are used, as keepalived does");
             c.auth_pass.resize(8);
         }
     }},
    {"vip", true, parse_vip},
    {"unicast_src", false,
     [](InstanceConfig& c, Value& v) {
         if (v.present()) if (auto a = v.host_address(v.text())) c.unicast_src = *a;
     }},
    {"unicast_peer", true,
     [](InstanceConfig& c, Value& v) {
         auto words = split_words(v.text());
         if (words.empty()) v.error("needs an address");
         for (const auto& w : words)
             if (auto a = v.host_address(w)) c.unicast_peers.push_back(*a);
     }},
    {"track", true, [](InstanceConfig& c, Value& v) { for (auto& t : v.weighted_names(false)) c.track.push_back(std::move(t)); }},
    {"track_interface", true,
     [](InstanceConfig& c, Value& v) { for (auto& t : v.weighted_names(true)) c.track_interface.push_back(std::move(t)); }},
    {"notify", true, [](InstanceConfig& c, Value& v) { append(c.notify, v.names(true)); }},
    {"garp_repeat", false, [](InstanceConfig& c, Value& v) { assign_int<int>(v.integer(0, 100), c.garp_repeat); }},
    {"garp_delay", false, [](InstanceConfig& c, Value& v) { assign(v.duration(), c.garp_delay); }},
    {"garp_refresh", false, [](InstanceConfig& c, Value& v) { assign(v.duration(), c.garp_refresh); }},
    {"v3_checksum", false,
     [](InstanceConfig& c, Value& v) {
         if (auto s = v.one_of({"pseudo-header", "rfc9568"}))
             c.v3_checksum = *s == "rfc9568" ? V3Checksum::Rfc9568 : V3Checksum::PseudoHeader;
     }},
};

// ---------------------------------------------------------------- [group]

const std::vector<KeyRule<GroupConfig>> kGroupRules = {
    {"instances", true, [](GroupConfig& g, Value& v) { append(g.instances, v.names()); }},
    {"notify", true, [](GroupConfig& g, Value& v) { append(g.notify, v.names(true)); }},
};

// ---------------------------------------------------------------- [tracker] / [notifier]

const std::vector<KeyRule<TrackerConfig>> kTrackerRules = {
    {"type", false, [](TrackerConfig& t, Value& v) { if (v.present()) t.type = v.text(); }},
    {"interval", false, [](TrackerConfig& t, Value& v) { assign(v.positive_duration(), t.interval); }},
    {"timeout", false, [](TrackerConfig& t, Value& v) { assign(v.positive_duration(), t.timeout); }},
    {"rise", false, [](TrackerConfig& t, Value& v) { assign_int<int>(v.integer(1, 1000), t.rise); }},
    {"fall", false, [](TrackerConfig& t, Value& v) { assign_int<int>(v.integer(1, 1000), t.fall); }},
    {"weight", false, [](TrackerConfig& t, Value& v) { assign_int<int>(v.integer(-253, 253), t.weight); }},
};

const std::vector<KeyRule<NotifierConfig>> kNotifierRules = {
    {"type", false, [](NotifierConfig& n, Value& v) { if (v.present()) n.type = v.text(); }},
    {"events", false,
     [](NotifierConfig& n, Value& v) {
         auto words = split_words(v.text());
         if (words.empty()) v.error("needs at least one of master, backup, fault, stop");
         unsigned mask = 0;
         for (const auto& w : words) {
             if (w == "master") mask |= kEventMaster;
             else if (w == "backup") mask |= kEventBackup;
             else if (w == "fault") mask |= kEventFault;
             else if (w == "stop") mask |= kEventStop;
             else v.error("'" + w + "' is not one of master, backup, fault, stop");
         }
         if (mask) n.events = mask;
     }},
    {"timeout", false, [](NotifierConfig& n, Value& v) { assign(v.positive_duration(), n.timeout); }},
};

// Common keys through `rules`, the rest checked against the section's type.
template <typename T>
KeyLocations apply_typed(const Section& s, const std::vector<KeyRule<T>>& rules, T& target, const char* kind,
                         const TypeRegistry& types, Diagnostics& diags) {
    target.name = s.name;
    target.where = s.where;
    auto keys = apply_rules(s, rules, target, diags, &target.options);
    bool tracker = std::string_view(kind) == "tracker";
    auto known = tracker ? types.tracker_type_names() : types.notifier_type_names();
    const TypeSchema* schema = nullptr;
    if (!keys.count("type"))
        diags.error(s.where, s.label() + " needs 'type' (one of: " + known + ")");
    else if (!target.type.empty() && !(schema = tracker ? types.tracker_type(target.type) : types.notifier_type(target.type)))
        diags.error(keys["type"], std::string("type: no ") + kind + " type '" + target.type + "' (known: " + known + ")");
    if (schema) {
        target.type = schema->name;
        check_options(*schema, target.options, s.where, s.label(), diags);
    }
    return keys;
}

// ---------------------------------------------------------------- whole-config checks

class Validator {
public:
    Validator(Config& config, const LoadOptions& options, Diagnostics& diags)
        : c_(config), options_(options), diags_(diags) {}

    std::map<std::string, KeyLocations> instance_keys, group_keys;
    KeyLocations global_keys;


    void run() {
        // By name once: a lookup per `track` reference made a big config quadratic
        // (bench/config-check: 30 % of `vigild -t` on 5000 trackers).
        for (const auto& t : c_.trackers) tracker_names_.insert(t.name);
        for (auto& inst : c_.instances) check_instance(inst);
        check_vrid_clashes();
        check_vip_clashes();
        for (auto& group : c_.groups) check_group(group);
        for (const auto& ref : c_.global.notify) check_notifier_ref(ref);
        if (c_.instances.empty())
            diags_.warning({c_.files.front(), 0}, "no [instance] is configured; vigild would do nothing");
        else
            check_unused_trackers();
    }

private:
    Location at(const KeyLocations& keys, const std::string& key, const Location& fallback) {
        auto it = keys.find(key);
        return it == keys.end() ? fallback : it->second;
    }

    // keepalived warns "script X is not used" (and skips it). vigil still runs
    // such a tracker, for status and metrics, but a typo in a `track` line
    // should not pass unnoticed.
    void check_unused_trackers() {
        std::set<std::string, std::less<>> used;
        for (const auto& inst : c_.instances)
            for (const auto& ref : inst.track) used.insert(ref.name);
        for (const auto& t : c_.trackers)
            if (!used.count(t.name))
                diags_.warning(t.where, "[tracker " + t.name + "] is tracked by no instance; it runs, but affects no instance");
    }

    void check_notifier_ref(const NameRef& ref) {
        if (!c_.notifier(ref.name)) diags_.error(ref.where, "notify: no [notifier " + ref.name + "] is defined");
    }

    void check_instance(InstanceConfig& inst) {
        auto& keys = instance_keys[inst.name];
        std::string label = "[instance " + inst.name + "]";
        if (!keys.count("interface")) diags_.error(inst.where, label + " needs 'interface'");
        if (!keys.count("vrid")) diags_.error(inst.where, label + " needs 'vrid'");
        if (inst.vips.empty() && !keys.count("vip")) diags_.error(inst.where, label + " needs at least one 'vip'");

        if (!inst.vips.empty()) inst.family = inst.vips.front().prefix.address.family();
        for (const auto& vip : inst.vips)
            if (vip.prefix.address.family() != inst.family)
                diags_.error(vip.where, std::string("vip: ") + vip.prefix.str() + " is " +
                                            net::family_name(vip.prefix.address.family()) + " but the instance's first vip is " +
                                            net::family_name(inst.family) + " (use one instance per family)");

        bool v6 = inst.family == net::Family::V6;
        if (!keys.count("version")) inst.version = v6 ? 3 : 2;
        else if (inst.version == 2 && v6)
            diags_.error(keys["version"], "version: VRRPv2 carries only IPv4; IPv6 needs version 3");

        auto adv = inst.advert_int.count();
        Location adv_at = at(keys, "advert_int", inst.where);
        if (inst.version == 2 && (adv % 1000 != 0 || adv < 1000 || adv > 255'000))
            diags_.error(adv_at, "advert_int: " + format_duration(inst.advert_int) +
                                     " is not valid for VRRPv2 (whole seconds, 1-255)");
        if (inst.version == 3 && (adv % 10 != 0 || adv < 10 || adv > 40'950))
            diags_.error(adv_at, "advert_int: " + format_duration(inst.advert_int) +
                                     " is not valid for VRRPv3 (steps of 10ms, 0.01s-40.95s)");

        if (!inst.auth_pass.empty() && inst.version == 3)
            diags_.error(keys["auth_pass"], "auth_pass: VRRPv3 has no authentication; remove it or use version 2");
        if (keys.count("v3_checksum") && (inst.version != 3 || v6))
            diags_.warning(keys["v3_checksum"], "v3_checksum: has no effect (it applies to IPv4 VRRPv3 only)");
        if (inst.priority == 255 && inst.state == InitialState::Backup && keys.count("state"))
            diags_.warning(keys["state"], "state: an address owner (priority 255) always starts as master");

        if (inst.unicast_src && inst.unicast_src->family() != inst.family)
            diags_.error(keys["unicast_src"], "unicast_src: " + inst.unicast_src->str() + " is not " + net::family_name(inst.family));
        for (const auto& peer : inst.unicast_peers)
            if (peer.family() != inst.family)
                diags_.error(keys["unicast_peer"], "unicast_peer: " + peer.str() + " is not " + net::family_name(inst.family));

        for (const auto& ref : inst.track)
            if (!tracker_names_.count(ref.name)) diags_.error(ref.where, "track: no [tracker " + ref.name + "] is defined");
        if (keys.count("notify")) {
            for (const auto& ref : inst.notify) check_notifier_ref(ref);
        } else {
            inst.notify = c_.global.notify;
        }

        if (options_.interface_exists) {
            if (!inst.interface.empty() && !options_.interface_exists(inst.interface))
                diags_.warning(at(keys, "interface", inst.where), "interface: " + inst.interface + " does not exist on this machine");
            for (const auto& vip : inst.vips)
                if (!vip.dev.empty() && !options_.interface_exists(vip.dev))
                    diags_.warning(vip.where, "vip: dev " + vip.dev + " does not exist on this machine");
            for (const auto& ref : inst.track_interface)
                if (!options_.interface_exists(ref.name))
                    diags_.warning(ref.where, "track_interface: " + ref.name + " does not exist on this machine");
        }
    }

    // VRRP tells virtual routers apart by (interface, family, vrid) alone.
    void check_vrid_clashes() {
        std::map<std::tuple<std::string, net::Family, int>, const InstanceConfig*> owners;
        for (const auto& inst : c_.instances) {
            if (inst.interface.empty() || inst.vrid == 0) continue;
            auto [it, fresh] = owners.emplace(std::make_tuple(inst.interface, inst.family, inst.vrid), &inst);
            if (fresh) continue;
            const auto* first = it->second;
            diags_.error(at(instance_keys[inst.name], "vrid", inst.where),
                         "vrid " + std::to_string(inst.vrid) + " on " + inst.interface + " (" + net::family_name(inst.family) +
                             ") is already used by [instance " + first->name + "] at " + first->where.file + ":" +
                             std::to_string(first->where.line));
        }
    }

    void check_vip_clashes() {
        std::map<net::IpAddress, std::pair<const InstanceConfig*, const VirtualIp*>> holders;
        for (const auto& inst : c_.instances)
            for (const auto& vip : inst.vips) {
                auto [it, fresh] = holders.emplace(vip.prefix.address, std::make_pair(&inst, &vip));
                if (fresh) continue;
                auto [other_inst, other_vip] = it->second;
                diags_.error(vip.where, "vip: " + vip.prefix.address.str() + " is already a vip of [instance " + other_inst->name +
                                            "] at " + other_vip->where.file + ":" + std::to_string(other_vip->where.line));
            }
    }

    void check_group(GroupConfig& group) {
        auto& keys = group_keys[group.name];
        if (group.instances.empty() && !keys.count("instances"))
            diags_.error(group.where, "[group " + group.name + "] needs 'instances'");
        for (const auto& ref : group.instances) {
            if (!c_.instance(ref.name)) {
                diags_.error(ref.where, "instances: no [instance " + ref.name + "] is defined");
                continue;
            }
            auto [it, fresh] = member_of_.emplace(ref.name, group.name);
            if (!fresh && it->second != group.name)
                diags_.error(ref.where, "instances: " + ref.name + " is already in [group " + it->second + "]");
            else if (!fresh)
                diags_.warning(ref.where, "instances: " + ref.name + " is listed twice");
        }
        for (const auto& ref : group.notify) check_notifier_ref(ref);
    }

    Config& c_;
    std::set<std::string, std::less<>> tracker_names_;  // built once in run()
    const LoadOptions& options_;
    Diagnostics& diags_;
    std::map<std::string, std::string> member_of_;
};

std::string hostname() {
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "vigil";
    return buf;
}

// Splits "[type name]" headers, refuses unknown types, and merges repeats.
std::vector<Section> merge_sections(const std::vector<RawSection>& raw, Diagnostics& diags) {
    static const std::set<std::string> kNamed = {"instance", "group", "tracker", "notifier"};
    std::vector<Section> merged;
    std::map<std::pair<std::string, std::string>, size_t> index;
    for (const auto& rs : raw) {
        auto words = split_words(rs.header);
        std::string type = words.empty() ? "" : words[0];
        std::string name = words.size() > 1 ? words[1] : "";
        if (type == "global") {
            if (words.size() != 1) {
                diags.error(rs.where, "[global] takes no name");
                continue;
            }
        } else if (kNamed.count(type)) {
            if (words.size() != 2) {
                diags.error(rs.where, "[" + type + "] needs exactly one name: [" + type + " NAME]");
                continue;
            }
            if (!is_valid_name(name)) {
                diags.error(rs.where, "'" + name + "' is not a valid name (letters, digits, '_', '-', '.'; at most 64)");
                continue;
            }
        } else {
            std::string msg = "unknown section [" + rs.header + "]";
            auto hint = closest_word(type, {"global", "instance", "group", "tracker", "notifier"});
            msg += hint.empty() ? " (sections: global, instance, group, tracker, notifier)" : " (did you mean [" + hint + "]?)";
            diags.error(rs.where, msg);
            continue;
        }
        auto [it, fresh] = index.emplace(std::make_pair(type, name), merged.size());
        if (fresh) merged.push_back({type, name, rs.where, {}});
        auto& target = merged[it->second];
        target.entries.insert(target.entries.end(), rs.entries.begin(), rs.entries.end());
    }
    return merged;
}

}  // namespace

std::vector<std::string> config_files(const std::string& main_path, Diagnostics* diags) {
    namespace fs = std::filesystem;
    std::vector<std::string> files{main_path};
    auto dir = fs::path(main_path).parent_path() / "conf.d";
    std::error_code ec;
    std::vector<std::string> dropins;
    fs::directory_iterator it(dir, ec);
    if (ec && ec != std::errc::no_such_file_or_directory && diags)
        diags->error({dir.string(), 0}, "cannot read: " + ec.message());
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        if (it->path().extension() != ".conf") continue;
        std::error_code type_ec;
        if (it->is_regular_file(type_ec)) dropins.push_back(it->path().string());
        else if (diags) diags->error({it->path().string(), 0}, "cannot read: not a regular file (a dangling link?)");
    }
    std::sort(dropins.begin(), dropins.end());
    files.insert(files.end(), dropins.begin(), dropins.end());
    return files;
}

LoadResult load_config_sections(const std::vector<RawSection>& raw, std::vector<std::string> files,
                                const LoadOptions& options, Diagnostics diags) {
    Config c;
    c.files = std::move(files);
    c.global.router_id = options.default_router_id.empty() ? hostname() : options.default_router_id;
    auto sections = merge_sections(raw, diags);
    Validator validator(c, options, diags);

    for (const auto& s : sections) {
        if (s.type == "global") {
            validator.global_keys = apply_rules(s, kGlobalRules, c.global, diags);
        } else if (s.type == "instance") {
            InstanceConfig inst;
            inst.name = s.name;
            inst.where = s.where;
            validator.instance_keys[s.name] = apply_rules(s, kInstanceRules, inst, diags);
            c.instances.push_back(std::move(inst));
        } else if (s.type == "group") {
            GroupConfig g;
            g.name = s.name;
            g.where = s.where;
            validator.group_keys[s.name] = apply_rules(s, kGroupRules, g, diags);
            c.groups.push_back(std::move(g));
        } else if (s.type == "tracker") {
            TrackerConfig t;
            auto keys = apply_typed(s, kTrackerRules, t, "tracker", *options.types, diags);
            if (!keys.count("timeout")) t.timeout = t.interval;
            c.trackers.push_back(std::move(t));
        } else if (s.type == "notifier") {
            NotifierConfig n;
            apply_typed(s, kNotifierRules, n, "notifier", *options.types, diags);
            c.notifiers.push_back(std::move(n));
        }
    }
    validator.run();

    // Report in file order so `vigild -t` reads top to bottom.
    diags.sort_by_location(c.files);
    LoadResult result;
    result.diagnostics = std::move(diags);
    if (result.diagnostics.ok()) result.config = std::move(c);
    return result;
}

namespace {

// A header whose name says it carries a credential (Authorization, X-Api-Key, ...).
bool is_credential_header(const std::string& header) {
    std::string name = header.substr(0, header.find(':'));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* word : {"authorization", "token", "key", "secret", "password", "cookie"})
        if (name.find(word) != std::string::npos) return true;
    return false;
}

// A secret written into the config (auth_pass, a credential header of a
// webhook) in a file every local user may read: a warning, once per file,
// not an error (a private *_file is the better place for secrets).
void warn_secrets_readable_by_others(const std::vector<RawSection>& raw, Diagnostics& diags) {
    std::set<std::string> warned;
    for (const auto& section : raw)
        for (const auto& e : section.entries) {
            bool secret = e.key == "auth_pass" || (e.key == "header" && is_credential_header(e.value));
            if (!secret || warned.count(e.where.file)) continue;
            struct stat st;
            if (stat(e.where.file.c_str(), &st) != 0 || !(st.st_mode & S_IROTH)) continue;
            warned.insert(e.where.file);
            diags.warning(e.where, e.key + ": a secret in a file readable by others (chmod o-r, or use a private *_file)");
        }
}

}  // namespace

LoadResult load_config_file(const std::string& main_path, const LoadOptions& options) {
    Diagnostics diags;
    std::vector<RawSection> raw;
    auto files = config_files(main_path, &diags);
    for (const auto& f : files) parse_ini_file(f, raw, diags);
    warn_secrets_readable_by_others(raw, diags);
    return load_config_sections(raw, std::move(files), options, std::move(diags));
}

GlobalConfig peek_global(const std::string& main_path) {
    Diagnostics ignored;
    std::vector<RawSection> raw;
    for (const auto& f : config_files(main_path)) parse_ini_file(f, raw, ignored);
    GlobalConfig global;
    for (const auto& s : merge_sections(raw, ignored))
        if (s.type == "global") apply_rules(s, kGlobalRules, global, ignored);
    return global;
}

std::vector<std::string> peek_plugin_path(const std::string& main_path) { return peek_global(main_path).plugin_path; }

LoadResult load_config_text(const std::string& text, const std::string& name, const LoadOptions& options) {
    Diagnostics diags;
    std::vector<RawSection> raw;
    parse_ini_text(text, name, raw, diags);
    return load_config_sections(raw, {name}, options, std::move(diags));
}

}  // namespace vigil::config
