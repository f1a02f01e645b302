"""Temporary URLs, as Swift's ``tempurl`` middleware (and RGW's TempURL engine) check
them: a request signed with the account's (or, on Swift, the container's) key, let in
without a token until it expires, and the headers its replies carry.
"""

from __future__ import annotations

import time
from email.utils import formatdate
from urllib.parse import unquote

from ..access import (
    TempUrl,
    content_disposition,
    expiry_time,
    signature_matches,
    signing_methods,
    temp_url_query,
)
from ..messages import Reply, Request
from .common import ACCESS, API_PREFIX, Access, Layer, Refusal, target_of


def without_api_mount(path: str) -> str:
    """``/swift/v1/...`` as ``/v1/...``: the path a client may sign for a temp URL."""
    mount = API_PREFIX[: -len("v1/")]
    return path[len(mount) - 1 :] if path.startswith(mount) else path


class TempUrlMiddleware(Layer):
    """Lets in a request whose query carries a valid temp URL signature."""

    def handle(self, request: Request) -> Reply:
        temp_url = temp_url_query(request.query)
        if not (
            temp_url.complete or (temp_url.present and self.flavor.temp_url_incomplete_is_invalid)
        ):
            return self.app(request)
        project_id = self._check(request, temp_url)
        request.environ[ACCESS] = Access(self.state.account(project_id), owner=False)
        reply = self.app(request)
        self._finish(request, reply, temp_url)
        return reply

    def _check(self, request: Request, temp_url: TempUrl) -> str:
        """The project whose key signed the request; a refusal when none did."""
        target = target_of(request)
        project_id, container_name, object_name = (
            target.project_id,
            target.container,
            target.object,
        )
        expires = expiry_time(temp_url.expires or "")
        if not temp_url.complete or expires is None or expires <= time.time():
            raise self._refused(401)
        bad = self.flavor.temp_url_bad_signature_status
        if not object_name:
            raise self._refused(bad)
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
                raise self._refused(bad)
            folder = path[: len(path) - len(object_name)]
            candidates = [folder]
            if not self.flavor.temp_url_prefix_signed_with_api_prefix:
                candidates.append(without_api_mount(folder))
            paths = [f"prefix:{folder}{temp_url.prefix}" for folder in candidates]
        else:
            paths = [path, without_api_mount(path)]
        methods = signing_methods(request.method)
        digests = self.flavor.temp_url_digests
        signature = temp_url.signature or ""
        expires_text = temp_url.expires or ""
        if not signature_matches(signature, digests, keys, methods, paths, expires_text):
            raise self._refused(bad)
        return project_id

    def _refused(self, status: int) -> Refusal:
        detail = self.flavor.temp_url_invalid_detail
        return Refusal(self.error(status, "AccessDenied", detail))

    def _finish(self, request: Request, reply: Reply, temp_url: TempUrl) -> None:
        """A temp URL GET or HEAD names a download file name (and Swift its expiry)."""
        if request.method not in ("GET", "HEAD") or reply.status >= 300:
            return
        object_name = target_of(request).object
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
