// SPDX-License-Identifier: Apache-2.0
#include "net/announcer.h"

#include "net/send_ipv6.h"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "log/logger.h"

namespace vigil::net {

std::array<uint8_t, 28> gratuitous_arp(const std::array<uint8_t, 6>& mac, const IpAddress& vip) {
    std::array<uint8_t, 28> p{};
    p[0] = 0x00, p[1] = 0x01;  // hardware: Ethernet
    p[2] = 0x08, p[3] = 0x00;  // protocol: IPv4
    p[4] = 6, p[5] = 4;
    p[6] = 0x00, p[7] = 0x01;  // request
    std::memcpy(&p[8], mac.data(), 6);
    std::memcpy(&p[14], vip.bytes().data(), 4);
    std::memset(&p[18], 0xff, 6);
    std::memcpy(&p[24], vip.bytes().data(), 4);
    return p;
}

std::array<uint8_t, 32> unsolicited_na(const std::array<uint8_t, 6>& mac, const IpAddress& vip) {
    std::array<uint8_t, 32> p{};
    p[0] = ND_NEIGHBOR_ADVERT;  // type 136, code 0; the kernel fills the checksum
    p[4] = 0x20;                // flags: override
    std::memcpy(&p[8], vip.bytes().data(), 16);
    p[24] = ND_OPT_TARGET_LINKADDR;
    p[25] = 1;  // length in units of 8 bytes
    std::memcpy(&p[26], mac.data(), 6);
    return p;
}

Announcer::Announcer() {
    arp_fd_ = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP));
    icmp6_fd_ = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
    if (icmp6_fd_ >= 0) {
        int hops = 255;
        setsockopt(icmp6_fd_, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops);
        setsockopt(icmp6_fd_, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof hops);
        // Never read from: an empty filter keeps its receive queue empty.
        icmp6_filter filter;
        ICMP6_FILTER_SETBLOCKALL(&filter);
        setsockopt(icmp6_fd_, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter);
    }
}

Announcer::~Announcer() {
    if (arp_fd_ >= 0) close(arp_fd_);
    if (icmp6_fd_ >= 0) close(icmp6_fd_);
}

std::string Announcer::send_now(int ifindex, const std::array<uint8_t, 6>& mac, const IpAddress& vip, AnnounceCounts* counts) {
    bool v4 = vip.family() == Family::V4;
    auto problem = v4 ? arp(ifindex, mac, vip) : neighbour_advert(ifindex, mac, vip);
    if (!counts) return problem;
    if (!problem.empty()) ++counts->failed;
    else if (v4) ++counts->arps_sent;
    else ++counts->nas_sent;
    return problem;
}

Announcer::Lane::~Lane() {
    if (timer) event_free(timer);
}

void Announcer::set_pacing(event_base* base, std::chrono::microseconds arp_gap, std::chrono::microseconds na_gap) {
    base_ = base;
    arp_gap_ = arp_gap;
    na_gap_ = na_gap;
    // Queued messages keep their lane; a gap now 0 sends them at the next turn.
    for (auto& [key, lane] : lanes_) lane->gap = key.second == Family::V4 ? arp_gap_ : na_gap_;
}

size_t Announcer::queued() const {
    size_t n = 0;
    for (const auto& [key, lane] : lanes_) n += lane->queue.size();
    return n;
}

void Announcer::forget(int ifindex, const IpAddress& vip) {
    auto it = lanes_.find({ifindex, vip.family()});
    if (it == lanes_.end()) return;
    auto& queue = it->second->queue;
    queue.erase(std::remove_if(queue.begin(), queue.end(), [&](const Pending& p) { return p.vip == vip; }), queue.end());
}

std::string Announcer::announce(int ifindex, const std::array<uint8_t, 6>& mac, const IpAddress& vip,
                                const std::shared_ptr<AnnounceCounts>& counts) {
    auto gap = vip.family() == Family::V4 ? arp_gap_ : na_gap_;
    auto key = std::make_pair(ifindex, vip.family());
    auto found = lanes_.find(key);
    if ((gap.count() <= 0 || !base_) && (found == lanes_.end() || found->second->queue.empty()))
        return send_now(ifindex, mac, vip, counts.get());
    auto& lane = lanes_[key];
    if (!lane) {
        lane = std::make_unique<Lane>();
        lane->owner = this;
        lane->ifindex = ifindex;
        lane->gap = gap;
        lane->timer = evtimer_new(base_, on_lane_timer, lane.get());
    }
    auto now = std::chrono::steady_clock::now();
    if (lane->queue.empty() && now >= lane->next_free) {
        lane->next_free = now + lane->gap;
        return send_now(ifindex, mac, vip, counts.get());
    }
    if (lane->queue.size() >= kMaxQueued) lane->queue.pop_front();
    lane->queue.push_back({mac, vip, counts});
    if (!evtimer_pending(lane->timer, nullptr)) {
        auto wait = std::chrono::duration_cast<std::chrono::microseconds>(lane->next_free - now);
        if (wait.count() < 0) wait = {};
        timeval tv{static_cast<time_t>(wait.count() / 1'000'000), static_cast<suseconds_t>(wait.count() % 1'000'000)};
        evtimer_add(lane->timer, &tv);
    }
    return "";
}

void Announcer::on_lane_timer(int, short, void* arg) {
    auto* lane = static_cast<Lane*>(arg);
    lane->owner->drain(*lane);
}

void Announcer::drain(Lane& lane) {
    if (lane.queue.empty()) return;
    auto next = lane.queue.front();
    lane.queue.pop_front();
    auto counts = next.counts.lock();
    auto problem = send_now(lane.ifindex, next.mac, next.vip, counts.get());
    if (!problem.empty()) VLOG_WARNING("announcing %s: %s", next.vip.str().c_str(), problem.c_str());
    auto now = std::chrono::steady_clock::now();
    lane.next_free = now + lane.gap;
    if (lane.queue.empty()) return;
    auto gap = lane.gap;
    timeval tv{static_cast<time_t>(gap.count() / 1'000'000), static_cast<suseconds_t>(gap.count() % 1'000'000)};
    evtimer_add(lane.timer, &tv);
}

std::string Announcer::arp(int ifindex, const std::array<uint8_t, 6>& mac, const IpAddress& vip) {
    if (arp_fd_ < 0) return "no packet socket";
    auto packet = gratuitous_arp(mac, vip);
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ETH_P_ARP);
    to.sll_ifindex = ifindex;
    to.sll_halen = 6;
    std::memset(to.sll_addr, 0xff, 6);
    if (sendto(arp_fd_, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0)
        return std::string("gratuitous ARP: ") + strerror(errno);
    return "";
}

std::string Announcer::neighbour_advert(int ifindex, const std::array<uint8_t, 6>& mac, const IpAddress& vip) {
    if (icmp6_fd_ < 0) return "no ICMPv6 socket";
    auto packet = unsolicited_na(mac, vip);
    // From the VIP itself, to all nodes.
    static const auto all_nodes = *IpAddress::parse("ff02::1");
    if (auto problem = send_ipv6(icmp6_fd_, packet, vip, all_nodes, ifindex); !problem.empty())
        return "neighbour advertisement: " + problem;
    return "";
}

}  // namespace vigil::net
