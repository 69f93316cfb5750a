// SPDX-License-Identifier: Apache-2.0
// The supervisor's parts: the restart backoff, how a death is told, the
// shared state the worker publishes its holds into (double-buffered), the
// order an instance tells of a VIP (before adding it, after removing it),
// and the resignation itself on a real veth: VIPs gone, priority 0 on the wire.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstring>
#include <thread>

#include "config/model.h"
#include "config/route_syntax.h"
#include "net/address_manager.h"
#include "net/announcer.h"
#include "net/interface_info.h"
#include "net/vrrp_socket.h"
#include "supervisor/exit_cause.h"
#include "supervisor/held_routes.h"
#include "supervisor/leftovers.h"
#include "supervisor/resign.h"
#include "supervisor/restart_policy.h"
#include "supervisor/shared_state.h"
#include "supervisor/worker_link.h"
#include "support/event_loop.h"
#include "support/temp_dir.h"
#include "veth_instance.h"

using namespace vigil;
using namespace std::chrono_literals;
using supervisor::RestartPolicy;

namespace {

TEST(RestartPolicy, TheFirstDeathRestartsAtOnceAndACrashLoopBacksOffToThirtySeconds) {
    RestartPolicy policy;
    auto t = RestartPolicy::Clock::time_point{} + 1000s;
    EXPECT_EQ(policy.next_delay(t - 3600s, t), 0ms) << "a worker that ran an hour";
    std::vector<std::chrono::milliseconds> delays;
    for (int i = 0; i < 8; ++i) {
        auto started = t + 1s;
        t = started + 5s;  // dies 5 s after its start
        delays.push_back(policy.next_delay(started, t));
    }
    EXPECT_EQ(delays, (std::vector<std::chrono::milliseconds>{1s, 2s, 4s, 8s, 16s, 30s, 30s, 30s}));
    // A worker that ran a minute ends the loop: the next death restarts at once.
    EXPECT_EQ(policy.next_delay(t, t + 60s), 0ms);
    EXPECT_EQ(policy.next_delay(t + 61s, t + 62s), 1s);
}

TEST(ExitCause, SignalsCoreDumpsAndExitStatusesInWords) {
    EXPECT_EQ(supervisor::describe_exit(SIGSEGV | 0x80), "killed by signal SIGSEGV (core dumped)");
    EXPECT_EQ(supervisor::describe_exit(SIGKILL), "killed by signal SIGKILL");
    EXPECT_EQ(supervisor::describe_exit(3 << 8), "exited with status 3");
}

TEST(ExitCause, NamesThePluginCallbacksInFlight) {
    int fd = -1;
    auto* shared = supervisor::create_shared_state(fd);
    ASSERT_NE(shared, nullptr);
    EXPECT_EQ(supervisor::describe_calls(*shared), "") << "no call in flight";
    supervisor::copy_text(shared->loop_call.plugin, "faulty");
    supervisor::copy_text(shared->loop_call.callback, "poll");
    supervisor::copy_text(shared->loop_call.object, "tracker 'crashy'");
    shared->loop_call.active = 1;
    EXPECT_EQ(supervisor::describe_calls(*shared), " in plugin 'faulty' poll of tracker 'crashy'");
    supervisor::copy_text(shared->thread_calls[3].plugin, "mail");
    supervisor::copy_text(shared->thread_calls[3].callback, "deliver");
    supervisor::copy_text(shared->thread_calls[3].object, "notifier 'ops'");
    shared->thread_calls[3].active = 1;
    EXPECT_EQ(supervisor::describe_calls(*shared),
              " in plugin 'faulty' poll of tracker 'crashy'; a notifier thread was in plugin 'mail' deliver of notifier 'ops'");
    close(fd);
}

TEST(StallTimeout, DefaultsToTwiceTheSmallestAdvertAndAtLeast200Ms) {
    config::Config c;
    EXPECT_EQ(config::stall_timeout_of(c), config::Duration{200});
    config::InstanceConfig slow, fast;
    slow.advert_int = config::Duration{1000};
    fast.advert_int = config::Duration{300};
    c.instances = {slow};
    EXPECT_EQ(config::stall_timeout_of(c), config::Duration{2000});
    c.instances = {slow, fast};
    EXPECT_EQ(config::stall_timeout_of(c), config::Duration{600});
    c.instances[1].advert_int = config::Duration{50};
    EXPECT_EQ(config::stall_timeout_of(c), config::Duration{200});
    c.global.stall_timeout = config::Duration{0};
    EXPECT_EQ(config::stall_timeout_of(c), config::Duration{0}) << "0 turns it off";
}

struct Linked {
    int shared_fd = -1;
    int sockets[2] = {-1, -1};
    supervisor::SharedState* shared = nullptr;
    std::unique_ptr<supervisor::WorkerLink> link;

    // In a memfd, or given a path, in that file (as vigild keeps it).
    explicit Linked(const std::string& file = "") {
        shared = supervisor::create_shared_state(shared_fd, file);
        socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets);
        std::string error;
        // attach() takes the worker's copies: the supervisor keeps its own.
        link = supervisor::WorkerLink::attach(dup(shared_fd), sockets[1], error);
    }
    ~Linked() {
        link.reset();
        close(sockets[0]);
        close(shared_fd);
    }
    std::vector<const supervisor::HeldInstance*> held() const {
        std::vector<const supervisor::HeldInstance*> out;
        for (size_t slot = 0; slot < supervisor::kMaxHeld; ++slot)
            if (uint32_t c = shared->held_current[slot].load()) out.push_back(&shared->held[slot].buffer[c - 1]);
        return out;
    }
};

vrrp::Hold hold(const std::string& instance, const std::string& vip) {
    vrrp::Hold h;
    h.instance = instance;
    h.ifname = "eth0";
    h.ifindex = 2;
    h.resign.vrid = 51;
    h.resign.addresses = {net::IpPrefix::parse(vip)->address};
    h.src = net::IpAddress::parse("192.0.2.11");
    h.destinations = {vrrp::multicast_group(net::Family::V4)};
    h.vips = {{2, *net::IpPrefix::parse(vip)}};
    return h;
}

TEST(WorkerLink, HoldsArePublishedIntoTheSharedStateAndAReplacementNeverTearsTheLastOne) {
    Linked l;
    ASSERT_TRUE(l.link);
    l.link->holding(hold("VI_1", "192.0.2.251/24"));
    l.link->holding(hold("VI_2", "192.0.2.252/24"));
    auto held = l.held();
    ASSERT_EQ(held.size(), 2u);
    EXPECT_STREQ(held[0]->name, "VI_1");
    EXPECT_EQ(held[0]->vip_count, 1);
    EXPECT_EQ(held[0]->vips[0].prefix_len, 24);
    EXPECT_EQ(held[0]->address_count, 1);

    // A new hold of VI_1 goes to the other buffer; the one in force is untouched until the switch.
    const auto* before = held[0];
    auto changed = hold("VI_1", "192.0.2.253/24");
    l.link->holding(changed);
    held = l.held();
    ASSERT_EQ(held.size(), 2u);
    EXPECT_NE(held[0], before);
    EXPECT_EQ(held[0]->vips[0].bytes[3], 253);
    EXPECT_EQ(before->vips[0].bytes[3], 251) << "the previous buffer is intact";

    l.link->released("VI_1");
    held = l.held();
    ASSERT_EQ(held.size(), 1u);
    EXPECT_STREQ(held[0]->name, "VI_2");
}

// An [anycast] section's holds, as core/anycast publishes them: addresses on
// an interface, or routes in a table; no advert.
vrrp::Hold anycast_addresses(const std::string& section, int ifindex, const std::vector<std::string>& prefixes) {
    vrrp::Hold h;
    h.kind = vrrp::HoldKind::Anycast;
    h.instance = "anycast " + section;
    for (const auto& p : prefixes) h.vips.push_back({ifindex, *net::IpPrefix::parse(p)});
    return h;
}

vrrp::Hold anycast_routes(const std::string& section, const std::vector<std::string>& routes) {
    vrrp::Hold h;
    h.kind = vrrp::HoldKind::Anycast;
    h.instance = "anycast " + section;
    for (const auto& r : routes) h.routes.push_back(config::parse_route(r).route);
    return h;
}

TEST(WorkerLink, AnAnycastHoldKeepsItsKindAndItsPrefixesOrRoutesInTheSharedState) {
    Linked l;
    ASSERT_TRUE(l.link);
    l.link->holding(hold("VI_1", "192.0.2.251/24"));
    l.link->holding(anycast_addresses("web", 1, {"192.0.2.200/32", "2001:db8:ffff::200/128"}));
    auto route = config::parse_route("192.0.2.201/32 dev lo table 100 scope host").route;
    l.link->holding(anycast_routes("db", {route.str()}));
    auto held = l.held();
    ASSERT_EQ(held.size(), 3u);

    EXPECT_STREQ(held[0]->name, "VI_1");
    EXPECT_EQ(held[0]->kind, supervisor::kHeldInstance);

    const auto& web = *held[1];
    EXPECT_STREQ(web.name, "anycast web");
    EXPECT_EQ(web.kind, supervisor::kHeldAnycast);
    ASSERT_EQ(web.vip_count, 2);
    EXPECT_EQ(web.vips[0].family, 4);
    EXPECT_EQ(web.vips[0].prefix_len, 32);
    EXPECT_EQ(web.vips[0].ifindex, 1);
    EXPECT_EQ(web.vips[0].bytes[3], 200);
    EXPECT_EQ(web.vips[1].family, 6);
    EXPECT_EQ(web.vips[1].prefix_len, 128);
    EXPECT_EQ(web.vips[1].bytes[15], 0x00);
    EXPECT_EQ(web.vips[1].bytes[14], 0x02);
    EXPECT_EQ(web.has_src, 0);
    EXPECT_EQ(web.destination_count, 0);
    EXPECT_EQ(web.address_count, 0) << "no advert to carry addresses";
    EXPECT_EQ(web.route_count, 0);

    const auto& db = *held[2];
    EXPECT_STREQ(db.name, "anycast db");
    EXPECT_EQ(db.kind, supervisor::kHeldAnycast);
    EXPECT_EQ(db.vip_count, 0);
    ASSERT_EQ(db.route_count, 1);
    EXPECT_EQ(supervisor::load_route(db.routes[0]), route);

    // A replacement (a Live reload's new prefix list) keeps the kind.
    l.link->holding(anycast_addresses("web", 1, {"192.0.2.202/32"}));
    held = l.held();
    ASSERT_EQ(held.size(), 3u);
    EXPECT_EQ(held[1]->kind, supervisor::kHeldAnycast);
    EXPECT_EQ(held[1]->vip_count, 1);
}

TEST(WorkerLink, ANewWorkerStartsHoldingNothingAndSeesWhyTheLastOneDied) {
    int fd = -1;
    auto* shared = supervisor::create_shared_state(fd);
    shared->held_current[7] = 1;  // what a dead worker left
    shared->restart.restarts = 2;
    supervisor::copy_text(shared->restart.last_cause, "worker pid 42 killed by signal SIGSEGV");
    supervisor::copy_text(shared->restart.resigned, "VI_1");
    int sockets[2];
    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets);
    std::string error;
    auto link = supervisor::WorkerLink::attach(dup(fd), sockets[1], error);
    ASSERT_TRUE(link) << error;
    EXPECT_EQ(shared->held_current[7].load(), 0u);
    EXPECT_EQ(link->restart_note(),
              "the worker restarted (restart 2): worker pid 42 killed by signal SIGSEGV; the supervisor resigned for it as MASTER of VI_1");
    link.reset();
    close(sockets[0]);
    close(fd);
}

TEST(WorkerLink, TheNoteTellsTheInstancesResignedForFromTheAnycastSectionsWithdrawn) {
    int fd = -1;
    auto* shared = supervisor::create_shared_state(fd);
    shared->restart.restarts = 1;
    supervisor::copy_text(shared->restart.last_cause, "worker pid 42 killed by signal SIGKILL");
    // What the supervisor records: the Resigner's "SLOT NAME" keys.
    supervisor::record_resigned(shared->restart, {"0 VI_1", "1 anycast web", "2 VI_2", "3 anycast db"});
    auto held = supervisor::resigned_holds(shared->restart);
    EXPECT_EQ(held.instances, (std::vector<std::string>{"VI_1", "VI_2"}));
    EXPECT_EQ(held.anycasts, (std::vector<std::string>{"anycast web", "anycast db"}));
    int sockets[2];
    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets);
    std::string error;
    auto link = supervisor::WorkerLink::attach(dup(fd), sockets[1], error);
    ASSERT_TRUE(link) << error;
    EXPECT_EQ(link->restart_note(),
              "the worker restarted (restart 1): worker pid 42 killed by signal SIGKILL; the supervisor resigned for it as MASTER of "
              "VI_1 VI_2 and withdrew anycast web, anycast db");
    supervisor::record_resigned(shared->restart, {"5 anycast web"});
    EXPECT_EQ(link->restart_note(),
              "the worker restarted (restart 1): worker pid 42 killed by signal SIGKILL; the supervisor withdrew anycast web");
    supervisor::record_resigned(shared->restart, {});
    EXPECT_EQ(link->restart_note(), "the worker restarted (restart 1): worker pid 42 killed by signal SIGKILL");
    link.reset();
    close(sockets[0]);
    close(fd);
}

TEST(WorkerLink, AnFdThatIsNoSharedStateIsRefused) {
    int sockets[2];
    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets);
    std::string error;
    EXPECT_FALSE(supervisor::WorkerLink::attach(dup(sockets[0]), sockets[1], error));
    EXPECT_NE(error.find("is not a supervisor's shared state"), std::string::npos) << error;
    close(sockets[0]);
}

// --- on a real veth, in a network namespace of the test's own ---------------

// What makes resigning for a dead worker safe: at every moment the
// registry's view covers the VIPs on the interface.
class OrderCheckingRegistry : public vrrp::HoldRegistry {
public:
    void holding(const vrrp::Hold& hold) override {
        events.push_back(std::string("holding ") + (test::vip_on_vt0() ? "after" : "before") + " the add, " +
                         std::to_string(hold.vips.size()) + " VIP(s)");
    }
    void released(const std::string& instance) override {
        events.push_back("released " + instance + (test::vip_on_vt0() ? " before" : " after") + " the removal");
    }
    std::vector<std::string> events;
};

TEST(HoldOrder, AnInstanceTellsOfAVipBeforeItAddsItAndAfterItRemovedIt) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_TRUE(test::make_veth());
    OrderCheckingRegistry registry;
    test::InstanceRig rig(&registry);
    vrrp::Instance instance(test::veth_instance_config(), rig.context);
    instance.start();
    test::hear(instance, 100);  // a lower-priority master: preempt
    ASSERT_EQ(instance.machine().state(), vrrp::State::Master);
    ASSERT_TRUE(test::vip_on_vt0());
    test::hear(instance, 200);
    ASSERT_EQ(instance.machine().state(), vrrp::State::Backup);
    EXPECT_EQ(registry.events, (std::vector<std::string>{"holding before the add, 1 VIP(s)", "released VI_1 after the removal"}));
}

// vt1's VRRP socket; vt1 must accept packets from vt0's (local) address.
std::unique_ptr<net::VrrpSocket> listen_on_vt1() {
    if (test::run({"/usr/sbin/sysctl", "-qw", "net.ipv4.conf.vt1.accept_local=1", "net.ipv4.conf.all.accept_local=1"}).status != 0)
        return nullptr;
    std::string error;
    auto listener = net::VrrpSocket::open(net::Family::V4, "vt1", net::read_interface("vt1").index, error);
    EXPECT_TRUE(listener) << error;
    return listener;
}

TEST(Resigner, RemovesTheHeldVipsAndSendsPriorityZeroForAWorkerThatIsGone) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_TRUE(test::make_veth());
    auto listener = listen_on_vt1();
    ASSERT_TRUE(listener);
    Linked l;
    {
        // The worker: MASTER with its VIP, published through the link.
        test::InstanceRig rig(l.link.get());
        vrrp::Instance instance(test::veth_instance_config(), rig.context);
        instance.start();
        test::hear(instance, 100);
        ASSERT_EQ(instance.machine().state(), vrrp::State::Master);
        ASSERT_TRUE(test::vip_on_vt0());
        // ... and it dies here: no stop(), the hold stays published.
    }
    ASSERT_TRUE(test::vip_on_vt0());
    std::vector<uint8_t> drain;
    vrrp::Received ignored;
    while (listener->receive(drain, ignored) != net::VrrpSocket::Read::Nothing) {
    }

    supervisor::Resigner resigner;
    std::set<std::string> done;
    auto resigned = resigner.resign(*l.shared, done);
    ASSERT_EQ(resigned.size(), 1u);
    EXPECT_EQ(resigned[0].instance, "VI_1");
    EXPECT_EQ(resigned[0].vips_removed, 1);
    EXPECT_EQ(resigned[0].adverts_sent, 1);
    EXPECT_TRUE(resigned[0].problems.empty()) << resigned[0].problems.front();
    EXPECT_FALSE(test::vip_on_vt0()) << "the dead worker's VIP is removed";

    // On the wire: a valid VRRPv3 advert for VRID 51 with priority 0.
    std::vector<uint8_t> buffer;
    vrrp::Received packet;
    bool heard = test::wait_for([&] { return listener->receive(buffer, packet) == net::VrrpSocket::Read::Packet; }, 2s);
    ASSERT_TRUE(heard) << "no advert on vt1";
    auto advert = vrrp::decode(packet);
    ASSERT_TRUE(advert.advert) << "undecodable";
    EXPECT_EQ(advert.advert->vrid, 51);
    EXPECT_EQ(advert.advert->priority, 0);
    EXPECT_EQ(packet.src.str(), "192.0.2.11");

    // Seen twice (the "dying" word, then the exit): priority 0 once, but the
    // VIPs are removed again, in case the not-quite-dead worker added one.
    ASSERT_TRUE(test::ip({"addr", "add", "192.0.2.251/24", "dev", "vt0"}));
    EXPECT_TRUE(resigner.resign(*l.shared, done).empty());
    EXPECT_FALSE(test::vip_on_vt0()) << "a VIP added after the first resignation stays";
    std::vector<uint8_t> again;
    EXPECT_EQ(listener->receive(again, packet), net::VrrpSocket::Read::Nothing) << "priority 0 sent twice";
}

TEST(Leftovers, TheHeldFileSitsBesideThePidFile) {
    EXPECT_EQ(supervisor::held_file_path("/run/vigil/vigild.pid"), "/run/vigil/vigild.held");
    EXPECT_EQ(supervisor::held_file_path("/tmp/t/h1.pid"), "/tmp/t/h1.held");
    EXPECT_EQ(supervisor::held_file_path("/run/vigild"), "/run/vigild.held");
    EXPECT_EQ(supervisor::held_file_path("/run/x/.pid"), "/run/x/.pid.held") << "no name left without .pid";
}

// Both processes die (nothing resigns): the holds stay in the file, and
// whoever reads it next resigns for them once — on the real kernel.
TEST(Leftovers, AHeldFileOutlivesBothProcessesAndIsResignedForOnceThenRemoved) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_TRUE(test::make_veth());
    auto listener = listen_on_vt1();
    ASSERT_TRUE(listener);
    test::TempDir dir;
    const auto held = dir.file("vigild.held");
    {
        // The supervisor makes the file; its worker, a child process here,
        // becomes MASTER with its VIP, published through the link ...
        int fd = -1;
        auto* shared = supervisor::create_shared_state(fd, held);
        ASSERT_TRUE(shared) << strerror(errno);
        int report[2];
        ASSERT_EQ(pipe(report), 0);
        pid_t worker = fork();
        ASSERT_GE(worker, 0);
        if (worker == 0) {
            int sockets[2];
            socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets);
            std::string error;
            auto link = supervisor::WorkerLink::attach(dup(fd), sockets[1], error);
            if (!link) _exit(2);
            // What fork (not exec) gave it of the supervisor's: a worker has only its own.
            close(fd);
            munmap(shared, sizeof(supervisor::SharedState));
            test::InstanceRig rig(link.get());
            vrrp::Instance instance(test::veth_instance_config(), rig.context);
            instance.start();
            test::hear(instance, 100);
            // A plugin's child, forked without exec, outlives the worker: it
            // must not keep the held file locked.
            pid_t child = fork();
            if (child == 0) {
                pause();
                _exit(0);
            }
            if (write(report[1], &child, sizeof child) != sizeof child) _exit(4);
            // ... and dies here: no stop(), the hold stays published.
            _exit(instance.machine().state() == vrrp::State::Master && test::vip_on_vt0() ? 0 : 3);
        }
        close(report[1]);
        int status = 0;
        ASSERT_EQ(waitpid(worker, &status, 0), worker);
        pid_t plugin_child = -1;
        ASSERT_EQ(read(report[0], &plugin_child, sizeof plugin_child), static_cast<ssize_t>(sizeof plugin_child));
        close(report[0]);
        struct Reap {
            pid_t pid;
            ~Reap() { kill(pid, SIGKILL); }
        } reap{plugin_child};
        ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the worker did not become MASTER: " << status;
        ASSERT_EQ(kill(plugin_child, 0), 0) << "the plugin's child lives on";
        // Then the supervisor dies too: its mapping and fd go (a mapping
        // holds the open file, and with it the lock).
        munmap(shared, sizeof(supervisor::SharedState));
        close(fd);
    }
    ASSERT_TRUE(test::vip_on_vt0());
    std::vector<uint8_t> drain;
    vrrp::Received packet;
    while (listener->receive(drain, packet) != net::VrrpSocket::Read::Nothing) {
    }

    auto left = supervisor::resign_leftovers(held);
    EXPECT_TRUE(left.found);
    EXPECT_EQ(left.problem, "");
    ASSERT_EQ(left.resigned.size(), 1u);
    EXPECT_EQ(left.resigned[0].instance, "VI_1");
    EXPECT_EQ(left.resigned[0].vips_removed, 1);
    EXPECT_EQ(left.resigned[0].adverts_sent, 1);
    EXPECT_FALSE(test::vip_on_vt0());
    std::vector<uint8_t> buffer;
    ASSERT_TRUE(test::wait_for([&] { return listener->receive(buffer, packet) == net::VrrpSocket::Read::Packet; }, 2s));
    auto advert = vrrp::decode(packet);
    ASSERT_TRUE(advert.advert);
    EXPECT_EQ(advert.advert->priority, 0);
    EXPECT_NE(access(held.c_str(), F_OK), 0) << "removed once resigned for";

    // Read again (ExecStopPost after a start that resigned already): nothing.
    auto again = supervisor::resign_leftovers(held);
    EXPECT_FALSE(again.found);
    EXPECT_TRUE(again.resigned.empty());
    EXPECT_FALSE(test::wait_for([&] { return listener->receive(buffer, packet) == net::VrrpSocket::Read::Packet; }, 200ms))
        << "priority 0 sent twice";

    // A file that is no held state (another version's) is not read, and
    // stays: a new vigild's start replaces it.
    int junk = open(held.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(junk, 0);
    ASSERT_EQ(write(junk, "not a held file\n", 16), 16);
    close(junk);
    auto bad = supervisor::resign_leftovers(held);
    EXPECT_TRUE(bad.found);
    EXPECT_NE(bad.problem.find("is not a held file"), std::string::npos) << bad.problem;
    EXPECT_EQ(access(held.c_str(), F_OK), 0);

    // While a vigild runs, its supervisor's fd, or the copy its worker
    // inherited, holds the file's lock: nobody resigns in its place.
    int fd = -1;
    auto* running = supervisor::create_shared_state(fd, held);
    ASSERT_TRUE(running);
    int worker_fd = dup(fd);  // fork + exec keeps the open file, and its lock
    auto busy = supervisor::resign_leftovers(held);
    EXPECT_TRUE(busy.busy);
    EXPECT_NE(busy.problem.find("held by a vigild that still runs"), std::string::npos) << busy.problem;
    munmap(running, sizeof(supervisor::SharedState));  // the supervisor dies; its worker stops gracefully
    close(fd);
    EXPECT_TRUE(supervisor::resign_leftovers(held).busy) << "the worker still holds it";
    EXPECT_EQ(access(held.c_str(), F_OK), 0);
    close(worker_fd);

    // Written in another network namespace: its interface indexes are not
    // this one's, so it is neither resigned for here nor removed.
    auto written = [&](auto change) {
        int f = -1;
        auto* state = supervisor::create_shared_state(f, held);
        if (!state) return false;
        change(state->origin);
        munmap(state, sizeof(supervisor::SharedState));
        close(f);
        return true;
    };
    ASSERT_TRUE(written([](supervisor::Origin& o) {
        EXPECT_EQ(o.netns_inode, supervisor::current_origin().netns_inode);
        o.netns_inode += 1;
        if (o.netns_cookie) o.netns_cookie += 1;
    }));
    auto foreign = supervisor::resign_leftovers(held);
    EXPECT_NE(foreign.problem.find("another network namespace"), std::string::npos) << foreign.problem;
    EXPECT_EQ(access(held.c_str(), F_OK), 0);
    // An earlier boot's (a pid file on disk): nothing of it is in the kernel.
    ASSERT_TRUE(written([](supervisor::Origin& o) { o.boot_id[0] = o.boot_id[0] == '0' ? '1' : '0'; }));
    auto stale = supervisor::resign_leftovers(held);
    EXPECT_EQ(stale.problem, "");
    EXPECT_NE(stale.note.find("an earlier boot"), std::string::npos) << stale.note;
    EXPECT_NE(access(held.c_str(), F_OK), 0);
    // Not as vigild makes it (readable by others: planted?): not read, kept.
    ASSERT_TRUE(written([](supervisor::Origin&) {}));
    ASSERT_EQ(chmod(held.c_str(), 0644), 0);
    auto planted = supervisor::resign_leftovers(held);
    EXPECT_TRUE(planted.untouchable);
    EXPECT_NE(planted.problem.find("not a private regular file"), std::string::npos) << planted.problem;
    EXPECT_EQ(access(held.c_str(), F_OK), 0);
}

// `ip route show table 100` and `ip rule show` in the test's namespace.
std::string table_100() { return test::run({"/usr/sbin/ip", "route", "show", "table", "100"}).out; }
std::string rules() { return test::run({"/usr/sbin/ip", "rule", "show"}).out; }

TEST(Resigner, RemovesTheRoutesAndRulesOfAWorkerThatIsGone) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_TRUE(test::make_veth());
    auto config = test::veth_instance_config();
    config.routes.push_back({config::parse_route("192.0.2.128/26 via 192.0.2.1 dev vt0 table 100").route, {}});
    config.routes.push_back({config::parse_route("blackhole 192.0.2.192/26 table 100").route, {}});
    config.rules.push_back({config::parse_rule("from 192.0.2.251 table 100 priority 100").rule, {}});
    Linked l;
    {
        test::InstanceRig rig(l.link.get());
        vrrp::Instance instance(config, rig.context);
        instance.start();
        test::hear(instance, 100);
        ASSERT_EQ(instance.machine().state(), vrrp::State::Master);
        EXPECT_NE(table_100().find("192.0.2.128/26 via 192.0.2.1 dev vt0 proto 118"), std::string::npos) << table_100();
        EXPECT_NE(table_100().find("blackhole 192.0.2.192/26 proto 118"), std::string::npos) << table_100();
        EXPECT_NE(rules().find("100:\tfrom 192.0.2.251 lookup 100 proto 118"), std::string::npos) << rules();
        // The worker dies here: no stop(), the hold stays published.
    }
    supervisor::Resigner resigner;
    std::set<std::string> done;
    auto resigned = resigner.resign(*l.shared, done);
    ASSERT_EQ(resigned.size(), 1u);
    EXPECT_EQ(resigned[0].routes_removed, 3);
    EXPECT_EQ(resigned[0].vips_removed, 1);
    EXPECT_EQ(table_100(), "") << "the dead worker's routes stay";
    EXPECT_EQ(rules().find("lookup 100"), std::string::npos) << rules();
    EXPECT_FALSE(test::vip_on_vt0());
}

TEST(Instance, SweepsItsRoutesAtStartAddsThemAsMasterRemovesThemAsBackupAndLeavesOthersAlone) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_TRUE(test::make_veth());
    auto config = test::veth_instance_config();
    config.routes.push_back({config::parse_route("192.0.2.128/26 via 192.0.2.1 dev vt0 table 100").route, {}});
    config.routes.push_back({config::parse_route("blackhole 192.0.2.192/26 table 100").route, {}});
    config.rules.push_back({config::parse_rule("from 192.0.2.251 table 100 priority 100").rule, {}});
    // A crashed run's route (protocol 118, as vigil adds them), and one
    // systemd-networkd or an administrator added to the same destination
    // with another metric, `proto static`: a removal without a metric takes
    // any metric, so only the protocol keeps it from taking this one.
    ASSERT_TRUE(test::ip({"route", "add", "blackhole", "192.0.2.192/26", "table", "100", "proto", "118"}));
    ASSERT_TRUE(test::ip({"route", "add", "192.0.2.128/26", "via", "192.0.2.1", "dev", "vt0", "table", "100", "metric", "7", "proto", "static"}));
    const std::string admins = "192.0.2.128/26 via 192.0.2.1 dev vt0 proto static metric 7";
    test::InstanceRig rig;
    vrrp::Instance instance(config, rig.context);
    instance.start();
    EXPECT_EQ(table_100(), admins + " \n") << "the start sweeps our leftovers, only ours";
    test::hear(instance, 100);
    ASSERT_EQ(instance.machine().state(), vrrp::State::Master);
    EXPECT_NE(table_100().find("192.0.2.128/26 via 192.0.2.1 dev vt0 proto 118 \n"), std::string::npos) << table_100();
    EXPECT_NE(table_100().find("blackhole 192.0.2.192/26 proto 118"), std::string::npos) << table_100();
    EXPECT_NE(table_100().find(admins), std::string::npos) << table_100();
    EXPECT_NE(rules().find("from 192.0.2.251 lookup 100"), std::string::npos) << rules();
    test::hear(instance, 200);
    ASSERT_EQ(instance.machine().state(), vrrp::State::Backup);
    EXPECT_EQ(table_100(), admins + " \n");
    EXPECT_EQ(rules().find("lookup 100"), std::string::npos) << rules();
}

TEST(Resigner, AnAddressOwnerKeepsItsAddressesAndSendsNoPriorityZero) {
    // Resigning touches interfaces: only ever those of a namespace of our own.
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    Linked l;
    auto owner = hold("VI_O", "192.0.2.11/24");
    owner.vips.clear();  // its own address: not added by the worker
    owner.owner = true;
    l.link->holding(owner);
    supervisor::Resigner resigner;
    std::set<std::string> done;
    auto resigned = resigner.resign(*l.shared, done);
    ASSERT_EQ(resigned.size(), 1u);
    EXPECT_TRUE(resigned[0].owner);
    EXPECT_EQ(resigned[0].adverts_sent, 0) << "a peer taking over would hold the owner's own address too";
    EXPECT_TRUE(resigned[0].problems.empty());
}

TEST(Resigner, ScribbledCountsAndNamesAreBounded) {
    // Resigning touches interfaces: only ever those of a namespace of our own.
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    Linked l;
    l.link->holding(hold("VI_1", "192.0.2.251/24"));
    auto& h = l.shared->held[0].buffer[l.shared->held_current[0].load() - 1];
    ASSERT_STREQ(h.name, "VI_1");
    h.vip_count = 65535;
    h.address_count = 65535;
    h.destination_count = 65535;
    h.has_src = 0;
    std::memset(h.name, 'x', sizeof h.name);  // no terminator
    supervisor::Resigner resigner;
    std::set<std::string> done;
    auto resigned = resigner.resign(*l.shared, done);  // must not read past the slot
    ASSERT_EQ(resigned.size(), 1u);
    EXPECT_EQ(resigned[0].instance, std::string(sizeof h.name, 'x'));
}

std::string table_100_routes() { return test::run({"/usr/sbin/ip", "route", "show", "table", "100"}).out; }
bool on_lo(const char* address) { return net::read_interface("lo").has(*net::IpAddress::parse(address)); }

// Drains what a VRRP socket heard so far.
void drain(net::VrrpSocket& listener) {
    std::vector<uint8_t> buffer;
    vrrp::Received ignored;
    while (listener.receive(buffer, ignored) != net::VrrpSocket::Read::Nothing) {
    }
}

TEST(Resigner, WithdrawsAnAnycastSectionsAddressesAndRoutesWithoutAnAdvertAndStillResignsTheInstances) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_TRUE(test::make_veth());
    ASSERT_TRUE(test::ip({"link", "set", "lo", "up"}));
    auto listener = listen_on_vt1();
    ASSERT_TRUE(listener);
    int lo = net::read_interface("lo").index;
    // What a dead worker left: an address-mode section's prefixes on lo, a
    // route-mode section's route in table 100, and a MASTER instance's VIP.
    net::AddressManager addresses;
    net::RouteManager routes;
    ASSERT_EQ(addresses.add(lo, *net::IpPrefix::parse("192.0.2.200/32"), ""), "");
    ASSERT_EQ(addresses.add(lo, *net::IpPrefix::parse("2001:db8:ffff::200/128"), ""), "");
    auto route = config::parse_route("192.0.2.201/32 dev lo table 100 scope host").route;
    ASSERT_EQ(routes.add(route), "");
    ASSERT_TRUE(test::ip({"addr", "add", "192.0.2.251/24", "dev", "vt0"}));
    ASSERT_TRUE(on_lo("192.0.2.200") && on_lo("2001:db8:ffff::200"));
    ASSERT_NE(table_100_routes().find("192.0.2.201 dev lo proto 118 scope host"), std::string::npos) << table_100_routes();
    Linked l;
    l.link->holding(anycast_addresses("web", lo, {"192.0.2.200/32", "2001:db8:ffff::200/128"}));
    l.link->holding(anycast_routes("db", {route.str()}));
    auto instance = hold("VI_1", "192.0.2.251/24");
    instance.ifname = "vt0";
    instance.ifindex = net::read_interface("vt0").index;
    instance.vips = {{instance.ifindex, *net::IpPrefix::parse("192.0.2.251/24")}};
    l.link->holding(instance);
    drain(*listener);

    supervisor::Resigner resigner;
    std::set<std::string> done;
    auto resigned = resigner.resign(*l.shared, done);
    ASSERT_EQ(resigned.size(), 3u);
    const auto& web = resigned[0];
    EXPECT_EQ(web.instance, "anycast web");
    EXPECT_TRUE(web.anycast);
    EXPECT_EQ(web.prefixes, 2);
    EXPECT_EQ(web.vips_removed, 2);
    EXPECT_EQ(web.adverts_sent, 0);
    EXPECT_TRUE(web.problems.empty()) << web.problems.front();
    const auto& db = resigned[1];
    EXPECT_EQ(db.instance, "anycast db");
    EXPECT_TRUE(db.anycast);
    EXPECT_EQ(db.prefixes, 1);
    EXPECT_EQ(db.routes_removed, 1);
    EXPECT_EQ(db.adverts_sent, 0);
    EXPECT_TRUE(db.problems.empty()) << db.problems.front();
    EXPECT_FALSE(on_lo("192.0.2.200")) << "the dead worker's anycast address stays announced";
    EXPECT_FALSE(on_lo("2001:db8:ffff::200"));
    EXPECT_EQ(table_100_routes(), "") << "the dead worker's anycast route stays announced";

    // The control: the instance beside them is resigned as before.
    const auto& vi = resigned[2];
    EXPECT_EQ(vi.instance, "VI_1");
    EXPECT_FALSE(vi.anycast);
    EXPECT_EQ(vi.adverts_sent, 1);
    EXPECT_FALSE(test::vip_on_vt0());
    std::vector<uint8_t> buffer;
    vrrp::Received packet;
    ASSERT_TRUE(test::wait_for([&] { return listener->receive(buffer, packet) == net::VrrpSocket::Read::Packet; }, 2s))
        << "the instance's priority 0 is not on vt1";
    auto decoded = vrrp::decode(packet);
    ASSERT_TRUE(decoded.advert) << "undecodable";
    EXPECT_EQ(decoded.advert->priority, 0);
    EXPECT_EQ(listener->receive(buffer, packet), net::VrrpSocket::Read::Nothing) << "more than the instance's one advert";
}

// Killed with its worker, a vigild's announced prefixes stay on lo (and stay
// announced by the routing daemon) until the held file is read: then they
// are withdrawn, and no advert goes out for them.
TEST(Leftovers, AnAnycastSectionsPrefixesAreWithdrawnFromTheHeldFileWithoutAnAdvert) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_TRUE(test::make_veth());
    ASSERT_TRUE(test::ip({"link", "set", "lo", "up"}));
    auto listener = listen_on_vt1();
    ASSERT_TRUE(listener);
    int lo = net::read_interface("lo").index;
    net::AddressManager addresses;
    net::RouteManager routes;
    ASSERT_EQ(addresses.add(lo, *net::IpPrefix::parse("192.0.2.200/32"), ""), "");
    auto route = config::parse_route("192.0.2.201/32 dev lo table 100 scope host").route;
    ASSERT_EQ(routes.add(route), "");
    test::TempDir dir;
    const auto held = dir.file("vigild.held");
    int fd = -1;
    auto* shared = supervisor::create_shared_state(fd, held);
    ASSERT_TRUE(shared) << strerror(errno);
    pid_t worker = fork();
    ASSERT_GE(worker, 0);
    if (worker == 0) {  // the worker: announces both sections, then dies
        int sockets[2];
        socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets);
        std::string error;
        auto link = supervisor::WorkerLink::attach(dup(fd), sockets[1], error);
        if (!link) _exit(2);
        link->holding(anycast_addresses("web", lo, {"192.0.2.200/32"}));
        link->holding(anycast_routes("db", {route.str()}));
        _exit(0);
    }
    int status = 0;
    ASSERT_EQ(waitpid(worker, &status, 0), worker);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    munmap(shared, sizeof(supervisor::SharedState));  // and the supervisor dies too
    close(fd);
    drain(*listener);

    auto left = supervisor::resign_leftovers(held);
    EXPECT_EQ(left.problem, "");
    ASSERT_EQ(left.resigned.size(), 2u);
    EXPECT_EQ(left.resigned[0].instance, "anycast web");
    EXPECT_EQ(left.resigned[0].vips_removed, 1);
    EXPECT_EQ(left.resigned[1].instance, "anycast db");
    EXPECT_EQ(left.resigned[1].routes_removed, 1);
    EXPECT_FALSE(on_lo("192.0.2.200"));
    EXPECT_EQ(table_100_routes(), "");
    std::vector<uint8_t> buffer;
    vrrp::Received packet;
    EXPECT_FALSE(test::wait_for([&] { return listener->receive(buffer, packet) == net::VrrpSocket::Read::Packet; }, 200ms))
        << "an advert for an anycast section";
}

TEST(Resigner, AnAnycastSlotSendsNoAdvertWhateverElseItHoldsAndAnUnknownKindIsAnInstance) {
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "needs root for a network namespace of its own";
    ASSERT_TRUE(test::make_veth());
    auto listener = listen_on_vt1();
    ASSERT_TRUE(listener);
    int vt0 = net::read_interface("vt0").index;
    Linked l;
    // An anycast hold that carries everything an advert would need (a plugin
    // scribbled them, say), VRID 51: the kind alone decides that none is sent.
    auto filled = hold("anycast web", "192.0.2.251/24");
    filled.kind = vrrp::HoldKind::Anycast;
    filled.ifname = "vt0";
    filled.ifindex = vt0;
    filled.vips.clear();
    l.link->holding(filled);
    // An instance hold, VRID 52, whose kind byte is then neither 0 nor 1: read
    // as an instance (what a slot meant before it had a kind).
    auto odd = hold("VI_2", "192.0.2.252/24");
    odd.resign.vrid = 52;
    odd.ifname = "vt0";
    odd.ifindex = vt0;
    odd.vips.clear();
    l.link->holding(odd);
    auto& h = l.shared->held[1].buffer[l.shared->held_current[1].load() - 1];
    ASSERT_STREQ(h.name, "VI_2");
    h.kind = 7;
    drain(*listener);

    supervisor::Resigner resigner;
    std::set<std::string> done;
    auto resigned = resigner.resign(*l.shared, done);
    ASSERT_EQ(resigned.size(), 2u);
    EXPECT_TRUE(resigned[0].anycast);
    EXPECT_EQ(resigned[0].adverts_sent, 0);
    EXPECT_FALSE(resigned[1].anycast);
    EXPECT_EQ(resigned[1].adverts_sent, 1);
    // Sent in slot order: an advert for the anycast slot would come first.
    std::vector<uint8_t> buffer;
    vrrp::Received packet;
    ASSERT_TRUE(test::wait_for([&] { return listener->receive(buffer, packet) == net::VrrpSocket::Read::Packet; }, 2s))
        << "no priority 0 for the slot of unknown kind";
    auto decoded = vrrp::decode(packet);
    ASSERT_TRUE(decoded.advert) << "undecodable";
    EXPECT_EQ(decoded.advert->vrid, 52) << "an advert for the anycast section";
    EXPECT_EQ(listener->receive(buffer, packet), net::VrrpSocket::Read::Nothing) << "more than one advert";
}

}  // namespace
