"""Conformance cases of sharing: container ACLs and temp URLs."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from swiftclient.utils import generate_temp_url

from .probe import Probe


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
