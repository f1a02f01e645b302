"""Dynamic large objects, as Swift's ``dlo`` middleware serves them: an object whose
``X-Object-Manifest: <container>/<prefix>`` names its segments, joined in name order
when it is read. The manifest object itself is ``?multipart-manifest=get``.
"""

from __future__ import annotations

import hashlib

from ..listings import names_with_prefix
from ..messages import Reply, Request
from ..ranges import swift_range_specs
from ..state import Account, StoredObject
from . import reads
from .common import (
    Layer,
    Refusal,
    Target,
    http_date,
    split_object_path,
    target_of,
)
from .content import Content, Part
from .obj import put_checks


def manifest_is_valid(value: str, swift_rules: bool) -> bool:
    """Whether an X-Object-Manifest value names a container and a prefix. Swift wants
    both non-empty, no "?" or "&", and a prefix that does not start with "/"; RGW only
    a "/" after the container."""
    if not swift_rules:
        return "/" in value.lstrip("/")
    container, slash, prefix = value.partition("/")
    return bool(
        slash
        and container
        and prefix
        and "?" not in value
        and "&" not in value
        and not prefix.startswith("/")
    )


class DloMiddleware(Layer):
    """Checks the manifest header of a PUT and serves the joined segments of a DLO."""

    def handle(self, request: Request) -> Reply:
        target = target_of(request)
        if not target.object:
            return self.app(request)
        manifest = request.headers.get("x-object-manifest")
        swift_rules = self.flavor.dlo_manifest_header_strict
        if (
            request.method == "PUT"
            and manifest is not None
            and not manifest_is_valid(manifest, swift_rules)
        ):
            put_checks(self, request)
            detail = "X-Object-Manifest must be in the format container/prefix"
            reply = self.error(400, "InvalidArgument", None if self.s3 else detail)
            if self.flavor.manifest_error_has_empty_etag:
                reply.headers["Etag"] = hashlib.md5(b"").hexdigest()
                reply.headers["Last-Modified"] = http_date(0)
            raise Refusal(reply)
        if request.method in ("GET", "HEAD") and request.query.get("multipart-manifest") != "get":
            obj = self.target_object(request)
            account = self.source_account(request)
            if obj.dlo_manifest is not None:
                return self._serve(request, account, obj)
        return self.app(request)

    def _serve(self, request: Request, account: Account, obj: StoredObject) -> Reply:
        assert obj.dlo_manifest is not None
        segment_container, _ = split_object_path(obj.dlo_manifest, require_name=False)
        if self.flavor.segments_read_as_requester:
            # The segments are listed and read as the client: its token, its Referer.
            project_id = target_of(request).project_id
            listed = self.authorized(request, "GET", Target(project_id, segment_container, ""))
            account = listed.account
        if segment_container not in account.containers:
            # Both servers answer 404 (Swift the listing's, RGW NoSuchKey).
            raise self.not_found("object" if self.s3 else "container")
        content = self.content(account, obj)
        range_header = request.headers.get("range")
        if range_header and self.flavor.dlo_serves_one_range_only:
            specs = swift_range_specs(range_header)
            if specs is not None and len(specs) > 1:
                # Swift's DLO serves a single range; with several it answers 200, whole.
                request.headers.pop("range")
        compared = obj.etag if self.flavor.dlo_conditions_compare_manifest_etag else None
        reply = reads.serve(self, request, obj, content, compared_etag=compared)
        if (
            reply.status == 200
            and request.headers.get("if-match")
            and self.flavor.dlo_if_match_reply_is_untyped
        ):
            # Swift's DLO answers a met If-Match without its type: swob's default, and
            # no Accept-Ranges.
            reply.headers["Content-Type"] = "text/html; charset=UTF-8"
            reply.headers.pop("Accept-Ranges", None)
        return reply

    def segments_content(self, account: Account, obj: StoredObject) -> Content:
        """The content of a dynamic large object: the objects under its prefix, joined."""
        assert obj.dlo_manifest is not None
        segment_container, prefix = split_object_path(obj.dlo_manifest, require_name=False)
        with self.state.lock:
            container = account.containers.get(segment_container)
            names = [] if container is None else names_with_prefix(container.order.names, prefix)
            segments = [container.objects[name] for name in names] if container else []
        # The ETag joins the hashes the listing shows (a link to an object's current
        # version lists the version's); the bytes are read as GETs of the segments,
        # which follow symlinks.
        joined = "".join(
            segment.symlink.etag if segment.symlink and segment.symlink.versions else segment.etag
            for segment in segments
        )
        if self.flavor.symlinks:
            segments = [
                self.shared.follow(None, account, segment)[0] if segment.symlink else segment
                for segment in segments
            ]
        parts = [Part(segment.body, segment.size) for segment in segments]
        etag = f'"{hashlib.md5(joined.encode("ascii")).hexdigest()}"'
        headers = {"X-Object-Manifest": obj.dlo_manifest}
        return Content(parts, sum(part.size for part in parts), etag, headers)
