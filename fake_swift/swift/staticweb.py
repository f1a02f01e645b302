"""Static web, as Swift's ``staticweb`` middleware serves a container as a web site: for
GETs and HEADs made anonymously, through a temp URL, or with ``X-Web-Mode: true``, a
container's ``X-Container-Meta-Web-Index`` page is served for its paths ending in ``/``,
``-Web-Listings`` lists them in HTML (styled by ``-Web-Listings-Css``), ``-Web-Error``
names the page an error shows (``<status><name>``), and ``-Web-Directory-Type`` the
content type of objects that stand for directories. Paths without the last ``/`` are
redirected (301) to the same path with it.
"""

from __future__ import annotations

import html
from urllib.parse import quote, unquote

from ..flavors import LISTING_LIMIT
from ..keystone import STORAGE_ROOT
from ..listings import select_names
from ..messages import Reply, Request
from ..state import Container
from .common import TEMP_URL_SCOPE, Layer, Refusal, Target, is_true, subrequest, target_of
from .staticweb_rgw import RgwSite

DIRECTORY_TYPE = "application/directory"
_MOVED = b"<html><h1>Moved Permanently</h1><p>The resource has moved permanently.</p></html>"
_STYLE = (
    '  <style type="text/css">\n'
    "   h1 {font-size: 1em; font-weight: bold;}\n"
    "   th {text-align: left; padding: 0px 1em 0px 1em;}\n"
    "   td {padding: 0px 1em 0px 1em;}\n"
    "   a {text-decoration: none;}\n"
    "  </style>\n"
)
_ALLAS_ORIGIN = STORAGE_ROOT[: STORAGE_ROOT.index("/", len("https://"))]


def human_readable(size: int) -> str:
    """A size as Swift's listings show it: 1023, 1Ki, 5Mi..."""
    value, index, suffixes = float(size), -1, "KMGTPEZY"
    while value >= 1024 and index + 1 < len(suffixes):
        index += 1
        value = round(value / 1024)
    return f"{round(value)}" if index == -1 else f"{round(value)}{suffixes[index]}i"


def _href(name: str) -> str:
    return quote(name, safe="/").replace(".", "%2E")


def _succeeded(reply: Reply) -> bool:
    return 200 <= reply.status < 400


class StaticWebMiddleware(Layer):
    """Serves containers whose metadata asks for it as web sites."""

    def handle(self, request: Request) -> Reply:
        target = target_of(request)
        if self.flavor.static_web_as_rgw and request.method in ("PUT", "POST"):
            request.headers.pop("x-remove-container-meta-web-listings", None)  # RGW keeps it
        if (
            not self.flavor.static_web
            or request.method not in ("GET", "HEAD")
            or not target.container
        ):
            return self.app(request)
        anonymous = not (
            request.headers.get("x-auth-token") or request.headers.get("x-storage-token")
        )
        web_mode = is_true(request.headers.get("x-web-mode"))
        if not (anonymous or web_mode or TEMP_URL_SCOPE in request.environ):
            return self.app(request)
        with self.state.lock:
            container = self.source_account(request).containers.get(target.container)
            meta = dict(container.metadata) if container is not None else {}
        site = {
            key[len("web-") :]: value.strip()
            for key, value in meta.items()
            if key.startswith("web-")
        }
        if container is None:
            return self.app(request)
        if self.flavor.static_web_as_rgw:
            return RgwSite(self).serve(request, container, site, web_mode)
        if target.object:
            return self._object(request, target, container, site)
        if not site.get("listings") and not site.get("index"):
            if TEMP_URL_SCOPE in request.environ:  # a temp URL reaches a site, not a listing
                return self.error(401, "AccessDenied")
            if web_mode:
                return self.error(404, "NoSuchKey")
            return self.app(request)
        if not request.path.endswith("/"):
            return self._redirect(request)
        if not site.get("index"):
            return self._listing(request, target, container, site, "")
        index = self._get(request, target, site["index"])
        if index.status == 404:
            return self._listing(request, target, container, site, "")
        if not _succeeded(index):
            return self._error_page(request, target, site, index)
        return index

    def _object(self, request: Request, target: Target, container: Container, site: dict) -> Reply:
        reply = self._pass(request)
        status = reply.status
        if _succeeded(reply):
            directory_type = site.get("directory-type") or DIRECTORY_TYPE
            length = int(reply.headers.get("Content-Length") or 0)
            if reply.headers.get("Content-Type") != directory_type or length > 1:
                return reply
            status = 404
        if status != 404:
            return reply
        if not site.get("listings") and not site.get("index"):
            return reply
        if site.get("index"):
            name = target.object if target.object.endswith("/") else target.object + "/"
            index = self._get(request, target, name + site["index"])
            if _succeeded(index):
                return index if request.path.endswith("/") else self._redirect(request)
        if request.path.endswith("/"):
            return self._listing(request, target, container, site, target.object)
        with self.state.lock:
            inside = select_names(
                container.order.names, {"prefix": target.object + "/", "delimiter": "/"}, 1
            )
        if not inside:
            return self._error_page(request, target, site, self.error(404, "NoSuchKey"))
        return self._redirect(request)

    def _pass(self, request: Request) -> Reply:
        try:
            return self.app(request)
        except Refusal as refusal:
            return refusal.reply

    def _get(self, request: Request, target: Target, name: str) -> Reply:
        """A GET (or HEAD) of another object of the container, as the client."""
        headers = {k: v for k, v in request.headers.items() if k not in ("range",)}
        query = {k: v for k, v in request.query.items() if k.startswith("temp_url")}
        sub = subrequest(
            request,
            request.method,
            Target(target.project_id, target.container, name),
            headers,
            query,
        )
        return self._pass(sub)

    def _redirect(self, request: Request) -> Reply:
        location = _ALLAS_ORIGIN + quote(unquote(request.path) + "/", safe="/")
        headers = {"Content-Type": "text/html; charset=UTF-8", "Location": location}
        return Reply(301, headers, _MOVED)

    def _error_page(self, request: Request, target: Target, site: dict, reply: Reply) -> Reply:
        """``reply``, or the container's error page for its status when there is one."""
        if not site.get("error"):
            return reply
        page = self._get(request, target, f"{reply.status}{site['error']}")
        if not (200 <= page.status < 300):
            return reply
        page.status = reply.status
        return page

    def _listing(
        self, request: Request, target: Target, container: Container, site: dict, prefix: str
    ) -> Reply:
        label = unquote(request.path)
        css = site.get("listings-css")
        if css:
            if css.startswith(("/", "http://", "https://")):
                css_path = quote(css, safe=":/")
            else:
                css_path = "../" * prefix.count("/") + quote(css, safe="/")
            head = f'  <link rel="stylesheet" type="text/css" href="{css_path}" />\n'
        else:
            head = None
        if not is_true(site.get("listings")):
            body = (
                f"<!DOCTYPE html>\n<html>\n<head>\n<title>Listing of {html.escape(label)}</title>\n"
            )
            body += head or (
                '  <style type="text/css">\n   h1 {font-size: 1em; font-weight: bold;}\n'
                "   p {font-size: 2}\n  </style>\n"
            )
            body += (
                "</head>\n<body>  <h1>Web Listing Disabled</h1>   <p>The owner of this web site "
                "has disabled web listing.   <p>If you are the owner of this web site, you can "
                "enable   web listing by setting X-Container-Meta-Web-Listings.</p>"
            )
            if site.get("index"):
                body += (
                    "<h1>Index File Not Found</h1> <p>The owner of this web site has set  "
                    f"<b>X-Container-Meta-Web-Index: {site['index']}</b>.  However, this file is "
                    "not found.</p>"
                )
            body += " </body>\n</html>\n"
            refusal = Reply(404, {"Content-Type": "text/html; charset=UTF-8"}, body.encode())
            return self._error_page(request, target, site, refusal)
        with self.state.lock:
            selection = select_names(
                container.order.names, {"prefix": prefix, "delimiter": "/"}, LISTING_LIMIT
            )
            objects = {name: container.objects[name] for kind, name in selection if kind == "name"}
        if prefix and not selection:
            return self._error_page(request, target, site, self.error(404, "NoSuchKey"))
        link_query, temp_url_prefix = self._temp_url_query(request)
        body = (
            f"<!DOCTYPE html>\n<html>\n <head>\n  <title>Listing of {html.escape(label)}</title>\n"
            + (head or _STYLE)
            + f' </head>\n <body>\n  <h1 id="title">Listing of {html.escape(label)}</h1>\n'
            '  <table id="listing">\n   <tr id="heading">\n    <th class="colname">Name</th>\n'
            '    <th class="colsize">Size</th>\n    <th class="coldate">Date</th>\n   </tr>\n'
        )
        if len(prefix) > len(temp_url_prefix):
            body += (
                '   <tr id="parent" class="item">\n'
                f'    <td class="colname"><a href="../{link_query}">../</a></td>\n'
                '    <td class="colsize">&nbsp;</td>\n'
                '    <td class="coldate">&nbsp;</td>\n   </tr>\n'
            )
        for kind, name in selection:
            if kind != "subdir":
                continue
            shown = name[len(prefix) :]
            body += (
                '   <tr class="item subdir">\n'
                f'    <td class="colname"><a href="./{_href(shown)}{link_query}">'
                f"{html.escape(shown)}</a></td>\n"
                '    <td class="colsize">&nbsp;</td>\n'
                '    <td class="coldate">&nbsp;</td>\n   </tr>\n'
            )
        for name, obj in objects.items():
            shown = name[len(prefix) :]
            kinds = " ".join("type-" + html.escape(t.lower()) for t in obj.content_type.split("/"))
            when = html.escape(self.flavor.listing_time(obj.last_modified)).split(".")[0]
            body += (
                f'   <tr class="item {kinds}">\n'
                f'    <td class="colname"><a href="./{_href(shown)}{link_query}">'
                f"{html.escape(shown)}</a></td>\n"
                f'    <td class="colsize">{human_readable(obj.content_length)}</td>\n'
                f'    <td class="coldate">{when.replace("T", " ")}</td>\n   </tr>\n'
            )
        body += "  </table>\n </body>\n</html>\n"
        return Reply(200, {"Content-Type": "text/html; charset=UTF-8"}, body.encode())

    def _temp_url_query(self, request: Request) -> tuple[str, str]:
        """The query a listing reached through a prefix temp URL adds to its links, and
        that prefix ("" when there is none)."""
        query = request.query
        if TEMP_URL_SCOPE not in request.environ or "temp_url_prefix" not in query:
            return "", ""
        parts = [
            f"temp_url_prefix={quote(query['temp_url_prefix'], safe='/')}",
            f"temp_url_expires={quote(str(query.get('temp_url_expires')), safe='/')}",
            f"temp_url_sig={query.get('temp_url_sig')}",
        ]
        if "inline" in query:
            parts.append("inline")
        return "?" + "&amp;".join(parts), query["temp_url_prefix"]
