// SPDX-License-Identifier: Apache-2.0
#include "notify/notifier.h"

#include "log/logger.h"
#include "plugin/plugin_registry.h"

namespace vigil::notify {

bool event_wanted(unsigned mask, const std::string& state) {
    if (state == "MASTER") return mask & config::kEventMaster;
    if (state == "BACKUP") return mask & config::kEventBackup;
    if (state == "FAULT") return mask & config::kEventFault;
    if (state == "STOP") return mask & config::kEventStop;
    if (state == "ANNOUNCED") return mask & config::kEventAnnounced;
    if (state == "WITHDRAWN") return mask & config::kEventWithdrawn;
    return false;
}

Notifier::Notifier(config::NotifierConfig config, plugin::NotifierPlugin type, const vigil_host_api* host, RetryPolicy retry)
    : s_(std::make_shared<Shared>()) {
    s_->config = std::move(config);
    s_->type = type.type;
    s_->plugin = type.plugin;
    s_->owner = plugin::CallOwner::of(type.plugin, "notifier", s_->config.name);
    s_->host = host;
    s_->retry = retry;
}

Notifier::~Notifier() {
    stop(std::chrono::steady_clock::now());
    std::lock_guard lock(s_->mu);
    if (!s_->detached) destroy_plugin_state(*s_);
}

void Notifier::destroy_plugin_state(Shared& s) {
    if (!s.plugin_state) return;
    plugin::CallGuard guard(s.owner, "destroy");
    s.type->destroy(s.plugin_state);
    s.plugin_state = nullptr;
}

std::string Notifier::start() {
    plugin::PluginConfig pc(*s_->type, s_->config.name, s_->config.type, s_->config.options, 0, s_->config.timeout.count());
    char err[512] = {};
    {
        plugin::CallGuard guard(s_->owner, "create");
        s_->plugin_state = s_->type->create(s_->host, pc.get(), err, sizeof err);
    }
    if (!s_->plugin_state) return err[0] ? err : "the plugin could not create it";
    worker_ = std::thread(run, s_);
    return "";
}

void Notifier::publish(const Event& event) {
    if (!event_wanted(s_->config.events, event.state)) return;
    {
        std::lock_guard lock(s_->mu);
        if (s_->stopping) return;
        s_->queue.push_back(event);
    }
    s_->cv.notify_one();
}

size_t Notifier::queued() const {
    std::lock_guard lock(s_->mu);
    return s_->queue.size();
}

void Notifier::stop(std::chrono::steady_clock::time_point deadline) {
    auto& s = *s_;
    {
        std::lock_guard lock(s.mu);
        if (!s.stopping) {
            s.stopping = true;
            s.deadline = deadline;
        }
    }
    s.cv.notify_all();
    if (!worker_.joinable()) return;
    std::unique_lock lock(s.mu);
    auto drained = [&] { return s.queue.empty() && !s.busy; };
    s.cv.wait_until(lock, deadline, drained);
    // Past the deadline: wake a worker sleeping in backoff so it gives up. A
    // deliver() that ignores its own timeout could hang forever; after a
    // grace of one timeout its thread is left behind rather than waited for.
    s.cv.notify_all();
    bool done = s.cv.wait_until(lock, deadline + s.config.timeout, drained);
    if (!done) {
        s.detached = true;
        VLOG_ERROR("notifier %s: a delivery is still hanging past its timeout; leaving it behind", s.config.name.c_str());
    }
    lock.unlock();
    if (done) worker_.join();
    else worker_.detach();
}

void Notifier::run(std::shared_ptr<Shared> sp) {
    auto& s = *sp;
    while (true) {
        Event e;
        {
            std::unique_lock lock(s.mu);
            s.cv.wait(lock, [&] { return s.stopping || !s.queue.empty(); });
            if (s.queue.empty()) break;
            if (s.stopping && std::chrono::steady_clock::now() >= s.deadline) {
                s.abandoned += s.queue.size();
                VLOG_ERROR("notifier %s: stopping with %zu event(s) undelivered", s.config.name.c_str(), s.queue.size());
                s.queue.clear();
                s.cv.notify_all();
                break;
            }
            e = s.queue.front();
            s.busy = true;
        }
        bool ok = deliver_with_retries(s, e);
        {
            std::lock_guard lock(s.mu);
            s.queue.pop_front();
            s.busy = false;
        }
        s.cv.notify_all();
        if (!ok) ++s.abandoned;
    }
    // Left behind by stop(): nobody else will free the plugin's state.
    std::lock_guard lock(s.mu);
    if (s.detached) destroy_plugin_state(s);
}

bool Notifier::deliver_with_retries(Shared& s, const Event& e) {
    auto json = e.json();
    std::vector<const char*> vips;
    for (const auto& v : e.vips) vips.push_back(v.c_str());
    vigil_event ev{sizeof(vigil_event), e.seq, e.kind.c_str(), e.name.c_str(), e.state.c_str(), e.prev_state.c_str(),
                   e.priority, vips.data(), vips.size(), e.host.c_str(), e.time.c_str(), e.reason.c_str(), json.c_str()};
    auto backoff = s.retry.first_backoff;
    const auto& name = s.config.name;
    for (int attempt = 1;; ++attempt) {
        char err[512] = {};
        int rc;
        {
            // deliver() may block (that is what its thread is for), up to its timeout.
            plugin::CallGuard guard(s.owner, "deliver", s.config.timeout);
            rc = s.type->deliver(s.plugin_state, &ev, s.config.timeout.count(), err, sizeof err);
        }
        if (rc == 0) {
            ++s.delivered;
            return true;
        }
        ++s.failures;
        if (attempt >= s.retry.attempts) {
            VLOG_ERROR("notifier %s: giving up on event %llu (%s %s) after %d attempts: %s", name.c_str(), (unsigned long long)e.seq,
                       e.name.c_str(), e.state.c_str(), attempt, err[0] ? err : "failed");
            return false;
        }
        VLOG_WARNING("notifier %s: delivery of event %llu failed (attempt %d of %d), retrying in %lld ms: %s", name.c_str(),
                     (unsigned long long)e.seq, attempt, s.retry.attempts, (long long)backoff.count(), err[0] ? err : "failed");
        std::unique_lock lock(s.mu);
        // A stop past its deadline ends the waiting (the event is then abandoned).
        auto given_up = [&] { return s.stopping && std::chrono::steady_clock::now() >= s.deadline; };
        s.cv.wait_for(lock, backoff, given_up);
        if (given_up()) return false;
        backoff = std::min(backoff * 2, s.retry.max_backoff);
    }
}

}  // namespace vigil::notify
