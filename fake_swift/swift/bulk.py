"""Bulk delete, as Swift's ``bulk`` middleware answers it: ``POST`` (or ``DELETE``)
``?bulk-delete`` with a body of ``/container/object`` lines; and the report both servers
send back for a bulk delete or a bulk upload (bulk_upload.py) in text, JSON or XML.
"""

from __future__ import annotations

from html import escape
from http import HTTPStatus
from urllib.parse import quote, unquote

from ..flavors import MAX_DELETES_PER_REQUEST
from ..messages import Reply, Request, json_reply
from .common import BULK_REPORT, Layer, access_of, rgw_format, target_of

# What a report can be written in, in the order Swift prefers them.
REPORT_FORMATS = ("text/plain", "application/json", "application/xml", "text/xml")
# The reason phrases of Swift's status lines where Python's differ.
_REASONS = {413: "Request Entity Too Large", 422: "Unprocessable Entity"}


def status_line(status: int) -> str:
    return f"{status} {_REASONS.get(status) or HTTPStatus(status).phrase}"


def bulk_result(deleted: int, not_found: int, errors: list[list[str]], status: str) -> dict:
    """A bulk delete's report, in the order Swift makes its keys."""
    return {
        "Response Status": status,
        "Response Body": "",
        "Number Deleted": deleted,
        "Number Not Found": not_found,
        "Errors": errors,
    }


def report_format(layer: Layer, request: Request) -> str | None:
    """The format a report is written in, None when Accept allows none of them.

    Swift takes what Accept prefers among :data:`REPORT_FORMATS`; RGW takes ``?format=``,
    else the first media type of Accept when it names one exactly, else text."""
    accept = request.headers.get("accept", "")
    if not layer.flavor.bulk_format_by_best_match:
        return rgw_format(request)
    if not accept.strip():
        return REPORT_FORMATS[0]
    ranges = []
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    return None
        ranges.append((quality, media.lower()))
    for quality, media in sorted(ranges, key=lambda entry: -entry[0]):
        if quality <= 0:
            continue
        for offered in REPORT_FORMATS:
            if media in ("*/*", offered) or media == offered.split("/")[0] + "/*":
                return offered
    return None


def bulk_reply(layer: Layer, request: Request, result: dict, root: str = "delete") -> Reply:
    """The report of a bulk operation, in the format the client accepts; chunked.
    ``root`` names the XML document ("delete" or "extract")."""
    flavor = layer.flavor
    wanted = report_format(layer, request)
    counts = {key: value for key, value in result.items() if key != "Errors"}
    errors = result["Errors"]
    if wanted == "application/json":
        ordered = dict(sorted(counts.items())) if flavor.bulk_json_sorted else counts
        ordered["Errors"] = errors
        reply = json_reply(200, ordered, separators=flavor.json_separators)
        reply.headers["Content-Type"] = flavor.bulk_json_content_type
    elif wanted is not None and wanted.endswith("/xml"):
        reply = Reply(200, {"Content-Type": wanted}, _xml_report(flavor, counts, errors, root))
        if flavor.bulk_xml_compact:
            reply.headers["Content-Type"] = "application/xml; charset=utf-8"
    else:
        newline = flavor.bulk_text_ends_with_newline
        lines = [f"{key}: {value}" for key, value in sorted(counts.items())]
        lines.append("Errors:" if newline else "Errors: ")
        lines.extend(", ".join(error) for error in errors)
        body = ("\n".join(lines) + ("\n" if newline else "")).encode()
        reply = Reply(200, {"Content-Type": flavor.bulk_text_content_type}, body)
    reply.headers["Transfer-Encoding"] = "chunked"
    request.environ[BULK_REPORT] = True
    return reply


def _xml_report(flavor, counts: dict, errors: list[list[str]], root: str) -> bytes:
    """A report in XML: one element per count (sorted), then the errors. RGW writes it on
    one line and roots every report in <delete>; Swift one element a line."""
    if flavor.bulk_xml_compact:
        root = "delete"
    lines = [f"<{root}>"]
    for key, value in sorted(counts.items()):
        tag = key.replace(" ", "_").lower()
        lines.append(f"<{tag}>{escape(str(value), quote=False)}</{tag}>")
    lines.append("<errors>")
    lines.extend(
        f"<object><name>{escape(name, quote=False)}</name>"
        f"<status>{escape(status, quote=False)}</status></object>"
        for name, status in errors
    )
    lines.extend(["</errors>", f"</{root}>"])
    if flavor.bulk_xml_compact:
        return "".join(lines).encode()
    return ("\n".join(lines) + "\n").encode()


class BulkMiddleware(Layer):
    """Answers ``?bulk-delete``; passes on everything else."""

    def handle(self, request: Request) -> Reply:
        target = target_of(request)
        # Both servers take a bulk delete as a DELETE too (rclone sends it so).
        if (
            (not target.container or self.flavor.bulk_delete_on_any_path)
            and request.method in ("POST", "DELETE")
            and "bulk-delete" in request.query
        ):
            return self._bulk_delete(request)
        return self.app(request)

    # delete

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
