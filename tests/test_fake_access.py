"""Container ACLs and temp URLs in the fake: the pure functions, and the Allas forms
the conformance suite cannot check (the test RGW has no Keystone)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator

import pytest
import requests
from swiftclient.utils import generate_temp_url

from fake_swift import MockAllas, mock_allas
from fake_swift.access import (
    AclError,
    Requester,
    TempUrl,
    acl_allows,
    clean_acl,
    content_disposition,
    referrer_allowed,
    signature_digest,
    signature_matches,
)
from fake_swift.state import project_id_for

FUTURE = 4_102_444_800

# --- the pure functions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "swift", "rgw"),
    [
        (".r:*", ".r:*", ".r:*"),
        ("bob , .r:*,,", "bob,.r:*", ".r:*,bob"),
        ("zed,amy", "zed,amy", "amy,zed"),
        (".ref:*.example.com", ".r:.example.com", ".r:.example.com"),
        (".r:-bad.com", ".r:-bad.com", ".r:-bad.com"),
        ("p1:*", "p1:*", "p1:*"),
        ("", "", ""),
    ],
)
def test_clean_acl_per_syntax(value: str, swift: str, rgw: str) -> None:
    assert clean_acl("X-Container-Read", value, as_grants=False) == swift
    assert clean_acl("X-Container-Read", value, as_grants=True) == rgw


@pytest.mark.parametrize("as_grants", [False, True])
@pytest.mark.parametrize(
    ("header", "value"),
    [("X-Container-Read", ".r:"), ("X-Container-Read", ".x:y"), ("X-Container-Write", ".r:*")],
)
def test_clean_acl_refuses(header: str, value: str, as_grants: bool) -> None:
    with pytest.raises(AclError):
        clean_acl(header, value, as_grants)


def test_referrer_rules() -> None:
    assert referrer_allowed(None, ["*"])
    assert not referrer_allowed(None, ["example.com"])
    assert referrer_allowed("http://www.example.com/x", [".example.com"])
    assert not referrer_allowed("http://bad.example.com/", [".example.com", "-bad.example.com"])


def test_acl_allows_by_grantee_form_and_listing_rule() -> None:
    someone = Requester("p2", "project_2", "u2", "Other")
    allas_forms = ("{project}", "{project}:*", "{project}:{user}")
    assert acl_allows("p2:*", someone, allas_forms, None, True, True)
    assert acl_allows("p2:u2", someone, allas_forms, None, True, True)
    assert not acl_allows("p2:*", someone, ("{project}",), None, True, True)
    # .r:* lists only with .rlistings, unless referrers grant listings (RGW).
    assert not acl_allows(".r:*", None, allas_forms, None, True, False)
    assert acl_allows(".r:*,.rlistings", None, allas_forms, None, True, False)
    assert acl_allows(".r:*", None, allas_forms, None, True, True)
    assert acl_allows(".r:*", None, allas_forms, None, False, False)


def test_signature_digests() -> None:
    assert signature_digest("a" * 40) == ("sha1", "a" * 40)
    assert signature_digest("A" * 64) == ("sha256", "a" * 64)
    assert signature_digest("sha512:" + "AAAA") == ("sha512", "000000")
    assert signature_digest("md5:AAAA") is None
    assert signature_digest("xyz") is None


def test_signature_matches_swiftclient() -> None:
    path = "/v1/AUTH_x/c/o"
    for digest in ("sha1", "sha256", "sha512"):
        url = generate_temp_url(path, FUTURE, "key", "GET", absolute=True, digest=digest)
        signature = url.split("temp_url_sig=")[1].split("&")[0]
        args = (["key"], ["GET"], [path], str(FUTURE))
        assert signature_matches(signature, ("sha1", "sha256", "sha512"), *args)
        assert signature_matches(signature, ("sha1",), *args) == (digest == "sha1")
        assert not signature_matches(signature, (digest,), ["other"], *args[1:])


def test_content_disposition_per_style() -> None:
    plain = TempUrl("s", "1", None, inline=False, filename=None)
    named = TempUrl("s", "1", None, inline=False, filename="my file.txt")
    inline = TempUrl("s", "1", None, inline=True, filename="a.txt")
    assert content_disposition(plain, "d/o.txt", None, False) == 'attachment; filename="o.txt"'
    assert content_disposition(plain, "o.txt", "inline", True) == "inline"
    assert content_disposition(named, "o", None, False) == 'attachment; filename="my%20file.txt"'
    assert content_disposition(named, "o", None, True) == (
        "attachment; filename=\"my file.txt\"; filename*=UTF-8''my%20file.txt"
    )
    assert content_disposition(inline, "o", None, False) == "inline"
    assert content_disposition(inline, "o", None, True).startswith('inline; filename="a.txt"')


# --- the fake ------------------------------------------------------------------------


@pytest.fixture(params=["rgw", "swift"])
def allas(request: pytest.FixtureRequest) -> Iterator[MockAllas]:
    with mock_allas(flavor=request.param) as fake:
        fake.add_user("Other", "Other1234", "project_2999")
        yield fake


def _call(allas: MockAllas, method: str, path: str, user: str | None = "John", **kwargs):
    headers = kwargs.pop("headers", {})
    if user is not None:
        headers["X-Auth-Token"] = allas.token_for(user)
    return requests.request(method, f"{allas.storage_url()}/{path}", headers=headers, **kwargs)


@pytest.mark.parametrize(
    "form",
    ["{project}", "{project}:*", "{project}:{user}", "AUTH_{project}", "{project_name}:*"],
)
def test_read_grant_forms(allas: MockAllas, request: pytest.FixtureRequest, form: str) -> None:
    """RGW (Allas) takes Keystone's <project id>:* and <project id>:<user id> forms and
    the bare project id; Swift's keystoneauth only <project>:<user> forms (ids, names in
    the default domain, or "*"), never the bare account."""
    flavor = request.node.callspec.params["allas"]
    other = allas._user("Other")
    grantee = form.format(
        project=project_id_for("project_2999"), user=other.id, project_name="project_2999"
    )
    _call(allas, "PUT", "shared", headers={"X-Container-Read": grantee})
    _call(allas, "PUT", "shared/o", data=b"x")
    got = _call(allas, "GET", "shared/o", user="Other").status_code
    taken = {
        "rgw": {"{project}", "{project}:*", "{project}:{user}", "{project_name}:*"},
        "swift": {"{project}:*", "{project}:{user}", "{project_name}:*"},
    }[flavor]
    assert got == (200 if form in taken else 403)


def test_swift_hides_acls_and_keys_from_others(allas: MockAllas, request) -> None:
    flavor = request.node.callspec.params["allas"]
    headers = {
        "X-Container-Read": f"{project_id_for('project_2999')}:*",
        "X-Container-Meta-Temp-URL-Key": "secret",
    }
    _call(allas, "PUT", "shared", headers=headers)
    seen = _call(allas, "HEAD", "shared", user="Other").headers
    assert ("X-Container-Read" in seen) == (flavor == "rgw")
    assert ("X-Container-Meta-Temp-Url-Key" in seen) == (flavor == "rgw")
    assert _call(allas, "HEAD", "shared").headers["X-Container-Read"]


def test_temp_url_from_swiftclient(allas: MockAllas, request) -> None:
    """What an Allas user does: sign the storage URL's path (sha1 on RGW)."""
    flavor = request.node.callspec.params["allas"]
    _call(allas, "POST", "", headers={"X-Account-Meta-Temp-URL-Key": "k"})
    _call(allas, "PUT", "box")
    _call(allas, "PUT", "box/o.txt", data=b"body", headers={"X-Object-Meta-Public-A": "1"})
    storage = allas.storage_url()
    path = storage[storage.index("/swift/v1/") :] + "/box/o.txt"
    root = storage[: storage.index("/swift/v1/")]
    for digest in ("sha1", "sha256"):
        url = generate_temp_url(path, FUTURE, "k", "GET", absolute=True, digest=digest)
        reply = requests.get(root + url)
        expected = 200 if digest == "sha1" or flavor == "swift" else 403
        assert reply.status_code == expected
        if expected == 200:
            assert reply.content == b"body"
            assert reply.headers["Content-Disposition"].startswith('attachment; filename="o.txt"')
            assert reply.headers["X-Object-Meta-Public-A"] == "1"
    expired = generate_temp_url(path, 1_600_000_000, "k", "GET", absolute=True, digest="sha1")
    assert requests.get(root + expired).status_code == 401


def test_temp_url_prefix_rgw_signs_the_whole_path(allas: MockAllas, request) -> None:
    flavor = request.node.callspec.params["allas"]
    _call(allas, "POST", "", headers={"X-Account-Meta-Temp-URL-Key": "k"})
    _call(allas, "PUT", "box")
    _call(allas, "PUT", "box/reports/2024.txt", data=b"r")
    storage = allas.storage_url()
    whole = storage[storage.index("/swift/v1/") :]
    for signed_path, ok_on in ((whole, {"rgw", "swift"}), (whole[len("/swift") :], {"swift"})):
        body = f"GET\n{FUTURE}\nprefix:{signed_path}/box/reports/".encode()
        signature = hmac.new(b"k", body, hashlib.sha1).hexdigest()
        query = f"temp_url_sig={signature}&temp_url_expires={FUTURE}&temp_url_prefix=reports/"
        reply = requests.get(f"{storage}/box/reports/2024.txt?{query}")
        assert (reply.status_code == 200) == (flavor in ok_on)
