"""An HTTP proxy on 127.0.0.1 that puts faults between the scripts and one real server.

``FaultyProxy(upstream)`` forwards every request to ``upstream`` (the root URL of the RGW
or Swift server the fixtures started, ``http://127.0.0.1:PORT``) and nowhere else. It can
be told to answer the next N requests that match a method and a pattern (searched in the
path with its query string, ``/bucket?format=json``):

- ``fail_next``: with ``503 Service Unavailable``, without forwarding them;
- ``reset_next``: by resetting the connection (``SO_LINGER`` 0, then close) before any
  answer, without forwarding them;
- ``cut_next``: with the server's real answer, whose body stops after K bytes (the
  connection then closes, as when a network link breaks mid-transfer).

Every request it received is kept in ``seen`` with the fault it got. Bodies are small in
the tests, so each one is read whole before it is passed on. Standard library only.

    with FaultyProxy(server.root_url) as proxy:
        url = proxy.proxied(server.main.storage_url)
        proxy.fail_next(2, method="PUT", path=r"/bucket$")
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import socketserver
import struct
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

# Headers about one hop's connection, not about the request or answer they travel with.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
UPSTREAM_TIMEOUT = 60.0  # seconds the proxy waits for the server
IDLE_TIMEOUT = 60.0  # seconds an idle client connection is kept
STOP_POLL_INTERVAL = 0.05  # seconds between checks for stop (the default, 0.5, slows each test)


@dataclass
class Fault:
    """Answer the next ``count`` requests matching ``method`` and ``path`` with ``kind``."""

    kind: str  # "503", "reset" or "cut"
    count: int
    method: str | None  # None: any method
    path: str  # a regular expression searched in the request target: path?query
    after_bytes: int = 0  # for "cut": the body bytes sent before the connection closes

    def matches(self, method: str, target: str) -> bool:
        return (self.method in (None, method)) and re.search(self.path, target) is not None


@dataclass
class Seen:
    """One request the proxy received, and what became of it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]  # names in lower case
    fault: str | None = None  # the fault it got, None when passed on untouched
    status: int | None = None  # the status the client was sent; None after a reset
    body_bytes_sent: int = 0

    @property
    def target(self) -> str:
        """The path with its query string, as faults match it."""
        return f"{self.path}?{self.query}" if self.query else self.path


class FaultyProxy:
    """A fault-injecting proxy on 127.0.0.1 in front of one server; a context manager."""

    def __init__(self, upstream: str) -> None:
        target = urlsplit(upstream)
        if target.scheme != "http" or target.hostname not in ("127.0.0.1", "localhost"):
            raise ValueError(f"the proxy fronts a server on loopback only, not {upstream}")
        self.upstream = upstream.rstrip("/")
        self._upstream_address = (target.hostname, target.port or 80)
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._seen: list[Seen] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.proxy = self
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": STOP_POLL_INTERVAL},
            name=f"faulty-proxy-{port}",
            daemon=True,
        )

    # -- running -------------------------------------------------------------------------

    def __enter__(self) -> FaultyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop accepting, end the open client connections and join every thread."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.close_clients()
        self._server.server_close()  # joins the threads of the client connections

    @property
    def running(self) -> bool:
        return self._thread.is_alive() or self._server.has_clients()

    def proxied(self, url: str) -> str:
        """``url`` of the server, as reached through the proxy."""
        if not url.startswith(self.upstream):
            raise ValueError(f"{url} is not on {self.upstream}")
        return self.url + url[len(self.upstream) :]

    # -- faults --------------------------------------------------------------------------

    def fail_next(self, count: int, method: str | None = None, path: str = ".*") -> None:
        """Answer the next ``count`` matching requests with 503, without passing them on."""
        self._add(Fault("503", count, method, path))

    def reset_next(self, count: int, method: str | None = None, path: str = ".*") -> None:
        """Reset the connection of the next ``count`` matching requests before answering."""
        self._add(Fault("reset", count, method, path))

    def cut_next(
        self, count: int, after_bytes: int, method: str | None = "GET", path: str = ".*"
    ) -> None:
        """Pass on the next ``count`` matching requests; close each answer's connection
        after ``after_bytes`` bytes of its body."""
        self._add(Fault("cut", count, method, path, after_bytes))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def seen(self) -> list[Seen]:
        """The requests received so far, oldest first."""
        with self._lock:
            return list(self._seen)

    def clear_seen(self) -> None:
        with self._lock:
            self._seen.clear()

    def _add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _receive(self, seen: Seen) -> Fault | None:
        """Record a request; the fault it is to get, if any (each fault counts down)."""
        with self._lock:
            self._seen.append(seen)
            for fault in self._faults:
                if fault.count > 0 and fault.matches(seen.method, seen.target):
                    fault.count -= 1
                    seen.fault = fault.kind
                    return fault
        return None


class _Server(socketserver.ThreadingTCPServer):
    """One thread per client connection; the open ones are tracked so that stop ends them."""

    daemon_threads = False
    block_on_close = True
    proxy: FaultyProxy

    def __init__(self, address, handler) -> None:
        self._clients: set[socket.socket] = set()
        self._clients_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request, client_address) -> None:
        with self._clients_lock:  # before its thread starts, so that stop cannot miss it
            self._clients.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        with self._clients_lock:
            self._clients.discard(request)
        super().shutdown_request(request)

    def close_clients(self) -> None:
        # A client's idle keep-alive connection would otherwise hold its thread.
        with self._clients_lock:
            for client in self._clients:
                try:
                    client.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def has_clients(self) -> bool:
        with self._clients_lock:
            return bool(self._clients)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as swiftclient's connection pool expects
    timeout = IDLE_TIMEOUT
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # the tests read FaultyProxy.seen instead

    def relay(self) -> None:
        proxy = self.server.proxy
        body = self._read_body()
        url = urlsplit(self.path)
        seen = Seen(
            method=self.command,
            path=url.path,
            query=url.query,
            headers={name.lower(): value for name, value in self.headers.items()},
        )
        fault = proxy._receive(seen)
        if fault is not None and fault.kind == "reset":
            self._reset()
            return
        if fault is not None and fault.kind == "503":
            seen.status = 503
            self.send_response_only(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, reason, headers, answer = self._forward(proxy, body)
        seen.status = status
        self.send_response_only(status, reason)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if fault is not None and fault.kind == "cut":
            answer = answer[: fault.after_bytes]
            self.close_connection = True  # the client sees the body end early
        self.wfile.write(answer)
        seen.body_bytes_sent = len(answer)

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = do_COPY = do_OPTIONS = relay

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            pieces = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(pieces)
                pieces.append(self.rfile.read(size))
                self.rfile.readline()
        length = self.headers.get("Content-Length")
        return self.rfile.read(int(length)) if length is not None else None

    def _forward(
        self, proxy: FaultyProxy, body: bytes | None
    ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        """The server's answer to this request: status, reason, headers to send, body."""
        skip = HOP_BY_HOP | {"content-length"}
        headers = {name: value for name, value in self.headers.items() if name.lower() not in skip}
        upstream = http.client.HTTPConnection(*proxy._upstream_address, timeout=UPSTREAM_TIMEOUT)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            answer = response.read()
            status, reason = response.status, response.reason
            received = response.getheaders()
        finally:
            upstream.close()
        sent = [(name, value) for name, value in received if name.lower() not in skip]
        has_no_body = self.command == "HEAD" or status in (204, 304) or 100 <= status < 200
        if has_no_body:  # a HEAD's Content-Length tells the size of what a GET would send
            sent += [(name, value) for name, value in received if name.lower() == "content-length"]
        else:
            sent.append(("Content-Length", str(len(answer))))
        return status, reason, sent, answer

    def _reset(self) -> None:
        """Close the connection with a TCP reset, as a crashed server or a firewall does."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # Closed at once: the socket's file objects would otherwise hold it open.
        os.close(self.connection.detach())
