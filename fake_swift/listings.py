"""Account and container listings: which names a query selects, and the listing bodies.

No state and no HTTP here: names in, entries and bytes out. The flavor decides the
details where the two kinds of server write their listings differently.
"""

from __future__ import annotations

import bisect
import json
from xml.sax.saxutils import escape, quoteattr

from .flavors import LISTING_LIMIT, Flavor
from .messages import Reply, Request

_TRUE_VALUES = {"true", "1", "yes", "on", "t", "y"}
# ?format= values and the listing type each asks for (anything else: plain text).
_FORMATS = {"json": "application/json", "xml": "application/xml"}
CONTAINER_XML_FIELDS = ("name", "hash", "bytes", "content_type", "last_modified")
ACCOUNT_XML_FIELDS = ("name", "count", "bytes", "last_modified", "storage_policy")


class LimitError(Exception):
    """A ``limit`` the server refuses: the status and the error code to answer with."""

    def __init__(self, status: int, code: str, detail: str | None) -> None:
        super().__init__(status)
        self.status = status
        self.code = code
        self.detail = detail


def listing_type(request: Request) -> str:
    """The media type a listing is asked in: text/plain, application/json or .../xml."""
    fmt = request.query.get("format")
    if fmt:
        return _FORMATS.get(fmt.lower(), "text/plain")
    accept = request.headers.get("accept", "")
    for wanted in ("application/json", "application/xml", "text/xml"):
        if wanted in accept:
            return wanted
    return "text/plain"


def listing_limit(flavor: Flavor, query: dict[str, str], level: str) -> int:
    """The number of entries a listing may hold, or LimitError as the flavor refuses it."""
    raw = query.get("limit")
    if not raw:
        return LISTING_LIMIT
    if flavor.listing_limit_must_be_integer:
        try:
            limit = int(raw)
        except ValueError:
            raise LimitError(400, "InvalidArgument", None) from None
    elif raw.isascii() and raw.isdigit():
        limit = int(raw)
    else:  # Swift ignores anything but digits
        return LISTING_LIMIT
    rejected = level in flavor.listing_limit_over_max_rejected
    if limit > LISTING_LIMIT or (limit < 0 and rejected):
        if rejected:
            raise LimitError(412, "PreconditionFailed", f"Maximum limit is {LISTING_LIMIT}")
        return LISTING_LIMIT
    return max(limit, 0)


def wants_reverse(flavor: Flavor, query: dict[str, str], level: str) -> bool:
    """Whether ?reverse asks for a listing in reverse order: a true value (Swift), or
    the parameter whatever its value (RGW, which reverses only account listings)."""
    if "reverse" not in query:
        return False
    if level == "container" and not flavor.container_listing_honours_reverse:
        return False
    if flavor.reverse_by_presence:
        return True
    return query["reverse"].strip().lower() in _TRUE_VALUES


def select_names(
    names: list[str],
    query: dict[str, str],
    limit: int,
    reverse: bool = False,
    bare_delimiter_left_out: bool = False,
) -> list[tuple[str, str]]:
    """Apply prefix, marker, end_marker, reverse, delimiter, path and limit to sorted names.

    Returns ("name", name) and ("subdir", prefix) pairs in listing order. A subdir equal
    to the marker is left out (the client has seen it on the previous page), and so is
    one that is the delimiter alone when ``bare_delimiter_left_out`` (RGW).
    """
    prefix = query.get("prefix", "")
    marker = query.get("marker", "")
    end_marker = query.get("end_marker", "")
    delimiter = query.get("delimiter", "")
    path = query.get("path")
    if path is not None:
        # ?path=: the names right under that "directory", markers of deeper ones
        # ("dir/sub/") included, no subdir entries (Swift's container server).
        prefix = path.rstrip("/") + "/" if path else ""
        delimiter = ""
    low, high = prefix_bounds(names, prefix)
    if reverse:
        if marker:
            high = min(high, bisect.bisect_left(names, marker))
        if end_marker:
            low = max(low, bisect.bisect_right(names, end_marker))
        indexes = range(high - 1, low - 1, -1)
    else:
        if marker:
            low = max(low, bisect.bisect_right(names, marker))
        if end_marker:
            high = min(high, bisect.bisect_left(names, end_marker))
        indexes = range(low, high)
    selected: list[tuple[str, str]] = []
    for index in indexes:
        if len(selected) >= limit:
            break
        name = names[index]
        if path is not None:
            rest = name[len(prefix) :]
            if not rest or "/" in rest.rstrip("/") or rest.count("/") > 1:
                continue  # the directory itself, or deeper down
            selected.append(("name", name))
            continue
        if delimiter:
            cut = name.find(delimiter, len(prefix))
            if cut >= 0:
                subdir = name[: cut + len(delimiter)]
                if bare_delimiter_left_out and subdir == delimiter:
                    continue
                if subdir != marker and (not selected or selected[-1] != ("subdir", subdir)):
                    selected.append(("subdir", subdir))
                continue
        selected.append(("name", name))
    return selected


def prefix_bounds(names: list[str], prefix: str) -> tuple[int, int]:
    """The slice of sorted ``names`` that start with ``prefix``."""
    if not prefix:
        return 0, len(names)
    low = bisect.bisect_left(names, prefix)
    last = prefix[-1]
    if ord(last) == 0x10FFFF:
        return low, len(names)
    successor = prefix[:-1] + chr(ord(last) + 1)
    return low, bisect.bisect_left(names, successor)


def names_with_prefix(names: list[str], prefix: str) -> list[str]:
    low, high = prefix_bounds(names, prefix)
    return names[low:high]


def listing_reply(
    flavor: Flavor,
    request: Request,
    entries: list[dict],
    headers: dict[str, str],
    root: tuple[str, str],
) -> Reply:
    """The listing of ``entries`` in the format asked; ``root`` is ("container", name) or
    ("account", name) for XML."""
    wanted = listing_type(request)
    if wanted == "application/json":
        body = json.dumps(
            entries, separators=flavor.json_separators, ensure_ascii=flavor.json_ensure_ascii
        ).encode("utf-8")
        return Reply(200, {**headers, "Content-Type": "application/json; charset=utf-8"}, body)
    if wanted in ("application/xml", "text/xml"):
        shown = wanted if flavor.listing_echoes_text_xml else "application/xml"
        body = to_xml(flavor, entries, *root)
        return Reply(200, {**headers, "Content-Type": f"{shown}; charset=utf-8"}, body)
    plain = {**headers, "Content-Type": "text/plain; charset=utf-8"}
    if not entries:
        return Reply(204, plain)
    names = [entry.get("name", entry.get("subdir")) for entry in entries]
    text = "\n".join(names) + ("\n" if flavor.text_listing_ends_with_newline else "")
    return Reply(200, plain, text.encode("utf-8"))


def to_xml(flavor: Flavor, entries: list[dict], kind: str, name: str) -> bytes:
    """An XML listing as Swift (ElementTree) or RGW (its own formatter) writes it."""
    on_lines = kind == "account" and flavor.xml_account_entries_on_lines
    newline = "\n" if on_lines else ""
    parts = []
    for entry in entries:
        if "subdir" in entry:
            subdir = entry["subdir"]
            if kind == "container":
                inner = f"<name>{escape(subdir)}</name>"
                parts.append(f"<subdir name={quoteattr(subdir)}>{inner}</subdir>")
            elif flavor.xml_self_closes_empty:
                parts.append(f"<subdir name={quoteattr(subdir)} />")
            else:
                parts.append(f"<subdir name={quoteattr(subdir)}></subdir>")
            continue
        fields = CONTAINER_XML_FIELDS if kind == "container" else ACCOUNT_XML_FIELDS
        inner = "".join(_xml_field(flavor, key, entry[key]) for key in fields if key in entry)
        parts.append(
            f"<{'object' if kind == 'container' else 'container'}>{inner}"
            f"</{'object' if kind == 'container' else 'container'}>"
        )
    declaration = '<?xml version="1.0" encoding="UTF-8"?>'
    if flavor.xml_declaration_ends_line:
        declaration += "\n"
    opening = f"<{kind} name={quoteattr(name)}"
    if not parts and not on_lines:
        closing = " />" if flavor.xml_self_closes_empty else f"></{kind}>"
        return (declaration + opening + closing).encode("utf-8")
    body = "".join(part + newline for part in parts)
    return f"{declaration}{opening}>{newline}{body}</{kind}>".encode()


def _xml_field(flavor: Flavor, key: str, value: object) -> str:
    text = escape(str(value))
    if not text and flavor.xml_self_closes_empty:
        return f"<{key} />"
    return f"<{key}>{text}</{key}>"
