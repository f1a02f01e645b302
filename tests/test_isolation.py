"""One project's token against another project's data: refused unless a container ACL
grants it, a grant opens only what it names, and revoking it closes it again; temp URL
signatures are checked.

Each table is checked on the fake in both flavors and on the real servers of that
flavor (RGW with its own users and RGW checking tokens at a real Keystone, as Allas runs),
so that the fake's answers are the real ones.
"""

from __future__ import annotations

import time
import uuid
from urllib.parse import urlsplit

import pytest
import requests
from swiftclient.utils import generate_temp_url

from backends.common import RealServer
from conftest import FLAVOR_OF, fake_server
from fake_swift import mock_allas

TARGETS = [
    pytest.param(("fake", "rgw"), id="fake-rgw"),
    pytest.param(("fake", "swift"), id="fake-swift"),
    pytest.param(("real", "rgw"), id="real-rgw", marks=pytest.mark.real),
    pytest.param(("real", "swift"), id="real-swift", marks=pytest.mark.real),
    pytest.param(("real", "allas"), id="real-allas", marks=pytest.mark.real),
]


@pytest.fixture(params=TARGETS)
def target(request) -> tuple[str, RealServer]:
    """The flavor and a server with two accounts: the fake of that flavor, or a real one
    (RGW with Keystone, "allas", answers as the rgw flavor)."""
    kind, name = request.param
    if kind == "fake":
        with mock_allas(flavor=name) as allas:
            yield name, fake_server(allas)
    else:
        yield FLAVOR_OF[name], request.getfixturevalue(f"{name}_server")


def call(server: RealServer, method: str, path: str, token: str | None, **kwargs):
    """A request on the main account's URL, with ``token`` (None: no token)."""
    headers = dict(kwargs.pop("headers", {}))
    if token is not None:
        headers["X-Auth-Token"] = token
    url = f"{server.main.storage_url}/{path}".rstrip("/")
    return requests.request(method, url, headers=headers, timeout=30, **kwargs)


# --- container ACLs --------------------------------------------------------------------

# What the other project's token tries on the main project's account, in this order.
OPERATIONS = (
    ("list the account", "GET", "", {}),
    ("head the account", "HEAD", "", {}),
    ("post account metadata", "POST", "", {"X-Account-Meta-Note": "other"}),
    ("list the bucket", "GET", "{c}", {}),
    ("head the bucket", "HEAD", "{c}", {}),
    ("post bucket metadata", "POST", "{c}", {"X-Container-Meta-Note": "other"}),
    ("get the object", "GET", "{c}/o", {}),
    ("head the object", "HEAD", "{c}/o", {}),
    ("post object metadata", "POST", "{c}/o", {"X-Object-Meta-Note": "other"}),
    ("put an object", "PUT", "{c}/by-other", {}),
    ("delete the object", "DELETE", "{c}/o", {}),
    ("delete the bucket", "DELETE", "{c}", {}),
)

REFUSED = {name: 403 for name, *_ in OPERATIONS}
READ = {
    "list the bucket": 200,
    "head the bucket": 204,
    "get the object": 200,
    "head the object": 200,
}
WRITE = {"post object metadata": 202, "put an object": 201, "delete the object": 204}
# On RGW a write grant covers the bucket too: its metadata, and deleting it (here it is
# not empty, hence 409).
WRITE_RGW = {**WRITE, "post bucket metadata": 204, "delete the bucket": 409}

STAGES = (
    # stage, X-Container-Read, X-Container-Write, what changes from refused (per flavor)
    ("no grant", "", "", {"rgw": {}, "swift": {}}),
    ("read grant", "{other}", "", {"rgw": READ, "swift": READ}),
    ("write grant", "", "{other}", {"rgw": WRITE_RGW, "swift": WRITE}),
    (
        "both grants",
        "{other}",
        "{other}",
        {"rgw": {**READ, **WRITE_RGW}, "swift": {**READ, **WRITE}},
    ),
    ("grants revoked", "", "", {"rgw": {}, "swift": {}}),
)


def test_another_project_gets_only_what_a_grant_names(target) -> None:
    flavor, server = target
    owner, other = server.main.token, server.other.token
    other_id = server.other.storage_url.rsplit("/AUTH_", 1)[-1]
    if flavor == "swift":  # keystoneauth grants <project>:<user>, never a bare project
        other_id += ":*"
    bucket = f"isolation-{uuid.uuid4().hex[:10]}"
    call(server, "PUT", bucket, owner)
    try:
        for stage, read_acl, write_acl, opened in STAGES:
            acls = {
                "X-Container-Read": read_acl.format(other=other_id),
                "X-Container-Write": write_acl.format(other=other_id),
            }
            reset = {**acls, "X-Remove-Container-Meta-Note": "x"}
            assert call(server, "POST", bucket, owner, headers=reset).status_code == 204
            call(server, "POST", "", owner, headers={"X-Remove-Account-Meta-Note": "x"})
            call(server, "DELETE", f"{bucket}/by-other", owner)
            assert call(server, "PUT", f"{bucket}/o", owner, data=b"owner's").status_code == 201
            got = {
                name: call(
                    server, method, path.format(c=bucket), other, headers=headers, data=b"x"
                ).status_code
                for name, method, path, headers in OPERATIONS
            }
            wanted = {**REFUSED, **opened[flavor]}
            assert got == wanted, stage
            if not opened[flavor]:  # refused everything, and nothing changed
                assert call(server, "GET", f"{bucket}/o", owner).content == b"owner's"
                assert (
                    "X-Object-Meta-Note" not in call(server, "HEAD", f"{bucket}/o", owner).headers
                )
                assert "X-Container-Meta-Note" not in call(server, "HEAD", bucket, owner).headers
                assert "X-Account-Meta-Note" not in call(server, "HEAD", "", owner).headers
                listing = call(server, "GET", bucket, owner, params={"format": "json"}).json()
                assert [item["name"] for item in listing] == ["o"]
    finally:
        call(
            server, "POST", bucket, owner, headers={"X-Container-Read": "", "X-Container-Write": ""}
        )
        for name in ("o", "by-other"):
            call(server, "DELETE", f"{bucket}/{name}", owner)
        call(server, "DELETE", bucket, owner)


# --- temp URL signatures ---------------------------------------------------------------

KEY = "isolation-temp-url-key"


def test_temp_url_signatures_are_checked(target) -> None:
    flavor, server = target
    owner = server.main.token
    bucket = f"temp-{uuid.uuid4().hex[:10]}"
    account_path = urlsplit(server.main.storage_url).path
    signed_over = account_path[account_path.index("/v1/") :]  # as swiftclient signs it
    origin = server.main.storage_url[: -len(account_path)]
    future = int(time.time()) + 3600

    def link(name: str, key: str = KEY, method: str = "GET", expires: int = future) -> str:
        path = f"{signed_over}/{bucket}/{name}"
        signed = generate_temp_url(path, expires, key, method, absolute=True, digest="sha1")
        query = signed.split("?", 1)[1]
        return f"{origin}{account_path}/{bucket}/{name}?{query}"

    call(server, "PUT", bucket, owner)
    for name in ("o.txt", "other.txt"):
        call(server, "PUT", f"{bucket}/{name}", owner, data=name.encode())
    call(server, "POST", "", owner, headers={"X-Account-Meta-Temp-URL-Key": KEY})
    bad = {"rgw": 403, "swift": 401}[flavor]  # a signature that does not match
    right = link("o.txt")
    try:
        reply = requests.get(right, timeout=30)
        assert (reply.status_code, reply.content) == (200, b"o.txt")
        refused = {
            "wrong key": requests.get(link("o.txt", key="not-the-key"), timeout=30),
            "expired": requests.get(link("o.txt", expires=int(time.time()) - 60), timeout=30),
            "tampered path": requests.get(right.replace("/o.txt?", "/other.txt?"), timeout=30),
            "wrong method": requests.put(right, data=b"overwritten", timeout=30),
            "tampered expiry": requests.get(
                right.replace(f"temp_url_expires={future}", f"temp_url_expires={future + 1}"),
                timeout=30,
            ),
        }
        statuses = {case: reply.status_code for case, reply in refused.items()}
        assert statuses == {
            "wrong key": bad,
            "expired": 401,
            "tampered path": bad,
            "wrong method": bad,
            "tampered expiry": bad,
        }
        assert call(server, "GET", f"{bucket}/o.txt", owner).content == b"o.txt"
        # Another key on the account: every link signed with the old one stops working.
        call(server, "POST", "", owner, headers={"X-Account-Meta-Temp-URL-Key": "new-key"})
        assert requests.get(right, timeout=30).status_code == bad
    finally:
        call(server, "POST", "", owner, headers={"X-Remove-Account-Meta-Temp-URL-Key": "x"})
        for name in ("o.txt", "other.txt"):
            call(server, "DELETE", f"{bucket}/{name}", owner)
        call(server, "DELETE", bucket, owner)
