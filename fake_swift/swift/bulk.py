"""Bulk operations, as Swift's ``bulk`` middleware answers them: ``POST`` (or ``DELETE``)
``?bulk-delete`` with a body of ``/container/object`` lines; ``PUT ?extract-archive=tar``
(``tar.gz``, ``tar.bz2``), whose archive members become objects; and the report both
servers send back for either.
"""

from __future__ import annotations

import tarfile
import zlib
from collections.abc import Iterable, Iterator
from html import escape
from http import HTTPStatus
from urllib.parse import quote, unquote

from ..flavors import MAX_DELETES_PER_REQUEST
from ..messages import Reply, Request, json_reply
from .common import ACCESS, AUTHORIZE, Layer, Refusal, Target, access_of, subrequest, target_of

# What a report can be written in, in the order Swift prefers them.
REPORT_FORMATS = ("text/plain", "application/json", "application/xml", "text/xml")
_ARCHIVE_COMPRESSIONS = {"tar": "", "tar.gz": "gz", "tar.bz2": "bz2"}
# The longest "<container>/<object>" a report names (Swift cuts longer ones).
_MAX_PATH_LENGTH = 1024 + 256 + 2
_READ_SIZE = 64 * 1024
# The reason phrases of Swift's status lines where Python's differ.
_REASONS = {413: "Request Entity Too Large", 422: "Unprocessable Entity"}


def status_line(status: int) -> str:
    return f"{status} {_REASONS.get(status) or HTTPStatus(status).phrase}"


def bulk_result(deleted: int, not_found: int, errors: list[list[str]], status: str) -> dict:
    """A bulk delete's report, in the order Swift makes its keys."""
    return {
        "Response Status": status,
        "Response Body": "",
        "Number Deleted": deleted,
        "Number Not Found": not_found,
        "Errors": errors,
    }


def report_format(layer: Layer, request: Request) -> str | None:
    """The format a report is written in: what Accept prefers among
    :data:`REPORT_FORMATS` (Swift); RGW writes JSON if it is accepted, else text.
    None when Accept allows none of them."""
    accept = request.headers.get("accept", "")
    if not layer.flavor.bulk_reports_in_xml:
        return "application/json" if "json" in accept else "text/plain"
    if not accept.strip():
        return REPORT_FORMATS[0]
    ranges = []
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    return None
        ranges.append((quality, media.lower()))
    for quality, media in sorted(ranges, key=lambda entry: -entry[0]):
        if quality <= 0:
            continue
        for offered in REPORT_FORMATS:
            if media in ("*/*", offered) or media == offered.split("/")[0] + "/*":
                return offered
    return None


def bulk_reply(layer: Layer, request: Request, result: dict, root: str = "delete") -> Reply:
    """The report of a bulk operation, in the format the client accepts; chunked.
    ``root`` names the XML document ("delete" or "extract")."""
    flavor = layer.flavor
    wanted = report_format(layer, request)
    counts = {key: value for key, value in result.items() if key != "Errors"}
    errors = result["Errors"]
    if wanted == "application/json":
        ordered = dict(sorted(counts.items())) if flavor.bulk_json_sorted else counts
        ordered["Errors"] = errors
        reply = json_reply(200, ordered, separators=flavor.json_separators)
        reply.headers["Content-Type"] = flavor.bulk_json_content_type
    elif wanted is not None and wanted.endswith("/xml"):
        lines = [f"<{root}>"]
        for key, value in sorted(counts.items()):
            tag = key.replace(" ", "_").lower()
            lines.append(f"<{tag}>{escape(str(value), quote=False)}</{tag}>")
        lines.append("<errors>")
        lines.extend(
            f"<object><name>{escape(name, quote=False)}</name>"
            f"<status>{escape(status, quote=False)}</status></object>"
            for name, status in errors
        )
        lines.extend(["</errors>", f"</{root}>"])
        reply = Reply(200, {"Content-Type": wanted}, ("\n".join(lines) + "\n").encode())
    else:
        newline = flavor.bulk_text_ends_with_newline
        lines = [f"{key}: {value}" for key, value in sorted(counts.items())]
        lines.append("Errors:" if newline else "Errors: ")
        lines.extend(", ".join(error) for error in errors)
        body = ("\n".join(lines) + ("\n" if newline else "")).encode()
        reply = Reply(200, {"Content-Type": flavor.bulk_text_content_type}, body)
    reply.headers["Transfer-Encoding"] = "chunked"
    return reply


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


def _member_body(member) -> Iterator[bytes]:
    while chunk := member.read(_READ_SIZE):
        yield chunk


class _ContainerFailed(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Stop(Exception):
    """Ends an extraction with a report status and body."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


class BulkMiddleware(Layer):
    """Answers ``?bulk-delete`` and ``?extract-archive``; passes on everything else."""

    def handle(self, request: Request) -> Reply:
        target = target_of(request)
        # Both servers take a bulk delete as a DELETE too (rclone sends it so).
        if (
            (not target.container or self.flavor.bulk_delete_on_any_path)
            and request.method in ("POST", "DELETE")
            and "bulk-delete" in request.query
        ):
            return self._bulk_delete(request)
        if (
            self.flavor.extracts_archives
            and request.method == "PUT"
            and "extract-archive" in request.query
        ):
            kind = request.query["extract-archive"].lower().strip(".")
            if kind not in _ARCHIVE_COMPRESSIONS:
                return self.plain_error("Unsupported archive format")
            return self._extract(request, _ARCHIVE_COMPRESSIONS[kind])
        return self.app(request)

    # delete

    def _bulk_delete(self, request: Request) -> Reply:
        account = access_of(request).account
        text = request.read_body().decode("utf-8", errors="replace")
        paths = [unquote(line.strip()) for line in text.splitlines() if line.strip()]
        if len(paths) > MAX_DELETES_PER_REQUEST:
            result = bulk_result(0, 0, [], "413 Request Entity Too Large")
            return bulk_reply(self, request, result)
        deleted = not_found = 0
        errors: list[list[str]] = []
        as_is = self.flavor.bulk_reports_conflict_as_is
        for path in paths:
            container_name, _, object_name = path.lstrip("/").partition("/")
            with self.state.lock:
                container = account.containers.get(container_name)
                if container is None:
                    not_found += 1
                elif object_name:
                    removed = container.pop(object_name)
                    if removed is None:
                        not_found += 1
                    else:
                        self.state.bodies.discard(removed.body)
                        deleted += 1
                elif container.objects:
                    if as_is:
                        errors.append([quote(f"{container_name}/"), "409 Conflict"])
                    else:
                        errors.append([quote(path), "409 Conflict"])
                else:
                    del account.containers[container_name]
                    account.order.remove(container_name)
                    deleted += 1
        status = "200 OK"
        if errors:
            status = errors[-1][1] if as_is else "400 Bad Request"
        return bulk_reply(self, request, bulk_result(deleted, not_found, errors, status))

    # extract

    def _extract(self, request: Request, compression: str) -> Reply:
        """Each regular file of the archive becomes an object under the path of the URL
        (its first directory names the container when the URL is the account's)."""
        result = {"Response Status": "201 Created", "Response Body": "", "Number Files Created": 0}
        errors: list[list[str]] = []
        try:
            self._extract_members(request, compression, result, errors)
        except _Stop as stop:
            result["Response Status"] = status_line(stop.status)
            result["Response Body"] = stop.body
        except (tarfile.TarError, zlib.error, EOFError, OSError) as broken:
            result["Response Status"] = "400 Bad Request"
            result["Response Body"] = f"Invalid Tar File: {broken}"
        result["Errors"] = errors
        return bulk_reply(self, request, result, root="extract")

    def _extract_members(
        self, request: Request, compression: str, result: dict, errors: list[list[str]]
    ) -> None:
        if report_format(self, request) is None:
            raise _Stop(406, self.flavor.error_body(406, "NotAcceptable"))
        chunked = "chunked" in request.headers.get("transfer-encoding", "").lower()
        if request.headers.get("content-length") is None and not chunked:
            raise _Stop(411, self.flavor.error_body(411, "MissingContentLength"))
        target = target_of(request)
        base = "/".join(part for part in (target.container, target.object) if part)
        base = base.rstrip("/")
        limits = self.flavor.info["bulk_upload"]
        failed_status = 400
        created = 0
        seen: set[str] = set()
        archive = tarfile.open(mode=f"r|{compression}", fileobj=_BodyFile(request.body))
        while True:
            member = archive.next()
            if member is None or len(errors) >= limits["max_failed_extractions"]:
                break
            if not member.isfile():
                continue
            path = member.name.removeprefix("./").lstrip("/")
            if base:
                path = f"{base}/{path}"
            if "/" not in path:
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
            if member.size > self.flavor.max_file_size:
                errors.append([shown, status_line(413)])
                continue
            container_failure = None
            if container not in seen:
                try:
                    if self._create_container(request, Target(target.project_id, container, "")):
                        created += 1
                        if created > limits["max_containers_per_extraction"]:
                            most = limits["max_containers_per_extraction"]
                            raise _Stop(400, f"More than {most} containers to create from tar.")
                except _ContainerFailed as failed:
                    # The object's PUT may still succeed (an ACL may allow it).
                    container_path = f"/v1/AUTH_{target.project_id}/{container}"
                    container_failure = [quote(container_path), status_line(failed.status)]
                    if failed.status == 401:
                        raise _Stop(401, self.flavor.error_body(401, "AccessDenied")) from None
            headers = {
                key: value
                for key, value in request.headers.items()
                if key in ("x-auth-token", "x-delete-at", "x-delete-after")
                or key.startswith("x-object-meta-")
            }
            headers["content-length"] = str(member.size)
            headers.update(_xattr_headers(member))
            body = archive.extractfile(member)
            assert body is not None
            status = self._send(
                request, "PUT", Target(target.project_id, container, name), headers, body
            ).status
            seen.add(container)
            if status < 300:
                result["Number Files Created"] += 1
                continue
            if container_failure:
                errors.append(container_failure)
            if status == 401:
                errors.append([shown, status_line(401)])
                raise _Stop(401, self.flavor.error_body(401, "AccessDenied"))
            if status >= 500:
                failed_status = 502
            errors.append([shown, status_line(status)])
        if errors:
            result["Response Status"] = status_line(failed_status)
        elif not result["Number Files Created"]:
            raise _Stop(400, "Invalid Tar File: No Valid Files")

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

    def _send(
        self, request: Request, method: str, target: Target, headers: dict, body=None
    ) -> Reply:
        """A request made on the client's behalf, let in (or not) as its own would be."""
        chunks = _member_body(body) if body is not None else ()
        sub = subrequest(request, method, target, headers, {}, chunks)
        sub.environ.pop(ACCESS, None)
        try:
            sub.environ[ACCESS] = request.environ[AUTHORIZE](sub)
            reply = self.app(sub)
        except Refusal as refusal:
            reply = refusal.reply
        for _ in _drain(reply):
            pass
        return reply


def _drain(reply: Reply) -> Iterator[bytes]:
    body = reply.body
    if hasattr(body, "close") and hasattr(body, "read"):
        body.close()
    elif not isinstance(body, bytes):
        yield from body


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
