#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A webhook receiver for the tests: records every POST as one JSON line
(path, headers, body, whether the X-Vigil-Signature matches --secret).
--fail-first N answers --fail-status (500) with --fail-body (none) to the
first N requests; --delay S waits first."""
import argparse, hashlib, hmac, http.server, json, ssl, sys, threading, time

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--host", default="127.0.0.1")
p.add_argument("--out", required=True)
p.add_argument("--secret", default="")
p.add_argument("--fail-first", type=int, default=0)
p.add_argument("--fail-status", type=int, default=500)
p.add_argument("--fail-body", default="")
p.add_argument("--delay", type=float, default=0)
args = p.parse_args()
lock = threading.Lock()
seen = 0

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global seen
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if args.delay:
            time.sleep(args.delay)
        with lock:
            seen += 1
            failing = seen <= args.fail_first
            sig = self.headers.get("X-Vigil-Signature", "")
            want = "sha256=" + hmac.new(args.secret.encode(), body, hashlib.sha256).hexdigest() if args.secret else ""
            with open(args.out, "a") as f:
                f.write(json.dumps({"path": self.path, "headers": dict(self.headers), "body": body.decode(),
                                    "signature_ok": bool(args.secret) and hmac.compare_digest(sig, want),
                                    "answered": args.fail_status if failing else 204}) + "\n")
        if failing:
            body = args.fail_body.encode()
            self.send_response(args.fail_status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(204)
            self.end_headers()

    def log_message(self, *a):
        pass

server = http.server.ThreadingHTTPServer((args.host, args.port), Handler)
print("listening", flush=True)
server.serve_forever()
