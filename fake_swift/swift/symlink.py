"""Symlinks, as Swift's ``symlink`` middleware keeps them: an empty object whose
``X-Symlink-Target: <container>/<object>`` (and ``X-Symlink-Target-Account``) points at
another. A GET or HEAD follows it (as the client, up to ``symloop_max`` links) and says
where it ended (``Content-Location``); ``?symlink=get`` reads the link itself. A static
link (``X-Symlink-Target-Etag``) names its target's ETag, checked when it is made and
when it is followed. A POST to a link is answered with a redirect to its target;
listings show where links point.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote, unquote

from ..messages import Reply, Request
from ..state import Account, StoredObject, SymlinkTarget
from .common import (
    API_PREFIX,
    CONTENT_LOCATION,
    SYMLINK,
    Layer,
    Refusal,
    Target,
    access_of,
    split_object_path,
    target_of,
)

SYMLOOP_MAX = 2
EMPTY_MD5 = hashlib.md5(b"").hexdigest()
_TARGET_FORM = "X-Symlink-Target header must be of the form <container name>/<object name>"


def symlink_path(link: SymlinkTarget, own_project: str) -> str:
    """Where a link points, as Swift's listings, Content-Location and Location name it:
    under the API's own path (Swift's is /v1; the fake's, as Allas', /swift/v1)."""
    account = link.account or f"AUTH_{own_project}"
    return f"{API_PREFIX}{account}/{link.target}"


def _text_refusal(layer: Layer, status: int, detail: str, location: str | None = None) -> Refusal:
    code = {400: "InvalidArgument", 409: "Conflict", 412: "PreconditionFailed"}[status]
    reply = layer.error(status, code, detail)
    reply.headers["Content-Type"] = "text/plain"
    if location is not None:
        reply.headers["Content-Location"] = location
    return Refusal(reply)


class SymlinkMiddleware(Layer):
    """Makes symlinks, redirects POSTs to them, and says where a followed read ended."""

    def handle(self, request: Request) -> Reply:
        target = target_of(request)
        if not self.flavor.symlinks or not target.object:
            return self.app(request)
        if request.method == "PUT" and "x-symlink-target" in request.headers:
            self._check_put(request, target)
        elif request.method == "POST":
            if "x-symlink-target" in request.headers:
                detail = "A PUT request is required to set a symlink target"
                raise _text_refusal(self, 400, detail)
            return self._post(request, target)
        try:
            reply = self.app(request)
        except Refusal as refusal:
            self._locate(request, refusal.reply)
            raise
        self._locate(request, reply)
        return reply

    @staticmethod
    def _locate(request: Request, reply: Reply) -> None:
        location = request.environ.get(CONTENT_LOCATION)
        if location is not None:
            reply.headers.setdefault("Content-Location", location)

    def _check_put(self, request: Request, target: Target) -> None:
        """A symlink PUT, checked as Swift checks it; its headers made ready for the
        object controller, which stores the link."""
        headers = request.headers
        length = headers.get("content-length")
        if length not in (None, "", "0") or (length is None and any(request.body)):
            raise _text_refusal(self, 400, "Symlink requests require a zero byte body")
        raw = headers["x-symlink-target"]
        if unquote(raw).startswith("/"):
            raise _text_refusal(self, 412, _TARGET_FORM)
        try:
            container, name = split_object_path(raw)
        except ValueError:
            raise _text_refusal(self, 412, _TARGET_FORM) from None
        account = headers.get("x-symlink-target-account")
        if account is not None:
            account = unquote(account)
            if not account:
                raise _text_refusal(self, 412, "Account name cannot be empty")
            if "/" in account:
                raise _text_refusal(self, 412, "Account name cannot contain slashes")
        project = account.removeprefix("AUTH_") if account else target.project_id
        if (project, container, name) == (target.project_id, target.container, target.object):
            raise _text_refusal(self, 400, "Symlink cannot target itself")
        etag = headers.get("x-symlink-target-etag")
        etag = etag.strip().strip('"') if etag is not None else None
        if etag and any(c in etag for c in ';"\\'):
            raise _text_refusal(self, 400, "Bad X-Symlink-Target-Etag format")
        link = SymlinkTarget(quote(f"{container}/{name}"), account, etag or None)
        if link.etag:
            link = self._static(request, link, project, container, name)
        elif not headers.get("content-type"):
            headers["content-type"] = "application/symlink"
        request.environ[SYMLINK] = link

    def _static(
        self, request: Request, link: SymlinkTarget, project: str, container: str, name: str
    ) -> SymlinkTarget:
        """A static link: its target must be there, with the ETag the link names (a HEAD
        as the client that follows static links only); it takes the target's size."""
        location = symlink_path(link, target_of(request).project_id)
        access = self.authorized(request, "HEAD", Target(project, container, name))
        found = self._lookup(access.account, container, name)
        if found is None:
            raise _text_refusal(self, 409, "X-Symlink-Target does not exist", location)
        account = access.account
        while found.symlink is not None and found.symlink.etag:
            if found.symlink.etag != link.etag:
                detail = "X-Symlink-Target-Etag headers do not match"
                raise _text_refusal(self, 409, detail, location)
            next_project = (found.symlink.account or f"AUTH_{account.project_id}").removeprefix(
                "AUTH_"
            )
            next_container, next_name = split_object_path(found.symlink.target)
            location = symlink_path(found.symlink, account.project_id)
            if not found.symlink.versions:  # object versioning's own links are let through
                hop = Target(next_project, next_container, next_name)
                account = self.authorized(request, "HEAD", hop).account
            found = self._lookup(account, next_container, next_name)
            if found is None:
                raise _text_refusal(self, 409, "X-Symlink-Target does not exist", location)
        if found.etag != link.etag:
            detail = (
                f"Object Etag {found.etag!r} does not match "
                f"X-Symlink-Target-Etag header {link.etag!r}"
            )
            raise _text_refusal(self, 409, detail, location)
        if not request.headers.get("content-type"):
            request.headers["content-type"] = found.content_type
        slo_etag = f'"{found.slo_etag}"' if found.is_slo else None
        return SymlinkTarget(link.target, link.account, link.etag, found.content_length, slo_etag)

    def _lookup(self, account: Account, container_name: str, name: str) -> StoredObject | None:
        with self.state.lock:
            container = account.containers.get(container_name)
            obj = container.objects.get(name) if container else None
        return None if obj is None or obj.expired() else obj

    def _post(self, request: Request, target: Target) -> Reply:
        """A POST applies to the link itself, and is then redirected to its target."""
        reply = self.app(request)
        account = access_of(request).account
        with self.state.lock:
            container = account.containers.get(target.container)
            obj = container.objects.get(target.object) if container else None
        if reply.status >= 300 or obj is None or obj.symlink is None:
            return reply
        headers = {"Location": symlink_path(obj.symlink, account.project_id)}
        if obj.symlink.etag:
            headers["X-Symlink-Target-Etag"] = obj.symlink.etag
        detail = (
            "The requested POST was applied to a symlink. POST directly to the target to "
            "apply requested metadata."
        )
        redirect = self.error(307, "TemporaryRedirect", detail)
        redirect.headers.update(headers)
        return redirect

    def follow(
        self, request: Request | None, account: Account, link: StoredObject
    ) -> tuple[StoredObject, Account]:
        """The object a read of ``link`` ends at, and its account; read as the client of
        ``request`` (None: a large object's segment, whose reading was checked before)."""
        count = 0
        expected: str | None = None
        current = link
        while current.symlink is not None:
            pointer = current.symlink
            found_etag = pointer.etag or current.etag
            location = symlink_path(pointer, account.project_id)
            if expected and expected != found_etag:
                detail = "X-Symlink-Target-Etag headers do not match"
                raise _text_refusal(self, 409, detail, location)
            if count >= SYMLOOP_MAX:
                detail = f"Too many levels of symbolic links, maximum allowed is {SYMLOOP_MAX}"
                raise _text_refusal(self, 409, detail)
            # Object versioning's links neither count nor are authorized: the client
            # cannot name their hidden container, the middleware vouches for them.
            count += 0 if pointer.versions else 1
            project = (pointer.account or f"AUTH_{account.project_id}").removeprefix("AUTH_")
            container, name = split_object_path(pointer.target)
            if request is None:
                account = self.state.account(project)
            else:
                request.environ[CONTENT_LOCATION] = location
                if not pointer.versions:
                    hop = Target(project, container, name)
                    account = self.authorized(request, request.method, hop).account
            found = self._lookup(account, container, name)
            if found is None:
                raise self.not_found("object")
            expected = pointer.etag
            current = found
        if expected and expected != current.etag:
            detail = (
                f"Object Etag {current.etag!r} does not match "
                f"X-Symlink-Target-Etag header {expected!r}"
            )
            where = request.environ.get(CONTENT_LOCATION) if request is not None else None
            raise _text_refusal(self, 409, detail, where)
        return current, account
