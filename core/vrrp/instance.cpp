// SPDX-License-Identifier: Apache-2.0
#include "vrrp/instance.h"

#include <event2/event.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "log/logger.h"
#include "net/address_manager.h"
#include "net/announcer.h"
#include "net/route_manager.h"
#include "net/vrrp_socket.h"

namespace vigil::vrrp {

Time monotonic_now() {
    return std::chrono::duration_cast<Time>(std::chrono::steady_clock::now().time_since_epoch());
}

namespace {

constexpr Time kRestartedPreemptDelay = std::chrono::seconds(60);

MachineParams params_of(const config::InstanceConfig& c, const Context& context) {
    MachineParams p;
    p.version = static_cast<uint8_t>(c.version);
    p.priority = static_cast<uint8_t>(c.priority);
    p.advert_cs = static_cast<uint16_t>(c.advert_int.count() / 10);
    p.preempt = c.preempt;
    p.preempt_delay = std::chrono::duration_cast<Time>(c.preempt_delay);
    // A worker that just died may die again: its successor leaves the role
    // with the peer until it has run as long as the supervisor's crash-loop
    // window, so the VIP moves once, not back and forth. Not an address
    // owner: its addresses are its own, and the supervisor did not hand the
    // role over (two hosts would hold them).
    bool hand_over = context.restarted && c.priority != 255;
    p.start_as_master = c.state == config::InitialState::Master && !hand_over;
    p.start_as_backup = hand_over;
    if (hand_over) p.preempt_delay = std::max(p.preempt_delay, kRestartedPreemptDelay);
    p.no_master_before = context.no_master_before;
    return p;
}

timeval to_timeval(Time d) {
    if (d.count() < 0) d = Time{0};
    return {static_cast<time_t>(d.count() / 1'000'000), static_cast<suseconds_t>(d.count() % 1'000'000)};
}

}  // namespace

Instance::Instance(const config::InstanceConfig& config, Context& context)
    : config_(config), context_(context), machine_(params_of(config, context), *this) {
    addresses_ = config.vips;
    addresses_.insert(addresses_.end(), config.excluded_vips.begin(), config.excluded_vips.end());
    expectation_.version = static_cast<uint8_t>(config.version);
    expectation_.interval_cs = static_cast<uint16_t>(config.advert_int.count() / 10);
    if (!config.auth_pass.empty()) {
        expectation_.auth_type = kAuthPass;
        expectation_.auth_data = pass_auth_data(config.auth_pass);
    }
    expectation_.peers = config.unicast_peers;
    expectation_.check_source = config.check_unicast_src;
    timer_ = evtimer_new(context_.base, on_timer, this);
    garp_timer_ = evtimer_new(context_.base, on_garp_timer, this);
}

Instance::~Instance() {
    event_free(timer_);
    event_free(garp_timer_);
}

void Instance::set_group(SyncGroup* group) {
    group_ = group;
    if (group_) group_->add(machine_);
}

std::vector<net::IpAddress> Instance::vip_addresses(bool excluded_too) const {
    std::vector<net::IpAddress> out;
    for (const auto& v : excluded_too ? addresses_ : config_.vips) out.push_back(v.prefix.address);
    return out;
}

std::optional<net::IpAddress> Instance::source_address() const {
    if (config_.unicast_src) return config_.unicast_src;
    if (auto primary = link_.primary(config_.family, vip_addresses(/*excluded_too=*/true))) return primary;
    // An address owner may have nothing but the VIP itself (RFC 5798: the
    // owner's real address is the virtual one); send from it.
    if (config_.family == net::Family::V4)
        for (const auto& v : config_.vips)
            if (link_.has(v.prefix.address)) return v.prefix.address;
    return std::nullopt;
}

void Instance::start() {
    link_ = net::read_interface(config_.interface);
    // Ties are broken by the address our adverts carry.
    if (auto src = source_address()) machine_.set_primary_address(*src);
    // A crashed run may have left our VIPs behind; a backup must not hold them.
    if (config_.priority != 255) release_vips(true);
    link_fault_ = link_faults();
    if (link_fault_)
        update_fault(link_.index == 0 ? "interface " + config_.interface + " does not exist"
                                      : "interface " + config_.interface + " is down");
    else if (socket_fault_)
        update_fault(socket_problem_);
    started_ = true;
    machine_.start(monotonic_now(), context_.start_note);
    VLOG_INFO("%s: started as %s (vrid %d, VRRPv%d, priority %d, %s)", name().c_str(), state_name(machine_.state()),
              config_.vrid, config_.version, config_.priority, config_.interface.c_str());
    rearm();
}

void Instance::stop() {
    machine_.stop(monotonic_now());
    event_del(timer_);
    event_del(garp_timer_);
}

void Instance::receive(const Advert& advert, const Received& packet) {
    auto reason = check_for_instance(advert, expectation_);
    if (!reason) reason = check_sender(packet, expectation_);
    if (reason) {
        ++counters_.drops[static_cast<size_t>(*reason)];
        if (*reason == DropReason::NotAPeer) warn_stranger(packet);
        VLOG_DEBUG("%s: dropped advert from %s: %s", name().c_str(), packet.src.str().c_str(), drop_reason_name(*reason));
        return;
    }
    ++counters_.adverts_received;
    if (advert.priority == 0) ++counters_.priority_zero_received;
    machine_.receive(advert, packet.src, monotonic_now());
    rearm();
}

void Instance::warn_stranger(const Received& packet) {
    constexpr size_t kMaxWarned = 16;
    if (strangers_warned_.size() >= kMaxWarned ||
        std::find(strangers_warned_.begin(), strangers_warned_.end(), packet.src) != strangers_warned_.end())
        return;
    strangers_warned_.push_back(packet.src);
    VLOG_WARNING("%s: ignoring adverts from %s: not one of its unicast_peers; list it or set check_unicast_src = no%s",
                 name().c_str(), packet.src.str().c_str(),
                 strangers_warned_.size() == kMaxWarned ? " (further sources are counted as not_a_peer only)" : "");
}

bool Instance::link_faults() const {
    // dont_track_primary ignores the link's state, not its absence.
    return config_.dont_track_primary ? link_.index == 0 : !link_.usable();
}

void Instance::refresh_link(const net::InterfaceInfo& info) {
    link_ = info;
    if (auto src = source_address()) machine_.set_primary_address(*src);
    bool fault = link_faults();
    if (fault == link_fault_) return;
    link_fault_ = fault;
    update_fault(fault ? "interface " + config_.interface + " went down" : "interface " + config_.interface + " came up");
}

void Instance::set_socket(net::VrrpSocket* socket, const std::string& problem) {
    socket_ = socket;
    bool fault = !socket && !problem.empty();
    if (fault) socket_problem_ = "no VRRP socket on " + config_.interface + ": " + problem;
    if (fault == socket_fault_) return;
    socket_fault_ = fault;
    if (started_) update_fault(fault ? socket_problem_ : "VRRP socket on " + config_.interface + " open");
}

void Instance::set_tracking(int priority, bool fault, const std::string& reason) {
    machine_.set_priority(static_cast<uint8_t>(priority), monotonic_now());
    if (fault != track_fault_) {
        track_fault_ = fault;
        update_fault(fault ? reason : "trackers recovered");
    }
    rearm();
}

void Instance::set_maintenance(bool on) {
    if (on != machine_.maintenance()) VLOG_NOTICE("%s: maintenance %s", name().c_str(), on ? "on" : "off");
    machine_.set_maintenance(on, monotonic_now());
    rearm();
}

void Instance::update_fault(const std::string& reason) {
    bool faulted = link_fault_ || track_fault_ || socket_fault_;
    if (faulted == fault_applied_) return;
    fault_applied_ = faulted;
    if (group_) group_->set_member_fault(machine_, faulted, reason, monotonic_now());
    else machine_.set_fault(faulted, reason, monotonic_now());
    rearm();
}

void Instance::send_advert(uint8_t priority) {
    if (!socket_) return;
    auto src = source_address();
    if (!src) {
        std::string problem = std::string("no ") + (config_.family == net::Family::V4 ? "IPv4" : "link-local IPv6") +
                              " address on " + config_.interface + " to send from";
        if (problem != last_send_error_) VLOG_WARNING("%s: cannot advertise: %s", name().c_str(), problem.c_str());
        last_send_error_ = problem;
        ++counters_.send_errors;
        return;  // the link monitor's address events bring it in through refresh_link()
    }
    // A master that now sends from another address resigns from that one too.
    if (machine_.state() == State::Master && context_.holds && src != held_src_) publish_hold(vip_interfaces(), {}, src);
    auto a = advert(priority);
    auto checksum = config_.v3_checksum == config::V3Checksum::Rfc9568 ? Checksum::Rfc9568 : Checksum::PseudoHeader;
    static const auto group4 = multicast_group(net::Family::V4), group6 = multicast_group(net::Family::V6);
    const auto& group = config_.family == net::Family::V4 ? group4 : group6;
    bool all_sent = true;
    auto send_to = [&](const net::IpAddress& dst) {
        auto message = encode(a, *src, dst, checksum);
        auto problem = socket_->send(message, *src, dst);
        if (problem.empty()) {
            ++counters_.adverts_sent;
            if (priority == 0) ++counters_.priority_zero_sent;
            return;
        }
        all_sent = false;
        ++counters_.send_errors;
        problem = "advert to " + dst.str() + " failed: " + problem;
        // Once per distinct problem, not once per advert.
        if (problem != last_send_error_) VLOG_WARNING("%s: %s", name().c_str(), problem.c_str());
        last_send_error_ = problem;
    };
    if (config_.unicast_peers.empty()) send_to(group);
    for (const auto& peer : config_.unicast_peers) send_to(peer);
    if (all_sent) last_send_error_.clear();
}

Advert Instance::advert(uint8_t priority) const {
    Advert a;
    a.version = static_cast<uint8_t>(config_.version);
    a.vrid = static_cast<uint8_t>(config_.vrid);
    a.priority = priority;
    a.interval_cs = expectation_.interval_cs;
    a.auth_type = expectation_.auth_type;
    a.auth_data = expectation_.auth_data;
    a.addresses = vip_addresses();
    return a;
}

void Instance::publish_hold(const std::vector<net::InterfaceInfo>& infos, const std::set<size_t>& adding,
                            const std::optional<net::IpAddress>& src) {
    Hold hold;
    hold.instance = config_.name;
    hold.ifname = config_.interface;
    hold.ifindex = link_.index;
    hold.family = config_.family;
    hold.resign = advert(0);
    hold.checksum = config_.v3_checksum == config::V3Checksum::Rfc9568 ? Checksum::Rfc9568 : Checksum::PseudoHeader;
    hold.src = src;
    hold.owner = config_.priority == 255;
    if (config_.unicast_peers.empty()) hold.destinations.push_back(multicast_group(config_.family));
    else hold.destinations = config_.unicast_peers;
    for (size_t i = 0; i < addresses_.size(); ++i)
        if (added_.count(i) || adding.count(i)) hold.vips.push_back({infos[i].index, addresses_[i].prefix});
    for (const auto& r : config_.routes) hold.routes.push_back(r.route);
    for (const auto& r : config_.rules) hold.rules.push_back(r.rule);
    context_.holds->holding(hold);
    held_src_ = src;
}

void Instance::state_changed(State from, State to, const std::string& reason) {
    ++counters_.transitions;
    if (to == State::Master) ++counters_.became_master;
    if (from == State::Master) ++counters_.released_master;
    // VIPs first, the log line after: a slow log destination must not delay a failover.
    if (to == State::Master) {
        take_vips();
        announce_vips();
        timeval delay = to_timeval(std::chrono::duration_cast<Time>(config_.garp_delay));
        event_add(garp_timer_, &delay);
    } else if (from == State::Master) {
        event_del(garp_timer_);
        release_vips(false);
    }
    VLOG_NOTICE("%s: %s -> %s (%s)", name().c_str(), state_name(from), state_name(to), reason.c_str());
    if (group_) group_->member_changed(machine_, from, to, monotonic_now());
    // A sync group may have moved us from another member's call stack.
    rearm();
    if (listener_) listener_(*this, from, to, reason);
}

void Instance::reannounce(const std::string& reason) {
    announce_vips();
    // And the second burst after garp_delay, as on becoming master.
    timeval delay = to_timeval(std::chrono::duration_cast<Time>(config_.garp_delay));
    event_add(garp_timer_, &delay);
    VLOG_INFO("%s: %s heard: announcing the VIPs again", name().c_str(), reason.c_str());
}

std::vector<net::InterfaceInfo> Instance::vip_interfaces(bool fresh) const {
    // One netlink read per device, however many VIPs it carries.
    std::map<std::string, net::InterfaceInfo> read;
    std::vector<net::InterfaceInfo> infos;
    for (const auto& vip : addresses_) {
        if (vip.dev.empty() && !fresh) {
            infos.push_back(link_);
            continue;
        }
        const auto& dev = vip.dev.empty() ? config_.interface : vip.dev;
        auto it = read.find(dev);
        if (it == read.end()) it = read.emplace(dev, net::read_interface(dev)).first;
        infos.push_back(it->second);
    }
    return infos;
}

void Instance::take_vips() {
    // The interface as it is now, not link_: link_ learns of address changes
    // from the link monitor a loop turn later, so right after we removed a VIP
    // (one a killed run left, at start; ours, on leaving MASTER) it still lists
    // it, and a preempt in that window would skip the add: a master without
    // its VIP (found by bench/soak).
    auto infos = vip_interfaces(/*fresh=*/true);
    // An address that is already there (an owner's own) is not ours to remove later.
    std::set<size_t> adding;
    for (size_t i = 0; i < addresses_.size(); ++i)
        if (!infos[i].has(addresses_[i].prefix.address)) adding.insert(i);
    // The supervisor learns of a VIP before the kernel has it: if this process
    // dies at any point after, the supervisor removes it.
    if (context_.holds) publish_hold(infos, adding, source_address());
    for (size_t i : adding) {
        const auto& vip = addresses_[i];
        auto problem = context_.addresses->add(infos[i].index, vip.prefix, vip.label);
        if (!problem.empty()) VLOG_ERROR("%s: cannot add %s: %s", name().c_str(), vip.prefix.str().c_str(), problem.c_str());
        else added_.insert(i);
    }
    add_routes();
}

void Instance::add_routes() {
    if (!context_.routes) return;
    for (const auto& r : config_.routes)
        if (auto problem = context_.routes->add(r.route); !problem.empty())
            VLOG_ERROR("%s: cannot add route %s: %s", name().c_str(), r.route.str().c_str(), problem.c_str());
    for (const auto& r : config_.rules)
        if (auto problem = context_.routes->add(r.rule); !problem.empty())
            VLOG_ERROR("%s: cannot add rule %s: %s", name().c_str(), r.rule.str().c_str(), problem.c_str());
}

void Instance::remove_routes(bool stale) {
    if (!context_.routes) return;
    // Removing an absent one succeeds: nothing to tell a leftover from.
    const char* when = stale ? " left by an earlier run" : "";
    for (const auto& r : config_.rules)
        if (auto problem = context_.routes->remove(r.rule); !problem.empty())
            VLOG_ERROR("%s: cannot remove rule %s%s: %s", name().c_str(), r.rule.str().c_str(), when, problem.c_str());
    for (const auto& r : config_.routes)
        if (auto problem = context_.routes->remove(r.route); !problem.empty())
            VLOG_ERROR("%s: cannot remove route %s%s: %s", name().c_str(), r.route.str().c_str(), when, problem.c_str());
}

void Instance::release_vips(bool stale) {
    remove_routes(stale);
    auto infos = vip_interfaces();
    for (size_t i = 0; i < addresses_.size(); ++i) {
        const auto& vip = addresses_[i];
        if (infos[i].index == 0) continue;
        // Paced announcements still queued (garp_interval) go with the role.
        if (!stale) context_.announcer->forget(infos[i].index, vip.prefix.address);
        if (stale) {
            if (!infos[i].has(vip.prefix.address)) continue;
            VLOG_NOTICE("%s: removing %s left on %s by an earlier run", name().c_str(), vip.prefix.str().c_str(),
                        vip.dev.empty() ? config_.interface.c_str() : vip.dev.c_str());
        } else if (!added_.count(i)) {
            continue;
        }
        auto problem = context_.addresses->remove(infos[i].index, vip.prefix);
        if (!problem.empty()) VLOG_ERROR("%s: cannot remove %s: %s", name().c_str(), vip.prefix.str().c_str(), problem.c_str());
    }
    if (stale) return;
    added_.clear();
    if (context_.holds) context_.holds->released(config_.name);
    held_src_.reset();
}

void Instance::announce_vips() {
    auto infos = vip_interfaces();
    for (int r = 0; r < config_.garp_repeat; ++r)
        for (size_t i = 0; i < addresses_.size(); ++i) {
            auto problem = context_.announcer->announce(infos[i].index, infos[i].mac, addresses_[i].prefix.address, announced_);
            if (!problem.empty() && r == 0) VLOG_WARNING("%s: %s", name().c_str(), problem.c_str());
        }
}

void Instance::on_garp_timer(int, short, void* arg) {
    auto* self = static_cast<Instance*>(arg);
    if (self->machine_.state() != State::Master) return;
    self->announce_vips();
    auto next = self->config_.garp_refresh;
    if (next.count() > 0) {
        timeval delay = to_timeval(std::chrono::duration_cast<Time>(next));
        event_add(self->garp_timer_, &delay);
    }
}

void Instance::rearm() {
    auto deadline = machine_.next_deadline();
    if (!deadline) {
        event_del(timer_);
        return;
    }
    timeval delay = to_timeval(*deadline - monotonic_now());
    event_add(timer_, &delay);
}

void Instance::on_timer(int, short, void* arg) {
    auto* self = static_cast<Instance*>(arg);
    self->machine_.timer(monotonic_now());
    self->rearm();
}

}  // namespace vigil::vrrp
