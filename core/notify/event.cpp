// SPDX-License-Identifier: Apache-2.0
#include "notify/event.h"

#include <cstdio>
#include <ctime>

#include "log/level.h"

namespace vigil::notify {

std::string json_escape(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out;
}

std::string Event::json() const {
    std::string vip_list;
    for (const auto& v : vips) vip_list += (vip_list.empty() ? "\"" : ",\"") + json_escape(v) + "\"";
    return "{\"version\":1,\"seq\":" + std::to_string(seq) + ",\"kind\":\"" + json_escape(kind) + "\",\"name\":\"" +
           json_escape(name) + "\",\"state\":\"" + json_escape(state) + "\",\"prev_state\":\"" + json_escape(prev_state) +
           "\",\"priority\":" + std::to_string(priority) + ",\"vips\":[" + vip_list + "],\"host\":\"" + json_escape(host) +
           "\",\"time\":\"" + json_escape(time) + "\",\"reason\":\"" + json_escape(reason) + "\"}";
}

std::string rfc3339_now() { return log::utc_timestamp(); }

}  // namespace vigil::notify
