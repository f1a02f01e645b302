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
from .common import API_PREFIX, TEMP_URL_SCOPE, Layer, Refusal, target_of

# Headers Swift drops from a request a temp URL lets in.
REMOVED_HEADERS = ("x-timestamp", "x-open-expired")
TEMP_URL_PARAMETERS = frozenset(
    {"temp_url_sig", "temp_url_expires", "temp_url_prefix", "filename", "inline"}
)


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
        request.environ[TEMP_URL_SCOPE] = self._check(request, temp_url)
        refused = self._clean(request)
        if refused is not None:
            return refused
        reply = self.app(request)
        self._finish(request, reply, temp_url)
        return reply

    def _check(self, request: Request, temp_url: TempUrl) -> tuple[str, str | None]:
        """What the key that signed the request reaches: its project, and its container
        for a container's key (None for the account's); a refusal when no key signed it."""
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
        # Swift: a prefix URL with an empty prefix reaches the container itself too, for
        # GETs and HEADs (a static web listing of it, see staticweb.py).
        root = request.method in ("GET", "HEAD") and temp_url.prefix == ""
        if not object_name and not (root and not self.flavor.static_web_as_rgw):
            raise self._refused(bad)
        with self.state.lock:
            account = self.state.accounts.get(project_id)
            metadata = dict(account.metadata) if account else {}
            container = account.containers.get(container_name) if account else None
            scopes = [(metadata, None)]
            if container is not None and self.flavor.temp_url_container_keys:
                scopes.append((dict(container.metadata), container_name))
        path = unquote(request.path)
        if temp_url.prefix is not None:
            if not object_name.startswith(temp_url.prefix):
                raise self._refused(bad)
            folder = path[: len(path) - len(object_name)] if object_name else path.rstrip("/") + "/"
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
        if self.flavor.temp_url_signs_normalized_expiry:
            expires_text = str(expires)  # an ISO 8601 expiry is signed as a Unix time
        for source, scope in scopes:
            keys = [source[name] for name in ("temp-url-key", "temp-url-key-2") if source.get(name)]
            base64_allowed = self.flavor.temp_url_base64_signatures
            if signature_matches(
                signature, digests, keys, methods, paths, expires_text, base64_allowed
            ):
                return project_id, scope
        raise self._refused(bad)

    def _clean(self, request: Request) -> Reply | None:
        """Swift's cleaning of a request a temp URL let in: the headers that would point
        at other data are refused on writes, a few others dropped, and of the query only
        the temp URL's own parameters are kept."""
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            for name in self.flavor.temp_url_refused_headers:
                if name in request.headers:
                    shown = "-".join(part.title() for part in name.split("-"))
                    detail = f"The header {shown!r} is not allowed in this tempurl"
                    return self.error(400, "InvalidArgument", None if self.s3 else detail)
        if not self.flavor.temp_url_cleans_requests:
            return None
        for name in REMOVED_HEADERS:
            request.headers.pop(name, None)
        request.query = {k: v for k, v in request.query.items() if k in TEMP_URL_PARAMETERS}
        return None

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
