"""The thin WSGI layer: the fake Allas over real HTTP, on one host and port.

The responses transport tells the two services apart by host (``pouta.csc.fi:5001``
for Keystone, ``a3s.fi`` for Swift). Here both share one origin, so the path decides:
``/`` and ``/v3...`` go to Keystone, everything else (``/swift/...``, ``/info``) to Swift.
Keystone writes Allas' own URLs into its documents (catalog, discovery links); this
layer rewrites them to the origin the client reached, so that a login through
``http://127.0.0.1:PORT/v3`` leads to ``http://127.0.0.1:PORT/swift/v1/AUTH_<id>``.

Given a :class:`~fake_swift.faults.Faults`, the app consults it as the responses
transport does (fail, drop, delay, expire, and the request log), and answers its admin
endpoints under ``/_fake/``, a path the Swift API never uses, to loopback clients only:

    POST   /_fake/faults          {"kind": "fail", "n": 2, "status": 503, "method": "PUT",
                                   "path": "^/swift/", "after": 0, "seconds": 0}
    DELETE /_fake/faults          cancel every pending fault
    GET    /_fake/requests        the request log as JSON (method, path, query, status)
    DELETE /_fake/requests        empty the log
    POST   /_fake/expire-tokens   every token issued so far expires now

A dropped connection raises :class:`DropConnection`; the server under the app closes
the socket without writing anything (see :mod:`fake_swift.server`).
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from typing import Any, BinaryIO
from urllib.parse import parse_qsl, quote, urlsplit

from .faults import Action, Faults, RequestRecord, reason_phrase, sleep
from .flavors import Flavor, get_flavor
from .keystone import AUTH_URL, STORAGE_ROOT, Keystone
from .messages import BODY_REFUSED, CLOSE_AFTER_REPLY, Reply, Request, json_reply
from .state import FakeState
from .swift import Swift

__all__ = ["ADMIN_PREFIX", "DropConnection", "FakeAllasApp", "create_app", "is_loopback"]

CHUNK_SIZE = 65536
# After a reply, what the service left unread of a request body is read and dropped, up
# to this much; a bigger remainder is left to the closing connection.
DRAIN_LIMIT = 64 * 1024 * 1024
WRITE_METHODS = frozenset({"PUT", "POST", "DELETE", "COPY"})
# Hop-by-hop headers belong to the server, never to a WSGI application (PEP 3333).
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
# The admin endpoints live under this path, which the Swift API never uses.
ADMIN_PREFIX = "/_fake/"
# The biggest JSON document an admin endpoint reads.
ADMIN_BODY_LIMIT = 64 * 1024
FAULT_KINDS = ("fail", "drop", "delay", "expire")
_FAULT_FIELDS = {
    "kind": str,
    "n": int,
    "status": int,
    "method": (str, type(None)),
    "path": (str, type(None)),
    "after": int,
    "seconds": (int, float),
}
# Characters a percent-encoded path keeps as they are (when the server gives no raw URI).
_PATH_SAFE = "/:@!$&'()*+,;=-._~"

Handler = Callable[[Request], Reply]
StartResponse = Callable[..., Any]


def _allas_origins() -> re.Pattern[str]:
    """Allas' origins as Keystone writes them, with and without an explicit :443."""
    origins: set[str] = set()
    for url in (AUTH_URL, STORAGE_ROOT):
        parts = urlsplit(url)
        origins.add(f"{parts.scheme}://{parts.netloc}")
        default_port = {"https": 443, "http": 80}.get(parts.scheme)
        if parts.port == default_port:
            origins.add(f"{parts.scheme}://{parts.hostname}")
            origins.add(f"{parts.scheme}://{parts.hostname}:{default_port}")
    alternatives = "|".join(re.escape(o) for o in sorted(origins, key=len, reverse=True))
    # Not followed by more host name or port: https://a3s.fi.example is not Allas.
    return re.compile(f"(?:{alternatives})(?![\\w.:-])")


ALLAS_ORIGIN = _allas_origins()


class BadRequestBody(Exception):
    """The request body was cut short or its chunked framing is broken."""


class DropConnection(ConnectionAbortedError):
    """Raised by the app for a ``drop`` fault: close the connection without a reply.

    A ConnectionAbortedError: servers take one for a connection gone away, write
    nothing and close the socket, so the client sees the connection closed before any
    reply (as ``requests.ConnectionError``). :mod:`fake_swift.server` hands it to cheroot
    with the errno cheroot closes on silently; other WSGI servers may answer 500.
    """


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 (also as an IPv4-mapped address) or localhost."""
    if host.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


class _RequestBody:
    """The request body as an iterator of chunks, read from ``wsgi.input`` as needed.

    Honours Content-Length, or decodes chunked transfer coding when the server left it
    to the application (wsgiref does; servers that set ``wsgi.input_terminated``, as
    cheroot does, have decoded it already and end the stream themselves).
    """

    def __init__(self, stream: BinaryIO, length: int | None, mode: str) -> None:
        self._stream = stream
        self._remaining = length or 0  # Content-Length mode: bytes still to come
        self._mode = mode  # "length", "chunked", "terminated" or "none"
        self._chunk_left = 0  # chunked mode: bytes left in the current chunk
        self._done = mode == "none" or (mode == "length" and not length)

    def __iter__(self) -> Iterator[bytes]:
        while not self._done:
            chunk = self._read(CHUNK_SIZE)
            if chunk:
                yield chunk

    def drain(self, limit: int = DRAIN_LIMIT) -> bool:
        """Read and drop what is left (up to ``limit`` bytes); True when nothing is left."""
        try:
            while not self._done and limit > 0:
                limit -= len(self._read(min(CHUNK_SIZE, limit)))
        except (BadRequestBody, OSError):
            return False
        return self._done

    def _read(self, size: int) -> bytes:
        if self._mode == "length":
            chunk = self._stream.read(min(size, self._remaining))
            if not chunk:
                raise BadRequestBody(f"the body ended {self._remaining} bytes early")
            self._remaining -= len(chunk)
            self._done = self._remaining == 0
            return chunk
        if self._mode == "terminated":
            chunk = self._stream.read(size)
            self._done = not chunk
            return chunk
        return self._read_chunked(size)

    def _read_chunked(self, size: int) -> bytes:
        if self._chunk_left == 0:
            line = self._stream.readline(1024)
            try:
                self._chunk_left = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise BadRequestBody("a chunk size line is not hexadecimal") from None
            if self._chunk_left < 0:
                raise BadRequestBody("a chunk size is negative")
            if self._chunk_left == 0:
                while self._stream.readline(1024).strip():  # trailer fields, ignored
                    pass
                self._done = True
                return b""
        chunk = self._stream.read(min(size, self._chunk_left))
        if not chunk:
            raise BadRequestBody("the chunked body ended early")
        self._chunk_left -= len(chunk)
        if self._chunk_left == 0 and self._stream.readline(1024).strip():
            raise BadRequestBody("a chunk does not end with CRLF")
        return chunk


class _ReplyBody:
    """A reply body handed to the server piece by piece; ``close`` closes the source."""

    def __init__(self, source: bytes | BinaryIO | Iterable[bytes]) -> None:
        self._source = source

    def __iter__(self) -> Iterator[bytes]:
        source = self._source
        if isinstance(source, (bytes, bytearray)):
            # Also for an empty body: the first write sends the headers, and a server
            # that found none would add a Content-Length: 0 the reply may not have.
            yield bytes(source)
        elif hasattr(source, "read"):
            while chunk := source.read(CHUNK_SIZE):
                yield chunk
        else:
            for chunk in source:
                if chunk:
                    yield chunk

    def close(self) -> None:
        close = getattr(self._source, "close", None)
        if close is not None:
            close()


def _text(value: str) -> str:
    """A WSGI header value (latin-1 by PEP 3333) as the UTF-8 text the client meant."""
    raw = value.encode("latin-1", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return value


def _header_value(value: str) -> str:
    # WSGI header values are latin-1 strings; UTF-8 text must survive that trip.
    return value.encode("utf-8").decode("latin-1")


def _raw_path(environ: dict[str, Any]) -> str:
    """The request path still percent-encoded, as the client sent it."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        path = raw.split("?", 1)[0]
        if "://" in path:  # absolute-form request target
            path = urlsplit(path).path
        return path or "/"
    decoded = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return quote(decoded.encode("latin-1"), safe=_PATH_SAFE) or "/"


def to_request(environ: dict[str, Any]) -> tuple[Request, _RequestBody]:
    """The plain request for a WSGI environ, and its body reader."""
    headers: dict[str, str] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = _text(value)
    if "CONTENT_TYPE" in environ:
        # Sent, even empty (RGW keeps an empty type; Swift guesses one): the servers here
        # put it in the environ only when the request had the header.
        headers["content-type"] = _text(environ["CONTENT_TYPE"])
    if environ.get("CONTENT_LENGTH"):
        headers["content-length"] = _text(environ["CONTENT_LENGTH"])
    stream = environ["wsgi.input"]
    length: int | None = None
    if "chunked" in headers.get("transfer-encoding", "").lower():
        mode = "terminated" if environ.get("wsgi.input_terminated") else "chunked"
    elif environ.get("wsgi.input_terminated"):
        mode = "terminated"
    else:
        try:
            length = int(headers.get("content-length", ""))
            mode = "length" if length > 0 else "none"
        except ValueError:
            mode = "none"  # the service answers 411 or 400 for a body it needs
    body = _RequestBody(stream, length, mode)
    request = Request(
        method=environ["REQUEST_METHOD"].upper(),
        path=_raw_path(environ),
        query=dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)),
        headers=headers,
        body=body,
    )
    return request, body


def request_origin(environ: dict[str, Any]) -> str:
    """``scheme://host[:port]`` as the client reached this server."""
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST")
    if not host:
        host = environ["SERVER_NAME"]
        port = str(environ.get("SERVER_PORT", ""))
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        if port and port != {"https": "443", "http": "80"}.get(scheme):
            host = f"{host}:{port}"
    return f"{scheme}://{host}"


def point_at(reply: Reply, origin: str) -> Reply:
    """Rewrite Allas' origins to ``origin`` in a Keystone reply (JSON body and headers)."""
    for name, value in reply.headers.items():
        reply.headers[name] = ALLAS_ORIGIN.sub(lambda _: origin, value)
    content_type = reply.headers.get("Content-Type", "").lower()
    if "json" in content_type and isinstance(reply.body, (bytes, bytearray)):
        text = bytes(reply.body).decode("utf-8")
        rewritten = ALLAS_ORIGIN.sub(lambda _: origin, text)
        if rewritten != text:
            reply.body = rewritten.encode("utf-8")
            if "Content-Length" in reply.headers:
                reply.headers["Content-Length"] = str(len(reply.body))
    return reply


def is_keystone_path(path: str) -> bool:
    """Whether Keystone answers ``path``: version discovery at ``/``, the API under ``/v3``."""
    return path.rstrip("/") == "" or path == "/v3" or path.startswith("/v3/")


class FakeAllasApp:
    """A WSGI application serving the fake's Keystone and Swift on one origin.

    ``origin`` fixes the URLs Keystone hands out (``http://127.0.0.1:8080``); by default
    they follow the Host the client reached. ``on_write`` is called after each request
    that may have changed the store (a Swift PUT, POST, DELETE or COPY), before the
    client gets the reply. ``faults`` (optional) is consulted before each request
    reaches a service, records how each was answered, and is what the admin endpoints
    under ``/_fake/`` act on (see the module docstring).
    """

    def __init__(
        self,
        keystone: Handler,
        swift: Handler,
        origin: str | None = None,
        on_write: Callable[[], None] | None = None,
        faults: Faults | None = None,
    ) -> None:
        self.keystone = keystone
        self.swift = swift
        self.origin = origin.rstrip("/") if origin else None
        self.on_write = on_write
        self.faults = faults

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request, body = to_request(environ)
        faults = self.faults
        if faults is not None and is_admin_path(request.path):
            reply = self._admin(request, environ, faults)
            body.drain()
            return self._respond(reply, request.method, start_response)
        action = faults.before(request.method, request.path) if faults else Action()
        sleep(action.delay)
        if faults is not None and action.drop:
            faults.record(request.method, request.path, request.query, None)
            body.drain()
            raise DropConnection(f"fake Allas dropped {request.method} {request.path}")
        if action.fail_status is not None:
            reply = Reply(
                action.fail_status,
                {"Content-Type": "text/plain; charset=utf-8"},
                reason_phrase(action.fail_status).encode(),
            )
        else:
            reply = self._serve(request, environ)
        # Read what the service left unread, so the client is not cut off mid-send;
        # a remainder past DRAIN_LIMIT is left to the server. A body refused as too large
        # is not read: the server replies at once and closes the connection, as Swift and
        # RGW reply before it is sent.
        if reply.status == 413 or request.environ.get(BODY_REFUSED):
            environ[CLOSE_AFTER_REPLY] = True
        else:
            body.drain()
        if faults is not None:
            faults.record(request.method, request.path, request.query, reply.status)
        return self._respond(reply, request.method, start_response)

    def _serve(self, request: Request, environ: dict[str, Any]) -> Reply:
        is_keystone = is_keystone_path(request.path)
        try:
            reply = (self.keystone if is_keystone else self.swift)(request)
        except BadRequestBody as error:
            reply = Reply(400, {"Content-Type": "text/plain; charset=utf-8"}, f"{error}\n".encode())
        if is_keystone:
            reply = point_at(reply, self.origin or request_origin(environ))
        elif "Www-Authenticate" in reply.headers:  # it names Keystone's URL: this server's
            origin = self.origin or request_origin(environ)
            challenge = reply.headers["Www-Authenticate"]
            reply.headers["Www-Authenticate"] = ALLAS_ORIGIN.sub(lambda _: origin, challenge)
        elif request.method in WRITE_METHODS and self.on_write is not None:
            self.on_write()
        if not is_keystone and "Location" in reply.headers:  # a redirect to this server
            origin = self.origin or request_origin(environ)
            reply.headers["Location"] = ALLAS_ORIGIN.sub(
                lambda _: origin, reply.headers["Location"]
            )
        return reply

    @staticmethod
    def _respond(reply: Reply, method: str, start_response: StartResponse) -> Iterable[bytes]:
        status, headers, iterable = to_response(reply, method)
        start_response(status, headers)
        return iterable

    def _admin(self, request: Request, environ: dict[str, Any], faults: Faults) -> Reply:
        """The ``/_fake/`` endpoints: faults, the request log, token expiry."""
        if not is_loopback(environ.get("REMOTE_ADDR", "")):
            return _text_reply(403, "The /_fake/ endpoints answer loopback clients only.")
        endpoint = request.path[len(ADMIN_PREFIX) :].rstrip("/")
        methods = _ADMIN_METHODS.get(endpoint)
        if methods is None:
            known = ", ".join(f"{ADMIN_PREFIX}{name}" for name in _ADMIN_METHODS)
            return _text_reply(404, f"No such endpoint; the fake's own are {known}.")
        if request.method not in methods:
            reply = _text_reply(405, f"{request.path} takes {' or '.join(methods)}.")
            reply.headers["Allow"] = ", ".join(methods)
            return reply
        if endpoint == "requests":
            if request.method == "DELETE":
                faults.clear_log()
                return Reply(204)
            return json_reply(200, [record_document(r) for r in faults.log()])
        if endpoint == "expire-tokens":
            faults.expire_tokens()
            return Reply(204)
        if request.method == "DELETE":
            faults.clear()
            return Reply(204)
        try:
            rule = fault_rule(_read_limited(request.body, ADMIN_BODY_LIMIT))
            faults.add(
                rule["kind"],
                rule["n"],
                rule["method"],
                rule["path"],
                rule["after"],
                status=rule["status"],
                seconds=rule["seconds"],
            )
        except (ValueError, re.error, BadRequestBody) as error:
            return _text_reply(400, f"{error}")
        return json_reply(201, rule)


_ADMIN_METHODS = {
    "faults": ("POST", "DELETE"),
    "requests": ("GET", "DELETE"),
    "expire-tokens": ("POST",),
}


def is_admin_path(path: str) -> bool:
    """Whether ``path`` is one of the fake's own endpoints (``/_fake/...``)."""
    return path == ADMIN_PREFIX.rstrip("/") or path.startswith(ADMIN_PREFIX)


def _text_reply(status: int, text: str) -> Reply:
    return Reply(status, {"Content-Type": "text/plain; charset=utf-8"}, f"{text}\n".encode())


def _read_limited(chunks: Iterable[bytes], limit: int) -> bytes:
    data = b""
    for chunk in chunks:
        data += chunk
        if len(data) > limit:
            raise ValueError(f"the JSON document is over {limit} bytes")
    return data


def fault_rule(raw: bytes) -> dict[str, Any]:
    """A fault as ``POST /_fake/faults`` takes it, checked, with the defaults filled in.

    ``kind`` is required; ``n`` (1), ``status`` (503), ``method``, ``path`` (a regular
    expression searched in the URL path), ``after`` (0) and ``seconds`` (0, for
    ``delay``) are as in :meth:`fake_swift.MockAllas.fail_next`.
    """
    try:
        document = json.loads(raw or b"null")
    except ValueError:
        raise ValueError("the body is not JSON") from None
    if not isinstance(document, dict):
        raise ValueError('expected a JSON object such as {"kind": "fail", "n": 2}')
    unknown = sorted(set(document) - set(_FAULT_FIELDS))
    if unknown:
        raise ValueError(f"unknown fields {unknown}; the fields are {list(_FAULT_FIELDS)}")
    rule: dict[str, Any] = {
        "kind": None,
        "n": 1,
        "status": 503,
        "method": None,
        "path": None,
        "after": 0,
        "seconds": 0.0,
    }
    for name, value in document.items():
        kinds = _FAULT_FIELDS[name]
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise ValueError(f"{name!r} has the wrong type: {value!r}")
        rule[name] = value
    if rule["kind"] not in FAULT_KINDS:
        raise ValueError(f"'kind' must be one of {list(FAULT_KINDS)}")
    if rule["path"] is not None:
        re.compile(rule["path"])
    if rule["method"] is not None:
        rule["method"] = rule["method"].upper()
    rule["seconds"] = float(rule["seconds"])
    return rule


def record_document(record: RequestRecord) -> dict[str, Any]:
    """One entry of ``GET /_fake/requests``."""
    return {
        "method": record.method,
        "path": record.path,
        "query": record.query,
        "status": record.status,
    }


def to_response(reply: Reply, method: str) -> tuple[str, list[tuple[str, str]], _ReplyBody]:
    """Status line, headers and body iterable for a reply (see ``Reply``'s docstring)."""
    headers = dict(reply.headers)
    body: bytes | BinaryIO | Iterable[bytes] = reply.body
    chunked = "chunked" in headers.get("Transfer-Encoding", "").lower()
    if chunked:
        headers.pop("Content-Length", None)  # the server frames it (chunks or closing)
    elif reply.status in (204, 304):
        _ReplyBody(body).close()
        body = b""  # no body, and a Content-Length only if the reply has one
    elif isinstance(body, (bytes, bytearray)):
        headers.setdefault("Content-Length", str(len(body)))
    elif "Content-Length" not in headers:
        raise ValueError("a streamed reply needs a Content-Length or chunked Transfer-Encoding")
    if method == "HEAD":
        _ReplyBody(body).close()
        body = b""
    try:
        phrase = HTTPStatus(reply.status).phrase
    except ValueError:
        phrase = "Unknown"
    header_list = [
        (name, _header_value(value))
        for name, value in headers.items()
        if name.lower() not in _HOP_BY_HOP
    ]
    return f"{reply.status} {phrase}", header_list, _ReplyBody(body)


def create_app(
    state: FakeState,
    flavor: str | Flavor = "rgw",
    origin: str | None = None,
    on_write: Callable[[], None] | None = None,
    faults: Faults | None = None,
) -> FakeAllasApp:
    """A WSGI app over ``state``, with the services built as ``MockAllas`` builds them.

    ``faults`` defaults to a new :class:`Faults` over ``state``'s tokens (the app's
    ``faults`` attribute); pass one of your own to share it.
    """
    chosen = get_flavor(flavor) if isinstance(flavor, str) else flavor
    if faults is None:
        faults = Faults(expire_tokens=state.expire_tokens)
    return FakeAllasApp(
        Keystone(state).handle, Swift(state, chosen).handle, origin, on_write, faults
    )
