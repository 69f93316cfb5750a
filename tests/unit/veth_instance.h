/* SPDX-License-Identifier: Apache-2.0 */
// An Instance on a real interface for unit tests: a veth pair vt0/vt1 in a
// network namespace of the test's own (unshare), the instance on vt0 with
// VIP 192.0.2.251, and adverts fed to it as if heard. The event loop does not
// run, so the instance hears nothing from the link monitor.
#pragma once

#include <sched.h>

#include <string>
#include <vector>

#include "net/address_manager.h"
#include "net/announcer.h"
#include "net/interface_info.h"
#include "net/route_manager.h"
#include "support/event_loop.h"
#include "support/process.h"
#include "vrrp/instance.h"

namespace vigil::test {

inline const auto kVethVip = *net::IpAddress::parse("192.0.2.251");

inline bool ip(std::vector<std::string> args) {
    args.insert(args.begin(), "/usr/sbin/ip");
    return run(args).status == 0;
}

inline bool vip_on_vt0() { return net::read_interface("vt0").has(kVethVip); }

// vt0 (192.0.2.11) and vt1 (192.0.2.12), both up; false when either failed.
inline bool make_veth() {
    return ip({"link", "add", "vt0", "type", "veth", "peer", "name", "vt1"}) && ip({"link", "set", "vt1", "up"}) &&
           ip({"link", "set", "vt0", "up"}) && ip({"addr", "add", "192.0.2.11/24", "dev", "vt0"}) &&
           ip({"addr", "add", "192.0.2.12/24", "dev", "vt1"});
}

inline config::InstanceConfig veth_instance_config() {
    config::InstanceConfig c;
    c.name = "VI_1";
    c.interface = "vt0";
    c.vrid = 51;
    c.priority = 150;
    c.version = 3;
    c.advert_int = config::Duration{100};
    c.garp_repeat = 1;
    c.vips.push_back({*net::IpPrefix::parse("192.0.2.251/24"), "", "", {}});
    return c;
}

// What an Instance runs on here: a loop (that the tests do not run), the
// kernel-facing parts and the context tying them, told of holds when given.
struct InstanceRig {
    explicit InstanceRig(vrrp::HoldRegistry* holds = nullptr) : context{loop.base, &addresses, &announcer, holds} {
        context.routes = &routes;
    }
    Loop loop;
    net::AddressManager addresses;
    net::Announcer announcer;
    net::RouteManager routes;
    vrrp::Context context;
};

// An advert for VRID 51 with `priority`, from `from`, as the endpoint hands it over.
inline void hear(vrrp::Instance& instance, uint8_t priority, const char* from = "192.0.2.12") {
    vrrp::Advert a;
    a.version = 3;
    a.vrid = 51;
    a.priority = priority;
    a.interval_cs = 10;
    a.addresses = {kVethVip};
    vrrp::Received packet;
    packet.src = *net::IpAddress::parse(from);
    packet.dst = *net::IpAddress::parse("224.0.0.18");
    packet.ttl = 255;
    instance.receive(a, packet);
}

}  // namespace vigil::test
