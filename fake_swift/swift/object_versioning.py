"""Object versioning, as Swift's ``object_versioning`` middleware keeps it (swift flavor).

A container PUT or POST with ``X-Versions-Enabled: true`` makes a hidden container,
``\\x00versions\\x00<container>``, that no client can name. While versioning is on, a
PUT stores the body there as ``\\x00<object>\\x00<inverted version id>`` and leaves in
the container a static link to it (a symlink that is neither counted nor authorized when
followed); a DELETE stores a zero-byte delete marker there and removes the link. Each
version has an id (``X-Object-Version-Id``, a timestamp) that ``?version-id=`` reads,
deletes, or makes current again (a PUT); ``?versions`` lists them all (see
versions_listing.py). An object written while versioning was off is the ``null``
version, copied into the hidden container when versioning next writes over it. The
container's bytes count its versions' too; the account listing hides the hidden
container.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import replace
from urllib.parse import quote, unquote

from ..messages import Reply, Request
from ..state import EMPTY_BODY, Account, Container, StoredObject, SymlinkTarget
from .common import (
    API_PREFIX,
    SYMLINK,
    Layer,
    Refusal,
    Target,
    access_of,
    is_true,
    split_object_path,
    subrequest,
    target_of,
)

RESERVED = "\x00"
DELETE_MARKER_TYPE = "application/x-deleted;swift_versions_deleted=1"
# The container's system metadata the middleware keeps (Container.sysmeta).
ENABLED = "versions-enabled"
LOCATION = "versions-container"
_NO_VERSIONS_CONTAINER = (
    "The versions container does not exist. You may want to re-enable object versioning."
)
# A version id is a timestamp in units of 10 microseconds, as Swift's Timestamp keeps it.
_UNITS = 100_000
_LARGEST = 10**15 - 1
_EXPIRY = ("x-delete-at", "x-delete-after")
# Headers of a client's PUT that are not the link's (Swift leaves them to the version).
_NOT_FOR_LINK = (
    "etag",
    "x-if-delete-at",
    "x-symlink-target",
    "x-symlink-target-account",
    "x-symlink-target-etag",
    "x-object-manifest",
    "x-static-large-object",
    "transfer-encoding",
)


def versions_container_name(container: str) -> str:
    return f"{RESERVED}versions{RESERVED}{container}"


def _units(version_id: str) -> int:
    """A version id (Swift's Timestamp: seconds, maybe ``_<offset>``) in units; ValueError
    when it is none."""
    seconds = float(version_id.partition("_")[0])
    units = round(seconds * _UNITS)
    if not 0 <= units <= _LARGEST:
        raise ValueError(version_id)
    return units


def _shown(units: int) -> str:
    return f"{units // _UNITS:010d}.{units % _UNITS:05d}"


def version_object_name(name: str, version_id: str) -> str:
    """Where a version of ``name`` lives in the hidden container: newest first."""
    return f"{RESERVED}{name}{RESERVED}{_shown(_LARGEST - _units(version_id))}"


def parse_version_object_name(stored: str) -> tuple[str, str | None]:
    """The object name and version id of a name in the hidden container."""
    parts = stored[1:].split(RESERVED) if stored.startswith(RESERVED) else []
    if len(parts) != 2:
        return stored, None
    try:
        return parts[0], _shown(_LARGEST - _units(parts[1]))
    except ValueError:
        return stored, None


def hidden_container(account: Account, container: Container) -> Container | None:
    """The versions container of ``container``, if it has one (call with the lock)."""
    location = container.sysmeta.get(LOCATION)
    return account.containers.get(unquote(location)) if location else None


def bytes_with_versions(account: Account, container: Container) -> int:
    """The bytes a container is said to hold: its own and its versions' (call with the
    lock)."""
    hidden = hidden_container(account, container)
    return container.bytes_used + (hidden.bytes_used if hidden is not None else 0)


def versions_link_entry(link: SymlinkTarget, name: str, project_id: str) -> dict:
    """What a container listing shows of a link to an object's current version: the
    version's size and ETag, and the object's path with its version id."""
    hidden, stored = split_object_path(link.target)
    _, version_id = parse_version_object_name(stored)
    container = hidden.split(RESERVED)[-1]
    path = quote(f"{API_PREFIX}AUTH_{project_id}/{container}/{name}")
    entry = {"bytes": link.size, "hash": link.etag}
    if link.slo_etag:
        entry["slo_etag"] = link.slo_etag
    entry["symlink_path"] = f"{path}?version-id={version_id}"
    entry["version_symlink"] = True
    return entry


class ObjectVersioningMiddleware(Layer):
    """Keeps versions of the objects of containers that have versioning enabled."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._last_units = 0

    def handle(self, request: Request) -> Reply:
        target = target_of(request)
        if not self.flavor.object_versioning or not target.container:
            return self.app(request)
        if not target.object:
            return self._container_request(request, target)
        return self._object_request(request, target)

    def answer(self, request: Request) -> Reply:
        """What the rest of the pipeline answers, refusals as replies."""
        try:
            return self.app(request)
        except Refusal as refusal:
            if refusal.bare:
                raise
            return refusal.reply

    def sysmeta(self, request: Request, container_name: str) -> dict[str, str]:
        with self.state.lock:
            container = access_of(request).account.containers.get(container_name)
            return dict(container.sysmeta) if container is not None else {}

    # containers

    def _container_request(self, request: Request, target: Target) -> Reply:
        method = request.method
        if method in ("PUT", "POST") and "x-versions-enabled" in request.headers:
            return self._enable(request, target)
        if method == "DELETE":
            self._drop_versions_container(request, target)
        if method == "GET" and "versions" in request.query:
            from .versions_listing import versions_listing

            reply = versions_listing(self, request, target)
        else:
            reply = self.app(request)
        if method in ("GET", "HEAD") and reply.status < 300:
            self.describe_container(request, target, reply)
        return reply

    def describe_container(self, request: Request, target: Target, reply: Reply) -> None:
        """X-Versions-Enabled, and the versions' bytes counted in the container's."""
        account = access_of(request).account
        with self.state.lock:
            container = account.containers.get(target.container)
            if container is None:
                return
            if ENABLED in container.sysmeta:
                reply.headers["X-Versions-Enabled"] = container.sysmeta[ENABLED]
            if "X-Container-Bytes-Used" in reply.headers:
                used = bytes_with_versions(account, container)
                reply.headers["X-Container-Bytes-Used"] = str(used)

    def _enable(self, request: Request, target: Target) -> Reply:
        enabled = is_true(request.headers["x-versions-enabled"])
        account = access_of(request).account
        hidden = versions_container_name(target.container)
        if enabled:
            with self.state.lock:
                if hidden not in account.containers:
                    now = time.time()
                    account.containers[hidden] = Container(hidden, now, last_modified=now)
                    account.order.add(hidden)
        reply = self.app(request)
        with self.state.lock:
            container = account.containers.get(target.container)
            if reply.status < 300 and container is not None:
                container.sysmeta[ENABLED] = str(enabled)
                if enabled:
                    container.sysmeta[LOCATION] = quote(hidden)
            elif enabled and not account.containers[hidden].objects:
                del account.containers[hidden]
                account.order.remove(hidden)
        return reply

    def _drop_versions_container(self, request: Request, target: Target) -> None:
        """Before a container goes, its versions container (refused while it holds any)."""
        account = access_of(request).account
        with self.state.lock:
            container = account.containers.get(target.container)
            hidden = hidden_container(account, container) if container is not None else None
            if hidden is None:
                return
            if hidden.objects:
                detail = "Delete all versions before deleting container."
                raise Refusal(self.error(409, "Conflict", detail))
            del account.containers[hidden.name]
            account.order.remove(hidden.name)

    # objects

    def _object_request(self, request: Request, target: Target) -> Reply:
        sysmeta = self.sysmeta(request, target.container)
        hidden = unquote(sysmeta.get(LOCATION, "")) or None
        version_id = request.query.get("version-id")
        if version_id:
            return self._with_version_id(request, target, hidden, version_id)
        if hidden is None:
            return self.app(request)
        enabled = is_true(sysmeta.get(ENABLED))
        if request.method == "PUT" and enabled:
            return self._put(request, target, hidden)
        if request.method == "DELETE" and enabled:
            return self._delete(request, target, hidden)
        if request.method == "POST":
            return self._post(request, target, hidden)
        if request.method in ("GET", "HEAD"):
            reply = self.answer(request)
            self._annotate(request, target, hidden, reply)
            return reply
        return self.app(request)

    def _new_version_id(self) -> str:
        with self.state.lock:
            self._last_units = max(round(time.time() * _UNITS), self._last_units + 1)
            return _shown(self._last_units)

    def _current(self, request: Request, target: Target) -> StoredObject | None:
        with self.state.lock:
            container = access_of(request).account.containers.get(target.container)
            obj = container.objects.get(target.object) if container is not None else None
        return None if obj is None or obj.expired() else obj

    def _hidden(self, request: Request, hidden: str) -> Container:
        with self.state.lock:
            container = access_of(request).account.containers.get(hidden)
        if container is None:
            raise Refusal(self.plain_error(_NO_VERSIONS_CONTAINER, 500, "InternalError"))
        return container

    def _checked(self, reply: Reply) -> None:
        """Swift's answer when a write of the middleware's own fails."""
        if reply.status < 300:
            return
        if reply.status == 404:
            raise Refusal(self.error(412, "PreconditionFailed"))
        if reply.status < 500:
            raise Refusal(reply)
        raise Refusal(self.error(503, "ServiceUnavailable"))

    def _copy_current(self, request: Request, target: Target, hidden: str) -> None:
        """An object written while versioning was off becomes a version of its own."""
        current = self._current(request, target)
        if current is None or (current.symlink is not None and current.symlink.versions):
            return
        container = self._hidden(request, hidden)
        name = version_object_name(target.object, f"{current.last_modified:.5f}")
        self.store(access_of(request).account, container.name, self.copy_of(current, name))

    def _put(self, request: Request, target: Target, hidden: str) -> Reply:
        self._copy_current(request, target, hidden)
        version_id = self._new_version_id()
        where = Target(target.project_id, hidden, version_object_name(target.object, version_id))
        headers = {k: v for k, v in request.headers.items() if k not in _EXPIRY}
        query = {k: v for k, v in request.query.items() if k != "version-id"}
        written = self.answer(subrequest(request, "PUT", where, headers, query, request.body))
        if written.status == 404:
            return self.plain_error(_NO_VERSIONS_CONTAINER, 500, "InternalError")
        if written.status >= 300:
            return written
        reply = self._link(request, target, where)
        reply.headers["Etag"] = written.headers.get("Etag", "")
        reply.headers["X-Object-Version-Id"] = version_id
        return reply

    def _link(self, request: Request, target: Target, where: Target) -> Reply:
        """Make the object a link to the version at ``where``."""
        with self.state.lock:
            version = access_of(request).account.containers[where.container].objects[where.object]
        headers = {k: v for k, v in request.headers.items() if k not in _NOT_FOR_LINK}
        headers["content-length"] = "0"
        headers["content-type"] = version.content_type
        link = SymlinkTarget(
            quote(f"{where.container}/{where.object}"),
            etag=version.etag,
            size=version.content_length,
            slo_etag=f'"{version.slo_etag}"' if version.is_slo else None,
            versions=True,
        )
        static = version.symlink
        if static is not None and static.etag:
            # A static link by the client: Swift's symlink middleware checks the new
            # link against the target the client named, and keeps its ETag and size.
            link = replace(link, etag=static.etag, size=static.size, slo_etag=static.slo_etag)
        put = subrequest(request, "PUT", target, headers)
        put.environ[SYMLINK] = link
        return self.answer(put)

    def _delete(self, request: Request, target: Target, hidden: str) -> Reply:
        """A delete marker is written, then the link goes."""
        self._copy_current(request, target, hidden)
        with self.state.lock:
            exists = hidden in access_of(request).account.containers
        if not exists:
            raise Refusal(self.error(412, "PreconditionFailed"))
        version_id = self._new_version_id()
        marker = StoredObject(
            name=version_object_name(target.object, version_id),
            body=EMPTY_BODY,
            size=0,
            etag=hashlib.md5(b"").hexdigest(),
            content_type=DELETE_MARKER_TYPE,
            last_modified=time.time(),
        )
        self.store(access_of(request).account, hidden, marker)
        reply = self.answer(request)
        if reply.status < 300 or reply.status == 404:
            reply.headers["X-Object-Version-Id"] = version_id
        return reply

    def _post(self, request: Request, target: Target, hidden: str) -> Reply:
        """A POST to a link to a version goes on to the version."""
        headers = {k: v for k, v in request.headers.items() if k not in _EXPIRY}
        reply = self.answer(request)
        current = self._current(request, target)
        if reply.status != 307 or current is None or current.symlink is None:
            return reply
        if not current.symlink.versions:
            return reply
        container, name = split_object_path(current.symlink.target)
        if container != hidden:
            return reply
        post = subrequest(request, "POST", Target(target.project_id, container, name), headers)
        return self.answer(post)

    def _annotate(self, request: Request, target: Target, hidden: str, reply: Reply) -> None:
        """A read says which version it read ("null": not one of the hidden container's)."""
        reply.headers["X-Object-Version-Id"] = "null"
        own = f"{API_PREFIX}AUTH_{target.project_id}/"
        location = reply.headers.get("Content-Location", "")
        if location.startswith(own):
            container, name = split_object_path(location[len(own) :], require_name=False)
            _, version_id = parse_version_object_name(name)
            if container == hidden and version_id is not None:
                reply.headers["X-Object-Version-Id"] = version_id
                path = quote(f"{own}{target.container}/{target.object}")
                reply.headers["Content-Location"] = f"{path}?version-id={version_id}"
        link = reply.headers.get("X-Symlink-Target")
        if link:
            container, name = split_object_path(link, require_name=False)
            _, version_id = parse_version_object_name(name)
            if container == hidden and version_id is not None:
                reply.headers["X-Object-Version-Id"] = version_id
                shown = quote(f"{target.container}/{target.object}")
                reply.headers["X-Symlink-Target"] = f"{shown}?version-id={version_id}"

    # ?version-id=

    def _with_version_id(
        self, request: Request, target: Target, hidden: str | None, version_id: str
    ) -> Reply:
        if request.method == "POST":
            return self.error(400, "InvalidArgument", "POST to a specific version is not allowed")
        if hidden is None and version_id != "null":
            detail = "version-aware operations require that the container is versioned"
            return self.error(400, "InvalidArgument", detail)
        if version_id != "null" or request.method == "PUT":
            try:
                _units(version_id)
            except ValueError:
                return self.error(400, "InvalidArgument", "Invalid version parameter")
        if request.method not in ("GET", "HEAD", "PUT", "DELETE"):
            return self.app(request)
        if version_id == "null":
            return self._null_version(request, hidden)
        assert hidden is not None
        where = Target(target.project_id, hidden, version_object_name(target.object, version_id))
        if request.method == "PUT":
            return self._restore(request, target, where)
        if request.method == "DELETE":
            return self._delete_version(request, target, where, version_id)
        # The hidden container's own rights: only its owner reads versions.
        self.authorized(request, request.method, where)
        query = {k: v for k, v in request.query.items() if k != "version-id"}
        reply = self.answer(subrequest(request, request.method, where, request.headers, query))
        # A part of a large object beyond its last one keeps the version's headers.
        if reply.status < 300 or (reply.status == 416 and "X-Parts-Count" in reply.headers):
            reply.headers["X-Object-Version-Id"] = version_id
        if reply.status < 300 and reply.headers.get("Content-Type") == DELETE_MARKER_TYPE:
            reply = self.error(404, "NoSuchKey")
            reply.headers["Content-Type"] = DELETE_MARKER_TYPE
            reply.headers["X-Object-Version-Id"] = version_id
        return reply

    def _null_version(self, request: Request, hidden: str | None) -> Reply:
        """The object as written while versioning was off (a DELETE removes the link)."""
        if request.method not in ("GET", "HEAD"):
            return self.app(request)
        reply = self.answer(request)
        if reply.status < 300:
            location = unquote(reply.headers.get("Content-Location", ""))
            if f"{RESERVED}versions{RESERVED}" in location:
                return self.error(404, "NoSuchKey")
            reply.headers["X-Object-Version-Id"] = "null"
        return reply

    def _restore(self, request: Request, target: Target, where: Target) -> Reply:
        """PUT ?version-id=: that version becomes the current one again."""
        length = request.headers.get("content-length")
        if "chunked" in request.headers.get("transfer-encoding", "").lower():
            has_body = any(request.body)
        elif length is None:
            return self.plain_error("Missing Content-Length header.", 411, "MissingContentLength")
        else:
            has_body = length not in ("", "0")
        if has_body:
            detail = "PUT version-id requests require a zero byte body"
            return self.plain_error(detail, 400)
        container = self._hidden(request, where.container)
        with self.state.lock:
            version = container.objects.get(where.object)
        if version is None or version.expired():
            return self.plain_error("The specified version does not exist", 404, "NoSuchKey")
        reply = self._link(request, target, where)
        reply.headers["Etag"] = version.etag
        _, version_id = parse_version_object_name(where.object)
        reply.headers["X-Object-Version-Id"] = version_id or ""
        return reply

    def _delete_version(
        self, request: Request, target: Target, where: Target, version_id: str
    ) -> Reply:
        """DELETE ?version-id=: that version goes (with the link, if it is the current)."""
        current = self._current(request, target)
        linked = None
        if current is not None and current.symlink is not None and current.symlink.versions:
            linked = split_object_path(current.symlink.target)
        shown_current = "null"
        if linked == (where.container, where.object):
            self._checked(self.answer(subrequest(request, "DELETE", target, request.headers)))
        elif linked is not None:
            shown_current = parse_version_object_name(linked[1])[1] or "null"
        self.authorized(request, "DELETE", where)
        query = {k: v for k, v in request.query.items() if k != "version-id"}
        reply = self.answer(subrequest(request, "DELETE", where, request.headers, query))
        reply.headers["X-Object-Version-Id"] = version_id
        reply.headers["X-Object-Current-Version-Id"] = shown_current
        return reply
