/* SPDX-License-Identifier: Apache-2.0 */
// IP addresses and prefixes as the config and the VRRP engine see them.
// Pure value types: parsing and formatting only, no I/O.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::net {

enum class Family { V4, V6 };

const char* family_name(Family f);

class IpAddress {
public:
    static std::optional<IpAddress> parse(std::string_view text);
    static IpAddress v4(uint32_t host_order);
    static IpAddress v6(const uint8_t bytes[16]);
    // From a sockaddr_in / sockaddr_in6 (nullopt for other families).
    static std::optional<IpAddress> from_sockaddr(const void* sa);

    Family family() const { return family_; }
    // Network-order bytes; only the first 4 are used for IPv4.
    const std::array<uint8_t, 16>& bytes() const { return bytes_; }
    size_t size() const { return family_ == Family::V4 ? 4 : 16; }
    std::string str() const;

    bool is_multicast() const;
    bool is_unspecified() const;
    bool is_broadcast() const;  // 255.255.255.255
    bool is_link_local() const;  // IPv6 fe80::/10 (unique only on its link)

    friend bool operator==(const IpAddress&, const IpAddress&) = default;
    friend auto operator<=>(const IpAddress&, const IpAddress&) = default;

private:
    Family family_ = Family::V4;
    std::array<uint8_t, 16> bytes_{};
};

struct IpPrefix {
    IpAddress address;
    int length = 0;

    // "ADDR/LEN"; a bare "ADDR" means a host prefix (/32 or /128).
    static std::optional<IpPrefix> parse(std::string_view text);
    std::string str() const;

    friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
};

// "ADDR:PORT" or "[V6ADDR]:PORT".
struct SocketAddress {
    IpAddress address;
    uint16_t port = 0;

    static std::optional<SocketAddress> parse(std::string_view text);
    std::string str() const;
};

}  // namespace vigil::net
