/* SPDX-License-Identifier: Apache-2.0 */
// A raw IPPROTO_VRRP socket bound to one interface and family: multicast
// membership (224.0.0.18 / ff02::12), TTL / hop limit 255, DSCP CS6 like
// keepalived, our own multicast not looped back. Shared by every instance on
// that interface; the caller dispatches by VRID.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "net/address.h"
#include "vrrp/packet.h"

namespace vigil::net {

class VrrpSocket {
public:
    // nullptr and `error` set when the socket cannot be made (not root, no such interface).
    static std::unique_ptr<VrrpSocket> open(Family family, const std::string& ifname, int ifindex, std::string& error);
    ~VrrpSocket();
    VrrpSocket(const VrrpSocket&) = delete;
    VrrpSocket& operator=(const VrrpSocket&) = delete;

    int fd() const { return fd_; }
    Family family() const { return family_; }

    // Sends one VRRP message from `src` to `dst`; "" or why not.
    std::string send(std::span<const uint8_t> message, const IpAddress& src, const IpAddress& dst);

    enum class Read { Nothing, Packet, Malformed };
    // Reads one datagram into `buffer`; on Packet, `out.message` points into it.
    Read receive(std::vector<uint8_t>& buffer, vrrp::Received& out);

private:
    VrrpSocket(int fd, Family family, int ifindex) : fd_(fd), family_(family), ifindex_(ifindex) {}
    std::string send_v4(std::span<const uint8_t> message, const IpAddress& src, const IpAddress& dst);
    std::string send_v6(std::span<const uint8_t> message, const IpAddress& src, const IpAddress& dst);

    int fd_;
    Family family_;
    int ifindex_;
};

}  // namespace vigil::net
