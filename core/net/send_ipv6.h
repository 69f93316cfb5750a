/* SPDX-License-Identifier: Apache-2.0 */
// Sending an IPv6 datagram from a chosen source address on a chosen
// interface (IPV6_PKTINFO): VRRPv3 adverts and unsolicited NAs both need it.
#pragma once

#include <span>
#include <string>

#include "net/address.h"

namespace vigil::net {

// "" or why not.
std::string send_ipv6(int fd, std::span<const uint8_t> payload, const IpAddress& src, const IpAddress& dst, int ifindex);

}  // namespace vigil::net
