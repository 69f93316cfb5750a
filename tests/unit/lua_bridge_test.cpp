// SPDX-License-Identifier: Apache-2.0
// Real scripts through the Lua bridge plugin, on a real event loop with the
// real host services (loopback only): every host function, yields inside
// pcall, sandbox escapes, runaway loops and memory bombs.
#include <gtest/gtest.h>

#include <event2/event.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "notify/notifier.h"
#include "plugin/host.h"
#include "support/config_helpers.h"
#include "support/event_loop.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "track/tracking.h"

using namespace vigil;
using namespace vigil::test;
using namespace std::chrono_literals;

namespace {

// A listening TCP socket on loopback (accepts nothing itself; the kernel completes handshakes).
struct Listener {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int port = 0;
    Listener() {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        listen(fd, 16);
        socklen_t len = sizeof a;
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
    }
    ~Listener() { close(fd); }
};

class LuaTest : public ::testing::Test {
protected:
    Loop loop;
    plugin::Host host{loop.base, HTTP_ENGINE};
    TempDir dir;

    // Runs one check of `script` (a check(cfg) body) and returns "UP: reason" / "DOWN: reason".
    std::string check(const std::string& script, config::Options extra = {}, std::chrono::milliseconds timeout = 2s) {
        auto path = dir.write("check" + std::to_string(++n_) + ".lua", script);
        config::TrackerConfig c;
        c.name = "t";
        c.type = "lua";
        c.interval = 60s;  // one check
        c.timeout = timeout;
        c.options = {{"script", path, {}}};
        for (auto& o : extra) c.options.push_back(o);
        auto type = plugins().tracker("lua");
        EXPECT_TRUE(type);
        track::TrackerRuntime t(c, type, host.api(), loop.base, [](track::TrackerRuntime&) {});
        auto problem = t.start();
        if (!problem.empty()) return "create failed: " + problem;
        if (!loop.until([&] { return t.checks() >= 1; }, timeout + 3s)) return "no result";
        return std::string(t.state().last_ok() ? "UP: " : "DOWN: ") + t.state().last_reason();
    }

private:
    int n_ = 0;
};

}  // namespace

TEST_F(LuaTest, ReturnsOkAndReason) {
    EXPECT_EQ(check("function check(cfg) return true, 'fine' end"), "UP: fine");
    EXPECT_EQ(check("function check(cfg) return false, 'broken' end"), "DOWN: broken");
    EXPECT_EQ(check("function check(cfg) return nil end"), "DOWN: check failed");
    EXPECT_EQ(check("function check(cfg) return cfg.port == '80', cfg.port end", {{"port", "80", {}}}), "UP: 80")
        << "every other key of the section reaches the script";
}

TEST_F(LuaTest, ErrorsAreDownWithTheReason) {
    auto r = check("function check(cfg) error('boom') end");
    EXPECT_EQ(r.rfind("DOWN: error: ", 0), 0u) << r;
    EXPECT_NE(r.find("boom"), std::string::npos) << r;
    EXPECT_EQ(check("function check(cfg) return nope.nothing end").rfind("DOWN: error: ", 0), 0u);
    auto syntax = check("function check(cfg) return true");
    EXPECT_EQ(syntax.rfind("create failed: ", 0), 0u) << syntax;
    EXPECT_EQ(check("x = 1").rfind("create failed: ", 0), 0u) << "no check() defined";
}

TEST_F(LuaTest, FileAndProcessFunctions) {
    auto file = dir.write("state", "ready\n");
    EXPECT_EQ(check("function check(cfg) return vigil.file_exists(cfg.f) and not vigil.file_exists(cfg.f .. '.no'), "
                    "vigil.read_file(cfg.f) end",
                    {{"f", file, {}}}),
              "UP: ready\n");
    EXPECT_EQ(check("function check(cfg) local s, e = vigil.read_file('/nonexistent') return s == nil, e end"),
              "UP: No such file or directory");
    EXPECT_EQ(check("function check(cfg) return vigil.process_count('vigil_unit_test') >= 1, "
                    "tostring(vigil.process_count('no-such-process')) end"),
              "UP: 0");
    EXPECT_EQ(check("function check(cfg) local t = vigil.now() vigil.log('info', 'hello') return t > 0, 'ok' end"), "UP: ok");
}

TEST_F(LuaTest, SleepAndTcpCheckWaitWithoutBlocking) {
    Listener open_port;
    int closed_port = [] {
        Listener l;
        return l.port;
    }();
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(check("function check(cfg) local a = vigil.now() vigil.sleep(0.1) return vigil.now() - a >= 0.09, 'slept' end"),
              "UP: slept");
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 100ms);
    EXPECT_EQ(check("function check(cfg) return vigil.tcp_check('127.0.0.1', " + std::to_string(open_port.port) + ", 1) end"),
              "UP: check passed");
    EXPECT_EQ(check("function check(cfg) return vigil.tcp_check('127.0.0.1', " + std::to_string(closed_port) + ", 1) end"),
              "DOWN: Connection refused");
}

TEST_F(LuaTest, HttpGetAndPostYieldEvenInsidePcall) {
    auto www = dir.path() / "www";
    std::filesystem::create_directories(www);
    dir.write("www/health", "ok\n");
    Listener probe;  // a free port for the server
    int port = probe.port;
    close(probe.fd);
    probe.fd = -1;
    Child server({"/usr/bin/python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", www.string(), std::to_string(port)});
    ASSERT_TRUE(wait_for([&] { return run({"/usr/bin/curl", "-sf", "http://127.0.0.1:" + std::to_string(port) + "/health"}).status == 0; }));
    auto url = "http://127.0.0.1:" + std::to_string(port);
    EXPECT_EQ(check("function check(cfg) local r = vigil.http_get('" + url + "/health') return r.status == 200, r.body end"),
              "UP: ok\n");
    EXPECT_EQ(check("function check(cfg) local ok, r = pcall(vigil.http_get, '" + url + "/missing') "
                    "return ok and r.status == 404, 'pcall ' .. tostring(ok) .. ' ' .. r.status end"),
              "UP: pcall true 404");
    // http.server answers POST with 501: still an answer with a status. (The
    // headers table's two forms are checked end to end by the chat notifier.)
    EXPECT_EQ(check("function check(cfg) local r = vigil.http_post('" + url + "/', 'x', {headers = {['X-A'] = 'b'}}) "
                    "return r.status == 501, tostring(r.status) end"),
              "UP: 501");
    EXPECT_EQ(check("function check(cfg) local r, e = vigil.http_get('http://127.0.0.1:1/') return r == nil, e end"),
              "UP: Couldn't connect to server");
}

TEST_F(LuaTest, TheSandboxRefusesEveryEscape) {
    const char* escapes[] = {
        "os.execute('id')", "io.open('/etc/passwd')", "load('return 1')", "loadfile('/etc/passwd')", "dofile('/etc/passwd')",
        "require('os')", "string.dump(check)", "debug.getinfo(1)", "print('x')", "collectgarbage('stop')", "package.loadlib('x', 'y')",
        "getmetatable('').__index.dump(check)", "setmetatable(_G, {__index = function(t, k) return rawget(t, 'os') end}); return os.execute",
    };
    for (const char* e : escapes) {
        auto r = check(std::string("function check(cfg) local f = function() ") + e + " end local ok, err = pcall(f) "
                       "return not ok or err == nil, tostring(err) end");
        EXPECT_EQ(r.rfind("UP: ", 0), 0u) << e << " -> " << r;
    }
    // Control: something allowed does work.
    EXPECT_EQ(check("function check(cfg) return string.format('%d', 42) == '42' and math.max(1, 2) == 2, 'ok' end"), "UP: ok");
    // The script cannot hijack the host's yields either.
    EXPECT_EQ(check("function check(cfg) return coroutine.yield(1) end"), "DOWN: check() yielded outside a vigil host call");
}

TEST_F(LuaTest, ARunawayLoopIsCutOffAndTheLoopKeepsTime) {
    // A 10 ms timer on the same loop measures how late it ever fires.
    struct Ticker {
        event* ev;
        std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
        std::chrono::microseconds worst{0};
    } ticker{};
    ticker.ev = event_new(loop.base, -1, EV_PERSIST, [](int, short, void* p) {
        auto* t = static_cast<Ticker*>(p);
        auto now = std::chrono::steady_clock::now();
        t->worst = std::max(t->worst, std::chrono::duration_cast<std::chrono::microseconds>(now - t->last - 10ms));
        t->last = now;
    }, &ticker);
    timeval ten{0, 10'000};
    event_add(ticker.ev, &ten);
    auto r = check("function check(cfg) while true do end end", {{"budget", "50ms", {}}});
    EXPECT_EQ(r, "DOWN: error: time budget of 50 ms exceeded (a runaway loop?)") << r;
    loop.until([] { return false; }, 50ms);  // a few more ticks
    EXPECT_LT(ticker.worst, 50ms + 40ms) << "the loop was blocked at most about the budget";
    event_free(ticker.ev);
}

// budget and memory_limit_mb are keys the bridge declares (SDK 1.2): the host
// checks them in the words of any duration or integer, fills in their
// defaults, and scripts still see only the keys their section has.
TEST_F(LuaTest, TheBridgesOwnKeysAreDeclaredCheckedAndDefaulted) {
    EXPECT_EQ(check("function check(cfg) while true do end end", {{"budget", "0.08s", {}}}),
              "DOWN: error: time budget of 80 ms exceeded (a runaway loop?)");
    EXPECT_EQ(check("function check(cfg) while true do end end"), "DOWN: error: time budget of 50 ms exceeded (a runaway loop?)")
        << "the declared default";
    EXPECT_EQ(check("function check(cfg) return cfg.budget == nil and cfg.memory_limit_mb == nil, 'as written' end"),
              "UP: as written");
    EXPECT_EQ(check("function check(cfg) return cfg.budget == '80ms', cfg.budget end", {{"budget", "80ms", {}}}), "UP: 80ms");

    auto r = load(instance("track = t\n") + "[tracker t]\ntype = lua\nscript = /x.lua\nbudget = soon\nmemory_limit_mb = 0\n");
    auto all = joined(r);
    EXPECT_NE(all.find("t.conf:9: budget: 'soon' is not a duration (e.g. 1s, 250ms, 0.5s, 2m)"), std::string::npos) << all;
    EXPECT_NE(all.find("t.conf:10: memory_limit_mb: 0 is out of range (1-65536)"), std::string::npos) << all;
    auto zero = joined(load(instance("track = t\n") + "[tracker t]\ntype = lua\nscript = /x.lua\nbudget = 0\n"));
    EXPECT_NE(zero.find("t.conf:9: budget: must be greater than 0"), std::string::npos) << "a 1.2 duration's min holds: " << zero;
}

TEST_F(LuaTest, AMemoryBombIsCutOffAtTheCap) {
    auto r = check("function check(cfg) local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 1000) .. i end end",
                   {{"memory_limit_mb", "8", {}}, {"budget", "5s", {}}});
    EXPECT_EQ(r, "DOWN: error: not enough memory") << r;
    // The daemon is unharmed: the next script runs normally.
    EXPECT_EQ(check("function check(cfg) return true, 'alive' end"), "UP: alive");
}

TEST_F(LuaTest, ATimeoutCancelsThePendingWaitCleanly) {
    // check() waits 5 s; the tracker's timeout is 0.2 s: the wait is cancelled
    // and the result is the engine's timeout, not a late resume.
    auto t0 = std::chrono::steady_clock::now();
    auto r = check("function check(cfg) vigil.sleep(5) return true, 'woke' end", {}, 200ms);
    EXPECT_EQ(r, "DOWN: no result within the timeout of 200ms");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    loop.until([] { return false; }, 300ms);  // nothing fires for the abandoned run
}

TEST_F(LuaTest, ANotifierGetsEveryFieldAndCanFail) {
    auto path = dir.write("n.lua",
                          "function notify(e, cfg)\n"
                          "  if e.state ~= 'MASTER' then return false, 'not master: ' .. e.state end\n"
                          "  return e.seq == 7 and e.name == 'VI_1' and e.vips[1] == '192.0.2.251' and cfg.channel == 'ops'\n"
                          "    and e.json:find('\"seq\":7') ~= nil\n"
                          "end\n");
    config::NotifierConfig c;
    c.name = "n";
    c.type = "lua";
    c.timeout = 1s;
    c.options = {{"script", path, {}}, {"channel", "ops", {}}};
    notify::Notifier n(c, plugins().notifier("lua"), host.api(), notify::RetryPolicy{1, 1ms, 1ms});
    ASSERT_EQ(n.start(), "");
    notify::Event e;
    e.seq = 7;
    e.kind = "instance";
    e.name = "VI_1";
    e.state = "MASTER";
    e.prev_state = "BACKUP";
    e.vips = {"192.0.2.251"};
    n.publish(e);
    e.seq = 8;
    e.state = "BACKUP";
    n.publish(e);
    ASSERT_TRUE(wait_for([&] { return n.delivered() + n.abandoned() == 2; }));
    EXPECT_EQ(n.delivered(), 1u);
    EXPECT_EQ(n.abandoned(), 1u) << "false, reason is a failed delivery";
}
