"""Conformance cases for what OpenStack Swift's own functional suite found the fake
lacking: SLO segment ranges, nested manifests and inline data; DLO manifests; temp URL
details; copies with a range or between accounts; expiry limits; OPTIONS and CORS; quotas;
symlinks; what a container's Last-Modified follows; listing and naming edges;
versioned writes; static web; bulk upload (extract-archive); quoted ETags.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
import time
from urllib.parse import quote, urlsplit

import requests
from swiftclient.utils import generate_temp_url

from .cases_sharing import FUTURE
from .probe import Probe


def slo_ranges(p: Probe) -> None:
    """Manifests naming a segment's range, nesting another manifest, holding inline data;
    the manifest in raw form; one part by number."""
    c = p.name("c")
    p.request("create container", "PUT", c)
    p.request("put segment", "PUT", f"{c}/seg", data=b"0123456789")
    seg = hashlib.md5(b"0123456789").hexdigest()
    ranged = [{"path": f"/{c}/seg", "etag": seg, "size_bytes": 10, "range": "2-4"}]
    p.request(
        "put ranged manifest",
        "PUT",
        f"{c}/ranged",
        params={"multipart-manifest": "put"},
        data=json.dumps(ranged).encode(),
    )
    p.request("get ranged", "GET", f"{c}/ranged")
    p.request("head ranged", "HEAD", f"{c}/ranged")
    p.request("range of ranged", "GET", f"{c}/ranged", headers={"Range": "bytes=1-1"})
    nested = [
        {"path": f"/{c}/ranged", "size_bytes": 3},
        {"path": f"/{c}/seg", "range": "-2"},
    ]
    p.request(
        "put nested manifest",
        "PUT",
        f"{c}/nested",
        params={"multipart-manifest": "put"},
        data=json.dumps(nested).encode(),
    )
    p.request("get nested", "GET", f"{c}/nested")
    raw = p.request(
        "raw manifest", "GET", f"{c}/nested", params={"multipart-manifest": "get", "format": "raw"}
    )
    # It names the (unique) container, so its md5, its ETag, differs per run.
    if raw.content and raw.headers.get("etag") == hashlib.md5(raw.content).hexdigest():
        p.volatile[raw.headers["etag"]] = "<md5 of the raw manifest>"
    p.request("part 2", "GET", f"{c}/nested", params={"part-number": "2"})
    p.request("part 9", "GET", f"{c}/nested", params={"part-number": "9"})
    p.request("part 0", "GET", f"{c}/nested", params={"part-number": "0"})
    data = [{"data": "aGVsbG8="}, {"path": f"/{c}/seg", "range": "0-0"}]
    p.request(
        "put manifest with data",
        "PUT",
        f"{c}/data",
        params={"multipart-manifest": "put"},
        data=json.dumps(data).encode(),
    )
    p.request("get data manifest", "GET", f"{c}/data")
    bad = [{"path": f"/{c}/seg", "range": "20-30"}, {"path": f"/{c}/seg", "colour": "red"}]
    p.request(
        "put bad ranges",
        "PUT",
        f"{c}/bad",
        params={"multipart-manifest": "put"},
        data=json.dumps(bad).encode(),
    )
    # RGW keeps the manifest with bad ranges (it ignores ranges): remove it too.
    for name in ("bad", "data", "nested", "ranged", "seg"):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)


def dlo_manifests(p: Probe) -> None:
    """A DLO's own manifest, POSTs that add or drop X-Object-Manifest, several ranges,
    conditions, and a manifest whose segment container is missing."""
    c = p.name("c")
    p.request("create container", "PUT", c)
    for index, part in enumerate((b"aaaaa", b"bbbbb")):
        p.request(f"put segment {index}", "PUT", f"{c}/seg/{index}", data=part)
    p.request(
        "put manifest",
        "PUT",
        f"{c}/man",
        data=b"manifest body",
        headers={"X-Object-Manifest": f"{c}/seg/"},
    )
    whole = p.request("get joined", "GET", f"{c}/man")
    p.request("get manifest itself", "GET", f"{c}/man", params={"multipart-manifest": "get"})
    p.request("two ranges", "GET", f"{c}/man", headers={"Range": "bytes=0-1,5-6"})
    etag = whole.headers.get("etag", "")
    p.request("if-match of its etag", "GET", f"{c}/man", headers={"If-Match": etag})
    p.request(
        "post keeping the header", "POST", f"{c}/man", headers={"X-Object-Manifest": f"{c}/seg/1"}
    )
    p.request("get after changing the prefix", "GET", f"{c}/man")
    p.request("post without the header", "POST", f"{c}/man", headers={"X-Object-Meta-A": "1"})
    p.request("get after post without", "GET", f"{c}/man")
    p.request("put plain", "PUT", f"{c}/plain", data=b"plain body")
    p.request(
        "post making it a manifest",
        "POST",
        f"{c}/plain",
        headers={"X-Object-Manifest": f"{c}/seg/"},
    )
    p.request("get after post making it a manifest", "GET", f"{c}/plain")
    p.request(
        "manifest of a missing container",
        "PUT",
        f"{c}/lost",
        data=b"",
        headers={"X-Object-Manifest": f"{c}-none/seg/"},
    )
    p.request("get lost", "GET", f"{c}/lost")
    for name in ("lost", "plain", "man", "seg/0", "seg/1"):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)


def temp_url_details(p: Probe) -> None:
    """Temp URLs with an ISO 8601 expiry (Swift only: RGW 16.2.15 crashes on it), a PUT
    carrying X-Object-Manifest, and a signature in <digest>:<base64> form."""
    c = p.name("c")
    account_path = urlsplit(p.url()).path
    v1_path = account_path[account_path.index("/v1/") :]
    p.request("create container", "PUT", c)
    p.request("put object", "PUT", f"{c}/o", data=b"temp body")
    p.request("set key", "POST", headers={"X-Account-Meta-Temp-URL-Key": "key"})

    def query(method: str, name: str, **options) -> str:
        url = generate_temp_url(
            f"{v1_path}/{c}/{name}", FUTURE, "key", method, absolute=True, **options
        )
        return url.split("?", 1)[1]

    if p.flavor == "swift":
        iso = query("GET", "o", iso8601=True, digest="sha1")
        p.request("get with an iso 8601 expiry", "GET", f"{c}/o?{iso}", token=None)
    p.request(
        "put naming a manifest",
        "PUT",
        f"{c}/m?{query('PUT', 'm', digest='sha1')}",
        data=b"",
        headers={"X-Object-Manifest": f"{c}/o"},
        token=None,
    )
    b64 = query("GET", "o", digest="sha512")
    p.request("get with a base64 sha512 signature", "GET", f"{c}/o?{b64}", token=None)
    p.request("remove key", "POST", headers={"X-Remove-Account-Meta-Temp-URL-Key": "x"})
    for name in ("o", "m"):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)


def copy_details(p: Probe) -> None:
    """A COPY with Range, and copies between accounts with and without a grant."""
    c = p.name("c")
    p.request("create container", "PUT", c)
    p.request("put", "PUT", f"{c}/o", data=b"test")
    p.request(
        "copy with range",
        "COPY",
        f"{c}/o",
        headers={"Destination": f"{c}/part", "Range": "bytes=1-2"},
    )
    p.request("get part", "GET", f"{c}/part")
    other = p.name("other")
    p.request("other creates a container", "PUT", other, account="other")
    p.request(
        "copy from another account without access",
        "PUT",
        f"{c}/stolen",
        data=b"",
        account="main",
        headers={"X-Copy-From": f"{other}/nothing", "X-Copy-From-Account": p.account_name("other")},
    )
    p.request(
        "copy to another account without access",
        "COPY",
        f"{c}/o",
        headers={"Destination": f"{other}/o", "Destination-Account": p.account_name("other")},
    )
    p.request("other deletes its container", "DELETE", other, account="other")
    for name in ("o", "part"):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)


def expiry_details(p: Probe) -> None:
    """X-Delete-At far in the future, and DELETE with X-If-Delete-At."""
    c = p.name("c")
    p.request("create container", "PUT", c)
    for digits in (11, 19, 20, 30):
        value = "1" * digits
        p.request(
            f"put {digits} digits",
            "PUT",
            f"{c}/d{digits}",
            data=b"x",
            headers={"X-Delete-At": value},
        )
        p.request(f"head {digits} digits", "HEAD", f"{c}/d{digits}")
        p.request(f"delete {digits} digits", "DELETE", f"{c}/d{digits}", record_body=False)
    p.request("put far", "PUT", f"{c}/far", data=b"x", headers={"X-Delete-After": "3600"})
    p.request("head far", "HEAD", f"{c}/far")
    p.request(
        "delete with a bad x-if-delete-at", "DELETE", f"{c}/far", headers={"X-If-Delete-At": "bad"}
    )
    p.request(
        "delete with another x-if-delete-at",
        "DELETE",
        f"{c}/far",
        headers={"X-If-Delete-At": "12345"},
    )
    p.request("delete far", "DELETE", f"{c}/far", record_body=False)
    p.request("delete container", "DELETE", c)


def options_and_cors(p: Probe) -> None:
    """OPTIONS without and with Origin, and a GET from an origin the container allows."""
    c = p.name("c")
    p.request(
        "create container",
        "PUT",
        c,
        headers={"X-Container-Meta-Access-Control-Allow-Origin": "http://allowed.example"},
    )
    p.request("put", "PUT", f"{c}/o", data=b"x", headers={"X-Object-Meta-Colour": "red"})

    def record_cors(
        label: str, method: str, path: str, headers: dict, token: str | None = "own"
    ) -> None:
        response = p.request(label, method, path, headers=headers, token=token)
        seen = {key.lower(): value for key, value in response.headers.items()}

        def split(name: str) -> list[str]:
            return sorted(v.strip() for v in seen.get(name, "").split(",") if v.strip())

        p.records.append(
            {
                "step": f"{label}: cors",
                "allow": split("allow"),
                "allow origin": seen.get("access-control-allow-origin"),
                "allow methods": split("access-control-allow-methods"),
                "expose": "x-object-meta-colour" in split("access-control-expose-headers"),
            }
        )

    record_cors("options account", "OPTIONS", "", {}, token=None)
    record_cors("options container", "OPTIONS", c, {}, token=None)
    record_cors("options object", "OPTIONS", f"{c}/o", {}, token=None)
    preflight = {"Origin": "http://allowed.example", "Access-Control-Request-Method": "GET"}
    record_cors("preflight allowed", "OPTIONS", f"{c}/o", preflight, token=None)
    record_cors(
        "preflight other origin",
        "OPTIONS",
        f"{c}/o",
        {**preflight, "Origin": "http://other.example"},
        token=None,
    )
    record_cors(
        "get from the allowed origin", "GET", f"{c}/o", {"Origin": "http://allowed.example"}
    )
    record_cors("get from another origin", "GET", f"{c}/o", {"Origin": "http://other.example"})
    p.request("delete o", "DELETE", f"{c}/o", record_body=False)
    p.request("delete container", "DELETE", c)


def account_quotas(p: Probe) -> None:
    """Account quota headers sent by the account's owner (not run on someone's account:
    it tries to change an account setting)."""
    c = p.name("c")
    p.request("create container", "PUT", c)
    for header in ("X-Account-Meta-Quota-Bytes", "X-Account-Quota-Bytes"):
        p.request(f"owner sets {header}", "POST", headers={header: "100"})
    p.request("account after", "HEAD")
    p.request("delete container", "DELETE", c)


def container_quotas(p: Probe) -> None:
    """A container's quota: checked when set, enforced on PUT."""
    c = p.name("c")
    p.request("create container", "PUT", c, headers={"X-Container-Meta-Quota-Bytes": "10"})
    p.request("bad quota", "POST", c, headers={"X-Container-Meta-Quota-Count": "many"})
    p.request("put over the quota", "PUT", f"{c}/big", data=b"0123456789x")
    p.request("put within it", "PUT", f"{c}/small", data=b"0123456789")
    later = p.name("later")
    p.request("create another container", "PUT", later)
    quota = {"X-Container-Meta-Quota-Bytes": "10"}
    p.request("set its quota by post", "POST", later, headers=quota)
    p.request("head it", "HEAD", later)
    p.request("put over that quota", "PUT", f"{later}/big", data=b"0123456789x")
    p.request("put within that quota", "PUT", f"{later}/small", data=b"0123456789")
    for name in (f"{c}/big", f"{c}/small", f"{later}/big", f"{later}/small"):
        p.request(f"delete {name}", "DELETE", name, record_body=False)
    p.request("delete container", "DELETE", c)
    p.request("delete the other container", "DELETE", later)


def symlinks(p: Probe) -> None:
    """Symlinks: made, followed (Content-Location), read as themselves, listed, POSTed
    to, static ones checked, a dangling one, and one past the loop limit."""
    c = p.name("c")
    p.request("create container", "PUT", c)
    p.request("put target", "PUT", f"{c}/target", data=b"target body")
    target_etag = hashlib.md5(b"target body").hexdigest()
    p.request("put link", "PUT", f"{c}/link", data=b"", headers={"X-Symlink-Target": f"{c}/target"})
    p.request("get through the link", "GET", f"{c}/link")
    p.request("head the link itself", "HEAD", f"{c}/link", params={"symlink": "get"})
    p.request(
        "put static link",
        "PUT",
        f"{c}/static",
        data=b"",
        headers={"X-Symlink-Target": f"{c}/target", "X-Symlink-Target-Etag": target_etag},
    )
    p.request(
        "put static link with a wrong etag",
        "PUT",
        f"{c}/wrong",
        data=b"",
        headers={"X-Symlink-Target": f"{c}/target", "X-Symlink-Target-Etag": "0" * 32},
    )
    p.request("list", "GET", c, params={"format": "json"})
    p.request("post to the link", "POST", f"{c}/link", headers={"X-Object-Meta-A": "1"})
    p.request(
        "put dangling link",
        "PUT",
        f"{c}/dangling",
        data=b"",
        headers={"X-Symlink-Target": f"{c}/nowhere"},
    )
    p.request("get dangling link", "GET", f"{c}/dangling")
    p.request(
        "put link to link",
        "PUT",
        f"{c}/second",
        data=b"",
        headers={"X-Symlink-Target": f"{c}/link"},
    )
    p.request(
        "put link to link to link",
        "PUT",
        f"{c}/third",
        data=b"",
        headers={"X-Symlink-Target": f"{c}/second"},
    )
    p.request("get past the loop limit", "GET", f"{c}/third")
    p.request(
        "put a link with a body",
        "PUT",
        f"{c}/body",
        data=b"x",
        headers={"X-Symlink-Target": f"{c}/target"},
    )
    for name in ("third", "second", "dangling", "static", "wrong", "link", "body", "target"):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)


def container_last_modified(p: Probe) -> None:
    """A container's Last-Modified moves with its own PUT and POST, not its objects'."""
    c = p.name("c")
    p.request("create container", "PUT", c)

    def modified() -> str:
        return p.request("head container", "HEAD", c).headers.get("last-modified", "")

    created = modified()
    time.sleep(1.1)  # Last-Modified counts whole seconds
    p.request("put object", "PUT", f"{c}/o", data=b"x")
    p.observe("moved by an object's PUT", modified() != created)
    time.sleep(1.1)
    p.request("post container", "POST", c, headers={"X-Container-Meta-A": "1"})
    p.observe("moved by the container's POST", modified() != created)
    p.request("delete object", "DELETE", f"{c}/o", record_body=False)
    p.request("delete container", "DELETE", c)


def listing_and_naming_edges(p: Probe) -> None:
    """?reverse=false on the account, names that start with the delimiter, a container
    name that is not UTF-8, a Destination without a container."""
    c = p.name("c")
    p.request("create container", "PUT", c)
    for name in ("test", "/test/bar", "/test/bar/foo", "tt/x", "a//b"):
        p.request(f"put {name}", "PUT", f"{c}/{name}", data=b"z")
    p.request("list by /", "GET", c, params={"delimiter": "/", "format": "json"})
    p.request("list by t", "GET", c, params={"delimiter": "t", "format": "json"})
    p.request("list by / under a/", "GET", c, params={"delimiter": "/", "prefix": "a/"})
    # Two empty containers: Swift's account counts objects only later.
    for label in ("r1", "r2"):
        p.request(f"create container {label}", "PUT", p.name(label))
    listing = {"prefix": p.name("r"), "format": "json"}
    for value in ("false", "", "true"):
        p.request(f"account, reverse={value!r}", "GET", params={**listing, "reverse": value})
    for label in ("r1", "r2"):
        p.request(f"delete container {label}", "DELETE", p.name(label))
    p.request("not UTF-8 container", "PUT", "%A4%C3%B6%C3" + p.name("u"))
    p.request("0xFF in container", "PUT", "%FF" + p.name("u"))
    p.request("copy to //o", "COPY", f"{c}/test", headers={"Destination": "//o"})
    p.request("copy to no slash", "COPY", f"{c}/test", headers={"Destination": "o"})
    for name in ("test", "/test/bar", "/test/bar/foo", "tt/x", "a//b"):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)


def object_versioning(p: Probe) -> None:
    """Object versioning (X-Versions-Enabled): versions written, read, listed, restored
    and deleted, delete markers, the container's counts; RGW 16 takes none of it, and
    is asked only whether it ignores the header and the listing parameter."""
    c = p.name("c")

    def send(label: str, method: str, path: str, **kwargs) -> None:
        response = p.request(label, method, path, **kwargs)
        version_id = response.headers.get("x-object-version-id")
        if version_id and version_id != "null" and version_id not in p.volatile:
            p.volatile[version_id] = f"<version {len(p.volatile) + 1}>"
        versions.append(version_id)

    versions: list[str | None] = []
    send("create versioned container", "PUT", c, headers={"X-Versions-Enabled": "true"})
    send("head container", "HEAD", c)
    send("put version one", "PUT", f"{c}/obj", data=b"one")
    send("put version two", "PUT", f"{c}/obj", data=b"two!")
    send("get the current version", "GET", f"{c}/obj")
    send("list versions", "GET", c, params={"versions": "", "format": "json"})
    if p.flavor != "swift":
        for label, path in (("delete obj", f"{c}/obj"), ("delete container", c)):
            send(label, "DELETE", path, record_body=False)
        return
    one, two = versions[2], versions[3]
    send("get version one", "GET", f"{c}/obj", params={"version-id": one})
    send("list", "GET", c, params={"format": "json"})
    send("head container with versions", "HEAD", c)
    send("delete the object", "DELETE", f"{c}/obj")
    marker = versions[-1]
    send("get the deleted object", "GET", f"{c}/obj")
    send("head the delete marker", "HEAD", f"{c}/obj", params={"version-id": marker})
    send("restore version one", "PUT", f"{c}/obj", data=b"", params={"version-id": one})
    send("get the restored object", "GET", f"{c}/obj")
    send("delete version two", "DELETE", f"{c}/obj", params={"version-id": two})
    send("post to a version", "POST", f"{c}/obj", params={"version-id": one})
    send("list versions as xml", "GET", c, params={"versions": "", "format": "xml"})
    bad_marker = {"versions": "", "version_marker": one}
    send("list versions after a bad marker", "GET", c, params=bad_marker)
    send("delete container with versions", "DELETE", c)
    send("disable versioning", "POST", c, headers={"X-Versions-Enabled": "false"})
    send("head disabled container", "HEAD", c)
    send("put unversioned", "PUT", f"{c}/obj", data=b"three")
    send("list versions when disabled", "GET", c, params={"versions": "", "format": "json"})
    for version_id in (one, marker, "null"):
        send("delete a version", "DELETE", f"{c}/obj", params={"version-id": version_id})
    send("list versions at the end", "GET", c, params={"versions": "", "format": "json"})
    send("delete container", "DELETE", c)


def versioned_writes(p: Probe) -> None:
    """Versioned writes: X-Versions-Location set and shown; overwrites archived, DELETEs
    restoring the newest version; the location's checks, removal, history mode (Swift's
    X-History-Location, which RGW ignores) and a missing archive container."""
    c, v = p.name("vw"), p.name("vw-archive")

    def record_archive(label: str) -> list[str]:
        response = p.request(label, "GET", v, params={"format": "json"}, record_body=False)
        entries = response.json()
        p.records.append(
            {
                "step": f"{label}: names and types",
                # <3-hex length><name>/<time>: the time's shape differs per server.
                "names": [
                    re.sub(r"/\d+\.(\d+)$", lambda m: f"/<time .{len(m[1])}>", e["name"])
                    for e in entries
                ],
                "types": [e.get("content_type") for e in entries],
                "bytes": [e["bytes"] for e in entries],
            }
        )
        return [e["name"] for e in entries]

    p.request("create archive", "PUT", v)
    p.request("create versioned container", "PUT", c, headers={"X-Versions-Location": v})
    p.request("head versioned container", "HEAD", c)
    first = {"Content-Type": "text/one", "X-Object-Meta-A": "1", "Content-Disposition": "inline"}
    p.request("put first", "PUT", f"{c}/o", data=b"one", headers=first)
    p.request("put second", "PUT", f"{c}/o", data=b"second", headers={"Content-Type": "text/two"})
    p.request("post (no new version)", "POST", f"{c}/o", headers={"X-Object-Meta-B": "2"})
    p.request("put third", "PUT", f"{c}/o", data=b"third", headers={"Content-Type": "text/3"})
    names = record_archive("archive after three writes")
    p.request("get oldest version", "GET", f"{v}/{names[0]}")
    p.request("delete restores the newest version", "DELETE", f"{c}/o")
    p.request("get restored", "GET", f"{c}/o")
    p.request("delete restores the first", "DELETE", f"{c}/o")
    p.request("get first", "GET", f"{c}/o")
    record_archive("archive emptied")
    p.request("delete the last", "DELETE", f"{c}/o")
    p.request("get deleted", "GET", f"{c}/o")
    p.request("delete again", "DELETE", f"{c}/o")
    p.request("post encoded location", "POST", c, headers={"X-Versions-Location": f"{v}%2Fx"})
    p.request("head with encoded location", "HEAD", c)
    p.request("post location with a slash", "POST", c, headers={"X-Versions-Location": f"{v}/x"})
    both = {"X-Remove-Versions-Location": "x", "X-Versions-Location": v}
    p.request("post removal and location", "POST", c, headers=both)
    p.request("list with location", "GET", c, params={"format": "json"})
    p.request("post history location", "POST", c, headers={"X-History-Location": v})
    p.request("head after history location", "HEAD", c)
    p.request("put in history mode", "PUT", f"{c}/h", data=b"h1")
    p.request("overwrite in history mode", "PUT", f"{c}/h", data=b"h2")
    p.request("delete in history mode", "DELETE", f"{c}/h")
    p.request("delete it again", "DELETE", f"{c}/h")
    p.request("get after the deletes", "GET", f"{c}/h")
    names = record_archive("archive after history mode")
    p.request("post empty location", "POST", c, headers={"X-Versions-Location": ""})
    p.request("head without location", "HEAD", c)
    p.request("put plain", "PUT", f"{c}/x", data=b"x")
    p.request("post missing archive", "POST", c, headers={"X-Versions-Location": p.name("none")})
    p.request("overwrite with the archive missing", "PUT", f"{c}/x", data=b"y")
    p.request("delete with the archive missing", "DELETE", f"{c}/x")
    p.request("remove location", "POST", c, headers={"X-Remove-Versions-Location": "x"})
    for name in ("x", "h"):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    for name in names:
        p.request("delete archived", "DELETE", f"{v}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)
    p.request("delete archive", "DELETE", v)


def static_web(p: Probe) -> None:
    """Static web read by the owner with X-Web-Mode: the redirect to a path with its last
    slash, listings (with and without CSS), a directory marker, the index page, the error
    page, and a container that is no site."""
    c = p.name("web")
    web = {"X-Web-Mode": "true"}

    def record_page(label: str, path: str) -> None:
        response = p.request(label, "GET", path, headers=web, record_body=False)
        text = response.content.decode("utf-8", "replace")
        text = re.sub(r"Listing of [^<]*", "Listing of <path>", text)
        text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "<date>", text)
        text = re.sub(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT", "<date>", text)
        if "Listing of" in response.text:  # its title names the path as the server has it
            length = f"{len(text.encode())} (normalized)"
            p.records[-1]["headers"]["content-length"] = length
        location = response.headers.get("location")
        p.records.append(
            {
                "step": f"{label}: page",
                "body": p.text(text),
                "location ends with the path and a slash": (
                    None if location is None else location.endswith(f"/{path}/")
                ),
            }
        )

    p.request("create container", "PUT", c)
    p.request(
        "put page",
        "PUT",
        f"{c}/index.html",
        data=b"<p>home</p>",
        headers={"Content-Type": "text/html"},
    )
    p.request(
        "put marker", "PUT", f"{c}/dir", data=b"", headers={"Content-Type": "application/directory"}
    )
    p.request(
        "put in dir",
        "PUT",
        f"{c}/dir/a b.txt",
        data=b"x" * 3000,
        headers={"Content-Type": "text/plain"},
    )
    p.request(
        "put error page",
        "PUT",
        f"{c}/404err.html",
        data=b"lost",
        headers={"Content-Type": "text/html"},
    )
    record_page("no site: container", c)
    record_page("no site: container/", f"{c}/")
    p.request("turn listings on", "POST", c, headers={"X-Container-Meta-Web-Listings": "true"})
    record_page("listing: container", c)
    record_page("listing: container/", f"{c}/")
    record_page("listing: dir", f"{c}/dir")
    record_page("listing: dir/", f"{c}/dir/")
    record_page("listing: nothing/", f"{c}/nothing/")
    p.request("set css", "POST", c, headers={"X-Container-Meta-Web-Listings-Css": "style.css"})
    record_page("listing with css: dir/", f"{c}/dir/")
    p.request("set index", "POST", c, headers={"X-Container-Meta-Web-Index": "index.html"})
    record_page("index: container/", f"{c}/")
    record_page("index: dir/", f"{c}/dir/")
    p.request("set error page", "POST", c, headers={"X-Container-Meta-Web-Error": "err.html"})
    record_page("error page: missing", f"{c}/missing")
    p.request("get missing without web mode", "GET", f"{c}/missing")
    for name in ("index.html", "dir", "dir/a b.txt", "404err.html"):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)


def _archive(files: dict[str, bytes | None], mode: str = "w") -> bytes:
    """A tar archive (``mode`` "w:gz" or "w:bz2" compresses it) of ``files``; a None
    body makes a directory entry."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:
        for name, data in files.items():
            member = tarfile.TarInfo(name)
            if data is None:
                member.type = tarfile.DIRTYPE
                archive.addfile(member)
                continue
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


def bulk_upload(p: Probe) -> None:
    """PUT ?extract-archive: into the account (the archive's first directories name the
    containers), a container and a pseudo-directory; directory entries; reports in text,
    JSON and XML; tar.gz and tar.bz2; an unknown format, a broken archive, one with no
    files; what /info announces; a bulk delete sent to an object's path."""
    root = p.server.main.storage_url.split("/v1/")[0]
    document = requests.get(f"{root}/info", timeout=30).json()
    p.observe("info bulk_upload", document.get("bulk_upload"))
    a, b, c = p.name("a"), p.name("b"), p.name("c")
    p.request("create a", "PUT", a)
    files = {f"{a}/one.txt": b"one", f"{a}/dir/two.html": b"two"}
    if p.flavor == "swift":
        # RGW 16.2.15 crashes on a file whose container is missing (or at the top).
        files.update({f"{c}/new": b"new", "top.txt": b"top"})
    tar = {"extract-archive": "tar"}
    p.request("extract into the account", "PUT", params=tar, data=_archive(files))
    p.request("list a", "GET", a, params={"format": "json"})
    p.request(
        "extract with directory entries",
        "PUT",
        params=tar,
        data=_archive({b: None, f"{b}/six": b"6", f"{b}/d": None, f"{b}/d/seven": b"7"}),
        headers={"Accept": "application/json"},
    )
    p.request("list b", "GET", b, params={"format": "json"})
    meta = {"X-Object-Meta-Color": "red", "Accept": "application/json"}
    archive = _archive({"three": b"3", "./four.json": b"{}", "sub": None, "sub/x": b"x"})
    p.request("extract into a container", "PUT", a, params=tar, data=archive, headers=meta)
    p.request("head three", "HEAD", f"{a}/three")
    p.request(
        "extract into a pseudo-directory, XML",
        "PUT",
        f"{a}/sub/",
        params={"extract-archive": "TAR"},
        data=_archive({"five": b"5"}),
        headers={"Accept": "application/xml"},
    )
    p.request(
        "tar.gz",
        "PUT",
        a,
        params={"extract-archive": "tar.gz"},
        data=_archive({"g": b"g"}, "w:gz"),
        headers={"Accept": "application/json"},
    )
    p.request(
        "tar.bz2",
        "PUT",
        a,
        params={"extract-archive": "tar.bz2"},
        data=_archive({"z": b"z"}, "w:bz2"),
    )
    p.request("list a again", "GET", a, params={"format": "json"})
    p.request("unknown format", "PUT", a, params={"extract-archive": "zip"}, data=b"x")
    p.request("broken archive", "PUT", a, params=tar, data=b"not a tar")
    p.request("no files", "PUT", a, params=tar, data=_archive({}))
    p.request("missing container", "PUT", p.name("missing"), params=tar, data=_archive({"x": b"x"}))
    p.request(
        "bulk delete of a container not empty, XML",
        "DELETE",
        params={"bulk-delete": ""},
        data=f"/{b}".encode(),
        headers={"Accept": "application/xml", "Content-Type": "text/plain"},
    )
    p.request(
        "bulk delete on an object's path",
        "DELETE",
        f"{a}/three",
        params={"bulk-delete": ""},
        data=f"{a}/three".encode(),
        headers={"Accept": "application/xml", "Content-Type": "text/plain"},
    )
    for container in (a, b, c):
        listing = p.request(f"list {container}", "GET", container, record_body=False)
        if listing.status_code == 200:
            for name in listing.text.splitlines():
                p.request(
                    "delete", "DELETE", f"{container}/{quote(name, safe='')}", record_body=False
                )
            p.request("delete container", "DELETE", container, record_body=False)


def etag_quoter(p: Probe) -> None:
    """X-Account-/X-Container-Rfc-Compliant-Etags: set, shown, removed; the ETags of
    object reads and writes while the container's or the account's flag is in force."""
    root = p.server.main.storage_url.split("/v1/")[0]
    document = requests.get(f"{root}/info", timeout=30).json()
    p.observe("info etag_quoter", document.get("etag_quoter"))
    c = p.name("c")
    p.request("create container", "PUT", c, headers={"X-Container-Rfc-Compliant-Etags": "yes"})
    p.request("head container", "HEAD", c)
    p.request("put object", "PUT", f"{c}/o", data=b"test")
    p.request("get object", "GET", f"{c}/o")
    p.request("container flag off", "POST", c, headers={"X-Container-Rfc-Compliant-Etags": "f"})
    p.request("head container off", "HEAD", c)
    p.request("head object off", "HEAD", f"{c}/o")
    try:
        p.request("account flag on", "POST", headers={"X-Account-Rfc-Compliant-Etags": "true"})
        p.request("head account", "HEAD", record_body=False)
        p.request(
            "container flag removed", "POST", c, headers={"X-Container-Rfc-Compliant-Etags": ""}
        )
        p.request("head object by the account's flag", "HEAD", f"{c}/o")
        p.request(
            "copy by the account's flag",
            "PUT",
            f"{c}/copy",
            data=b"",
            headers={"X-Copy-From": f"{c}/o"},
        )
        p.request("list", "GET", c, params={"format": "json"})
        p.request(
            "container flag removed with X-Remove",
            "POST",
            c,
            headers={"X-Container-Rfc-Compliant-Etags": "t"},
        )
        p.request(
            "remove it",
            "POST",
            c,
            headers={"X-Remove-Container-Rfc-Compliant-Etags": "1"},
        )
        p.request("head container after remove", "HEAD", c)
    finally:
        p.request("account flag removed", "POST", headers={"X-Account-Rfc-Compliant-Etags": ""})
    p.request("head object after all", "HEAD", f"{c}/o")
    for name in ("o", "copy"):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)
