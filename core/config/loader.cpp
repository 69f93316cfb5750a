// SPDX-License-Identifier: Apache-2.0
#include "config/loader.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "config/section_keys.h"
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

// Where each key of a section was last set, for messages about key combinations.
using KeyLocations = std::map<std::string, Location>;

// Applies a section's entries through its key table. Keys not in the table go
// to `other` when given (tracker/notifier type keys), else are errors. Values
// of secret keys are noted in `secrets`.
template <typename T>
KeyLocations apply_keys(const Section& section, const KeyTable<T>& table, T& target, Diagnostics& diags,
                        std::vector<RawEntry>& secrets, Options* other = nullptr) {
    KeyLocations at;
    for (const auto& entry : section.entries) {
        auto key = std::find_if(table.begin(), table.end(), [&](const Key<T>& k) { return entry.key == k.name; });
        if (key == table.end()) {
            if (other) {
                other->push_back({entry.key, entry.value, entry.where});
                continue;
            }
            std::vector<std::string> known;
            for (const auto& k : table) known.emplace_back(k.name);
            std::string msg = "unknown key '" + entry.key + "' in " + section.label();
            auto hint = closest_word(entry.key, known);
            if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
            diags.error(entry.where, msg);
            continue;
        }
        auto prev = at.find(entry.key);
        if (!key->repeatable && prev != at.end() && prev->second.file == entry.where.file)
            diags.warning(entry.where, "'" + entry.key + "' set again; this value replaces the one on line " +
                                           std::to_string(prev->second.line));
        at[entry.key] = entry.where;
        if (key->secret) secrets.push_back(entry);
        Value v(entry, key->kind, key->limits, diags);
        key->field.apply(target, v);
    }
    return at;
}

// Required keys the section lacks; `except` is checked by the caller, with
// a message of its own.
template <typename T>
void check_required(const Section& section, const KeyTable<T>& table, const KeyLocations& keys, Diagnostics& diags,
                    std::string_view except = {}) {
    for (const auto& k : table)
        if (k.required && k.name != except && !keys.count(k.name)) {
            // A key with one item a line wants at least one line; a list on one line, the key.
            bool item_per_line = k.repeatable && k.kind != ValueKind::Names;
            diags.error(section.where, section.label() + " needs " + (item_per_line ? "at least one '" : "'") + k.name + "'");
        }
}

// Common keys through `rules`, the rest checked against the section's type.
template <typename T>
KeyLocations apply_typed(const Section& s, const KeyTable<T>& table, T& target, const char* kind,
                         const TypeRegistry& types, Diagnostics& diags, std::vector<RawEntry>& secrets) {
    target.name = s.name;
    target.where = s.where;
    auto keys = apply_keys(s, table, target, diags, secrets, &target.options);
    check_required(s, table, keys, diags, "type");
    bool tracker = std::string_view(kind) == "tracker";
    auto known = tracker ? types.tracker_type_names() : types.notifier_type_names();
    const TypeSchema* schema = nullptr;
    if (!keys.count("type"))
        diags.error(s.where, s.label() + " needs 'type' (one of: " + known + ")");
    else if (!target.type.empty() && !(schema = tracker ? types.tracker_type(target.type) : types.notifier_type(target.type)))
        diags.error(keys["type"], std::string("type: no ") + kind + " type '" + target.type + "' (known: " + known + ")");
    if (schema) {
        target.type = schema->name;
        check_options(*schema, target.options, s.where, s.label(), diags, &secrets);
    }
    return keys;
}

// ---------------------------------------------------------------- whole-config checks

class Validator {
public:
    Validator(Config& config, const LoadOptions& options, Diagnostics& diags)
        : c_(config), options_(options), diags_(diags) {}

    std::map<std::string, KeyLocations> instance_key_locations;
    std::map<std::string, KeyLocations> anycast_key_locations;
    KeyLocations global_keys;


    void run() {
        // By name once: a lookup per `track` reference made a big config quadratic
        // (bench/config-check: 30 % of `vigild -t` on 5000 trackers).
        for (const auto& t : c_.trackers) tracker_names_.insert(t.name);
        for (auto& inst : c_.instances) check_instance(inst);
        check_vrid_clashes();
        check_vip_clashes();
        check_routing();
        for (auto& group : c_.groups) check_group(group);
        for (auto& anycast : c_.anycasts) check_anycast(anycast);
        for (const auto& ref : c_.global.notify) check_notifier_ref(ref);
        if (c_.instances.empty() && c_.anycasts.empty())
            diags_.warning({c_.files.front(), 0}, "no [instance] or [anycast] is configured; vigild would do nothing");
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
        for (const auto& anycast : c_.anycasts)
            for (const auto& ref : anycast.track) used.insert(ref.name);
        for (const auto& t : c_.trackers)
            if (!used.count(t.name))
                diags_.warning(t.where, "[tracker " + t.name + "] is tracked by no instance or anycast; it runs, but affects nothing");
    }

    void check_notifier_ref(const NameRef& ref) {
        if (!c_.notifier(ref.name)) diags_.error(ref.where, "notify: no [notifier " + ref.name + "] is defined");
    }

    void check_instance(InstanceConfig& inst) {
        auto& keys = instance_key_locations[inst.name];

        if (!inst.vips.empty()) inst.family = inst.vips.front().prefix.address.family();
        for (auto [list, key] : {std::pair{&inst.vips, "vip: "}, std::pair{&inst.excluded_vips, "excluded_vip: "}})
            for (const auto& vip : *list)
                if (vip.prefix.address.family() != inst.family)
                    diags_.error(vip.where, key + vip.prefix.str() + " is " + net::family_name(vip.prefix.address.family()) +
                                                " but the instance's first vip is " + net::family_name(inst.family) +
                                                " (use one instance per family)");
        check_address_count(inst);

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
        if (keys.count("check_unicast_src") && inst.unicast_peers.empty())
            diags_.warning(keys["check_unicast_src"], "check_unicast_src: has no effect (it applies to instances with unicast_peer)");

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
            for (auto [list, key] : {std::pair{&inst.vips, "vip: "}, std::pair{&inst.excluded_vips, "excluded_vip: "}})
                for (const auto& vip : *list)
                    if (!vip.dev.empty() && !options_.interface_exists(vip.dev))
                        diags_.warning(vip.where, std::string(key) + "dev " + vip.dev + " does not exist on this machine");
            for (const auto& ref : inst.track_interface)
                if (!options_.interface_exists(ref.name))
                    diags_.warning(ref.where, "track_interface: " + ref.name + " does not exist on this machine");
        }
    }

    void check_anycast(AnycastConfig& a) {
        auto& keys = anycast_key_locations[a.name];
        // One maintenance list and one supervisor slot namespace serve both.
        if (const auto* inst = c_.instance(a.name))
            diags_.error(a.where, "[anycast " + a.name + "] has the name of [instance " + a.name + "] at " + inst->where.file + ":" +
                                      std::to_string(inst->where.line) + " (vigilctl maintenance names either)");
        for (const auto& ref : a.track) {
            const auto* t = c_.tracker(ref.name);
            if (!t) {
                diags_.error(ref.where, "track: no [tracker " + ref.name + "] is defined");
                continue;
            }
            // Its number moves an instance's priority; an anycast section
            // has none, and "UP" would announce whatever the file says.
            const auto* mode = find_option(t->options, "mode");
            if (t->type == "file" && mode && mode->value == "value")
                diags_.error(ref.where, "track: [tracker " + ref.name + "] is a file tracker with mode = value, which only sets a "
                                        "priority; an anycast section needs one that is UP or DOWN (mode = exists-down or exists-up)");
        }
        if (a.track.empty())
            diags_.warning(a.where, "[anycast " + a.name + "] tracks nothing: its prefixes are announced whenever vigild runs");
        if (keys.count("notify")) {
            for (const auto& ref : a.notify) check_notifier_ref(ref);
        } else {
            a.notify = c_.global.notify;
        }
        for (const auto& p : a.prefixes) {
            size_t bits = p.prefix.address.size() * 8;
            if (a.mode == AnnounceMode::Route) {
                if (!host_bits_clear(p.prefix))
                    diags_.error(p.where, "prefix: " + p.prefix.str() + " has host bits set; a route needs the network (" +
                                              network_of(p.prefix).str() + "?)");
            } else if (static_cast<size_t>(p.prefix.length) < bits) {
                diags_.warning(p.where, "prefix: " + p.prefix.str() + " as an address on " + a.interface + " makes the whole /" +
                                            std::to_string(p.prefix.length) + " local to this host; anycast prefixes are " +
                                            "usually /" + std::to_string(bits) + " (or use announce = route TABLE)");
            }
        }
        size_t limit = a.mode == AnnounceMode::Route ? kMaxAnycastRoutes : kMaxAnycastAddresses;
        if (a.prefixes.size() > limit)
            diags_.error(at(keys, "prefix", a.where), "prefix: more than " + std::to_string(limit) + " prefixes in one " +
                                                          (a.mode == AnnounceMode::Route ? "route-mode " : "") +
                                                          "anycast section (the supervisor could not withdraw them all)");
        if (options_.interface_exists && a.mode == AnnounceMode::Address && !options_.interface_exists(a.interface))
            diags_.warning(at(keys, "announce", a.where), "announce: " + a.interface + " does not exist on this machine");
    }

    static bool host_bits_clear(const net::IpPrefix& p) { return network_of(p) == p; }
    static net::IpPrefix network_of(const net::IpPrefix& p) {
        auto bytes = p.address.bytes();
        for (size_t i = 0; i < p.address.size(); ++i) {
            int keep = std::clamp(p.length - static_cast<int>(i) * 8, 0, 8);
            bytes[i] &= static_cast<uint8_t>(0xff00 >> keep);
        }
        net::IpAddress a = p.address.family() == net::Family::V4
                               ? net::IpAddress::v4(uint32_t(bytes[0]) << 24 | uint32_t(bytes[1]) << 16 | uint32_t(bytes[2]) << 8 | bytes[3])
                               : net::IpAddress::v6(bytes.data());
        return {a, p.length};
    }

    // VRRP tells virtual routers apart by (interface, family, vrid) alone.
    void check_vrid_clashes() {
        std::map<std::tuple<std::string, net::Family, int>, const InstanceConfig*> owners;
        for (const auto& inst : c_.instances) {
            if (inst.interface.empty() || inst.vrid == 0) continue;
            auto [it, fresh] = owners.emplace(std::make_tuple(inst.interface, inst.family, inst.vrid), &inst);
            if (fresh) continue;
            const auto* first = it->second;
            diags_.error(at(instance_key_locations[inst.name], "vrid", inst.where),
                         "vrid " + std::to_string(inst.vrid) + " on " + inst.interface + " (" + net::family_name(inst.family) +
                             ") is already used by [instance " + first->name + "] at " + first->where.file + ":" +
                             std::to_string(first->where.line));
        }
    }

    // As keepalived, an advert carries at most what fits a 1500-byte frame
    // (and 255, the count's 8 bits): the rest are added but not advertised.
    // Everything an instance adds fits the supervisor's record of it.
    void check_address_count(InstanceConfig& inst) {
        size_t fits = inst.family == net::Family::V4 ? 255 : (1500 - 14 - 40 - 8) / 16;
        if (inst.vips.size() > fits) {
            diags_.warning(inst.vips[fits].where, "vip: an advert carries at most " + std::to_string(fits) + " " +
                                                      net::family_name(inst.family) + " addresses; the " +
                                                      std::to_string(inst.vips.size() - fits) +
                                                      " from here on are added but not advertised, as excluded_vip (as keepalived)");
            inst.excluded_vips.insert(inst.excluded_vips.begin(), inst.vips.begin() + static_cast<long>(fits), inst.vips.end());
            inst.vips.resize(fits);
        }
        constexpr size_t kMaxAddresses = 255;
        if (inst.vips.size() + inst.excluded_vips.size() > kMaxAddresses)
            diags_.error(inst.excluded_vips[kMaxAddresses - inst.vips.size()].where,
                         "excluded_vip: an instance adds at most " + std::to_string(kMaxAddresses) + " addresses (vip and excluded_vip)");
    }

    // One address is a VIP of one instance, once. An IPv6 link-local address
    // is unique only on its link: it may be a VIP on several interfaces.
    void check_vip_clashes() {
        std::map<std::pair<net::IpAddress, std::string>, std::pair<const InstanceConfig*, const VirtualIp*>> holders;
        for (const auto& inst : c_.instances)
            for (auto [list, key] : {std::pair{&inst.vips, "vip: "}, std::pair{&inst.excluded_vips, "excluded_vip: "}})
                for (const auto& vip : *list) {
                    const auto& address = vip.prefix.address;
                    std::string link = address.is_link_local() ? (vip.dev.empty() ? inst.interface : vip.dev) : "";
                    auto [it, fresh] = holders.emplace(std::make_pair(address, link), std::make_pair(&inst, &vip));
                    if (fresh) continue;
                    auto [other_inst, other_vip] = it->second;
                    diags_.error(vip.where, key + address.str() + " is already a vip of [instance " + other_inst->name + "]" +
                                                (link.empty() ? "" : " on " + link) + " at " + other_vip->where.file + ":" +
                                                std::to_string(other_vip->where.line));
                }
    }

    // Routes, rules and static addresses: within what the supervisor's record
    // holds, and each with one owner (two would add and remove it in turn).
    void check_routing() {
        auto place = [](const Location& w) { return w.file + ":" + std::to_string(w.line); };
        std::map<std::string, std::pair<std::string, Location>> routes, rules;
        auto claim = [&](auto& owners, const std::string& key, const std::string& shown, const char* what,
                         const std::string& owner, const Location& where) {
            auto [it, fresh] = owners.emplace(key, std::make_pair(owner, where));
            if (!fresh)
                diags_.error(where, std::string(what) + ": " + shown + " is already a " + what + " of " + it->second.first + " at " +
                                        place(it->second.second));
        };
        // The kernel tells routes apart by table, destination and metric (and
        // replaces one with another of the same three).
        // The metric as the kernel stores it: none is 0 for IPv4, and IPv6
        // makes none and 0 alike 1024, so `metric 0` / `metric 1024` is the
        // same route as one without.
        auto route_key = [](const net::Route& r) {
            uint32_t metric = r.metric.value_or(0);
            if (r.family() == net::Family::V6 && metric == 0) metric = 1024;
            return std::to_string(r.table) + " " + r.dest.str() + " " + std::to_string(metric);
        };
        for (const auto& r : c_.global.static_routes)
            claim(routes, route_key(r.route), r.route.str(), "route", "[global] static_route", r.where);
        for (const auto& r : c_.global.static_rules) claim(rules, r.rule.str(), r.rule.str(), "rule", "[global] static_rule", r.where);
        for (const auto& inst : c_.instances) {
            auto& keys = instance_key_locations[inst.name];
            if (inst.routes.size() > kMaxInstanceRoutes)
                diags_.error(at(keys, "route", inst.where), "route: more than " + std::to_string(kMaxInstanceRoutes) +
                                                                " routes in one instance (the supervisor could not remove them all)");
            if (inst.rules.size() > kMaxInstanceRules)
                diags_.error(at(keys, "rule", inst.where), "rule: more than " + std::to_string(kMaxInstanceRules) +
                                                               " rules in one instance (the supervisor could not remove them all)");
            for (const auto& r : inst.routes)
                claim(routes, route_key(r.route), r.route.str(), "route", "[instance " + inst.name + "]", r.where);
            for (const auto& r : inst.rules) claim(rules, r.rule.str(), r.rule.str(), "rule", "[instance " + inst.name + "]", r.where);
        }
        // An instance removes its VIPs (excluded ones too) when it leaves
        // MASTER: a static address among them would go with them. A link-local
        // address is one per interface.
        using AddressKey = std::pair<net::IpAddress, std::string>;
        auto key_of = [](const VirtualIp& a, const std::string& dev) {
            return AddressKey{a.prefix.address, a.prefix.address.is_link_local() ? dev : ""};
        };
        std::map<AddressKey, std::pair<std::string, Location>> addresses;
        for (const auto& inst : c_.instances)
            for (auto [list, what] : {std::pair{&inst.vips, "a vip"}, std::pair{&inst.excluded_vips, "an excluded_vip"}})
                for (const auto& vip : *list)
                    addresses.emplace(key_of(vip, vip.dev.empty() ? inst.interface : vip.dev),
                                      std::make_pair(std::string(what) + " of [instance " + inst.name + "]", vip.where));
        for (const auto& a : c_.global.static_addresses) {
            auto [it, fresh] = addresses.emplace(key_of(a, a.dev), std::make_pair(std::string("a static_address"), a.where));
            if (!fresh)
                diags_.error(a.where, "static_address: " + a.prefix.address.str() + " is already " + it->second.first + " at " +
                                          place(it->second.second));
        }
        // An anycast section removes its prefixes when it withdraws: one that
        // is also a VIP, a static address or another section's would go too.
        // In route mode a static address on lo is how the service keeps
        // answering, so only the routes are claimed.
        for (const auto& a : c_.anycasts)
            for (const auto& p : a.prefixes) {
                std::string owner = "a prefix of [anycast " + a.name + "]";
                if (a.mode == AnnounceMode::Route) {
                    uint32_t metric = p.prefix.address.family() == net::Family::V6 ? 1024 : 0;
                    claim(routes, std::to_string(a.table) + " " + p.prefix.str() + " " + std::to_string(metric),
                          p.prefix.str() + " table " + std::to_string(a.table), "route", "[anycast " + a.name + "]", p.where);
                    continue;
                }
                auto [it, fresh] = addresses.emplace(key_of(VirtualIp{p.prefix, a.interface, "", p.where}, a.interface),
                                                     std::make_pair(owner, p.where));
                if (!fresh)
                    diags_.error(p.where, "prefix: " + p.prefix.address.str() + " is already " + it->second.first + " at " +
                                              place(it->second.second));
            }
    }

    void check_group(GroupConfig& group) {
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
    static const std::set<std::string> kNamed = {"instance", "group", "tracker", "notifier", "anycast"};
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
            auto hint = closest_word(type, {"global", "instance", "group", "tracker", "notifier", "anycast"});
            msg += hint.empty() ? " (sections: global, instance, group, tracker, notifier, anycast)" : " (did you mean [" + hint + "]?)";
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

LoadResult load_config_sections(const std::vector<RawSection>& raw, std::vector<std::string> files,
                                const LoadOptions& options, Diagnostics diags) {
    Config c;
    c.files = std::move(files);
    c.global.router_id = options.default_router_id.empty() ? hostname() : options.default_router_id;
    auto sections = merge_sections(raw, diags);
    Validator validator(c, options, diags);
    std::vector<RawEntry> secrets;

    for (const auto& s : sections) {
        if (s.type == "global") {
            validator.global_keys = apply_keys(s, global_keys(), c.global, diags, secrets);
        } else if (s.type == "instance") {
            InstanceConfig inst;
            inst.name = s.name;
            inst.where = s.where;
            auto& keys = validator.instance_key_locations[s.name] = apply_keys(s, instance_keys(), inst, diags, secrets);
            check_required(s, instance_keys(), keys, diags);
            c.instances.push_back(std::move(inst));
        } else if (s.type == "group") {
            GroupConfig g;
            g.name = s.name;
            g.where = s.where;
            auto keys = apply_keys(s, group_keys(), g, diags, secrets);
            check_required(s, group_keys(), keys, diags);
            c.groups.push_back(std::move(g));
        } else if (s.type == "tracker") {
            TrackerConfig t;
            auto keys = apply_typed(s, tracker_keys(), t, "tracker", *options.types, diags, secrets);
            if (!keys.count("timeout")) t.timeout = t.interval;
            // Checks never overlap (a poll due while one runs is skipped), so
            // such a timeout silently stretches the interval when a check hangs.
            else if (t.timeout > t.interval)
                diags.warning(keys["timeout"], "timeout: " + format_duration(t.timeout) + " is longer than interval " +
                                                   format_duration(t.interval) + "; checks never overlap, so a check that " +
                                                   "runs that long delays the next ones past their interval");
            c.trackers.push_back(std::move(t));
        } else if (s.type == "notifier") {
            NotifierConfig n;
            apply_typed(s, notifier_keys(), n, "notifier", *options.types, diags, secrets);
            c.notifiers.push_back(std::move(n));
        } else if (s.type == "anycast") {
            AnycastConfig a;
            a.name = s.name;
            a.where = s.where;
            auto& keys = validator.anycast_key_locations[s.name] = apply_keys(s, anycast_keys(), a, diags, secrets);
            check_required(s, anycast_keys(), keys, diags);
            c.anycasts.push_back(std::move(a));
        }
    }
    validator.run();

    // Report in file order so `vigild -t` reads top to bottom.
    diags.sort_by_location(c.files);
    LoadResult result;
    result.diagnostics = std::move(diags);
    result.secrets = std::move(secrets);
    if (result.diagnostics.ok()) result.config = std::move(c);
    return result;
}

GlobalConfig global_of(const std::vector<RawSection>& raw) {
    Diagnostics ignored;
    GlobalConfig global;
    std::vector<RawEntry> secrets;
    for (const auto& s : merge_sections(raw, ignored))
        if (s.type == "global") apply_keys(s, global_keys(), global, ignored, secrets);
    return global;
}

SectionTypes section_types_of(const std::vector<RawSection>& raw) {
    Diagnostics ignored;
    SectionTypes types;
    for (const auto& s : merge_sections(raw, ignored)) {
        if (s.type != "tracker" && s.type != "notifier") continue;
        auto& names = s.type == "tracker" ? types.trackers : types.notifiers;
        bool typed = false;
        for (const auto& e : s.entries)
            if (e.key == "type") {
                names.emplace(trim(e.value));
                typed = true;
            }
        types.untyped |= !typed;
    }
    return types;
}

LoadResult load_config_text(const std::string& text, const std::string& name, const LoadOptions& options) {
    Diagnostics diags;
    std::vector<RawSection> raw;
    parse_ini_text(text, name, raw, diags);
    return load_config_sections(raw, {name}, options, std::move(diags));
}

}  // namespace vigil::config
