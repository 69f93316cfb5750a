/* SPDX-License-Identifier: Apache-2.0 */
// One [notifier] at run time: an ordered queue and a worker thread of its
// own, so a slow or hung notifier delays nobody but itself. Deliveries that
// fail are retried with backoff; every failure is logged and counted.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "config/model.h"
#include "notify/event.h"
#include "plugin/call_guard.h"
#include "plugin/plugin_registry.h"
#include "vigil/plugin.h"

namespace vigil::notify {

struct RetryPolicy {
    int attempts = 5;                                     // in all, the first included
    std::chrono::milliseconds first_backoff{1000};        // doubled after each failure
    std::chrono::milliseconds max_backoff{30000};
};

class Notifier {
public:
    Notifier(config::NotifierConfig config, plugin::NotifierPlugin type, const vigil_host_api* host, RetryPolicy retry = {});
    ~Notifier();  // stops the worker (see stop())
    Notifier(const Notifier&) = delete;
    Notifier& operator=(const Notifier&) = delete;

    // Creates the plugin's state and the worker; "" or why not.
    std::string start();
    // Queues the event if the `events` filter takes its state. Any thread; never blocks on delivery.
    void publish(const Event& event);
    // Lets the queue drain until `deadline`, then abandons what is left
    // (logged). Blocks the caller up to deadline + one delivery timeout: call
    // it off the event loop except at shutdown.
    void stop(std::chrono::steady_clock::time_point deadline);

    const config::NotifierConfig& config() const { return s_->config; }
    const char* plugin() const { return s_->plugin; }
    size_t queued() const;
    uint64_t delivered() const { return s_->delivered; }
    uint64_t failures() const { return s_->failures; }   // failed attempts
    uint64_t abandoned() const { return s_->abandoned; } // events given up on

private:
    // All the worker touches. Shared, so that a worker left behind (its
    // deliver() hung past every deadline) never uses freed memory.
    struct Shared {
        config::NotifierConfig config;
        const vigil_notifier_type* type = nullptr;
        const char* plugin = "";
        plugin::CallOwner owner;  // every call into the plugin is guarded as this notifier's
        const vigil_host_api* host = nullptr;
        RetryPolicy retry;
        void* plugin_state = nullptr;
        std::mutex mu;
        std::condition_variable cv;
        std::deque<Event> queue;
        bool stopping = false;
        bool busy = false;       // a delivery is in progress
        bool detached = false;   // the worker outlives the Notifier and frees the plugin state
        std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
        std::atomic<uint64_t> delivered{0}, failures{0}, abandoned{0};
    };
    static void run(std::shared_ptr<Shared> s);
    static bool deliver_with_retries(Shared& s, const Event& e);
    static void destroy_plugin_state(Shared& s);

    std::shared_ptr<Shared> s_;
    std::thread worker_;
};

bool event_wanted(unsigned events_mask, const std::string& state);

}  // namespace vigil::notify
