"""A GET or HEAD of an object's content: its headers, the If-* conditions and ranges.

The object controller serves stored objects with it, the SLO and DLO middlewares their
joined segments.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

from ..messages import Reply, Request
from ..ranges import UNSATISFIABLE, parse_ranges
from ..state import StoredObject
from .common import Layer, Refusal, http_date, stored_object_headers, x_timestamp
from .content import Content, iter_parts, open_content


def serve(
    layer: Layer,
    request: Request,
    obj: StoredObject,
    content: Content,
    part: tuple[int, int] | None = None,
    extra: dict[str, str] | None = None,
    compared_etag: str | None = None,
) -> Reply:
    """The reply to a GET or HEAD of ``obj`` whose content is ``content``. ``part``: the
    bytes (start, stop) of one part of a large object, served as a range even to a HEAD;
    ``extra``: headers to add; ``compared_etag``: what If-Match and If-None-Match compare
    with, when not the ETag served."""
    flavor = layer.flavor
    headers = {
        "Content-Type": layer.shown_content_type(obj),
        "Etag": content.etag,
        **stored_object_headers(obj),
        **content.headers,
        **{k.title(): v for k, v in obj.extra_headers.items()},
        **(extra or {}),
    }
    if obj.delete_at is not None:
        shown = int(obj.delete_at)
        if flavor.delete_at_shown_modulo is not None:  # RGW shows 32-bit seconds
            shown %= flavor.delete_at_shown_modulo
        headers["X-Delete-At"] = str(shown)
    compared = compared_etag or content.etag.strip('"')
    if obj.is_slo and flavor.slo_conditions_compare_listed_hash:
        compared = obj.etag
    failed = failed_condition(layer, request, compared, obj.last_modified)
    if failed == 412:
        if not flavor.precondition_failed_keeps_object_headers:
            return layer.error(412, "PreconditionFailed")
        headers.pop("Accept-Ranges")
        headers["Content-Type"] = flavor.error_content_type
        return Reply(412, {**headers, "Content-Length": "0"})
    if failed == 304:
        if flavor.not_modified_is_bare:
            headers = {
                "Content-Type": headers["Content-Type"],
                "Last-Modified": http_date(0),
                "X-Timestamp": x_timestamp(0),
                "Accept-Ranges": "bytes",
            }
            if request.headers.get("range"):
                headers["Content-Range"] = "bytes */0"  # RGW's, for an empty range
        return Reply(304, headers)
    range_header = request.headers.get("range")
    ranges = parse_ranges(range_header, content.size, flavor.range_header_style == "rgw")
    if ranges is not None and request.method == "HEAD" and flavor.head_ignores_range:
        ranges = None
    if part is not None:
        ranges = [part]
    if ranges == UNSATISFIABLE:
        if not flavor.range_error_keeps_object_headers:
            return layer.error(416, "InvalidRange")
        body = flavor.error_body(416, "InvalidRange").encode()
        headers["Content-Range"] = f"bytes */{content.size}"
        headers["Content-Length"] = str(len(body))
        return Reply(416, headers, body, error_code="InvalidRange")
    if ranges is None:
        headers["Content-Length"] = str(content.size)
        if range_header and flavor.ignored_range_says_content_range and content.size:
            headers["Content-Range"] = f"bytes 0-{content.size - 1}/{content.size}"
        if request.method == "HEAD":
            return Reply(200, headers)
        return Reply(200, headers, open_content(content.parts))
    if len(ranges) > 1:
        return _multipart_ranges(request, headers, content, ranges)
    [(start, stop)] = ranges
    headers["Content-Length"] = str(stop - start)
    headers["Content-Range"] = f"bytes {start}-{stop - 1}/{content.size}"
    if request.method == "HEAD":
        return Reply(206, headers)
    return Reply(206, headers, iter_parts(content.parts, start, stop))


def _multipart_ranges(
    request: Request, headers: dict[str, str], content: Content, ranges: list
) -> Reply:
    """A 206 multipart/byteranges reply, as Swift's swob writes it."""
    boundary = secrets.token_hex(16)
    part_type = headers["Content-Type"]
    heads = [
        f"--{boundary}\r\nContent-Type: {part_type}\r\n"
        f"Content-Range: bytes {start}-{stop - 1}/{content.size}\r\n\r\n".encode()
        for start, stop in ranges
    ]
    tail = f"--{boundary}--".encode()
    length = sum(
        len(head) + stop - start + 2 for head, (start, stop) in zip(heads, ranges, strict=True)
    )
    headers["Content-Type"] = f"multipart/byteranges;boundary={boundary}"
    headers["Content-Length"] = str(length + len(tail))

    def chunks() -> Iterator[bytes]:
        for head, (start, stop) in zip(heads, ranges, strict=True):
            yield head
            yield from iter_parts(content.parts, start, stop)
            yield b"\r\n"
        yield tail

    if request.method == "HEAD":
        return Reply(206, headers)
    return Reply(206, headers, chunks())


def failed_condition(layer: Layer, request: Request, etag: str, last_modified: float) -> int | None:
    """412 or 304 if the If-* headers say so, else None: in RFC 9110's order (a date is
    looked at only without its ETag header), or as Swift's swob checks them (each on its
    own: If-None-Match, If-Match, If-Modified-Since, If-Unmodified-Since)."""
    headers = request.headers
    if layer.flavor.conditions_checked_each:
        return _swob_condition(layer, headers, etag, last_modified)
    if_match = headers.get("if-match")
    if if_match is not None:
        if not _etag_matches(layer, if_match, etag):
            return 412
    elif headers.get("if-unmodified-since") is not None:
        since = _http_time(layer, headers["if-unmodified-since"])
        if since is not None and math.ceil(last_modified) > since:
            return 412
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        if _etag_matches(layer, if_none_match, etag):
            return 304
    elif headers.get("if-modified-since") is not None:
        since = _http_time(layer, headers["if-modified-since"])
        if since is not None and math.ceil(last_modified) <= since:
            return 304
    return None


def _swob_condition(
    layer: Layer, headers: dict[str, str], etag: str, last_modified: float
) -> int | None:
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None and _etag_matches(layer, if_none_match, etag):
        return 304
    if_match = headers.get("if-match")
    if if_match is not None and not _etag_matches(layer, if_match, etag):
        return 412
    stamp = math.ceil(last_modified)
    raw = headers.get("if-modified-since")
    since = _http_time(layer, raw) if raw is not None else None
    if since is not None and stamp <= since:
        return 304
    raw = headers.get("if-unmodified-since")
    since = _http_time(layer, raw) if raw is not None else None
    if since is not None and stamp > since:
        return 412
    return None


def _etag_matches(layer: Layer, header: str, etag: str) -> bool:
    if not layer.flavor.etag_conditions_take_lists:  # RGW: one ETag, quoted or not
        return header.strip().strip('"') == etag
    candidates = {value.strip().strip('"') for value in header.split(",")}
    return "*" in candidates or etag in candidates


def _http_time(layer: Layer, value: str) -> float | None:
    """An HTTP date as a timestamp; None (ignored) or 400 when it is not one."""
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        if layer.flavor.bad_http_dates_rejected:
            raise Refusal(layer.error(400, "InvalidArgument")) from None
        return None
