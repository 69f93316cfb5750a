// Tells the segment where a VIP now lives: gratuitous ARP for IPv4 (an ARP
// request to broadcast with sender = target = VIP, as keepalived sends) and
// an unsolicited neighbour advertisement for IPv6 (to ff02::1, override set).
#pragma once

#include <array>
#include <string>

#include "net/address.h"

namespace vigil::net {

class Announcer {
public:
    Announcer();
    ~Announcer();
    Announcer(const Announcer&) = delete;
    Announcer& operator=(const Announcer&) = delete;

    // "" or why not. `mac` is the interface's hardware address.
    std::string announce(int ifindex, const std::array<uint8_t, 6>& mac, const IpAddress& vip);

private:
    std::string arp(int ifindex, const std::array<uint8_t, 6>& mac, const IpAddress& vip);
    std::string neighbour_advert(int ifindex, const std::array<uint8_t, 6>& mac, const IpAddress& vip);

    int arp_fd_ = -1;
    int icmp6_fd_ = -1;
};

// The packets themselves, without I/O (tested byte for byte).
std::array<uint8_t, 28> gratuitous_arp(const std::array<uint8_t, 6>& mac, const IpAddress& vip);
std::array<uint8_t, 32> unsolicited_na(const std::array<uint8_t, 6>& mac, const IpAddress& vip);

}  // namespace vigil::net
