"""The object controller: PUT, GET, HEAD, POST and DELETE of stored objects, as the proxy's
object controller and the object server answer them. Large objects, copies and the
other middlewares' requests are answered before they get here.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from ..messages import Reply, Request
from ..metadata import MetadataProblem, metadata_problem, object_metadata
from ..state import EntityTooLarge, StoredObject
from . import reads
from .common import SYMLINK, Layer, Refusal, access_of, kept_headers, target_of
from .content import plain_content


@dataclass(frozen=True)
class PutChecks:
    """What every object PUT checks before its body: the expiry it asks for, and a
    metadata problem the flavor refuses only after the body was read."""

    delete_at: float | None
    late_problem: MetadataProblem | None


def put_checks(layer: Layer, request: Request) -> PutChecks:
    """The checks of an object PUT, in the order the servers make them."""
    target = target_of(request)
    layer.container(access_of(request).account, target.container)
    layer.check_object_name(target.object)
    delete_at = delete_at_of(layer, request)
    late = layer.flavor.metadata_checked_after_body
    problem = metadata_problem(layer.flavor, request.headers, "object")
    # RGW refuses an empty metadata name at once, long ones after reading the body.
    if problem is not None and not (late and problem.code != "InvalidArgument"):
        raise Refusal(layer.metadata_error(problem))
    return PutChecks(delete_at, problem)


def delete_at_of(layer: Layer, request: Request) -> float | None:
    """The expiry time X-Delete-At or X-Delete-After asks for (None: none)."""
    headers = request.headers
    now = time.time()
    for name, relative in (("x-delete-after", True), ("x-delete-at", False)):
        raw = headers.get(name)
        if raw is None:
            continue
        shown = "X-Delete-After" if relative else "X-Delete-At"
        try:
            value = int(raw)
        except ValueError:
            raise Refusal(layer.plain_error(f"Non-integer {shown}")) from None
        moment = now + value if relative else value
        longest = layer.flavor.max_delete_at_accepted
        in_past = value < 0 if relative else value < now
        # RGW: a time it cannot hold in nanoseconds wraps into the past.
        too_late = longest is not None and moment > longest
        if in_past or too_late:
            raise Refusal(layer.plain_error(f"{shown} in past"))
        if layer.flavor.max_delete_at is not None:
            moment = min(moment, layer.flavor.max_delete_at)
        return float(math.floor(moment))
    return None


def check_put_if_none_match(layer: Layer, request: Request) -> None:
    """Swift's PUT If-None-Match: only "*", refused (412) when the object exists."""
    if request.headers["if-none-match"].strip() != "*":
        raise Refusal(layer.error(400, "InvalidArgument", "If-None-Match only supports *"))
    target = target_of(request)
    with layer.state.lock:
        container = access_of(request).account.containers.get(target.container)
        exists = container is not None and target.object in container.objects
    if exists:
        raise Refusal(layer.error(412, "PreconditionFailed"))


class ObjectController(Layer):
    """Objects as the object servers keep them."""

    def _if_delete_at(self, request: Request) -> int | None:
        """X-If-Delete-At of a DELETE: the expiry the object must have (Swift)."""
        raw = request.headers.get("x-if-delete-at")
        if raw is None or not self.flavor.delete_honours_if_delete_at:
            return None
        try:
            return math.floor(float(raw))
        except ValueError:
            detail = "Bad X-If-Delete-At header value"
            raise Refusal(self.error(400, "InvalidArgument", detail)) from None

    def handle(self, request: Request) -> Reply:
        handler = {
            "PUT": self.put,
            "GET": self.get,
            "HEAD": self.get,
            "POST": self.post,
            "DELETE": self.delete,
        }.get(request.method)
        if handler is None:
            return self.error(405, "MethodNotAllowed")
        return handler(request)

    def put(self, request: Request) -> Reply:
        checks = put_checks(self, request)
        target = target_of(request)
        account = access_of(request).account
        if self.flavor.put_honours_if_none_match and request.headers.get("if-none-match"):
            check_put_if_none_match(self, request)
        max_size = self.flavor.max_file_size
        self.check_length(request, max_size)
        try:
            body, size, md5 = self.state.bodies.write(request.body, max_size)
        except EntityTooLarge:
            return self.error(413, "EntityTooLarge")
        manifest = request.headers.get("x-object-manifest")
        etag = md5
        if manifest is not None and self.flavor.dlo_manifest_etag_is_empty_md5:
            etag = hashlib.md5(b"").hexdigest()  # RGW: a DLO manifest's ETag, whatever its body
        if checks.late_problem is not None:
            self.state.bodies.discard(body)
            return self.metadata_error(checks.late_problem, md5)
        sent_etag = request.headers.get("etag", "").strip().strip('"').lower()
        if sent_etag and sent_etag != md5:
            self.state.bodies.discard(body)
            return self.bad_digest(md5)
        obj = StoredObject(
            name=target.object,
            body=body,
            size=size,
            etag=etag,
            content_type=self.content_type(request, target.object),
            last_modified=time.time(),
            metadata=object_metadata(request.headers),
            extra_headers=kept_headers(request.headers),
            dlo_manifest=request.headers.get("x-object-manifest"),
            delete_at=checks.delete_at,
            symlink=request.environ.get(SYMLINK),
        )
        self.store(account, target.container, obj)
        return Reply(201, self.written_headers(obj, etag))

    def get(self, request: Request) -> Reply:
        obj = self.target_object(request)
        # A DLO's manifest (?multipart-manifest=get) names its segments still, and a
        # symlink read as itself (?symlink=get) its target.
        extra = {"X-Object-Manifest": obj.dlo_manifest} if obj.dlo_manifest else {}
        if obj.symlink is not None:
            extra["X-Symlink-Target"] = obj.symlink.target
            if obj.symlink.account:
                extra["X-Symlink-Target-Account"] = obj.symlink.account
            if obj.symlink.etag:
                extra["X-Symlink-Target-Etag"] = obj.symlink.etag
                extra["X-Symlink-Target-Bytes"] = str(obj.symlink.size)
        return reads.serve(self, request, obj, plain_content(obj), extra=extra)

    def post(self, request: Request) -> Reply:
        target = target_of(request)
        late = self.flavor.metadata_checked_after_body
        if not late:
            self.check_metadata(request, "object")
        obj = self.object(access_of(request).account, target.container, target.object)
        if late:
            self.check_metadata(request, "object")
        delete_at = delete_at_of(self, request)
        with self.state.lock:
            obj.delete_at = delete_at  # a POST without X-Delete-At removes it
            obj.metadata = object_metadata(request.headers)
            obj.extra_headers = kept_headers(request.headers)
            manifest = request.headers.get("x-object-manifest")
            if manifest is not None or not self.flavor.post_without_manifest_keeps_dlo:
                obj.dlo_manifest = manifest  # X-Object-Manifest is kept as metadata is
            if request.headers.get("content-type"):
                obj.content_type = request.headers["content-type"]
            obj.last_modified = time.time()
        return self.accepted()

    def delete(self, request: Request) -> Reply:
        target = target_of(request)
        if_delete_at = self._if_delete_at(request)
        container = self.container(access_of(request).account, target.container)
        with self.state.lock:
            current = container.objects.get(target.object)
            if current is not None and if_delete_at is not None:
                if math.floor(current.delete_at or 0) != if_delete_at:
                    detail = "X-If-Delete-At and X-Delete-At do not match"
                    raise Refusal(self.error(412, "PreconditionFailed", detail))
            removed = container.pop(target.object)
        if removed is None:
            raise self.not_found("object")
        self.state.bodies.discard(removed.body)
        if removed.expired() and self.flavor.delete_of_expired_answers_not_found:
            raise self.not_found("object")
        return Reply(204, {"Content-Type": self.flavor.write_reply_content_type})
