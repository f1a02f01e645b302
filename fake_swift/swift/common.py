"""What every stage of the fake's Swift pipeline shares: the request's target and access,
the refusal that stops a request, and :class:`Layer`, the base of middlewares and
controllers with the helpers they all use (errors, lookups, metadata checks).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from email.utils import formatdate
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from ..flavors import MAX_OBJECT_NAME_LENGTH, Flavor
from ..listings import LimitError, listing_limit, listing_type
from ..messages import BODY_REFUSED, Reply, Request
from ..metadata import (
    MetadataProblem,
    meta_header_name,
    metadata_problem,
    stored_metadata_problem,
    update_metadata,
)
from ..state import Account, Container, FakeState, FileBody, StoredObject

if TYPE_CHECKING:
    from .content import Content

_COPY_CHUNK = 64 * 1024

API_PREFIX = "/swift/v1/"
MAX_MANIFEST_BYTES = 8 * 1024 * 1024
# Headers Swift keeps with an object besides its user metadata.
KEPT_OBJECT_HEADERS = (
    "content-disposition",
    "content-encoding",
    "content-language",
    "cache-control",
    "expires",
)
_TRUE_VALUES = {"true", "1", "yes", "on", "t", "y"}

Handler = Callable[[Request], Reply]

# The keys under which stages leave what they found out in ``Request.environ``.
TARGET = "fake_swift.target"
ACCESS = "fake_swift.access"


def http_date(timestamp: float) -> str:
    """``Last-Modified`` style date; Swift rounds up to the next whole second."""
    return formatdate(math.ceil(timestamp), usegmt=True)


def x_timestamp(timestamp: float) -> str:
    return f"{timestamp:.5f}"


def is_true(value: str | None) -> bool:
    return (value or "").strip().lower() in _TRUE_VALUES


@dataclass(frozen=True)
class Target:
    """What a storage request names: the project of its URL, a container, an object."""

    project_id: str
    container: str
    object: str


@dataclass(frozen=True)
class Access:
    """Whose account a request works on, and in what right."""

    account: Account
    owner: bool  # the account's own token (else an ACL or a temp URL let it in)


class Refusal(Exception):
    """Stops handling a request with a prepared error reply."""

    def __init__(self, reply: Reply, bare: bool = False) -> None:
        super().__init__(reply.status)
        self.reply = reply
        # Sent as it is: the HTTP front end (not the storage service) refused the request.
        self.bare = bare


# A callable the auth middleware leaves for middlewares below it: it decides on a request
# they are about to send as the client's own (a large object's segments), and returns
# its Access or raises a Refusal.
AUTHORIZE = "fake_swift.authorize"
# Set by the temp URL middleware: the (project, container) its key reaches; container
# None for an account's key. Requests sent on its behalf must stay inside.
TEMP_URL_SCOPE = "fake_swift.temp_url_scope"
# Where a GET or HEAD that followed symlinks ended ("/v1/<account>/<container>/<object>"),
# shown as Content-Location; and the account of the object it ended at.
CONTENT_LOCATION = "fake_swift.content_location"
# The link a symlink PUT makes, for the object controller to store.
SYMLINK = "fake_swift.symlink"
SOURCE_ACCOUNT = "fake_swift.source_account"
# The object a GET or HEAD read (the copy middleware reads its source through them).
SOURCE_OBJECT = "fake_swift.source_object"
# Set on the copy middleware's read of its source: objects past their X-Delete-At are
# still read on the flavors whose copies read them.
COPY_SOURCE = "fake_swift.copy_source"


def subrequest(
    request: Request,
    method: str,
    target: Target,
    headers: dict[str, str],
    query: dict[str, str] | None = None,
    body: Iterable[bytes] = (),
) -> Request:
    """A request a middleware sends down the pipeline on behalf of ``request``: the same
    environ (a temp URL's access goes with it) for another target."""
    path = API_PREFIX + "/".join(
        quote(part, safe="")
        for part in (f"AUTH_{target.project_id}", target.container, target.object)
    )
    environ = {key: value for key, value in request.environ.items() if key != SOURCE_OBJECT}
    environ[TARGET] = target
    return Request(method, path, dict(query or {}), dict(headers), body, environ)


# What RGW writes a report or an empty write reply in, by ?format= or Accept.
RGW_FORMATS = ("text/plain", "application/json", "application/xml", "text/xml")
# Set on a request the bulk middlewares answered with a report (not the controller).
BULK_REPORT = "fake_swift.bulk_report"


def rgw_format(request: Request) -> str:
    """The media type RGW answers in: ``?format=json|xml``, else Accept's first type when
    it names one of :data:`RGW_FORMATS` exactly (parameters aside), else text; text/xml
    is written as application/xml."""
    wanted = request.query.get("format", "").lower()
    if wanted in ("json", "xml"):
        return f"application/{wanted}"
    first = request.headers.get("accept", "").split(",")[0].split(";")[0].strip().lower()
    if first not in RGW_FORMATS:
        return "text/plain"
    return "application/xml" if first == "text/xml" else first


def target_of(request: Request) -> Target:
    return request.environ[TARGET]


def access_of(request: Request) -> Access:
    return request.environ[ACCESS]


def level(request: Request) -> str:
    """What a storage request addresses: "account", "container", "object" (or "")."""
    if not request.path.startswith(API_PREFIX):
        return ""
    parts = request.path[len(API_PREFIX) :].split("/", 2)
    if len(parts) == 1 or not parts[1]:
        return "account"
    if len(parts) == 2 or not parts[2]:
        return "container"
    return "object"


def split_object_path(
    path: str, unquoted: bool = False, require_name: bool = True
) -> tuple[str, str]:
    """``/container/object`` (or without the leading slash) as its two names."""
    text = path if unquoted else unquote(path)
    container, _, name = text.lstrip("/").partition("/")
    if not container or (require_name and not name):
        raise ValueError(f"not a /container/object path: {path!r}")
    return container, name


def kept_headers(headers: dict[str, str]) -> dict[str, str]:
    return {name: headers[name] for name in KEPT_OBJECT_HEADERS if headers.get(name)}


def stored_object_headers(obj: StoredObject) -> dict[str, str]:
    """The headers every read of a stored object carries: times, ranges, user metadata."""
    headers = {
        "Last-Modified": http_date(obj.last_modified),
        "X-Timestamp": x_timestamp(obj.last_modified),
        "Accept-Ranges": "bytes",
    }
    for key, value in obj.metadata.items():
        headers[meta_header_name("X-Object-Meta-", key)] = value
    return headers


@dataclass(frozen=True)
class Shared:
    """What the stages of one pipeline share: the store, the flavor, and how an object's
    content is put together (plain, or a large object's segments joined)."""

    state: FakeState
    flavor: Flavor
    resolve: Callable[[Account, StoredObject, int], Content]
    # Follows a symlink for a read (see symlink.py): the object and account it ends at;
    # without a request, for a large object's segment.
    follow: Callable[[Request | None, Account, StoredObject], tuple[StoredObject, Account]]


class Layer:
    """A stage of the pipeline: a middleware in front of ``app``, or a controller (no app).

    The helpers answer as the flavor does: error replies, lookups that refuse with 404,
    checks of names, metadata and lengths.
    """

    def __init__(self, shared: Shared, app: Handler | None = None) -> None:
        self.shared = shared
        self.state = shared.state
        self.flavor = shared.flavor
        self.app = app

    def __call__(self, request: Request) -> Reply:
        return self.handle(request)

    def handle(self, request: Request) -> Reply:
        assert self.app is not None
        return self.app(request)

    def content(self, account: Account, obj: StoredObject, depth: int = 0) -> Content:
        """What a GET of ``obj`` returns, large objects joined."""
        return self.shared.resolve(account, obj, depth)

    # errors

    @property
    def s3(self) -> bool:
        return self.flavor.s3_style_error_bodies

    def error(self, status: int, s3_code: str, detail: str | None = None) -> Reply:
        body = detail if detail is not None else self.flavor.error_body(status, s3_code)
        return Reply(
            status,
            {"Content-Type": self.flavor.error_content_type},
            body.encode(),
            error_code=self.flavor.error_code(s3_code),
        )

    def plain_error(self, detail: str, status: int = 400, s3_code: str = "InvalidArgument"):
        """Swift's text/plain refusal with its sentence; RGW's error with its code."""
        reply = self.error(status, s3_code, None if self.s3 else detail)
        if self.flavor.plain_error_content_type:
            reply.headers["Content-Type"] = self.flavor.plain_error_content_type
        return reply

    def not_found(self, what: str) -> Refusal:
        return Refusal(self.error(404, "NoSuchKey" if what == "object" else "NoSuchBucket"))

    def accepted(self) -> Reply:
        headers = {"Content-Type": self.flavor.write_reply_content_type}
        return Reply(202, headers, self.flavor.accepted_body)

    def bad_digest(self, computed_etag: str) -> Reply:
        reply = self.error(422, "BadDigest")
        if self.flavor.bad_digest_has_etag:
            reply.headers["Etag"] = computed_etag
        moment = 0 if self.flavor.bad_digest_last_modified_is_epoch else time.time()
        reply.headers["Last-Modified"] = http_date(moment)
        return reply

    # lookups

    def container(self, account: Account, name: str) -> Container:
        with self.state.lock:
            container = account.containers.get(name)
        if container is None:
            raise self.not_found("container")
        return container

    def object(
        self, account: Account, container_name: str, object_name: str, expired_ok: bool = False
    ) -> StoredObject:
        container = self.container(account, container_name)
        with self.state.lock:
            obj = container.objects.get(object_name)
        if obj is None or (obj.expired() and not expired_ok):
            raise self.not_found("object")
        return obj

    def target_object(self, request: Request) -> StoredObject:
        """The object a GET or HEAD names (404 when there is none), remembered in the
        request's environ for the middleware that sent it."""
        target = target_of(request)
        expired_ok = (
            request.environ.get(COPY_SOURCE, False) and self.flavor.copy_reads_expired_objects
        )
        account = access_of(request).account
        obj = self.object(account, target.container, target.object, expired_ok)
        if (
            obj.symlink is not None
            and self.flavor.symlinks
            and request.query.get("symlink") != "get"
        ):
            obj, account = self.shared.follow(request, account, obj)
        request.environ[SOURCE_OBJECT] = obj
        request.environ[SOURCE_ACCOUNT] = account
        return obj

    def source_account(self, request: Request) -> Account:
        """The account of the object a read ended at (another one past a symlink)."""
        return request.environ.get(SOURCE_ACCOUNT) or access_of(request).account

    def authorized(self, request: Request, method: str, target: Target) -> Access:
        """Access for a request sent on behalf of ``request`` (same token, Referer):
        ``method`` on ``target``; a refusal when the client may not."""
        headers = {
            name: value
            for name, value in request.headers.items()
            if name in ("x-auth-token", "x-storage-token", "referer")
        }
        sub = subrequest(request, method, target, headers)
        sub.environ.pop(ACCESS, None)
        return request.environ[AUTHORIZE](sub)

    # names

    def check_container_name(self, name: str) -> None:
        too_short = len(name.encode()) < self.flavor.min_container_name_length  # bytes
        if too_short or (
            name.startswith(".") and not self.flavor.container_name_may_start_with_dot
        ):
            raise Refusal(self.error(400, "InvalidBucketName"))
        limit = self.flavor.max_container_name_length
        length = len(name.encode())
        if length > limit:
            detail = f"Container name length of {length} longer than {limit}"
            raise Refusal(self.error(400, "InvalidBucketName", detail))

    def check_object_name(self, name: str) -> None:
        length = len(name.encode()) if self.flavor.object_name_limit_counts_bytes else len(name)
        if length > MAX_OBJECT_NAME_LENGTH:
            detail = f"Object name length of {length} longer than {MAX_OBJECT_NAME_LENGTH}"
            raise Refusal(self.error(400, "InvalidObjectName", None if self.s3 else detail))

    # metadata

    def check_metadata(self, request: Request, kind: str) -> None:
        """Refuse the request if its metadata breaks the flavor's limits."""
        problem = metadata_problem(self.flavor, request.headers, kind)
        if problem is not None:
            raise Refusal(self.metadata_error(problem))

    def metadata_error(self, problem: MetadataProblem, body_etag: str | None = None) -> Reply:
        reply = self.error(400, problem.code, None if self.s3 else problem.message)
        if self.flavor.metadata_error_content_type:
            reply.headers["Content-Type"] = self.flavor.metadata_error_content_type
        if body_etag is not None:  # RGW read the body before it looked at the metadata
            reply.headers["Etag"] = body_etag
            reply.headers["Last-Modified"] = http_date(0)
        return reply

    def updated_metadata(self, metadata: dict[str, str], request: Request, kind: str) -> dict:
        """``metadata`` updated by the request, or a refusal if it would grow too big."""
        updated = dict(metadata)
        update_metadata(updated, request.headers, kind)
        problem = stored_metadata_problem(self.flavor, updated)
        if problem is not None and len(updated) >= len(metadata):
            reply = self.error(400, problem.code, None if self.s3 else problem.message)
            raise Refusal(reply)
        return updated

    # objects

    def content_type(self, request: Request, object_name: str) -> str:
        """The type to store ("" for none)."""
        sent = request.headers.get("content-type")
        if sent or (sent is not None and not self.flavor.empty_content_type_is_guessed):
            return sent
        guessed = self.flavor.guess_content_type(object_name)
        return guessed or self.flavor.default_content_type or ""

    def shown_content_type(self, obj: StoredObject) -> str:
        return obj.content_type or self.flavor.unset_content_type_shown_as

    def copy_of(self, obj: StoredObject, name: str) -> StoredObject:
        """A new object called ``name``, written now, holding what ``obj`` holds (body,
        type, metadata, manifests): an archived or restored version. A body in a file is
        copied, as each file goes with the one object that holds it; one in memory is
        shared, as it never changes."""
        body = obj.body
        if isinstance(body, FileBody):
            with body.open() as source:
                chunks = iter(lambda: source.read(_COPY_CHUNK), b"")
                body, _, _ = self.state.bodies.write(chunks, self.flavor.max_file_size)
        return replace(
            obj,
            name=name,
            body=body,
            last_modified=time.time(),
            metadata=dict(obj.metadata),
            extra_headers=dict(obj.extra_headers),
        )

    def store(self, account: Account, container_name: str, obj: StoredObject) -> None:
        with self.state.lock:
            container = account.containers.get(container_name)
            if container is None:  # deleted while the body was being read
                self.state.bodies.discard(obj.body)
                raise self.not_found("container")
            replaced = container.put(obj)
        if replaced is not None:
            self.state.bodies.discard(replaced.body)

    def written_headers(self, obj: StoredObject, etag: str) -> dict[str, str]:
        return {
            "Etag": etag,
            "Last-Modified": http_date(obj.last_modified),
            "Content-Type": self.flavor.write_reply_content_type,
        }

    def check_length(self, request: Request, max_size: int) -> None:
        raw_length = request.headers.get("content-length")
        chunked = "chunked" in request.headers.get("transfer-encoding", "").lower()
        if raw_length is None and not chunked:
            detail = "Missing Content-Length header."
            raise Refusal(self.plain_error(detail, 411, "MissingContentLength"))
        if raw_length is not None:
            try:
                length = int(raw_length)
            except ValueError:
                # The HTTP front end refuses it: a bare 400, no body, no ids.
                raise Refusal(Reply(400, {"Content-Length": "0"}), bare=True) from None
            if length > max_size:
                request.environ[BODY_REFUSED] = True
                reply = self.error(self.flavor.too_large_status, "EntityTooLarge")
                if self.flavor.too_large_content_type:
                    reply.headers["Content-Type"] = self.flavor.too_large_content_type
                raise Refusal(reply)

    # listings

    def listing_limit(self, request: Request, level: str, headers: dict[str, str]) -> int:
        try:
            return listing_limit(self.flavor, request.query, level)
        except LimitError as refused:
            reply = self.error(refused.status, refused.code, None if self.s3 else refused.detail)
            if level == "account" and self.flavor.listing_limit_error_keeps_account_headers:
                reply.headers["X-Timestamp"] = headers["X-Timestamp"]
                reply.headers["Accept-Ranges"] = "bytes, bytes"  # RGW sends it twice
            raise Refusal(reply) from None

    def head_listing_type(self, request: Request) -> str:
        """A HEAD of an account or container names the type its listing would have."""
        wanted = listing_type(request)
        if wanted == "text/xml" and not self.flavor.listing_echoes_text_xml:
            wanted = "application/xml"
        return f"{wanted}; charset=utf-8"
