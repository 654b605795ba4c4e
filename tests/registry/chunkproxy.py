#!/usr/bin/env python3
"""A recording proxy in front of a real registry, for uk's push tests.

Forwards every request to the registry at UPSTREAM (host:port) as it came
(the Host header kept, so the registry's Location headers point back here)
and appends one line per request to LOG:
    METHOD PATH CONTENT-RANGE BODY-BYTES STATUS
(PATH without its query, except a ?digest= kept as digest=...; "-" for no
Content-Range; a chunked body is read whole and sent on with its length). With --no-chunks it answers every PATCH with 405 and the
registry's error body, as a registry that takes only monolithic uploads
does; with --refuse-early it answers every PATCH with 413 before reading
its body and closes the connection, as a proxy with a body size limit
does; with --drop-patch it drops the connection of every PATCH unanswered.
Writes its port to PORTFILE; stops after --seconds (default 600).
Usage: chunkproxy.py [--no-chunks] [--refuse-early] [--drop-patch] [--seconds N]
                     UPSTREAM LOG PORTFILE
"""
import http.client
import http.server
import socket
import sys
import threading
import urllib.parse

args = sys.argv[1:]
no_chunks = "--no-chunks" in args
refuse_early = "--refuse-early" in args
drop_patch = "--drop-patch" in args
args = [a for a in args if a not in ("--no-chunks", "--refuse-early", "--drop-patch")]
seconds = 600
if "--seconds" in args:
    i = args.index("--seconds")
    seconds = int(args[i + 1])
    del args[i:i + 2]
upstream, logpath, portfile = args
lock = threading.Lock()


def record(method, path, crange, nbytes, status):
    url = urllib.parse.urlsplit(path)
    q = urllib.parse.parse_qs(url.query)
    shown = url.path + (" digest=" + q["digest"][0] if "digest" in q else "")
    with lock, open(logpath, "a") as f:
        f.write("%s %s %s %d %d\n" % (method, shown, crange or "-", nbytes, status))


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def body(self):
        """The request's body: Content-Length bytes, or every chunk of a
        chunked one (a streamed PATCH), read whole before answering."""
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n) if n else b""
        parts = []
        while True:
            size = int(self.rfile.readline().split(b";")[0], 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def relay(self):
        if drop_patch and self.command == "PATCH":
            # a connection dropped under the upload (a balancer's reset)
            record(self.command, self.path, self.headers.get("Content-Range"), 0, 0)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if refuse_early and self.command == "PATCH":
            # as nginx's client_max_body_size does: answered before the
            # body is read, and the connection closed
            err = b'{"errors":[{"code":"SIZE_INVALID","message":"too large"}]}'
            self.send_response(413)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(err)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(err)
            self.close_connection = True
            record(self.command, self.path, self.headers.get("Content-Range"), 0, 413)
            return
        body = self.body()
        n = len(body)
        crange = self.headers.get("Content-Range")
        if no_chunks and self.command == "PATCH":
            err = b'{"errors":[{"code":"UNSUPPORTED","message":"no chunked uploads here"}]}'
            self.send_response(405)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(err)))
            self.end_headers()
            self.wfile.write(err)
            record(self.command, self.path, crange, n, 405)
            return
        c = http.client.HTTPConnection(upstream, timeout=60)
        hdrs = {k: v for k, v in self.headers.items()
                if k.lower() not in ("connection", "transfer-encoding")}
        c.request(self.command, self.path, body=body, headers=hdrs)
        r = c.getresponse()
        data = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        c.close()
        record(self.command, self.path, crange, n, r.status)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = relay


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
srv.daemon_threads = True
with open(portfile, "w") as f:
    f.write(str(srv.server_address[1]))
threading.Timer(seconds, srv.shutdown).start()
srv.serve_forever()
