#!/usr/bin/env python3
"""Serve one file on 127.0.0.1:PORT as a slow network would: the first 64 KB at once, the
rest DELAY seconds later. For timing how soon a browser shows a page's first screen.

usage: slow-server.py FILE PORT [DELAY]
"""
import http.server, sys, time

FILE, PORT = sys.argv[1], int(sys.argv[2])
DELAY = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0
BODY = open(FILE, "rb").read()

class Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        try:
            self.wfile.write(BODY[:65536])
            self.wfile.flush()
            time.sleep(DELAY)
            self.wfile.write(BODY[65536:])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser was stopped once it had shown what it measured

    def log_message(self, *args):
        pass

http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Slow).serve_forever()
