-- SPDX-License-Identifier: Apache-2.0
-- An nginx health check: UP when the page answers 200 and contains the
-- expected text. The request runs on vigild's event loop: this script waits
-- for it without blocking anything else.
--
--   [tracker nginx]
--   type = lua
--   script = /usr/share/vigil/lua/nginx_check.lua
--   url = http://127.0.0.1/health      ; every key reaches the script in cfg
--   expect = ok
--   interval = 1s
--   fall = 3
--   rise = 3
--   weight = -2

function check(cfg)
    local url = cfg.url or "http://127.0.0.1/"
    local res, err = vigil.http_get(url, { timeout = 1 })
    if not res then
        return false, "no answer from " .. url .. ": " .. err
    end
    if res.status ~= 200 then
        return false, "HTTP " .. res.status
    end
    if cfg.expect and not string.find(res.body, cfg.expect, 1, true) then
        return false, "HTTP 200 without '" .. cfg.expect .. "'"
    end
    return true, "HTTP 200"
end
