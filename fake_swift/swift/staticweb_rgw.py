"""Static web as Ceph RGW 16.2 serves it (its Swift "website" handler), where it differs
from Swift's staticweb middleware (staticweb.py): a container with any
``X-Container-Meta-Web-*`` setting is a site; a path without its last ``/`` is redirected
with a relative ``Location``; the index is served for a path ending in ``/`` only when
the container's root holds it; listings are RGW's own HTML (names followed by a NUL
character, sizes in bytes, HTTP dates); ``X-Remove-Container-Meta-Web-Listings`` is
ignored. A read in web mode of a container that is no site answers 404.
"""

from __future__ import annotations

from email.utils import formatdate
from urllib.parse import unquote

from ..listings import select_names
from ..messages import Reply, Request
from ..state import Container
from .common import Layer, Refusal, Target, subrequest, target_of, x_timestamp

DIRECTORY_TYPE = "application/directory"
SITE_KEYS = ("index", "error", "listings", "listings-css")
_ESCAPED = set('"#%&+,/:;<=>?@[\\]^`{}')
_HEAD = (
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" '
    '"http://www.w3.org/TR/html4/loose.dtd"><html><head>'
)
_STYLE = (
    '<style type="text/css">h1 {font-size: 1em; font-weight: bold;}'
    "th {text-align: left; padding: 0px 1em 0px 1em;}"
    "td {padding: 0px 1em 0px 1em;}a {text-decoration: none;}</style>"
)
_EMPTY_CELLS = '<td class="colsize">&nbsp;</td><td class="coldate">&nbsp;</td></tr>'


def _url_encode(text: str) -> str:
    return "".join(
        f"%{b:02X}" if b <= 0x20 or b >= 0x7F or chr(b) in _ESCAPED else chr(b)
        for b in text.encode()
    )


class RgwSite:
    """Answers a read RGW takes as a website request (see StaticWebMiddleware)."""

    def __init__(self, layer: Layer) -> None:
        self.layer = layer

    def serve(self, request: Request, container: Container, site: dict, web_mode: bool) -> Reply:
        layer = self.layer
        target = target_of(request)
        if not any(site.get(key) for key in SITE_KEYS):
            if web_mode and not target.object:
                return layer.error(404, "NoSuchKey")
            return layer.app(request)
        if target.object and not self._is_directory(container, target.object, site):
            reply = self._pass(request)
            if reply.status == 404 and site.get("error"):
                page = self._get(request, target, f"404{site['error']}")
                if 200 <= page.status < 300:
                    page.status = 404
                    return page
            return reply
        if not request.path.endswith("/"):
            headers = {"Location": request.path + "/", "Content-Length": "0"}
            headers["Content-Type"] = "text/plain; charset=utf-8"
            return Reply(301, headers)
        index = site.get("index")
        with layer.state.lock:
            found = container.objects.get(index) if index else None
        if found is not None and not found.expired():
            return self._get(request, target, target.object + index)
        if site.get("listings", "").lower() == "true":
            return self._listing(request, target, container, site)
        return layer.error(404, "NoSuchKey")

    def _is_directory(self, container: Container, name: str, site: dict) -> bool:
        name = name[:-1] if name.endswith("/") else name
        with self.layer.state.lock:
            obj = container.objects.get(name) if name else None
        marker = site.get("directory-type") or DIRECTORY_TYPE
        return obj is not None and obj.content_type == marker and obj.size <= 1

    def _pass(self, request: Request) -> Reply:
        try:
            return self.layer.app(request)
        except Refusal as refusal:
            return refusal.reply

    def _get(self, request: Request, target: Target, name: str) -> Reply:
        sub = Target(target.project_id, target.container, name)
        return self._pass(subrequest(request, request.method, sub, {}))

    def _listing(self, request: Request, target: Target, container: Container, site: dict):
        prefix = target.object
        with self.layer.state.lock:
            query = {"prefix": prefix, "delimiter": "/"}
            selection = select_names(container.order.names, query, 1000)
            objects = {n: container.objects[n] for kind, n in selection if kind == "name"}
            subdirs = [n for kind, n in selection if kind == "subdir"]
        label = unquote(request.path)
        css = site.get("listings-css")
        style = f'<link rel="stylesheet" type="text/css" href="{css}" />' if css else _STYLE
        body = f"{_HEAD}<title>Listing of {label}</title>{style}</head><body>"
        body += f'<h1 id="title">Listing of {label}</h1><table id="listing">'
        body += '<tr id="heading"><th class="colname">Name</th><th class="colsize">Size</th>'
        body += '<th class="coldate">Date</th></tr>'
        if prefix:
            body += '<tr id="parent" class="item"><td class="colname"><a href="../">../</a></td>'
            body += _EMPTY_CELLS
        for subdir in subdirs:
            name = subdir[len(prefix) : -1]
            body += '<tr class="item subdir"><td class="colname">'
            body += f'<a href="{_url_encode(name)}">{name}\0</a></td>{_EMPTY_CELLS}'
        for full_name, obj in objects.items():
            if full_name + "/" in subdirs:
                continue
            name = full_name[len(prefix) :]
            body += '<tr class="item default"><td class="colname">'
            body += f'<a href="{_url_encode(name)}">{name}\0</a></td>'
            body += f'<td class="colsize">{obj.content_length}</td>'
            body += f'<td class="coldate">{formatdate(int(obj.last_modified), usegmt=True)}</td>'
            body += "</tr>"
        body += "</table></body></html>"
        head = Target(target.project_id, target.container, "")
        headers = dict(self._pass(subrequest(request, "HEAD", head, {})).headers)
        headers.pop("Content-Length", None)
        headers.pop("Accept-Ranges", None)
        headers["X-Timestamp"] = x_timestamp(0)  # as in RGW's container listings
        headers["Content-Type"] = "text/html"
        return Reply(200, headers, body.encode())
