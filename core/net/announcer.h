/* SPDX-License-Identifier: Apache-2.0 */
// Tells the segment where a VIP now lives: gratuitous ARP for IPv4 (an ARP
// request to broadcast with sender = target = VIP, as keepalived sends) and
// an unsolicited neighbour advertisement for IPv6 (to ff02::1, override set).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "net/address.h"

struct event;
struct event_base;

namespace vigil::net {

// What one owner's announcements did, counted as each message leaves (a paced
// one when its turn comes, not when queued; one forgotten is never counted).
struct AnnounceCounts {
    uint64_t arps_sent = 0;
    uint64_t nas_sent = 0;
    uint64_t failed = 0;
};

class Announcer {
public:
    Announcer();
    ~Announcer();
    Announcer(const Announcer&) = delete;
    Announcer& operator=(const Announcer&) = delete;

    // "" or why not. `mac` is the interface's hardware address. With pacing,
    // a message that would follow the last one on its interface sooner than
    // the interval is queued and sent from the loop (its failure logged then).
    // `counts`, when given, is told of each message as it leaves or fails; a
    // queued one whose owner is gone by then is sent uncounted.
    std::string announce(int ifindex, const std::array<uint8_t, 6>& mac, const IpAddress& vip,
                         const std::shared_ptr<AnnounceCounts>& counts = nullptr);

    // keepalived's vrrp_garp_interval / vrrp_gna_interval: the least gap
    // between two gratuitous ARPs (IPv4) or two NAs (IPv6) on one interface,
    // for switches that drop bursts. 0: no pacing (the default).
    void set_pacing(event_base* base, std::chrono::microseconds arp_gap, std::chrono::microseconds na_gap);
    // Messages waiting for their turn (all interfaces).
    size_t queued() const;
    // Drops the queued messages for `vip` on `ifindex`: a host that gave the
    // VIP up must not go on telling the segment it is here.
    void forget(int ifindex, const IpAddress& vip);

    // A lane holds more than this: the oldest are dropped (a refresh sends them again).
    static constexpr size_t kMaxQueued = 4096;

private:
    struct Pending {
        std::array<uint8_t, 6> mac;
        IpAddress vip;
        std::weak_ptr<AnnounceCounts> counts;
    };
    // One interface and family: its queue and when it may send next.
    struct Lane {
        Announcer* owner = nullptr;
        int ifindex = 0;
        std::chrono::microseconds gap{0};
        std::chrono::steady_clock::time_point next_free{};
        std::deque<Pending> queue;
        event* timer = nullptr;
        ~Lane();
    };
    static void on_lane_timer(int, short, void* lane);
    void drain(Lane& lane);
    std::string send_now(int ifindex, const std::array<uint8_t, 6>& mac, const IpAddress& vip, AnnounceCounts* counts);

    std::string arp(int ifindex, const std::array<uint8_t, 6>& mac, const IpAddress& vip);
    std::string neighbour_advert(int ifindex, const std::array<uint8_t, 6>& mac, const IpAddress& vip);

    int arp_fd_ = -1;
    int icmp6_fd_ = -1;
    event_base* base_ = nullptr;
    std::chrono::microseconds arp_gap_{0}, na_gap_{0};
    std::map<std::pair<int, Family>, std::unique_ptr<Lane>> lanes_;
};

// The packets themselves, without I/O (tested byte for byte).
std::array<uint8_t, 28> gratuitous_arp(const std::array<uint8_t, 6>& mac, const IpAddress& vip);
std::array<uint8_t, 32> unsolicited_na(const std::array<uint8_t, 6>& mac, const IpAddress& vip);

}  // namespace vigil::net
