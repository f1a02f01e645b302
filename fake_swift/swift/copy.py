"""Server-side copies, as Swift's ``copy`` middleware makes them: ``COPY`` with a
``Destination``, and ``PUT`` with ``X-Copy-From``.
"""

from __future__ import annotations

import time
from urllib.parse import quote

from ..messages import Reply, Request
from ..metadata import meta_header_name, object_metadata
from ..state import Account, EntityTooLarge, StoredObject
from .common import (
    Layer,
    Refusal,
    access_of,
    http_date,
    is_true,
    kept_headers,
    split_object_path,
    target_of,
)
from .content import iter_parts
from .obj import put_checks


class CopyMiddleware(Layer):
    """Turns a COPY, or a PUT that names its source, into a new object."""

    def handle(self, request: Request) -> Reply:
        target = target_of(request)
        if not target.object:
            return self.app(request)
        account = access_of(request).account
        if request.method == "PUT" and "x-copy-from" in request.headers:
            put_checks(self, request)
            source_container, source_name = self._object_path(
                request.headers["x-copy-from"], "X-Copy-From"
            )
            return self._copy(
                request,
                account,
                source_container,
                source_name,
                account,
                target.container,
                target.object,
            )
        if request.method == "COPY":
            destination = request.headers.get("destination")
            if not destination:
                detail = self.flavor.copy_path_error_detail or "Destination header required"
                return self.error(412, "InvalidArgument", detail)
            target_container, target_name = self._object_path(destination, "Destination")
            return self._copy(
                request,
                account,
                target.container,
                target.object,
                account,
                target_container,
                target_name,
            )
        return self.app(request)

    def _object_path(self, path: str, header: str) -> tuple[str, str]:
        try:
            return split_object_path(path)
        except ValueError:
            detail = f"{header} header must be of the form <container name>/<object name>"
            detail = self.flavor.copy_path_error_detail or detail
            raise Refusal(self.error(412, "InvalidArgument", detail)) from None

    def _copy(
        self,
        request: Request,
        source_account: Account,
        source_container: str,
        source_name: str,
        target_account: Account,
        target_container: str,
        target_name: str,
    ) -> Reply:
        expired_ok = self.flavor.copy_reads_expired_objects
        source = self.object(source_account, source_container, source_name, expired_ok)
        self.container(target_account, target_container)
        content = self.content(source_account, source)
        try:
            body, size, md5 = self.state.bodies.write(
                iter_parts(content.parts), self.flavor.max_file_size
            )
        except EntityTooLarge:
            return self.error(413, "EntityTooLarge")
        if is_true(request.headers.get("x-fresh-metadata")):
            metadata = {}
        else:
            metadata = dict(source.metadata)
        metadata.update(object_metadata(request.headers))
        copy = StoredObject(
            name=target_name,
            body=body,
            size=size,
            etag=md5,
            content_type=request.headers.get("content-type") or source.content_type,
            last_modified=time.time(),
            metadata=metadata,
            extra_headers={**source.extra_headers, **kept_headers(request.headers)},
        )
        self.store(target_account, target_container, copy)
        headers = self.written_headers(copy, md5)
        if self.flavor.copy_reply_has_object_content_type:
            headers["Content-Type"] = self.shown_content_type(copy)
        for key, value in copy.metadata.items():
            headers[meta_header_name("X-Object-Meta-", key)] = value
        prefix = self.flavor.copied_from_account_prefix
        headers["X-Copied-From-Account"] = f"{prefix}{source_account.project_id}"
        headers["X-Copied-From"] = quote(f"{source_container}/{source_name}")
        headers["X-Copied-From-Last-Modified"] = http_date(source.last_modified)
        return Reply(201, headers)
