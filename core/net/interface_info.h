/* SPDX-License-Identifier: Apache-2.0 */
// What vigild needs to know about a local interface, read fresh from the
// kernel each time: index, link state, hardware address, addresses.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "net/address.h"

namespace vigil::net {

struct InterfaceInfo {
    int index = 0;           // 0: the interface does not exist
    bool up = false;         // IFF_UP: administratively up
    bool running = false;    // IFF_RUNNING: carrier
    std::array<uint8_t, 6> mac{};
    std::vector<IpPrefix> addresses;

    bool usable() const { return index != 0 && up && running; }
    bool has(const IpAddress& address) const;
    // The first address of `family` that is not in `exclude` (our VIPs); for
    // IPv6 the first link-local one, as VRRPv3 sends from link-local.
    std::optional<IpAddress> primary(Family family, const std::vector<IpAddress>& exclude = {}) const;
};

InterfaceInfo read_interface(const std::string& name);

}  // namespace vigil::net
