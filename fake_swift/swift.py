"""Swift API semantics: a :class:`Request` in, a :class:`Reply` out. No HTTP library here."""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from urllib.parse import quote, unquote, unquote_to_bytes

from .access import (
    AclError,
    Requester,
    TempUrl,
    acl_allows,
    clean_acl,
    content_disposition,
    expiry_time,
    signature_matches,
    signing_methods,
    temp_url_query,
)
from .flavors import (
    MAX_DELETES_PER_REQUEST,
    MAX_MANIFEST_SEGMENTS,
    MAX_OBJECT_NAME_LENGTH,
    Flavor,
)
from .listings import (
    LimitError,
    listing_limit,
    listing_reply,
    listing_type,
    names_with_prefix,
    select_names,
)
from .messages import Reply, Request, json_reply
from .metadata import (
    MetadataProblem,
    meta_header_name,
    metadata_problem,
    object_metadata,
    stored_metadata_problem,
    update_metadata,
)
from .ranges import UNSATISFIABLE, parse_ranges
from .state import (
    EMPTY_BODY,
    Account,
    Body,
    Container,
    EntityTooLarge,
    FakeState,
    MemoryBody,
    Project,
    SloSegment,
    StoredObject,
    Token,
)

API_PREFIX = "/swift/v1/"
CHUNK_SIZE = 65536
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
# An HTTP token (RFC 9110 tchar), what a header name is made of.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def http_date(timestamp: float) -> str:
    """``Last-Modified`` style date; Swift rounds up to the next whole second."""
    return formatdate(math.ceil(timestamp), usegmt=True)


def x_timestamp(timestamp: float) -> str:
    return f"{timestamp:.5f}"


def _is_true(value: str | None) -> bool:
    return (value or "").strip().lower() in _TRUE_VALUES


@dataclass(frozen=True)
class _Part:
    """A piece of an object's content: a stored body and its size."""

    body: Body
    size: int


@dataclass(frozen=True)
class _Content:
    """What a GET of an object returns: its parts, total size and ETag header value."""

    parts: list[_Part]
    size: int
    etag: str
    headers: dict[str, str]


@dataclass(frozen=True)
class _Access:
    """Whose account a request works on, and in what right."""

    account_id: str
    owner: bool  # the account's own token (else an ACL or a temp URL let it in)
    temp_url: TempUrl | None = None


# Headers only the owner of a container is shown (Swift).
_OWNER_ONLY_HEADERS = (
    "X-Container-Read",
    "X-Container-Write",
    "X-Container-Meta-Temp-Url-Key",
    "X-Container-Meta-Temp-Url-Key-2",
)


class _Refusal(Exception):
    """Stops handling a request with a prepared error reply."""

    def __init__(self, reply: Reply, bare: bool = False) -> None:
        super().__init__(reply.status)
        self.reply = reply
        # Sent as it is: the HTTP front end (not the storage service) refused the request.
        self.bare = bare


def _stored_object_headers(obj: StoredObject) -> dict[str, str]:
    """The headers every read of a stored object carries: times, ranges, user metadata."""
    headers = {
        "Last-Modified": http_date(obj.last_modified),
        "X-Timestamp": x_timestamp(obj.last_modified),
        "Accept-Ranges": "bytes",
    }
    for key, value in obj.metadata.items():
        headers[meta_header_name("X-Object-Meta-", key)] = value
    return headers


class Swift:
    """The object-storage service of the fake, answering as ``flavor`` does."""

    def __init__(self, state: FakeState, flavor: Flavor) -> None:
        self.state = state
        self.flavor = flavor
        # The tokens storage has checked at Keystone, kept until they expire (RGW's cache).
        self._checked_tokens: set[str] = set()

    def handle(self, request: Request) -> Reply:
        """Answer one request addressed to the storage host."""
        if self.flavor.header_names_must_be_tokens and not all(
            _TOKEN.fullmatch(name) for name in request.headers
        ):
            # The HTTP front end refuses it: a bare 400, no body, no ids.
            return Reply(400, {"Content-Length": "0"})
        try:
            reply = self._route(request)
        except _Refusal as refusal:
            if refusal.bare:
                return refusal.reply
            reply = refusal.reply
        trans_id = self.flavor.new_trans_id()
        if reply.status >= 400:
            self._finish_error(request, reply, trans_id)
        elif _level(request) and f"{request.method} {_level(request)}" in (
            self.flavor.accept_ranges_on_writes
        ):
            reply.headers["Accept-Ranges"] = "bytes"
        if reply.status in (204, 304):
            if self.flavor.bodiless_replies_have_length:
                reply.headers["Content-Length"] = "0"
            else:
                reply.headers.pop("Content-Length", None)
        reply.headers["X-Trans-Id"] = trans_id
        reply.headers["X-Openstack-Request-Id"] = trans_id
        reply.headers.setdefault("Date", formatdate(usegmt=True))
        return reply

    def _finish_error(self, request: Request, reply: Reply, trans_id: str) -> None:
        """Give an error reply the format, headers and length the flavor gives it."""
        wanted = _wanted_format(request)
        if self.flavor.error_bodies_follow_format and reply.error_code and wanted != "text":
            bucket = None
            if reply.status != 401 and _level(request) in ("container", "object"):
                container_part = request.path[len(API_PREFIX) :].split("/")[1]
                bucket = unquote(container_part)
            document = self.flavor.error_document(reply.error_code, bucket, trans_id)
            if wanted == "json":
                body = json.dumps(document, separators=self.flavor.json_separators).encode()
            else:
                fields = "".join(f"<{key}>{value}</{key}>" for key, value in document.items())
                body = f'<?xml version="1.0" encoding="UTF-8"?><Error>{fields}</Error>'.encode()
            reply.body = body
            reply.headers["Content-Type"] = f"application/{wanted}; charset=utf-8"
            reply.headers.pop("Content-Length", None)
        if self.flavor.accept_ranges_on_errors:
            reply.headers.setdefault("Accept-Ranges", "bytes")
        if request.method == "HEAD" and self.flavor.head_errors_have_zero_length:
            reply.body = b""
            reply.headers.pop("Content-Length", None)

    # routing and access

    def _route(self, request: Request) -> Reply:
        if request.path in self.flavor.info_paths:
            if request.method not in ("GET", "HEAD"):
                return self._error(405, "MethodNotAllowed")
            return json_reply(200, self.flavor.info)
        if not request.path.startswith(API_PREFIX):
            return self._error(404, "NoSuchBucket")
        account_part, _, remainder = request.path[len(API_PREFIX) :].partition("/")
        project_id = account_part.removeprefix("AUTH_")
        if not project_id:
            return self._error(404, "NoSuchBucket")
        if project_id == account_part and not self.flavor.account_prefix_optional:
            # Swift: an account outside the AUTH_ prefix is no project's; a token may not
            # use it.
            token_id = request.headers.get("x-auth-token")
            return self._error(403 if self.state.valid_token(token_id) else 401, "AccessDenied")
        container_part, _, object_part = remainder.partition("/")
        container_name = self._path_name(container_part, "InvalidBucketName")
        object_name = self._path_name(object_part, "InvalidObjectName")
        # RGW checks the names before it looks at the token.
        if container_name and self.flavor.container_name_checked_on_every_request:
            self._check_container_name(container_name)
        if object_name and self.flavor.object_name_checked_on_every_request:
            self._check_object_name(object_name)
        access = self._authorize(request, project_id, container_name, object_name)
        account = self.state.account(access.account_id)
        reply = self._dispatch(request, account, container_name, object_name)
        if not access.owner and self.flavor.acl_headers_shown_to_owner_only:
            for name in _OWNER_ONLY_HEADERS:
                reply.headers.pop(name, None)
        if access.temp_url is not None:
            self._finish_temp_url(request, reply, access.temp_url, object_name)
        return reply

    def _dispatch(
        self, request: Request, account: Account, container_name: str, object_name: str
    ) -> Reply:
        method = request.method
        if not container_name:
            handler = {
                "GET": self._get_account,
                "HEAD": self._head_account,
                "POST": self._post_account,
                "DELETE": self._delete_account,
            }.get(method)
            return handler(request, account) if handler else self._error(405, "MethodNotAllowed")
        if not object_name:
            handler = {
                "PUT": self._put_container,
                "GET": self._get_container,
                "HEAD": self._head_container,
                "POST": self._post_container,
                "DELETE": self._delete_container,
            }.get(method)
            if handler is None:
                return self._error(405, "MethodNotAllowed")
            return handler(request, account, container_name)
        handler = {
            "PUT": self._put_object,
            "GET": self._get_object,
            "HEAD": self._get_object,
            "POST": self._post_object,
            "DELETE": self._delete_object,
            "COPY": self._copy_method,
        }.get(method)
        if handler is None:
            return self._error(405, "MethodNotAllowed")
        return handler(request, account, container_name, object_name)

    def _path_name(self, part: str, s3_code: str) -> str:
        """A percent-encoded path segment as a name; refused when it is not UTF-8."""
        raw = unquote_to_bytes(part)
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            name = None
        if name is None or "\x00" in name:
            if self.flavor.invalid_utf8_path_is_precondition_failed:
                detail = "Invalid UTF8 or contains NULL"
                raise _Refusal(self._error(412, "PreconditionFailed", detail))
            raise _Refusal(self._error(400, s3_code))
        return name

    def _check_container_name(self, name: str) -> None:
        too_short = len(name) < self.flavor.min_container_name_length
        if too_short or (
            name.startswith(".") and not self.flavor.container_name_may_start_with_dot
        ):
            raise _Refusal(self._error(400, "InvalidBucketName"))
        limit = self.flavor.max_container_name_length
        length = len(name.encode())
        if length > limit:
            detail = f"Container name length of {length} longer than {limit}"
            raise _Refusal(self._error(400, "InvalidBucketName", detail))

    def _check_object_name(self, name: str) -> None:
        length = len(name.encode()) if self.flavor.object_name_limit_counts_bytes else len(name)
        if length > MAX_OBJECT_NAME_LENGTH:
            detail = f"Object name length of {length} longer than {MAX_OBJECT_NAME_LENGTH}"
            raise _Refusal(self._error(400, "InvalidObjectName", None if self._s3 else detail))

    def _authorize(
        self, request: Request, project_id: str, container_name: str, object_name: str
    ) -> _Access:
        """Whose account the request works on; a refusal when it may not."""
        temp_url = temp_url_query(request.query)
        if temp_url.complete or (temp_url.present and self.flavor.temp_url_incomplete_is_invalid):
            return self._temp_url_access(request, project_id, container_name, object_name)
        token_id = request.headers.get("x-auth-token") or request.headers.get("x-storage-token")
        requester = None
        if not token_id:
            if container_name and self.flavor.anonymous_container_requests_not_found:
                raise self._not_found("container")
        else:
            token = self._checked_token(token_id)
            accepted = self.flavor.accepted_roles
            if token is None or (accepted is not None and not accepted & set(token.roles)):
                raise _Refusal(self._error(401, "AccessDenied"))
            requester = self._requester(token.user_id, token.project_id)
        holder = project_id
        if container_name and self.flavor.container_names_are_global:
            holder = self.state.container_owner(container_name) or project_id
        if requester is not None and requester.project_id == holder:
            return _Access(holder, owner=True)
        if not container_name:
            raise self._denied(requester)
        if not object_name and self._others_put_reaches(
            request, requester, project_id, holder, container_name
        ):
            return _Access(holder, owner=False)
        return self._acl_access(request, holder, container_name, object_name, requester)

    def _checked_token(self, token_id: str) -> Token | None:
        """The token as storage sees it. RGW keeps the tokens it has checked in a cache
        until they expire: revoking one at Keystone does not end it there."""
        token = self.state.valid_token(token_id)
        if token is not None:
            if self.flavor.caches_checked_tokens:
                self._checked_tokens.add(token_id)
            return token
        if token_id in self._checked_tokens:
            return self.state.unexpired_token(token_id)
        return None

    def _others_put_reaches(
        self,
        request: Request,
        requester: Requester | None,
        project_id: str,
        holder: str,
        container_name: str,
    ) -> bool:
        """Whether another project's PUT of an existing container, at its owner's URL,
        goes through as on RGW (see the flavor field)."""
        return (
            self.flavor.others_put_updates_container_metadata
            and requester is not None
            and request.method == "PUT"
            and project_id == holder
            and self.state.container_owner(container_name) == holder
            and not self._sent_acls(request)
            and not self._has_grants(holder, container_name)
        )

    def _has_grants(self, holder: str, container_name: str) -> bool:
        with self.state.lock:
            container = self.state.accounts[holder].containers[container_name]
            return bool(container.read_acl or container.write_acl)

    def _requester(self, user_id: str, project_id: str | None) -> Requester:
        with self.state.lock:
            user = self.state.users.get(user_id)
            project = self.state.projects.get(project_id or "")
        return Requester(
            project_id=project_id or "",
            project_name=project.name if project else "",
            user_id=user_id,
            user_name=user.name if user else "",
        )

    def _denied(self, requester: Requester | None) -> _Refusal:
        if requester is None:
            return _Refusal(self._error(self.flavor.status_without_token, "AccessDenied"))
        return _Refusal(self._error(403, "AccessDenied"))

    def _acl_access(
        self,
        request: Request,
        holder: str,
        container_name: str,
        object_name: str,
        requester: Requester | None,
    ) -> _Access:
        """Another project's (or an anonymous) request, let in by the container's ACLs."""
        with self.state.lock:
            account = self.state.accounts.get(holder)
            container = account.containers.get(container_name) if account else None
            read_acl = container.read_acl if container else ""
            write_acl = container.write_acl if container else ""
        method = request.method
        if container is None:
            if (
                not object_name
                and method == "PUT"
                and requester is not None
                and self.flavor.others_create_containers_in_any_account
            ):
                return _Access(holder, owner=False)
            if self.flavor.missing_container_for_others_not_found and requester is not None:
                raise self._not_found("container")
            raise self._denied(requester)
        if not object_name and method == "PUT":
            if self.flavor.container_names_are_global:
                raise _Refusal(self._error(409, "BucketAlreadyExists"))
            raise self._denied(requester)
        forms = self.flavor.acl_grantee_forms
        referer = request.headers.get("referer")
        if method in ("GET", "HEAD"):
            acl, listing = read_acl, not object_name
        elif object_name and method in ("PUT", "POST", "DELETE", "COPY"):
            acl, listing = write_acl, False
        elif method in ("POST", "DELETE") and self.flavor.write_acl_covers_container:
            acl, listing = write_acl, False
        else:
            raise self._denied(requester)
        grants_listing = self.flavor.referrer_acl_grants_listing
        if not acl_allows(acl, requester, forms, referer, listing, grants_listing):
            raise self._denied(requester)
        return _Access(holder, owner=False)

    # temp URLs

    def _temp_url_access(
        self, request: Request, project_id: str, container_name: str, object_name: str
    ) -> _Access:
        """A request signed with the account's (or container's) temp URL key."""
        temp_url = temp_url_query(request.query)
        expires = expiry_time(temp_url.expires or "")
        if not temp_url.complete or expires is None or expires <= time.time():
            raise self._temp_url_refused(401)
        bad = self.flavor.temp_url_bad_signature_status
        if not object_name:
            raise self._temp_url_refused(bad)
        with self.state.lock:
            account = self.state.accounts.get(project_id)
            metadata = dict(account.metadata) if account else {}
            container = account.containers.get(container_name) if account else None
            if container is not None and self.flavor.temp_url_container_keys:
                keys_from = [metadata, container.metadata]
            else:
                keys_from = [metadata]
        keys = [
            source[name]
            for source in keys_from
            for name in ("temp-url-key", "temp-url-key-2")
            if source.get(name)
        ]
        path = unquote(request.path)
        if temp_url.prefix is not None:
            if not object_name.startswith(temp_url.prefix):
                raise self._temp_url_refused(bad)
            folder = path[: len(path) - len(object_name)]
            candidates = [folder]
            if not self.flavor.temp_url_prefix_signed_with_api_prefix:
                candidates.append(_without_api_mount(folder))
            paths = [f"prefix:{folder}{temp_url.prefix}" for folder in candidates]
        else:
            paths = [path, _without_api_mount(path)]
        methods = signing_methods(request.method)
        digests = self.flavor.temp_url_digests
        signature = temp_url.signature or ""
        expires_text = temp_url.expires or ""
        if not signature_matches(signature, digests, keys, methods, paths, expires_text):
            raise self._temp_url_refused(bad)
        return _Access(project_id, owner=False, temp_url=temp_url)

    def _temp_url_refused(self, status: int) -> _Refusal:
        detail = self.flavor.temp_url_invalid_detail
        return _Refusal(self._error(status, "AccessDenied", detail))

    def _finish_temp_url(
        self, request: Request, reply: Reply, temp_url: TempUrl, object_name: str
    ) -> None:
        """A temp URL GET or HEAD names a download file name (and Swift its expiry)."""
        if request.method not in ("GET", "HEAD") or reply.status >= 300:
            return
        kept = reply.headers.pop("Content-Disposition", None)
        star = self.flavor.temp_url_disposition_has_filename_star
        reply.headers["Content-Disposition"] = content_disposition(
            temp_url, object_name, kept, star
        )
        if self.flavor.temp_url_reply_has_expires:
            reply.headers["Expires"] = formatdate(expiry_time(temp_url.expires or ""), usegmt=True)
        if self.flavor.temp_url_hides_object_metadata:
            for name in list(reply.headers):
                lower = name.lower()
                if lower.startswith("x-object-meta-") and not lower.startswith(
                    "x-object-meta-public-"
                ):
                    del reply.headers[name]

    def _error(self, status: int, s3_code: str, detail: str | None = None) -> Reply:
        body = detail if detail is not None else self.flavor.error_body(status, s3_code)
        return Reply(
            status,
            {"Content-Type": self.flavor.error_content_type},
            body.encode(),
            error_code=self.flavor.error_code(s3_code),
        )

    def _not_found(self, what: str) -> _Refusal:
        return _Refusal(self._error(404, "NoSuchKey" if what == "object" else "NoSuchBucket"))

    def _container(self, account: Account, name: str) -> Container:
        with self.state.lock:
            container = account.containers.get(name)
        if container is None:
            raise self._not_found("container")
        return container

    # account

    def _account_is_made_up(self, account: Account) -> bool:
        """Whether Swift would answer for this account without having stored it yet."""
        return not account.written and not self.flavor.accounts_exist_before_first_write

    def _account_headers(self, account: Account) -> dict[str, str]:
        if self._account_is_made_up(account):
            # Swift's made-up answer for an account with no database yet.
            now = x_timestamp(time.time())
            return {
                "X-Account-Container-Count": "0",
                "X-Account-Object-Count": "0",
                "X-Account-Bytes-Used": "0",
                "X-Timestamp": now,
                "X-Put-Timestamp": now,
            }
        flavor = self.flavor
        with self.state.lock:
            counts = {
                "Container-Count": len(account.containers),
                "Object-Count": account.object_count,
                "Bytes-Used": account.bytes_used,
            }
            if flavor.reports_actual_bytes:
                counts["Bytes-Used-Actual"] = account.bytes_used_actual
            headers = {f"X-Account-{name}": str(value) for name, value in counts.items()}
            if account.containers or flavor.policy_headers_on_empty_account:
                policy = f"X-Account-Storage-Policy-{flavor.storage_policy_title}"
                headers.update({f"{policy}-{k}": str(v) for k, v in counts.items()})
            headers["X-Timestamp"] = x_timestamp(account.created)
            headers["Accept-Ranges"] = "bytes"
            for key, value in account.metadata.items():
                headers[meta_header_name("X-Account-Meta-", key)] = value
        return headers

    def _head_listing_type(self, request: Request) -> str:
        """A HEAD of an account or container names the type its listing would have."""
        wanted = listing_type(request)
        if wanted == "text/xml" and not self.flavor.listing_echoes_text_xml:
            wanted = "application/xml"
        return f"{wanted}; charset=utf-8"

    def _head_account(self, request: Request, account: Account) -> Reply:
        headers = self._account_headers(account)
        headers["Content-Type"] = self._head_listing_type(request)
        # Swift's made-up answer for an account not yet written is a 200.
        return Reply(200 if self._account_is_made_up(account) else 204, headers)

    def _get_account(self, request: Request, account: Account) -> Reply:
        query = dict(request.query)
        if not self.flavor.account_listing_honours_delimiter:
            query.pop("delimiter", None)
        headers = self._account_headers(account)
        limit = self._listing_limit(request, "account", headers)
        with self.state.lock:
            selection = select_names(account.order.names, query, limit)
            entries = []
            for kind, name in selection:
                if kind == "subdir":
                    entries.append({"subdir": name})
                    continue
                container = account.containers[name]
                entry = {
                    "name": name,
                    "count": len(container.objects),
                    "bytes": container.bytes_used,
                }
                if self.flavor.account_listing_has_last_modified:
                    entry["last_modified"] = self.flavor.listing_time(container.last_modified)
                if self.flavor.account_listing_storage_policy is not None:
                    entry["storage_policy"] = self.flavor.account_listing_storage_policy
                entries.append(entry)
        project = self.state.projects.get(account.project_id)
        name = self.flavor.xml_account_name(project or Project(account.project_id, "", ""))
        return listing_reply(self.flavor, request, entries, headers, ("account", name))

    def _post_account(self, request: Request, account: Account) -> Reply:
        if "bulk-delete" in request.query:
            return self._bulk_delete(request, account)
        self._check_metadata(request, "account")
        with self.state.lock:
            account.metadata = self._updated_metadata(account.metadata, request, "account")
            account.written = True
        return Reply(204, {"Content-Type": self.flavor.write_reply_content_type})

    def _delete_account(self, request: Request, account: Account) -> Reply:
        # Both servers take a bulk delete as a DELETE too (rclone sends it so); a plain
        # DELETE of the account is not allowed.
        if "bulk-delete" in request.query:
            return self._bulk_delete(request, account)
        return self._error(405, "MethodNotAllowed")

    def _bulk_delete(self, request: Request, account: Account) -> Reply:
        text = request.read_body().decode("utf-8", errors="replace")
        paths = [unquote(line.strip()) for line in text.splitlines() if line.strip()]
        if len(paths) > MAX_DELETES_PER_REQUEST:
            result = _bulk_result(0, 0, [], "413 Request Entity Too Large")
            return self._bulk_reply(request, result)
        deleted = not_found = 0
        errors: list[list[str]] = []
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
                    if self.flavor.bulk_reports_conflict_as_is:
                        errors.append([quote(f"{container_name}/"), "409 Conflict"])
                    else:
                        errors.append([quote(path), "409 Conflict"])
                else:
                    del account.containers[container_name]
                    account.order.remove(container_name)
                    deleted += 1
        status = "200 OK"
        if errors:
            status = errors[-1][1] if self.flavor.bulk_reports_conflict_as_is else "400 Bad Request"
        return self._bulk_reply(request, _bulk_result(deleted, not_found, errors, status))

    def _bulk_reply(self, request: Request, result: dict) -> Reply:
        """The answer to a bulk delete: JSON if the client accepts it, else text; chunked."""
        keys = self.flavor.bulk_json_keys
        if "json" in request.headers.get("accept", ""):
            ordered = {key: result[key] for key in keys}
            reply = json_reply(200, ordered, separators=self.flavor.json_separators)
            reply.headers["Content-Type"] = self.flavor.bulk_json_content_type
        else:
            newline = self.flavor.bulk_text_ends_with_newline
            lines = [f"{key}: {result[key]}" for key in _BULK_TEXT_KEYS]
            lines.append("Errors:" if newline else "Errors: ")
            lines.extend(", ".join(error) for error in result["Errors"])
            body = ("\n".join(lines) + ("\n" if newline else "")).encode()
            reply = Reply(200, {"Content-Type": self.flavor.bulk_text_content_type}, body)
        reply.headers["Transfer-Encoding"] = "chunked"
        return reply

    # container

    def _container_headers(self, container: Container) -> dict[str, str]:
        with self.state.lock:
            headers = {
                "X-Container-Object-Count": str(len(container.objects)),
                "X-Container-Bytes-Used": str(container.bytes_used),
                "X-Timestamp": x_timestamp(container.created),
                "Last-Modified": http_date(container.last_modified or container.created),
                "Accept-Ranges": "bytes",
            }
            if self.flavor.reports_actual_bytes:
                headers["X-Container-Bytes-Used-Actual"] = str(container.bytes_used_actual)
            headers["X-Storage-Policy"] = self.flavor.storage_policy
            if self.flavor.storage_class:
                headers["X-Storage-Class"] = self.flavor.storage_class
            for key, value in container.metadata.items():
                headers[meta_header_name("X-Container-Meta-", key)] = value
            if container.read_acl:
                headers["X-Container-Read"] = container.read_acl
            if container.write_acl:
                headers["X-Container-Write"] = container.write_acl
        return headers

    def _put_container(self, request: Request, account: Account, name: str) -> Reply:
        self._check_container_name(name)
        self._check_metadata(request, "container")
        self._check_storage_policy(request)
        acls = self._sent_acls(request)
        with self.state.lock:
            container = account.containers.get(name)
            if container is not None:
                metadata = self._updated_metadata(container.metadata, request, "container")
                container.metadata = metadata
                self._apply_acls(container, acls)
                return self._accepted()
            if self.flavor.container_names_are_global:
                owner = self.state.container_owner(name)
                if owner is not None and owner != account.project_id:
                    return self._error(409, "BucketAlreadyExists")
            now = time.time()
            container = Container(name, now, last_modified=now)
            update_metadata(container.metadata, request.headers, "container")
            self._apply_acls(container, acls)
            account.containers[name] = container
            account.order.add(name)
            account.written = True
        return Reply(201, {"Content-Type": self.flavor.write_reply_content_type})

    def _check_storage_policy(self, request: Request) -> None:
        """A container PUT may name the one storage policy there is, and no other."""
        policy = request.headers.get("x-storage-policy")
        if policy is not None and policy != self.flavor.storage_policy:
            if self._s3:
                raise _Refusal(self._error(400, "InvalidLocationConstraint"))
            reply = self._error(
                400, "InvalidLocationConstraint", f"Invalid X-Storage-Policy {policy!r}"
            )
            reply.headers["Content-Type"] = "text/plain"
            raise _Refusal(reply)

    def _sent_acls(self, request: Request) -> dict[str, str]:
        """The ACL headers a container PUT or POST sends, cleaned ("" removes one)."""
        acls = {}
        for header, attribute in (
            ("x-container-read", "read_acl"),
            ("x-container-write", "write_acl"),
        ):
            value = request.headers.get(header)
            if value is None:
                continue
            try:
                acls[attribute] = clean_acl(header, value, self.flavor.acl_kept_as_grants)
            except AclError as refused:
                detail = None if self._s3 else str(refused)
                raise _Refusal(self._error(400, "InvalidArgument", detail)) from None
        return acls

    @staticmethod
    def _apply_acls(container: Container, acls: dict[str, str]) -> None:
        for attribute, value in acls.items():
            setattr(container, attribute, value)

    def _check_metadata(self, request: Request, kind: str, body_etag: str | None = None) -> None:
        """Refuse the request if its metadata breaks the flavor's limits."""
        problem = metadata_problem(self.flavor, request.headers, kind)
        if problem is not None:
            raise _Refusal(self._metadata_error(problem, body_etag))

    def _metadata_error(self, problem: MetadataProblem, body_etag: str | None = None) -> Reply:
        reply = self._error(400, problem.code, None if self._s3 else problem.message)
        if self.flavor.metadata_error_content_type:
            reply.headers["Content-Type"] = self.flavor.metadata_error_content_type
        if body_etag is not None:  # RGW read the body before it looked at the metadata
            reply.headers["Etag"] = body_etag
            reply.headers["Last-Modified"] = http_date(0)
        return reply

    def _updated_metadata(self, metadata: dict[str, str], request: Request, kind: str) -> dict:
        """``metadata`` updated by the request, or a refusal if it would grow too big."""
        updated = dict(metadata)
        update_metadata(updated, request.headers, kind)
        problem = stored_metadata_problem(self.flavor, updated)
        if problem is not None and len(updated) >= len(metadata):
            reply = self._error(400, problem.code, None if self._s3 else problem.message)
            raise _Refusal(reply)
        return updated

    def _accepted(self) -> Reply:
        headers = {"Content-Type": self.flavor.write_reply_content_type}
        return Reply(202, headers, self.flavor.accepted_body)

    @property
    def _s3(self) -> bool:
        return self.flavor.s3_style_error_bodies

    def _head_container(self, request: Request, account: Account, name: str) -> Reply:
        headers = self._container_headers(self._container(account, name))
        headers["Content-Type"] = self._head_listing_type(request)
        return Reply(204, headers)

    def _get_container(self, request: Request, account: Account, name: str) -> Reply:
        container = self._container(account, name)
        limit = self._listing_limit(request, "container", {})
        reverse_allowed = self.flavor.container_listing_honours_reverse
        with self.state.lock:
            selection = select_names(container.order.names, request.query, limit, reverse_allowed)
            entries = []
            for kind, object_name in selection:
                if kind == "subdir":
                    entries.append({"subdir": object_name})
                    continue
                entries.append(self._listing_entry(container.objects[object_name]))
        headers = self._container_headers(container)
        if self.flavor.container_listing_timestamp_is_zero:
            headers["X-Timestamp"] = x_timestamp(0)
        return listing_reply(self.flavor, request, entries, headers, ("container", name))

    def _listing_entry(self, obj: StoredObject) -> dict:
        lists_manifest_json = obj.is_slo and self.flavor.slo_stores_manifest_json
        entry = {
            "name": obj.name,
            "hash": obj.etag,
            "bytes": obj.content_length if lists_manifest_json else obj.size,
        }
        if obj.content_type:
            entry["content_type"] = obj.content_type
        entry["last_modified"] = self.flavor.listing_time(obj.last_modified)
        if lists_manifest_json:
            entry["slo_etag"] = f'"{obj.slo_etag}"'
        return entry

    def _post_container(self, request: Request, account: Account, name: str) -> Reply:
        self._check_metadata(request, "container")
        container = self._container(account, name)
        policy = request.headers.get("x-storage-policy")
        if self.flavor.post_naming_another_policy_conflicts and policy not in (
            None,
            self.flavor.storage_policy,
        ):
            return self._error(409, "BucketAlreadyExists")
        acls = self._sent_acls(request)
        with self.state.lock:
            container.metadata = self._updated_metadata(container.metadata, request, "container")
            self._apply_acls(container, acls)
        return Reply(204, {"Content-Type": self.flavor.write_reply_content_type})

    def _delete_container(self, request: Request, account: Account, name: str) -> Reply:
        with self.state.lock:
            container = account.containers.get(name)
            if container is None:
                raise self._not_found("container")
            if container.objects:
                return self._error(409, "BucketNotEmpty")
            del account.containers[name]
            account.order.remove(name)
        return Reply(204, {"Content-Type": self.flavor.write_reply_content_type})

    # listings

    def _listing_limit(self, request: Request, level: str, headers: dict[str, str]) -> int:
        try:
            return listing_limit(self.flavor, request.query, level)
        except LimitError as refused:
            reply = self._error(refused.status, refused.code, None if self._s3 else refused.detail)
            if level == "account" and self.flavor.listing_limit_error_keeps_account_headers:
                reply.headers["X-Timestamp"] = headers["X-Timestamp"]
                reply.headers["Accept-Ranges"] = "bytes, bytes"  # RGW sends it twice
            raise _Refusal(reply) from None

    # objects: writing

    def _put_object(
        self, request: Request, account: Account, container_name: str, object_name: str
    ) -> Reply:
        self._container(account, container_name)
        self._check_object_name(object_name)
        delete_at = self._delete_at(request)
        late = self.flavor.metadata_checked_after_body
        problem = metadata_problem(self.flavor, request.headers, "object")
        # RGW refuses an empty metadata name at once, long ones after reading the body.
        if problem is not None and not (late and problem.code != "InvalidArgument"):
            return self._metadata_error(problem)
        copy_from = request.headers.get("x-copy-from")
        if copy_from is not None:
            source_container, source_name = self._object_path(copy_from, "X-Copy-From")
            return self._copy(
                request,
                account,
                source_container,
                source_name,
                account,
                container_name,
                object_name,
            )
        manifest = request.headers.get("x-object-manifest")
        if manifest is not None and "/" not in manifest.lstrip("/"):
            detail = "X-Object-Manifest must be in the format container/prefix"
            reply = self._error(400, "InvalidArgument", None if self._s3 else detail)
            if self.flavor.manifest_error_has_empty_etag:
                reply.headers["Etag"] = hashlib.md5(b"").hexdigest()
                reply.headers["Last-Modified"] = http_date(0)
            return reply
        if request.query.get("multipart-manifest") == "put":
            return self._put_slo(request, account, container_name, object_name)
        if self.flavor.put_honours_if_none_match and request.headers.get("if-none-match"):
            self._check_put_if_none_match(request, account, container_name, object_name)
        max_size = self.flavor.max_file_size
        self._check_length(request, max_size)
        try:
            body, size, md5 = self.state.bodies.write(request.body, max_size)
        except EntityTooLarge:
            return self._error(413, "EntityTooLarge")
        if problem is not None:
            self.state.bodies.discard(body)
            return self._metadata_error(problem, md5)
        sent_etag = request.headers.get("etag", "").strip().strip('"').lower()
        if sent_etag and sent_etag != md5:
            self.state.bodies.discard(body)
            return self._bad_digest(md5)
        obj = StoredObject(
            name=object_name,
            body=body,
            size=size,
            etag=md5,
            content_type=self._content_type(request, object_name),
            last_modified=time.time(),
            metadata=object_metadata(request.headers),
            extra_headers=_kept_headers(request.headers),
            dlo_manifest=request.headers.get("x-object-manifest"),
            delete_at=delete_at,
        )
        self._store(account, container_name, obj)
        return Reply(201, self._written_headers(obj, md5))

    def _check_put_if_none_match(
        self, request: Request, account: Account, container_name: str, object_name: str
    ) -> None:
        """Swift's PUT If-None-Match: only "*", refused (412) when the object exists."""
        if request.headers["if-none-match"].strip() != "*":
            raise _Refusal(self._error(400, "InvalidArgument", "If-None-Match only supports *"))
        with self.state.lock:
            container = account.containers.get(container_name)
            exists = container is not None and object_name in container.objects
        if exists:
            raise _Refusal(self._error(412, "PreconditionFailed"))

    def _bad_digest(self, computed_etag: str) -> Reply:
        reply = self._error(422, "BadDigest")
        if self.flavor.bad_digest_has_etag:
            reply.headers["Etag"] = computed_etag
        moment = 0 if self.flavor.bad_digest_last_modified_is_epoch else time.time()
        reply.headers["Last-Modified"] = http_date(moment)
        return reply

    def _object_path(self, path: str, header: str) -> tuple[str, str]:
        try:
            return _split_object_path(path)
        except ValueError:
            detail = f"{header} header must be of the form <container name>/<object name>"
            detail = self.flavor.copy_path_error_detail or detail
            raise _Refusal(self._error(412, "InvalidArgument", detail)) from None

    def _delete_at(self, request: Request) -> float | None:
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
                raise _Refusal(self._plain_error(f"Non-integer {shown}")) from None
            moment = now + value if relative else value
            if (value < 0) if relative else (value < now):
                raise _Refusal(self._plain_error(f"{shown} in past"))
            return float(math.floor(moment))
        return None

    def _plain_error(self, detail: str, status: int = 400, s3_code: str = "InvalidArgument"):
        """Swift's text/plain refusal with its sentence; RGW's error with its code."""
        reply = self._error(status, s3_code, None if self._s3 else detail)
        if self.flavor.plain_error_content_type:
            reply.headers["Content-Type"] = self.flavor.plain_error_content_type
        return reply

    def _check_length(self, request: Request, max_size: int) -> None:
        raw_length = request.headers.get("content-length")
        chunked = "chunked" in request.headers.get("transfer-encoding", "").lower()
        if raw_length is None and not chunked:
            detail = "Missing Content-Length header."
            raise _Refusal(self._plain_error(detail, 411, "MissingContentLength"))
        if raw_length is not None:
            try:
                length = int(raw_length)
            except ValueError:
                # The HTTP front end refuses it: a bare 400, no body, no ids.
                raise _Refusal(Reply(400, {"Content-Length": "0"}), bare=True) from None
            if length > max_size:
                reply = self._error(self.flavor.too_large_status, "EntityTooLarge")
                if self.flavor.too_large_content_type:
                    reply.headers["Content-Type"] = self.flavor.too_large_content_type
                raise _Refusal(reply)

    def _content_type(self, request: Request, object_name: str) -> str:
        """The type to store ("" for none)."""
        sent = request.headers.get("content-type")
        if sent or (sent is not None and not self.flavor.empty_content_type_is_guessed):
            return sent
        guessed = self.flavor.guess_content_type(object_name)
        return guessed or self.flavor.default_content_type or ""

    def _shown_content_type(self, obj: StoredObject) -> str:
        return obj.content_type or self.flavor.unset_content_type_shown_as

    def _store(self, account: Account, container_name: str, obj: StoredObject) -> None:
        with self.state.lock:
            container = account.containers.get(container_name)
            if container is None:  # deleted while the body was being read
                self.state.bodies.discard(obj.body)
                raise self._not_found("container")
            replaced = container.put(obj)
        if replaced is not None:
            self.state.bodies.discard(replaced.body)

    def _written_headers(self, obj: StoredObject, etag: str) -> dict[str, str]:
        return {
            "Etag": etag,
            "Last-Modified": http_date(obj.last_modified),
            "Content-Type": self.flavor.write_reply_content_type,
        }

    def _put_slo(
        self, request: Request, account: Account, container_name: str, object_name: str
    ) -> Reply:
        self._check_length(request, MAX_MANIFEST_BYTES)
        raw_manifest = request.read_body()
        sent_size = len(raw_manifest)
        try:
            entries = json.loads(raw_manifest or b"null")
        except ValueError:
            detail = None if self._s3 else "Manifest must be valid JSON.\n"
            return self._error(400, "InvalidArgument" if self._s3 else "MalformedManifest", detail)
        # An empty list is a manifest too: both servers store a zero-byte object.
        if not isinstance(entries, list):
            detail = None if self._s3 else "Manifest must be a list.\n"
            return self._error(400, "InvalidArgument" if self._s3 else "MalformedManifest", detail)
        if len(entries) > MAX_MANIFEST_SEGMENTS:
            # Swift: 413 (its too_large_status); RGW: 400 InvalidArgument.
            detail = f"Number of object-backed segments must be <= {MAX_MANIFEST_SEGMENTS}"
            return self._error(
                self.flavor.too_large_status, "InvalidArgument", None if self._s3 else detail
            )
        segments: list[SloSegment] = []
        problems: list[str] = []
        with self.state.lock:
            for entry in entries:
                path = entry.get("path") if isinstance(entry, dict) else None
                try:
                    if not isinstance(path, str):
                        raise ValueError(path)
                    segment_container, segment_name = _split_object_path(path, unquoted=True)
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
        if problems:
            if self._s3:
                return self._error(400, "InvalidArgument")
            # Swift's SLO middleware streams its verdict: text/plain, chunked.
            reply = self._error(400, "MalformedManifest", "Errors:\n" + "\n".join(problems) + "\n")
            reply.headers["Content-Type"] = self.flavor.plain_error_content_type or "text/plain"
            reply.headers["Transfer-Encoding"] = "chunked"
            return reply
        body, size, md5 = self._stored_manifest(segments, sent_size)
        metadata = object_metadata(request.headers)
        if self.flavor.slo_marked_in_user_metadata:
            metadata["static-large-object"] = "True"
        manifest = StoredObject(
            name=object_name,
            body=body,
            size=size,
            etag=md5,
            content_type=self._content_type(request, object_name),
            last_modified=time.time(),
            metadata=metadata,
            extra_headers=_kept_headers(request.headers),
            slo_segments=segments,
        )
        sent_etag = request.headers.get("etag", "").strip().strip('"').lower()
        if sent_etag and sent_etag != manifest.slo_etag:
            return self._bad_digest(manifest.etag)
        self._store(account, container_name, manifest)
        return Reply(201, self._written_headers(manifest, f'"{manifest.slo_etag}"'))

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

    def _post_object(
        self, request: Request, account: Account, container_name: str, object_name: str
    ) -> Reply:
        late = self.flavor.metadata_checked_after_body
        if not late:
            self._check_metadata(request, "object")
        obj = self._object(account, container_name, object_name)
        if late:
            self._check_metadata(request, "object")
        delete_at = self._delete_at(request)
        with self.state.lock:
            obj.delete_at = delete_at  # a POST without X-Delete-At removes it
            obj.metadata = object_metadata(request.headers)
            obj.extra_headers = _kept_headers(request.headers)
            if request.headers.get("content-type"):
                obj.content_type = request.headers["content-type"]
            obj.last_modified = time.time()
        return self._accepted()

    def _copy_method(
        self, request: Request, account: Account, container_name: str, object_name: str
    ) -> Reply:
        destination = request.headers.get("destination")
        if not destination:
            detail = self.flavor.copy_path_error_detail or "Destination header required"
            return self._error(412, "InvalidArgument", detail)
        target_container, target_name = self._object_path(destination, "Destination")
        return self._copy(
            request, account, container_name, object_name, account, target_container, target_name
        )

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
        source = self._object(source_account, source_container, source_name, expired_ok)
        self._container(target_account, target_container)
        content = self._content(source_account, source)
        try:
            body, size, md5 = self.state.bodies.write(
                _iter_parts(content.parts), self.flavor.max_file_size
            )
        except EntityTooLarge:
            return self._error(413, "EntityTooLarge")
        if _is_true(request.headers.get("x-fresh-metadata")):
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
            extra_headers={**source.extra_headers, **_kept_headers(request.headers)},
        )
        self._store(target_account, target_container, copy)
        headers = self._written_headers(copy, md5)
        if self.flavor.copy_reply_has_object_content_type:
            headers["Content-Type"] = self._shown_content_type(copy)
        for key, value in copy.metadata.items():
            headers[meta_header_name("X-Object-Meta-", key)] = value
        prefix = self.flavor.copied_from_account_prefix
        headers["X-Copied-From-Account"] = f"{prefix}{source_account.project_id}"
        headers["X-Copied-From"] = quote(f"{source_container}/{source_name}")
        headers["X-Copied-From-Last-Modified"] = http_date(source.last_modified)
        return Reply(201, headers)

    def _delete_object(
        self, request: Request, account: Account, container_name: str, object_name: str
    ) -> Reply:
        container = self._container(account, container_name)
        if request.query.get("multipart-manifest") == "delete":
            return self._delete_slo(request, account, container, object_name)
        with self.state.lock:
            removed = container.pop(object_name)
        if removed is None:
            raise self._not_found("object")
        self.state.bodies.discard(removed.body)
        if removed.expired() and self.flavor.delete_of_expired_answers_not_found:
            raise self._not_found("object")
        return Reply(204, {"Content-Type": self.flavor.write_reply_content_type})

    def _delete_slo(
        self, request: Request, account: Account, container: Container, object_name: str
    ) -> Reply:
        not_found = 0
        with self.state.lock:
            manifest = container.pop(object_name)
            if manifest is None:
                raise self._not_found("object")
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
        return self._bulk_reply(request, _bulk_result(len(removed), not_found, [], "200 OK"))

    # objects: reading

    def _object(
        self, account: Account, container_name: str, object_name: str, expired_ok: bool = False
    ) -> StoredObject:
        container = self._container(account, container_name)
        with self.state.lock:
            obj = container.objects.get(object_name)
        if obj is None or (obj.expired() and not expired_ok):
            raise self._not_found("object")
        return obj

    def _get_object(
        self, request: Request, account: Account, container_name: str, object_name: str
    ) -> Reply:
        obj = self._object(account, container_name, object_name)
        if obj.is_slo and request.query.get("multipart-manifest") == "get":
            return self._slo_manifest_reply(obj)
        content = self._content(account, obj)
        headers = {
            "Content-Type": self._shown_content_type(obj),
            "Etag": content.etag,
            **_stored_object_headers(obj),
            **content.headers,
            **{k.title(): v for k, v in obj.extra_headers.items()},
        }
        if obj.delete_at is not None:
            headers["X-Delete-At"] = str(int(obj.delete_at))
        compared = content.etag.strip('"')
        if obj.is_slo and self.flavor.slo_conditions_compare_listed_hash:
            compared = obj.etag
        failed = self._failed_condition(request, compared, obj.last_modified)
        if failed == 412:
            if not self.flavor.precondition_failed_keeps_object_headers:
                return self._error(412, "PreconditionFailed")
            headers.pop("Accept-Ranges")
            headers["Content-Type"] = self.flavor.error_content_type
            return Reply(412, {**headers, "Content-Length": "0"})
        if failed == 304:
            if self.flavor.not_modified_is_bare:
                headers = {
                    "Content-Type": headers["Content-Type"],
                    "Last-Modified": http_date(0),
                    "X-Timestamp": x_timestamp(0),
                    "Accept-Ranges": "bytes",
                }
                if request.headers.get("range"):
                    headers["Content-Range"] = "bytes */0"  # RGW's, for an empty range
            return Reply(304, headers)
        range_header = request.headers.get("range")
        ranges = parse_ranges(range_header, content.size, self.flavor.range_header_style == "rgw")
        if ranges is not None and request.method == "HEAD" and self.flavor.head_ignores_range:
            ranges = None
        if ranges == UNSATISFIABLE:
            if not self.flavor.range_error_keeps_object_headers:
                return self._error(416, "InvalidRange")
            body = self.flavor.error_body(416, "InvalidRange").encode()
            headers["Content-Range"] = f"bytes */{content.size}"
            headers["Content-Length"] = str(len(body))
            return Reply(416, headers, body, error_code="InvalidRange")
        if ranges is None:
            headers["Content-Length"] = str(content.size)
            if range_header and self.flavor.ignored_range_says_content_range and content.size:
                headers["Content-Range"] = f"bytes 0-{content.size - 1}/{content.size}"
            if request.method == "HEAD":
                return Reply(200, headers)
            return Reply(200, headers, _open_content(content.parts))
        if len(ranges) > 1:
            return self._multipart_ranges(request, headers, content, ranges)
        [(start, stop)] = ranges
        headers["Content-Length"] = str(stop - start)
        headers["Content-Range"] = f"bytes {start}-{stop - 1}/{content.size}"
        if request.method == "HEAD":
            return Reply(206, headers)
        return Reply(206, headers, _iter_parts(content.parts, start, stop))

    def _multipart_ranges(
        self, request: Request, headers: dict[str, str], content: _Content, ranges: list
    ) -> Reply:
        """A 206 multipart/byteranges reply, as Swift's swob writes it."""
        boundary = secrets.token_hex(16)
        part_type = headers["Content-Type"]
        heads = [
            f"--{boundary}\r\nContent-Type: {part_type}\r\n"
            f"Content-Range: bytes {start}-{stop - 1}/{content.size}\r\n\r\n".encode()
            for start, stop in ranges
        ]
        tail = f"--{boundary}--".encode()
        length = sum(
            len(head) + stop - start + 2 for head, (start, stop) in zip(heads, ranges, strict=True)
        )
        headers["Content-Type"] = f"multipart/byteranges;boundary={boundary}"
        headers["Content-Length"] = str(length + len(tail))

        def chunks() -> Iterator[bytes]:
            for head, (start, stop) in zip(heads, ranges, strict=True):
                yield head
                yield from _iter_parts(content.parts, start, stop)
                yield b"\r\n"
            yield tail

        if request.method == "HEAD":
            return Reply(206, headers)
        return Reply(206, headers, chunks())

    def _failed_condition(self, request: Request, etag: str, last_modified: float) -> int | None:
        """412 or 304 if the If-* headers say so (RFC 9110's order), else None."""
        headers = request.headers
        if_match = headers.get("if-match")
        if if_match is not None:
            if not self._etag_matches(if_match, etag):
                return 412
        elif headers.get("if-unmodified-since") is not None:
            since = self._http_time(headers["if-unmodified-since"])
            if since is not None and math.ceil(last_modified) > since:
                return 412
        if_none_match = headers.get("if-none-match")
        if if_none_match is not None:
            if self._etag_matches(if_none_match, etag):
                return 304
        elif headers.get("if-modified-since") is not None:
            since = self._http_time(headers["if-modified-since"])
            if since is not None and math.ceil(last_modified) <= since:
                return 304
        return None

    def _etag_matches(self, header: str, etag: str) -> bool:
        if not self.flavor.etag_conditions_take_lists:  # RGW: one ETag, quoted or not
            return header.strip().strip('"') == etag
        candidates = {value.strip().strip('"') for value in header.split(",")}
        return "*" in candidates or etag in candidates

    def _http_time(self, value: str) -> float | None:
        """An HTTP date as a timestamp; None (ignored) or 400 when it is not one."""
        try:
            return parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError, IndexError):
            if self.flavor.bad_http_dates_rejected:
                raise _Refusal(self._error(400, "InvalidArgument")) from None
            return None

    def _content(self, account: Account, obj: StoredObject, depth: int = 0) -> _Content:
        """Resolve ``obj`` into the bodies that make its content (large objects joined)."""
        if depth > 10:
            raise _Refusal(self._error(409, "InvalidManifest", "Too many nested manifests"))
        if obj.slo_segments is not None:
            parts: list[_Part] = []
            for segment in obj.slo_segments:
                with self.state.lock:
                    container = account.containers.get(segment.container)
                    current = container.objects.get(segment.name) if container else None
                if current is None or (
                    self.flavor.slo_segment_etags_checked and current.content_etag != segment.etag
                ):
                    detail = f"Segment {segment.path} is missing or changed"
                    raise _Refusal(self._error(409, "InvalidManifest", detail))
                parts.extend(self._content(account, current, depth + 1).parts)
            headers = {"X-Static-Large-Object": "True"}
            if self.flavor.slo_stores_manifest_json:
                headers["X-Manifest-Etag"] = obj.etag
            return _Content(parts, obj.content_length, f'"{obj.slo_etag}"', headers)
        if obj.dlo_manifest is not None:
            segment_container, prefix = _split_object_path(obj.dlo_manifest, require_name=False)
            with self.state.lock:
                container = account.containers.get(segment_container)
                names = (
                    [] if container is None else names_with_prefix(container.order.names, prefix)
                )
                segments = [container.objects[name] for name in names] if container else []
            parts = [_Part(segment.body, segment.size) for segment in segments]
            joined = "".join(segment.etag for segment in segments)
            etag = f'"{hashlib.md5(joined.encode("ascii")).hexdigest()}"'
            headers = {"X-Object-Manifest": obj.dlo_manifest}
            return _Content(parts, sum(part.size for part in parts), etag, headers)
        return _Content([_Part(obj.body, obj.size)], obj.size, obj.etag, {})

    def _slo_manifest_reply(self, obj: StoredObject) -> Reply:
        if self.flavor.slo_stores_manifest_json:
            kind = {
                "Content-Type": "application/json; charset=utf-8",
                "X-Static-Large-Object": "True",
            }
        else:  # the manifest object as stored: an empty object with its own type
            kind = {"Content-Type": self._shown_content_type(obj)}
        headers = {**kind, "Etag": obj.etag, **_stored_object_headers(obj)}
        if not self.flavor.slo_stores_manifest_json:
            return Reply(200, headers)
        headers["Content-Length"] = str(obj.size)
        return Reply(200, headers, _open_content([_Part(obj.body, obj.size)]))


# helpers without state ------------------------------------------------------------


def _level(request: Request) -> str:
    """What a storage request addresses: "account", "container", "object" (or "")."""
    if not request.path.startswith(API_PREFIX):
        return ""
    parts = request.path[len(API_PREFIX) :].split("/", 2)
    if len(parts) == 1 or not parts[1]:
        return "account"
    if len(parts) == 2 or not parts[2]:
        return "container"
    return "object"


def _without_api_mount(path: str) -> str:
    """``/swift/v1/...`` as ``/v1/...``: the path a client may sign for a temp URL."""
    mount = API_PREFIX[: -len("v1/")]
    return path[len(mount) - 1 :] if path.startswith(mount) else path


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


# The lines of a bulk-delete answer in text, before its errors (both servers).
_BULK_TEXT_KEYS = ("Number Deleted", "Number Not Found", "Response Body", "Response Status")


def _bulk_result(deleted: int, not_found: int, errors: list[list[str]], status: str) -> dict:
    return {
        "Number Deleted": deleted,
        "Number Not Found": not_found,
        "Response Status": status,
        "Errors": errors,
        "Response Body": "",
    }


def _split_object_path(
    path: str, unquoted: bool = False, require_name: bool = True
) -> tuple[str, str]:
    """``/container/object`` (or without the leading slash) as its two names."""
    text = path if unquoted else unquote(path)
    container, _, name = text.lstrip("/").partition("/")
    if not container or (require_name and not name):
        raise ValueError(f"not a /container/object path: {path!r}")
    return container, name


def _kept_headers(headers: dict[str, str]) -> dict[str, str]:
    return {name: headers[name] for name in KEPT_OBJECT_HEADERS if headers.get(name)}


def _open_content(parts: list[_Part]):
    """The body of a full GET: the stored bytes, an open file, or joined chunks."""
    if len(parts) == 1:
        body = parts[0].body
        if isinstance(body, MemoryBody):
            return body.data
        return body.open()
    return _iter_parts(parts)


def _iter_parts(parts: list[_Part], start: int = 0, stop: int | None = None) -> Iterator[bytes]:
    """Stream bytes ``start``..``stop`` of the parts joined, one chunk at a time."""
    if stop is None:
        stop = sum(part.size for part in parts)
    offset = 0
    for part in parts:
        part_start, part_stop = offset, offset + part.size
        offset = part_stop
        if part_stop <= start or part_start >= stop:
            continue
        skip = max(start - part_start, 0)
        remaining = min(stop, part_stop) - part_start - skip
        with part.body.open() as file:
            file.seek(skip)
            while remaining > 0:
                chunk = file.read(min(CHUNK_SIZE, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk
