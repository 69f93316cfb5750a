// SPDX-License-Identifier: Apache-2.0
#include "supervisor/held_routes.h"

#include <cstring>

namespace vigil::supervisor {
namespace {

uint8_t family_byte(net::Family f) { return f == net::Family::V4 ? 4 : 6; }

std::optional<net::IpAddress> load_address(uint8_t family, const uint8_t (&bytes)[16]) {
    if (family == 6) return net::IpAddress::v6(bytes);
    if (family != 4) return std::nullopt;
    return net::IpAddress::v4(uint32_t(bytes[0]) << 24 | uint32_t(bytes[1]) << 16 | uint32_t(bytes[2]) << 8 | bytes[3]);
}

std::optional<net::IpPrefix> load_prefix(uint8_t family, const uint8_t (&bytes)[16], uint8_t length) {
    auto a = load_address(family, bytes);
    if (!a || length > (family == 4 ? 32 : 128)) return std::nullopt;
    return net::IpPrefix{*a, length};
}

template <size_t N>
std::string load_name(const char (&field)[N]) {
    return std::string(field, strnlen(field, N));
}

}  // namespace

void store_route(SharedRoute& to, const net::Route& r) {
    std::memset(&to, 0, sizeof to);
    to.family = family_byte(r.family());
    to.type = static_cast<uint8_t>(r.type);
    to.dest_len = static_cast<uint8_t>(r.dest.length);
    std::memcpy(to.dest, r.dest.address.bytes().data(), 16);
    to.has_via = r.via.has_value();
    if (r.via) std::memcpy(to.via, r.via->bytes().data(), 16);
    to.has_src = r.src.has_value();
    if (r.src) std::memcpy(to.src, r.src->bytes().data(), 16);
    to.has_metric = r.metric.has_value();
    to.metric = r.metric.value_or(0);
    to.has_scope = r.scope.has_value();
    to.scope = static_cast<uint8_t>(r.scope.value_or(net::RouteScope::Global));
    to.onlink = r.onlink;
    to.table = r.table;
    copy_text(to.dev, r.dev.c_str());
}

void store_rule(SharedRule& to, const net::Rule& r) {
    std::memset(&to, 0, sizeof to);
    to.family = family_byte(r.family);
    to.action = static_cast<uint8_t>(r.action);
    to.has_from = r.from.has_value();
    if (r.from) {
        to.from_len = static_cast<uint8_t>(r.from->length);
        std::memcpy(to.from, r.from->address.bytes().data(), 16);
    }
    to.has_to = r.to.has_value();
    if (r.to) {
        to.to_len = static_cast<uint8_t>(r.to->length);
        std::memcpy(to.to, r.to->address.bytes().data(), 16);
    }
    to.has_fwmark = r.fwmark.has_value();
    to.fwmark = r.fwmark.value_or(0);
    to.has_fwmask = r.fwmask.has_value();
    to.fwmask = r.fwmask.value_or(0);
    to.table = r.table;
    to.priority = r.priority;
    copy_text(to.iif, r.iif.c_str());
    copy_text(to.oif, r.oif.c_str());
}

std::optional<net::Route> load_route(const SharedRoute& from) {
    net::Route r;
    auto dest = load_prefix(from.family, from.dest, from.dest_len);
    if (!dest || from.type > static_cast<uint8_t>(net::RouteType::Prohibit) || from.table == 0) return std::nullopt;
    r.dest = *dest;
    r.type = static_cast<net::RouteType>(from.type);
    if (from.has_via) r.via = load_address(from.family, from.via);
    if (from.has_src) r.src = load_address(from.family, from.src);
    if (from.has_metric) r.metric = from.metric;
    if (from.has_scope) r.scope = static_cast<net::RouteScope>(from.scope);
    r.onlink = from.onlink != 0;
    r.table = from.table;
    r.dev = load_name(from.dev);
    return r;
}

std::optional<net::Rule> load_rule(const SharedRule& from) {
    net::Rule r;
    if ((from.family != 4 && from.family != 6) || from.action > static_cast<uint8_t>(net::RuleAction::Prohibit) || from.priority == 0)
        return std::nullopt;
    r.family = from.family == 4 ? net::Family::V4 : net::Family::V6;
    r.action = static_cast<net::RuleAction>(from.action);
    if (from.has_from && !(r.from = load_prefix(from.family, from.from, from.from_len))) return std::nullopt;
    if (from.has_to && !(r.to = load_prefix(from.family, from.to, from.to_len))) return std::nullopt;
    if (from.has_fwmark) r.fwmark = from.fwmark;
    if (from.has_fwmask) r.fwmask = from.fwmask;
    r.table = from.table;
    r.priority = from.priority;
    r.iif = load_name(from.iif);
    r.oif = load_name(from.oif);
    return r;
}

}  // namespace vigil::supervisor
