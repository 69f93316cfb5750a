/* SPDX-License-Identifier: Apache-2.0 */
// Scalar value syntax shared by every config section (docs/configuration.md): durations,
// booleans, integers, name lists. Pure functions returning nullopt on bad input;
// the caller turns that into a located error.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::config {

using Duration = std::chrono::milliseconds;

// "1", "1s", "250ms", "0.5s", "2m", "1h"; a bare number is seconds.
// Sub-millisecond precision is refused rather than rounded.
std::optional<Duration> parse_duration(std::string_view text);
std::string format_duration(Duration d);

// yes/no/true/false/on/off/1/0, case-insensitive.
std::optional<bool> parse_bool(std::string_view text);

std::optional<int64_t> parse_integer(std::string_view text);

// Whitespace-separated words.
std::vector<std::string> split_words(std::string_view text);

// "NAME" or "NAME:WEIGHT" (track and track_interface items).
struct WeightedName {
    std::string name;
    std::optional<int64_t> weight;
};
std::optional<WeightedName> parse_weighted_name(std::string_view text);

// A name usable for instances, trackers, notifiers and groups.
bool is_valid_name(std::string_view text);

// Linux interface names: 1-15 characters, no '/', ':' or whitespace.
bool is_valid_interface_name(std::string_view text);

// Notification templates: "{name}" placeholders, each one of `fields`.
// Returns the problem, or "" when the template is fine.
std::string check_template(std::string_view text, const std::vector<std::string>& fields);

std::string_view trim(std::string_view text);

}  // namespace vigil::config
