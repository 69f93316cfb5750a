// SPDX-License-Identifier: Apache-2.0
#include "vrrp/packet.h"

#include <algorithm>
#include <cstring>

namespace vigil::vrrp {
namespace {

constexpr size_t kHeaderSize = 8;
constexpr size_t kV2AuthSize = 8;

std::vector<uint8_t> pseudo_header(const net::IpAddress& src, const net::IpAddress& dst, size_t length) {
    std::vector<uint8_t> p;
    if (src.family() == net::Family::V4) {
        p.insert(p.end(), src.bytes().begin(), src.bytes().begin() + 4);
        p.insert(p.end(), dst.bytes().begin(), dst.bytes().begin() + 4);
        p.push_back(0);
        p.push_back(kIpProtocol);
        p.push_back(static_cast<uint8_t>(length >> 8));
        p.push_back(static_cast<uint8_t>(length));
    } else {
        p.insert(p.end(), src.bytes().begin(), src.bytes().end());
        p.insert(p.end(), dst.bytes().begin(), dst.bytes().end());
        for (int shift : {24, 16, 8, 0}) p.push_back(static_cast<uint8_t>(length >> shift));
        p.insert(p.end(), {0, 0, 0, kIpProtocol});
    }
    return p;
}

uint16_t message_checksum(std::span<const uint8_t> message, uint8_t version, const net::IpAddress& src,
                          const net::IpAddress& dst, Checksum variant) {
    bool with_pseudo = version == 3 && (src.family() == net::Family::V6 || variant == Checksum::PseudoHeader);
    if (!with_pseudo) return internet_checksum({message});
    auto pseudo = pseudo_header(src, dst, message.size());
    return internet_checksum({pseudo, message});
}

}  // namespace

net::IpAddress multicast_group(net::Family family) {
    return *net::IpAddress::parse(family == net::Family::V4 ? "224.0.0.18" : "ff02::12");
}

uint16_t internet_checksum(std::initializer_list<std::span<const uint8_t>> parts) {
    uint32_t sum = 0;
    bool odd = false;  // the next byte is the low half of a 16-bit word
    for (auto part : parts)
        for (uint8_t b : part) {
            sum += odd ? b : static_cast<uint32_t>(b) << 8;
            odd = !odd;
        }
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

std::array<uint8_t, 8> pass_auth_data(std::string_view password) {
    std::array<uint8_t, 8> data{};
    std::memcpy(data.data(), password.data(), std::min(password.size(), data.size()));
    return data;
}

std::vector<uint8_t> encode(const Advert& a, const net::IpAddress& src, const net::IpAddress& dst, Checksum checksum) {
    size_t addr_size = src.size();
    std::vector<uint8_t> m(kHeaderSize, 0);
    m[0] = static_cast<uint8_t>(a.version << 4 | kTypeAdvertisement);
    m[1] = a.vrid;
    m[2] = a.priority;
    m[3] = static_cast<uint8_t>(a.addresses.size());
    if (a.version == 2) {
        m[4] = a.auth_type;
        m[5] = static_cast<uint8_t>(a.interval_cs / 100);
    } else {
        m[4] = static_cast<uint8_t>((a.interval_cs >> 8) & 0x0f);
        m[5] = static_cast<uint8_t>(a.interval_cs);
    }
    for (const auto& addr : a.addresses) m.insert(m.end(), addr.bytes().begin(), addr.bytes().begin() + addr_size);
    if (a.version == 2) m.insert(m.end(), a.auth_data.begin(), a.auth_data.end());
    uint16_t sum = message_checksum(m, a.version, src, dst, checksum);
    m[6] = static_cast<uint8_t>(sum >> 8);
    m[7] = static_cast<uint8_t>(sum);
    return m;
}

const char* drop_reason_name(DropReason reason) {
    switch (reason) {
        case DropReason::IpHeader: return "ip_header";
        case DropReason::Ttl: return "ttl";
        case DropReason::Version: return "version";
        case DropReason::Type: return "type";
        case DropReason::Length: return "length";
        case DropReason::Checksum: return "checksum";
        case DropReason::Vrid: return "vrid";
        case DropReason::Auth: return "auth";
        case DropReason::Interval: return "interval";
        case DropReason::NoAddresses: return "no_addresses";
        case DropReason::Family: return "family";
        case DropReason::Destination: return "destination";
        case DropReason::NotAPeer: return "not_a_peer";
    }
    return "?";
}

Ipv4Split split_ipv4(std::span<const uint8_t> d) {
    Ipv4Split out;
    if (d.size() < 20 || (d[0] >> 4) != 4) return out;
    size_t header_len = static_cast<size_t>(d[0] & 0x0f) * 4;
    size_t total_len = static_cast<size_t>(d[2]) << 8 | d[3];
    // The kernel may hand over a total length in host order or the real one;
    // trust only what was actually received.
    if (header_len < 20 || header_len > d.size() || d[9] != kIpProtocol) return out;
    if (total_len < header_len || total_len > d.size()) total_len = d.size();
    Received r;
    r.family = net::Family::V4;
    uint32_t src, dst;
    std::memcpy(&src, &d[12], 4);
    std::memcpy(&dst, &d[16], 4);
    r.src = net::IpAddress::v4(__builtin_bswap32(src));
    r.dst = net::IpAddress::v4(__builtin_bswap32(dst));
    r.ttl = d[8];
    r.message = d.subspan(header_len, total_len - header_len);
    out.packet = r;
    return out;
}

Decoded decode(const Received& p) {
    Decoded out;
    auto fail = [&](DropReason r) {
        out.reason = r;
        return out;
    };
    const auto& m = p.message;
    if (p.dst.is_multicast() && p.ttl != kTtl) return fail(DropReason::Ttl);
    if (m.size() < kHeaderSize) return fail(DropReason::Length);
    uint8_t version = m[0] >> 4;
    if (version != 2 && version != 3) return fail(DropReason::Version);
    if ((m[0] & 0x0f) != kTypeAdvertisement) return fail(DropReason::Type);
    if (version == 2 && p.family != net::Family::V4) return fail(DropReason::Family);
    size_t addr_size = p.family == net::Family::V4 ? 4 : 16;
    size_t count = m[3];
    size_t needed = kHeaderSize + count * addr_size + (version == 2 ? kV2AuthSize : 0);
    if (m.size() < needed) return fail(DropReason::Length);

    if (version == 3 && p.family == net::Family::V4) {
        static const auto group = multicast_group(net::Family::V4);
        if (message_checksum(m, 3, p.src, p.dst, Checksum::PseudoHeader) == 0) out.checksum = Checksum::PseudoHeader;
        else if (message_checksum(m, 3, p.src, p.dst, Checksum::Rfc9568) == 0) out.checksum = Checksum::Rfc9568;
        // keepalived's old_unicast_checksum: a unicast advert summed as if sent to 224.0.0.18.
        else if (!p.dst.is_multicast() && message_checksum(m, 3, p.src, group, Checksum::PseudoHeader) == 0)
            out.checksum = Checksum::PseudoHeader;
        else return fail(DropReason::Checksum);
    } else if (message_checksum(m, version, p.src, p.dst, Checksum::PseudoHeader) != 0) {
        return fail(DropReason::Checksum);
    }
    if (count == 0) return fail(DropReason::NoAddresses);

    Advert a;
    a.version = version;
    a.vrid = m[1];
    a.priority = m[2];
    if (version == 2) {
        a.auth_type = m[4];
        a.interval_cs = static_cast<uint16_t>(m[5] * 100);
        std::memcpy(a.auth_data.data(), &m[kHeaderSize + count * 4], kV2AuthSize);
    } else {
        a.interval_cs = static_cast<uint16_t>((m[4] & 0x0f) << 8 | m[5]);
    }
    for (size_t i = 0; i < count; ++i) {
        const uint8_t* at = &m[kHeaderSize + i * addr_size];
        if (addr_size == 4) {
            uint32_t v;
            std::memcpy(&v, at, 4);
            a.addresses.push_back(net::IpAddress::v4(__builtin_bswap32(v)));
        } else {
            a.addresses.push_back(net::IpAddress::v6(at));
        }
    }
    out.advert = std::move(a);
    return out;
}

std::optional<DropReason> check_for_instance(const Advert& a, const Expectation& e) {
    if (a.version != e.version) return DropReason::Version;
    if (a.version == 2) {
        if (a.auth_type != e.auth_type) return DropReason::Auth;
        if (a.auth_type == kAuthPass && a.auth_data != e.auth_data) return DropReason::Auth;
        if (a.interval_cs != e.interval_cs) return DropReason::Interval;
    }
    return std::nullopt;
}

std::optional<DropReason> check_sender(const Received& p, const Expectation& e) {
    // As keepalived: a unicast instance ignores multicast adverts and the reverse.
    if (p.dst.is_multicast() != e.peers.empty()) return DropReason::Destination;
    // Unicast adverts carry no TTL guarantee: they may come from anywhere
    // routed, so only the peers we were told of may speak (keepalived's
    // check_unicast_src).
    if (!e.check_source || e.peers.empty()) return std::nullopt;
    if (std::find(e.peers.begin(), e.peers.end(), p.src) != e.peers.end()) return std::nullopt;
    // An IPv6 peer sends from its link-local address unless told otherwise
    // (RFC 5798; keepalived and vigil without unicast_src), while configs
    // name its global one. Routers never forward a packet with a link-local
    // source (RFC 4291 2.5.6), so it was sent on this link — all a listed
    // peer would prove. Whatever its hop limit: keepalived sends IPv6
    // unicast adverts with the kernel's default, 64.
    if (p.src.is_link_local()) return std::nullopt;
    return DropReason::NotAPeer;
}

}  // namespace vigil::vrrp
