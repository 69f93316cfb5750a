/* SPDX-License-Identifier: Apache-2.0 */
// Applying `ADDR[/PREFIX] [dev IF] [label LABEL]` values: an instance's `vip`
// and `excluded_vip`, and [global] `static_address` (where `dev` is required:
// there is no instance interface to default to).
#pragma once

#include <optional>
#include <vector>

#include "config/key_table.h"
#include "config/model.h"

namespace vigil::config {

// The address, or nullopt after reporting the problem on `v`.
std::optional<VirtualIp> parse_virtual_ip(Value& v, bool dev_required);

template <typename T, std::vector<VirtualIp> T::*List, bool DevRequired = false>
void apply_virtual_ip(T& section, Value& v) {
    if (!v.present()) return;
    if (auto vip = parse_virtual_ip(v, DevRequired)) (section.*List).push_back(std::move(*vip));
}

}  // namespace vigil::config
