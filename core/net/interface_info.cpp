// SPDX-License-Identifier: Apache-2.0
#include "net/interface_info.h"

#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace vigil::net {

bool InterfaceInfo::has(const IpAddress& address) const {
    return std::any_of(addresses.begin(), addresses.end(), [&](const IpPrefix& p) { return p.address == address; });
}

std::optional<IpAddress> InterfaceInfo::primary(Family family, const std::vector<IpAddress>& exclude) const {
    for (const auto& p : addresses) {
        const auto& a = p.address;
        if (a.family() != family || std::find(exclude.begin(), exclude.end(), a) != exclude.end()) continue;
        if (family == Family::V6 && !(a.bytes()[0] == 0xfe && (a.bytes()[1] & 0xc0) == 0x80)) continue;
        return a;
    }
    return std::nullopt;
}

InterfaceInfo read_interface(const std::string& name) {
    InterfaceInfo info;
    info.index = static_cast<int>(if_nametoindex(name.c_str()));
    if (info.index == 0) return info;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        ifreq req{};
        std::strncpy(req.ifr_name, name.c_str(), IFNAMSIZ - 1);
        if (ioctl(fd, SIOCGIFFLAGS, &req) == 0) {
            info.up = req.ifr_flags & IFF_UP;
            info.running = req.ifr_flags & IFF_RUNNING;
        }
        if (ioctl(fd, SIOCGIFHWADDR, &req) == 0) std::memcpy(info.mac.data(), req.ifr_hwaddr.sa_data, 6);
        close(fd);
    }
    // By index through rtnetlink: getifaddrs() names a labelled IPv4 address
    // by its label ("vip1"), which need not even start with the interface name.
    nl_sock* sock = nl_socket_alloc();
    nl_cache* cache = nullptr;
    if (sock && nl_connect(sock, NETLINK_ROUTE) == 0 && rtnl_addr_alloc_cache(sock, &cache) == 0) {
        for (nl_object* obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
            auto* addr = reinterpret_cast<rtnl_addr*>(obj);
            if (rtnl_addr_get_ifindex(addr) != info.index) continue;
            nl_addr* local = rtnl_addr_get_local(addr);
            if (!local) continue;
            int family = nl_addr_get_family(local);
            const auto* bytes = static_cast<const uint8_t*>(nl_addr_get_binary_addr(local));
            if (family == AF_INET && nl_addr_get_len(local) == 4)
                info.addresses.push_back({IpAddress::v4(uint32_t(bytes[0]) << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]),
                                          rtnl_addr_get_prefixlen(addr)});
            else if (family == AF_INET6 && nl_addr_get_len(local) == 16)
                info.addresses.push_back({IpAddress::v6(bytes), rtnl_addr_get_prefixlen(addr)});
        }
    }
    if (cache) nl_cache_free(cache);
    if (sock) nl_socket_free(sock);
    return info;
}

}  // namespace vigil::net
