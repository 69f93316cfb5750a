#include "notify/notifier.h"

#include "log/logger.h"
#include "plugin/plugin_registry.h"

namespace vigil::notify {

bool event_wanted(unsigned mask, const std::string& state) {
    if (state == "MASTER") return mask & config::kEventMaster;
    if (state == "BACKUP") return mask & config::kEventBackup;
    if (state == "FAULT") return mask & config::kEventFault;
    if (state == "STOP") return mask & config::kEventStop;
    return false;
}

Notifier::Notifier(config::NotifierConfig config, const vigil_notifier_type* type, const vigil_host_api* host, RetryPolicy retry)
    : config_(std::move(config)), type_(type), host_(host), retry_(retry) {}

Notifier::~Notifier() {
    stop(std::chrono::steady_clock::now());
    if (plugin_state_) type_->destroy(plugin_state_);
}

std::string Notifier::start() {
    plugin::PluginConfig pc(config_.name, config_.type, config_.options, 0, config_.timeout.count());
    char err[512] = {};
    plugin_state_ = type_->create(host_, pc.get(), err, sizeof err);
    if (!plugin_state_) return err[0] ? err : "the plugin could not create it";
    worker_ = std::thread([this] { run(); });
    return "";
}

void Notifier::publish(const Event& event) {
    if (!event_wanted(config_.events, event.state)) return;
    {
        std::lock_guard lock(mu_);
        if (stopping_) return;
        queue_.push_back(event);
    }
    cv_.notify_one();
}

size_t Notifier::queued() const {
    std::lock_guard lock(mu_);
    return queue_.size();
}

void Notifier::stop(std::chrono::steady_clock::time_point deadline) {
    {
        std::lock_guard lock(mu_);
        if (!stopping_) {
            stopping_ = true;
            deadline_ = deadline;
        }
    }
    cv_.notify_all();
    if (!worker_.joinable()) return;
    std::unique_lock lock(mu_);
    auto drained = [&] { return queue_.empty() && !busy_; };
    cv_.wait_until(lock, deadline, drained);
    // Past the deadline: wake a worker sleeping in backoff so it gives up. A
    // deliver() that ignores its own timeout could hang forever; after a
    // grace of one timeout its thread is left behind rather than waited for.
    cv_.notify_all();
    bool done = cv_.wait_until(lock, deadline + config_.timeout, drained);
    lock.unlock();
    if (done) worker_.join();
    else worker_.detach();
}

void Notifier::run() {
    while (true) {
        Event e;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;
            if (stopping_ && std::chrono::steady_clock::now() >= deadline_) {
                abandoned_ += queue_.size();
                VLOG_ERROR("notifier %s: stopping with %zu event(s) undelivered", config_.name.c_str(), queue_.size());
                queue_.clear();
                cv_.notify_all();
                return;
            }
            e = queue_.front();
            busy_ = true;
        }
        bool ok = deliver_with_retries(e);
        {
            std::lock_guard lock(mu_);
            queue_.pop_front();
            busy_ = false;
        }
        cv_.notify_all();
        if (!ok) ++abandoned_;
    }
}

bool Notifier::deliver_with_retries(const Event& e) {
    auto json = e.json();
    std::vector<const char*> vips;
    for (const auto& v : e.vips) vips.push_back(v.c_str());
    vigil_event ev{sizeof(vigil_event), e.seq, e.kind.c_str(), e.name.c_str(), e.state.c_str(), e.prev_state.c_str(),
                   e.priority, vips.data(), vips.size(), e.host.c_str(), e.time.c_str(), e.reason.c_str(), json.c_str()};
    auto backoff = retry_.first_backoff;
    for (int attempt = 1;; ++attempt) {
        char err[512] = {};
        auto started = std::chrono::steady_clock::now();
        int rc = type_->deliver(plugin_state_, &ev, config_.timeout.count(), err, sizeof err);
        auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        if (took > config_.timeout)
            VLOG_WARNING("notifier %s: a delivery took %lld ms, over its timeout of %lld ms", config_.name.c_str(),
                         (long long)took.count(), (long long)config_.timeout.count());
        if (rc == 0) {
            ++delivered_;
            return true;
        }
        ++failures_;
        if (attempt >= retry_.attempts) {
            VLOG_ERROR("notifier %s: giving up on event %llu (%s %s) after %d attempts: %s", config_.name.c_str(),
                       (unsigned long long)e.seq, e.name.c_str(), e.state.c_str(), attempt, err[0] ? err : "failed");
            return false;
        }
        VLOG_WARNING("notifier %s: delivery of event %llu failed (attempt %d of %d), retrying in %lld ms: %s",
                     config_.name.c_str(), (unsigned long long)e.seq, attempt, retry_.attempts, (long long)backoff.count(),
                     err[0] ? err : "failed");
        std::unique_lock lock(mu_);
        // A stop past its deadline ends the waiting (the event is then abandoned).
        cv_.wait_for(lock, backoff, [&] { return stopping_ && std::chrono::steady_clock::now() >= deadline_; });
        if (stopping_ && std::chrono::steady_clock::now() >= deadline_) return false;
        backoff = std::min(backoff * 2, retry_.max_backoff);
    }
}

}  // namespace vigil::notify
