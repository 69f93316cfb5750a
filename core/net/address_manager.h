/* SPDX-License-Identifier: Apache-2.0 */
// Adds and removes virtual IPs with rtnetlink (libnl-route-3): labels for
// IPv4, no duplicate address detection for IPv6 (a VIP must be usable the
// moment we become master).
#pragma once

#include <string>

#include "net/address.h"

struct nl_sock;

namespace vigil::net {

class AddressManager {
public:
    AddressManager();
    ~AddressManager();
    AddressManager(const AddressManager&) = delete;
    AddressManager& operator=(const AddressManager&) = delete;

    // Both return "" or the kernel's reason. Adding a present address or
    // removing an absent one succeeds.
    std::string add(int ifindex, const IpPrefix& prefix, const std::string& label);
    std::string remove(int ifindex, const IpPrefix& prefix);

private:
    nl_sock* sock_ = nullptr;
};

}  // namespace vigil::net
