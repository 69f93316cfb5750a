// SPDX-License-Identifier: Apache-2.0
#include "config/virtual_ip_keys.h"

#include "config/values.h"

namespace vigil::config {

std::optional<VirtualIp> parse_virtual_ip(Value& v, bool dev_required) {
    auto words = split_words(v.text());
    if (words.empty()) {
        v.error(dev_required ? "needs ADDR[/PREFIX] dev IF [label LABEL]" : "needs ADDR/PREFIX [dev IF] [label LABEL]");
        return std::nullopt;
    }
    auto prefix = net::IpPrefix::parse(words[0]);
    if (!prefix) {
        v.error("'" + words[0] + "' is not an address with an optional /PREFIX");
        return std::nullopt;
    }
    if (!v.host_address(prefix->address.str())) return std::nullopt;
    VirtualIp vip{*prefix, "", "", v.where()};
    for (size_t i = 1; i < words.size(); i += 2) {
        if (i + 1 >= words.size()) {
            v.error("'" + words[i] + "' needs a value");
            return std::nullopt;
        }
        if (words[i] == "dev") {
            if (!v.interface_name(words[i + 1])) return std::nullopt;
            vip.dev = words[i + 1];
        } else if (words[i] == "label") {
            if (prefix->address.family() == net::Family::V6) {
                v.error("IPv6 addresses have no labels");
                return std::nullopt;
            }
            if (words[i + 1].size() > 15) {
                v.error("label '" + words[i + 1] + "' is longer than 15 characters");
                return std::nullopt;
            }
            vip.label = words[i + 1];
        } else {
            v.error("unknown word '" + words[i] + "' (expected dev or label)");
            return std::nullopt;
        }
    }
    if (dev_required && vip.dev.empty()) {
        v.error("needs dev IF (the interface to put the address on)");
        return std::nullopt;
    }
    return vip;
}

}  // namespace vigil::config
