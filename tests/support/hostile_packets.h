/* SPDX-License-Identifier: Apache-2.0 */
// Hostile VRRP packets for a router under test: one per receive rule (each
// breaks exactly that rule of an otherwise well-formed priority-255 advert),
// and a seeded random stream in which every packet breaks at least one rule.
// Pure logic: the bytes and the TTL / hop limit to send them with, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "net/address.h"
#include "vrrp/packet.h"

namespace vigil::test::hostile {

// The receive rules an attacker can break (docs/security.md).
enum class Rule { Ttl, Version, Type, Checksum, Auth, Interval, NoAddresses, Truncated, CountOverflow };

const char* rule_name(Rule rule);
std::optional<Rule> parse_rule(std::string_view name);

// The drop reason a receiver reports for a packet that breaks only `rule`.
vrrp::DropReason expected_reason(Rule rule);

// The virtual router under attack, and the addresses the packets travel with
// (they enter the checksum's pseudo-header).
struct Target {
    net::Family family = net::Family::V4;
    uint8_t version = 3;
    uint8_t vrid = 51;
    uint16_t interval_cs = 100;   // the instance's advert_int
    std::string password{};       // VRRPv2 PASS; empty: no auth
    net::IpAddress src{};
    net::IpAddress dst{};
    std::vector<net::IpAddress> vips{};
};

// The rules that apply to `target`: auth and interval only to VRRPv2.
std::vector<Rule> rules_for(const Target& target);

struct Packet {
    std::vector<uint8_t> message;  // the VRRP message, no IP header
    int ttl = vrrp::kTtl;          // IPv4 TTL or IPv6 hop limit
};

// A well-formed advert with priority 255: what the router must obey.
Packet valid_advert(const Target& target);

// valid_advert() with `rule` broken and everything else, checksum included, right.
Packet break_one(const Target& target, Rule rule, std::mt19937_64& rng);

// Packet `index` of the stream for `seed` (the same packet whatever the
// chunking): random bytes, or a valid advert with random fields. Either way,
// one rule drawn at random is broken last, so that no later edit repairs it.
Packet random_packet(const Target& target, uint64_t seed, uint64_t index);

// An independent statement of what a conforming receiver accepts (any VRID,
// any priority): the generator's guarantee is checked against it.
bool acceptable(const Target& target, const Packet& packet);

// What vigild's own receive path (core/vrrp/packet.h: decode, the VRID,
// check_for_instance) makes of the packet when it arrives at an instance with
// the target's settings: nullopt if accepted, else the drop reason it counts.
// The attacker tells the test from this what each daemon must have counted.
std::optional<vrrp::DropReason> receiver_verdict(const Target& target, const Packet& packet);

}  // namespace vigil::test::hostile
