// SPDX-License-Identifier: Apache-2.0
#include "net/vrrp_socket.h"

#include "net/send_ipv6.h"
#include "vrrp/packet.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vigil::net {
namespace {

constexpr int kTos = 0xc0;  // DSCP CS6, network control (as keepalived)

template <typename T>
bool set(int fd, int level, int name, T value) {
    return setsockopt(fd, level, name, &value, sizeof value) == 0;
}

std::string errno_text(const char* what) { return std::string(what) + ": " + strerror(errno); }

}  // namespace

std::unique_ptr<VrrpSocket> VrrpSocket::open(Family family, const std::string& ifname, int ifindex, std::string& error) {
    int af = family == Family::V4 ? AF_INET : AF_INET6;
    int fd = socket(af, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, vrrp::kIpProtocol);
    if (fd < 0) {
        error = errno_text("raw socket");
        return nullptr;
    }
    std::unique_ptr<VrrpSocket> s(new VrrpSocket(fd, family, ifindex));
    bool ok = setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(), static_cast<socklen_t>(ifname.size())) == 0;
    if (!ok) {
        error = errno_text("SO_BINDTODEVICE");
        return nullptr;
    }
    if (family == Family::V4) {
        ip_mreqn mreq{};
        std::memcpy(&mreq.imr_multiaddr, vrrp::multicast_group(Family::V4).bytes().data(), 4);
        mreq.imr_ifindex = ifindex;
        ok = set(fd, IPPROTO_IP, IP_HDRINCL, 1) && set(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0) &&
             set(fd, IPPROTO_IP, IP_MULTICAST_TTL, 255) && set(fd, IPPROTO_IP, IP_MULTICAST_IF, mreq) &&
             set(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq);
    } else {
        ipv6_mreq mreq{};
        std::memcpy(&mreq.ipv6mr_multiaddr, vrrp::multicast_group(Family::V6).bytes().data(), 16);
        mreq.ipv6mr_interface = static_cast<unsigned>(ifindex);
        ok = set(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0) && set(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255) &&
             set(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255) && set(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex) &&
             set(fd, IPPROTO_IPV6, IPV6_TCLASS, kTos) && set(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) &&
             set(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) && set(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, mreq);
    }
    if (!ok) {
        error = errno_text("socket options");
        return nullptr;
    }
    return s;
}

VrrpSocket::~VrrpSocket() { close(fd_); }

std::string VrrpSocket::send(std::span<const uint8_t> message, const IpAddress& src, const IpAddress& dst) {
    return family_ == Family::V4 ? send_v4(message, src, dst) : send_v6(message, src, dst);
}

std::string VrrpSocket::send_v4(std::span<const uint8_t> message, const IpAddress& src, const IpAddress& dst) {
    // We write the IP header ourselves (IP_HDRINCL) so that the source the
    // checksum's pseudo-header names is the source the packet carries.
    uint8_t packet[20 + 1024];
    if (message.size() > 1024) return "message too long";
    iphdr ip{};
    ip.version = 4;
    ip.ihl = 5;
    ip.tos = kTos;
    ip.tot_len = htons(static_cast<uint16_t>(20 + message.size()));
    ip.ttl = vrrp::kTtl;
    ip.protocol = vrrp::kIpProtocol;
    std::memcpy(&ip.saddr, src.bytes().data(), 4);
    std::memcpy(&ip.daddr, dst.bytes().data(), 4);
    std::memcpy(packet, &ip, 20);
    std::memcpy(packet + 20, message.data(), message.size());
    sockaddr_in to{};
    to.sin_family = AF_INET;
    std::memcpy(&to.sin_addr, dst.bytes().data(), 4);
    if (sendto(fd_, packet, 20 + message.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0)
        return errno_text("sendto");
    return "";
}

std::string VrrpSocket::send_v6(std::span<const uint8_t> message, const IpAddress& src, const IpAddress& dst) {
    return send_ipv6(fd_, message, src, dst, ifindex_);
}

VrrpSocket::Read VrrpSocket::receive(std::vector<uint8_t>& buffer, vrrp::Received& out) {
    buffer.resize(4096);
    sockaddr_storage from{};
    iovec iov{buffer.data(), buffer.size()};
    alignas(cmsghdr) char control[256];
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = recvmsg(fd_, &msg, 0);
    if (n < 0) return Read::Nothing;
    auto data = std::span<const uint8_t>(buffer.data(), static_cast<size_t>(n));
    if (family_ == Family::V4) {
        auto split = vrrp::split_ipv4(data);
        if (!split.packet) return Read::Malformed;
        out = *split.packet;
        return Read::Packet;
    }
    auto src = IpAddress::from_sockaddr(&from);
    if (!src) return Read::Malformed;
    out = {};
    out.family = Family::V6;
    out.src = *src;
    out.ttl = -1;
    bool have_dst = false;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != IPPROTO_IPV6) continue;
        if (c->cmsg_type == IPV6_HOPLIMIT) {
            int hops;
            std::memcpy(&hops, CMSG_DATA(c), sizeof hops);
            out.ttl = hops;
        } else if (c->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            out.dst = IpAddress::v6(info.ipi6_addr.s6_addr);
            have_dst = true;
        }
    }
    if (!have_dst || out.ttl < 0) return Read::Malformed;
    out.message = data;
    return Read::Packet;
}

}  // namespace vigil::net
