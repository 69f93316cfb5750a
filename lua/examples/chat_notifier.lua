-- SPDX-License-Identifier: Apache-2.0
-- Posts a one-line message per transition to a chat webhook (Slack- and
-- Mattermost-style {"text": ...} bodies). notify() runs on the notifier's own
-- thread; returning false, reason makes vigild retry with backoff.
--
--   [notifier chat]
--   type = lua
--   script = /usr/share/vigil/lua/chat_notifier.lua
--   url = https://chat.example.org/hooks/abc
--   events = master fault

local function json_string(s)
    return '"' .. s:gsub('[%c"\\]', function(c)
        return string.format("\\u%04x", c:byte())
    end) .. '"'
end

function notify(event, cfg)
    local text = string.format("%s %s is now %s on %s (was %s, priority %d): %s",
        event.kind, event.name, event.state, event.host, event.prev_state, event.priority, event.reason)
    local res, err = vigil.http_post(cfg.url, '{"text":' .. json_string(text) .. '}',
        { timeout = 5, headers = { ["Content-Type"] = "application/json" } })
    if not res then
        return false, err
    end
    if res.status < 200 or res.status > 299 then
        return false, "HTTP " .. res.status
    end
    return true
end
