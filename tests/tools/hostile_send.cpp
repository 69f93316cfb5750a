// SPDX-License-Identifier: Apache-2.0
// hostile_send: the attacker of the hostile-traffic test. Sends VRRP packets
// from a lab host's interface to the VRRP multicast group, each built by
// support/hostile_packets (one receive rule broken, a seeded random stream, or
// a well-formed priority-255 advert), with the TTL / hop limit each one asks
// for. Runs only inside a test's network namespace (`ip netns exec`).
//
//   hostile_send --interface IF --family 4|6 --version 2|3 --vrid N --interval-cs N
//                [--password P] --vip ADDR [--vip ADDR...]
//                (--rule NAME | --random SEED [--first I] | --valid) [--count N]
//
// Prints "sent N", then "drop REASON N" for each reason vigild's receive path
// (support/hostile_packets' receiver_verdict) gives those packets, so a test
// can require exactly those counts; exits 1 if any packet could not be sent.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "support/hostile_packets.h"

using namespace vigil;
using namespace vigil::test::hostile;

namespace {

[[noreturn]] void fail(const std::string& message) {
    std::fprintf(stderr, "hostile_send: %s\n", message.c_str());
    std::exit(1);
}

struct Options {
    std::string interface;
    Target target;
    enum class Mode { None, Rule, Random, Valid } mode = Mode::None;
    Rule rule = Rule::Ttl;
    uint64_t seed = 0;
    uint64_t first = 0;
    uint64_t count = 1;
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string key = argv[i];
        if (i + 1 >= argc && key != "--valid") fail(key + " needs a value");
        auto value = [&] { return std::string(argv[++i]); };
        auto number = [&] { return std::stoull(value()); };
        if (key == "--interface") o.interface = value();
        else if (key == "--family") o.target.family = value() == "6" ? net::Family::V6 : net::Family::V4;
        else if (key == "--version") o.target.version = static_cast<uint8_t>(number());
        else if (key == "--vrid") o.target.vrid = static_cast<uint8_t>(number());
        else if (key == "--interval-cs") o.target.interval_cs = static_cast<uint16_t>(number());
        else if (key == "--password") o.target.password = value();
        else if (key == "--vip") {
            auto vip = net::IpAddress::parse(value());
            if (!vip) fail("bad --vip");
            o.target.vips.push_back(*vip);
        } else if (key == "--rule") {
            auto name = value();
            auto rule = parse_rule(name);
            if (!rule) fail("unknown rule " + name);
            o.mode = Options::Mode::Rule;
            o.rule = *rule;
        } else if (key == "--random") {
            o.mode = Options::Mode::Random;
            o.seed = number();
        } else if (key == "--first") o.first = number();
        else if (key == "--count") o.count = number();
        else if (key == "--valid") o.mode = Options::Mode::Valid;
        else fail("unknown option " + key);
    }
    if (o.interface.empty() || o.mode == Options::Mode::None || o.target.vips.empty())
        fail("usage: --interface IF --vip ADDR (--rule NAME | --random SEED | --valid) ...");
    return o;
}

// The interface's IPv4 address, or its IPv6 link-local one (VRRPv3 over IPv6
// comes from the link-local address).
net::IpAddress source_address(const std::string& interface, net::Family family) {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) fail("getifaddrs: " + std::string(strerror(errno)));
    std::optional<net::IpAddress> found;
    for (auto* a = list; a && !found; a = a->ifa_next) {
        if (!a->ifa_addr || interface != a->ifa_name) continue;
        auto address = net::IpAddress::from_sockaddr(a->ifa_addr);
        if (!address || address->family() != family) continue;
        if (family == net::Family::V6 && !(address->bytes()[0] == 0xfe && (address->bytes()[1] & 0xc0) == 0x80)) continue;
        found = address;
    }
    freeifaddrs(list);
    if (!found) fail("no source address on " + interface);
    return *found;
}

template <typename T>
void set(int fd, int level, int name, T value, const char* what) {
    if (setsockopt(fd, level, name, &value, sizeof value) != 0) fail(std::string(what) + ": " + strerror(errno));
}

class Sender {
public:
    Sender(const std::string& interface, const Target& target) : target_(target), ifindex_(if_nametoindex(interface.c_str())) {
        if (ifindex_ == 0) fail("no interface " + interface);
        bool v4 = target.family == net::Family::V4;
        fd_ = socket(v4 ? AF_INET : AF_INET6, SOCK_RAW | SOCK_CLOEXEC, vrrp::kIpProtocol);
        if (fd_ < 0) fail("raw socket: " + std::string(strerror(errno)));
        if (setsockopt(fd_, SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(), static_cast<socklen_t>(interface.size())) != 0)
            fail("SO_BINDTODEVICE: " + std::string(strerror(errno)));
        if (v4) {
            // We write the IP header, so any TTL goes out as it is.
            ip_mreqn mreq{};
            mreq.imr_ifindex = static_cast<int>(ifindex_);
            set(fd_, IPPROTO_IP, IP_HDRINCL, 1, "IP_HDRINCL");
            set(fd_, IPPROTO_IP, IP_MULTICAST_IF, mreq, "IP_MULTICAST_IF");
        } else {
            // The hop limit goes per packet as ancillary data; the checksum is
            // ours (raw sockets other than ICMPv6 leave it alone by default),
            // so a wrong one goes out wrong. Bound to the link-local source
            // the pseudo-header names.
            set(fd_, IPPROTO_IPV6, IPV6_MULTICAST_IF, static_cast<int>(ifindex_), "IPV6_MULTICAST_IF");
            sockaddr_in6 self{};
            self.sin6_family = AF_INET6;
            std::memcpy(&self.sin6_addr, target.src.bytes().data(), 16);
            self.sin6_scope_id = ifindex_;
            if (bind(fd_, reinterpret_cast<sockaddr*>(&self), sizeof self) != 0) fail("bind: " + std::string(strerror(errno)));
        }
    }
    ~Sender() { close(fd_); }

    bool send(const Packet& p) { return target_.family == net::Family::V4 ? send_v4(p) : send_v6(p); }

private:
    bool send_v4(const Packet& p) {
        std::vector<uint8_t> datagram(sizeof(iphdr));
        iphdr ip{};
        ip.version = 4;
        ip.ihl = 5;
        ip.tos = 0xc0;
        ip.ttl = static_cast<uint8_t>(p.ttl);
        ip.protocol = vrrp::kIpProtocol;  // the kernel fills in length, id and header checksum
        std::memcpy(&ip.saddr, target_.src.bytes().data(), 4);
        std::memcpy(&ip.daddr, target_.dst.bytes().data(), 4);
        std::memcpy(datagram.data(), &ip, sizeof ip);
        datagram.insert(datagram.end(), p.message.begin(), p.message.end());
        sockaddr_in to{};
        to.sin_family = AF_INET;
        std::memcpy(&to.sin_addr, target_.dst.bytes().data(), 4);
        return sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
               static_cast<ssize_t>(datagram.size());
    }

    bool send_v6(const Packet& p) {
        sockaddr_in6 to{};
        to.sin6_family = AF_INET6;
        std::memcpy(&to.sin6_addr, target_.dst.bytes().data(), 16);
        to.sin6_scope_id = ifindex_;
        iovec iov{const_cast<uint8_t*>(p.message.data()), p.message.size()};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
        msghdr msg{};
        msg.msg_name = &to;
        msg.msg_namelen = sizeof to;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = IPPROTO_IPV6;
        c->cmsg_type = IPV6_HOPLIMIT;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        int hops = p.ttl;
        std::memcpy(CMSG_DATA(c), &hops, sizeof hops);
        return sendmsg(fd_, &msg, 0) == static_cast<ssize_t>(p.message.size());
    }

    Target target_;
    unsigned ifindex_;
    int fd_ = -1;
};

}  // namespace

int main(int argc, char** argv) {
    auto o = parse(argc, argv);
    o.target.src = source_address(o.interface, o.target.family);
    o.target.dst = vrrp::multicast_group(o.target.family);
    Sender sender(o.interface, o.target);
    std::mt19937_64 rng(o.seed ^ static_cast<uint64_t>(o.rule));
    uint64_t sent = 0;
    std::map<std::string, uint64_t> drops;
    auto report = [&] {
        std::printf("sent %llu\n", (unsigned long long)sent);
        for (const auto& [reason, n] : drops) std::printf("drop %s %llu\n", reason.c_str(), (unsigned long long)n);
    };
    for (uint64_t i = 0; i < o.count; ++i) {
        Packet p = o.mode == Options::Mode::Valid  ? valid_advert(o.target)
                   : o.mode == Options::Mode::Rule ? break_one(o.target, o.rule, rng)
                                                   : random_packet(o.target, o.seed, o.first + i);
        if (o.mode != Options::Mode::Valid && acceptable(o.target, p))
            fail("packet " + std::to_string(o.first + i) + " breaks no rule: a generator bug");
        if (!sender.send(p)) {
            std::fprintf(stderr, "hostile_send: send of packet %llu (%zu bytes, ttl %d): %s\n", (unsigned long long)(o.first + i),
                         p.message.size(), p.ttl, strerror(errno));
            report();
            return 1;
        }
        ++sent;
        if (auto reason = receiver_verdict(o.target, p)) ++drops[vrrp::drop_reason_name(*reason)];
    }
    report();
    return 0;
}
