/* SPDX-License-Identifier: Apache-2.0 */
// The VRRP advertisement on the wire: VRRPv2 (RFC 3768, with PASS auth) and
// VRRPv3 (RFC 5798 / RFC 9568), IPv4 and IPv6. Pure encode/decode; every way a
// received packet can be wrong is a DropReason the caller counts.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "net/address.h"

namespace vigil::vrrp {

inline constexpr uint8_t kIpProtocol = 112;
inline constexpr uint8_t kTypeAdvertisement = 1;
inline constexpr uint8_t kAuthNone = 0;
inline constexpr uint8_t kAuthPass = 1;  // VRRPv2 simple text password
inline constexpr uint8_t kTtl = 255;

// 224.0.0.18 and ff02::12.
net::IpAddress multicast_group(net::Family family);

struct Advert {
    uint8_t version = 3;
    uint8_t vrid = 0;
    uint8_t priority = 0;
    // The advertisement interval in centiseconds: VRRPv3's 12-bit field as is,
    // VRRPv2's whole seconds × 100.
    uint16_t interval_cs = 100;
    uint8_t auth_type = kAuthNone;        // VRRPv2 only
    std::array<uint8_t, 8> auth_data{};   // VRRPv2 only; PASS: the password, zero-padded
    std::vector<net::IpAddress> addresses;
};

// How the VRRPv3 checksum over IPv4 is computed. IPv6 always includes its
// pseudo-header; VRRPv2 never does.
enum class Checksum {
    PseudoHeader,  // RFC 5798 as keepalived implements it (its default)
    Rfc9568,       // RFC 9568: the VRRP message alone
};

// The VRRP message (no IP header). `src`/`dst` are the IP addresses it will be
// sent with; they enter the checksum wherever a pseudo-header does.
std::vector<uint8_t> encode(const Advert& advert, const net::IpAddress& src, const net::IpAddress& dst,
                            Checksum checksum = Checksum::PseudoHeader);

// PASS auth data: the first 8 characters of the password, zero-padded.
std::array<uint8_t, 8> pass_auth_data(std::string_view password);

enum class DropReason : uint8_t {
    IpHeader,    // malformed or truncated IP header, or not protocol 112
    Ttl,         // multicast advert whose TTL / hop limit is not 255
    Version,     // not VRRPv2/v3, or not the instance's version
    Type,        // not an advertisement
    Length,      // shorter than the header, or than its address count needs
    Checksum,
    Vrid,        // no instance with this VRID on the interface
    Auth,        // VRRPv2 auth type or PASS data differ from ours
    Interval,    // VRRPv2 advert interval differs from ours
    NoAddresses, // address count 0
    Family,      // VRRPv2 over IPv6
    Destination, // multicast advert for a unicast instance, or the reverse
    NotAPeer,    // unicast advert from none of the unicast_peers (nor on-link IPv6 link-local)
};
inline constexpr size_t kDropReasonCount = 13;
const char* drop_reason_name(DropReason reason);

// What arrived, as the socket layer saw it.
struct Received {
    net::Family family = net::Family::V4;
    net::IpAddress src;
    net::IpAddress dst;
    int ttl = 0;  // TTL or hop limit
    std::span<const uint8_t> message;  // the VRRP message
};

// A raw IPv4 socket delivers the IP header too: split it off and check it.
struct Ipv4Split {
    std::optional<Received> packet;
    DropReason reason = DropReason::IpHeader;
};
Ipv4Split split_ipv4(std::span<const uint8_t> datagram);

// Decodes and checks everything that does not depend on an instance: TTL for
// multicast, version, type, length, checksum (either IPv4 v3 variant), count.
struct Decoded {
    std::optional<Advert> advert;
    DropReason reason = DropReason::Length;  // when !advert
    Checksum checksum = Checksum::PseudoHeader;  // which variant matched (IPv4 v3)
};
Decoded decode(const Received& packet);

// What an instance expects of its peers' adverts.
struct Expectation {
    uint8_t version = 3;
    uint16_t interval_cs = 100;
    uint8_t auth_type = kAuthNone;
    std::array<uint8_t, 8> auth_data{};
    // Empty: a multicast instance. Otherwise it takes unicast adverts only,
    // and with `check_source` only from these addresses or from an IPv6
    // link-local address with hop limit 255 (check_unicast_src).
    std::vector<net::IpAddress> peers;
    bool check_source = true;
};

// The checks that depend on the receiving instance (version, auth, v2 interval).
std::optional<DropReason> check_for_instance(const Advert& advert, const Expectation& expected);

// Who sent it, and to where: multicast vs unicast as the instance is, and a
// unicast advert from one of its peers (or, IPv6, from this link's link-local).
std::optional<DropReason> check_sender(const Received& packet, const Expectation& expected);

// The Internet checksum (RFC 1071) over `parts` concatenated.
uint16_t internet_checksum(std::initializer_list<std::span<const uint8_t>> parts);

}  // namespace vigil::vrrp
