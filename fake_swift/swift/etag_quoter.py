"""RFC-compliant (quoted) ETags, as Swift's ``etag_quoter`` middleware gives them:
``X-Account-Rfc-Compliant-Etags`` and ``X-Container-Rfc-Compliant-Etags`` are kept as
system metadata (the container's overrides the account's), and while the one in force is
true every ``Etag`` of an object reply is sent in double quotes (swift flavor).
"""

from __future__ import annotations

from ..messages import Reply, Request
from .common import Layer, access_of, is_true, target_of

# The system metadata key, for an account and a container alike.
FLAG = "rfc-compliant-etags"


class EtagQuoterMiddleware(Layer):
    """Keeps the accounts' and containers' flags, and quotes object ETags by them."""

    def handle(self, request: Request) -> Reply:
        if not self.flavor.etag_quoter:
            return self.app(request)
        target = target_of(request)
        if target.object:
            return self._object_request(request)
        kind = "Container" if target.container else "Account"
        header = f"x-{kind.lower()}-rfc-compliant-etags"
        change = None
        if header in request.headers:
            value = request.headers[header]
            change = str(is_true(value)) if value else ""
        if request.headers.get(f"x-remove-{kind.lower()}-rfc-compliant-etags"):
            change = ""
        reply = self.app(request)
        if reply.status >= 300:
            return reply
        with self.state.lock:
            holder = self._holder(request)
            if holder is None:
                return reply
            if change is not None and request.method in ("PUT", "POST"):
                if change:
                    holder.sysmeta[FLAG] = change
                else:
                    holder.sysmeta.pop(FLAG, None)
            elif request.method in ("GET", "HEAD") and FLAG in holder.sysmeta:
                reply.headers[f"X-{kind}-Rfc-Compliant-Etags"] = holder.sysmeta[FLAG]
        return reply

    def _holder(self, request: Request):
        """The account or container a request addresses (None: no such container)."""
        account = access_of(request).account
        container_name = target_of(request).container
        return account.containers.get(container_name) if container_name else account

    def _object_request(self, request: Request) -> Reply:
        account = access_of(request).account
        with self.state.lock:
            container = account.containers.get(target_of(request).container)
            flag = None if container is None else container.sysmeta.get(FLAG)
            if flag is None:
                flag = account.sysmeta.get(FLAG)
        reply = self.app(request)
        if container is None or not is_true(flag):
            return reply
        for name, value in list(reply.headers.items()):
            quoted = value.startswith(('"', 'W/"')) and value.endswith('"')
            if name.lower() == "etag" and not quoted:
                reply.headers[name] = f'"{value}"'
        return reply
