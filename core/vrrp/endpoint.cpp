// SPDX-License-Identifier: Apache-2.0
#include "vrrp/endpoint.h"

#include <event2/event.h>
#include <net/if.h>

#include "log/logger.h"
#include "net/vrrp_socket.h"
#include "vrrp/instance.h"

namespace vigil::vrrp {

Endpoint::Endpoint(event_base* base, std::string ifname, net::Family family)
    : base_(base), ifname_(std::move(ifname)), family_(family) {}

Endpoint::~Endpoint() {
    for (auto& [vrid, inst] : instances_) inst->set_socket(nullptr);
    if (read_event_) event_free(read_event_);
    if (retry_event_) event_free(retry_event_);
}

void Endpoint::on_retry(int, short, void* arg) { static_cast<Endpoint*>(arg)->ensure_open(); }

void Endpoint::attach(Instance& instance) {
    instances_[static_cast<uint8_t>(instance.config().vrid)] = &instance;
    instance.set_socket(socket_.get(), last_error_);
}

void Endpoint::detach(Instance& instance) {
    auto it = instances_.find(static_cast<uint8_t>(instance.config().vrid));
    if (it != instances_.end() && it->second == &instance) instances_.erase(it);
    instance.set_socket(nullptr);
}

bool Endpoint::ensure_open() {
    int index = static_cast<int>(if_nametoindex(ifname_.c_str()));
    if (socket_ && index == ifindex_) return true;
    // Gone, or re-created with a new index: start over. No instance may keep
    // the old socket's address past this point.
    if (read_event_) event_free(read_event_);
    read_event_ = nullptr;
    if (retry_event_) event_del(retry_event_);
    for (auto& [vrid, inst] : instances_) inst->set_socket(nullptr, last_error_);
    socket_.reset();
    ifindex_ = index;
    // The link monitor calls again when it appears; a socket fault stays until
    // a socket opens (clearing it here would flap the instance out of FAULT).
    if (index == 0) return false;
    std::string error;
    socket_ = net::VrrpSocket::open(family_, ifname_, index, error);
    if (!socket_) {
        if (error != last_error_) VLOG_ERROR("%s (%s): %s", ifname_.c_str(), net::family_name(family_), error.c_str());
        last_error_ = error;
        for (auto& [vrid, inst] : instances_) inst->set_socket(nullptr, error);
        // Nothing on the link may change (a missing capability, say): try again.
        if (!retry_event_) retry_event_ = evtimer_new(base_, on_retry, this);
        timeval again{kReopenInterval.count(), 0};
        event_add(retry_event_, &again);
        return false;
    }
    if (!last_error_.empty()) VLOG_NOTICE("%s (%s): VRRP socket open", ifname_.c_str(), net::family_name(family_));
    last_error_.clear();
    read_event_ = event_new(base_, socket_->fd(), EV_READ | EV_PERSIST, on_readable, this);
    event_add(read_event_, nullptr);
    for (auto& [vrid, inst] : instances_) inst->set_socket(socket_.get());
    return true;
}

void Endpoint::on_readable(int, short, void* arg) { static_cast<Endpoint*>(arg)->read_all(); }

void Endpoint::read_all() {
    // A bounded batch per wake-up so a flood cannot starve the loop's timers.
    for (int i = 0; i < 64 && socket_; ++i) {
        Received packet;
        auto r = socket_->receive(buffer_, packet);
        if (r == net::VrrpSocket::Read::Nothing) return;
        if (r == net::VrrpSocket::Read::Malformed) {
            ++drops_[static_cast<size_t>(DropReason::IpHeader)];
            continue;
        }
        auto decoded = decode(packet);
        if (!decoded.advert) {
            ++drops_[static_cast<size_t>(decoded.reason)];
            VLOG_DEBUG("%s: dropped packet from %s: %s", ifname_.c_str(), packet.src.str().c_str(), drop_reason_name(decoded.reason));
            continue;
        }
        auto it = instances_.find(decoded.advert->vrid);
        if (it == instances_.end()) {
            ++drops_[static_cast<size_t>(DropReason::Vrid)];
            continue;
        }
        it->second->receive(*decoded.advert, packet);
    }
}

}  // namespace vigil::vrrp
