"""Server-side copies, as Swift's ``copy`` middleware makes them: ``COPY`` with a
``Destination`` (and ``Destination-Account``), and ``PUT`` with ``X-Copy-From`` (and
``X-Copy-From-Account``). A copy is a GET of the source and a PUT of what it read, both
sent down the pipeline as the client's own requests, so each is authorized on its own
path and the large-object middlewares serve and take them as they would the client's.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, unquote

from ..messages import Reply, Request
from ..metadata import meta_header_name
from .common import (
    COPY_SOURCE,
    SOURCE_OBJECT,
    Layer,
    Refusal,
    Target,
    is_true,
    split_object_path,
    subrequest,
    target_of,
)
from .content import CHUNK_SIZE, Part, iter_parts

# The source's headers a copy does not take over (the PUT computes its own).
_NOT_COPIED = frozenset(
    {
        "x-static-large-object",
        "x-object-manifest",
        "etag",
        "content-type",
        "x-timestamp",
        "x-backend-timestamp",
        "content-length",
        "content-range",
        "last-modified",
        "accept-ranges",
        "x-manifest-etag",
        "x-trans-id",
        "x-openstack-request-id",
        "date",
        "transfer-encoding",
    }
)
# Headers of the client's request that belong to the copy itself, not to the new object.
_COPY_ONLY = ("x-copy-from", "x-copy-from-account", "destination", "destination-account")
# Metadata is what a copy's reply repeats of the new object.
_REPEATED = ("x-object-meta-", "x-delete-at")
# Internal: the manifest a copy stores again as is (RGW's copy of an SLO).
COPY_MANIFEST = "fake_swift.copy_manifest"


def _chunks(reply: Reply) -> Iterator[bytes]:
    """A reply's body as chunks, whatever it is made of."""
    body = reply.body
    if isinstance(body, bytes):
        if body:
            yield body
    elif hasattr(body, "read"):
        with body:
            while chunk := body.read(CHUNK_SIZE):
                yield chunk
    else:
        yield from body


class CopyMiddleware(Layer):
    """Turns a COPY, or a PUT that names its source, into a GET and a PUT."""

    def handle(self, request: Request) -> Reply:
        target = target_of(request)
        if not target.object:
            return self.app(request)
        if request.method == "PUT" and request.headers.get("x-copy-from"):
            return self._put(request, target, dict(request.headers))
        if request.method == "COPY":
            return self._copy_method(request, target)
        return self.app(request)

    def _copy_method(self, request: Request, target: Target) -> Reply:
        headers = dict(request.headers)
        if not headers.get("destination"):
            detail = self.flavor.copy_path_error_detail or "Destination header required"
            return self.error(412, "InvalidArgument", detail)
        sink_project = target.project_id
        if "destination-account" in headers:
            sink_project = self._project(headers.pop("destination-account"))
            headers["x-copy-from-account"] = f"AUTH_{target.project_id}"
        destination = headers.pop("destination")
        if self.flavor.copy_destination_without_container_is_400:
            rest = unquote(destination)
            rest = rest[1:] if rest.startswith("/") else rest
            if rest.startswith("/"):
                raise Refusal(self.error(400, "InvalidArgument"))
        container, name = self._object_path(destination, "Destination")
        headers["x-copy-from"] = quote(f"{target.container}/{target.object}")
        headers["content-length"] = "0"
        return self._put(request, Target(sink_project, container, name), headers)

    def _put(self, request: Request, target: Target, headers: dict[str, str]) -> Reply:
        if headers.get("content-length", "0") not in ("", "0"):
            reply = self.plain_error("Copy requests require a zero byte body")
            reply.headers["Content-Type"] = "text/plain"
            return reply
        source_project = target.project_id
        if headers.get("x-copy-from-account"):
            source_project = self._project(headers["x-copy-from-account"])
        container, name = self._object_path(headers["x-copy-from"], "X-Copy-From")
        source = Target(source_project, container, name)
        return self._copy(request, source, target, headers)

    def _project(self, account: str) -> str:
        """The project of a ``*-Account`` header (``AUTH_<id>``)."""
        name = unquote(account)
        if not name:
            raise Refusal(self.plain_error("Account name cannot be empty", 412))
        if "/" in name:
            raise Refusal(self.plain_error("Account name cannot contain slashes", 412))
        return name.removeprefix("AUTH_")

    def _object_path(self, path: str, header: str) -> tuple[str, str]:
        try:
            return split_object_path(path)
        except ValueError:
            detail = f"{header} header must be of the form <container name>/<object name>"
            detail = self.flavor.copy_path_error_detail or detail
            raise Refusal(self.error(412, "InvalidArgument", detail)) from None

    def _copy(
        self, request: Request, source: Target, sink: Target, headers: dict[str, str]
    ) -> Reply:
        query = dict(request.query)
        manifest_get = query.get("multipart-manifest") == "get"
        if manifest_get:
            query["format"] = "raw"
        read_headers = {
            key: value
            for key, value in headers.items()
            if key not in ("content-length", "transfer-encoding", "content-type", "etag")
        }
        if not self.flavor.copy_honours_range:
            read_headers.pop("range", None)
        read = subrequest(request, "GET", source, read_headers, query)
        read.environ[COPY_SOURCE] = True
        found = self.app(read)
        if found.status >= 300:
            return found
        stored = read.environ.get(SOURCE_OBJECT)
        write_headers, write_query = self._write_headers(headers, found, manifest_get, query)
        write = subrequest(request, "PUT", sink, write_headers, write_query, _chunks(found))
        if (
            stored is not None
            and stored.is_slo
            and not manifest_get
            and self.flavor.copy_keeps_slo_manifest
        ):
            write.environ[COPY_MANIFEST] = stored
            write.body = ()
            write.headers["content-length"] = "0"
            write.query["multipart-manifest"] = "put"
        elif (
            stored is not None
            and stored.dlo_manifest is not None
            and not manifest_get
            and self.flavor.copy_keeps_dlo_manifest
        ):
            # The manifest object itself, naming the same segments.
            write.body = iter_parts([Part(stored.body, stored.size)])
            write.headers.update(
                {"x-object-manifest": stored.dlo_manifest, "content-length": str(stored.size)}
            )
            write.headers.pop("etag", None)
        if stored is not None and "content-type" not in headers:
            write.headers["content-type"] = stored.content_type
        written = self.app(write)
        if written.status < 300:
            self._describe(written, source, found, write.headers)
        return written

    def _write_headers(
        self, headers: dict[str, str], found: Reply, manifest_get: bool, query: dict[str, str]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """The headers and query of the PUT that stores what the copy read."""
        source = {name.lower(): value for name, value in found.headers.items()}
        if is_true(headers.get("x-fresh-metadata")):
            written: dict[str, str] = {}
        else:
            written = {name: value for name, value in source.items() if name not in _NOT_COPIED}
        if not self.flavor.copy_keeps_delete_at:
            written.pop("x-delete-at", None)
        written.update(headers)
        for name in _COPY_ONLY:
            written.pop(name, None)
        write_query = {k: v for k, v in query.items() if k not in ("version-id", "format")}
        write_query.pop("part-number", None)
        is_slo = is_true(source.get("x-static-large-object"))
        if manifest_get:
            write_query.pop("multipart-manifest", None)
            if is_slo:
                write_query["multipart-manifest"] = "put"
            if "x-object-manifest" in source:
                written["x-object-manifest"] = source["x-object-manifest"]
        manifest = "x-object-manifest" in source
        # RGW names a DLO manifest by the md5 of nothing: no ETag to check the copy with.
        plain = not is_slo and (not manifest or manifest_get)
        if manifest and self.flavor.dlo_manifest_etag_is_empty_md5:
            plain = False
        if found.status == 200 and plain:
            written["etag"] = source.get("etag", "").strip('"')
        if "content-type" not in headers and "content-type" in source:
            written["content-type"] = source["content-type"]
        written["content-length"] = source.get("content-length", "0")
        written.pop("transfer-encoding", None)
        return written, write_query

    def _describe(
        self, written: Reply, source: Target, found: Reply, write_headers: dict[str, str]
    ) -> None:
        """What a copy's reply adds to the PUT's: where it came from, and the metadata."""
        headers = written.headers
        if self.flavor.copy_reply_has_object_content_type:
            stored_type = write_headers.get("content-type", "")
            headers["Content-Type"] = stored_type or self.flavor.unset_content_type_shown_as
        prefix = self.flavor.copied_from_account_prefix
        headers["X-Copied-From-Account"] = f"{prefix}{source.project_id}"
        headers["X-Copied-From"] = quote(f"{source.container}/{source.object}")
        if "Last-Modified" in found.headers:
            headers["X-Copied-From-Last-Modified"] = found.headers["Last-Modified"]
        for name, value in write_headers.items():
            if name.startswith("x-object-meta-") and value:
                headers[meta_header_name("X-Object-Meta-", name[len("x-object-meta-") :])] = value
            elif name == "x-delete-at":
                headers["X-Delete-At"] = value
