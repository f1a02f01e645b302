"""The ``?versions`` listing of object versioning (see object_versioning.py): every
version of every object of a container, in JSON only, newest first for each name, each
with its ``version_id`` and whether it ``is_latest``. It joins the container's own
listing (objects written while versioning was off are the ``null`` version, links the
current ones) with its hidden versions container's, each asked with the client's
prefix, marker (and ``version_marker``), delimiter, reverse and limit.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import unquote

from ..messages import Reply, Request
from .common import Refusal, Target, access_of, is_true, subrequest
from .object_versioning import (
    DELETE_MARKER_TYPE,
    LOCATION,
    RESERVED,
    parse_version_object_name,
    version_object_name,
    versions_container_name,
)

if TYPE_CHECKING:
    from .object_versioning import ObjectVersioningMiddleware

# What the container's own listing is asked with (in JSON).
_PRIMARY_PARAMETERS = ("prefix", "marker", "end_marker", "limit", "delimiter", "reverse", "path")
# Characters of version ids, which a delimiter may not hold.
_VERSION_CHARACTERS = frozenset("0123456789." + RESERVED)


def accepts_json(request: Request) -> bool:
    """Whether the client takes JSON: ?format=json, or an Accept that allows it."""
    fmt = request.query.get("format")
    if fmt:
        return fmt.lower() == "json"
    accept = (request.headers.get("accept") or "").strip()
    if not accept:
        return True
    for part in accept.split(","):
        media, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            if parameter.startswith("q="):
                try:
                    quality = float(parameter[2:])
                except ValueError:
                    quality = 0.0
        if quality > 0 and media.lower() in ("*/*", "application/*", "application/json"):
            return True
    return False


def _listing(layer: ObjectVersioningMiddleware, request: Request, target: Target, query) -> Reply:
    headers = {k: v for k, v in request.headers.items() if k != "accept"}
    return layer.answer(subrequest(request, "GET", target, headers, {**query, "format": "json"}))


def _hidden_marker(layer: ObjectVersioningMiddleware, params: dict[str, str]) -> str:
    """Where the hidden container's listing starts: past ``marker``'s versions, or past
    its ``version_marker``."""
    if "marker" not in params:
        if "version_marker" in params:
            detail = "version_marker param requires marker"
            raise Refusal(layer.error(400, "InvalidArgument", detail))
        return ""
    marker = params["marker"]
    if "version_marker" not in params:
        return f"{RESERVED}{marker}{RESERVED}:"  # past all of its versions
    if params["version_marker"] == "null":
        return f"{RESERVED}{marker}{RESERVED}"
    try:
        return version_object_name(marker, params["version_marker"])
    except ValueError:
        raise Refusal(layer.error(400, "InvalidArgument", "invalid version_marker param")) from None


def versions_listing(layer: ObjectVersioningMiddleware, request: Request, target: Target) -> Reply:
    params = dict(request.query)
    primary_query = {k: v for k, v in params.items() if k in _PRIMARY_PARAMETERS}
    primary = _listing(layer, request, target, primary_query)
    if primary.status >= 300:
        return primary
    if not accepts_json(request):
        return layer.error(406, "NotAcceptable")
    marker = _hidden_marker(layer, params)
    if set(params.get("delimiter", "")) & _VERSION_CHARACTERS:
        return layer.error(400, "InvalidArgument", "invalid delimiter param")
    limit = layer.listing_limit(request, "container", {})

    nulls: list[dict] = []
    subdirs: set[str] = set()
    current: dict[tuple[str, str], dict] = {}  # (name, version id) of each link
    latest: set[str] = set()
    for item in json.loads(primary.body):
        if "name" not in item:
            subdirs.add(item["subdir"])
        elif item.get("version_symlink"):
            version_id = item["symlink_path"].rpartition("?version-id=")[2]
            current[(item["name"], version_id)] = item
        else:
            nulls.append({**item, "version_id": "null", "is_latest": True})
            latest.add(item["name"])

    location = layer.sysmeta(request, target.container).get(LOCATION)
    hidden = unquote(location) if location else versions_container_name(target.container)
    with layer.state.lock:
        exists = hidden in access_of(request).account.containers
    versions: list[dict] = []
    if exists:
        hidden_query = {
            "prefix": RESERVED + params["prefix"] if "prefix" in params else "",
            "marker": marker,
            "limit": params.get("limit", ""),
            "delimiter": params.get("delimiter", ""),
            "reverse": params.get("reverse", ""),
        }
        found = _listing(layer, request, Target(target.project_id, hidden, ""), hidden_query)
        if found.status >= 300:
            return found
        for item in json.loads(found.body):
            if "name" not in item:
                subdirs.add(item["subdir"][1:].split(RESERVED)[0])
                continue
            name, version_id = parse_version_object_name(item["name"])
            if version_id is None:
                continue
            if current.pop((name, version_id), None) is not None:
                item["is_latest"] = True
                latest.add(name)
            elif item.get("content_type") == DELETE_MARKER_TYPE and name not in latest:
                item["is_latest"] = True
                latest.add(name)
            else:
                item["is_latest"] = False
            item["name"] = name
            item["version_id"] = version_id
            versions.append(item)
    broken = []  # links whose version the hidden listing did not show
    for (name, version_id), item in current.items():
        is_latest = True
        if not exists:
            is_latest = name not in latest
            latest.add(name)
        broken.append(
            {
                "name": name,
                "is_latest": is_latest,
                "version_id": version_id,
                "content_type": item.get("content_type"),
                "bytes": item["bytes"],
                "hash": item["hash"],
                "last_modified": item["last_modified"],
            }
        )
    entries = nulls + versions + [{"subdir": subdir} for subdir in subdirs] + broken
    reverse = is_true(params.get("reverse"))
    entries.sort(key=lambda entry: entry.get("name", entry.get("subdir")), reverse=reverse)
    headers = {k: v for k, v in primary.headers.items() if k.lower() != "content-length"}
    headers["Content-Type"] = "application/json; charset=utf-8"
    return Reply(200, headers, json.dumps(entries[:limit]).encode("ascii"))
