// SPDX-License-Identifier: Apache-2.0
#include "net/address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

namespace vigil::net {

const char* family_name(Family f) { return f == Family::V4 ? "IPv4" : "IPv6"; }

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    char buf[INET6_ADDRSTRLEN];
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    IpAddress a;
    if (inet_pton(AF_INET, buf, a.bytes_.data()) == 1) {
        a.family_ = Family::V4;
        return a;
    }
    if (inet_pton(AF_INET6, buf, a.bytes_.data()) == 1) {
        a.family_ = Family::V6;
        return a;
    }
    return std::nullopt;
}

IpAddress IpAddress::v4(uint32_t host_order) {
    IpAddress a;
    uint32_t n = htonl(host_order);
    std::memcpy(a.bytes_.data(), &n, 4);
    return a;
}

IpAddress IpAddress::v6(const uint8_t bytes[16]) {
    IpAddress a;
    a.family_ = Family::V6;
    std::memcpy(a.bytes_.data(), bytes, 16);
    return a;
}

std::optional<IpAddress> IpAddress::from_sockaddr(const void* sa) {
    const auto* generic = static_cast<const sockaddr*>(sa);
    if (generic->sa_family == AF_INET) {
        const auto* in = static_cast<const sockaddr_in*>(sa);
        return v4(ntohl(in->sin_addr.s_addr));
    }
    if (generic->sa_family == AF_INET6) {
        const auto* in6 = static_cast<const sockaddr_in6*>(sa);
        return v6(in6->sin6_addr.s6_addr);
    }
    return std::nullopt;
}

std::string IpAddress::str() const {
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(family_ == Family::V4 ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
    return buf;
}

bool IpAddress::is_multicast() const {
    return family_ == Family::V4 ? (bytes_[0] & 0xf0) == 0xe0 : bytes_[0] == 0xff;
}

bool IpAddress::is_broadcast() const {
    return family_ == Family::V4 && bytes_[0] == 255 && bytes_[1] == 255 && bytes_[2] == 255 && bytes_[3] == 255;
}

bool IpAddress::is_link_local() const { return family_ == Family::V6 && bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80; }

bool IpAddress::is_unspecified() const {
    for (size_t i = 0; i < size(); ++i)
        if (bytes_[i] != 0) return false;
    return true;
}

std::optional<IpPrefix> IpPrefix::parse(std::string_view text) {
    auto slash = text.find('/');
    auto addr = IpAddress::parse(text.substr(0, slash));
    if (!addr) return std::nullopt;
    int max = addr->family() == Family::V4 ? 32 : 128;
    if (slash == std::string_view::npos) return IpPrefix{*addr, max};
    auto len_text = text.substr(slash + 1);
    int len = -1;
    auto [end, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
    if (ec != std::errc{} || end != len_text.data() + len_text.size() || len_text.empty() ||
        len < 0 || len > max)
        return std::nullopt;
    return IpPrefix{*addr, len};
}

std::string IpPrefix::str() const { return address.str() + "/" + std::to_string(length); }

std::optional<SocketAddress> SocketAddress::parse(std::string_view text) {
    std::string_view host, port;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return std::nullopt;
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string_view::npos) return std::nullopt;
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) return std::nullopt;  // bare IPv6 needs []
    }
    auto addr = IpAddress::parse(host);
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (!addr || port.empty() || ec != std::errc{} || end != port.data() + port.size() || p == 0 ||
        p > 65535)
        return std::nullopt;
    return SocketAddress{*addr, static_cast<uint16_t>(p)};
}

std::string SocketAddress::str() const {
    auto a = address.str();
    if (address.family() == Family::V6) a = "[" + a + "]";
    return a + ":" + std::to_string(port);
}

}  // namespace vigil::net
