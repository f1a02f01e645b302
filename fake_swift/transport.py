"""The thin `responses` layer: turn intercepted `requests` calls into plain requests."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
import responses

from .faults import Faults, reason_phrase, sleep
from .messages import Reply, Request

METHODS = ("GET", "HEAD", "PUT", "POST", "DELETE", "COPY", "OPTIONS")
AUTH_HOST, AUTH_PORT = "pouta.csc.fi", 5001
STORAGE_HOST = "a3s.fi"
# Request bodies up to this size stay in responses' call log (logins, manifests, bulk
# deletes); larger ones, and every file or generator body, are dropped once answered.
KEPT_BODY_SIZE = 64 * 1024
# Only the two Allas hosts are registered; any other URL falls through to responses'
# own ConnectionError, so nothing ever reaches the network.
ALLAS_URL = re.compile(r"https://(pouta\.csc\.fi:5001|a3s\.fi(:443)?)([/?].*)?$")

Handler = Callable[[Request], Reply]


class _AllasRequestsMock(responses.RequestsMock):
    def _read_filelike_body(self, body: Any) -> Any:
        # responses reads file bodies whole; leave them to the callback to stream.
        return body


class _ChunkReader(io.RawIOBase):
    """A raw reader over an iterator of chunks, so responses streams it unchanged."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = memoryview(next(self._chunks))
            except StopIteration:
                return 0
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()
        super().close()


def _text(value: str | bytes) -> str:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.decode("latin-1")
    return value


def _header_value(value: str) -> str:
    # http.client sends header values as latin-1; UTF-8 text must survive that trip.
    return value.encode("utf-8").decode("latin-1")


def _request_chunks(body: Any, chunk_size: int = 65536) -> Iterator[bytes]:
    if body is None:
        return
    if isinstance(body, str):
        yield body.encode("utf-8")
    elif isinstance(body, (bytes, bytearray, memoryview)):
        yield bytes(body)
    elif hasattr(body, "read"):
        while chunk := body.read(chunk_size):
            yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk
    else:
        for chunk in body:
            yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk


def to_request(prepared: requests.PreparedRequest) -> Request:
    """The plain request for an intercepted `requests` call."""
    url = urlsplit(prepared.url or "")
    return Request(
        method=(prepared.method or "GET").upper(),
        path=url.path or "/",
        query=dict(parse_qsl(url.query, keep_blank_values=True)),
        headers={_text(k).lower(): _text(v) for k, v in prepared.headers.items()},
        body=_request_chunks(prepared.body),
    )


def to_response(reply: Reply, method: str) -> tuple[int, list[tuple[str, str]], Any]:
    """The (status, headers, body) triple that responses expects from a callback."""
    headers = dict(reply.headers)
    body = reply.body
    chunked = headers.get("Transfer-Encoding", "").lower() == "chunked"
    if chunked:
        headers.pop("Content-Length", None)
    elif reply.status in (204, 304):
        body = b""  # no body, and a Content-Length only if the reply has one
    elif isinstance(body, (bytes, bytearray)):
        headers.setdefault("Content-Length", str(len(body)))
    elif "Content-Length" not in headers:
        raise ValueError("a streamed reply needs a Content-Length or chunked Transfer-Encoding")
    if method == "HEAD":
        close = getattr(body, "close", None)
        if close is not None:
            close()
        body = b""
    elif not isinstance(body, (bytes, bytearray, io.BufferedReader)):
        body = io.BufferedReader(_ChunkReader(body))
    return reply.status, [(k, _header_value(v)) for k, v in headers.items()], body


class ResponsesTransport:
    """Routes intercepted requests to the identity or storage handler.

    ``faults`` (optional) is consulted before each request reaches a handler and
    records how each request was answered.
    """

    def __init__(self, keystone: Handler, swift: Handler, faults: Faults | None = None) -> None:
        self.keystone = keystone
        self.swift = swift
        self.faults = faults
        self.mock = _AllasRequestsMock(assert_all_requests_are_fired=False)
        for method in METHODS:
            self.mock.add_callback(method, ALLAS_URL, callback=self._callback, content_type=None)

    def start(self) -> None:
        self.mock.start()

    def stop(self) -> None:
        self.mock.stop()
        self.mock.reset()

    def _callback(self, prepared: requests.PreparedRequest) -> Any:
        try:
            return self._answer(prepared)
        finally:
            # responses keeps every request in its call log: keep no big or streamed body.
            body = prepared.body
            if body is not None and not (
                isinstance(body, (str, bytes)) and len(body) <= KEPT_BODY_SIZE
            ):
                prepared.body = None

    def _answer(self, prepared: requests.PreparedRequest) -> Any:
        url = urlsplit(prepared.url or "")
        if url.hostname == AUTH_HOST and url.port == AUTH_PORT:
            handler = self.keystone
        elif url.hostname == STORAGE_HOST and url.port in (None, 443):
            handler = self.swift
        else:  # unreachable with ALLAS_URL, kept so a wider pattern can never leak
            return requests.ConnectionError(f"fake Allas does not serve {url.netloc}")
        request = to_request(prepared)
        faults = self.faults
        if faults is None:
            return to_response(handler(request), request.method)
        action = faults.before(request.method, request.path)
        timeout = _read_timeout(prepared)
        if timeout is not None and action.delay > timeout:
            # As over a socket: the client stops waiting when its read timeout passes.
            sleep(timeout)
            faults.record(request.method, request.path, request.query, None)
            return requests.ReadTimeout(
                f"HTTPSConnectionPool(host='{url.hostname}', port={url.port or 443}): "
                f"Read timed out. (read timeout={timeout:g})"
            )
        sleep(action.delay)
        if action.drop:
            faults.record(request.method, request.path, request.query, None)
            return requests.ConnectionError(
                f"fake Allas dropped the connection: {request.method} {request.path}"
            )
        if action.fail_status is not None:
            reply = Reply(
                action.fail_status,
                {"Content-Type": "text/plain; charset=utf-8"},
                reason_phrase(action.fail_status).encode(),
            )
        else:
            reply = handler(request)
        answer = to_response(reply, request.method)
        faults.record(request.method, request.path, request.query, reply.status)
        return answer


def _read_timeout(prepared: requests.PreparedRequest) -> float | None:
    """The read timeout the client gave ``requests`` for this request (None: no limit)."""
    timeout = getattr(prepared, "req_kwargs", {}).get("timeout")
    if isinstance(timeout, tuple):
        timeout = timeout[1]
    return float(timeout) if timeout is not None else None
