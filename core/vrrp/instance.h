/* SPDX-License-Identifier: Apache-2.0 */
// One configured VRRP instance at run time: the pure state machine wired to
// the world — its timer on the event loop, adverts through its interface's
// socket, VIPs through netlink, gratuitous ARP / unsolicited NA bursts.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "config/model.h"
#include "net/announcer.h"
#include "net/interface_info.h"
#include "vrrp/hold_registry.h"
#include "vrrp/packet.h"
#include "vrrp/state_machine.h"
#include "vrrp/sync_group.h"

struct event;
struct event_base;

namespace vigil::net {
class AddressManager;
class RouteManager;
class VrrpSocket;
}  // namespace vigil::net

namespace vigil::vrrp {

Time monotonic_now();

// Shared by every instance of the daemon.
struct Context {
    event_base* base = nullptr;
    net::AddressManager* addresses = nullptr;
    net::Announcer* announcer = nullptr;
    // Told of every VIP before it is added (a supervised worker); may be null.
    HoldRegistry* holds = nullptr;
    // A worker restarted after the last one died: every instance starts as
    // BACKUP (even an owner, or `state = master`: the peer holds the role
    // now), and its first transition says why.
    bool restarted = false;
    std::string start_note{};
    // [global] startup_delay: no instance is MASTER before this time.
    Time no_master_before{0};
    net::RouteManager* routes = nullptr;  // needed by instances with routes or rules
};

// Counted where each event happens (a packet sent or accepted, a state
// change), for `vigilctl status` and the metrics.
struct InstanceCounters {
    uint64_t adverts_sent = 0;      // packets: one per unicast peer
    uint64_t adverts_received = 0;  // accepted ones only; the others are drops
    uint64_t transitions = 0;
    uint64_t send_errors = 0;
    uint64_t became_master = 0;
    uint64_t released_master = 0;  // left MASTER for any state
    uint64_t priority_zero_sent = 0;
    uint64_t priority_zero_received = 0;
    std::array<uint64_t, kDropReasonCount> drops{};
};

class Instance : public Actions {
public:
    using TransitionListener = std::function<void(const Instance&, State from, State to, const std::string& reason)>;

    Instance(const config::InstanceConfig& config, Context& context);
    ~Instance() override;
    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;

    const config::InstanceConfig& config() const { return config_; }
    const std::string& name() const { return config_.name; }
    Machine& machine() { return machine_; }
    const Machine& machine() const { return machine_; }
    const InstanceCounters& counters() const { return counters_; }
    // Gratuitous ARPs and unsolicited NAs for its VIPs, as they leave.
    const net::AnnounceCounts& announced() const { return *announced_; }
    const net::InterfaceInfo& interface() const { return link_; }

    // The endpoint's socket, or nullptr with why it could not open one (empty
    // when the interface is missing: the link fault covers that). An instance
    // that can neither hear nor speak VRRP is FAULT: as BACKUP it would take
    // over from a master it cannot hear.
    void set_socket(net::VrrpSocket* socket, const std::string& problem = "");
    void set_group(SyncGroup* group);
    void on_transition(TransitionListener listener) { listener_ = std::move(listener); }

    // Removes VIPs a crashed run left behind, then starts the machine.
    void start();
    // Graceful: a master resigns with priority 0 and removes its VIPs.
    void stop();

    // An advert that passed the decoder, for this instance's VRID.
    void receive(const Advert& advert, const Received& packet);
    // The interface as just read; FAULT while it is missing, down or without carrier.
    void refresh_link(const net::InterfaceInfo& info);
    // From the tracking engine: effective priority, and FAULT while a weight-0
    // tracker is down. A master advertises a new priority at once.
    void set_tracking(int priority, bool fault, const std::string& reason);
    void set_maintenance(bool on);

    // Actions
    void send_advert(uint8_t priority) override;
    void state_changed(State from, State to, const std::string& reason) override;
    void reannounce(const std::string& reason) override;

private:
    static void on_timer(int, short, void* self);
    static void on_garp_timer(int, short, void* self);
    void rearm();
    // Applies link_fault_ || track_fault_ || socket_fault_ to the machine (or the sync group).
    bool link_faults() const;  // from link_, as dont_track_primary has it
    void update_fault(const std::string& reason);
    void take_vips();
    void release_vips(bool only_present);
    // The instance's routes then rules (after its VIPs: a route may use one
    // as its source); removed in the reverse order. `stale`: left by a crashed run.
    void add_routes();
    void remove_routes(bool stale);
    void announce_vips();
    // The addresses adverts carry (the vips), or every one the instance adds.
    std::vector<net::IpAddress> vip_addresses(bool excluded_too = false) const;
    // The interface of each VIP; the instance's own from link_ unless `fresh`
    // (then read from the kernel, as the other devices always are).
    std::vector<net::InterfaceInfo> vip_interfaces(bool fresh = false) const;
    // unicast_src, else the first address that is not a VIP, else (an owner)
    // a VIP the interface holds.
    std::optional<net::IpAddress> source_address() const;
    // Tells context_.holds what we hold (added_ and `adding`), from `src`.
    void publish_hold(const std::vector<net::InterfaceInfo>& infos, const std::set<size_t>& adding,
                      const std::optional<net::IpAddress>& src);
    Advert advert(uint8_t priority) const;
    // Warns, once per source, of an advert dropped as not_a_peer.
    void warn_stranger(const Received& packet);

    config::InstanceConfig config_;
    // What a master adds, announces and removes: the vips, then the excluded_vips.
    std::vector<config::VirtualIp> addresses_;
    Context& context_;
    Machine machine_;
    Expectation expectation_;
    net::VrrpSocket* socket_ = nullptr;
    SyncGroup* group_ = nullptr;
    TransitionListener listener_;
    net::InterfaceInfo link_;
    bool link_fault_ = false;
    bool track_fault_ = false;
    bool socket_fault_ = false;
    std::string socket_problem_;
    bool started_ = false;
    bool fault_applied_ = false;
    InstanceCounters counters_;
    // Shared with the announcer's queue, which may send after we are gone.
    std::shared_ptr<net::AnnounceCounts> announced_ = std::make_shared<net::AnnounceCounts>();
    event* timer_ = nullptr;
    event* garp_timer_ = nullptr;
    std::string last_send_error_;
    std::set<size_t> added_;  // indexes into addresses_ of those we added (and so may remove)
    std::optional<net::IpAddress> held_src_;  // the source the published hold sends from
    // Sources whose not_a_peer drop was logged as a warning (bounded): a
    // misconfigured peer shows once, not at every advert.
    std::vector<net::IpAddress> strangers_warned_;
};

}  // namespace vigil::vrrp
