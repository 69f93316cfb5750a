/* SPDX-License-Identifier: Apache-2.0 */
// The notification event, and its JSON form (also the webhook body): the schema
// is in docs/vigilctl.md, "The event" (tests/unit/event_schema_test.cpp keeps them equal).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vigil::notify {

struct Event {
    uint64_t seq = 0;
    std::string kind;  // "instance", "group" or "anycast"
    std::string name;
    std::string state;       // MASTER BACKUP FAULT STOP; anycast: ANNOUNCED WITHDRAWN
    std::string prev_state;  // also INIT
    int priority = 0;
    std::vector<std::string> vips;
    std::string host;
    std::string time;  // RFC 3339 UTC with milliseconds
    std::string reason;

    std::string json() const;
};

// Now as "2026-11-25T22:50:02.123Z".
std::string rfc3339_now();
std::string json_escape(const std::string& s);

}  // namespace vigil::notify
