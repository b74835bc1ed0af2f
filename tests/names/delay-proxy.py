#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A slow debuginfod: an HTTP proxy that waits DELAY seconds before it
forwards each request to UPSTREAM, as a far or busy server would.
Usage: delay-proxy.py UPSTREAM DELAY; prints "port=N" once it listens."""
import http.server
import sys
import time
import urllib.error
import urllib.request

UPSTREAM = sys.argv[1].rstrip("/")
DELAY = float(sys.argv[2])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        time.sleep(DELAY)
        try:
            with urllib.request.urlopen(UPSTREAM + self.path, timeout=60) as up:
                body = up.read()
                status, headers = up.status, up.headers
        except urllib.error.HTTPError as e:
            body, status, headers = e.read(), e.code, e.headers
        self.send_response(status)
        for key, value in headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print("port=%d" % server.server_address[1], flush=True)
server.serve_forever()
