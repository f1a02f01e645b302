"""Static large objects, as Swift's ``slo`` middleware serves them: a manifest PUT
(``?multipart-manifest=put``), a GET that joins the segments (nested manifests, segment
ranges and inline data included; ``?part-number=N`` for one segment), the manifest itself
(``?multipart-manifest=get``, ``&format=raw``) and a DELETE of the manifest with its
segments (``?multipart-manifest=delete``).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from urllib.parse import quote

from ..flavors import MAX_MANIFEST_SEGMENTS
from ..messages import Reply, Request
from ..metadata import object_metadata
from ..state import EMPTY_BODY, Account, MemoryBody, SloSegment, StoredObject
from . import reads
from .bulk import bulk_reply, bulk_result
from .common import (
    MAX_MANIFEST_BYTES,
    Layer,
    Refusal,
    Target,
    access_of,
    is_true,
    kept_headers,
    split_object_path,
    stored_object_headers,
    target_of,
)
from .content import Content, Part, open_content, slice_parts
from .copy import COPY_MANIFEST
from .obj import check_put_if_none_match, put_checks
from .slo_manifest import (
    ManifestError,
    heartbeat_reply,
    parse_manifest,
    problems_body,
    raw_json,
    segment_range,
    stored_json,
)

STATUS_LINES = {401: "401 Unauthorized", 403: "403 Forbidden", 404: "404 Not Found"}
# How deep manifests may nest before a GET gives up (Swift's max_slo_recursion_depth).
MAX_NESTING = 10


@dataclass(frozen=True)
class Head:
    """What a HEAD of a would-be segment shows."""

    size: int
    etag: str
    content_type: str
    last_modified: float
    is_slo: bool


class SloMiddleware(Layer):
    """Answers the requests that concern static large objects; passes on the rest."""

    def handle(self, request: Request) -> Reply:
        target = target_of(request)
        if not target.object:
            return self.app(request)
        manifest_param = request.query.get("multipart-manifest")
        if request.method == "PUT" and manifest_param == "put":
            put_checks(self, request)
            copied = request.environ.get(COPY_MANIFEST)
            if copied is not None:  # a copy of a manifest, stored again as it is
                segments = list(copied.slo_segments or [])
                return self._store_manifest(
                    request, segments, copied.body, copied.size, copied.etag
                )
            if self.flavor.slo_stores_manifest_json:
                return self._put(request)
            return self._put_as_rgw(request)
        if request.method == "DELETE" and manifest_param == "delete":
            return self._delete(request)
        if request.method in ("GET", "HEAD"):
            obj = self.target_object(request)
            account = self.source_account(request)
            if obj.is_slo:
                if manifest_param == "get":
                    return self._manifest_reply(request, obj)
                return self._serve(request, account, obj)
        elif (
            "x-static-large-object" in request.headers
            and self.flavor.slo_header_reserved
            and request.method in ("PUT", "POST")
        ):
            detail = (
                "X-Static-Large-Object is a reserved header. To create a static large "
                "object add query param multipart-manifest=put."
            )
            return self.error(400, "InvalidArgument", detail)
        return self.app(request)

    # reading

    def _serve(self, request: Request, account: Account, obj: StoredObject) -> Reply:
        part_number = self._part_number(request)
        if request.method == "HEAD" and part_number is None:
            # A HEAD answers from the manifest alone, on both servers: segments are not
            # looked at, so a manifest whose segments are gone still answers 200.
            headers = self._served_headers(obj)
            content = Content([], obj.content_length, f'"{obj.slo_etag}"', headers)
            return reads.serve(self, request, obj, content)
        if self.flavor.segments_read_as_requester:
            self._check_segments_readable(request, obj)
        content = self.content(account, obj)
        if part_number is None:
            return reads.serve(self, request, obj, content)
        segments = obj.slo_segments or []
        extra = {"X-Parts-Count": str(len(segments))}
        if part_number > len(segments):
            body = b"The requested part number is not satisfiable"
            if request.method == "HEAD":
                body = b""
            headers = {
                "Content-Type": self.shown_content_type(obj),
                "Etag": content.etag,
                **stored_object_headers(obj),
                **content.headers,
                "Content-Range": f"bytes */{content.size}",
                "Content-Length": str(len(body)),
                **extra,
            }
            return Reply(416, headers, body)
        start = sum(segment.length for segment in segments[: part_number - 1])
        stop = start + segments[part_number - 1].length
        return reads.serve(self, request, obj, content, part=(start, stop), extra=extra)

    def _check_segments_readable(self, request: Request, obj: StoredObject, depth: int = 0) -> None:
        """The client may read every segment (Swift reads them with its token and
        Referer); 409 when it may not, as for a missing segment."""
        account = self.source_account(request)
        project_id = account.project_id
        checked: set[str] = set()
        for segment in obj.slo_segments or ():
            if segment.data is not None or segment.container in checked:
                continue
            checked.add(segment.container)
            try:
                self.authorized(request, "GET", Target(project_id, segment.container, segment.name))
            except Refusal:
                raise self._conflict(segment, "may not be read") from None
            if segment.sub_slo and depth < MAX_NESTING:
                with self.state.lock:
                    container = account.containers.get(segment.container)
                    inner = container.objects.get(segment.name) if container else None
                if inner is not None and inner.is_slo:
                    self._check_segments_readable(request, inner, depth + 1)

    def _part_number(self, request: Request) -> int | None:
        """``?part-number=N`` as Swift takes it: a positive integer, and no Range."""
        raw = request.query.get("part-number")
        if raw is None or not self.flavor.slo_part_numbers:
            return None
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number <= 0:
            detail = "Part number must be an integer greater than 0"
            raise Refusal(self.error(400, "InvalidArgument", detail))
        if request.headers.get("range"):
            detail = "Range requests are not supported with part number queries"
            raise Refusal(self.error(400, "InvalidArgument", detail))
        return number

    def _served_headers(self, obj: StoredObject) -> dict[str, str]:
        headers = {"X-Static-Large-Object": "True"}
        if self.flavor.slo_stores_manifest_json:
            headers["X-Manifest-Etag"] = obj.etag
        return headers

    def segments_content(self, account: Account, obj: StoredObject, depth: int) -> Content:
        """The content of a static large object: its segments joined."""
        if depth >= MAX_NESTING:  # ten manifests deep at most, the top one counted
            raise Refusal(self.error(409, "InvalidManifest"))  # too many nested manifests
        parts: list[Part] = []
        for segment in obj.slo_segments or ():
            if segment.data is not None:
                raw = segment.raw_data
                parts.append(Part(MemoryBody(raw), len(raw)))
                continue
            with self.state.lock:
                container = account.containers.get(segment.container)
                current = container.objects.get(segment.name) if container else None
            if current is None or current.expired():
                raise self._conflict(segment, "is missing")
            segment_account = account
            if current.symlink is not None and self.flavor.symlinks:
                current, segment_account = self.shared.follow(None, account, current)
            if current.is_slo and segment.sub_slo:
                inner = self.segments_content(segment_account, current, depth + 1)
            else:
                inner = self.content(segment_account, current, depth + 1)
                if self.flavor.slo_segment_etags_checked and (
                    inner.etag.strip('"') != segment.etag or inner.size != segment.size
                ):
                    raise self._conflict(segment, "changed")
            start, stop = segment.bounds
            parts.extend(slice_parts(inner.parts, start, min(stop, inner.size)))
        return Content(parts, obj.content_length, f'"{obj.slo_etag}"', self._served_headers(obj))

    def _conflict(self, segment: SloSegment, what: str) -> Refusal:
        """A segment that cannot be served (``what`` says why, for the reader of this
        code): the server's plain 409, as Swift's SLO answers before the first byte."""
        return Refusal(self.error(409, "InvalidManifest"))

    def _manifest_reply(self, request: Request, obj: StoredObject) -> Reply:
        if not self.flavor.slo_stores_manifest_json:
            # RGW: the manifest object as stored, an empty object with its own type.
            headers = {
                "Content-Type": self.shown_content_type(obj),
                "Etag": obj.etag,
                **stored_object_headers(obj),
            }
            return Reply(200, headers)
        if request.query.get("format") == "raw":
            data = raw_json(obj.slo_segments or [])
            headers = {
                "Content-Type": self.shown_content_type(obj),
                "Etag": hashlib.md5(data).hexdigest(),
                **stored_object_headers(obj),
                "X-Static-Large-Object": "True",
                "Content-Length": str(len(data)),
            }
            return Reply(200, headers, b"" if request.method == "HEAD" else data)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Static-Large-Object": "True",
            "Etag": obj.etag,
            **stored_object_headers(obj),
            **{k.title(): v for k, v in obj.extra_headers.items()},
            "Content-Length": str(obj.size),
        }
        if request.method == "HEAD":
            return Reply(200, headers)
        return Reply(200, headers, open_content([Part(obj.body, obj.size)]))

    # writing

    def _head(self, account: Account, container_name: str, name: str) -> Head | None:
        """A HEAD of a segment in the manifest's account (None: 404)."""
        with self.state.lock:
            container = account.containers.get(container_name)
            obj = container.objects.get(name) if container else None
        if obj is None or obj.expired():
            return None
        if obj.symlink is not None and self.flavor.symlinks:
            try:
                obj, account = self.shared.follow(None, account, obj)
            except Refusal:
                return None
        if obj.is_slo:
            size, etag = obj.content_length, obj.slo_etag
        else:
            content = self.content(account, obj)
            size, etag = content.size, content.etag.strip('"')
        return Head(size, etag, obj.content_type, obj.last_modified, obj.is_slo)

    def _read_manifest(self, request: Request) -> bytes:
        self.check_length(request, MAX_MANIFEST_BYTES)
        raw = request.read_body()
        if len(raw) > MAX_MANIFEST_BYTES:
            detail = f"Manifest File > {MAX_MANIFEST_BYTES} bytes"
            raise Refusal(self.error(413, "EntityTooLarge", detail))
        return raw

    def _put(self, request: Request) -> Reply:
        """A manifest PUT, checked as Swift checks it."""
        target = target_of(request)
        account = access_of(request).account
        if request.headers.get("x-copy-from"):
            detail = "Multipart Manifest PUTs cannot be COPY requests"
            return self.error(405, "MethodNotAllowed", detail)
        raw = self._read_manifest(request)
        try:
            entries = parse_manifest(raw, target.container, target.object)
        except ManifestError as refused:
            reply = self.error(400, "MalformedManifest", refused.body)
            if refused.plain:
                reply.headers["Content-Type"] = "text/plain"
            return reply
        if sum(1 for entry in entries if "path" in entry) > MAX_MANIFEST_SEGMENTS:
            detail = f"Number of object-backed segments must be <= {MAX_MANIFEST_SEGMENTS}"
            return self.error(413, "EntityTooLarge", detail)
        segments: list[SloSegment] = []
        problems: list[list[str]] = []
        for index, entry in enumerate(entries):
            last = index == len(entries) - 1
            segment = self._segment(request, account, entry, last, problems)
            if segment is not None:
                segments.append(segment)
        heartbeat = is_true(request.query.get("heartbeat"))
        accept = request.headers.get("accept", "")
        if problems:
            if heartbeat:
                return heartbeat_reply(accept, 400, {}, problems)
            content_type, body = problems_body(problems, accept)
            reply = self.error(400, "MalformedManifest", "")
            reply.headers["Content-Type"] = content_type
            reply.body = body
            return reply
        if request.headers.get("if-none-match"):
            check_put_if_none_match(self, request)
        data = stored_json(segments, self.flavor.listing_time)
        body, size, md5 = self.state.bodies.write([data], MAX_MANIFEST_BYTES)
        stored = self._store_manifest(request, segments, body, size, md5)
        if not heartbeat:
            return stored
        report = {}
        if stored.status == 201:
            report = {
                "Etag": stored.headers["Etag"],
                "Last Modified": stored.headers["Last-Modified"],
            }
        return heartbeat_reply(accept, stored.status, report, [])

    def _segment(
        self,
        request: Request,
        account: Account,
        entry: dict,
        last: bool,
        problems: list[list[str]],
    ) -> SloSegment | None:
        """One entry as a stored segment; what is wrong with it goes to ``problems``."""
        if "data" in entry:
            raw = SloSegment("", "", "", 0, "", 0.0, data=entry["data"]).raw_data
            etag = hashlib.md5(raw).hexdigest()
            return SloSegment("", "", etag, len(raw), "", 0.0, data=entry["data"])
        path = entry["path"]
        shown = quote(path)
        container_name, name = split_object_path(path, unquoted=True)
        if self.flavor.segments_read_as_requester:  # a HEAD as the client, in its account
            project_id = target_of(request).project_id
            try:
                self.authorized(request, "HEAD", Target(project_id, container_name, name))
            except Refusal as refused:
                problems.append([shown, STATUS_LINES.get(refused.reply.status, "")])
                return None
        head = self._head(account, container_name, name)
        if head is None:
            problems.append([shown, "404 Not Found"])
            return None
        found = len(problems)
        stored_range, range_problem = segment_range(entry, head.size)
        if range_problem:
            problems.append([shown, range_problem])
        segment = SloSegment(
            container=container_name,
            name=name,
            etag=head.etag,
            size=head.size,
            content_type=head.content_type,
            last_modified=head.last_modified,
            range=stored_range,
            sub_slo=head.is_slo,
        )
        if segment.length < 1 and not last and not range_problem:
            problems.append([shown, "Too small; each segment must be at least 1 byte."])
        size = entry.get("size_bytes")
        if size is not None and size != head.size:
            problems.append([shown, "Size Mismatch"])
        etag = entry.get("etag")
        if etag is not None and etag != head.etag:
            problems.append([shown, "Etag Mismatch"])
        return segment if len(problems) == found else None

    def _store_manifest(
        self, request: Request, segments: list[SloSegment], body, size: int, md5: str
    ) -> Reply:
        target = target_of(request)
        metadata = object_metadata(request.headers)
        if self.flavor.slo_marked_in_user_metadata:
            metadata["static-large-object"] = "True"
        manifest = StoredObject(
            name=target.object,
            body=body,
            size=size,
            etag=md5,
            content_type=self.content_type(request, target.object),
            last_modified=time.time(),
            metadata=metadata,
            extra_headers=kept_headers(request.headers),
            slo_segments=segments,
        )
        sent_etag = request.headers.get("etag", "").strip().strip('"').lower()
        if sent_etag and sent_etag != manifest.slo_etag:
            self.state.bodies.discard(body)
            return self.bad_digest(manifest.etag)
        self.store(access_of(request).account, target.container, manifest)
        return Reply(201, self.written_headers(manifest, f'"{manifest.slo_etag}"'))

    def _put_as_rgw(self, request: Request) -> Reply:
        """A manifest PUT as RGW takes it: the entries' ETags as given, an empty body."""
        account = access_of(request).account
        self.check_length(request, MAX_MANIFEST_BYTES)
        raw_manifest = request.read_body()
        try:
            entries = json.loads(raw_manifest or b"null")
        except ValueError:
            return self.error(400, "InvalidArgument")
        # An empty list is a manifest too: both servers store a zero-byte object.
        if not isinstance(entries, list) or len(entries) > MAX_MANIFEST_SEGMENTS:
            return self.error(400, "InvalidArgument")
        segments: list[SloSegment] = []
        with self.state.lock:
            for entry in entries:
                path = entry.get("path") if isinstance(entry, dict) else None
                try:
                    if not isinstance(path, str):
                        raise ValueError(path)
                    segment_container, segment_name = split_object_path(path, unquoted=True)
                except ValueError:  # not /container/object: no container or no name
                    return self.error(400, "InvalidArgument")
                container = account.containers.get(segment_container)
                segment = container.objects.get(segment_name) if container else None
                size = entry.get("size_bytes")
                if segment is None or (size is not None and size != segment.content_length):
                    return self.error(400, "InvalidArgument")
                etag = entry.get("etag")
                segments.append(
                    SloSegment(
                        container=segment_container,
                        name=segment_name,
                        # RGW takes the one the manifest names, unchecked
                        # RGW takes the ETag the manifest names, "" for none
                        etag=str(etag).strip('"') if etag is not None else "",
                        size=segment.content_length,
                        content_type=segment.content_type,
                        last_modified=segment.last_modified,
                    )
                )
        md5 = hashlib.md5(b"").hexdigest()
        return self._store_manifest(request, segments, EMPTY_BODY, len(raw_manifest), md5)

    def _delete(self, request: Request) -> Reply:
        target = target_of(request)
        account = access_of(request).account
        container = self.container(account, target.container)
        not_found = 0
        with self.state.lock:
            manifest = container.objects.get(target.object)
            if manifest is None:
                raise self.not_found("object")
            container.pop(target.object)
            removed = [manifest]
            waiting = list(manifest.slo_segments or ())
            while waiting:
                segment = waiting.pop(0)
                if segment.data is not None:
                    continue
                segment_container = account.containers.get(segment.container)
                gone = segment_container.pop(segment.name) if segment_container else None
                if gone is None:
                    not_found += 1
                    continue
                removed.append(gone)
                if segment.sub_slo and gone.slo_segments:
                    waiting.extend(gone.slo_segments)
        for obj in removed:
            self.state.bodies.discard(obj.body)
        return bulk_reply(self, request, bulk_result(len(removed), not_found, [], "200 OK"))
