-- SPDX-License-Identifier: Apache-2.0
-- UP while something accepts TCP connections on host:port.
--
--   [tracker db]
--   type = lua
--   script = /usr/share/vigil/lua/tcp_port.lua
--   host = 127.0.0.1
--   port = 5432

function check(cfg)
    local host, port = cfg.host or "127.0.0.1", tonumber(cfg.port)
    if not port then
        return false, "set port = ... in the tracker section"
    end
    local ok, err = vigil.tcp_check(host, port, 1)
    if ok then
        return true, host .. ":" .. port .. " accepts connections"
    end
    return false, host .. ":" .. port .. ": " .. err
end
