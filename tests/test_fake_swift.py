"""The fake's Swift API: status codes, headers and listings, per flavor."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import tarfile
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

import pytest
import requests
import swiftclient

import fake_swift
from fake_swift import MockAllas, mock_allas
from fake_swift.flavors import get_flavor
from fake_swift.state import MemoryBody, StoredObject

GIB = 1024**3


class Raw:
    """Plain `requests` calls against one account, with that account's token."""

    def __init__(self, allas: MockAllas) -> None:
        self.url = allas.storage_url()
        self.token = allas.token_for()

    def __call__(self, method: str, path: str = "", **kwargs) -> requests.Response:
        headers = {"X-Auth-Token": self.token, **kwargs.pop("headers", {})}
        return requests.request(method, self.url + path, headers=headers, **kwargs)


@pytest.fixture
def raw(fake_allas: MockAllas) -> Raw:
    return Raw(fake_allas)


@pytest.fixture
def conn(fake_allas: MockAllas) -> swiftclient.Connection:
    return connect(fake_allas)


@pytest.fixture
def swift_flavor() -> Iterator[MockAllas]:
    """The fake answering as OpenStack Swift (not to be combined with ``fake_allas``)."""
    with mock_allas(flavor="swift") as allas:
        yield allas


@pytest.fixture(params=["rgw", "swift"])
def each_flavor(request: pytest.FixtureRequest) -> Iterator[MockAllas]:
    with mock_allas(flavor=request.param) as allas:
        yield allas


def connect(allas: MockAllas) -> swiftclient.Connection:
    return swiftclient.Connection(
        preauthurl=allas.storage_url(), preauthtoken=allas.token_for(), retries=0
    )


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


# capabilities and access -------------------------------------------------------


def test_info_is_public_and_where_swiftclient_looks(fake_allas: MockAllas, conn) -> None:
    info = requests.get("https://a3s.fi:443/swift/info")
    assert info.status_code == 200
    document = info.json()
    assert document["swift"]["max_file_size"] == 5368709120
    assert document["swift"]["container_listing_limit"] == 10000
    assert document["swift"]["max_container_name_length"] == 255
    assert document["slo"]["max_manifest_segments"] == 1000
    assert document["bulk_delete"] == {}  # RGW announces bulk delete without its limits
    assert conn.get_capabilities() == document
    assert requests.get("https://a3s.fi:443/info").status_code == 404


def test_swift_flavor_serves_info_at_the_root_too(swift_flavor: MockAllas) -> None:
    document = requests.get("https://a3s.fi/info").json()
    assert document["swift"]["max_object_name_length"] == 1024
    assert document["swift"]["max_file_size"] == 5 * GIB + 2
    assert document["bulk_delete"]["max_deletes_per_request"] == 10000
    assert connect(swift_flavor).get_capabilities() == document


def test_token_rules_rgw(fake_allas: MockAllas, raw: Raw) -> None:
    no_token = requests.get(raw.url)
    assert no_token.status_code == 403
    assert requests.get(raw.url, headers={"X-Auth-Token": "bogus"}).status_code == 401
    expired = fake_allas.token_for(expires_in=-1)
    assert requests.get(raw.url, headers={"X-Auth-Token": expired}).status_code == 401
    fake_allas.add_user("Jane", "pw", "project_2001")
    jane = fake_allas.token_for("Jane")
    assert requests.get(raw.url, headers={"X-Auth-Token": jane}).status_code == 403
    assert requests.get(raw.url, headers={"X-Storage-Token": raw.token}).status_code == 204


def test_token_rules_swift(swift_flavor: MockAllas) -> None:
    url = swift_flavor.storage_url()
    assert requests.get(url).status_code == 401
    assert requests.get(url, headers={"X-Auth-Token": "bogus"}).status_code == 401


def test_expired_token_makes_swiftclient_log_in_again(fake_allas: MockAllas) -> None:
    conn = swiftclient.Connection(
        fake_swift.AUTH_URL,
        "John",
        "John1234",
        os_options={"project_name": "project_123456", "user_domain_name": "Default"},
        auth_version="3",
        preauthurl=fake_allas.storage_url(),
        preauthtoken=fake_allas.token_for(expires_in=-1),
        retries=1,
        starting_backoff=0,
    )
    conn.put_container("relogin")
    logins = [c for c in fake_allas.responses.calls if c.request.url.endswith("/auth/tokens")]
    assert len(logins) == 1
    assert conn.head_container("relogin")["x-container-object-count"] == "0"


def test_every_swift_reply_has_equal_request_ids_and_a_length(each_flavor: MockAllas) -> None:
    raw = Raw(each_flavor)
    raw("PUT", "/box")
    listing = raw("GET", "/box", params={"format": "json"})
    for reply in (listing, raw("HEAD", "/nothing-here"), requests.get(raw.url)):
        assert reply.headers["X-Trans-Id"] == reply.headers["X-Openstack-Request-Id"]
        assert reply.headers["X-Trans-Id"].startswith("tx")
        assert "Content-Length" in reply.headers
    # A 204 has a Content-Length of 0 on Swift and none on RGW.
    head = raw("HEAD", "/box")
    assert head.status_code == 204
    assert head.headers.get("Content-Length") == (
        "0" if each_flavor.flavor.name == "swift" else None
    )


# account ------------------------------------------------------------------------


def test_account_head_counts_and_listing_formats(conn, raw: Raw) -> None:
    for name in ("alpha", "beta", "gamma"):
        conn.put_container(name)
    conn.put_object("alpha", "a", b"12345")
    conn.put_object("beta", "b", b"123")
    head = raw("HEAD")
    assert head.status_code == 204
    assert head.headers["X-Account-Container-Count"] == "3"
    assert head.headers["X-Account-Object-Count"] == "2"
    assert head.headers["X-Account-Bytes-Used"] == "8"
    listing = conn.get_account()[1]
    assert listing[0] == {"name": "alpha", "count": 1, "bytes": 5}
    assert [entry["name"] for entry in listing] == ["alpha", "beta", "gamma"]
    plain = raw("GET")
    assert plain.text == "alpha\nbeta\ngamma"  # RGW: no newline after the last name
    assert plain.headers["Content-Type"].startswith("text/plain")


def test_account_listing_rgw_ignores_delimiter_swift_honours_it(each_flavor: MockAllas) -> None:
    conn = connect(each_flavor)
    for name in ("logs-2024", "logs-2025", "data"):
        conn.put_container(name)
    listing = conn.get_account(delimiter="-")[1]
    if each_flavor.flavor.name == "rgw":
        assert listing == [
            {"name": "data", "count": 0, "bytes": 0},
            {"name": "logs-2024", "count": 0, "bytes": 0},
            {"name": "logs-2025", "count": 0, "bytes": 0},
        ]
    else:
        assert listing[0]["name"] == "data" and listing[1:] == [{"subdir": "logs-"}]
        timestamp = listing[0]["last_modified"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}", timestamp)
    assert [entry["name"] for entry in conn.get_account(prefix="logs")[1]] == [
        "logs-2024",
        "logs-2025",
    ]


def test_empty_account_lists_as_204_plain_and_200_json(raw: Raw) -> None:
    assert raw("GET").status_code == 204
    json_listing = raw("GET", params={"format": "json"})
    assert json_listing.status_code == 200 and json_listing.json() == []


def test_account_post_sets_metadata(raw: Raw) -> None:
    assert raw("POST", headers={"X-Account-Meta-Owner": "john"}).status_code == 204
    assert raw("HEAD").headers["X-Account-Meta-Owner"] == "john"


# containers ---------------------------------------------------------------------


def test_container_put_created_then_accepted(raw: Raw) -> None:
    assert raw("PUT", "/bucket").status_code == 201
    assert raw("PUT", "/bucket", headers={"X-Container-Meta-Color": "blue"}).status_code == 202
    assert raw("HEAD", "/bucket").headers["X-Container-Meta-Color"] == "blue"
    assert raw("POST", "/bucket", headers={"X-Container-Meta-Color": ""}).status_code == 204
    assert "X-Container-Meta-Color" not in raw("HEAD", "/bucket").headers
    assert raw("POST", "/missing").status_code == 404


def test_container_names_rgw(raw: Raw) -> None:
    short = raw("PUT", "/ab")
    assert short.status_code == 400 and short.text == "InvalidBucketName"
    assert raw("PUT", "/" + "x" * 255).status_code == 201
    assert raw("PUT", "/" + "x" * 256).status_code == 400
    assert raw("PUT", "/Ääkköset_OK").status_code == 201


def test_container_names_swift(swift_flavor: MockAllas) -> None:
    raw = Raw(swift_flavor)
    assert raw("PUT", "/ab").status_code == 201
    assert raw("PUT", "/" + "x" * 256).status_code == 201
    too_long = raw("PUT", "/" + "x" * 257)
    assert too_long.status_code == 400 and "longer than 256" in too_long.text


def test_container_names_are_global_on_rgw_only(each_flavor: MockAllas) -> None:
    each_flavor.add_user("Jane", "pw", "project_2001")
    assert Raw(each_flavor)("PUT", "/shared-name").status_code == 201
    jane = requests.put(
        each_flavor.storage_url("project_2001") + "/shared-name",
        headers={"X-Auth-Token": each_flavor.token_for("Jane")},
    )
    if each_flavor.flavor.name == "rgw":
        assert jane.status_code == 409 and jane.text == "BucketAlreadyExists"
    else:
        assert jane.status_code == 201


def test_container_head_delete_and_not_found_bodies(raw: Raw) -> None:
    raw("PUT", "/bucket")
    raw("PUT", "/bucket/one", data=b"1")
    raw("PUT", "/bucket/two", data=b"22")
    head = raw("HEAD", "/bucket")
    assert head.status_code == 204
    assert head.headers["X-Container-Object-Count"] == "2"
    assert head.headers["X-Container-Bytes-Used"] == "3"
    not_empty = raw("DELETE", "/bucket")
    assert not_empty.status_code == 409
    raw("DELETE", "/bucket/one")
    raw("DELETE", "/bucket/two")
    assert raw("DELETE", "/bucket").status_code == 204
    missing = raw("DELETE", "/bucket")
    assert missing.status_code == 404 and missing.text == "NoSuchBucket"
    assert raw("GET", "/bucket").text == "NoSuchBucket"
    assert raw("HEAD", "/bucket").status_code == 404


def test_swift_not_found_bodies_are_html(swift_flavor: MockAllas) -> None:
    raw = Raw(swift_flavor)
    missing = raw("GET", "/bucket")
    assert missing.status_code == 404 and "<h1>Not Found</h1>" in missing.text
    raw("PUT", "/bucket")
    assert "<h1>Not Found</h1>" in raw("DELETE", "/bucket/o").text
    raw("PUT", "/bucket/o", data=b"x")
    assert "<h1>Conflict</h1>" in raw("DELETE", "/bucket").text


# listings -----------------------------------------------------------------------

NAMES = ["a.txt", "dir/b.txt", "dir/c.txt", "dir/sub/d.txt", "e.txt", "zz"]


@pytest.fixture
def filled(conn) -> swiftclient.Connection:
    conn.put_container("listing")
    for name in NAMES:
        conn.put_object("listing", name, name.encode(), content_type="text/plain")
    return conn


def names_of(listing: list[dict]) -> list[str]:
    return [entry.get("name", entry.get("subdir")) for entry in listing]


def test_container_listing_entry_rgw(filled) -> None:
    entry = filled.get_container("listing")[1][0]
    assert set(entry) == {"name", "bytes", "hash", "content_type", "last_modified"}
    assert entry["hash"] == md5(b"a.txt") and entry["bytes"] == 5
    assert entry["content_type"] == "text/plain"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["last_modified"])


def test_container_listing_entry_swift(swift_flavor: MockAllas) -> None:
    conn = connect(swift_flavor)
    conn.put_container("c")
    conn.put_object("c", "notes.txt", b"x")
    entry = conn.get_container("c")[1][0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}", entry["last_modified"])
    assert entry["content_type"] == "text/plain"  # Swift guesses from the name


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, NAMES),
        ({"prefix": "dir/"}, ["dir/b.txt", "dir/c.txt", "dir/sub/d.txt"]),
        ({"delimiter": "/"}, ["a.txt", "dir/", "e.txt", "zz"]),
        ({"prefix": "dir/", "delimiter": "/"}, ["dir/b.txt", "dir/c.txt", "dir/sub/"]),
        ({"marker": "dir/c.txt"}, ["dir/sub/d.txt", "e.txt", "zz"]),
        ({"end_marker": "dir/c.txt"}, ["a.txt", "dir/b.txt"]),
        ({"marker": "a.txt", "end_marker": "e.txt", "limit": "2"}, ["dir/b.txt", "dir/c.txt"]),
        ({"limit": "0"}, []),
        # RGW 16 does not reverse container listings
        ({"reverse": "true", "limit": "3"}, NAMES[:3]),
        ({"marker": "dir/", "delimiter": "/"}, ["a.txt", "e.txt", "zz"][1:]),
        ({"limit": "-1"}, []),
        ({"prefix": "nothing"}, []),
    ],
)
def test_container_listing_query(filled, raw: Raw, query: dict, expected: list[str]) -> None:
    reply = raw("GET", "/listing", params={**query, "format": "json"})
    assert reply.status_code == 200
    assert names_of(reply.json()) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"reverse": "true", "limit": "3"}, ["zz", "e.txt", "dir/sub/d.txt"]),
        ({"reverse": "on", "marker": "e.txt", "end_marker": "a.txt"}, NAMES[3:0:-1]),
        ({"reverse": "true", "delimiter": "/"}, ["zz", "e.txt", "dir/", "a.txt"]),
        ({"limit": "-1"}, NAMES),
        ({"limit": "ten"}, NAMES),
    ],
)
def test_container_listing_query_swift(swift_flavor, query: dict, expected: list[str]) -> None:
    conn = connect(swift_flavor)
    conn.put_container("listing")
    for name in NAMES:
        conn.put_object("listing", name, name.encode(), content_type="text/plain")
    reply = Raw(swift_flavor)("GET", "/listing", params={**query, "format": "json"})
    assert reply.status_code == 200
    assert names_of(reply.json()) == expected


@pytest.mark.parametrize("flavor", ["rgw", "swift"])
def test_xml_listings(flavor: str) -> None:
    with mock_allas(flavor=flavor) as allas:
        raw = Raw(allas)
        raw("PUT", "/xml")
        raw("PUT", "/xml/a&b", data=b"1", headers={"Content-Type": "text/plain"})
        raw("PUT", "/xml/d/e", data=b"2", headers={"Content-Type": "text/plain"})
        reply = raw("GET", "/xml", params={"format": "xml", "delimiter": "/"})
        assert reply.headers["Content-Type"] == "application/xml; charset=utf-8"
        text = reply.text
        assert (
            "<name>a&amp;b</name>" in text and '<subdir name="d/"><name>d/</name></subdir>' in text
        )
        assert text.startswith(
            '<?xml version="1.0" encoding="UTF-8"?>' + "\n" * (flavor == "swift")
        )
        empty = raw("GET", "/xml", params={"format": "xml", "prefix": "none"}).text
        assert empty.endswith('<container name="xml" />' if flavor == "swift" else "></container>")
        account = raw("GET", "", headers={"Accept": "text/xml"})
        shown = "text/xml" if flavor == "swift" else "application/xml"
        assert account.headers["Content-Type"] == f"{shown}; charset=utf-8"
        assert "<container><name>xml</name><count>2</count><bytes>2</bytes>" in account.text


def test_swiftclient_listing_arguments(filled) -> None:
    _, listing = filled.get_container("listing", prefix="dir/", delimiter="/", limit=2)
    assert names_of(listing) == ["dir/b.txt", "dir/c.txt"]
    _, listing = filled.get_container("listing", marker="dir/c.txt", end_marker="zz")
    assert names_of(listing) == ["dir/sub/d.txt", "e.txt"]


def test_container_plain_text_listing(raw: Raw, filled) -> None:
    plain = raw("GET", "/listing", params={"delimiter": "/"})
    assert plain.status_code == 200
    assert plain.text == "a.txt\ndir/\ne.txt\nzz"  # RGW: no newline after the last name
    assert raw("GET", "/listing", params={"prefix": "none"}).status_code == 204


def test_listing_limit_over_maximum(each_flavor: MockAllas) -> None:
    raw = Raw(each_flavor)
    raw("PUT", "/listing")
    raw("PUT", "/listing/o", data=b"x")
    reply = raw("GET", "/listing", params={"limit": "10001", "format": "json"})
    if each_flavor.flavor.name == "rgw":
        assert reply.status_code == 200 and len(reply.json()) == 1
    else:
        assert reply.status_code == 412
    ten = raw("GET", "/listing", params={"limit": "ten"}).status_code
    assert ten == (400 if each_flavor.flavor.name == "rgw" else 200)  # Swift ignores it
    # Account listings refuse a limit over 10000 on both
    assert raw("GET", "", params={"limit": "10001"}).status_code == 412


def fill_directly(allas: MockAllas, container: str, count: int) -> None:
    """Store ``count`` tiny objects without HTTP (10,000 requests would take seconds)."""
    Raw(allas)("PUT", "/" + container)
    project_id = allas.storage_url().rsplit("AUTH_", 1)[1]
    target = allas.state.account(project_id).containers[container]
    now = time.time()
    for index in range(count):
        name = f"object-{index:06d}"
        target.put(StoredObject(name, MemoryBody(b"x"), 1, md5(b"x"), "text/plain", now))


def test_full_listing_pages_past_ten_thousand(fake_allas: MockAllas, conn, raw: Raw) -> None:
    fill_directly(fake_allas, "many", 10_005)
    first_page = conn.get_container("many")[1]
    assert len(first_page) == 10_000
    headers, listing = conn.get_container("many", full_listing=True)
    assert len(listing) == 10_005
    assert listing[-1]["name"] == "object-010004"
    assert headers["x-container-object-count"] == "10005"
    pages = [
        call.request.url
        for call in fake_allas.responses.calls
        if "/many?" in (call.request.url or "")
    ]
    assert any("marker=object-009999" in url for url in pages)
    assert len(conn.get_account(full_listing=True)[1]) == 1


# objects ------------------------------------------------------------------------


def test_object_put_returns_unquoted_md5(conn, raw: Raw) -> None:
    conn.put_container("objects")
    reply = raw("PUT", "/objects/hello.txt", data=b"hello")
    assert reply.status_code == 201
    assert reply.headers["Etag"] == md5(b"hello")
    assert conn.put_object("objects", "again", io.BytesIO(b"hello")) == md5(b"hello")


def test_object_put_with_wrong_etag_is_422(conn, raw: Raw) -> None:
    conn.put_container("objects")
    wrong = raw("PUT", "/objects/o", data=b"data", headers={"ETag": md5(b"other")})
    assert wrong.status_code == 422 and wrong.text == "UnprocessableEntity"
    # RGW names the md5 it computed, and a Last-Modified of 1970.
    assert wrong.headers["Etag"] == md5(b"data")
    assert parsedate_to_datetime(wrong.headers["Last-Modified"]).year == 1970
    assert raw("HEAD", "/objects/o").status_code == 404
    right = raw("PUT", "/objects/o", data=b"data", headers={"ETag": f'"{md5(b"data")}"'})
    assert right.status_code == 201


def test_object_put_into_missing_container_is_404(raw: Raw) -> None:
    reply = raw("PUT", "/nowhere/o", data=b"x")
    assert reply.status_code == 404 and reply.text == "NoSuchBucket"


def test_object_put_without_length_is_411(raw: Raw, conn) -> None:
    conn.put_container("objects")
    prepared = requests.Request(
        "PUT", raw.url + "/objects/o", data=b"x", headers={"X-Auth-Token": raw.token}
    ).prepare()
    del prepared.headers["Content-Length"]
    reply = requests.Session().send(prepared)
    assert reply.status_code == 411


def test_object_put_over_5_gib_is_refused_before_reading(each_flavor: MockAllas) -> None:
    raw = Raw(each_flavor)
    raw("PUT", "/objects")
    read = []

    def body() -> Iterator[bytes]:
        read.append(True)
        yield b"x"

    headers = {"Content-Length": str(5 * GIB + 3)}
    reply = raw("PUT", "/objects/huge", data=body(), headers=headers)
    # RGW answers 400 EntityTooLarge, Swift 413 (both checked against real servers)
    expected = 400 if each_flavor.flavor.name == "rgw" else 413
    assert reply.status_code == expected and not read
    assert "EntityTooLarge" in reply.text or "too large" in reply.text
    assert raw("PUT", "/objects/ok", headers={"Content-Length": "0"}).status_code == 201


def test_chunked_object_put_over_limit_is_413() -> None:
    allas = MockAllas()
    allas.flavor = dataclasses.replace(allas.flavor, max_file_size=10)
    with allas:
        raw = Raw(allas)
        connect(allas).put_container("objects")
        too_big = raw("PUT", "/objects/o", data=iter([b"12345", b"678901"]))
        assert too_big.status_code == 413
        fits = raw("PUT", "/objects/o", data=iter([b"12345", b"67890"]))
        assert fits.status_code == 201 and fits.headers["Etag"] == md5(b"1234567890")


def test_max_file_size_per_flavor() -> None:
    # Swift's constraint is 5 GiB and 2 bytes; RGW's exactly 5 GiB.
    assert get_flavor("swift").max_file_size == 5 * GIB + 2
    assert get_flavor("rgw").max_file_size == 5 * GIB
    for name in ("rgw", "swift"):
        assert get_flavor(name).info["swift"]["max_file_size"] == get_flavor(name).max_file_size


def test_chunked_upload_from_generator_and_file(conn) -> None:
    conn.put_container("objects")
    etag = conn.put_object("objects", "gen", (part for part in [b"ab", b"cd"]))
    assert etag == md5(b"abcd")
    data = bytes(range(256)) * 8000  # over 1 MiB: spooled to a file
    assert conn.put_object("objects", "file", io.BytesIO(data), chunk_size=10_000) == md5(data)
    headers, chunks = conn.get_object("objects", "file", resp_chunk_size=65536)
    assert int(headers["content-length"]) == len(data)
    assert b"".join(chunks) == data
    assert conn.get_object("objects", "gen")[1] == b"abcd"


def test_object_get_and_head_headers(conn, raw: Raw) -> None:
    conn.put_container("objects")
    conn.put_object(
        "objects",
        "report.csv",
        b"a,b\n",
        content_type="text/csv",
        headers={"X-Object-Meta-Owner": "Jöhn", "Content-Disposition": "attachment"},
    )
    for method in ("GET", "HEAD"):
        reply = raw(method, "/objects/report.csv")
        assert reply.status_code == 200
        assert reply.headers["Content-Length"] == "4"
        assert reply.headers["Etag"] == md5(b"a,b\n")
        assert reply.headers["Content-Type"] == "text/csv"
        assert reply.headers["Accept-Ranges"] == "bytes"
        assert reply.headers["Content-Disposition"] == "attachment"
        assert parsedate_to_datetime(reply.headers["Last-Modified"]).year >= 2024
        assert float(reply.headers["X-Timestamp"]) > 0
    headers = conn.head_object("objects", "report.csv")
    assert headers["x-object-meta-owner"] == "Jöhn"
    conn.put_object("objects", "plain", b"x")
    # RGW keeps no type for an object sent without one: it shows binary/octet-stream,
    # and listings leave content_type out.
    assert conn.head_object("objects", "plain")["content-type"] == "binary/octet-stream"
    (listed,) = [entry for entry in conn.get_container("objects")[1] if entry["name"] == "plain"]
    assert "content_type" not in listed


def test_object_ranges(conn, raw: Raw) -> None:
    conn.put_container("objects")
    conn.put_object("objects", "digits", b"0123456789")
    partial = raw("GET", "/objects/digits", headers={"Range": "bytes=2-4"})
    assert partial.status_code == 206
    assert partial.content == b"234"
    assert partial.headers["Content-Range"] == "bytes 2-4/10"
    assert raw("GET", "/objects/digits", headers={"Range": "bytes=-3"}).content == b"789"
    assert raw("GET", "/objects/digits", headers={"Range": "bytes=7-"}).content == b"789"
    assert raw("GET", "/objects/digits", headers={"Range": "bytes=8-100"}).content == b"89"
    unsatisfiable = raw("GET", "/objects/digits", headers={"Range": "bytes=10-"})
    assert unsatisfiable.status_code == 416 and unsatisfiable.text == "InvalidRange"
    # RGW answers a bare error: no Content-Range, none of the object's headers.
    assert "Content-Range" not in unsatisfiable.headers
    assert "Etag" not in unsatisfiable.headers
    head = raw("HEAD", "/objects/digits", headers={"Range": "bytes=10-"})
    assert head.status_code == 416


def test_unsatisfiable_range_on_swift(swift_flavor: MockAllas) -> None:
    raw = Raw(swift_flavor)
    connect(swift_flavor).put_container("objects")
    connect(swift_flavor).put_object(
        "objects", "digits", b"0123456789", headers={"X-Object-Meta-Kind": "digits"}
    )
    unsatisfiable = raw("GET", "/objects/digits", headers={"Range": "bytes=10-"})
    assert unsatisfiable.status_code == 416
    # Swift keeps the object's headers on a 416, and a HEAD ignores the range.
    assert unsatisfiable.headers["Content-Range"] == "bytes */10"
    assert unsatisfiable.headers["Etag"] == md5(b"0123456789")
    assert unsatisfiable.headers["X-Object-Meta-Kind"] == "digits"
    assert unsatisfiable.headers["Content-Type"] == "application/octet-stream"
    assert int(unsatisfiable.headers["Content-Length"]) == len(unsatisfiable.content)
    head = raw("HEAD", "/objects/digits", headers={"Range": "bytes=10-"})
    assert head.status_code == 200 and head.headers["Content-Length"] == "10"


def test_conditional_get(conn, raw: Raw) -> None:
    conn.put_container("objects")
    etag = conn.put_object("objects", "o", b"data")
    assert raw("GET", "/objects/o", headers={"If-None-Match": etag}).status_code == 304
    assert raw("GET", "/objects/o", headers={"If-None-Match": f'"{etag}"'}).status_code == 304
    assert raw("GET", "/objects/o", headers={"If-None-Match": "other"}).status_code == 200
    assert raw("GET", "/objects/o", headers={"If-Match": "other"}).status_code == 412


def test_object_post_replaces_user_metadata(conn, raw: Raw) -> None:
    conn.put_container("objects")
    conn.put_object("objects", "o", b"x", headers={"X-Object-Meta-A": "1", "X-Object-Meta-B": "2"})
    reply = raw("POST", "/objects/o", headers={"X-Object-Meta-C": "3"})
    assert reply.status_code == 202
    headers = conn.head_object("objects", "o")
    assert headers["x-object-meta-c"] == "3"
    assert "x-object-meta-a" not in headers and "x-object-meta-b" not in headers
    assert raw("POST", "/objects/missing").status_code == 404


def test_object_delete(conn, raw: Raw) -> None:
    conn.put_container("objects")
    conn.put_object("objects", "o", b"x")
    assert raw("DELETE", "/objects/o").status_code == 204
    missing = raw("DELETE", "/objects/o")
    assert missing.status_code == 404 and missing.text == "NoSuchKey"
    assert raw("GET", "/objects/o").text == "NoSuchKey"


def test_copy_method_and_x_copy_from(conn, raw: Raw) -> None:
    conn.put_container("objects")
    conn.put_container("copies")
    conn.put_object("objects", "src", b"payload", headers={"X-Object-Meta-Kept": "yes"})
    conn.copy_object("objects", "src", destination="/copies/by-copy")
    assert conn.get_object("copies", "by-copy")[1] == b"payload"
    assert conn.head_object("copies", "by-copy")["x-object-meta-kept"] == "yes"
    reply = raw(
        "PUT",
        "/copies/by-put",
        headers={"X-Copy-From": "/objects/src", "Content-Length": "0"},
    )
    assert reply.status_code == 201 and reply.headers["Etag"] == md5(b"payload")
    assert conn.get_object("copies", "by-put")[1] == b"payload"
    assert raw("COPY", "/objects/nothing", headers={"Destination": "copies/x"}).status_code == 404


def test_unknown_query_parameters_are_ignored(conn, raw: Raw) -> None:
    conn.put_container("objects")
    conn.put_object("objects", "o", b"x")
    assert raw("HEAD", "/objects/o", params={"symlink": "get"}).status_code == 200
    assert conn.head_object("objects", "o", query_string="symlink=get")["content-length"] == "1"


def test_non_ascii_names_round_trip(conn) -> None:
    conn.put_container("ääkköset")
    conn.put_object("ääkköset", "kansio/tiedosto ö.txt", b"hei")
    assert conn.get_object("ääkköset", "kansio/tiedosto ö.txt")[1] == b"hei"
    assert conn.get_container("ääkköset")[1][0]["name"] == "kansio/tiedosto ö.txt"
    assert conn.get_account()[1][0]["name"] == "ääkköset"


def test_bulk_delete(conn, raw: Raw) -> None:
    conn.put_container("bulk")
    conn.put_container("empty-one")
    for name in ("a", "b c"):
        conn.put_object("bulk", name, b"x")
    body = "/bulk/a\n/bulk/b%20c\n/bulk/missing\n/empty-one\n/bulk\n"
    reply = raw(
        "POST",
        "",
        params={"bulk-delete": ""},
        data=body.encode(),
        headers={"Accept": "application/json", "Content-Type": "text/plain"},
    )
    assert reply.status_code == 200
    result = reply.json()
    assert result["Number Deleted"] == 4  # two objects, then both containers
    assert result["Number Not Found"] == 1
    assert result["Response Status"] == "200 OK"
    assert result["Errors"] == []
    assert conn.get_account()[1] == []
    conn.put_container("busy")
    conn.put_object("busy", "o", b"x")
    accept_json = {"Accept": "application/json"}
    refused = raw("POST", "", params={"bulk-delete": ""}, data=b"/busy\n", headers=accept_json)
    # RGW names the container "busy/" and reports the conflict itself as the status.
    assert refused.json()["Errors"] == [["busy/", "409 Conflict"]]
    assert refused.json()["Response Status"] == "409 Conflict"


def test_bulk_delete_reply_rgw(raw: Raw) -> None:
    accept_json = {"Accept": "application/json"}
    reply = raw("POST", "", params={"bulk-delete": ""}, data=b"/none/x\n", headers=accept_json)
    assert "Content-Length" not in reply.headers  # sent chunked
    assert list(reply.json()) == [
        "Number Deleted",
        "Number Not Found",
        "Response Body",
        "Response Status",
        "Errors",
    ]
    assert reply.text.startswith('{"Number Deleted":0,')  # compact JSON
    plain = raw("POST", "", params={"bulk-delete": ""}, data=b"/none/x\n")
    assert plain.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert plain.text == (
        "Number Deleted: 0\nNumber Not Found: 1\nResponse Body: \nResponse Status: 200 OK\nErrors: "
    )


def _tar(files: dict[str, bytes | None]) -> bytes:
    """A tar archive of ``files``; None makes a directory entry."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in files.items():
            member = tarfile.TarInfo(name)
            if data is None:
                member.type = tarfile.DIRTYPE
                archive.addfile(member)
            else:
                member.size = len(data)
                archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


def test_bulk_upload_swift(swift_flavor: MockAllas) -> None:
    swift = Raw(swift_flavor)
    archive = _tar({"made/a.txt": b"a", "./made/d/b": b"b", "top": b"t", "made/dir": None})
    reply = swift("PUT", "", params={"extract-archive": "tar"}, data=archive)
    assert reply.text == (
        "Number Files Created: 2\nResponse Body: \nResponse Status: 201 Created\nErrors:\n"
    )
    listing = swift("GET", "/made", params={"format": "json"}).json()
    assert [(o["name"], o["content_type"]) for o in listing] == [
        ("a.txt", "text/plain"),
        ("d/b", "application/octet-stream"),
    ]
    xml = {"Accept": "application/xml"}
    empty = swift("PUT", "/made", params={"extract-archive": "tar"}, data=_tar({}), headers=xml)
    assert "<response_status>400 Bad Request</response_status>" in empty.text
    assert empty.text.startswith("<extract>\n")
    assert swift("PUT", "/made", params={"extract-archive": "zip"}, data=b"x").status_code == 400


def test_bulk_upload_rgw(conn, raw: Raw) -> None:
    conn.put_container("bucket")
    archive = _tar({"./a.txt": b"a", "new": None, "new/b": b"b"})
    reply = raw("PUT", "/bucket", params={"extract-archive": "tar"}, data=archive)
    # The directory entry tries to make the bucket of the URL, which exists.
    assert reply.text == (
        "Number Files Created: 2\nResponse Body: \nResponse Status: 400 Bad Request\n"
        "Errors: \nbucket/, 409 Conflict"
    )
    assert [o["name"] for o in conn.get_container("bucket")[1]] == ["./a.txt", "new/b"]
    assert "content_type" not in conn.get_container("bucket")[1][0]
    gz = raw("PUT", "/bucket", params={"extract-archive": "tar.gz"}, data=b"x")
    assert gz.status_code == 400
    assert (
        raw("PUT", "/nowhere", params={"extract-archive": "tar"}, data=_tar({})).status_code == 404
    )
    # RGW 16.2.15 crashes on these (the connection drops): the fake answers 500.
    for files in ({"top": b"t"}, {"missing/x": b"x"}):
        crashed = raw("PUT", "", params={"extract-archive": "tar"}, data=_tar(files))
        assert crashed.status_code == 500


def test_etag_quoter_swift(swift_flavor: MockAllas) -> None:
    swift = Raw(swift_flavor)
    swift("PUT", "/c", headers={"X-Container-Rfc-Compliant-Etags": "t"})
    written = swift("PUT", "/c/o", data=b"test")
    assert written.headers["Etag"] == '"098f6bcd4621d373cade4e832627b4f6"'
    assert swift("HEAD", "/c").headers["X-Container-Rfc-Compliant-Etags"] == "True"
    swift("POST", "/c", headers={"X-Remove-Container-Rfc-Compliant-Etags": "1"})
    assert swift("HEAD", "/c/o").headers["Etag"] == "098f6bcd4621d373cade4e832627b4f6"


def test_bulk_delete_reply_swift(swift_flavor: MockAllas) -> None:
    swift = Raw(swift_flavor)
    plain = swift("POST", "", params={"bulk-delete": ""}, data=b"/none/x\n")
    assert "Number Not Found: 1" in plain.text
    accept_json = {"Accept": "application/json"}
    as_json = swift("POST", "", params={"bulk-delete": ""}, data=b"/none/x\n", headers=accept_json)
    assert as_json.headers["Content-Type"] == "application/json"
    as_json = as_json.json()
    assert as_json["Response Body"] == "" and as_json["Number Not Found"] == 1
    assert plain.headers["Content-Type"] == "text/plain"
    assert plain.text.endswith("Response Status: 200 OK\nErrors:\n")


def test_concurrent_clients_each_logging_in(fake_allas: MockAllas) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def work(index: int) -> str:
        conn = swiftclient.Connection(
            fake_swift.AUTH_URL,
            "John",
            "John1234",
            os_options={"project_name": "project_123456", "user_domain_name": "Default"},
            auth_version="3",
            retries=0,
        )
        conn.put_container("threads")
        return conn.put_object("threads", f"o{index}", str(index).encode())

    with ThreadPoolExecutor(8) as pool:
        etags = list(pool.map(work, range(40)))
    assert etags == [md5(str(i).encode()) for i in range(40)]
    assert Raw(fake_allas)("HEAD", "/threads").headers["X-Container-Object-Count"] == "40"


# --- metadata limits, conditions, ranges, expiry, names (each flavor as its server) ---


def test_metadata_limits_per_flavor(each_flavor: MockAllas) -> None:
    raw = Raw(each_flavor)
    raw("PUT", "/meta")
    rgw = each_flavor.flavor.name == "rgw"
    long_name = raw("POST", "/meta", headers={"X-Container-Meta-" + "n" * 81: "v"})
    assert long_name.status_code == (400 if rgw else 204)
    too_long = raw("PUT", "/meta/o", data=b"x", headers={"X-Object-Meta-" + "n" * 129: "v"})
    assert too_long.status_code == 400
    if rgw:  # RGW read the body first and names its ETag
        assert too_long.text == "Metadata name too long" and too_long.headers["Etag"] == md5(b"x")
    else:
        assert too_long.text.startswith("Metadata name too long: x-object-meta-Nnn")
        assert too_long.headers["Content-Type"] == "text/plain"
    many = {f"X-Object-Meta-I{i}": "v" for i in range(91)}
    assert raw("PUT", "/meta/o", data=b"x", headers=many).status_code == (201 if rgw else 400)


def test_conditions_per_flavor(each_flavor: MockAllas) -> None:
    raw = Raw(each_flavor)
    raw("PUT", "/cond")
    raw("PUT", "/cond/o", data=b"0123456789")
    rgw = each_flavor.flavor.name == "rgw"
    assert raw("GET", "/cond/o", headers={"If-Match": "*"}).status_code == (412 if rgw else 200)
    assert raw("GET", "/cond/o", headers={"If-None-Match": "*"}).status_code == (
        200 if rgw else 304
    )
    future = "Fri, 01 Jan 2100 00:00:00 GMT"
    assert raw("HEAD", "/cond/o", headers={"If-Modified-Since": future}).status_code == 304
    garbage = raw("GET", "/cond/o", headers={"If-Modified-Since": "yesterday"}).status_code
    assert garbage == (400 if rgw else 200)
    again = raw("PUT", "/cond/o", data=b"new", headers={"If-None-Match": "*"}).status_code
    assert again == (201 if rgw else 412)


def test_multiple_ranges_per_flavor(each_flavor: MockAllas) -> None:
    raw = Raw(each_flavor)
    raw("PUT", "/ranges")
    raw("PUT", "/ranges/o", data=b"0123456789", headers={"Content-Type": "text/plain"})
    reply = raw("GET", "/ranges/o", headers={"Range": "bytes=0-1,5-6"})
    assert reply.status_code == 206
    if each_flavor.flavor.name == "rgw":  # only the first range
        assert reply.content == b"01" and reply.headers["Content-Range"] == "bytes 0-1/10"
        return
    boundary = reply.headers["Content-Type"].split("boundary=")[1]
    assert len(boundary) == 32
    assert (
        reply.content
        == (
            f"--{boundary}\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n01\r\n"
            f"--{boundary}\r\nContent-Type: text/plain\r\nContent-Range: bytes 5-6/10\r\n\r\n56\r\n"
            f"--{boundary}--"
        ).encode()
    )
    assert int(reply.headers["Content-Length"]) == len(reply.content)


def test_expired_objects_vanish_from_reads_not_listings(each_flavor: MockAllas) -> None:
    raw = Raw(each_flavor)
    raw("PUT", "/exp")
    raw("PUT", "/exp/o", data=b"x", headers={"X-Delete-At": str(int(time.time()) + 3600)})
    assert raw("HEAD", "/exp/o").headers["X-Delete-At"].isdigit()
    project_id = each_flavor.storage_url().rsplit("AUTH_", 1)[1]
    each_flavor.state.account(project_id).containers["exp"].objects["o"].delete_at = 1.0
    assert raw("GET", "/exp/o").status_code == 404
    assert names_of(raw("GET", "/exp", params={"format": "json"}).json()) == ["o"]
    deleted = raw("DELETE", "/exp/o").status_code
    assert deleted == (204 if each_flavor.flavor.name == "rgw" else 404)
    assert raw("GET", "/exp", params={"format": "json"}).json() == []
    bad = raw("PUT", "/exp/p", data=b"x", headers={"X-Delete-At": "soon"})
    assert bad.status_code == 400


def test_invalid_utf8_and_long_names(each_flavor: MockAllas) -> None:
    raw = Raw(each_flavor)
    raw("PUT", "/names")
    rgw = each_flavor.flavor.name == "rgw"
    assert raw("PUT", "/names/bad%FF", data=b"x").status_code == (400 if rgw else 412)
    name = "o" * 1023 + "é"  # 1024 characters, 1025 bytes
    assert raw("PUT", f"/names/{name}", data=b"x").status_code == (400 if rgw else 201)
    assert raw("PUT", "/" + "n" * 256).status_code == (400 if rgw else 201)


def test_header_names_that_are_not_tokens(each_flavor: MockAllas) -> None:
    # python-swiftclient sends metadata names as UTF-8 (its functional test
    # test_post_object_unicode_header_name): RGW's front end refuses any header name
    # that is not an HTTP token with a bare 400; Swift takes it.
    conn = connect(each_flavor)
    conn.put_container("hdr")
    conn.put_object("hdr", "o", b"x")
    rgw = each_flavor.flavor.name == "rgw"
    for name in ("x-object-meta-\U0001f44d", "x-object-meta-a(b", "x-foo-\u00e4"):
        response: dict = {}
        try:
            conn.post_object("hdr", "o", {name: "v"}, response_dict=response)
        except swiftclient.ClientException as error:
            assert rgw and error.http_status == 400, name
            assert "x-trans-id" not in response["headers"]
        else:
            assert not rgw and response["status"] == 202, name
    conn.post_object("hdr", "o", {"X-Object-Meta-A!#$%&'*+.^`|~_b": "v"})


def test_object_versioning_keeps_versions_on_swift_only(each_flavor: MockAllas) -> None:
    raw = Raw(each_flavor)
    raw("PUT", "/ver", headers={"X-Versions-Enabled": "true"})
    first = raw("PUT", "/ver/o", data=b"one").headers.get("X-Object-Version-Id")
    raw("PUT", "/ver/o", data=b"two")
    listing = raw("GET", "/ver", params={"versions": "", "format": "json"}).json()
    if each_flavor.flavor.name == "rgw":  # RGW 16 has no object versioning
        assert first is None and [entry["name"] for entry in listing] == ["o"]
        assert "object_versioning" not in requests.get(raw.url.split("/v1")[0] + "/info").json()
        return
    assert [(entry["version_id"], entry["is_latest"]) for entry in listing][1] == (first, False)
    assert raw("GET", "/ver/o", params={"version-id": first}).content == b"one"
    assert raw("HEAD", "/ver").headers["X-Versions-Enabled"] == "True"
    assert raw("HEAD", "/ver").headers["X-Container-Bytes-Used"] == "6"
    # the hidden versions container is counted, never listed
    assert raw("HEAD", "").headers["X-Account-Container-Count"] == "2"
    assert [entry["name"] for entry in raw("GET", "", params={"format": "json"}).json()] == ["ver"]
    marker = raw("DELETE", "/ver/o").headers["X-Object-Version-Id"]
    assert raw("GET", "/ver/o").status_code == 404
    assert raw("DELETE", "/ver").status_code == 409  # versions remain
    assert raw("PUT", "/ver/o", params={"version-id": first}).status_code == 201
    assert raw("GET", "/ver/o").content == b"one"
    for version_id in (marker, first):
        assert raw("DELETE", "/ver/o", params={"version-id": version_id}).status_code == 204
    assert len(raw("GET", "/ver", params={"versions": "", "format": "json"}).json()) == 1


def test_object_versioning_survives_a_restart(tmp_path) -> None:
    with mock_allas(flavor="swift", state_dir=tmp_path) as allas:
        raw = Raw(allas)
        raw("PUT", "/ver", headers={"X-Versions-Enabled": "true"})
        first = raw("PUT", "/ver/o", data=b"one").headers["X-Object-Version-Id"]
        raw("PUT", "/ver/o", data=b"two")
    with mock_allas(flavor="swift", state_dir=tmp_path) as allas:
        raw = Raw(allas)
        assert raw("GET", "/ver/o").headers["X-Object-Version-Id"] != first
        assert raw("GET", "/ver/o", params={"version-id": first}).content == b"one"
        listed = raw("GET", "", params={"format": "json"}).json()
        assert [entry["name"] for entry in listed] == ["ver"]
