#include "supervisor/resign.h"

#include <map>
#include <memory>

#include "net/vrrp_socket.h"
#include "vrrp/packet.h"

namespace vigil::supervisor {
namespace {

net::IpAddress address(uint8_t family, const uint8_t* bytes) {
    if (family == 6) return net::IpAddress::v6(bytes);
    return net::IpAddress::v4(static_cast<uint32_t>(bytes[0]) << 24 | static_cast<uint32_t>(bytes[1]) << 16 |
                              static_cast<uint32_t>(bytes[2]) << 8 | bytes[3]);
}

vrrp::Advert resign_advert(const HeldInstance& h) {
    vrrp::Advert a;
    a.version = h.version;
    a.vrid = h.vrid;
    a.priority = 0;
    a.interval_cs = h.interval_cs;
    a.auth_type = h.auth_type;
    std::copy(std::begin(h.auth_data), std::end(h.auth_data), a.auth_data.begin());
    for (size_t i = 0; i < h.address_count; ++i) a.addresses.push_back(address(h.family, h.addresses[i]));
    return a;
}

void send_resign(const HeldInstance& h, Resignation& out) {
    if (!h.has_src) {
        out.problems.push_back("no source address to send priority 0 from");
        return;
    }
    std::string error;
    auto family = h.family == 4 ? net::Family::V4 : net::Family::V6;
    auto socket = net::VrrpSocket::open(family, h.ifname, h.ifindex, error);
    if (!socket) {
        out.problems.push_back("no VRRP socket on " + std::string(h.ifname) + ": " + error);
        return;
    }
    auto advert = resign_advert(h);
    auto src = address(h.family, h.src);
    auto checksum = static_cast<vrrp::Checksum>(h.checksum);
    for (size_t i = 0; i < h.destination_count; ++i) {
        auto dst = address(h.family, h.destinations[i]);
        auto problem = socket->send(vrrp::encode(advert, src, dst, checksum), src, dst);
        if (problem.empty()) ++out.adverts_sent;
        else out.problems.push_back("priority 0 to " + dst.str() + ": " + problem);
    }
}

}  // namespace

std::vector<Resignation> Resigner::resign(const SharedState& shared, std::set<std::string>& done) {
    std::vector<Resignation> out;
    for (const auto& slot : shared.held) {
        uint32_t current = slot.current.load(std::memory_order_acquire);
        if (current != 1 && current != 2) continue;
        const auto& h = slot.buffer[current - 1];
        if (!done.insert(h.name).second) continue;
        Resignation r;
        r.instance = h.name;
        // The VIPs first: once the backup hears priority 0 it may add them
        // after its skew time, and two hosts must never hold them at once.
        for (size_t i = 0; i < h.vip_count; ++i) {
            const auto& v = h.vips[i];
            net::IpPrefix prefix{address(v.family, v.bytes), v.prefix_len};
            auto problem = addresses_.remove(v.ifindex, prefix);
            if (problem.empty()) ++r.vips_removed;
            else r.problems.push_back("cannot remove " + prefix.str() + ": " + problem);
        }
        send_resign(h, r);
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace vigil::supervisor
