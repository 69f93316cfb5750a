#include "net/interface_info.h"

#include <ifaddrs.h>
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

namespace {
int prefix_length(const sockaddr* mask) {
    if (!mask) return 0;
    const uint8_t* bytes;
    size_t n;
    if (mask->sa_family == AF_INET) {
        bytes = reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(mask)->sin_addr);
        n = 4;
    } else {
        bytes = reinterpret_cast<const sockaddr_in6*>(mask)->sin6_addr.s6_addr;
        n = 16;
    }
    int len = 0;
    for (size_t i = 0; i < n; ++i) len += __builtin_popcount(bytes[i]);
    return len;
}
}  // namespace

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
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) == 0) {
        for (ifaddrs* it = list; it; it = it->ifa_next) {
            if (!it->ifa_addr || name != it->ifa_name) continue;
            if (auto a = IpAddress::from_sockaddr(it->ifa_addr)) info.addresses.push_back({*a, prefix_length(it->ifa_netmask)});
        }
        freeifaddrs(list);
    }
    return info;
}

}  // namespace vigil::net
