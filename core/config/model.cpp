// SPDX-License-Identifier: Apache-2.0
#include "config/model.h"

#include <algorithm>

namespace vigil::config {

std::vector<std::string> names_of(const std::vector<NameRef>& refs) {
    std::vector<std::string> out;
    for (const auto& r : refs) out.push_back(r.name);
    return out;
}

const Option* find_option(const Options& options, std::string_view key) {
    // The last occurrence wins, so a conf.d drop-in can override a value.
    auto it = std::find_if(options.rbegin(), options.rend(),
                           [&](const Option& o) { return o.key == key; });
    return it == options.rend() ? nullptr : &*it;
}

namespace {
template <typename T>
const T* by_name(const std::vector<T>& items, std::string_view name) {
    auto it = std::find_if(items.begin(), items.end(), [&](const T& t) { return t.name == name; });
    return it == items.end() ? nullptr : &*it;
}
}  // namespace

const InstanceConfig* Config::instance(std::string_view name) const { return by_name(instances, name); }
const GroupConfig* Config::group(std::string_view name) const { return by_name(groups, name); }
const TrackerConfig* Config::tracker(std::string_view name) const { return by_name(trackers, name); }
const NotifierConfig* Config::notifier(std::string_view name) const { return by_name(notifiers, name); }
const AnycastConfig* Config::anycast(std::string_view name) const { return by_name(anycasts, name); }

Duration stall_timeout_of(const Config& config) {
    if (config.global.stall_timeout) return *config.global.stall_timeout;
    constexpr Duration kFloor{200};
    if (config.instances.empty()) return kFloor;
    Duration smallest = config.instances.front().advert_int;
    for (const auto& i : config.instances) smallest = std::min(smallest, i.advert_int);
    return std::max(kFloor, 2 * smallest);
}

}  // namespace vigil::config
