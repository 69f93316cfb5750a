// One [notifier] at run time: an ordered queue and a worker thread of its
// own, so a slow or hung notifier delays nobody but itself. Deliveries that
// fail are retried with backoff; every failure is logged and counted.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "config/model.h"
#include "notify/event.h"
#include "vigil/plugin.h"

namespace vigil::notify {

struct RetryPolicy {
    int attempts = 5;                                     // in all, the first included
    std::chrono::milliseconds first_backoff{1000};        // doubled after each failure
    std::chrono::milliseconds max_backoff{30000};
};

class Notifier {
public:
    Notifier(config::NotifierConfig config, const vigil_notifier_type* type, const vigil_host_api* host,
             RetryPolicy retry = {});
    ~Notifier();  // stops the worker (see stop())
    Notifier(const Notifier&) = delete;
    Notifier& operator=(const Notifier&) = delete;

    // Creates the plugin's state and the worker; "" or why not.
    std::string start();
    // Queues the event if the `events` filter takes its state. Any thread; never blocks on delivery.
    void publish(const Event& event);
    // Lets the queue drain until `deadline`, then abandons what is left (logged).
    void stop(std::chrono::steady_clock::time_point deadline);

    const config::NotifierConfig& config() const { return config_; }
    size_t queued() const;
    uint64_t delivered() const { return delivered_; }
    uint64_t failures() const { return failures_; }   // failed attempts
    uint64_t abandoned() const { return abandoned_; } // events given up on

private:
    void run();
    bool deliver_with_retries(const Event& e);

    config::NotifierConfig config_;
    const vigil_notifier_type* type_;
    const vigil_host_api* host_;
    RetryPolicy retry_;
    void* plugin_state_ = nullptr;
    std::thread worker_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Event> queue_;
    bool stopping_ = false;
    bool busy_ = false;  // a delivery is in progress
    std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
    std::atomic<uint64_t> delivered_{0}, failures_{0}, abandoned_{0};
};

bool event_wanted(unsigned events_mask, const std::string& state);

}  // namespace vigil::notify
