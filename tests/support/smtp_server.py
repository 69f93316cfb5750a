#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""An SMTP server for the tests (Debian's python3-aiosmtpd): records every
message as one JSON line (envelope and content). Optional AUTH (--user,
--password), STARTTLS (--cert/--key; --require-tls refuses mail before it),
implicit TLS (--smtps), --fail-first N (451 to the first N messages) and
--refuse COMMAND=REPLY (MAIL, RCPT or DATA answered with REPLY, e.g.
"DATA=500 Error: mailbox on fire")."""
import argparse, json, ssl, threading, time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--host", default="127.0.0.1")
p.add_argument("--out", required=True)
p.add_argument("--user")
p.add_argument("--password")
p.add_argument("--cert")
p.add_argument("--key")
p.add_argument("--require-tls", action="store_true")
p.add_argument("--smtps", action="store_true")
p.add_argument("--fail-first", type=int, default=0)
p.add_argument("--refuse", action="append", default=[])
args = p.parse_args()
refuse = dict(r.split("=", 1) for r in args.refuse)
seen = 0

class Handler:
    async def handle_MAIL(self, server, session, envelope, address, options):
        if "MAIL" in refuse:
            return refuse["MAIL"]
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if "RCPT" in refuse:
            return refuse["RCPT"]
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        global seen
        if "DATA" in refuse:
            return refuse["DATA"]
        seen += 1
        if seen <= args.fail_first:
            return "451 try again later"
        with open(args.out, "a") as f:
            f.write(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                                "content": envelope.content.decode("utf-8", "replace"),
                                "tls": server.transport.get_extra_info("ssl_object") is not None,
                                "auth": session.authenticated}) + "\n")
        return "250 OK"

def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.user \
        and auth_data.password.decode() == args.password
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

kwargs = {}
context = None
if args.cert:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
if args.user:
    kwargs.update(authenticator=authenticate, auth_required=True,
                  auth_require_tls=bool(args.cert) and not args.smtps)
if context and not args.smtps:
    kwargs.update(tls_context=context, require_starttls=args.require_tls)
controller = Controller(Handler(), hostname=args.host, port=args.port,
                        ssl_context=context if args.smtps else None, ready_timeout=10, **kwargs)
controller.start()
print("listening", flush=True)
while True:
    time.sleep(3600)
