// SPDX-License-Identifier: Apache-2.0
// Fuzz target: a VRRP advert as it arrives, from its IP header on (both
// families; the destination in the header makes it multicast or unicast).
// IPv4 goes through split_ipv4 as the raw socket delivers it; for IPv6 the
// kernel strips the header and hands over its fields, which this target reads
// from the 40 bytes the input starts with. Then decode, check_for_instance
// against a few instances, and one property: what decode accepts, encode
// gives back and decode accepts again as the same advert.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "vrrp/packet.h"

using namespace vigil;
using namespace vigil::vrrp;

namespace {

std::optional<Received> received_ipv6(std::span<const uint8_t> packet) {
    if (packet.size() < 40) return std::nullopt;
    Received r;
    r.family = net::Family::V6;
    r.ttl = packet[7];
    r.src = net::IpAddress::v6(&packet[8]);
    r.dst = net::IpAddress::v6(&packet[24]);
    r.message = packet.subspan(40);
    return r;
}

void check_round_trip(const Received& packet, const Decoded& decoded) {
    const Advert& a = *decoded.advert;
    auto again_bytes = encode(a, packet.src, packet.dst, decoded.checksum);
    Received again = packet;
    again.message = again_bytes;
    auto redecoded = decode(again);
    if (!redecoded.advert) abort();  // encode wrote what decode drops
    const Advert& b = *redecoded.advert;
    if (b.version != a.version || b.vrid != a.vrid || b.priority != a.priority || b.interval_cs != a.interval_cs ||
        b.auth_type != a.auth_type || b.auth_data != a.auth_data || b.addresses != a.addresses)
        abort();  // the fields did not survive encode + decode
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::span<const uint8_t> input(data, size);
    std::optional<Received> packet;
    if (size > 0 && (data[0] >> 4) == 6) {
        packet = received_ipv6(input);
    } else {
        auto split = split_ipv4(input);
        packet = split.packet;
    }
    if (!packet) return 0;
    auto decoded = decode(*packet);
    if (!decoded.advert) {
        if (drop_reason_name(decoded.reason)[0] == '?') abort();  // every drop has a counter name
        return 0;
    }
    static const Expectation expectations[] = {
        {3, 100, kAuthNone, {}, {}, true},
        {2, 100, kAuthNone, {}, {*net::IpAddress::parse("192.0.2.1")}, true},
        {2, 100, kAuthPass, pass_auth_data("secret"), {*net::IpAddress::parse("2001:db8::1")}, false},
        {2, 300, kAuthPass, pass_auth_data("longpassword"), {}, true},
    };
    for (const auto& e : expectations) {
        auto reason = check_for_instance(*decoded.advert, e);
        if (reason && drop_reason_name(*reason)[0] == '?') abort();
        reason = check_sender(*packet, e);
        if (reason && drop_reason_name(*reason)[0] == '?') abort();
    }
    check_round_trip(*packet, decoded);
    return 0;
}
