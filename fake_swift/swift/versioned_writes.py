"""Versioned writes, as Swift's older ``versioned_writes`` middleware keeps them (and RGW
with ``rgw_swift_versioning_enabled``): a container's ``X-Versions-Location`` names an
archive container in the same account. A PUT over an object first copies the object it
replaces there, as ``<3 hex digits: length of the name in bytes><name>/<time>``; a
DELETE puts the newest archived version back in its place ("stack" mode). With Swift's
``X-History-Location`` ("history" mode) a DELETE instead archives the object and adds a
delete marker. ``X-Remove-Versions-Location`` (or an empty location) ends versioning.

The archive is written as the system, not as the client (Swift's pre-authorized
requests): a user who may write the container versions into an archive they may not.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from urllib.parse import unquote

from ..messages import Reply, Request
from ..state import EMPTY_BODY, Account, Container, StoredObject
from .common import Layer, Refusal, Target, access_of, http_date, subrequest, target_of

LOCATION = "versions-location"
MODE = "versions-mode"
DELETE_MARKER_TYPE = "application/x-deleted;swift_versions_deleted=1"
EMPTY_MD5 = hashlib.md5(b"").hexdigest()
# The characters RGW's url_encode escapes besides controls, space and non-ASCII.
_RGW_ESCAPED = set('"#%&+,/:;<=>?@[\\]^`{}')


def archive_prefix(object_name: str) -> str:
    """What the archived versions of ``object_name`` are named with."""
    return f"{len(object_name.encode()):03x}{object_name}/"


def _rgw_url_encode(text: str) -> str:
    return "".join(
        f"%{byte:02X}" if byte <= 0x20 or byte >= 0x7F or chr(byte) in _RGW_ESCAPED else chr(byte)
        for byte in text.encode()
    )


@dataclasses.dataclass(frozen=True)
class Versioned:
    """An object request in a versioned container: where its versions go, and how."""

    account: Account
    container: Container
    archive_name: str  # the archive container
    mode: str  # "stack" or "history"


class VersionedWritesMiddleware(Layer):
    """Keeps the location of a container's versions, and archives and restores them."""

    def handle(self, request: Request) -> Reply:
        target = target_of(request)
        if not target.container:
            return self.app(request)
        if not target.object:
            return self._container_request(request)
        if request.method not in ("PUT", "DELETE"):
            return self.app(request)
        versioned = self._versioned(request, target)
        if versioned is None:
            return self.app(request)
        if request.method == "PUT":
            return self._put(request, target, versioned)
        if versioned.mode == "history":
            return self._delete_as_history(request, target, versioned)
        return self._delete_as_stack(request, target, versioned)

    # containers

    def _container_request(self, request: Request) -> Reply:
        change = self._location_change(request)
        reply = self.app(request)
        target = target_of(request)
        with self.state.lock:
            container = access_of(request).account.containers.get(target.container)
            if container is None or reply.status >= 300:
                return reply
            if change is not None and request.method in ("PUT", "POST"):
                container.sysmeta.pop(LOCATION, None)
                container.sysmeta.pop(MODE, None)
                if change:
                    container.sysmeta[LOCATION], container.sysmeta[MODE] = change
            elif request.method in ("GET", "HEAD"):
                self._show_location(container, reply)
        return reply

    def _show_location(self, container: Container, reply: Reply) -> None:
        location = container.sysmeta.get(LOCATION)
        if not location:
            return
        if self.flavor.versions_location_kept_raw:
            location = _rgw_url_encode(location)
        mode = container.sysmeta.get(MODE)
        name = "X-History-Location" if mode == "history" else "X-Versions-Location"
        reply.headers[name] = location

    def _location_change(self, request: Request) -> tuple[str, str] | tuple[()] | None:
        """What a container request asks: a new (location, mode), () to end versioning,
        None to leave it; a refusal when the headers are wrong (Swift)."""
        headers = request.headers
        stack = headers.get("x-versions-location")
        history = headers.get("x-history-location") if self.flavor.history_location else None
        if stack is not None and history is not None:
            if not history:
                history = None
            elif stack:
                detail = "Only one of x-versions-location or x-history-location may be specified"
                reply = self.error(400, "InvalidArgument", detail)
                reply.headers["Content-Type"] = "text/plain"
                raise Refusal(reply)
            else:
                stack = None
        if stack is not None or history is not None:
            value, mode = (stack, "stack") if stack is not None else (history, "history")
            if not value:
                return ()
            if "/" in value and not self.flavor.versions_location_kept_raw:
                detail = "Container name cannot contain slashes"
                raise Refusal(self.error(412, "PreconditionFailed", detail))
            return value, mode
        removals = ["x-remove-versions-location"]
        if self.flavor.history_location:
            removals.append("x-remove-history-location")
        if any(headers.get(name) for name in removals):
            return ()
        return None

    # objects

    def _versioned(self, request: Request, target: Target) -> Versioned | None:
        account = access_of(request).account
        with self.state.lock:
            container = account.containers.get(target.container)
            location = container.sysmeta.get(LOCATION) if container else None
            mode = container.sysmeta.get(MODE, "stack") if container else "stack"
        if container is None or not location:
            return None
        if not self.flavor.versions_location_kept_raw:
            location = unquote(location).split("/")[0]
        return Versioned(account, container, location, mode)

    def _current(self, container: Container, name: str) -> StoredObject | None:
        with self.state.lock:
            obj = container.objects.get(name)
        return None if obj is None or obj.expired() else obj

    def _archive(self, versioned: Versioned, put: bool = False) -> Container:
        """The archive container; 412 when there is none."""
        with self.state.lock:
            archive = versioned.account.containers.get(versioned.archive_name)
        if archive is None:
            reply = self.error(412, "PreconditionFailed")
            if put and self.flavor.archive_refusal_has_epoch_date:
                reply.headers["Last-Modified"] = http_date(0)
            raise Refusal(reply)
        return archive

    def _archive_current(
        self, versioned: Versioned, name: str, put: bool = False
    ) -> StoredObject | None:
        """Copy the object called ``name`` to the archive (None when there is none)."""
        current = self._current(versioned.container, name)
        if current is None:
            return None
        self._archive(versioned, put)
        archived_name = archive_prefix(name) + self.flavor.archive_time(current.last_modified)
        archived = self.copy_of(current, archived_name)
        self.store(versioned.account, versioned.archive_name, archived)
        return archived

    def _put(self, request: Request, target: Target, versioned: Versioned) -> Reply:
        archived = self._archive_current(versioned, target.object, put=True)
        # Swift's slo middleware checks a manifest before this one sees it: a manifest
        # it refuses archives nothing.
        manifest = request.query.get("multipart-manifest") == "put"
        try:
            reply = self.app(request)
        except Refusal:
            if manifest and archived is not None:
                self._forget(versioned, archived)
            raise
        if manifest and archived is not None and reply.status >= 300:
            self._forget(versioned, archived)
        return reply

    def _forget(self, versioned: Versioned, archived: StoredObject) -> None:
        with self.state.lock:
            archive = versioned.account.containers.get(versioned.archive_name)
            if archive is None or archive.objects.get(archived.name) is not archived:
                return
            archive.pop(archived.name)
        self.state.bodies.discard(archived.body)

    def _delete_as_history(self, request: Request, target: Target, versioned: Versioned) -> Reply:
        """Archive the object, add a delete marker, then delete it."""
        self._archive_current(versioned, target.object)
        self._archive(versioned)
        now = time.time()
        marker = StoredObject(
            name=archive_prefix(target.object) + self.flavor.archive_time(now),
            body=EMPTY_BODY,
            size=0,
            etag=EMPTY_MD5,
            content_type=DELETE_MARKER_TYPE,
            last_modified=now,
        )
        self.store(versioned.account, versioned.archive_name, marker)
        return self.app(request)

    def _delete_as_stack(self, request: Request, target: Target, versioned: Versioned) -> Reply:
        """Put the newest archived version back in the object's place."""
        with self.state.lock:
            archive = versioned.account.containers.get(versioned.archive_name)
            prefix = archive_prefix(target.object)
            names = [n for n in archive.order.names if n.startswith(prefix)] if archive else []
        if archive is None:
            if self.flavor.versioned_delete_needs_archive:
                raise self.not_found("object")
            return self.app(request)
        versions = iter(reversed(names))
        for name in versions:
            with self.state.lock:
                version = archive.objects.get(name)
            if version is None:
                continue
            if self._is_marker(version):
                if self._current(versioned.container, target.object) is not None:
                    break  # back to the deleted state: the marker stays
                for older_name in versions:
                    with self.state.lock:
                        older = archive.objects.get(older_name)
                    if older is not None and self._is_marker(older):
                        break  # nothing to restore
                    if self._restore(versioned, target, archive, older_name):
                        self._delete_version(request, versioned, older_name)
                        break
                return self._delete_version(request, versioned, name)
            if self._restore(versioned, target, archive, name):
                return self._delete_version(request, versioned, name)
        return self.app(request)

    def _is_marker(self, obj: StoredObject) -> bool:
        return self.flavor.history_location and obj.content_type == DELETE_MARKER_TYPE

    def _restore(self, versioned: Versioned, target: Target, archive: Container, name: str) -> bool:
        """Copy an archived version in the object's place (False: it is gone)."""
        version = self._current(archive, name)
        if version is None:
            return False
        self.store(versioned.account, target.container, self.copy_of(version, target.object))
        return True

    def _delete_version(self, request: Request, versioned: Versioned, name: str) -> Reply:
        """The client's DELETE, sent to an archived version instead (as the system)."""
        project_id = versioned.account.project_id
        target = Target(project_id, versioned.archive_name, name)
        return self.app(subrequest(request, "DELETE", target, {}))
