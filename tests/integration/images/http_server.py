#!/usr/bin/python3
"""HTTP server for the image tests: serves files from --root with Range,
ETag/Last-Modified and If-Range/If-None-Match/If-Modified-Since, and can
misbehave on purpose. Each request is logged to --log twice, as JSON lines:
{"begin": ID} when its headers are read and the full entry (with "id": ID)
when its handler ends, so a test can count downloads and see Range headers,
and can wait until no request is still in flight: a client that has all the
bytes may exit before the server's handler has returned.

Paths (NAME is a file in --root):
  /files/NAME          the file, properly
  /slow/NAME           the same at --rate bytes/s (for kills and concurrency)
  /noval/NAME          without ETag and Last-Modified
  /stall/NAME          headers and the first 64 KiB, then nothing (never closes)
  /reset/NAME          headers and the first half, then a TCP reset
  /status/CODE         that HTTP status, with a short body
  /redirect/NAME       302 to /files/NAME
  /redirect-file       302 to file:///etc/passwd
Requests with an absolute URI (as sent to a proxy) are served by their path
and logged with the whole URI.
"""
import argparse
import email.utils
import http.server
import json
import os
import select
import socket
import ssl
import struct
import sys
import threading
import time

LOG_LOCK = threading.Lock()
NEXT_ID = [0]  # under LOG_LOCK


def log(path, entry):
    with LOG_LOCK, open(path, "a") as f:
        f.write(json.dumps(entry) + "\n")
        f.flush()


def log_begin(path):
    with LOG_LOCK, open(path, "a") as f:
        NEXT_ID[0] += 1
        f.write(json.dumps({"begin": NEXT_ID[0]}) + "\n")
        f.flush()
        return NEXT_ID[0]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "qc-test-http"

    def log_message(self, fmt, *args):  # quiet on stderr
        pass

    def do_HEAD(self):
        self.handle_any(head=True)

    def do_GET(self):
        self.handle_any(head=False)

    def handle_any(self, head):
        self.sent = 0
        self.code = 0
        request_id = log_begin(self.server.log_path)
        try:
            self.route(head)
        except OSError:  # the client went away, or the reset below
            self.close_connection = True
        finally:
            log(self.server.log_path, {
                "id": request_id, "method": self.command, "path": self.path, "status": self.code,
                "range": self.headers.get("Range"), "if_range": self.headers.get("If-Range"),
                "if_none_match": self.headers.get("If-None-Match"),
                "if_modified_since": self.headers.get("If-Modified-Since"),
                "bytes": self.sent})

    def simple(self, code, text=""):
        body = text.encode()
        self.code = code
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def route(self, head):
        path = self.path
        if path.startswith("http://"):  # a proxy request: absolute URI
            path = "/" + path.split("/", 3)[3]
        parts = path.split("?")[0].split("/", 2)
        kind = parts[1] if len(parts) > 1 else ""
        rest = parts[2] if len(parts) > 2 else ""
        if kind == "status":
            return self.simple(int(rest), "status %s\n" % rest)
        if kind == "redirect":
            self.code = 302
            self.send_response(302)
            self.send_header("Location", "/files/" + rest)
            self.send_header("Content-Length", "0")
            return self.end_headers()
        if kind == "redirect-file":
            self.code = 302
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.send_header("Content-Length", "0")
            return self.end_headers()
        if kind not in ("files", "slow", "noval", "stall", "reset") or "/" in rest or not rest:
            return self.simple(404, "not found\n")
        path = os.path.join(self.server.root, rest)
        try:
            st = os.stat(path)
        except OSError:
            return self.simple(404, "not found\n")
        self.serve_file(kind, path, st, head)

    def serve_file(self, kind, path, st, head):
        size = st.st_size
        etag = '"%x-%x"' % (st.st_mtime_ns, size)
        last_modified = email.utils.formatdate(st.st_mtime, usegmt=True)
        validators = kind != "noval"
        if validators:
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if (inm is not None and inm == etag) or (inm is None and ims == last_modified):
                self.code = 304
                self.send_response(304)
                self.send_header("ETag", etag)
                return self.end_headers()
        start = 0
        rng = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        use_range = rng is not None and rng.startswith("bytes=") and (
            if_range is None or (validators and if_range in (etag, last_modified)))
        if use_range:
            first, _, last = rng[len("bytes="):].partition("-")
            start = int(first)
            if last:
                return self.simple(400, "only open ranges here\n")
            if start >= size:
                self.code = 416
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % size)
                self.send_header("Content-Length", "0")
                return self.end_headers()
        self.code = 206 if use_range else 200
        self.send_response(self.code)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(size - start))
        if use_range:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, size - 1, size))
        if validators:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", last_modified)
        self.end_headers()
        if head:
            return
        with open(path, "rb") as f:
            f.seek(start)
            if kind == "stall":
                self.send_bytes(f, min(64 * 1024, size - start))
                self.wfile.flush()
                while True:  # until the client gives up and closes
                    ready, _, _ = select.select([self.connection], [], [], 1)
                    if ready and not self.connection.recv(1, socket.MSG_PEEK):
                        self.close_connection = True
                        return
            if kind == "reset":
                self.send_bytes(f, (size - start) // 2)
                self.wfile.flush()
                time.sleep(0.2)
                # SO_LINGER 0: closing the fd sends RST instead of FIN.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                os.close(self.connection.detach())
                self.close_connection = True
                return
            if kind == "slow":
                return self.send_slowly(f, size - start)
            self.wfile.flush()
            offset = start
            while offset < size:
                n = os.sendfile(self.connection.fileno(), f.fileno(), offset, size - offset)
                if n == 0:
                    break
                offset += n
                self.sent += n

    def send_bytes(self, f, count):
        while count > 0:
            chunk = f.read(min(count, 1 << 16))
            if not chunk:
                break
            self.wfile.write(chunk)
            self.sent += len(chunk)
            count -= len(chunk)

    def send_slowly(self, f, count):
        step = max(1, self.server.rate // 20)
        while count > 0:
            chunk = f.read(min(count, step))
            if not chunk:
                break
            self.wfile.write(chunk)
            self.wfile.flush()
            self.sent += len(chunk)
            count -= len(chunk)
            if count > 0:  # not after the last chunk: the client is done then
                time.sleep(0.05)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--log", required=True)
    p.add_argument("--rate", type=int, default=1 << 20, help="bytes/s for /slow/")
    p.add_argument("--tls-port", type=int, default=0, help="also serve HTTPS here")
    p.add_argument("--cert", help="PEM certificate and key for --tls-port")
    args = p.parse_args()
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)]
    if args.tls_port:
        tls = http.server.ThreadingHTTPServer(("127.0.0.1", args.tls_port), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert)
        tls.socket = context.wrap_socket(tls.socket, server_side=True)
        servers.append(tls)
    for server in servers:
        server.daemon_threads = True
        server.root = args.root
        server.log_path = args.log
        server.rate = args.rate
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print("listening", flush=True)
    servers[0].serve_forever()


if __name__ == "__main__":
    sys.exit(main())
