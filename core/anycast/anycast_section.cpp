// SPDX-License-Identifier: Apache-2.0
#include "anycast/anycast_section.h"

#include <algorithm>

#include "log/logger.h"
#include "net/interface_info.h"

namespace vigil::anycast {
namespace {

// The route a route-mode section adds: on lo, so that it needs no gateway
// (BIRD and FRR announce it with this host's address as next hop), in its
// own table, so that it changes nothing in this host's forwarding.
net::Route route_for(const net::IpPrefix& prefix, uint32_t table) {
    net::Route r;
    r.type = net::RouteType::Unicast;
    r.dest = prefix;
    r.dev = "lo";
    r.table = table;
    // As `ip route add PREFIX dev lo scope host` (IPv4 only; IPv6 has no scope).
    if (prefix.address.family() == net::Family::V4) r.scope = net::RouteScope::Host;
    return r;
}

}  // namespace

AnycastSection::AnycastSection(config::AnycastConfig config, net::AddressManager& addresses, net::RouteManager& routes,
                               vrrp::HoldRegistry* holds, TransitionListener listener)
    : config_(std::move(config)), addresses_(addresses), routes_(routes), holds_(holds), listener_(std::move(listener)) {
    for (const auto& p : config_.prefixes) prefixes_.push_back({p.prefix, false, ""});
}

std::string AnycastSection::hold_name(const std::string& section) { return "anycast " + section; }

std::string AnycastSection::announce_text() const {
    return config_.mode == config::AnnounceMode::Route ? "route " + std::to_string(config_.table) : "address " + config_.interface;
}

void AnycastSection::sweep() {
    if (config_.mode == config::AnnounceMode::Route) {
        // Only routes of vigil's protocol are removed: an equal route someone
        // else added stays.
        for (const auto& p : prefixes_) routes_.remove(route_for(p.prefix, config_.table));
        return;
    }
    auto info = net::read_interface(config_.interface);
    if (info.index == 0) return;
    for (const auto& p : prefixes_) {
        if (!info.has(p.prefix.address)) continue;
        VLOG_NOTICE("anycast %s: removing %s left on %s by an earlier run", name().c_str(), p.prefix.str().c_str(),
                    config_.interface.c_str());
        if (auto problem = addresses_.remove(info.index, p.prefix); !problem.empty())
            VLOG_ERROR("anycast %s: cannot remove %s: %s", name().c_str(), p.prefix.str().c_str(), problem.c_str());
    }
}

void AnycastSection::update(const Inputs& in) {
    inputs_ = in;
    auto decision = decide(in);
    State want = decision.announce ? State::Announced : State::Withdrawn;
    decision_ = decision;
    if (want == state_) {
        // Retry what the kernel refused before (and re-add what it dropped:
        // an interface recreated, an address flushed).
        if (want == State::Announced) announce_all();
        else if (held()) withdraw_all();
        return;
    }
    if (want == State::Announced) announce_all();
    else withdraw_all();
    State from = state_;
    state_ = want;
    ++transitions_;
    VLOG_NOTICE("anycast %s: %s -> %s (%s)", name().c_str(), state_name(from), state_name(want), decision_.reason.c_str());
    if (listener_) listener_(*this, from, want);
}

void AnycastSection::reconfigure(config::AnycastConfig config) {
    std::vector<PrefixState> kept, stranded;
    const int ifindex = interface_index();
    for (auto& p : prefixes_) {
        bool stays = std::any_of(config.prefixes.begin(), config.prefixes.end(),
                                 [&](const config::AnycastPrefix& c) { return c.prefix == p.prefix; });
        if (stays) kept.push_back(p);
        // One the kernel would not let go stays held (and is retried at the
        // next withdraw): the supervisor must still be able to remove it.
        else if (p.announced && !remove(p, ifindex)) stranded.push_back(p);
    }
    for (const auto& c : config.prefixes) {
        bool known = std::any_of(kept.begin(), kept.end(), [&](const PrefixState& p) { return p.prefix == c.prefix; });
        if (!known) kept.push_back({c.prefix, false, ""});
    }
    // In the order of the new config.
    std::vector<PrefixState> ordered;
    for (const auto& c : config.prefixes)
        for (const auto& p : kept)
            if (p.prefix == c.prefix) ordered.push_back(p);
    ordered.insert(ordered.end(), stranded.begin(), stranded.end());
    prefixes_ = std::move(ordered);
    config_ = std::move(config);
    // The dropped prefixes are gone from the kernel: the hold may shrink.
    // New ones are added by the next update(), once the trackers (perhaps
    // new ones too) have reported. (An announce mode change restarts the
    // section: the interface is the same before and after.)
    if (held()) publish_hold(ifindex);
}

bool AnycastSection::held() const {
    return std::any_of(prefixes_.begin(), prefixes_.end(), [](const PrefixState& p) { return p.announced; });
}

void AnycastSection::announce_all() {
    int ifindex = 0;
    if (config_.mode == config::AnnounceMode::Address) {
        auto info = net::read_interface(config_.interface);
        ifindex = info.index;
        for (auto& p : prefixes_)
            if (p.announced && !info.has(p.prefix.address)) p.announced = false;
    }
    bool missing = std::any_of(prefixes_.begin(), prefixes_.end(), [](const PrefixState& p) { return !p.announced; });
    if (!missing) return;
    // The supervisor learns of a prefix before the kernel has it: if this
    // process dies at any point after, the supervisor withdraws it.
    publish_hold(ifindex);
    for (auto& p : prefixes_)
        if (!p.announced) add(p, ifindex);
}

void AnycastSection::withdraw_all() {
    const int ifindex = interface_index();
    for (auto& p : prefixes_)
        if (p.announced || !p.problem.empty()) remove(p, ifindex);
    // Only once the kernel holds none of them: the supervisor must be able
    // to remove one it refused to let go.
    if (holds_ && hold_published_ && !held()) {
        holds_->released(hold_name(name()));
        hold_published_ = false;
    }
}

int AnycastSection::interface_index() const {
    return config_.mode == config::AnnounceMode::Address ? net::read_interface(config_.interface).index : 0;
}

std::string AnycastSection::change_kernel(bool add, const net::IpPrefix& prefix, int ifindex) {
    if (config_.mode == config::AnnounceMode::Route) {
        auto route = route_for(prefix, config_.table);
        return add ? routes_.add(route) : routes_.remove(route);
    }
    // Removing: gone with its interface, nothing is left to announce it.
    if (ifindex == 0) return add ? config_.interface + " does not exist" : "";
    return add ? addresses_.add(ifindex, prefix, "") : addresses_.remove(ifindex, prefix);
}

bool AnycastSection::add(PrefixState& p, int ifindex) {
    auto problem = change_kernel(true, p.prefix, ifindex);
    if (!problem.empty()) {
        if (problem != p.problem)
            VLOG_ERROR("anycast %s: cannot announce %s (%s): %s", name().c_str(), p.prefix.str().c_str(), announce_text().c_str(),
                       problem.c_str());
        ++announce_failures_;
        p.problem = problem;
        return false;
    }
    p.announced = true;
    p.problem.clear();
    return true;
}

bool AnycastSection::remove(PrefixState& p, int ifindex) {
    auto problem = change_kernel(false, p.prefix, ifindex);
    if (!problem.empty()) {
        VLOG_ERROR("anycast %s: cannot withdraw %s (%s): %s", name().c_str(), p.prefix.str().c_str(), announce_text().c_str(),
                   problem.c_str());
        ++announce_failures_;
        p.problem = problem;
        return false;  // still there: still announced, still held
    }
    p.announced = false;
    p.problem.clear();
    return true;
}

void AnycastSection::publish_hold(int ifindex) {
    if (!holds_) return;
    vrrp::Hold hold;
    hold.kind = vrrp::HoldKind::Anycast;
    hold.instance = hold_name(name());
    if (config_.mode == config::AnnounceMode::Route) {
        for (const auto& p : prefixes_) hold.routes.push_back(route_for(p.prefix, config_.table));
    } else {
        hold.ifname = config_.interface;
        hold.ifindex = ifindex;
        hold.family = prefixes_.empty() ? net::Family::V4 : prefixes_.front().prefix.address.family();
        for (const auto& p : prefixes_) hold.vips.push_back({ifindex, p.prefix});
    }
    holds_->holding(hold);
    hold_published_ = true;
}

}  // namespace vigil::anycast
