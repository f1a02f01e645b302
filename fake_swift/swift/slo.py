"""Static large objects, as Swift's ``slo`` middleware serves them: a manifest PUT
(``?multipart-manifest=put``), a GET that joins the segments, the manifest itself
(``?multipart-manifest=get``) and a DELETE of the manifest with its segments
(``?multipart-manifest=delete``).
"""

from __future__ import annotations

import hashlib
import json
import math
import time

from ..flavors import MAX_MANIFEST_SEGMENTS
from ..messages import Reply, Request
from ..metadata import object_metadata
from ..state import EMPTY_BODY, Account, Body, SloSegment, StoredObject
from . import reads
from .bulk import bulk_reply, bulk_result
from .common import (
    MAX_MANIFEST_BYTES,
    Layer,
    Refusal,
    access_of,
    kept_headers,
    split_object_path,
    stored_object_headers,
    target_of,
)
from .content import Content, Part, open_content
from .obj import put_checks

# How deep manifests may nest before a GET gives up.
MAX_NESTING = 10


class SloMiddleware(Layer):
    """Answers the requests that concern static large objects; passes on the rest."""

    def handle(self, request: Request) -> Reply:
        target = target_of(request)
        if not target.object:
            return self.app(request)
        manifest_param = request.query.get("multipart-manifest")
        if request.method == "PUT" and manifest_param == "put":
            put_checks(self, request)
            return self._put(request)
        if request.method == "DELETE" and manifest_param == "delete":
            return self._delete(request)
        if request.method in ("GET", "HEAD"):
            account = access_of(request).account
            obj = self.object(account, target.container, target.object)
            if obj.is_slo:
                if manifest_param == "get":
                    return self._manifest_reply(obj)
                return reads.serve(self, request, obj, self.content(account, obj))
        return self.app(request)

    def segments_content(self, account: Account, obj: StoredObject, depth: int) -> Content:
        """The content of a static large object: its segments joined."""
        if depth > MAX_NESTING:
            raise Refusal(self.error(409, "InvalidManifest", "Too many nested manifests"))
        parts: list[Part] = []
        for segment in obj.slo_segments or ():
            with self.state.lock:
                container = account.containers.get(segment.container)
                current = container.objects.get(segment.name) if container else None
            if current is None or (
                self.flavor.slo_segment_etags_checked and current.content_etag != segment.etag
            ):
                detail = f"Segment {segment.path} is missing or changed"
                raise Refusal(self.error(409, "InvalidManifest", detail))
            parts.extend(self.content(account, current, depth + 1).parts)
        headers = {"X-Static-Large-Object": "True"}
        if self.flavor.slo_stores_manifest_json:
            headers["X-Manifest-Etag"] = obj.etag
        return Content(parts, obj.content_length, f'"{obj.slo_etag}"', headers)

    def _put(self, request: Request) -> Reply:
        target = target_of(request)
        account = access_of(request).account
        self.check_length(request, MAX_MANIFEST_BYTES)
        raw_manifest = request.read_body()
        sent_size = len(raw_manifest)
        s3 = self.s3
        try:
            entries = json.loads(raw_manifest or b"null")
        except ValueError:
            detail = None if s3 else "Manifest must be valid JSON.\n"
            return self.error(400, "InvalidArgument" if s3 else "MalformedManifest", detail)
        # An empty list is a manifest too: both servers store a zero-byte object.
        if not isinstance(entries, list):
            detail = None if s3 else "Manifest must be a list.\n"
            return self.error(400, "InvalidArgument" if s3 else "MalformedManifest", detail)
        if len(entries) > MAX_MANIFEST_SEGMENTS:
            # Swift: 413 (its too_large_status); RGW: 400 InvalidArgument.
            detail = f"Number of object-backed segments must be <= {MAX_MANIFEST_SEGMENTS}"
            return self.error(
                self.flavor.too_large_status, "InvalidArgument", None if s3 else detail
            )
        segments, problems = self._segments(account, entries)
        if problems:
            if s3:
                return self.error(400, "InvalidArgument")
            # Swift's SLO middleware streams its verdict: text/plain, chunked.
            reply = self.error(400, "MalformedManifest", "Errors:\n" + "\n".join(problems) + "\n")
            reply.headers["Content-Type"] = self.flavor.plain_error_content_type or "text/plain"
            reply.headers["Transfer-Encoding"] = "chunked"
            return reply
        body, size, md5 = self._stored_manifest(segments, sent_size)
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
            return self.bad_digest(manifest.etag)
        self.store(account, target.container, manifest)
        return Reply(201, self.written_headers(manifest, f'"{manifest.slo_etag}"'))

    def _segments(self, account: Account, entries: list) -> tuple[list[SloSegment], list[str]]:
        """The manifest's entries as segments, and what is wrong with them."""
        segments: list[SloSegment] = []
        problems: list[str] = []
        with self.state.lock:
            for entry in entries:
                path = entry.get("path") if isinstance(entry, dict) else None
                try:
                    if not isinstance(path, str):
                        raise ValueError(path)
                    segment_container, segment_name = split_object_path(path, unquoted=True)
                except ValueError:  # not /container/object: no container or no name
                    problems.append(f"{path!r}, Invalid path")
                    continue
                container = account.containers.get(segment_container)
                segment = container.objects.get(segment_name) if container else None
                if segment is None:
                    problems.append(f"{path}, 404 Not Found")
                    continue
                etag = str(entry["etag"]).strip('"') if entry.get("etag") is not None else None
                if etag is None or self.flavor.slo_segment_etags_checked:
                    if etag is not None and etag != segment.content_etag:
                        problems.append(f"{path}, Etag Mismatch")
                        continue
                    etag = segment.content_etag
                size = entry.get("size_bytes")
                if size is not None and size != segment.content_length:
                    problems.append(f"{path}, Size Mismatch")
                    continue
                segments.append(
                    SloSegment(
                        container=segment_container,
                        name=segment_name,
                        etag=etag,  # RGW takes the one the manifest names, unchecked
                        size=segment.content_length,
                        content_type=segment.content_type,
                        last_modified=segment.last_modified,
                    )
                )
        return segments, problems

    def _stored_manifest(self, segments: list[SloSegment], sent_size: int) -> tuple[Body, int, str]:
        """The body an SLO manifest is kept as, the size it counts for, and its md5."""
        if not self.flavor.slo_stores_manifest_json:
            return EMPTY_BODY, sent_size, hashlib.md5(b"").hexdigest()
        stored = [
            {
                "name": segment.path,
                "bytes": segment.size,
                "hash": segment.etag,
                "content_type": segment.content_type,
                # from the segment's Last-Modified header: whole seconds, rounded up
                "last_modified": self.flavor.listing_time(math.ceil(segment.last_modified)),
            }
            for segment in segments
        ]
        data = json.dumps(stored).encode("utf-8")
        return self.state.bodies.write([data], MAX_MANIFEST_BYTES)

    def _manifest_reply(self, obj: StoredObject) -> Reply:
        if self.flavor.slo_stores_manifest_json:
            kind = {
                "Content-Type": "application/json; charset=utf-8",
                "X-Static-Large-Object": "True",
            }
        else:  # the manifest object as stored: an empty object with its own type
            kind = {"Content-Type": self.shown_content_type(obj)}
        headers = {**kind, "Etag": obj.etag, **stored_object_headers(obj)}
        if not self.flavor.slo_stores_manifest_json:
            return Reply(200, headers)
        headers["Content-Length"] = str(obj.size)
        return Reply(200, headers, open_content([Part(obj.body, obj.size)]))

    def _delete(self, request: Request) -> Reply:
        target = target_of(request)
        account = access_of(request).account
        container = self.container(account, target.container)
        not_found = 0
        with self.state.lock:
            manifest = container.pop(target.object)
            if manifest is None:
                raise self.not_found("object")
            removed = [manifest]
            for segment in manifest.slo_segments or ():
                segment_container = account.containers.get(segment.container)
                gone = segment_container.pop(segment.name) if segment_container else None
                if gone is None:
                    not_found += 1
                else:
                    removed.append(gone)
        for obj in removed:
            self.state.bodies.discard(obj.body)
        return bulk_reply(self, request, bulk_result(len(removed), not_found, [], "200 OK"))
