// SPDX-License-Identifier: Apache-2.0
#include "support/hostile_packets.h"

#include <algorithm>
#include <array>

namespace vigil::test::hostile {
namespace {

constexpr size_t kHeaderSize = 8;
constexpr size_t kV2AuthSize = 8;

struct RuleName {
    Rule rule;
    const char* name;
    vrrp::DropReason reason;
};
constexpr std::array<RuleName, 9> kRules{{
    {Rule::Ttl, "ttl", vrrp::DropReason::Ttl},
    {Rule::Version, "version", vrrp::DropReason::Version},
    {Rule::Type, "type", vrrp::DropReason::Type},
    {Rule::Checksum, "checksum", vrrp::DropReason::Checksum},
    {Rule::Auth, "auth", vrrp::DropReason::Auth},
    {Rule::Interval, "interval", vrrp::DropReason::Interval},
    {Rule::NoAddresses, "count0", vrrp::DropReason::NoAddresses},
    {Rule::Truncated, "truncated", vrrp::DropReason::Length},
    {Rule::CountOverflow, "count_overflow", vrrp::DropReason::Length},
}};

size_t address_size(const Target& t) { return t.family == net::Family::V4 ? 4 : 16; }
size_t auth_size(const Target& t) { return t.version == 2 ? kV2AuthSize : 0; }
size_t needed(const Target& t, size_t count) { return kHeaderSize + count * address_size(t) + auth_size(t); }

uint8_t auth_type(const Target& t) { return t.password.empty() ? vrrp::kAuthNone : vrrp::kAuthPass; }

// A uniform value in [low, high].
unsigned between(std::mt19937_64& rng, unsigned low, unsigned high) {
    return std::uniform_int_distribution<unsigned>(low, high)(rng);
}
// A uniform value in [low, high] other than `not_this`.
unsigned between_except(std::mt19937_64& rng, unsigned low, unsigned high, unsigned not_this) {
    unsigned v = between(rng, low, high - 1);
    return v >= not_this ? v + 1 : v;
}

std::vector<uint8_t> pseudo_header(const Target& t, size_t length) {
    std::vector<uint8_t> p;
    auto add = [&](const net::IpAddress& a) { p.insert(p.end(), a.bytes().begin(), a.bytes().begin() + a.size()); };
    add(t.src);
    add(t.dst);
    if (t.family == net::Family::V4) {
        p.insert(p.end(), {0, vrrp::kIpProtocol, static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)});
    } else {
        for (int shift : {24, 16, 8, 0}) p.push_back(static_cast<uint8_t>(length >> shift));
        p.insert(p.end(), {0, 0, 0, vrrp::kIpProtocol});
    }
    return p;
}

bool sums_to_zero(const Target& t, const std::vector<uint8_t>& m, bool with_pseudo) {
    if (!with_pseudo) return vrrp::internet_checksum({m}) == 0;
    auto pseudo = pseudo_header(t, m.size());
    return vrrp::internet_checksum({pseudo, m}) == 0;
}

// The checksum the target's version prefers: VRRPv3 with the pseudo-header
// (keepalived's default, and IPv6's only), VRRPv2 without.
void set_checksum(const Target& t, std::vector<uint8_t>& m) {
    if (m.size() < kHeaderSize) return;
    m[6] = m[7] = 0;
    bool with_pseudo = t.version == 3;
    auto pseudo = with_pseudo ? pseudo_header(t, m.size()) : std::vector<uint8_t>{};
    uint16_t sum = vrrp::internet_checksum({pseudo, m});
    m[6] = static_cast<uint8_t>(sum >> 8);
    m[7] = static_cast<uint8_t>(sum);
}

void pad_to(std::vector<uint8_t>& m, size_t size, std::mt19937_64& rng) {
    while (m.size() < size) m.push_back(static_cast<uint8_t>(rng()));
}

// Wrong under every variant a receiver might try, with or without the pseudo-header.
void corrupt_checksum(const Target& t, std::vector<uint8_t>& m, std::mt19937_64& rng) {
    pad_to(m, kHeaderSize, rng);
    do {
        m[6] = static_cast<uint8_t>(rng());
        m[7] = static_cast<uint8_t>(rng());
    } while (sums_to_zero(t, m, true) || sums_to_zero(t, m, false));
}

// Breaks `rule` in any message, however mangled already. Each edit leaves the
// rule broken whatever the checksum bytes (6 and 7) are later set to; where the
// message is too short to carry the field, it is truncated, which breaks the
// length rule instead.
void break_rule(const Target& t, Rule rule, Packet& p, std::mt19937_64& rng) {
    auto& m = p.message;
    switch (rule) {
        case Rule::Ttl:
            p.ttl = static_cast<int>(between(rng, 1, 254));
            return;
        case Rule::Version:
        {
            // Neither 2 nor 3: the other real version would be refused as a
            // length, family or instance mismatch, a different counter.
            pad_to(m, 1, rng);
            unsigned version = between(rng, 0, 13);
            m[0] = static_cast<uint8_t>((version < 2 ? version : version + 2) << 4 | (m[0] & 0x0f));
            return;
        }
        case Rule::Type:
            pad_to(m, 1, rng);
            m[0] = static_cast<uint8_t>((m[0] & 0xf0) | between_except(rng, 0, 15, vrrp::kTypeAdvertisement));
            return;
        case Rule::Checksum:
            corrupt_checksum(t, m, rng);
            return;
        case Rule::Auth: {
            pad_to(m, kHeaderSize, rng);
            size_t auth_at = kHeaderSize + m[3] * address_size(t);
            if (t.password.empty() || rng() % 2 || m.size() < auth_at + kV2AuthSize) {
                m[4] = static_cast<uint8_t>(between_except(rng, 0, 255, auth_type(t)));
            } else {
                m[auth_at + rng() % kV2AuthSize] ^= static_cast<uint8_t>(between(rng, 1, 255));
            }
            return;
        }
        case Rule::Interval:
            pad_to(m, kHeaderSize, rng);
            m[5] = static_cast<uint8_t>(between_except(rng, 0, 255, t.interval_cs / 100));
            return;
        case Rule::NoAddresses:
            pad_to(m, kHeaderSize, rng);
            if (m[3] > 0 && m.size() >= needed(t, m[3])) {
                // Drop the addresses too: a short, otherwise well-formed message.
                auto first = m.begin() + kHeaderSize;
                m.erase(first, first + static_cast<long>(m[3] * address_size(t)));
            }
            m[3] = 0;
            return;
        case Rule::Truncated: {
            size_t count = m.size() > 3 ? m[3] : 1;
            size_t full = needed(t, count);
            if (m.size() >= full) m.resize(between(rng, 0, static_cast<unsigned>(full - 1)));
            return;
        }
        case Rule::CountOverflow: {
            pad_to(m, kHeaderSize, rng);
            size_t room = m.size() >= needed(t, 0) ? m.size() - needed(t, 0) : 0;
            size_t fitting = room / address_size(t);
            if (fitting >= 255) m.resize(needed(t, 254));  // cannot happen with our sizes; keeps the rule honest
            fitting = std::min<size_t>(fitting, 254);
            m[3] = static_cast<uint8_t>(between(rng, static_cast<unsigned>(fitting + 1), 255));
            return;
        }
    }
}

net::IpAddress random_address(const Target& t, std::mt19937_64& rng) {
    if (!t.vips.empty() && rng() % 2) return t.vips[rng() % t.vips.size()];
    if (t.family == net::Family::V4) return net::IpAddress::v4(static_cast<uint32_t>(rng()));
    uint8_t bytes[16];
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    return net::IpAddress::v6(bytes);
}

// A valid advert's fields at random (VRID and auth right most of the time, so
// that packets reach the later checks), checksum right.
Packet random_advert(const Target& t, std::mt19937_64& rng) {
    vrrp::Advert a;
    a.version = t.version;
    a.vrid = rng() % 8 ? t.vrid : static_cast<uint8_t>(rng());
    a.priority = static_cast<uint8_t>(rng());
    a.interval_cs = t.version == 2 ? static_cast<uint16_t>((rng() % 4 ? t.interval_cs / 100 : rng() % 256) * 100)
                                   : static_cast<uint16_t>(rng() % 4096);
    a.auth_type = rng() % 4 ? auth_type(t) : static_cast<uint8_t>(rng());
    a.auth_data = rng() % 4 ? vrrp::pass_auth_data(t.password) : vrrp::pass_auth_data(std::to_string(rng()));
    for (unsigned n = between(rng, 1, 4); n > 0; --n) a.addresses.push_back(random_address(t, rng));
    Packet p;
    p.message = vrrp::encode(a, t.src, t.dst);
    if (rng() % 8 == 0) pad_to(p.message, p.message.size() + between(rng, 1, 16), rng);  // trailing bytes
    for (unsigned flips = rng() % 4 == 0 ? between(rng, 1, 3) : 0; flips > 0; --flips)
        p.message[rng() % p.message.size()] = static_cast<uint8_t>(rng());
    return p;
}

Packet random_bytes(const Target& t, std::mt19937_64& rng) {
    Packet p;
    pad_to(p.message, rng() % (needed(t, 4) + 16), rng);
    if (rng() % 8 == 0) p.ttl = static_cast<int>(rng() % 256);
    return p;
}

}  // namespace

const char* rule_name(Rule rule) {
    for (const auto& r : kRules)
        if (r.rule == rule) return r.name;
    return "?";
}

std::optional<Rule> parse_rule(std::string_view name) {
    for (const auto& r : kRules)
        if (name == r.name) return r.rule;
    return std::nullopt;
}

vrrp::DropReason expected_reason(Rule rule) {
    for (const auto& r : kRules)
        if (r.rule == rule) return r.reason;
    return vrrp::DropReason::Length;
}

std::vector<Rule> rules_for(const Target& t) {
    std::vector<Rule> out;
    for (const auto& r : kRules)
        if (t.version == 2 || (r.rule != Rule::Auth && r.rule != Rule::Interval)) out.push_back(r.rule);
    return out;
}

Packet valid_advert(const Target& t) {
    vrrp::Advert a;
    a.version = t.version;
    a.vrid = t.vrid;
    a.priority = 255;
    a.interval_cs = t.interval_cs;
    a.auth_type = auth_type(t);
    a.auth_data = vrrp::pass_auth_data(t.password);
    a.addresses = t.vips;
    Packet p;
    p.message = vrrp::encode(a, t.src, t.dst);
    return p;
}

Packet break_one(const Target& t, Rule rule, std::mt19937_64& rng) {
    auto p = valid_advert(t);
    break_rule(t, rule, p, rng);
    if (rule != Rule::Checksum) set_checksum(t, p.message);
    return p;
}

Packet random_packet(const Target& t, uint64_t seed, uint64_t index) {
    std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32), static_cast<uint32_t>(index),
                      static_cast<uint32_t>(index >> 32)};
    std::mt19937_64 rng(seq);
    Packet p = rng() % 4 == 0 ? random_bytes(t, rng) : random_advert(t, rng);
    auto rules = rules_for(t);
    Rule rule = rules[rng() % rules.size()];
    if (rule == Rule::Ttl) p.ttl = static_cast<int>(rng() % 255);  // 0 too, here
    else break_rule(t, rule, p, rng);
    // A right checksum most of the time, so that the later rules are what refuses it.
    if (rule != Rule::Checksum && rng() % 4 != 0) set_checksum(t, p.message);
    return p;
}

bool acceptable(const Target& t, const Packet& p) {
    const auto& m = p.message;
    if (p.ttl != vrrp::kTtl) return false;  // the packets go to the multicast group
    if (m.size() < kHeaderSize || m[0] >> 4 != t.version || (m[0] & 0x0f) != vrrp::kTypeAdvertisement) return false;
    if (t.version == 2 && t.family != net::Family::V4) return false;
    size_t count = m[3];
    if (count == 0 || m.size() < needed(t, count)) return false;
    bool checksum_ok = t.version == 2 ? sums_to_zero(t, m, false)
                       : t.family == net::Family::V6 ? sums_to_zero(t, m, true)
                                                     : sums_to_zero(t, m, true) || sums_to_zero(t, m, false);
    if (!checksum_ok) return false;
    if (t.version == 2) {
        if (m[4] != auth_type(t) || m[5] * 100 != t.interval_cs) return false;
        auto expected = vrrp::pass_auth_data(t.password);
        if (m[4] == vrrp::kAuthPass && !std::equal(expected.begin(), expected.end(), m.begin() + static_cast<long>(needed(t, count) - kV2AuthSize)))
            return false;
    }
    return true;
}

std::optional<vrrp::DropReason> receiver_verdict(const Target& t, const Packet& p) {
    vrrp::Received r;
    r.family = t.family;
    r.src = t.src;
    r.dst = t.dst;
    r.ttl = p.ttl;
    r.message = p.message;
    auto decoded = vrrp::decode(r);
    if (!decoded.advert) return decoded.reason;
    if (decoded.advert->vrid != t.vrid) return vrrp::DropReason::Vrid;
    vrrp::Expectation e;
    e.version = t.version;
    e.interval_cs = t.interval_cs;
    e.auth_type = auth_type(t);
    e.auth_data = vrrp::pass_auth_data(t.password);
    return vrrp::check_for_instance(*decoded.advert, e);
}

}  // namespace vigil::test::hostile
