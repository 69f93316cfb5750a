// SPDX-License-Identifier: Apache-2.0
// The webhook and mail notifiers against real servers in the lab: a Python
// HTTP receiver and Debian's aiosmtpd, both started by the test.
#include <sys/stat.h>

#include <fstream>

#include "e2e_helpers.h"

using namespace vigil::test;

namespace {

const std::string kVip = "192.0.2.251";
const std::string kSupport = std::string(SUPPORT_DIR);

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::unique_ptr<Child> server(Lab& lab, int host, std::vector<std::string> argv) {
    argv.insert(argv.begin(), {kIp, "netns", "exec", lab.ns(host), "/usr/bin/python3"});
    return std::make_unique<Child>(argv);
}

bool listening(Lab& lab, int host, int port) {
    return lab.in(host, {"/usr/bin/python3", "-c", "import socket; socket.create_connection(('127.0.0.1', " + std::to_string(port) + "), 1)"});
}

std::string private_file(Lab& lab, const std::string& name, const std::string& text) {
    auto path = lab.dir().write(name, text);
    chmod(path.c_str(), 0600);
    return path;
}

// One host, master after ~0.4 s: events INIT->BACKUP and BACKUP->MASTER.
std::string master_with(const std::string& notifier) {
    return "[global]\nnotify = n\n" + vrrp_instance("VI_1", 51, 100, kVip + "/24", fast()) + "[notifier n]\n" + notifier;
}

}  // namespace

TEST(WebhookE2E, PostsEveryEventSignedWithItsHeaders) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    auto out = lab.dir().file("hooks.jsonl");
    auto receiver = server(lab, 1, {kSupport + "/http_receiver.py", "--port", "8090", "--out", out, "--secret", "s3cret"});
    ASSERT_TRUE(wait_for([&] { return listening(lab, 1, 8090); }));
    auto secret = private_file(lab, "secret", "s3cret\n");
    lab.start_vigild(1, master_with("type = webhook\nurl = http://127.0.0.1:8090/vigil\nsecret_file = " + secret +
                                    "\nheader = X-Env: lab\nheader = Authorization: Bearer t0ken\n"));
    ASSERT_TRUE(wait_for([&] { return lines(out).size() >= 2; })) << lab.log(1);
    auto hooks = lines(out);
    EXPECT_TRUE(has(hooks[0], "\"path\": \"/vigil\""));
    EXPECT_TRUE(has(hooks[0], "\\\"seq\\\":1,\\\"kind\\\":\\\"instance\\\",\\\"name\\\":\\\"VI_1\\\",\\\"state\\\":\\\"BACKUP\\\",\\\"prev_state\\\":\\\"INIT\\\"")) << hooks[0];
    EXPECT_TRUE(has(hooks[1], "\\\"seq\\\":2,") && has(hooks[1], "\\\"state\\\":\\\"MASTER\\\"")) << hooks[1];
    for (const auto& h : hooks) {
        EXPECT_TRUE(has(h, "\"signature_ok\": true")) << h;
        EXPECT_TRUE(has(h, "\"X-Env\": \"lab\"")) << h;
        EXPECT_TRUE(has(h, "\"Authorization\": \"Bearer t0ken\"")) << h;
        EXPECT_TRUE(has(h, "\"Content-Type\": \"application/json\"")) << h;
        EXPECT_TRUE(has(h, "\\\"vips\\\":[\\\"192.0.2.251\\\"]")) << h;
    }
    EXPECT_FALSE(has(lab.log(1), "s3cret")) << "secrets are never logged";
}

TEST(WebhookE2E, ServerErrorsAreRetriedWithBackoffInOrder) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    auto out = lab.dir().file("hooks.jsonl");
    auto receiver = server(lab, 1, {kSupport + "/http_receiver.py", "--port", "8090", "--out", out, "--fail-first", "2",
                                    "--fail-status", "503", "--fail-body", "down for maintenance\n" + std::string(200, '.')});
    ASSERT_TRUE(wait_for([&] { return listening(lab, 1, 8090); }));
    lab.start_vigild(1, master_with("type = webhook\nurl = http://127.0.0.1:8090/\n"));
    ASSERT_TRUE(wait_for([&] { return lines(out).size() >= 4; }, 15s)) << lab.log(1);
    auto hooks = lines(out);
    EXPECT_TRUE(has(hooks[0], "\"answered\": 503") && has(hooks[0], "\\\"seq\\\":1,"));
    EXPECT_TRUE(has(hooks[1], "\"answered\": 503") && has(hooks[1], "\\\"seq\\\":1,")) << "the same event again";
    EXPECT_TRUE(has(hooks[2], "\"answered\": 204") && has(hooks[2], "\\\"seq\\\":1,"));
    EXPECT_TRUE(has(hooks[3], "\\\"seq\\\":2,")) << "the next event only after the first";
    // The status and the first 128 bytes of the answer, its line break escaped.
    const std::string answer = "HTTP 503, body: 'down for maintenance\\n" + std::string(107, '.') + "...'";
    EXPECT_TRUE(lab.log_has(1, "notifier n: delivery of event 1 failed (attempt 1 of 5), retrying in 1000 ms: " + answer)) << lab.log(1);
    EXPECT_TRUE(lab.log_has(1, "notifier n: delivery of event 1 failed (attempt 2 of 5), retrying in 2000 ms: " + answer));
    EXPECT_FALSE(lab.log_has(1, "delivery of event 2 failed")) << "a 204 is no failure";
}

TEST(WebhookE2E, ADownOrSlowReceiverNeverDelaysVrrp) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    auto out = lab.dir().file("hooks.jsonl");
    // One receiver answers after 5 s (timeout 0.3 s), the other is not there at all.
    auto slow = server(lab, 1, {kSupport + "/http_receiver.py", "--port", "8091", "--out", out, "--delay", "5"});
    ASSERT_TRUE(wait_for([&] { return listening(lab, 1, 8091); }));
    lab.start_vigild(1, "[global]\nnotify = slow down\n" + vrrp_instance("VI_1", 51, 100, kVip + "/24", fast()) +
                            "[notifier slow]\ntype = webhook\nurl = http://127.0.0.1:8091/\ntimeout = 0.3s\n"
                            "[notifier down]\ntype = webhook\nurl = http://127.0.0.1:8099/\n");
    ASSERT_TRUE(lab.wait_address(1, kVip, true, 3s)) << lab.log(1);
    EXPECT_TRUE(lab.wait_log(1, "notifier slow: delivery of event 1 failed (attempt 1 of 5), retrying in 1000 ms: Timeout was reached"))
        << lab.log(1);
    EXPECT_TRUE(lab.wait_log(1, "notifier down: delivery of event 1 failed (attempt 1 of 5), retrying in 1000 ms: Couldn't connect to server"))
        << lab.log(1);
    // Meanwhile the loop kept time: USR1 answers at once and shows the queues.
    lab.signal_vigild(1, SIGUSR1);
    EXPECT_TRUE(lab.wait_log(1, "notifier down (webhook): queue 2", 2s)) << lab.log(1);
}

TEST(MailE2E, StarttlsAuthAndEveryHeader) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    auto out = lab.dir().file("mail.jsonl");
    auto cert = lab.dir().file("cert.pem"), key = lab.dir().file("key.pem");
    run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", key,
         "-out", cert});
    auto smtp = server(lab, 1,
                       {kSupport + "/smtp_server.py", "--port", "8025", "--out", out, "--user", "ops", "--password", "hunter2",
                        "--cert", cert, "--key", key, "--require-tls"});
    ASSERT_TRUE(wait_for([&] { return listening(lab, 1, 8025); }, 15s));
    auto pw = private_file(lab, "pw", "hunter2\n");
    lab.start_vigild(1, master_with("type = mail\nsmtp_url = smtp://127.0.0.1:8025\nstarttls = required\ntls_verify = no\n"
                                    "username = ops\npassword_file = " + pw +
                                    "\nfrom = vigil@example.org\nto = a@example.org\nto = b@example.org\n"
                                    "subject = {name} is {state} on {host}\nbody = moved from {prev_state} because {reason}\\nVIPs: {vips}\n"
                                    "events = master\n"));
    ASSERT_TRUE(wait_for([&] { return lines(out).size() >= 1; }, 10s)) << lab.log(1);
    auto mail = lines(out)[0];
    EXPECT_TRUE(has(mail, "\"from\": \"vigil@example.org\"")) << mail;
    EXPECT_TRUE(has(mail, "\"to\": [\"a@example.org\", \"b@example.org\"]")) << mail;
    EXPECT_TRUE(has(mail, "\"tls\": true")) << mail;
    EXPECT_TRUE(has(mail, "\"auth\": true")) << mail;
    EXPECT_TRUE(has(mail, "Subject: VI_1 is MASTER on h1")) << mail;
    EXPECT_TRUE(has(mail, "Date: ")) << mail;
    EXPECT_TRUE(has(mail, "Message-ID: <vigil.2.")) << mail;
    EXPECT_TRUE(has(mail, "moved from BACKUP because no master seen\\r\\nVIPs: 192.0.2.251")) << mail;
    EXPECT_EQ(lines(out).size(), 1u) << "events = master: the BACKUP event was not mailed";
    EXPECT_FALSE(has(lab.log(1), "hunter2"));
}

TEST(MailE2E, WrongPasswordAndNoServerAreRetriedAndLogged) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    auto out = lab.dir().file("mail.jsonl");
    auto smtp = server(lab, 1, {kSupport + "/smtp_server.py", "--port", "8025", "--out", out, "--user", "ops", "--password", "right"});
    ASSERT_TRUE(wait_for([&] { return listening(lab, 1, 8025); }, 15s));
    auto pw = private_file(lab, "pw", "wrong\n");
    lab.start_vigild(1, "[global]\nnotify = bad none\n" + vrrp_instance("VI_1", 51, 100, kVip + "/24", fast()) +
                            "[notifier bad]\ntype = mail\nsmtp_url = smtp://127.0.0.1:8025\nstarttls = no\nusername = ops\n"
                            "password_file = " + pw + "\nfrom = v@example.org\nto = a@example.org\n"
                            "[notifier none]\ntype = mail\nsmtp_url = smtp://127.0.0.1:8026\nfrom = v@example.org\nto = a@example.org\n");
    EXPECT_TRUE(lab.wait_log(1, "notifier bad: delivery of event 1 failed (attempt 1 of 5), retrying in 1000 ms: "
                                "SMTP server answered 535 '5.7.8 Authentication credentials invalid' to AUTH"))
        << lab.log(1);
    EXPECT_TRUE(lab.wait_log(1, "notifier none: delivery of event 1 failed (attempt 1 of 5), retrying in 1000 ms: Couldn't connect to server"))
        << lab.log(1);
    EXPECT_TRUE(lines(out).empty()) << lines(out).front();
}

// libcurl alone said "Weird server reply" to a 500 after DATA: the log names
// the server's reply and the command it refused. Control: a server that takes
// the mail gets both events and nothing is logged for it.
TEST(MailE2E, RefusalsNameTheServersReplyAndTheCommand) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    auto out = lab.dir().file("mail.jsonl");
    auto data = server(lab, 1, {kSupport + "/smtp_server.py", "--port", "8025", "--out", out, "--refuse", "DATA=500 Error: mailbox on fire"});
    auto rcpt = server(lab, 1, {kSupport + "/smtp_server.py", "--port", "8026", "--out", out, "--refuse", "RCPT=550 5.1.1 no such user"});
    auto fine = server(lab, 1, {kSupport + "/smtp_server.py", "--port", "8027", "--out", out});
    ASSERT_TRUE(wait_for([&] { return listening(lab, 1, 8025) && listening(lab, 1, 8026) && listening(lab, 1, 8027); }, 15s));
    auto mail = [](const std::string& name, int port) {
        return "[notifier " + name + "]\ntype = mail\nsmtp_url = smtp://127.0.0.1:" + std::to_string(port) +
               "\nstarttls = no\nfrom = v@example.org\nto = a@example.org\n";
    };
    lab.start_vigild(1, "[global]\nnotify = data rcpt fine\n" + vrrp_instance("VI_1", 51, 100, kVip + "/24", fast()) + mail("data", 8025) +
                            mail("rcpt", 8026) + mail("fine", 8027));
    EXPECT_TRUE(lab.wait_log(1, "notifier data: delivery of event 1 failed (attempt 1 of 5), retrying in 1000 ms: "
                                "SMTP server answered 500 'Error: mailbox on fire' to DATA"))
        << lab.log(1);
    EXPECT_TRUE(lab.wait_log(1, "notifier rcpt: delivery of event 1 failed (attempt 1 of 5), retrying in 1000 ms: "
                                "SMTP server answered 550 '5.1.1 no such user' to RCPT TO"))
        << lab.log(1);
    ASSERT_TRUE(wait_for([&] { return lines(out).size() >= 2; }, 10s)) << lab.log(1);
    EXPECT_EQ(lines(out).size(), 2u) << "only the accepting server stored mail";
    EXPECT_FALSE(lab.log_has(1, "notifier fine:")) << lab.log(1);
    EXPECT_FALSE(lab.log_has(1, "Weird server reply")) << lab.log(1);
}

TEST(WebhookE2E, AReloadReplacingAHungNotifierNeverStallsVrrp) {
    Lab lab(2);
    REQUIRE_LAB(lab);
    auto out = lab.dir().file("hooks.jsonl");
    auto slow = server(lab, 1, {kSupport + "/http_receiver.py", "--port", "8091", "--out", out, "--delay", "30"});
    ASSERT_TRUE(wait_for([&] { return listening(lab, 1, 8091); }));
    auto h1 = [&](const std::string& timeout) {
        return "[global]\nnotify = slow\n" + vrrp_instance("VI_1", 51, 100, kVip + "/24", fast()) +
               "[notifier slow]\ntype = webhook\nurl = http://127.0.0.1:8091/\ntimeout = " + timeout + "\n";
    };
    lab.start_vigild(1, h1("20s"));
    lab.start_vigild(2, vrrp_instance("VI_1", 51, 99, kVip + "/24", fast()));
    ASSERT_TRUE(wait_for([&] { return lab.holders(kVip) == std::vector<int>{1}; })) << lab.log(1);
    // The notifier is now stuck in a 30 s delivery. Replacing it must not hold the loop.
    auto masters = [&] {
        auto log = lab.log(2);
        size_t n = 0;
        for (size_t at = 0; (at = log.find("-> MASTER", at)) != std::string::npos; ++at) ++n;
        return n;
    };
    auto before = masters();  // the start-up election may have made h2 master for a moment
    lab.dir().write("h1.conf", lab.global(1) + h1("21s"));
    lab.signal_vigild(1, SIGHUP);
    ASSERT_TRUE(lab.wait_log(1, "reloaded", 3s)) << lab.log(1);
    ASSERT_TRUE(heard_adverts(lab, 2, "VI_1", 30)) << lab.log(2);
    EXPECT_EQ(masters(), before) << "h1 kept advertising through the reload\n" << lab.log(2);
}

TEST(MailE2E, ImplicitTlsWithSmtps) {
    Lab lab(1);
    REQUIRE_LAB(lab);
    auto out = lab.dir().file("mail.jsonl");
    auto cert = lab.dir().file("cert.pem"), key = lab.dir().file("key.pem");
    run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", key,
         "-out", cert});
    auto smtp = server(lab, 1, {kSupport + "/smtp_server.py", "--port", "8465", "--out", out, "--cert", cert, "--key", key, "--smtps"});
    ASSERT_TRUE(wait_for([&] { return listening(lab, 1, 8465); }, 15s));
    lab.start_vigild(1, master_with("type = mail\nsmtp_url = smtps://127.0.0.1:8465\ntls_verify = no\nfrom = v@example.org\n"
                                    "to = a@example.org\nevents = master\n"));
    ASSERT_TRUE(wait_for([&] { return lines(out).size() >= 1; }, 10s)) << lab.log(1);
    EXPECT_TRUE(has(lines(out)[0], "Subject: [vigil] VI_1 is MASTER on h1")) << lines(out)[0];
    EXPECT_TRUE(has(lines(out)[0], "\"tls\": true")) << lines(out)[0];
}
