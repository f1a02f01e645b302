"""A static large object's manifest as Swift's ``slo`` middleware reads it on PUT and
writes it back: the entries a client sends (``path``, ``etag``, ``size_bytes``,
``range``, or inline ``data``), the checks made before any segment is looked at, the
stored form, and the ``format=raw`` form. No state and no HTTP here.
"""

from __future__ import annotations

import base64
import binascii
import json
import math

from ..messages import Reply
from ..ranges import satisfiable_ranges, swift_range_specs
from ..state import SloSegment

# The keys an entry is recognised by, and the keys that may come with each.
SLO_KEYS = {"data": set(), "path": {"range", "etag", "size_bytes"}}


class ManifestError(ValueError):
    """A manifest refused before its segments are looked at: 400 and these lines."""

    def __init__(self, lines: list[str], plain: bool = True) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines
        # The entries' problems come as text/plain; a body that is no manifest at all is
        # refused with the proxy's usual error type.
        self.plain = plain

    @property
    def body(self) -> str:
        return "".join(line + "\n" for line in self.lines)


def _strict_b64decode(value: object) -> bytes:
    if not isinstance(value, str):
        raise ValueError(value)
    stripped = value.strip()
    if len(stripped.rstrip("=")) % 4 == 1:
        raise ValueError(value)
    try:
        return base64.b64decode(stripped + "=" * (-len(stripped) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(value) from None


def parse_manifest(raw: bytes, container: str, name: str) -> list[dict]:
    """The entries of a manifest PUT at ``container/name``, checked as Swift's
    ``parse_and_validate_input`` checks them; ManifestError when any is wrong."""
    try:
        entries = json.loads(raw or b"null")
    except ValueError:
        raise ManifestError(["Manifest must be valid JSON."], plain=False) from None
    if not isinstance(entries, list):
        raise ManifestError(["Manifest must be a list."], plain=False)
    errors: list[str] = []
    for index, entry in enumerate(entries):
        problem = _entry_problem(entry, index, len(entries), container, name)
        if problem:
            errors.append(f"Index {index}: {problem}")
    if entries and all(isinstance(e, dict) and "data" in e for e in entries):
        errors.append("Inline data segments require at least one object-backed segment.")
    if errors:
        raise ManifestError(errors)
    return entries


def _entry_problem(entry: object, index: int, count: int, container: str, name: str) -> str:
    """What is wrong with one entry ("" when nothing); normalises it in place."""
    if not isinstance(entry, dict):
        return "not a JSON object"
    kind = next((key for key in SLO_KEYS if key in entry), None)
    if kind is None:
        return "expected keys to include one of 'data' or 'path'"
    extra = sorted(key for key in entry if key not in SLO_KEYS[kind] | {kind})
    if extra:
        return "extraneous keys " + ", ".join(json.dumps(key) for key in extra)
    if kind == "data":
        try:
            data = _strict_b64decode(entry["data"])
        except ValueError:
            return "data must be valid base64"
        if not data:
            return "too small; each segment must be at least 1 byte."
        entry["data"] = base64.b64encode(data).decode("ascii")
        return ""
    path = entry["path"]
    if not isinstance(path, str):
        return '"path" must be a string'
    if not (entry.get("etag") is None or isinstance(entry["etag"], str)):
        return '"etag" must be a string or null (if provided)'
    if "/" not in path.strip("/"):
        return "path does not refer to an object. Path must be of the form /container/object."
    size = entry.get("size_bytes")
    if size is not None:
        try:
            size = entry["size_bytes"] = int(size)
        except (TypeError, ValueError):
            return "invalid size_bytes"
        if size < 1 and index != count - 1:
            return "too small; each segment must be at least 1 byte."
    if path.lstrip("/") == f"{container}/{name}":
        return "manifest must not include itself as a segment"
    if entry.get("range"):
        specs = swift_range_specs(f"bytes={entry['range']}")
        if specs is None:
            return "invalid range"
        if len(specs) > 1:
            return "multiple ranges (only one allowed)"
        if size is not None and len(satisfiable_ranges(specs, size)) != 1:
            return "unsatisfiable range"
    return ""


def segment_range(entry: dict, size: int) -> tuple[str | None, str | None]:
    """The stored range of an entry over a segment of ``size`` bytes ("first-last", or
    None for all of it), and the problem with it, if any."""
    if not entry.get("range"):
        return None, None
    specs = swift_range_specs(f"bytes={entry['range']}") or []
    ranges = satisfiable_ranges(specs, size)
    if not ranges:
        return None, "Unsatisfiable Range"
    start, stop = ranges[0]
    if (start, stop) == (0, size):
        return None, None  # the whole segment: kept without a range
    return f"{start}-{stop - 1}", None


def stored_json(segments: list[SloSegment], listing_time) -> bytes:
    """The manifest as Swift stores it (the body of ``?multipart-manifest=get``)."""
    stored: list[dict] = []
    for segment in segments:
        if segment.data is not None:
            stored.append({"data": segment.data})
            continue
        entry = {
            "name": segment.path,
            "bytes": segment.size,
            "hash": segment.etag,
            "content_type": segment.content_type,
            # from the segment's Last-Modified header: whole seconds, rounded up
            "last_modified": listing_time(math.ceil(segment.last_modified)),
        }
        if segment.range is not None:
            entry["range"] = segment.range
        if segment.sub_slo:
            entry["sub_slo"] = True
        stored.append(entry)
    return json.dumps(stored).encode("utf-8")


def raw_json(segments: list[SloSegment]) -> bytes:
    """The manifest in the form a client PUTs it (``?multipart-manifest=get&format=raw``)."""
    raw: list[dict] = []
    for segment in segments:
        if segment.data is not None:
            raw.append({"data": segment.data})
            continue
        entry = {"path": segment.path, "size_bytes": segment.size, "etag": segment.etag}
        if segment.range is not None:
            entry["range"] = segment.range
        raw.append(entry)
    return json.dumps(raw, sort_keys=True).encode("utf-8")


def problems_body(problems: list[list[str]], accept: str) -> tuple[str, bytes]:
    """The Content-Type and body of a refused manifest: its segments' problems, as
    Swift's bulk-style report in the format Accept asks for (text by default)."""
    if "application/json" in accept:
        return "application/json", json.dumps({"Errors": problems}).encode("ascii")
    lines = ["Errors:\n"] + [f"{name}, {status}\n" for name, status in problems]
    return "text/plain", "".join(lines).encode("utf-8")


# Swift's short reasons, for the report of a heartbeating manifest PUT.
_REASONS = {
    201: ("Created", ""),
    400: (
        "Bad Request",
        "The server could not comply with the request since it is either malformed or "
        "otherwise incorrect.",
    ),
    409: ("Conflict", "There was a conflict when trying to complete your request."),
    412: ("Precondition Failed", "A precondition for this request was not met."),
    422: ("Unprocessable Entity", "Unable to process the contained instructions"),
}


def heartbeat_reply(accept: str, status: int, report: dict, problems: list[list[str]]) -> Reply:
    """The answer to a manifest PUT with ``?heartbeat=on``: 202 at once, whitespace while
    it works, then a report of what the PUT would have answered (Swift's SLO)."""
    name, sentence = _REASONS.get(status, (str(status), ""))
    document = {"Response Status": f"{status} {name}", **report}
    if status != 201:
        document["Response Body"] = f"{name}\n{sentence}" if sentence else name
    else:
        document["Response Body"] = ""
    if "application/json" in accept:
        content_type = "application/json"
        body = json.dumps({**document, "Errors": problems}).encode("ascii")
    else:
        content_type = "text/plain"
        lines = [f"{key}: {document[key]}\n" for key in sorted(document)]
        lines.append("Errors:\n")
        lines.extend(f"{name}, {status}\n" for name, status in problems)
        body = "".join(lines).encode("utf-8")
    headers = {"Content-Type": content_type, "Transfer-Encoding": "chunked"}
    return Reply(202, headers, b" \r\n\r\n" + body)
