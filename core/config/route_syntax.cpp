// SPDX-License-Identifier: Apache-2.0
#include "config/route_syntax.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>
#include <vector>

#include "config/values.h"

namespace vigil::config {
namespace {

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// Decimal, or hexadecimal with 0x (fwmarks are usually written so).
std::optional<uint32_t> parse_u32(std::string_view text) {
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text.remove_prefix(2);
    }
    uint32_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return v;
}

// Table names `ip` knows without /etc/iproute2/rt_tables.
std::optional<uint32_t> parse_table(std::string_view word, std::string& problem) {
    if (word == "main") return 254;
    if (word == "default") return 253;
    if (word == "local") return 255;
    auto n = parse_u32(word);
    if (!n) problem = "table " + quoted(word) + " is not a number (names other than main, default and local are not read from rt_tables)";
    else if (*n == 0) problem = "table 0 is not a table";
    return n;
}

// Address families, as the words of one line agree (or not) on one.
struct FamilyVote {
    std::optional<net::Family> family;
    std::string problem;

    void cast(net::Family f, std::string_view what) {
        if (!family) family = f;
        else if (*family != f && problem.empty()) problem = "mixes IPv4 and IPv6 (" + std::string(what) + ")";
    }
};

// "PREFIX" with host bits clear, as the kernel wants a destination.
std::optional<net::IpPrefix> network_prefix(std::string_view word, std::string& problem) {
    auto p = net::IpPrefix::parse(word);
    if (!p) {
        problem = quoted(word) + " is not an address with an optional /PREFIX";
        return std::nullopt;
    }
    auto masked = p->address.bytes();
    for (size_t bit = static_cast<size_t>(p->length); bit < p->address.size() * 8; ++bit)
        masked[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
    if (masked != p->address.bytes()) {
        auto net = p->address.family() == net::Family::V4 ? net::IpAddress::v4(uint32_t(masked[0]) << 24 | uint32_t(masked[1]) << 16 | uint32_t(masked[2]) << 8 | masked[3])
                                                          : net::IpAddress::v6(masked.data());
        problem = quoted(word) + " has host bits set (did you mean " + net::IpPrefix{net, p->length}.str() + "?)";
        return std::nullopt;
    }
    return p;
}

std::optional<net::IpAddress> unicast_address(std::string_view word, std::string_view what, std::string& problem) {
    auto a = net::IpAddress::parse(word);
    if (!a) problem = std::string(what) + " " + quoted(word) + " is not an IPv4 or IPv6 address";
    else if (a->is_multicast() || a->is_unspecified() || a->is_broadcast())
        problem = std::string(what) + " " + quoted(word) + " is not a unicast address";
    else return a;
    return std::nullopt;
}

bool is_link_local(const net::IpAddress& a) {
    return a.family() == net::Family::V6 && a.bytes()[0] == 0xfe && (a.bytes()[1] & 0xc0) == 0x80;
}

// keepalived route words vigil does not take, with why where it helps.
std::string unsupported_route_word(const std::string& w) {
    if (w == "nexthop" || w == "or") return quoted(w) + " is not supported: a route takes one gateway (via ADDR)";
    if (w == "no_track") return "'no_track' is not needed: vigil does not watch its routes for deletion";
    if (w == "track_group") return "'track_group' is not supported: vigil does not watch its routes for deletion";
    static const std::set<std::string> keepalived_words = {
        "from", "tos", "dsfield", "protocol", "proto", "mtu", "advmss", "rtt", "rttvar", "reordering", "window", "cwnd",
        "ssthresh", "realms", "rto_min", "initcwnd", "initrwnd", "features", "quickack", "congctl", "pref", "ttl-propagate",
        "fastopen_no_cookie", "encap", "expires", "add", "append", "prepend", "vrf", "as", "hoplimit", "local", "broadcast",
        "multicast", "throw", "nat", "anycast", "unicast"};
    if (keepalived_words.count(w))
        return quoted(w) + " is not supported (vigil takes DEST, via, dev, src, table, metric, scope, onlink, and blackhole, unreachable or prohibit)";
    return "";
}

}  // namespace

ParsedRoute parse_route(std::string_view text) {
    ParsedRoute out;
    auto& r = out.route;
    auto words = split_words(text);
    FamilyVote family;
    std::optional<std::string> dest_word;
    bool is_default = false;
    auto fail = [&](std::string problem) {
        out.problem = std::move(problem);
        return out;
    };
    for (size_t i = 0; i < words.size(); ++i) {
        const auto& w = words[i];
        auto value = [&]() -> const std::string* { return i + 1 < words.size() ? &words[++i] : nullptr; };
        static const std::set<std::string> takes_value = {"via", "gw", "dev", "oif", "src", "table", "metric", "priority", "preference", "scope"};
        if (takes_value.count(w) && i + 1 >= words.size()) return fail(quoted(w) + " needs a value");
        if (w == "inet") family.cast(net::Family::V4, "inet");
        else if (w == "inet6") family.cast(net::Family::V6, "inet6");
        else if (w == "via" || w == "gw") {
            const auto* v = value();
            if (*v == "inet" || *v == "inet6") {  // keepalived's `via inet6 ADDR`
                family.cast(*v == "inet" ? net::Family::V4 : net::Family::V6, "via " + *v);
                if (!(v = value())) return fail("'via " + words[i - 1] + "' needs an address");
            }
            r.via = unicast_address(*v, "via", out.problem);
            if (!r.via) return out;
            family.cast(r.via->family(), "via " + *v);
        } else if (w == "dev" || w == "oif") {
            const auto* v = value();
            if (!is_valid_interface_name(*v)) return fail(quoted(*v) + " is not a valid interface name");
            r.dev = *v;
        } else if (w == "src") {
            const auto* v = value();
            r.src = unicast_address(*v, "src", out.problem);
            if (!r.src) return out;
            family.cast(r.src->family(), "src " + *v);
        } else if (w == "table") {
            auto t = parse_table(*value(), out.problem);
            if (!out.problem.empty()) return out;
            r.table = *t;
        } else if (w == "metric" || w == "priority" || w == "preference") {
            const auto* v = value();
            auto m = parse_u32(*v);
            if (!m) return fail(w + " " + quoted(*v) + " is not a number (0-4294967295)");
            r.metric = *m;
        } else if (w == "scope") {
            const auto* v = value();
            static const std::vector<std::pair<std::string, net::RouteScope>> scopes = {
                {"global", net::RouteScope::Global}, {"universe", net::RouteScope::Global}, {"site", net::RouteScope::Site},
                {"link", net::RouteScope::Link}, {"host", net::RouteScope::Host}, {"nowhere", net::RouteScope::Nowhere}};
            auto it = std::find_if(scopes.begin(), scopes.end(), [&](const auto& s) { return s.first == *v; });
            if (it == scopes.end()) return fail("scope " + quoted(*v) + " is not one of global, site, link, host, nowhere");
            r.scope = it->second;
        } else if (w == "onlink") {
            r.onlink = true;
        } else if (w == "blackhole" || w == "unreachable" || w == "prohibit") {
            if (r.type != net::RouteType::Unicast) return fail("more than one route type");
            r.type = w == "blackhole" ? net::RouteType::Blackhole : w == "unreachable" ? net::RouteType::Unreachable : net::RouteType::Prohibit;
        } else if (auto why = unsupported_route_word(w); !why.empty()) {
            return fail(why);
        } else {
            auto d = w;
            if (w == "to") {
                if (i + 1 >= words.size()) return fail("'to' needs a destination");
                d = words[++i];
            }
            if (dest_word) return fail("two destinations (" + *dest_word + " and " + d + "), or an unknown word");
            dest_word = d;
            if (d == "default") {
                is_default = true;
                continue;
            }
            auto p = network_prefix(d, out.problem);
            if (!p) {
                if (w != "to" && !net::IpAddress::parse(d.substr(0, d.find('/'))))
                    return fail("unknown word " + quoted(d) +
                                " (expected a destination, via, dev, src, table, metric, scope, onlink, blackhole, unreachable or prohibit)");
                return out;
            }
            r.dest = *p;
            family.cast(p->address.family(), d);
        }
    }
    if (!dest_word) return fail("needs a destination (PREFIX or default)");
    if (!family.problem.empty()) return fail(family.problem);
    auto f = family.family.value_or(net::Family::V4);
    if (is_default) r.dest = {f == net::Family::V4 ? net::IpAddress::v4(0) : *net::IpAddress::parse("::"), 0};
    if (r.type == net::RouteType::Unicast) {
        if (!r.via && r.dev.empty()) return fail("needs via ADDR or dev IF (where the traffic goes)");
    } else if (r.via || !r.dev.empty() || r.src || r.onlink) {
        return fail(std::string("a ") + net::route_type_name(r.type) + " route takes no via, dev, src or onlink");
    }
    if (r.scope && f == net::Family::V6) return fail("scope applies to IPv4 routes only");
    if (r.onlink && (!r.via || r.dev.empty())) return fail("onlink needs via ADDR and dev IF");
    if (r.via && is_link_local(*r.via) && r.dev.empty()) return fail("a link-local gateway needs dev IF");
    return out;
}

ParsedRule parse_rule(std::string_view text) {
    ParsedRule out;
    auto& r = out.rule;
    auto words = split_words(text);
    FamilyVote family;
    bool has_action = false, has_priority = false;
    auto fail = [&](std::string problem) {
        out.problem = std::move(problem);
        return out;
    };
    auto set_action = [&](net::RuleAction a) {
        if (has_action) return false;
        has_action = true;
        r.action = a;
        return true;
    };
    for (size_t i = 0; i < words.size(); ++i) {
        const auto& w = words[i];
        static const std::set<std::string> takes_value = {"from", "to", "table", "lookup", "priority", "preference", "prio",
                                                         "order", "iif", "dev", "oif", "fwmark"};
        if (takes_value.count(w) && i + 1 >= words.size()) return fail(quoted(w) + " needs a value");
        const std::string* v = takes_value.count(w) ? &words[++i] : nullptr;
        if (w == "inet") family.cast(net::Family::V4, "inet");
        else if (w == "inet6") family.cast(net::Family::V6, "inet6");
        else if (w == "from" || w == "to") {
            if (*v == "all") continue;
            auto p = network_prefix(*v, out.problem);
            if (!p) return fail(w + ": " + out.problem);
            (w == "from" ? r.from : r.to) = *p;
            family.cast(p->address.family(), w + " " + *v);
        } else if (w == "table" || w == "lookup") {
            auto t = parse_table(*v, out.problem);
            if (!out.problem.empty()) return out;
            if (!set_action(net::RuleAction::Table)) return fail("more than one of table, blackhole, unreachable, prohibit");
            r.table = *t;
        } else if (w == "blackhole" || w == "unreachable" || w == "prohibit") {
            auto a = w == "blackhole" ? net::RuleAction::Blackhole : w == "unreachable" ? net::RuleAction::Unreachable : net::RuleAction::Prohibit;
            if (!set_action(a)) return fail("more than one of table, blackhole, unreachable, prohibit");
        } else if (w == "priority" || w == "preference" || w == "prio" || w == "order") {
            auto p = parse_u32(*v);
            if (!p) return fail(w + " " + quoted(*v) + " is not a number (1-4294967295)");
            if (*p == 0) return fail("priority 0 is the kernel's own rule for the local table");
            r.priority = *p;
            has_priority = true;
        } else if (w == "iif" || w == "dev" || w == "oif") {
            if (!is_valid_interface_name(*v)) return fail(quoted(*v) + " is not a valid interface name");
            (w == "oif" ? r.oif : r.iif) = *v;
        } else if (w == "fwmark") {
            auto slash = v->find('/');
            auto mark = parse_u32(std::string_view(*v).substr(0, slash));
            std::optional<uint32_t> mask;
            if (slash != std::string::npos) mask = parse_u32(std::string_view(*v).substr(slash + 1));
            if (!mark || (slash != std::string::npos && !mask)) return fail("fwmark " + quoted(*v) + " is not MARK or MARK/MASK");
            r.fwmark = *mark;
            r.fwmask = mask;
        } else if (w == "not" || w == "goto" || w == "nop" || w == "type" || w == "tos" || w == "dsfield" || w == "realms" ||
                   w == "suppress_prefixlength" || w == "sup_pl" || w == "suppress_ifgroup" || w == "sup_group" ||
                   w == "uidrange" || w == "l3mdev" || w == "protocol" || w == "ipproto" || w == "sport" || w == "dport" ||
                   w == "tunnel-id" || w == "track_group" || w == "no_track") {
            return fail(quoted(w) + " is not supported (vigil takes from, to, iif, oif, fwmark, table or blackhole/unreachable/prohibit, and priority)");
        } else {
            return fail("unknown word " + quoted(w) + " (expected from, to, iif, oif, fwmark, table, priority, blackhole, unreachable or prohibit)");
        }
    }
    if (!family.problem.empty()) return fail(family.problem);
    if (!has_action) return fail("needs table N (or blackhole, unreachable, prohibit)");
    // keepalived makes one up (with a warning); without one the kernel adds
    // a duplicate each time instead of finding the rule already there.
    if (!has_priority) return fail("needs a priority (keepalived's preference): it is what tells this rule from others");
    r.family = family.family.value_or(net::Family::V4);
    return out;
}

}  // namespace vigil::config
