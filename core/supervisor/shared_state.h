/* SPDX-License-Identifier: Apache-2.0 */
// The memory a supervisor shares with its worker (a memfd the supervisor
// creates and the worker inherits). It outlives the worker, so after the
// worker died — crashed, killed, stalled — the supervisor still reads what it
// held. Plain data and lock-free atomics only: either side may die at any
// instruction.
//
// Held instances are double-buffered: the worker writes the buffer that is
// not current, then publishes it with one release store of `current`; a
// worker that dies mid-write leaves the previous hold intact. The worker
// publishes a hold before it adds a VIP, route or rule and retracts it after
// it removed them (core/vrrp/hold_registry.h), so what the supervisor reads
// after the worker's death covers everything the worker may have added.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace vigil::supervisor {

inline constexpr uint32_t kSharedMagic = 0x56474c31;  // "VGL1"
// 4: a held slot says what it holds (`kind`: an instance or an [anycast]).
// 5: the network namespace it was made in (the state may be a file now).
inline constexpr uint32_t kSharedVersion = 5;
inline constexpr size_t kMaxHeld = 1024;           // instances that may be MASTER (and anycast sections announced) at once
inline constexpr size_t kMaxHeldVips = 255;        // the advert's address count is 8 bits
inline constexpr size_t kMaxDestinations = 64;     // unicast peers of one instance
inline constexpr size_t kMaxThreadCalls = 64;      // notifier threads whose calls are recorded
inline constexpr size_t kMaxHeldRoutes = 32;       // config::kMaxInstanceRoutes
inline constexpr size_t kMaxHeldRules = 16;        // config::kMaxInstanceRules

struct SharedAddress {
    uint8_t family;  // 4 or 6
    uint8_t prefix_len;
    uint8_t pad[2];
    int32_t ifindex;
    uint8_t bytes[16];
};

// A net::Route (supervisor/held_routes.h converts).
struct SharedRoute {
    uint8_t family;  // 4 or 6
    uint8_t type;    // net::RouteType
    uint8_t dest_len;
    uint8_t has_via, has_src, has_metric, has_scope;
    uint8_t scope;
    uint8_t onlink;
    uint8_t pad[3];
    uint32_t table;
    uint32_t metric;
    char dev[16];
    uint8_t dest[16];
    uint8_t via[16];
    uint8_t src[16];
};

// A net::Rule.
struct SharedRule {
    uint8_t family;  // 4 or 6
    uint8_t action;  // net::RuleAction
    uint8_t has_from, has_to, from_len, to_len;
    uint8_t has_fwmark, has_fwmask;
    uint32_t table;
    uint32_t priority;
    uint32_t fwmark, fwmask;
    char iif[16];
    char oif[16];
    uint8_t from[16];
    uint8_t to[16];
};

// HeldInstance::kind. Any other value is read as an instance: what a slot
// meant before anycast sections had one.
inline constexpr uint8_t kHeldInstance = 0;
inline constexpr uint8_t kHeldAnycast = 1;  // addresses or routes to remove, no advert to send

struct HeldInstance {
    char name[72];  // instance names have up to 64 characters; an anycast's is "anycast NAME"
    char ifname[16];
    int32_t ifindex;
    uint8_t family;  // 4 or 6
    uint8_t has_src;
    uint8_t checksum;  // vrrp::Checksum
    uint8_t version;
    uint8_t vrid;
    uint8_t owner;  // priority 255: the addresses are its own, nothing to hand over
    uint8_t auth_type;
    uint8_t kind;  // kHeldInstance or kHeldAnycast (the padding byte before interval_cs)
    uint16_t interval_cs;
    uint8_t auth_data[8];
    uint8_t src[16];
    uint16_t destination_count;
    uint16_t vip_count;      // VIPs this worker added: removed on resign
    uint16_t address_count;  // the advert's addresses (every VIP of the instance)
    uint16_t route_count;    // routes and rules: removed on resign, before the VIPs
    uint16_t rule_count;
    uint8_t destinations[kMaxDestinations][16];
    SharedAddress vips[kMaxHeldVips];
    uint8_t addresses[kMaxHeldVips][16];
    SharedRoute routes[kMaxHeldRoutes];
    SharedRule rules[kMaxHeldRules];
};

// `kind` took a padding byte: the slots (and the memfd) kept their size.
static_assert(offsetof(HeldInstance, kind) == 99 && offsetof(HeldInstance, interval_cs) == 100);

struct HeldSlot {
    HeldInstance buffer[2];
};

// A plugin callback in flight (written around each call; `active` last).
struct CallRecord {
    std::atomic<uint32_t> active;
    char plugin[48];
    char callback[24];
    char object[64];
};

// Why workers died; written by the supervisor before it starts a worker.
struct RestartRecord {
    uint32_t restarts;
    uint32_t by_signal, by_exit, by_stall;
    int64_t last_time_ms;  // Unix time
    char last_cause[512];
    // The holds the supervisor resigned for, comma-separated: instance names
    // and, for [anycast] sections, "anycast NAME" (names have no comma or space).
    char resigned[2048];
};

// A network namespace and boot. The cookie (SO_NETNS_COOKIE, Linux 5.14) is
// never reused; the inode is the fallback where there is no cookie.
struct Origin {
    uint64_t netns_inode;
    uint64_t netns_cookie;  // 0: unknown
    char boot_id[40];       // /proc/sys/kernel/random/boot_id
};
Origin current_origin();
// "" when `o` is this namespace during this boot, else why not.
std::string origin_mismatch(const Origin& o);

struct SharedState {
    uint32_t magic;
    uint32_t version;
    // Where it was made: interface indexes mean something only in that
    // network namespace, and only during that boot (a pid file on disk
    // outlives one), so a held file is resigned for only there and then.
    Origin origin;
    // Worker → supervisor.
    std::atomic<int64_t> heartbeat_ns;      // CLOCK_MONOTONIC of the loop's last turn
    std::atomic<int64_t> stall_timeout_ms;  // -1 until the worker's loop runs; 0: off
    CallRecord loop_call;
    CallRecord thread_calls[kMaxThreadCalls];
    // Supervisor → worker (read once at start).
    RestartRecord restart;
    // Per slot, 0: holds nothing; 1 or 2: held[slot].buffer[current - 1]. Apart
    // from the slots so that clearing or scanning them touches one page, not
    // one per slot.
    std::atomic<uint32_t> held_current[kMaxHeld];
    HeldSlot held[kMaxHeld];
};

static_assert(std::atomic<int64_t>::is_always_lock_free && std::atomic<uint32_t>::is_always_lock_free,
              "shared between processes: the atomics must be lock-free");

// A zeroed SharedState, mapped, in a new memfd or, given a path, in a new
// file there (whatever was at the path is unlinked first: a mapping of it
// stays its holder's), mode 0600, flock()ed for as long as the fd or the
// worker's inherited copy is open; `vigild --resign-leftovers` reads it after
// both processes died. The fd is inherited by the worker: no CLOEXEC. nullptr
// on failure with errno set (ENOSPC: the file system has no room for it).
// Untouched pages cost nothing, in memory or tmpfs; the header is allocated,
// so that a full /run can only fault the worker (which is then resigned
// for), never the supervisor.
SharedState* create_shared_state(int& fd, const std::string& path = "");
// Maps the worker's inherited fd; nullptr when it is not a SharedState.
SharedState* map_shared_state(int fd);


// RestartRecord::resigned: written by the supervisor from the holds it
// resigned for (the Resigner's "SLOT NAME" keys), read by the next worker for
// its note. Told apart by name: an instance name has no space, an anycast's
// hold name is "anycast NAME".
void record_resigned(RestartRecord& record, const std::set<std::string>& done);
struct ResignedHolds {
    std::vector<std::string> instances;  // "VI_1"
    std::vector<std::string> anycasts;   // "anycast web"
};
ResignedHolds resigned_holds(const RestartRecord& record);

// Copies a C string into a fixed field, always terminated.
template <size_t N>
void copy_text(char (&to)[N], const char* from) {
    size_t i = 0;
    for (; from && from[i] && i + 1 < N; ++i) to[i] = from[i];
    to[i] = '\0';
}

}  // namespace vigil::supervisor
