"""Dynamic large objects, as Swift's ``dlo`` middleware serves them: an object whose
``X-Object-Manifest: <container>/<prefix>`` names its segments, joined in name order
when it is read.
"""

from __future__ import annotations

import hashlib

from ..listings import names_with_prefix
from ..messages import Reply, Request
from ..state import Account, StoredObject
from . import reads
from .common import Layer, Refusal, access_of, http_date, split_object_path, target_of
from .content import Content, Part
from .obj import put_checks


class DloMiddleware(Layer):
    """Checks the manifest header of a PUT and serves the joined segments of a DLO."""

    def handle(self, request: Request) -> Reply:
        target = target_of(request)
        if not target.object:
            return self.app(request)
        manifest = request.headers.get("x-object-manifest")
        if request.method == "PUT" and manifest is not None and "/" not in manifest.lstrip("/"):
            put_checks(self, request)
            detail = "X-Object-Manifest must be in the format container/prefix"
            reply = self.error(400, "InvalidArgument", None if self.s3 else detail)
            if self.flavor.manifest_error_has_empty_etag:
                reply.headers["Etag"] = hashlib.md5(b"").hexdigest()
                reply.headers["Last-Modified"] = http_date(0)
            raise Refusal(reply)
        if request.method in ("GET", "HEAD"):
            account = access_of(request).account
            obj = self.object(account, target.container, target.object)
            if obj.dlo_manifest is not None:
                return reads.serve(self, request, obj, self.content(account, obj))
        return self.app(request)

    def segments_content(self, account: Account, obj: StoredObject) -> Content:
        """The content of a dynamic large object: the objects under its prefix, joined."""
        assert obj.dlo_manifest is not None
        segment_container, prefix = split_object_path(obj.dlo_manifest, require_name=False)
        with self.state.lock:
            container = account.containers.get(segment_container)
            names = [] if container is None else names_with_prefix(container.order.names, prefix)
            segments = [container.objects[name] for name in names] if container else []
        parts = [Part(segment.body, segment.size) for segment in segments]
        joined = "".join(segment.etag for segment in segments)
        etag = f'"{hashlib.md5(joined.encode("ascii")).hexdigest()}"'
        headers = {"X-Object-Manifest": obj.dlo_manifest}
        return Content(parts, sum(part.size for part in parts), etag, headers)
