"""The fake's Swift as a pipeline, in the shape of OpenStack Swift's proxy: a front end,
then one middleware per concern, then the account, container and object controllers.

    front end   the HTTP server's own refusals; ids, error formats, lengths
    router      /info; the account, container and object a path names
    cors        OPTIONS, and CORS headers       (cors.py)
    tempurl     temp URL signatures             (tempurl.py)
    copy        COPY and X-Copy-From            (copy.py)
    auth        tokens and ACLs                 (auth.py)
    etag quoter quoted ETags where asked for    (etag_quoter.py)
    staticweb   containers as web sites         (staticweb.py)
    bulk        ?bulk-delete                    (bulk.py)
    bulk upload ?extract-archive                (bulk_upload.py)
    quotas      account and container quotas    (quotas.py)
    versioned   X-Versions-Location, X-History-Location  (versioned_writes.py)
    versioning  object versioning               (object_versioning.py)
    symlink     symlinks                        (symlink.py)
    slo         static large objects            (slo.py)
    dlo         dynamic large objects           (dlo.py)
    controllers account.py, container.py, obj.py

Each stage answers what is its own and hands the rest to the next (``app``); what they
learn about a request (its target, whose account it works on) travels in
``Request.environ``. A middleware that needs other requests made (a copy's GET and PUT)
sends them down the pipeline as the client's own, so that auth decides on each. Where RGW
and Swift differ the stages ask the flavor.
"""

from __future__ import annotations

import json
import re
from email.utils import formatdate
from urllib.parse import quote, unquote, unquote_to_bytes

from ..flavors import Flavor
from ..keystone import AUTH_URL
from ..messages import Reply, Request, json_reply
from ..state import Account, FakeState, StoredObject
from .account import AccountController
from .auth import AuthMiddleware
from .bulk import BulkMiddleware
from .bulk_upload import BulkUploadMiddleware
from .common import (
    API_PREFIX,
    BULK_REPORT,
    TARGET,
    Layer,
    Refusal,
    Shared,
    Target,
    level,
    rgw_format,
    target_of,
)
from .container import ContainerController
from .content import Content, plain_content
from .copy import CopyMiddleware
from .cors import CorsMiddleware
from .dlo import DloMiddleware
from .etag_quoter import EtagQuoterMiddleware
from .obj import ObjectController
from .object_versioning import ObjectVersioningMiddleware
from .quotas import QuotaMiddleware
from .slo import SloMiddleware
from .staticweb import StaticWebMiddleware
from .symlink import SymlinkMiddleware
from .tempurl import TempUrlMiddleware
from .versioned_writes import VersionedWritesMiddleware

# An HTTP token (RFC 9110 tchar), what a header name is made of.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


class Swift:
    """The object-storage service of the fake, answering as ``flavor`` does."""

    def __init__(self, state: FakeState, flavor: Flavor) -> None:
        self.state = state
        self.flavor = flavor
        shared = Shared(state, flavor, self._resolve, self._follow)
        controllers = Controllers(shared)
        self._dlo = DloMiddleware(shared, controllers)
        self._slo = SloMiddleware(shared, self._dlo)
        self._symlink = SymlinkMiddleware(shared, self._slo)
        versioning = ObjectVersioningMiddleware(shared, self._symlink)
        versioned = VersionedWritesMiddleware(shared, versioning)
        quotas = QuotaMiddleware(shared, versioned)
        bulk_upload = BulkUploadMiddleware(shared, quotas)
        bulk = BulkMiddleware(shared, bulk_upload)
        staticweb = StaticWebMiddleware(shared, bulk)
        etag_quoter = EtagQuoterMiddleware(shared, staticweb)
        auth = AuthMiddleware(shared, etag_quoter)
        copy = CopyMiddleware(shared, auth)
        tempurl = TempUrlMiddleware(shared, copy)
        cors = CorsMiddleware(shared, tempurl)
        self._app = Router(shared, cors)

    def _follow(
        self, request: Request | None, account: Account, link: StoredObject
    ) -> tuple[StoredObject, Account]:
        return self._symlink.follow(request, account, link)

    def _resolve(self, account: Account, obj: StoredObject, depth: int) -> Content:
        if obj.slo_segments is not None:
            return self._slo.segments_content(account, obj, depth)
        if obj.dlo_manifest is not None:
            return self._dlo.segments_content(account, obj)
        return plain_content(obj)

    def handle(self, request: Request) -> Reply:
        """Answer one request addressed to the storage host."""
        if self.flavor.header_names_must_be_tokens and not all(
            _TOKEN.fullmatch(name) for name in request.headers
        ):
            # The HTTP front end refuses it: a bare 400, no body, no ids.
            return Reply(400, {"Content-Length": "0"})
        longest = self.flavor.max_header_line
        if longest is not None and any(
            len(name) + len(value.encode() if isinstance(value, str) else value) + 4 >= longest
            for name, value in request.headers.items()
        ):
            # eventlet's "400 Header Line Too Long" under Swift's proxy: bare as well.
            return Reply(400, {"Content-Length": "0"})
        try:
            reply = self._app(request)
        except Refusal as refusal:
            if refusal.bare:
                return refusal.reply
            reply = refusal.reply
        trans_id = self.flavor.new_trans_id()
        if reply.status >= 400:
            self._finish_error(request, reply, trans_id)
        elif request.environ.get(BULK_REPORT):
            pass  # the bulk middleware's own answer, not the controller's
        else:
            if level(request) and f"{request.method} {level(request)}" in (
                self.flavor.accept_ranges_on_writes
            ):
                reply.headers["Accept-Ranges"] = "bytes"
            self._write_reply_type(request, reply)
        if reply.status in (204, 304):
            if self.flavor.bodiless_replies_have_length:
                reply.headers["Content-Length"] = "0"
            else:
                reply.headers.pop("Content-Length", None)
        reply.headers["X-Trans-Id"] = trans_id
        reply.headers["X-Openstack-Request-Id"] = trans_id
        reply.headers.setdefault("Date", formatdate(usegmt=True))
        return reply

    def _write_reply_type(self, request: Request, reply: Reply) -> None:
        """RGW: an empty write reply's type is the format the client asked for."""
        if (
            self.flavor.write_reply_type_follows_format
            and request.method in ("PUT", "POST", "DELETE")
            and reply.headers.get("Content-Type") == self.flavor.write_reply_content_type
            and not reply.body
        ):
            wanted = rgw_format(request)
            if wanted != "text/plain":
                reply.headers["Content-Type"] = f"{wanted}; charset=utf-8"

    def _finish_error(self, request: Request, reply: Reply, trans_id: str) -> None:
        """Give an error reply the format, headers and length the flavor gives it."""
        wanted = _wanted_format(request)
        as_document = (
            self.flavor.bulk_upload_errors_are_documents and "extract-archive" in request.query
        )
        if (
            self.flavor.error_bodies_follow_format
            and reply.error_code
            and (wanted != "text" or as_document)
        ):
            bucket = None
            if reply.status != 401 and level(request) in ("container", "object"):
                container_part = request.path[len(API_PREFIX) :].split("/")[1]
                bucket = unquote(container_part)
            document = self.flavor.error_document(reply.error_code, bucket, trans_id)
            if wanted == "text":
                fields = (f"{key}: {value}" for key, value in document.items())
                body = "\n".join(fields).encode()
                wanted = "plain"
            elif wanted == "json":
                body = json.dumps(document, separators=self.flavor.json_separators).encode()
            else:
                fields = "".join(f"<{key}>{value}</{key}>" for key, value in document.items())
                body = f'<?xml version="1.0" encoding="UTF-8"?><Error>{fields}</Error>'.encode()
            reply.body = body
            kind = "text" if wanted == "plain" else "application"
            reply.headers["Content-Type"] = f"{kind}/{wanted}; charset=utf-8"
            reply.headers.pop("Content-Length", None)
        if reply.status == 401 and self.flavor.www_authenticate_on_401:
            reply.headers["Www-Authenticate"] = f'Swift realm="{_realm(request.path)}", ' + (
                f'Keystone uri="{AUTH_URL}"'
            )
        if self.flavor.accept_ranges_on_errors:
            reply.headers.setdefault("Accept-Ranges", "bytes")
        if request.method == "HEAD" and self.flavor.head_errors_have_zero_length:
            reply.body = b""
            reply.headers.pop("Content-Length", None)


class Router(Layer):
    """Answers ``/info``, and reads the account, container and object a path names."""

    def handle(self, request: Request) -> Reply:
        if request.path in self.flavor.info_paths:
            if request.method not in ("GET", "HEAD"):
                return self.error(405, "MethodNotAllowed")
            return json_reply(200, self.flavor.info)
        if (
            request.path.rstrip("/") == API_PREFIX.rstrip("/")
            and self.flavor.version_path_is_bad_url
        ):
            return self.error(412, "PreconditionFailed", "Bad URL")  # no account
        if not request.path.startswith(API_PREFIX):
            return self.error(404, "NoSuchBucket")
        account_part, _, remainder = request.path[len(API_PREFIX) :].partition("/")
        project_id = account_part.removeprefix("AUTH_")
        if not project_id:
            return self.error(404, "NoSuchBucket")
        if project_id == account_part and not self.flavor.account_prefix_optional:
            # Swift: an account outside the AUTH_ prefix is no project's; a token may not
            # use it.
            token_id = request.headers.get("x-auth-token")
            return self.error(403 if self.state.valid_token(token_id) else 401, "AccessDenied")
        container_part, _, object_part = remainder.partition("/")
        container_name = self._path_name(container_part, "InvalidBucketName", container=True)
        object_name = self._path_name(object_part, "InvalidObjectName")
        # RGW checks the names before it looks at the token.
        if container_name and self.flavor.container_name_checked_on_every_request:
            self.check_container_name(container_name)
        if object_name and self.flavor.object_name_checked_on_every_request:
            self.check_object_name(object_name)
        request.environ[TARGET] = Target(project_id, container_name, object_name)
        return self.app(request)

    def _path_name(self, part: str, s3_code: str, container: bool = False) -> str:
        """A percent-encoded path segment as a name; refused when it is not UTF-8."""
        raw = unquote_to_bytes(part)
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            name = None
        if name is None or "\x00" in name:
            if self.flavor.invalid_utf8_path_is_precondition_failed:
                detail = "Invalid UTF8 or contains NULL"
                raise Refusal(self.error(412, "PreconditionFailed", detail))
            rgw_utf8_check = container and self.flavor.invalid_utf8_container_is_412
            if rgw_utf8_check and name is None and b"\xff" not in raw:
                raise Refusal(self.error(412, "PreconditionFailed", "Invalid UTF8"))
            raise Refusal(self.error(400, s3_code))
        return name


class Controllers(Layer):
    """The end of the pipeline: the account, container or object controller."""

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self._account = AccountController(shared)
        self._container = ContainerController(shared)
        self._object = ObjectController(shared)

    def handle(self, request: Request) -> Reply:
        target = target_of(request)
        if not target.container:
            return self._account(request)
        if not target.object:
            return self._container(request)
        return self._object(request)


def _realm(path: str) -> str:
    """The realm of a 401 as Swift names it: the account segment of the path."""
    account = path[len(API_PREFIX) :].split("/")[0] if path.startswith(API_PREFIX) else ""
    return quote(unquote(account)) if account else "unknown"


def _wanted_format(request: Request) -> str:
    """ "json", "xml" or "text": what ?format= or else Accept asks for."""
    fmt = request.query.get("format", "").lower()
    if fmt in ("json", "xml"):
        return fmt
    if not fmt:
        accept = request.headers.get("accept", "")
        if "application/json" in accept:
            return "json"
        if "application/xml" in accept or "text/xml" in accept:
            return "xml"
    return "text"
