"""The plain request and reply that the services speak, whatever carries them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

# Set in a request's environ by a service that refused its body as too large before
# reading it: the server replies at once and closes the connection, as Swift and RGW do,
# rather than wait for a body the client may never send.
BODY_REFUSED = "fake_swift.body_refused"
# Set in the WSGI environ for the server under the app: close after this reply.
CLOSE_AFTER_REPLY = "fake_swift.close_after_reply"


@dataclass
class Request:
    """One HTTP request: header names lower-case, path still percent-encoded."""

    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Iterable[bytes] = ()
    # What the stages of a service found out about the request, as WSGI's environ
    # carries it between Swift's middlewares.
    environ: dict[str, Any] = field(default_factory=dict)

    def read_body(self) -> bytes:
        """The whole body (only for small bodies: manifests, bulk deletes, logins)."""
        return b"".join(self.body)


@dataclass
class Reply:
    """One HTTP reply. ``body`` is bytes, an open binary file, or an iterator of chunks.

    A file or iterator body must come with a Content-Length header, unless the headers
    say ``Transfer-Encoding: chunked`` (then no Content-Length is sent). A 204 or 304
    is sent with a Content-Length only when its headers have one.
    """

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | BinaryIO | Iterable[bytes] = b""
    # For an error reply: its code (e.g. "NoSuchKey"), for bodies in other formats.
    error_code: str | None = None


def json_reply(
    status: int,
    document: Any,
    headers: dict[str, str] | None = None,
    separators: tuple[str, str] = (", ", ": "),
    content_type: str = "application/json; charset=utf-8",
) -> Reply:
    """A reply carrying ``document`` as JSON."""
    return Reply(
        status,
        {"Content-Type": content_type, **(headers or {})},
        json.dumps(document, separators=separators).encode("utf-8"),
    )
