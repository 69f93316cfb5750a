#include "vrrp/instance.h"

#include <event2/event.h>

#include <chrono>

#include "log/logger.h"
#include "net/address_manager.h"
#include "net/announcer.h"
#include "net/vrrp_socket.h"

namespace vigil::vrrp {

Time monotonic_now() {
    return std::chrono::duration_cast<Time>(std::chrono::steady_clock::now().time_since_epoch());
}

namespace {

MachineParams params_of(const config::InstanceConfig& c) {
    MachineParams p;
    p.version = static_cast<uint8_t>(c.version);
    p.priority = static_cast<uint8_t>(c.priority);
    p.advert_cs = static_cast<uint16_t>(c.advert_int.count() / 10);
    p.preempt = c.preempt;
    p.preempt_delay = std::chrono::duration_cast<Time>(c.preempt_delay);
    p.start_as_master = c.state == config::InitialState::Master;
    return p;
}

timeval to_timeval(Time d) {
    if (d.count() < 0) d = Time{0};
    return {static_cast<time_t>(d.count() / 1'000'000), static_cast<suseconds_t>(d.count() % 1'000'000)};
}

}  // namespace

Instance::Instance(const config::InstanceConfig& config, Context& context)
    : config_(config), context_(context), machine_(params_of(config), *this) {
    expectation_.version = static_cast<uint8_t>(config.version);
    expectation_.interval_cs = static_cast<uint16_t>(config.advert_int.count() / 10);
    if (!config.auth_pass.empty()) {
        expectation_.auth_type = kAuthPass;
        expectation_.auth_data = pass_auth_data(config.auth_pass);
    }
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

std::vector<net::IpAddress> Instance::vip_addresses() const {
    std::vector<net::IpAddress> out;
    for (const auto& v : config_.vips) out.push_back(v.prefix.address);
    return out;
}

void Instance::start() {
    link_ = net::read_interface(config_.interface);
    if (auto primary = link_.primary(config_.family, vip_addresses())) machine_.set_primary_address(*primary);
    // A crashed run may have left our VIPs behind; a backup must not hold them.
    if (config_.priority != 255) release_vips(true);
    link_fault_ = !link_.usable();
    if (link_fault_)
        update_fault(link_.index == 0 ? "interface " + config_.interface + " does not exist"
                                      : "interface " + config_.interface + " is down");
    machine_.start(monotonic_now());
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
    ++counters_.adverts_received;
    auto reason = check_for_instance(advert, expectation_);
    // As keepalived: a unicast instance ignores multicast adverts and the reverse.
    if (!reason && packet.dst.is_multicast() != config_.unicast_peers.empty()) reason = DropReason::Destination;
    if (reason) {
        ++counters_.drops[static_cast<size_t>(*reason)];
        VLOG_DEBUG("%s: dropped advert from %s: %s", name().c_str(), packet.src.str().c_str(), drop_reason_name(*reason));
        return;
    }
    machine_.receive(advert, packet.src, monotonic_now());
    rearm();
}

void Instance::refresh_link() {
    link_ = net::read_interface(config_.interface);
    if (auto primary = link_.primary(config_.family, vip_addresses())) machine_.set_primary_address(*primary);
    bool fault = !link_.usable();
    if (fault == link_fault_) return;
    link_fault_ = fault;
    update_fault(fault ? "interface " + config_.interface + " went down" : "interface " + config_.interface + " came up");
}

void Instance::set_tracking(int priority, bool fault, const std::string& reason) {
    machine_.set_priority(static_cast<uint8_t>(priority), monotonic_now());
    if (fault != track_fault_) {
        track_fault_ = fault;
        update_fault(fault ? reason : "trackers recovered");
    }
    rearm();
}

void Instance::update_fault(const std::string& reason) {
    bool faulted = link_fault_ || track_fault_;
    if (faulted == fault_applied_) return;
    fault_applied_ = faulted;
    if (group_) group_->set_member_fault(machine_, faulted, reason, monotonic_now());
    else machine_.set_fault(faulted, reason, monotonic_now());
    rearm();
}

void Instance::send_advert(uint8_t priority) {
    if (!socket_) return;
    std::optional<net::IpAddress> src = config_.unicast_src;
    if (!src) src = link_.primary(config_.family, vip_addresses());
    if (!src) {
        std::string problem = std::string("no ") + (config_.family == net::Family::V4 ? "IPv4" : "link-local IPv6") +
                              " address on " + config_.interface + " to send from";
        if (problem != last_send_error_) VLOG_WARNING("%s: cannot advertise: %s", name().c_str(), problem.c_str());
        last_send_error_ = problem;
        ++counters_.send_errors;
        link_ = net::read_interface(config_.interface);  // it may have appeared since
        return;
    }
    Advert a;
    a.version = static_cast<uint8_t>(config_.version);
    a.vrid = static_cast<uint8_t>(config_.vrid);
    a.priority = priority;
    a.interval_cs = expectation_.interval_cs;
    a.auth_type = expectation_.auth_type;
    a.auth_data = expectation_.auth_data;
    a.addresses = vip_addresses();
    auto checksum = config_.v3_checksum == config::V3Checksum::Rfc9568 ? Checksum::Rfc9568 : Checksum::PseudoHeader;
    std::vector<net::IpAddress> destinations = config_.unicast_peers;
    if (destinations.empty()) destinations.push_back(multicast_group(config_.family));
    for (const auto& dst : destinations) {
        auto message = encode(a, *src, dst, checksum);
        auto problem = socket_->send(message, *src, dst);
        if (problem.empty()) {
            ++counters_.adverts_sent;
            last_send_error_.clear();
            continue;
        }
        ++counters_.send_errors;
        if (problem != last_send_error_) VLOG_WARNING("%s: advert to %s failed: %s", name().c_str(), dst.str().c_str(), problem.c_str());
        last_send_error_ = problem;
    }
}

void Instance::state_changed(State from, State to, const std::string& reason) {
    ++counters_.transitions;
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

void Instance::take_vips() {
    for (const auto& vip : config_.vips) {
        int ifindex = vip.dev.empty() ? link_.index : net::read_interface(vip.dev).index;
        auto problem = context_.addresses->add(ifindex, vip.prefix, vip.label);
        if (!problem.empty()) VLOG_ERROR("%s: cannot add %s: %s", name().c_str(), vip.prefix.str().c_str(), problem.c_str());
    }
}

void Instance::release_vips(bool only_present) {
    for (const auto& vip : config_.vips) {
        auto info = vip.dev.empty() ? link_ : net::read_interface(vip.dev);
        if (info.index == 0 || (only_present && !info.has(vip.prefix.address))) continue;
        if (only_present) VLOG_NOTICE("%s: removing %s left on %s by an earlier run", name().c_str(), vip.prefix.str().c_str(),
                                      vip.dev.empty() ? config_.interface.c_str() : vip.dev.c_str());
        auto problem = context_.addresses->remove(info.index, vip.prefix);
        if (!problem.empty()) VLOG_ERROR("%s: cannot remove %s: %s", name().c_str(), vip.prefix.str().c_str(), problem.c_str());
    }
}

void Instance::announce_vips() {
    for (int i = 0; i < config_.garp_repeat; ++i)
        for (const auto& vip : config_.vips) {
            auto info = vip.dev.empty() ? link_ : net::read_interface(vip.dev);
            auto problem = context_.announcer->announce(info.index, info.mac, vip.prefix.address);
            if (!problem.empty() && i == 0) VLOG_WARNING("%s: %s", name().c_str(), problem.c_str());
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
