"""Conformance cases: containers, objects, listings, copies, large objects, bulk delete,
access by another project, guessed content types, storage policies and the account URL
without AUTH_."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from urllib.parse import quote

import requests
from swiftclient.service import SwiftUploadObject

from .probe import Probe


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
    # RGW refuses the name in an object's path as well.
    p.request("create two-letter container", "PUT", "ab")
    p.request("put object in two-letter container", "PUT", "ab/o", data=b"x")
    p.request("head object in two-letter container", "HEAD", "ab/o")
    p.request("delete object in two-letter container", "DELETE", "ab/o", record_body=False)
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
