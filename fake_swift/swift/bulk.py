"""Bulk operations, as Swift's ``bulk`` middleware answers them: ``POST`` (or ``DELETE``)
``?bulk-delete`` on the account with a body of ``/container/object`` lines, and the
report both servers stream back.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from ..flavors import MAX_DELETES_PER_REQUEST
from ..messages import Reply, Request, json_reply
from .common import Layer, access_of, target_of

# The lines of a bulk-delete answer in text, before its errors (both servers).
_BULK_TEXT_KEYS = ("Number Deleted", "Number Not Found", "Response Body", "Response Status")


def bulk_result(deleted: int, not_found: int, errors: list[list[str]], status: str) -> dict:
    return {
        "Number Deleted": deleted,
        "Number Not Found": not_found,
        "Response Status": status,
        "Errors": errors,
        "Response Body": "",
    }


def bulk_reply(layer: Layer, request: Request, result: dict) -> Reply:
    """The answer to a bulk delete: JSON if the client accepts it, else text; chunked."""
    flavor = layer.flavor
    if "json" in request.headers.get("accept", ""):
        ordered = {key: result[key] for key in flavor.bulk_json_keys}
        reply = json_reply(200, ordered, separators=flavor.json_separators)
        reply.headers["Content-Type"] = flavor.bulk_json_content_type
    else:
        newline = flavor.bulk_text_ends_with_newline
        lines = [f"{key}: {result[key]}" for key in _BULK_TEXT_KEYS]
        lines.append("Errors:" if newline else "Errors: ")
        lines.extend(", ".join(error) for error in result["Errors"])
        body = ("\n".join(lines) + ("\n" if newline else "")).encode()
        reply = Reply(200, {"Content-Type": flavor.bulk_text_content_type}, body)
    reply.headers["Transfer-Encoding"] = "chunked"
    return reply


class BulkMiddleware(Layer):
    """Answers ``?bulk-delete`` on the account; passes on everything else."""

    def handle(self, request: Request) -> Reply:
        target = target_of(request)
        # Both servers take a bulk delete as a DELETE too (rclone sends it so).
        if (
            not target.container
            and request.method in ("POST", "DELETE")
            and "bulk-delete" in request.query
        ):
            return self._bulk_delete(request)
        return self.app(request)

    def _bulk_delete(self, request: Request) -> Reply:
        account = access_of(request).account
        text = request.read_body().decode("utf-8", errors="replace")
        paths = [unquote(line.strip()) for line in text.splitlines() if line.strip()]
        if len(paths) > MAX_DELETES_PER_REQUEST:
            result = bulk_result(0, 0, [], "413 Request Entity Too Large")
            return bulk_reply(self, request, result)
        deleted = not_found = 0
        errors: list[list[str]] = []
        as_is = self.flavor.bulk_reports_conflict_as_is
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
                    if as_is:
                        errors.append([quote(f"{container_name}/"), "409 Conflict"])
                    else:
                        errors.append([quote(path), "409 Conflict"])
                else:
                    del account.containers[container_name]
                    account.order.remove(container_name)
                    deleted += 1
        status = "200 OK"
        if errors:
            status = errors[-1][1] if as_is else "400 Bad Request"
        return bulk_reply(self, request, bulk_result(deleted, not_found, errors, status))
