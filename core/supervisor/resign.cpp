// SPDX-License-Identifier: Apache-2.0
#include "supervisor/resign.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "net/vrrp_socket.h"
#include "supervisor/held_routes.h"
#include "vrrp/packet.h"

namespace vigil::supervisor {
namespace {

net::IpAddress address(uint8_t family, const uint8_t* bytes) {
    if (family == 6) return net::IpAddress::v6(bytes);
    return net::IpAddress::v4(static_cast<uint32_t>(bytes[0]) << 24 | static_cast<uint32_t>(bytes[1]) << 16 |
                              static_cast<uint32_t>(bytes[2]) << 8 | bytes[3]);
}

// The worker wrote these, and a plugin in the worker may have scribbled on
// them: every count is clamped and every string bounded before use.
template <size_t N>
std::string text(const char (&field)[N]) {
    return std::string(field, strnlen(field, N));
}

size_t clamped(size_t count, size_t limit) { return std::min(count, limit); }

vrrp::Advert resign_advert(const HeldInstance& h) {
    vrrp::Advert a;
    a.version = h.version;
    a.vrid = h.vrid;
    a.priority = 0;
    a.interval_cs = h.interval_cs;
    a.auth_type = h.auth_type;
    std::copy(std::begin(h.auth_data), std::end(h.auth_data), a.auth_data.begin());
    for (size_t i = 0; i < clamped(h.address_count, kMaxHeldVips); ++i) a.addresses.push_back(address(h.family, h.addresses[i]));
    return a;
}

void send_resign(const HeldInstance& h, Resignation& out) {
    if (!h.has_src) {
        out.problems.push_back("no source address to send priority 0 from");
        return;
    }
    std::string error;
    auto family = h.family == 4 ? net::Family::V4 : net::Family::V6;
    auto ifname = text(h.ifname);
    auto socket = net::VrrpSocket::open(family, ifname, h.ifindex, error);
    if (!socket) {
        out.problems.push_back("no VRRP socket on " + ifname + ": " + error);
        return;
    }
    auto advert = resign_advert(h);
    auto src = address(h.family, h.src);
    auto checksum = h.checksum == static_cast<uint8_t>(vrrp::Checksum::Rfc9568) ? vrrp::Checksum::Rfc9568 : vrrp::Checksum::PseudoHeader;
    for (size_t i = 0; i < clamped(h.destination_count, kMaxDestinations); ++i) {
        auto dst = address(h.family, h.destinations[i]);
        auto problem = socket->send(vrrp::encode(advert, src, dst, checksum), src, dst);
        if (problem.empty()) ++out.adverts_sent;
        else out.problems.push_back("priority 0 to " + dst.str() + ": " + problem);
    }
}

}  // namespace

std::vector<Resignation> Resigner::resign(const SharedState& shared, std::set<std::string>& done) {
    std::vector<Resignation> out;
    for (size_t slot = 0; slot < kMaxHeld; ++slot) {
        uint32_t current = shared.held_current[slot].load(std::memory_order_acquire);
        if (current != 1 && current != 2) continue;
        const auto& h = shared.held[slot].buffer[current - 1];
        Resignation r;
        r.instance = text(h.name);
        r.anycast = h.kind == kHeldAnycast;
        r.owner = h.owner && !r.anycast;
        if (r.anycast) r.prefixes = static_cast<int>(clamped(h.vip_count, kMaxHeldVips) + clamped(h.route_count, kMaxHeldRoutes));
        // Rules and routes first (a route may use a VIP as its source), as
        // the worker removes them.
        for (size_t i = 0; i < clamped(h.rule_count, kMaxHeldRules); ++i) {
            auto rule = load_rule(h.rules[i]);
            if (!rule) continue;
            auto problem = routes_.remove(*rule);
            if (problem.empty()) ++r.routes_removed;
            else r.problems.push_back("cannot remove rule " + rule->str() + ": " + problem);
        }
        for (size_t i = 0; i < clamped(h.route_count, kMaxHeldRoutes); ++i) {
            auto route = load_route(h.routes[i]);
            if (!route) continue;
            auto problem = routes_.remove(*route);
            if (problem.empty()) ++r.routes_removed;
            else r.problems.push_back("cannot remove route " + route->str() + ": " + problem);
        }
        // The VIPs before priority 0: once the backup hears it, it may add them
        // after its skew time, and two hosts must never hold them at once.
        for (size_t i = 0; i < clamped(h.vip_count, kMaxHeldVips); ++i) {
            const auto& v = h.vips[i];
            if (v.family != 4 && v.family != 6) continue;
            net::IpPrefix prefix{address(v.family, v.bytes), std::min<int>(v.prefix_len, v.family == 4 ? 32 : 128)};
            auto problem = addresses_.remove(v.ifindex, prefix);
            if (problem.empty()) ++r.vips_removed;
            else r.problems.push_back("cannot remove " + prefix.str() + ": " + problem);
        }
        if (!done.insert(std::to_string(slot) + " " + r.instance).second) continue;
        // An owner's addresses stay (they are its own): a peer taking over
        // would hold them too. The next worker reclaims the role at once.
        // An anycast has no peer to tell: removing its prefixes withdrew them.
        if (!r.owner && !r.anycast) send_resign(h, r);
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace vigil::supervisor
