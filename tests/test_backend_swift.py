"""The real OpenStack Swift on loopback (tests/backends/swift.py): it starts, it answers
as Swift does, and it leaves nothing running."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import swiftclient
from swiftclient.service import SwiftService, SwiftUploadObject
from swiftclient.utils import generate_temp_url

from backends.common import RealServer
from backends.swift import (
    MAIN_KEY,
    MAIN_USER,
    OTHER_KEY,
    OTHER_USER,
    running_swift,
    started_pids,
    swift_missing,
    swift_update_counts,
)
from conftest import scratch_folder

pytestmark = pytest.mark.real

SEGMENT = 100_000
SIZE = 250_000  # three segments, the last one short


def _require_swift() -> None:
    reason = swift_missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Swift tests: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def swift_here() -> Iterator[tuple[RealServer, Path]]:
    """This module's own Swift, with the folder that holds its state."""
    _require_swift()
    with scratch_folder("swift") as folder, running_swift(folder) as server:
        yield server, folder


@pytest.fixture
def server(swift_here) -> RealServer:
    return swift_here[0]


def connection(server: RealServer, account: str = "main") -> swiftclient.Connection:
    login = getattr(server, account)
    return swiftclient.Connection(preauthurl=login.storage_url, preauthtoken=login.token, retries=0)


def alive(pid: int) -> bool:
    """Whether ``pid`` still runs; a zombie counts as stopped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_both_accounts_log_in_with_v1_auth(server: RealServer):
    for user, key, account in (
        (MAIN_USER, MAIN_KEY, server.main),
        (OTHER_USER, OTHER_KEY, server.other),
    ):
        reply = requests.get(
            f"{server.root_url}/auth/v1.0",
            headers={"X-Auth-User": user, "X-Auth-Key": key},
            timeout=10,
        )
        assert reply.status_code == 200
        assert reply.headers["X-Storage-Url"] == account.storage_url
        assert reply.headers["X-Auth-Token"].startswith("AUTH_")
    assert server.main.storage_url == f"{server.root_url}/v1/AUTH_main"
    assert server.other.storage_url == f"{server.root_url}/v1/AUTH_other"
    assert server.main.token != server.other.token


def test_wrong_key_is_401(server: RealServer):
    reply = requests.get(
        f"{server.root_url}/auth/v1.0",
        headers={"X-Auth-User": MAIN_USER, "X-Auth-Key": "wrong"},
        timeout=10,
    )
    assert reply.status_code == 401


def test_container_and_object_round_trip(server: RealServer):
    conn = connection(server)
    conn.put_container("round-trip")
    etag = conn.put_object("round-trip", "hello.txt", b"Hei maailma!\n", content_type="text/plain")
    assert etag == hashlib.md5(b"Hei maailma!\n").hexdigest()
    headers, body = conn.get_object("round-trip", "hello.txt")
    assert body == b"Hei maailma!\n"
    assert headers["content-type"] == "text/plain"
    _, listing = conn.get_container("round-trip")
    assert [item["name"] for item in listing] == ["hello.txt"]
    assert "round-trip" in [item["name"] for item in conn.get_account()[1]]
    conn.delete_object("round-trip", "hello.txt")
    conn.delete_container("round-trip")
    with pytest.raises(swiftclient.ClientException) as caught:
        conn.head_container("round-trip")
    assert caught.value.http_status == 404


@pytest.mark.parametrize("token", ["AUTH_tk0123456789abcdef", "AUTH_ftkgAAAAAnot-fernet", "x"])
def test_bad_token_is_401(server: RealServer, token: str):
    conn = swiftclient.Connection(preauthurl=server.main.storage_url, preauthtoken=token, retries=0)
    with pytest.raises(swiftclient.ClientException) as caught:
        conn.get_account()
    assert caught.value.http_status == 401


def test_other_account_is_403_on_main_container(server: RealServer):
    connection(server).put_container("private")
    other = swiftclient.Connection(
        preauthurl=server.main.storage_url, preauthtoken=server.other.token, retries=0
    )
    with pytest.raises(swiftclient.ClientException) as caught:
        other.get_container("private")
    assert caught.value.http_status == 403
    with pytest.raises(swiftclient.ClientException) as caught:
        other.put_object("private", "intruder.txt", b"no")
    assert caught.value.http_status == 403


def test_info_lists_slo_and_bulk_delete(server: RealServer):
    info = requests.get(f"{server.root_url}/info", timeout=10).json()
    for feature in ("swift", "slo", "bulk_delete", "bulk_upload", "tempurl", "tempauth"):
        assert feature in info, feature


def test_bulk_delete(server: RealServer):
    conn = connection(server)
    conn.put_container("bulk")
    for name in ("a", "b", "c"):
        conn.put_object("bulk", name, name.encode())
    reply = requests.post(
        f"{server.main.storage_url}?bulk-delete",
        headers={
            "X-Auth-Token": server.main.token,
            "Content-Type": "text/plain",
            "Accept": "application/json",
        },
        data="\n".join(["/bulk/a", "/bulk/b", "/bulk/c", "/bulk"]),
        timeout=30,
    )
    assert reply.status_code == 200
    result = reply.json()
    assert result["Number Deleted"] == 4, result
    assert result["Errors"] == []


def test_temp_url(server: RealServer):
    conn = connection(server)
    conn.post_account({"X-Account-Meta-Temp-URL-Key": "tempurl-secret"})
    conn.put_container("shared")
    conn.put_object("shared", "note.txt", b"for anyone with the link")
    path = server.main.storage_url.split("127.0.0.1", 1)[1].split("/", 1)[1]
    signed = generate_temp_url(f"/{path}/shared/note.txt", 300, "tempurl-secret", "GET")
    reply = requests.get(f"{server.root_url}{signed}", timeout=10)
    assert reply.status_code == 200
    assert reply.content == b"for anyone with the link"
    assert requests.get(f"{server.root_url}{signed}x", timeout=10).status_code == 401


def test_slo_upload_then_download(server: RealServer, tmp_path: Path):
    data = os.urandom(SIZE)
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    options = {"os_storage_url": server.main.storage_url, "os_auth_token": server.main.token}
    with SwiftService(options=options) as service:
        results = list(
            service.upload(
                "large",
                [SwiftUploadObject(str(source), object_name="big.bin")],
                options={"segment_size": SEGMENT, "use_slo": True},
            )
        )
        assert all(result["success"] for result in results), results
        target = tmp_path / "back.bin"
        results = list(service.download("large", ["big.bin"], options={"out_file": str(target)}))
        assert all(result["success"] for result in results), results
    assert target.read_bytes() == data
    conn = connection(server)
    headers = conn.head_object("large", "big.bin")
    assert headers["x-static-large-object"] == "True"
    assert int(headers["content-length"]) == SIZE
    _, manifest = conn.get_object("large", "big.bin", query_string="multipart-manifest=get")
    assert len(json.loads(manifest)) == 3


def test_account_counts_move_when_the_updater_runs(swift_here):
    server, folder = swift_here
    conn = connection(server, "other")
    conn.put_container("counted")
    conn.put_object("counted", "one", b"1")
    conn.put_object("counted", "two", b"22")

    def listed() -> dict:
        return {item["name"]: item for item in conn.get_account()[1]}["counted"]

    # The container server tells the account server only about the container itself.
    assert listed()["count"] == 0
    swift_update_counts(folder)
    assert listed()["count"] == 2
    assert listed()["bytes"] == 3
    assert int(conn.head_account()["x-account-object-count"]) == 2


def test_nothing_runs_after_the_context_exits(tmp_path: Path):
    _require_swift()
    with running_swift(tmp_path / "clean") as server:
        pids = started_pids(tmp_path / "clean")
        assert len(pids) == 4
        assert all(alive(pid) for pid in pids)
        assert requests.get(f"{server.root_url}/healthcheck", timeout=10).text == "OK"
    assert not [pid for pid in pids if alive(pid)]


def test_nothing_runs_after_the_body_raises(tmp_path: Path):
    _require_swift()
    with pytest.raises(RuntimeError, match="the test body failed"):
        with running_swift(tmp_path / "failing"):
            pids = started_pids(tmp_path / "failing")
            raise RuntimeError("the test body failed")
    assert len(pids) == 4
    assert not [pid for pid in pids if alive(pid)]
