"""OPTIONS and CORS, as Swift's proxy answers them: the methods a path allows, preflight
requests checked against the container's ``X-Container-Meta-Access-Control-*``
metadata, and the ``Access-Control-*`` headers of replies to requests with an
``Origin`` (strict mode: only for an origin the container allows).
"""

from __future__ import annotations

from ..messages import Reply, Request
from .common import Layer, Refusal, Target, target_of

# The methods each level allows (Swift's controllers; accounts are not managed through
# the API). The copy middleware adds COPY for objects to a successful answer.
ALLOWED = {
    "account": ("GET", "HEAD", "OPTIONS", "POST"),
    "container": ("DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"),
    "object": ("DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"),
}
# What Swift always lets a page's script read of a reply.
EXPOSED = (
    "cache-control",
    "content-language",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
    "etag",
    "x-timestamp",
    "x-trans-id",
    "x-openstack-request-id",
)


def _level(target: Target) -> str:
    if not target.container:
        return "account"
    return "object" if target.object else "container"


class CorsMiddleware(Layer):
    """Answers OPTIONS, and adds CORS headers to replies to cross-origin requests."""

    def handle(self, request: Request) -> Reply:
        target = target_of(request)
        flavor = self.flavor
        if request.method == "OPTIONS":
            if flavor.cors_from_container_metadata:
                return self._options(request, target)
            if not target.container and flavor.options_on_account_refused:
                return self.error(405, "MethodNotAllowed")
            return self.app(request)
        origin = request.headers.get("origin")
        if not origin or not target.container:
            return self.app(request)
        if flavor.cors_on_reads_only:
            reply = self.app(request)
            if request.method in ("GET", "HEAD") and self._allowed(self._cors(target), origin):
                reply.headers["Access-Control-Allow-Origin"] = origin
                reply.headers["Access-Control-Allow-Methods"] = request.method
            return reply
        if not flavor.cors_from_container_metadata:
            return self.app(request)
        try:
            reply = self.app(request)
        except Refusal as refusal:
            self._decorate(refusal.reply, target, origin)
            raise
        self._decorate(reply, target, origin)
        return reply

    def _cors(self, target: Target) -> dict[str, str]:
        """The container's CORS settings (allow_origin, max_age, expose_headers)."""
        with self.state.lock:
            account = self.state.accounts.get(target.project_id)
            container = account.containers.get(target.container) if account else None
            metadata = dict(container.metadata) if container else {}
        prefix = "access-control-"
        return {
            key[len(prefix) :].replace("-", "_"): value
            for key, value in metadata.items()
            if key.startswith(prefix)
        }

    @staticmethod
    def _allowed(cors: dict[str, str], origin: str) -> bool:
        origins = {part.strip() for part in cors.get("allow_origin", "").split(" ")}
        return origin in origins or "*" in origins

    def _options(self, request: Request, target: Target) -> Reply:
        methods = ALLOWED[_level(target)]
        headers = {"Allow": ", ".join(methods), "Content-Length": "0"}
        origin = request.headers.get("origin")
        if not origin or not target.container:
            if target.object:
                headers["Allow"] = ", ".join(("COPY", *methods))
            # swob's default type, on an empty body
            return Reply(200, {**headers, "Content-Type": "text/html; charset=UTF-8"})
        cors = self._cors(target)
        wanted = request.headers.get("access-control-request-method")
        if not self._allowed(cors, origin) or wanted not in methods:
            refused = self.error(401, "AccessDenied")
            refused.headers["Allow"] = headers["Allow"]
            return refused
        if target.object:  # the copy middleware's method, on a successful answer
            methods = ("COPY", *methods)
            headers["Allow"] = ", ".join(methods)
        if cors.get("allow_origin", "").strip() == "*":
            headers["Access-Control-Allow-Origin"] = "*"
        else:
            headers["Access-Control-Allow-Origin"] = origin
            headers["Vary"] = "Origin"
        if cors.get("max_age") is not None:
            headers["Access-Control-Max-Age"] = cors["max_age"]
        headers["Access-Control-Allow-Methods"] = ", ".join(methods)
        asked = request.headers.get("access-control-request-headers", "")
        allow_headers = [name.strip() for name in asked.split(",") if name.strip()]
        if allow_headers:
            headers["Access-Control-Allow-Headers"] = ", ".join(allow_headers)
            if "Vary" in headers:
                headers["Vary"] += ", Access-Control-Request-Headers"
            else:
                headers["Vary"] = "Access-Control-Request-Headers"
        return Reply(200, headers)

    def _decorate(self, reply: Reply, target: Target, origin: str) -> None:
        cors = self._cors(target)
        if not self._allowed(cors, origin):
            return  # strict mode: nothing for an origin the container does not allow
        if "Access-Control-Expose-Headers" not in reply.headers:
            exposed = list(EXPOSED)
            for name in reply.headers:
                lower = name.lower()
                if lower.startswith(("x-container-meta", "x-object-meta")):
                    exposed.append(lower)
            for name in cors.get("expose_headers", "").split(" "):
                if name.strip() and name.strip().lower() not in exposed:
                    exposed.append(name.strip().lower())
            reply.headers["Access-Control-Expose-Headers"] = ", ".join(exposed)
        if "Access-Control-Allow-Origin" not in reply.headers:
            if cors.get("allow_origin", "").strip() == "*":
                reply.headers["Access-Control-Allow-Origin"] = "*"
            else:
                reply.headers["Access-Control-Allow-Origin"] = origin
                vary = reply.headers.get("Vary")
                reply.headers["Vary"] = f"{vary}, Origin" if vary else "Origin"
