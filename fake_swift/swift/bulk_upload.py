"""Bulk upload: ``PUT ?extract-archive=tar`` (Swift also ``tar.gz`` and ``tar.bz2``) on an
account, container or pseudo-directory path stores each file of the archive as an object
below that path, and answers with a report (bulk.py renders it).

Swift (its ``bulk`` middleware) makes each object with a PUT of the client's own, which
carries the request's user metadata and expiry and the files' ``user.meta.*`` and
``user.mime_type`` extended attributes; at the account, a file's first directory names its
container, made when missing. RGW 16 (RGWBulkUploadOp) stores the files as named, without
a type or metadata; a directory of the archive makes a container; it refuses a compressed,
chunked or unreadable archive and a missing container with an error reply.
"""

from __future__ import annotations

import tarfile
import zlib
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from ..messages import Reply, Request
from .bulk import bulk_reply, report_format, status_line
from .common import ACCESS, AUTHORIZE, Layer, Refusal, Target, subrequest, target_of

# What tarfile calls each archive format's compression.
_COMPRESSIONS = {"tar": "", "tar.gz": "gz", "tar.bz2": "bz2"}
# The longest "<container>/<object>" a report names (Swift cuts longer ones).
_MAX_PATH_LENGTH = 1024 + 256 + 2
_READ_SIZE = 64 * 1024


class _BodyFile:
    """A request body (an iterable of chunks) read as a file, for ``tarfile``."""

    def __init__(self, body: Iterable[bytes]) -> None:
        self._chunks = iter(body)
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


class _Stop(Exception):
    """Ends an extraction with a report status and body."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


class _ContainerFailed(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class BulkUploadMiddleware(Layer):
    """Answers ``PUT ?extract-archive=``; passes on everything else."""

    def handle(self, request: Request) -> Reply:
        formats = self.flavor.archive_formats
        if not formats or request.method != "PUT" or "extract-archive" not in request.query:
            return self.app(request)
        kind = request.query["extract-archive"].lower().strip(".")
        if kind not in formats:
            return self.error(
                400, "InvalidArgument", None if self.s3 else "Unsupported archive format"
            )
        rgw = self.flavor.extract_refuses_as_errors
        target = target_of(request)
        if rgw:
            chunked = "chunked" in request.headers.get("transfer-encoding", "").lower()
            if chunked or request.headers.get("content-length") is None:
                return self.error(400, "InvalidArgument")
            if target.container:
                self.container(self._account(request), target.container)  # 404 if missing
        result = {"Response Status": "201 Created", "Response Body": "", "Number Files Created": 0}
        errors: list[list[str]] = []
        try:
            self._extract(request, _COMPRESSIONS[kind], result, errors)
        except _Stop as stop:
            result["Response Status"] = status_line(stop.status)
            result["Response Body"] = stop.body
        except (tarfile.TarError, zlib.error, EOFError, OSError) as broken:
            if rgw:
                return self.error(400, "InvalidArgument")
            result["Response Status"] = status_line(400)
            result["Response Body"] = f"Invalid Tar File: {broken}"
        result["Errors"] = errors
        return bulk_reply(self, request, result, root="extract")

    def _account(self, request: Request):
        return request.environ[ACCESS].account

    def _extract(
        self, request: Request, compression: str, result: dict, errors: list[list[str]]
    ) -> None:
        flavor = self.flavor
        if report_format(self, request) is None:
            raise _Stop(406, flavor.error_body(406, "NotAcceptable"))
        chunked = "chunked" in request.headers.get("transfer-encoding", "").lower()
        if request.headers.get("content-length") is None and not chunked:
            raise _Stop(411, flavor.error_body(411, "MissingContentLength"))
        target = target_of(request)
        base = "/".join(part for part in (target.container, target.object) if part).rstrip("/")
        limits = flavor.info.get("bulk_upload", {})
        most_failed = limits.get("max_failed_extractions")
        failed_status = 400
        created = 0
        seen: set[str] = set()
        archive = tarfile.open(mode=f"r|{compression}", fileobj=_BodyFile(request.body))
        while True:
            member = archive.next()
            if member is None or (most_failed is not None and len(errors) >= most_failed):
                break
            if member.isdir() and flavor.extract_directories_make_containers:
                self._directory(request, member.name, errors)
                continue
            if not member.isfile():
                continue
            path = member.name
            if not flavor.extract_member_names_kept:
                path = path.removeprefix("./").lstrip("/")
            if base:
                path = f"{base}/{path}"
            if "/" not in path:
                if flavor.extract_refuses_as_errors:
                    raise Refusal(self._crash())  # RGW crashes on it (see _crash)
                continue  # a file at the top of the account names no container
            shown = quote(path[:_MAX_PATH_LENGTH].encode("utf-8", "surrogateescape"))
            container, _, name = path.partition("/")
            try:
                path.encode("utf-8")
            except UnicodeEncodeError:
                errors.append([shown, status_line(412)])
                continue
            if "\x00" in path:
                errors.append([shown, status_line(412)])
                continue
            if member.size > flavor.max_file_size:
                errors.append([shown, status_line(413)])
                continue
            container_failure = None
            if container not in seen and not target.container:
                if flavor.extract_refuses_as_errors:
                    with self.state.lock:
                        missing = container not in self._account(request).containers
                    if missing:
                        raise Refusal(self._crash())
            if container not in seen and flavor.extract_makes_containers:
                try:
                    if self._create_container(request, Target(target.project_id, container, "")):
                        created += 1
                        most = limits["max_containers_per_extraction"]
                        if created > most:
                            raise _Stop(400, f"More than {most} containers to create from tar.")
                except _ContainerFailed as failed:
                    # The object's PUT may still succeed (an ACL may allow it).
                    container_path = f"/v1/AUTH_{target.project_id}/{container}"
                    container_failure = [quote(container_path), status_line(failed.status)]
                    if failed.status == 401:
                        raise _Stop(401, flavor.error_body(401, "AccessDenied")) from None
            status = self._put(request, member, archive, Target(target.project_id, container, name))
            seen.add(container)
            if status < 300:
                result["Number Files Created"] += 1
                continue
            if container_failure:
                errors.append(container_failure)
            if status == 401:
                errors.append([shown, status_line(401)])
                raise _Stop(401, flavor.error_body(401, "AccessDenied"))
            if status >= 500:
                failed_status = 502
            errors.append([shown, status_line(status)])
        if errors:
            result["Response Status"] = status_line(failed_status)
        elif not result["Number Files Created"]:
            raise _Stop(400, "Invalid Tar File: No Valid Files")

    def _crash(self) -> Reply:
        """RGW 16.2.15 crashes (a segfault in handle_file) on a file at the top of the
        archive or in a missing bucket, and drops the connection: the fake answers with a
        server error instead."""
        return self.error(500, "InternalError")

    def _put(self, request: Request, member, archive, target: Target) -> int:
        """The status of the PUT that stores one file of the archive."""
        headers = {"x-auth-token": request.headers.get("x-auth-token", "")}
        if self.flavor.extract_passes_request_headers:
            headers.update(
                (key, value)
                for key, value in request.headers.items()
                if key in ("x-delete-at", "x-delete-after") or key.startswith("x-object-meta-")
            )
            headers.update(_xattr_headers(member))
        else:
            headers["content-type"] = ""  # stored without a type
        headers["content-length"] = str(member.size)
        body = archive.extractfile(member)
        return self._send(request, "PUT", target, headers, _member_body(body)).status

    def _directory(self, request: Request, name: str, errors: list[list[str]]) -> None:
        """RGW: a directory of the archive makes the container its first segment names
        (at the account; below a container, that container), 409 when it exists."""
        target = target_of(request)
        container = target.container or name.split("/")[0]
        shown = f"{target.container or name.rstrip('/')}/"
        token = {"x-auth-token": request.headers.get("x-auth-token", "")}
        with self.state.lock:
            exists = container in self._account(request).containers
        if exists:
            errors.append([shown, status_line(409)])
            return
        status = self._send(request, "PUT", Target(target.project_id, container, ""), token).status
        if status >= 300:
            errors.append([shown, status_line(status)])

    def _create_container(self, request: Request, target: Target) -> bool:
        """Whether the container had to be made; _ContainerFailed when it cannot be."""
        token = {"x-auth-token": request.headers.get("x-auth-token", "")}
        status = self._send(request, "HEAD", target, token).status
        if status < 300:
            return False
        if status == 404:
            status = self._send(request, "PUT", target, token).status
            if status < 300:
                return True
        raise _ContainerFailed(status)

    def _send(self, request: Request, method: str, target: Target, headers: dict, body=()) -> Reply:
        """A request made on the client's behalf, let in (or not) as its own would be."""
        sub = subrequest(request, method, target, headers, {}, body)
        sub.environ.pop(ACCESS, None)
        try:
            sub.environ[ACCESS] = request.environ[AUTHORIZE](sub)
            reply = self.app(sub)
        except Refusal as refusal:
            reply = refusal.reply
        body = reply.body
        if hasattr(body, "read") and hasattr(body, "close"):
            body.close()
        elif not isinstance(body, bytes):
            for _ in body:
                pass
        return reply


def _member_body(member) -> Iterator[bytes]:
    while chunk := member.read(_READ_SIZE):
        yield chunk


def _xattr_headers(member: tarfile.TarInfo) -> dict[str, str]:
    """The object headers a member's extended attributes (pax, GNU or BSD tar) name:
    user.mime_type its Content-Type, user.meta.* its metadata."""
    headers = {}
    for key, value in member.pax_headers.items():
        for prefix in ("SCHILY.xattr.user.", "LIBARCHIVE.xattr.user."):
            if not key.startswith(prefix):
                continue
            attribute = key[len(prefix) :]
            if attribute == "mime_type":
                headers["content-type"] = value
            elif attribute.startswith("meta."):
                headers["x-object-meta-" + attribute[len("meta.") :].lower()] = value
    return headers
