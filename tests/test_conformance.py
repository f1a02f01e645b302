"""The differential conformance suite: the same requests to the fake and to a real server.

Each case sends a short sequence of requests and records what clients read from the
answers: the status, the headers swiftclient looks at (their value, or their format
where the value is a time or an id), listing JSON, and bodies. A case passes when
``mock_allas(flavor=X)`` records exactly what the real server of flavor X records; the
ids name the server (``rgw`` is Ceph RGW with its own logins, ``allas`` the same RGW
checking tokens at a real Keystone as Allas does, both compared with the rgw flavor;
``swift`` is OpenStack Swift).
"""

from __future__ import annotations

import email.utils
import hashlib
import hmac
import http.client
import json
import os
import re
import tempfile
import time
import uuid
from collections.abc import Callable
from urllib.parse import quote, urlsplit

import pytest
import requests
from swiftclient.service import SwiftService, SwiftUploadObject
from swiftclient.utils import generate_temp_url

from backends.common import RealServer
from conftest import FLAVOR_OF, fake_server
from fake_swift import mock_allas

# Headers that python-swiftclient and the examples read, compared by value...
EXACT_HEADERS = (
    "content-length",
    "content-type",
    "etag",
    "accept-ranges",
    "content-range",
    "x-static-large-object",
    "x-object-manifest",
    "x-container-object-count",
    "x-container-bytes-used",
    "content-disposition",
    "expires",
    "x-storage-policy",
    "x-storage-class",
    "x-container-bytes-used-actual",
)
# ACL headers, compared by value with the other account's id as a placeholder.
ACL_HEADERS = ("x-container-read", "x-container-write")
# ...and these by format only (times and ids differ from run to run).
FORMATTED_HEADERS = {
    "last-modified": "http-date",
    "x-timestamp": "timestamp",
    "x-delete-at": "whole seconds",
    "x-trans-id": "present",
    "x-openstack-request-id": "present",
}
META_PREFIXES = ("x-object-meta-", "x-container-meta-", "x-account-meta-")
LISTING_TIMES = {
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z": "<time with ms and Z>",
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}": "<time with µs>",
}


class Probe:
    """Sends requests to one server and records what a client would read."""

    def __init__(self, server: RealServer, unique: str) -> None:
        self.server = server
        self.unique = unique
        self.records: list[dict] = []
        # Values that differ from run to run by nature, each shown as its placeholder
        # in every record once the case has run (see ``observe``).
        self.volatile: dict[str, str] = {}

    # names: unique on the server, the same placeholder in every record
    def name(self, label: str) -> str:
        return f"{self.unique}-{label}"

    def url(self, path: str = "", account: str = "main") -> str:
        base = getattr(self.server, account).storage_url
        return f"{base}/{path}" if path else base

    def request(
        self,
        label: str,
        method: str,
        path: str = "",
        *,
        headers: dict | None = None,
        data: bytes | None = None,
        params: dict | None = None,
        account: str = "main",
        token: str | None = "own",
        record_body: bool = True,
    ) -> requests.Response:
        sent = dict(headers or {})
        if token == "own":
            sent["X-Auth-Token"] = getattr(self.server, account).token
        elif token is not None:
            sent["X-Auth-Token"] = token
        response = requests.request(
            method, self.url(path, account), headers=sent, data=data, params=params, timeout=30
        )
        self.record(label, response, record_body)
        return response

    def send_raw(
        self, label: str, method: str, path: str, *, body: bytes | None, length: object
    ) -> requests.Response:
        """A request whose Content-Length says ``length`` (None: no such header, and no
        chunking) whatever the body is: the server must decide from the header alone."""
        if self.server.name != "fake":
            return self._send_with_http_client(label, method, path, body, length)
        with requests.Session() as session:
            prepared = session.prepare_request(
                requests.Request(
                    method,
                    self.url(path),
                    headers={"X-Auth-Token": self.server.main.token},
                    data=body,
                )
            )
            prepared.headers.pop("Content-Length", None)
            prepared.headers.pop("Transfer-Encoding", None)
            if length is not None:
                prepared.headers["Content-Length"] = str(length)
            response = session.send(prepared, timeout=30)
        self.record(label, response)
        return response

    def _send_with_http_client(
        self, label: str, method: str, path: str, body: bytes | None, length: object
    ) -> requests.Response:
        """``send_raw`` on a real server: http.client sends exactly these headers (urllib3
        would add a Content-Length: 0 to a PUT without one)."""
        url = urlsplit(self.url(path))
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        try:
            connection.putrequest(method, url.path, skip_accept_encoding=True)
            connection.putheader("X-Auth-Token", self.server.main.token)
            if length is not None:
                connection.putheader("Content-Length", str(length))
            connection.endheaders(body)
            answer = connection.getresponse()
            response = requests.Response()
            response.status_code = answer.status
            response.headers = requests.structures.CaseInsensitiveDict(answer.getheaders())
            response._content = answer.read()
        finally:
            connection.close()
        self.record(label, response)
        return response

    def record(self, label: str, response: requests.Response, record_body: bool = True) -> None:
        entry = {
            "step": self.text(label),
            "status": response.status_code,
            "headers": self.headers(response),
        }
        boundary = re.search(r"boundary=([^;\s]+)", response.headers.get("content-type", ""))
        if boundary:
            # A multipart/byteranges boundary is random on every reply.
            self.volatile[boundary.group(1)] = "<boundary>"
        if record_body:
            entry["body"] = self.body(response)
            length = entry["headers"].get("content-length")
            if (
                isinstance(entry["body"], str)
                and "<account id>" in entry["body"]
                and length == str(len(response.content))
            ):
                # The account id differs in length per server: the length of the body
                # with its placeholder, once the header is seen to match the body.
                entry["headers"]["content-length"] = f"{len(entry['body'].encode())} (normalized)"
        self.records.append(entry)

    def headers(self, response: requests.Response) -> dict:
        seen = {key.lower(): value for key, value in response.headers.items()}
        shown = {name: self.text(seen.get(name)) for name in EXACT_HEADERS}
        for name, kind in FORMATTED_HEADERS.items():
            shown[name] = header_format(kind, seen.get(name))
        for name in ACL_HEADERS:
            shown[name] = self.acl_text(seen.get(name))
        shown["request ids equal"] = seen.get("x-trans-id") == seen.get("x-openstack-request-id")
        # The account's per-policy headers by name: their counts cover the whole account,
        # which other tests share on a real server.
        policy_headers = sorted(n for n in seen if n.startswith("x-account-storage-policy-"))
        if policy_headers:
            shown["per-policy headers"] = policy_headers
        for name, value in seen.items():
            if name.startswith(META_PREFIXES):
                shown[name] = self.text(value)
        return shown

    def other_id(self) -> str:
        """The other account's id: "other" on Swift, a uid or project id elsewhere."""
        return self.url(account="other").rsplit("/AUTH_", 1)[-1]

    def acl_text(self, value: str | None) -> str | None:
        """An ACL with the other account's id (alone, after AUTH_ or before a colon) as
        a placeholder: it differs per server."""
        if value is None:
            return None
        pattern = rf"^(AUTH_)?{re.escape(self.other_id())}(?=$|:)"
        entries = (re.sub(pattern, r"\1<other account id>", e) for e in value.split(","))
        return self.text(",".join(entries))

    def body(self, response: requests.Response):
        if response.status_code >= 400:
            # Error bodies: the words clients may show, not the HTML around them.
            words = " ".join(re.sub(r"<[^>]+>", " ", response.text).split())
            return self.without_own_ids(response, self.text(words))
        content_type = response.headers.get("content-type", "")
        if "json" in content_type and response.content:
            return self.normalize(response.json())
        text = self.text(response.content.decode("utf-8", "replace"))
        if "xml" in content_type:
            # XML listings carry the same listing times as JSON ones.
            for pattern, shape in LISTING_TIMES.items():
                text = re.sub(pattern, shape, text)
        return text

    @staticmethod
    def without_own_ids(response: requests.Response, value: str | None) -> str | None:
        """``value`` with the reply's own transaction id, and the server instance that id
        names (RGW: tx...-<time>-<instance>-<zonegroup>), put as placeholders: RGW's
        error documents repeat them as RequestId and in HostId."""
        trans_id = response.headers.get("x-trans-id")
        if not trans_id or value is None:
            return value
        replacements = [(trans_id, "<own transaction id>")]
        parts = trans_id.split("-", 2)
        if len(parts) == 3:
            replacements.append((parts[2], "<server instance>"))

        for found, placeholder in replacements:
            value = value.replace(found, placeholder)
        return value

    def normalize(self, value):
        if isinstance(value, dict):
            return {key: self.normalize(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.normalize(item) for item in value]
        if isinstance(value, str):
            for pattern, shape in LISTING_TIMES.items():
                if re.fullmatch(pattern, value):
                    return shape
            return self.text(value)
        return value

    def settle(self, value):
        """``value`` with the volatile values put in as their placeholders."""
        if isinstance(value, dict):
            return {key: self.settle(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.settle(item) for item in value]
        if isinstance(value, str):
            for volatile, placeholder in self.volatile.items():
                value = value.replace(volatile, placeholder)
        return value

    def text(self, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.replace(self.unique, "<unique>").replace(self.url(), "<account>")
        # The account's own id (AUTH_<id> on Swift, the user id on RGW) differs per server.
        account_id = self.url().rsplit("/AUTH_", 1)[-1]
        value = value.replace(f"AUTH_{account_id}", "AUTH_<account id>")
        if len(account_id) >= 16:  # not a short word such as Swift's "main"
            value = value.replace(account_id, "<account id>")
        return value

    def service(self) -> SwiftService:
        return SwiftService(
            options={
                "os_storage_url": self.server.main.storage_url,
                "os_auth_token": self.server.main.token,
                "retries": 0,
            }
        )


def header_format(kind: str, value: str | None) -> str | None:
    if value is None:
        return None
    if kind == "http-date":
        return "http-date" if email.utils.parsedate_to_datetime(value) else value
    if kind == "whole seconds":
        return kind if re.fullmatch(r"\d{10}", value) else value
    if kind == "timestamp":
        return "timestamp" if re.fullmatch(r"\d{10}\.\d{5}", value) else value
    return "present"


# --- the cases: each sends requests through a Probe ----------------------------------


def container_lifecycle(p: Probe) -> None:
    c = p.name("c")
    p.request("create", "PUT", c)
    p.request("create again", "PUT", c)
    p.request("head", "HEAD", c)
    p.request("set metadata", "POST", c, headers={"X-Container-Meta-Colour": "green"})
    p.request("head with metadata", "HEAD", c)
    p.request("delete", "DELETE", c)
    p.request("delete again", "DELETE", c)
    p.request("head deleted", "HEAD", c)
    p.request("list deleted", "GET", c, params={"format": "json"})


def object_lifecycle(p: Probe) -> None:
    c = p.name("c")
    p.request("create container", "PUT", c)
    p.request(
        "put",
        "PUT",
        f"{c}/snake.txt",
        data=b"hiss hiss\n",
        headers={"Content-Type": "text/plain", "X-Object-Meta-Kind": "python"},
    )
    p.request("get", "GET", f"{c}/snake.txt")
    p.request("head", "HEAD", f"{c}/snake.txt")
    p.request("replace metadata", "POST", f"{c}/snake.txt", headers={"X-Object-Meta-Size": "big"})
    p.request("head after post", "HEAD", f"{c}/snake.txt")
    p.request("container counts", "HEAD", c)
    p.request("delete non-empty container", "DELETE", c)
    p.request("delete", "DELETE", f"{c}/snake.txt")
    p.request("get deleted", "GET", f"{c}/snake.txt")
    p.request("delete deleted", "DELETE", f"{c}/snake.txt")
    p.request("delete container", "DELETE", c)


def object_failures(p: Probe) -> None:
    c = p.name("c")
    p.request("put into missing container", "PUT", f"{c}/x", data=b"x")
    p.request("create container", "PUT", c)
    p.request("put with wrong etag", "PUT", f"{c}/x", data=b"abc", headers={"ETag": "0" * 32})
    p.request(
        "put with right etag",
        "PUT",
        f"{c}/x",
        data=b"abc",
        headers={"ETag": "900150983cd24fb0d6963f7d28e17f72"},
    )
    p.request("delete", "DELETE", f"{c}/x")
    p.request("delete container", "DELETE", c)


def short_container_name(p: Probe) -> None:
    # Not unique: RGW refuses it anyway; Swift makes it in the test's own account.
    p.request("create two-letter container", "PUT", "ab")
    p.request("delete two-letter container", "DELETE", "ab")


def listings(p: Probe) -> None:
    c = p.name("c")
    p.request("create container", "PUT", c)
    for name in ("a", "b/1", "b/2", "c", "d/e/f"):
        p.request(
            f"put {name}",
            "PUT",
            f"{c}/{name}",
            data=name.encode(),
            headers={"Content-Type": "text/plain"},
            record_body=False,
        )
    for query in (
        {},
        {"prefix": "b/"},
        {"delimiter": "/"},
        {"prefix": "d/", "delimiter": "/"},
        {"marker": "b/1"},
        {"end_marker": "c"},
        {"limit": "2"},
        {"marker": "a", "limit": "2"},
    ):
        p.request(f"json {query}", "GET", c, params={"format": "json", **query})
        p.request(f"plain {query}", "GET", c, params=query)
    for name in ("a", "b/1", "b/2", "c", "d/e/f"):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)


def account_listing(p: Probe) -> None:
    names = [p.name("x1"), p.name("x2"), p.name("y-z")]
    for name in names:
        p.request(f"create {name}", "PUT", name, record_body=False)
    p.request("json with prefix", "GET", params={"format": "json", "prefix": p.unique})
    p.request("plain with prefix", "GET", params={"prefix": p.unique})
    p.request(
        "json with prefix and delimiter",
        "GET",
        params={"format": "json", "prefix": p.unique, "delimiter": "-"},
    )
    p.request(
        "json with marker", "GET", params={"format": "json", "prefix": p.unique, "marker": names[0]}
    )
    for name in names:
        p.request(f"delete {name}", "DELETE", name, record_body=False)


def ranges_and_conditions(p: Probe) -> None:
    c = p.name("c")
    p.request("create container", "PUT", c)
    p.request("put", "PUT", f"{c}/digits", data=b"0123456789")
    p.request("first four", "GET", f"{c}/digits", headers={"Range": "bytes=0-3"})
    p.request("last three", "GET", f"{c}/digits", headers={"Range": "bytes=-3"})
    p.request("from seven", "GET", f"{c}/digits", headers={"Range": "bytes=7-"})
    p.request("unsatisfiable", "GET", f"{c}/digits", headers={"Range": "bytes=100-200"})
    etag = "781e5e245d69b566979b86e28d23f2c7"
    p.request("if-none-match hit", "GET", f"{c}/digits", headers={"If-None-Match": etag})
    p.request("if-none-match miss", "GET", f"{c}/digits", headers={"If-None-Match": "0" * 32})
    p.request("delete", "DELETE", f"{c}/digits")
    p.request("delete container", "DELETE", c)


def copies(p: Probe) -> None:
    c = p.name("c")
    p.request("create container", "PUT", c)
    p.request(
        "put",
        "PUT",
        f"{c}/orig",
        data=b"original",
        headers={"Content-Type": "text/plain", "X-Object-Meta-Tag": "one"},
    )
    p.request("copy method", "COPY", f"{c}/orig", headers={"Destination": f"{c}/by-copy"})
    p.request("x-copy-from", "PUT", f"{c}/by-put", data=b"", headers={"X-Copy-From": f"{c}/orig"})
    p.request("get copy", "GET", f"{c}/by-copy")
    p.request("get put copy", "GET", f"{c}/by-put")
    p.request(
        "copy of missing", "PUT", f"{c}/none", data=b"", headers={"X-Copy-From": f"{c}/missing"}
    )
    for name in ("orig", "by-copy", "by-put"):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)


def large_objects(use_slo: bool) -> Callable[[Probe], None]:
    def case(p: Probe) -> None:
        c = p.name("c")
        payload = bytes(range(256)) * 2 + b"tail"  # 516 bytes: 6 segments of 100 and 16
        with tempfile.TemporaryDirectory() as folder:
            # From a file with a fixed mtime: swiftclient sends it as X-Object-Meta-Mtime
            # and names the segments after it (from a stream it would send the clock).
            path = os.path.join(folder, "big")
            with open(path, "wb") as file:
                file.write(payload)
            os.utime(path, (1_700_000_000, 1_700_000_000))
            with p.service() as swift:
                results = list(
                    swift.upload(
                        c,
                        [SwiftUploadObject(path, object_name="big")],
                        {"segment_size": 100, "use_slo": use_slo},
                    )
                )
        assert all(r["success"] for r in results), [r.get("error") for r in results]
        p.request("head manifest", "HEAD", f"{c}/big")
        whole = p.request("get whole", "GET", f"{c}/big")
        p.request("range across segments", "GET", f"{c}/big", headers={"Range": "bytes=95-104"})
        # What a client resuming a broken download sends (swiftclient: Range and If-Match);
        # RGW compares a static large object's conditions with its listed hash.
        etag = whole.headers.get("etag", "")
        conditions = (
            ("if-match of its etag", {"If-Match": etag}),
            ("resume with range and if-match", {"If-Match": etag, "Range": "bytes=100-"}),
            ("if-none-match of its etag", {"If-None-Match": etag}),
        )
        for label, headers in conditions if use_slo else ():
            p.request(label, "GET", f"{c}/big", headers=headers)
        listed = p.request("list container", "GET", c, params={"format": "json"}).json()
        hashes = [entry["hash"] for entry in listed if entry["name"] == "big"]
        if use_slo:
            p.request(
                "if-match of its listed hash", "GET", f"{c}/big", headers={"If-Match": hashes[0]}
            )
            p.request("if-match of another etag", "GET", f"{c}/big", headers={"If-Match": "0" * 32})
        p.request("list segments", "GET", f"{c}_segments")
        if use_slo:
            manifest = p.request(
                "manifest", "GET", f"{c}/big", params={"multipart-manifest": "get"}
            )
            # A stored manifest names its segments' times, so its md5 (its ETag, and its
            # hash in listings) differs per run: it must be the md5 of the body served.
            etag = manifest.headers.get("etag", "")
            if manifest.content and etag == hashlib.md5(manifest.content).hexdigest():
                p.volatile[etag] = "<md5 of the manifest served>"
        with p.service() as swift:
            deleted = list(swift.delete(c, ["big"]))
        assert all(r["success"] for r in deleted), [r.get("error") for r in deleted]
        p.request("segments after delete", "GET", f"{c}_segments", params={"format": "json"})
        p.request("delete segments container", "DELETE", f"{c}_segments")
        p.request("delete container", "DELETE", c)

    return case


def info(p: Probe) -> None:
    root = p.server.main.storage_url.split("/v1/")[0]
    response = requests.get(f"{root}/info", timeout=30)
    document = response.json()
    # The values clients read, not the server's whole list of middlewares: what
    # swiftclient decides on (slo, bulk_delete), the core limits, temp URL methods and
    # digests (the fake implements all of these).
    p.records.append(
        {
            "step": "info",
            "status": response.status_code,
            "slo": "slo" in document,
            "bulk_delete": "bulk_delete" in document,
            "dlo": "dlo" in document,
            "tempurl": document.get("tempurl"),
            "core": json.dumps(document.get("swift"), sort_keys=True),
            "max_manifest_segments": document.get("slo", {}).get("max_manifest_segments"),
            "max_deletes_per_request": document.get("bulk_delete", {}).get(
                "max_deletes_per_request"
            ),
        }
    )


def bulk_delete(p: Probe) -> None:
    c = p.name("c")
    p.request("create container", "PUT", c)
    for name in ("one", "two", "three"):
        p.request(f"put {name}", "PUT", f"{c}/{name}", data=b"x", record_body=False)
    lines = "\n".join(f"/{c}/{name}" for name in ("one", "two", "missing"))
    p.request(
        "bulk delete",
        "POST",
        params={"bulk-delete": "true"},
        data=lines.encode(),
        headers={"Accept": "application/json", "Content-Type": "text/plain"},
    )
    p.request("left", "GET", c, params={"format": "json"})
    p.request(
        "bulk delete rest",
        "POST",
        params={"bulk-delete": "true"},
        data=f"/{c}/three\n/{c}".encode(),
        headers={"Accept": "application/json", "Content-Type": "text/plain"},
    )
    p.request("container gone", "HEAD", c)


def bulk_delete_by_delete(p: Probe) -> None:
    """The bulk delete as rclone (ncw/swift) sends it: DELETE on the account, paths in the
    body (without a leading slash, as it writes them), JSON asked for."""
    c = p.name("c")
    p.request("create container", "PUT", c)
    for name in ("one", "two/ä ö", "three"):
        p.request(f"put {name}", "PUT", f"{c}/{quote(name)}", data=b"x", record_body=False)
    lines = "\n".join(quote(f"{c}/{name}") for name in ("one", "two/ä ö", "missing"))
    p.request(
        "bulk delete",
        "DELETE",
        params={"bulk-delete": "1"},
        data=lines.encode(),
        headers={"Accept": "application/json", "Content-Type": "text/plain"},
    )
    p.request("left", "GET", c, params={"format": "json"})
    p.request(
        "bulk delete in text, the container not empty",
        "DELETE",
        params={"bulk-delete": "1"},
        data=f"/{c}".encode(),
        headers={"Content-Type": "text/plain"},
    )
    p.request(
        "bulk delete rest",
        "DELETE",
        params={"bulk-delete": "1"},
        data=f"/{c}/three\n/{c}".encode(),
        headers={"Accept": "application/json", "Content-Type": "text/plain"},
    )
    p.request("container gone", "HEAD", c)
    p.request("delete the account without bulk-delete", "DELETE", data=b"")


def access(p: Probe) -> None:
    c = p.name("c")
    p.request("create container", "PUT", c)
    p.request(
        "other account reads it",
        "GET",
        c,
        account="main",
        token=p.server.other.token,
        params={"format": "json"},
    )
    p.request("other account lists the account", "GET", account="main", token=p.server.other.token)
    p.request("no token", "GET", c, token=None)
    p.request("no token on the account", "GET", token=None)
    p.request("other account names it in its own account", "GET", c, account="other")
    p.request("other account puts into it", "PUT", f"{c}/x", account="other", data=b"x")
    p.request("bad token", "GET", c, token="not-a-token")
    p.request("owner sets metadata", "POST", c, headers={"X-Container-Meta-Owner": "main"})
    p.request(
        "other account creates it at the owner's URL with no headers",
        "PUT",
        c,
        account="main",
        token=p.server.other.token,
    )
    p.request(
        "other account creates it at the owner's URL",
        "PUT",
        c,
        account="main",
        token=p.server.other.token,
        headers={"X-Container-Meta-Owner": "other"},
    )
    p.request("owner heads it after that", "HEAD", c)
    p.request(
        "other account grants itself read at the owner's URL",
        "PUT",
        c,
        account="main",
        token=p.server.other.token,
        headers={"X-Container-Read": p.other_id()},
    )
    p.request(
        "other account reads it after that",
        "GET",
        c,
        account="main",
        token=p.server.other.token,
        params={"format": "json"},
    )
    p.request(
        "other account creates it in its own account",
        "PUT",
        c,
        account="other",
        headers={"X-Container-Meta-Owner": "other"},
    )
    p.request("owner still sees its own metadata", "HEAD", c)
    p.request(
        "other account's own listing",
        "GET",
        account="other",
        params={"format": "json", "prefix": p.unique},
    )
    p.request("delete container", "DELETE", c)


def cross_project_create(p: Probe) -> None:
    """Another project's token creates a new container at the main account's URL."""
    c, own = p.name("c"), p.name("own")
    # Both accounts hold a container first, as Swift's accounts then exist (a shared real
    # server's accounts may have held some before; the fake's are new).
    p.request("owner creates one of its own", "PUT", own)
    p.request("other account creates one of its own", "PUT", own + "-other", account="other")
    p.request(
        "other account creates a new one at the owner's URL",
        "PUT",
        c,
        account="main",
        token=p.server.other.token,
    )
    p.request("owner heads it", "HEAD", c)
    p.request("owner lists it", "GET", params={"format": "json", "prefix": p.unique})
    p.request("other account heads it", "HEAD", c, token=p.server.other.token)
    p.request("other account puts into it", "PUT", f"{c}/x", data=b"x", token=p.server.other.token)
    p.request(
        "other account's own listing",
        "GET",
        account="other",
        params={"format": "json", "prefix": p.unique},
    )
    p.request("other account deletes it", "DELETE", c, token=p.server.other.token)
    p.request("owner deletes it", "DELETE", c)
    p.request("owner deletes its own", "DELETE", own)
    p.request("other account deletes its own", "DELETE", own + "-other", account="other")


GUESSED = ("a.txt", "b.csv", "c.json", "d.tar.gz", "e.TXT", "f", "g.fastq", "h.dir/i")


def guessed_content_types(p: Probe) -> None:
    """PUTs without a Content-Type: the server guesses one from the name (or not)."""
    c = p.name("c")
    p.request("create container", "PUT", c)
    for name in GUESSED:
        p.request(f"put {name}", "PUT", f"{c}/{name}", data=b"x")
        p.request(f"head {name}", "HEAD", f"{c}/{name}")
    p.request(
        "put with an empty type", "PUT", f"{c}/empty.txt", data=b"x", headers={"Content-Type": ""}
    )
    p.request("head with an empty type", "HEAD", f"{c}/empty.txt")
    p.request("listing", "GET", c, params={"format": "json"})
    for name in (*GUESSED, "empty.txt"):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)


def storage_policies(p: Probe) -> None:
    """Containers in the one storage policy there is, and one that is not."""
    c, named, unknown = p.name("c"), p.name("named"), p.name("unknown")
    p.request("create", "PUT", c)
    p.request("put an object", "PUT", f"{c}/o", data=b"hello")
    p.request("put an empty object", "PUT", f"{c}/empty", data=b"")
    policy = p.request("head", "HEAD", c).headers.get("X-Storage-Policy", "")
    p.request("account", "HEAD")
    p.request("create naming the policy", "PUT", named, headers={"X-Storage-Policy": policy})
    p.request("create naming another", "PUT", unknown, headers={"X-Storage-Policy": "nada"})
    p.request("head the refused one", "HEAD", unknown)
    p.request("put again naming another", "PUT", c, headers={"X-Storage-Policy": "nada"})
    p.request("put again naming the policy", "PUT", c, headers={"X-Storage-Policy": policy})
    p.request("post naming another", "POST", c, headers={"X-Storage-Policy": "nada"})
    p.request("post naming the policy", "POST", c, headers={"X-Storage-Policy": policy})
    for name in ("o", "empty"):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete", "DELETE", c)
    p.request("delete the named one", "DELETE", named)


def account_without_prefix(p: Probe) -> None:
    """The account URL without AUTH_ in front of the account's id."""
    bare = p.url().replace("/AUTH_", "/", 1)
    for label, method in (("head", "HEAD"), ("list", "GET")):
        sent = {"X-Auth-Token": p.server.main.token}
        p.record(f"{label} without AUTH_", requests.request(method, bare, headers=sent, timeout=30))


# --- listings in every format, metadata, conditions (the API surface) ------------------

LISTED = ("a", "b/1", "b/2", "b/3/x", "c", "d/e/f", "d/g")


def listing_formats(p: Probe) -> None:
    c = p.name("c")
    p.request("create container", "PUT", c)
    for name in LISTED:
        p.request(
            f"put {name}",
            "PUT",
            f"{c}/{name}",
            data=name.encode(),
            headers={"Content-Type": "text/plain"},
            record_body=False,
        )
    for query, headers in (
        ({"format": "xml"}, {}),
        ({}, {"Accept": "application/xml"}),
        ({}, {"Accept": "text/xml"}),
        ({}, {"Accept": "application/json"}),
        ({"format": "xml", "delimiter": "/"}, {}),
        ({"format": "json", "reverse": "true"}, {}),
        ({"reverse": "true"}, {}),
        ({"format": "json", "reverse": "true", "marker": "c"}, {}),
        ({"format": "json", "reverse": "true", "end_marker": "b/2"}, {}),
        ({"format": "json", "reverse": "true", "delimiter": "/"}, {}),
        ({"format": "json", "end_marker": "b/3"}, {}),
        ({"format": "json", "marker": "b", "end_marker": "d"}, {}),
        ({"format": "json", "prefix": "b", "delimiter": "/"}, {}),
        ({"format": "json", "prefix": "d/", "delimiter": "/"}, {}),
        ({"format": "json", "prefix": "d/e", "delimiter": "/"}, {}),
        ({"format": "json", "delimiter": "e"}, {}),
        ({"format": "json", "delimiter": "/", "marker": "b/"}, {}),
        ({"format": "json", "delimiter": "/", "limit": "2"}, {}),
        ({"format": "json", "limit": "10000"}, {}),
        ({"format": "json", "limit": "10001"}, {}),
        ({"format": "json", "limit": "0"}, {}),
        ({"format": "json", "limit": "-1"}, {}),
        ({"format": "json", "limit": "two"}, {}),
        ({"format": "plain"}, {}),
        ({"format": "txt"}, {}),
        ({"format": "json", "prefix": "zzz"}, {}),
        ({"format": "xml", "prefix": "zzz"}, {}),
    ):
        p.request(f"list {query} {headers}", "GET", c, params=query, headers=headers)
    p.request("head with format", "HEAD", c, params={"format": "xml"})
    for name in LISTED:
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)


def account_listing_formats(p: Probe) -> None:
    names = [p.name("x1"), p.name("x2"), p.name("y-z"), p.name("y-zz")]
    for name in names:
        p.request(f"create {name}", "PUT", name, record_body=False)
    for query, headers in (
        ({"format": "xml"}, {}),
        ({}, {"Accept": "application/xml"}),
        ({"format": "json", "reverse": "true"}, {}),
        ({"reverse": "true"}, {}),
        ({"format": "json", "end_marker": names[2]}, {}),
        ({"format": "json", "limit": "1"}, {}),
        ({"format": "json", "limit": "10001"}, {}),
        ({"format": "json", "limit": "-1"}, {}),
        ({"format": "xml", "delimiter": "-"}, {}),
    ):
        p.request(
            f"list {query} {headers}", "GET", params={"prefix": p.unique, **query}, headers=headers
        )
    for name in names:
        p.request(f"delete {name}", "DELETE", name, record_body=False)


def metadata(p: Probe) -> None:
    c = p.name("c")
    p.request("create with metadata", "PUT", c, headers={"X-Container-Meta-One": "1"})
    p.request("add", "POST", c, headers={"X-Container-Meta-Two": "2"})
    p.request("both kept", "HEAD", c)
    p.request("empty value removes", "POST", c, headers={"X-Container-Meta-One": ""})
    p.request("remove header", "POST", c, headers={"X-Remove-Container-Meta-Two": "x"})
    p.request("none left", "HEAD", c)
    p.request("account add", "POST", headers={"X-Account-Meta-Conf-One": "1"})
    p.request("account add another", "POST", headers={"X-Account-Meta-Conf-Two": "2"})
    p.request("account shows both", "HEAD")
    p.request("account empty value", "POST", headers={"X-Account-Meta-Conf-One": ""})
    p.request("account remove", "POST", headers={"X-Remove-Account-Meta-Conf-Two": "x"})
    p.request("account shows none", "HEAD")
    o = f"{c}/o"
    p.request(
        "put object", "PUT", o, data=b"x", headers={"X-Object-Meta-A": "1", "X-Object-Meta-B": "2"}
    )
    p.request("post replaces", "POST", o, headers={"X-Object-Meta-C": "3"})
    p.request("only c", "HEAD", o)
    p.request(
        "post remove header",
        "POST",
        o,
        headers={"X-Remove-Object-Meta-C": "x", "X-Object-Meta-D": "4"},
    )
    p.request("after remove", "HEAD", o)
    p.request(
        "copy keeps",
        "PUT",
        f"{c}/kept",
        data=b"",
        headers={"X-Copy-From": o, "X-Object-Meta-E": "5"},
    )
    p.request(
        "copy fresh",
        "PUT",
        f"{c}/fresh",
        data=b"",
        headers={"X-Copy-From": o, "X-Fresh-Metadata": "true", "X-Object-Meta-F": "6"},
    )
    p.request("kept", "HEAD", f"{c}/kept")
    p.request("fresh", "HEAD", f"{c}/fresh")
    for name in ("o", "kept", "fresh"):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)


def metadata_limits(p: Probe) -> None:
    c = p.name("c")
    p.request("create container", "PUT", c)
    p.request("put object", "PUT", f"{c}/o", data=b"x", record_body=False)
    # 16 items of 256 bytes (name and value) make 4096; one byte more is too much.
    total = {f"X-Object-Meta-T{i:02d}": "v" * 253 for i in range(16)}
    over_total = {**total, "X-Object-Meta-T15": "v" * 254}
    sizes = {
        "name 80": {"X-Object-Meta-" + "n" * 80: "v"},
        "name 81": {"X-Object-Meta-" + "n" * 81: "v"},
        "name 128": {"X-Object-Meta-" + "n" * 128: "v"},
        "name 129": {"X-Object-Meta-" + "n" * 129: "v"},
        "value 256": {"X-Object-Meta-V": "v" * 256},
        "value 257": {"X-Object-Meta-V": "v" * 257},
        "90 items": {f"X-Object-Meta-I{i}": "v" for i in range(90)},
        "91 items": {f"X-Object-Meta-I{i}": "v" for i in range(91)},
        "empty name": {"X-Object-Meta-": "v"},
        "total 4096": total,
        "total 4097": over_total,
        "second too long": {"X-Object-Meta-Ok": "v", "X-Object-Meta-Bad": "v" * 300},
    }
    for label, headers in sizes.items():
        # Object metadata is kept in xattrs by Swift's object server: 4 KiB of it is
        # more than this machine's file system takes (503), whatever the API says.
        if label != "total 4096":
            p.request(f"put {label}", "PUT", f"{c}/o", data=b"x", headers=headers)
            p.request(f"post {label}", "POST", f"{c}/o", headers=headers)
            p.request(f"head after {label}", "HEAD", f"{c}/o")
        for kind in ("container", "account"):
            renamed = {k.replace("Object", kind.capitalize()): v for k, v in headers.items()}
            path = c if kind == "container" else ""
            p.request(f"post {kind} {label}", "POST", path, headers=renamed)
            removal = {k.replace("X-", "X-Remove-", 1): "x" for k in renamed if k[-1] != "-"}
            p.request(f"clear {kind} {label}", "POST", path, headers=removal, record_body=False)
    p.request("delete object", "DELETE", f"{c}/o", record_body=False)
    p.request("delete container", "DELETE", c)


def conditions(p: Probe) -> None:
    c = p.name("c")
    p.request("create container", "PUT", c)
    p.request("put", "PUT", f"{c}/digits", data=b"0123456789")
    etag = "781e5e245d69b566979b86e28d23f2c7"
    past, future = "Sat, 01 Jan 2000 00:00:00 GMT", "Fri, 01 Jan 2100 00:00:00 GMT"
    for label, headers in (
        ("if-match hit", {"If-Match": etag}),
        ("if-match quoted", {"If-Match": f'"{etag}"'}),
        ("if-match miss", {"If-Match": "0" * 32}),
        ("if-match star", {"If-Match": "*"}),
        ("if-match list", {"If-Match": f'"x", "{etag}"'}),
        ("if-none-match hit", {"If-None-Match": etag}),
        ("if-none-match star", {"If-None-Match": "*"}),
        ("if-none-match miss", {"If-None-Match": "0" * 32}),
        ("if-modified-since past", {"If-Modified-Since": past}),
        ("if-modified-since future", {"If-Modified-Since": future}),
        ("if-modified-since garbage", {"If-Modified-Since": "yesterday"}),
        ("if-unmodified-since past", {"If-Unmodified-Since": past}),
        ("if-unmodified-since future", {"If-Unmodified-Since": future}),
        ("if-match and range", {"If-Match": etag, "Range": "bytes=1-2"}),
        ("if-none-match and range", {"If-None-Match": etag, "Range": "bytes=1-2"}),
    ):
        p.request(f"get {label}", "GET", f"{c}/digits", headers=headers)
        p.request(f"head {label}", "HEAD", f"{c}/digits", headers=headers)
    p.request(
        "put if-none-match star on existing",
        "PUT",
        f"{c}/digits",
        data=b"new",
        headers={"If-None-Match": "*"},
    )
    p.request(
        "put if-none-match star on new",
        "PUT",
        f"{c}/fresh",
        data=b"new",
        headers={"If-None-Match": "*"},
    )
    p.request("delete", "DELETE", f"{c}/digits", record_body=False)
    p.request("delete fresh", "DELETE", f"{c}/fresh", record_body=False)
    p.request("delete container", "DELETE", c)


def multiple_ranges(p: Probe) -> None:
    c = p.name("c")
    p.request("create container", "PUT", c)
    p.request(
        "put", "PUT", f"{c}/digits", data=b"0123456789", headers={"Content-Type": "text/plain"}
    )
    for spec in (
        "bytes=0-1,5-6",
        "bytes=0-1,-2",
        "bytes=0-1,100-200",
        "bytes=5-6,0-1",
        "bytes=0-3,2-5",
        "bytes=100-200,300-400",
        "bytes=1-",
        "bytes=-0",
        "bytes=5-2",
        "bytes=x-y",
        "bytes=0-9999",
        "items=0-1",
        "bytes=0-0,2-2,4-4",
    ):
        p.request(f"get {spec}", "GET", f"{c}/digits", headers={"Range": spec})
        p.request(f"head {spec}", "HEAD", f"{c}/digits", headers={"Range": spec})
    p.request("delete", "DELETE", f"{c}/digits", record_body=False)
    p.request("delete container", "DELETE", c)


STRANGE_NAMES = (
    "with space",
    "per%cent",
    "plus+sign",
    "ümlaut/ö",
    "snow☃man",
    "q?mark",
    "hash#tag",
)


def names(p: Probe) -> None:
    c = p.name("c")
    p.request("create container", "PUT", c)
    for name in STRANGE_NAMES:
        path = f"{c}/{quote(name)}"
        p.request(f"put {name}", "PUT", path, data=name.encode(), record_body=False)
        p.request(f"get {name}", "GET", path)
    p.request("json listing", "GET", c, params={"format": "json"})
    p.request("plain listing", "GET", c)
    p.request("xml listing", "GET", c, params={"format": "xml"})
    p.request("prefix with umlaut", "GET", c, params={"format": "json", "prefix": "ü"})
    p.request("listing with utf-8 delimiter", "GET", c, params={"delimiter": "ö"})
    p.request("get with + decoded as space", "GET", f"{c}/plus%20sign")
    for length in (1024, 1025):
        name = "o" * (length - 2) + "é"  # é is two bytes in UTF-8
        p.request(f"put object name of {length} bytes", "PUT", f"{c}/{quote(name)}", data=b"x")
        p.request(f"delete object name of {length} bytes", "DELETE", f"{c}/{quote(name)}")
    p.request("object name of invalid utf-8", "PUT", f"{c}/bad%FFname", data=b"x")
    p.request("get invalid utf-8", "GET", f"{c}/bad%FFname")
    p.request("container name of invalid utf-8", "PUT", f"{p.unique}-%FF")
    for name in STRANGE_NAMES:
        p.request(f"delete {name}", "DELETE", f"{c}/{quote(name)}", record_body=False)
    p.request("delete container", "DELETE", c)
    for length in (255, 256, 257):
        long_name = p.name("n").ljust(length, "n")
        p.request(f"container name of {length}", "PUT", long_name)
        p.request(f"delete container name of {length}", "DELETE", long_name)
    for length in (255, 256):  # the limit counts bytes: ä is two
        wide_name = quote(p.name("n").ljust(length - 2, "n") + "ä")
        p.request(f"container name of {length} bytes", "PUT", wide_name)
        p.request(f"delete container name of {length} bytes", "DELETE", wide_name)
    p.request("container name starting with a dot", "PUT", "." + p.name("dot"))
    p.request("delete container name starting with a dot", "DELETE", "." + p.name("dot"))
    utf8 = p.name("kontti-ä")
    p.request("utf-8 container", "PUT", quote(utf8))
    p.request("account listing with utf-8", "GET", params={"format": "json", "prefix": p.unique})
    p.request("delete utf-8 container", "DELETE", quote(utf8))


def malformed(p: Probe) -> None:
    c = p.name("c")
    p.request("create container", "PUT", c)
    p.send_raw("put without length or chunking", "PUT", f"{c}/o", body=None, length=None)
    p.send_raw("put with huge length", "PUT", f"{c}/o", body=b"tiny", length=6 * 1024**3)
    p.send_raw("put with length 5 GiB + 3", "PUT", f"{c}/o", body=b"tiny", length=5 * 1024**3 + 3)
    p.send_raw("put with bad length", "PUT", f"{c}/o", body=b"tiny", length="abc")
    p.request("head after", "HEAD", f"{c}/o")
    for label, headers in (
        ("x-delete-at not a number", {"X-Delete-At": "soon"}),
        ("x-delete-at in the past", {"X-Delete-At": "1000000000"}),
        ("x-delete-after not a number", {"X-Delete-After": "soon"}),
        ("x-delete-after negative", {"X-Delete-After": "-5"}),
        ("manifest without slash", {"X-Object-Manifest": "segments"}),
        ("content-type with newline-free junk", {"Content-Type": "a" * 300}),
    ):
        p.request(f"put {label}", "PUT", f"{c}/o", data=b"x", headers=headers)
        p.request(f"head after {label}", "HEAD", f"{c}/o", record_body=False)
    p.request(
        "slo manifest not json",
        "PUT",
        f"{c}/slo",
        params={"multipart-manifest": "put"},
        data=b"{not json",
    )
    p.request(
        "slo manifest not a list",
        "PUT",
        f"{c}/slo",
        params={"multipart-manifest": "put"},
        data=b'{"path": "x"}',
    )
    p.request("copy from without slash", "PUT", f"{c}/copy", data=b"", headers={"X-Copy-From": "x"})
    p.request("copy without destination", "COPY", f"{c}/o")
    p.request("delete o", "DELETE", f"{c}/o", record_body=False)
    p.request("delete container", "DELETE", c)


def expiry(p: Probe) -> None:
    c = p.name("c")
    p.request("create container", "PUT", c)
    p.request(
        "put with delete-after", "PUT", f"{c}/after", data=b"x", headers={"X-Delete-After": "2"}
    )
    p.request(
        "put with delete-at",
        "PUT",
        f"{c}/at",
        data=b"x",
        headers={"X-Delete-At": str(int(time.time()) + 2)},
    )
    p.request("put to keep", "PUT", f"{c}/kept", data=b"x")
    p.request("post delete-after", "POST", f"{c}/kept", headers={"X-Delete-After": "2"})
    p.request("put far", "PUT", f"{c}/far", data=b"x", headers={"X-Delete-After": "3600"})
    p.request("post removes delete-at", "POST", f"{c}/far", headers={"X-Remove-Delete-At": "x"})
    p.request("head far", "HEAD", f"{c}/far")
    p.request("head before expiry", "HEAD", f"{c}/after")
    p.request("get before expiry", "GET", f"{c}/at")
    p.request("listing before expiry", "GET", c, params={"format": "json"})
    time.sleep(3.2)
    for name in ("after", "at", "kept"):
        p.request(f"get {name} after expiry", "GET", f"{c}/{name}")
        p.request(f"head {name} after expiry", "HEAD", f"{c}/{name}")
    p.request("post to expired", "POST", f"{c}/after", headers={"X-Object-Meta-A": "1"})
    p.request("copy expired", "PUT", f"{c}/copy", data=b"", headers={"X-Copy-From": f"{c}/at"})
    p.request("listing after expiry", "GET", c, params={"format": "json"})
    p.request("container after expiry", "HEAD", c)
    p.request("delete expired", "DELETE", f"{c}/after")
    p.request("listing after delete", "GET", c, params={"format": "json"})
    for name in ("at", "kept", "far", "copy"):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)


def slo_limits(p: Probe) -> None:
    """Manifests that name segments wrongly, too many or none (one segment, reused)."""
    c = p.name("c")
    segment = b"0123456789"
    right = hashlib.md5(segment).hexdigest()
    path = f"/{c}/seg"
    one = {"path": path, "etag": right, "size_bytes": 10}
    missing = {"path": f"/{c}/absent", "etag": None, "size_bytes": None}
    manifests = {
        "wrong-etag": [{**one, "etag": "0" * 32}],
        "missing": [missing],
        "wrong-size": [{**one, "size_bytes": 11}],
        # One segment path only: Swift checks each path once, concurrently, and lists
        # the problems of different paths in the order its checks finish.
        "mixed": [one, {**one, "etag": "1" * 32}, {**one, "size_bytes": 9}],
        "empty": [],
        "over-limit": [one] * 1001,
        "at-limit": [one] * 1000,
    }
    p.request("create container", "PUT", c)
    p.request("put segment", "PUT", f"{c}/seg", data=segment)
    for name, entries in manifests.items():
        p.request(
            f"put manifest {name}",
            "PUT",
            f"{c}/{name}",
            params={"multipart-manifest": "put"},
            data=json.dumps(entries).encode(),
        )
    # Not the empty one: RGW answers a HEAD or GET of it without a status line.
    for name in ("wrong-etag", "missing", "over-limit", "at-limit"):
        p.request(f"head {name}", "HEAD", f"{c}/{name}")
    p.request("get wrong-etag", "GET", f"{c}/wrong-etag")
    p.request("last bytes of at-limit", "GET", f"{c}/at-limit", headers={"Range": "bytes=-4"})
    p.request("list container", "GET", c, params={"format": "json"}, record_body=False)
    for name in ("seg", *manifests):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)


# --- container ACLs and temp URLs ---------------------------------------------------


def _acl_round(p: Probe, stage: str, c: str) -> None:
    """What the other account's token and an anonymous request get on the container."""
    other = p.server.other.token
    p.request(f"{stage}: other lists", "GET", c, token=other, params={"format": "json"})
    p.request(f"{stage}: other heads container", "HEAD", c, token=other)
    p.request(f"{stage}: other gets object", "GET", f"{c}/o", token=other)
    p.request(f"{stage}: other heads object", "HEAD", f"{c}/o", token=other)
    p.request(f"{stage}: other puts object", "PUT", f"{c}/by-other", token=other, data=b"x")
    p.request(f"{stage}: other deletes its object", "DELETE", f"{c}/by-other", token=other)
    p.request(f"{stage}: anonymous lists", "GET", c, token=None, params={"format": "json"})
    p.request(f"{stage}: anonymous gets object", "GET", f"{c}/o", token=None)
    p.request(f"{stage}: anonymous heads object", "HEAD", f"{c}/o", token=None)
    p.request(f"{stage}: anonymous puts object", "PUT", f"{c}/by-anon", token=None, data=b"x")
    p.request(f"{stage}: other lists the account", "GET", token=other)


def container_acls(p: Probe) -> None:
    c = p.name("c")
    # The other account's own id: Swift's tempauth takes it alone or as AUTH_<id>, the
    # test RGW takes the bare uid (the fake: the project id for both).
    other_id = p.other_id()
    p.request("create container", "PUT", c)
    p.request(
        "put object",
        "PUT",
        f"{c}/o",
        data=b"hello",
        headers={"Content-Type": "text/plain", "X-Object-Meta-Colour": "red"},
    )
    _acl_round(p, "no acl", c)
    for stage, read_acl in (
        ("public", ".r:*"),
        ("public with listings", ".r:*,.rlistings"),
        ("read for the other account", other_id),
        ("read for AUTH_<other>", f"AUTH_{other_id}"),
        ("messy", f"{other_id} , .r:*,,"),
    ):
        p.request(f"{stage}: set read acl", "POST", c, headers={"X-Container-Read": read_acl})
        p.request(f"{stage}: owner heads container", "HEAD", c)
        p.request(f"{stage}: owner lists", "GET", c, params={"format": "json"})
        _acl_round(p, stage, c)
    p.request("revoke read", "POST", c, headers={"X-Container-Read": ""})
    p.request("after revoking read: owner heads", "HEAD", c)
    _acl_round(p, "read revoked", c)
    p.request("set write acl", "POST", c, headers={"X-Container-Write": other_id})
    p.request("write: owner heads container", "HEAD", c)
    _acl_round(p, "write", c)
    other = p.server.other.token
    p.request("write: other puts again", "PUT", f"{c}/kept", token=other, data=b"kept")
    p.request("write: other posts object", "POST", f"{c}/kept", token=other)
    p.request(
        "write: other posts container metadata",
        "POST",
        c,
        token=other,
        headers={"X-Container-Meta-Note": "hi"},
    )
    p.request("write: other creates the container again", "PUT", c, token=other)
    p.request("write: other deletes the container", "DELETE", c, token=other)
    p.request("write: owner reads what other put", "GET", f"{c}/kept")
    p.request("revoke write", "POST", c, headers={"X-Container-Write": ""})
    p.request("after revoking write: owner heads", "HEAD", c)
    _acl_round(p, "write revoked", c)
    p.request("referrer without host", "POST", c, headers={"X-Container-Read": ".r:"})
    p.request("referrer in write acl", "POST", c, headers={"X-Container-Write": ".r:*"})
    p.request("unknown designator", "POST", c, headers={"X-Container-Read": ".x:y"})
    p.request("create with acls", "PUT", f"{c}-2", headers={"X-Container-Read": f".r:*,{other_id}"})
    p.request("created with acls", "HEAD", f"{c}-2")
    p.request("other reads it", "GET", f"{c}-2", token=other, params={"format": "json"})
    p.request("delete second container", "DELETE", f"{c}-2")
    p.request("create with write acl", "PUT", f"{c}-3", headers={"X-Container-Write": other_id})
    p.request("other deletes it, empty", "DELETE", f"{c}-3", token=other)
    p.request("owner heads it", "HEAD", f"{c}-3")
    p.request("owner deletes it", "DELETE", f"{c}-3")
    for name in ("o", "kept"):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)


FUTURE = 4_102_444_800  # 2100-01-01: the same signature on every server
PAST = 1_600_000_000


def temp_urls(p: Probe) -> None:
    c = p.name("c")
    account_path = urlsplit(p.url()).path  # /v1/AUTH_x on Swift, /swift/v1/AUTH_x else
    v1_path = account_path[account_path.index("/v1/") :]

    def signed(
        label: str,
        method: str,
        name: str,
        key: str,
        *,
        signed_method: str | None = None,
        digest: str = "sha1",
        expires: int = FUTURE,
        over: str = v1_path,
        query: str = "",
        **kwargs,
    ) -> None:
        url = generate_temp_url(
            f"{over}/{c}/{name}", expires, key, signed_method or method, absolute=True,
            digest=digest,
        )  # fmt: skip
        p.request(label, method, f"{c}/{name}?{url.split('?', 1)[1]}{query}", **kwargs)

    p.request("create container", "PUT", c)
    for name in ("obj.txt", "other.txt"):
        p.request(
            f"put {name}",
            "PUT",
            f"{c}/{name}",
            data=b"temp body",
            headers={"Content-Type": "text/plain", "X-Object-Meta-Colour": "red"},
        )
    p.request(
        "set account keys",
        "POST",
        headers={"X-Account-Meta-Temp-URL-Key": "k-one", "X-Account-Meta-Temp-URL-Key-2": "k-two"},
    )
    p.request("account shows keys", "HEAD")
    signed("get, key 1", "GET", "obj.txt", "k-one", token=None)
    signed("get, key 2", "GET", "obj.txt", "k-two", token=None)
    signed("get, sha256", "GET", "obj.txt", "k-one", digest="sha256", token=None)
    signed("get, sha512", "GET", "obj.txt", "k-one", digest="sha512", token=None)
    signed("get, signed over the whole path", "GET", "obj.txt", "k-one", over=account_path,
           token=None)  # fmt: skip
    signed("head with a get signature", "HEAD", "obj.txt", "k-one", token=None)
    signed("head with a put signature", "HEAD", "obj.txt", "k-one", signed_method="PUT",
           token=None)  # fmt: skip
    signed("inline", "GET", "obj.txt", "k-one", query="&inline", token=None)
    signed("filename", "GET", "obj.txt", "k-one", query="&filename=report.txt", token=None)
    signed("inline and filename", "GET", "obj.txt", "k-one", query="&inline&filename=r.txt",
           token=None)  # fmt: skip
    signed("wrong key", "GET", "obj.txt", "not-the-key", token=None)
    url = generate_temp_url(f"{v1_path}/{c}/obj.txt", FUTURE, "k-one", "GET", absolute=True,
                            digest="sha1")  # fmt: skip
    query = url.split("?", 1)[1]
    p.request("tampered path", "GET", f"{c}/other.txt?{query}", token=None)
    p.request("token and a wrong signature", "GET", f"{c}/other.txt?{query}")
    signed("expired", "GET", "obj.txt", "k-one", expires=PAST, token=None)
    signed("put with a get signature", "PUT", "new.txt", "k-one", signed_method="GET",
           data=b"new", token=None)  # fmt: skip
    p.request("only the signature", "GET", f"{c}/obj.txt?{query.split('&')[0]}", token=None)
    p.request("only the expiry", "GET", f"{c}/obj.txt?temp_url_expires={FUTURE}", token=None)
    signed("put with a put signature", "PUT", "new.txt", "k-one", data=b"new", token=None,
           headers={"Content-Type": "text/plain"})  # fmt: skip
    p.request("owner gets the new object", "GET", f"{c}/new.txt")
    signed("get the new object with a put signature", "GET", "new.txt", "k-one",
           signed_method="PUT", token=None)  # fmt: skip
    signed("post with a post signature", "POST", "new.txt", "k-one", token=None,
           headers={"X-Object-Meta-Shade": "dark"})  # fmt: skip
    signed("delete with a delete signature", "DELETE", "new.txt", "k-one", token=None)
    # Prefix URLs: swiftclient signs prefix:<path>, and names the rest of the path after
    # the container as temp_url_prefix (from a /swift/v1 path it takes "<c>/ob").
    url = generate_temp_url(f"{v1_path}/{c}/ob", FUTURE, "k-one", "GET", absolute=True,
                            digest="sha1", prefix=True)  # fmt: skip
    p.request("prefix over /v1", "GET", f"{c}/obj.txt?{url.split('?', 1)[1]}", token=None)
    body = f"GET\n{FUTURE}\nprefix:{account_path}/{c}/ob".encode()
    signature = hmac.new(b"k-one", body, hashlib.sha1).hexdigest()
    prefix_query = f"temp_url_sig={signature}&temp_url_expires={FUTURE}&temp_url_prefix=ob"
    p.request("prefix over the whole path", "GET", f"{c}/obj.txt?{prefix_query}", token=None)
    p.request("outside the prefix", "GET", f"{c}/other.txt?{prefix_query}", token=None)
    p.request(
        "set container keys",
        "POST",
        c,
        headers={
            "X-Container-Meta-Temp-URL-Key": "c-one",
            "X-Container-Meta-Temp-URL-Key-2": "c-two",
        },
    )
    p.request("container shows keys", "HEAD", c)
    signed("get, container key 1", "GET", "obj.txt", "c-one", token=None)
    signed("get, container key 2", "GET", "obj.txt", "c-two", token=None)
    p.request(
        "remove account keys",
        "POST",
        headers={
            "X-Remove-Account-Meta-Temp-URL-Key": "x",
            "X-Remove-Account-Meta-Temp-URL-Key-2": "x",
        },
    )
    p.request("account keys gone", "HEAD")
    signed("get after removing the account keys", "GET", "obj.txt", "k-one", token=None)
    for name in ("obj.txt", "other.txt"):
        p.request(f"delete {name}", "DELETE", f"{c}/{name}", record_body=False)
    p.request("delete container", "DELETE", c)


CASES: dict[str, Callable[[Probe], None]] = {
    "container_lifecycle": container_lifecycle,
    "object_lifecycle": object_lifecycle,
    "object_failures": object_failures,
    "short_container_name": short_container_name,
    "listings": listings,
    "account_listing": account_listing,
    "ranges_and_conditions": ranges_and_conditions,
    "copies": copies,
    "slo": large_objects(use_slo=True),
    "dlo": large_objects(use_slo=False),
    "info": info,
    "bulk_delete": bulk_delete,
    "bulk_delete_by_delete": bulk_delete_by_delete,
    "access": access,
    "cross_project_create": cross_project_create,
    "account_without_prefix": account_without_prefix,
    "guessed_content_types": guessed_content_types,
    "storage_policies": storage_policies,
    "listing_formats": listing_formats,
    "account_listing_formats": account_listing_formats,
    "metadata": metadata,
    "metadata_limits": metadata_limits,
    "conditions": conditions,
    "multiple_ranges": multiple_ranges,
    "names": names,
    "malformed": malformed,
    "expiry": expiry,
    "slo_limits": slo_limits,
    "container_acls": container_acls,
    "temp_urls": temp_urls,
}


def observe(case: Callable[[Probe], None], server: RealServer) -> list[dict]:
    probe = Probe(server, unique=f"conf{uuid.uuid4().hex[:8]}")
    case(probe)
    return [probe.settle(record) for record in probe.records]


@pytest.mark.real
@pytest.mark.parametrize("server", list(FLAVOR_OF))
@pytest.mark.parametrize("case", list(CASES))
def test_fake_answers_as_the_real_server(case, server, request):
    real = observe(CASES[case], request.getfixturevalue(f"{server}_server"))
    with mock_allas(flavor=FLAVOR_OF[server]) as allas:
        fake = observe(CASES[case], fake_server(allas))
    found = differences(real, fake)
    assert not found, "the fake differs from the real server:\n" + "\n".join(found)


def differences(real: list[dict], fake: list[dict]) -> list[str]:
    """Each place where the fake recorded something else, as 'step: what: real | fake'."""
    found = []
    if [step["step"] for step in real] != [step["step"] for step in fake]:
        return [f"steps differ: {[s['step'] for s in real]} | {[s['step'] for s in fake]}"]
    for real_step, fake_step in zip(real, fake, strict=True):
        flat_real, flat_fake = flatten(real_step), flatten(fake_step)
        for key in sorted(set(flat_real) | set(flat_fake)):
            if flat_real.get(key) != flat_fake.get(key):
                found.append(
                    f"{real_step['step']}: {key}: {flat_real.get(key)!r} | {flat_fake.get(key)!r}"
                )
    return found


def flatten(step: dict) -> dict:
    flat = {key: value for key, value in step.items() if key not in ("headers", "step")}
    flat.update({f"header {key}": value for key, value in step.get("headers", {}).items()})
    if isinstance(flat.get("body"), (list, dict)):
        flat["body"] = json.dumps(flat["body"], sort_keys=True)
    return flat
