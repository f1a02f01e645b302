"""Quotas, as Swift's ``account_quotas`` and ``container_quotas`` middlewares keep them:
an account's quota is the reseller's to set, never the account owner's (403); a
container's ``X-Container-Meta-Quota-Bytes`` and ``-Count`` are checked when they are set
and enforced on every object PUT into it (413).
"""

from __future__ import annotations

from ..messages import Reply, Request
from .common import Layer, access_of, http_date, target_of
from .object_versioning import bytes_with_versions


def _account_quota_headers(request: Request, policies: tuple[str, ...]) -> list[str]:
    """The quota headers an account POST or PUT sends (set, or removed with a value)."""
    names = []
    for kind in ("bytes", "count"):
        for tail in ("", *(f"-policy-{policy.lower()}" for policy in policies)):
            names += [f"x-account-quota-{kind}{tail}", f"x-remove-account-quota-{kind}{tail}"]
    names += ["x-account-meta-quota-bytes", "x-remove-account-meta-quota-bytes"]
    sent = []
    for name in names:
        value = request.headers.get(name)
        # An empty X-Remove-* asks for nothing; any other header sent counts, even empty.
        if value is not None and (value or not name.startswith("x-remove-")):
            sent.append(name)
    return sent


class QuotaMiddleware(Layer):
    """Refuses account quota changes and container writes past their quota."""

    def handle(self, request: Request) -> Reply:
        target = target_of(request)
        flavor = self.flavor
        if not target.container:
            if request.method in ("POST", "PUT"):
                sent = _account_quota_headers(request, (flavor.storage_policy,))
                if any(name in flavor.account_quota_headers_refused for name in sent) or (
                    "*" in flavor.account_quota_headers_refused and sent
                ):
                    return self.error(403, "AccessDenied")
            return self.app(request)
        if not target.object and request.method in ("PUT", "POST"):
            for name, kind in (("bytes", "bytes"), ("count", "count")):
                value = request.headers.get(f"x-container-meta-quota-{name}")
                if value and not (value.isascii() and value.isdigit()):
                    detail = None if self.s3 else f"Invalid {kind} quota."
                    return self.error(400, "InvalidArgument", detail)
        elif target.object and request.method == "PUT":
            refused = self._over_quota(request)
            if refused is not None:
                return refused
        return self.app(request)

    def _over_quota(self, request: Request) -> Reply | None:
        target = target_of(request)
        with self.state.lock:
            account = access_of(request).account
            container = account.containers.get(target.container)
            if container is None:
                return None
            metadata = dict(container.metadata)
            used, count = bytes_with_versions(account, container), len(container.objects)
        try:
            length = int(request.headers.get("content-length") or 0)
        except ValueError:
            length = 0
        quota_bytes = metadata.get("quota-bytes", "")
        quota_count = metadata.get("quota-count", "")
        if (quota_bytes.isdigit() and int(quota_bytes) < used + length) or (
            quota_count.isdigit() and int(quota_count) < count + 1
        ):
            detail = None if self.s3 else "Upload exceeds quota."
            reply = self.error(413, "QuotaExceeded", detail)
            if self.s3:  # RGW's refusals of a body carry a Last-Modified of 1970
                reply.headers["Last-Modified"] = http_date(0)
            return reply
        return None
