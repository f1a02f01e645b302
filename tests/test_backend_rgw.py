"""The real Ceph RGW on loopback (tests/backends/rgw.py): it starts, it answers as Allas'
RGW does, and it leaves nothing running."""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from pathlib import Path

import pytest
import requests
import swiftclient

from backends.common import RealServer
from backends.rgw import (
    MAIN_USER,
    OTHER_USER,
    RgwServer,
    pid_gone,
    rgw_missing,
    running_rgw,
    swift_login,
)

pytestmark = pytest.mark.real


def _require_rgw() -> None:
    """Skip when Ceph is not installed, but in CI (CI set) fail: CI must run these."""
    reason = rgw_missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Ceph RGW tests: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def rgw(rgw_server: RgwServer) -> RgwServer:
    """The session's server (tests/conftest.py), which these tests check first."""
    return rgw_server


def _connection(server: RealServer, account: str = "main") -> swiftclient.Connection:
    login = server.main if account == "main" else server.other
    return swiftclient.Connection(preauthurl=login.storage_url, preauthtoken=login.token, retries=0)


def _daemons_using(folder: Path) -> list[int]:
    """Pids of live (not zombie) processes whose command line names folder's ceph.conf."""
    conf = str(folder / "ceph.conf").encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if conf in cmdline.split(b"\0") and not pid_gone(int(entry.name)):
            found.append(int(entry.name))
    return found


def test_both_accounts_log_in(rgw: RgwServer) -> None:
    assert rgw.name == "rgw"
    assert rgw.root_url.startswith("http://127.0.0.1:")
    for account, (uid, key) in ((rgw.main, MAIN_USER), (rgw.other, OTHER_USER)):
        # Allas' shape: /swift/v1/AUTH_<project>, and a token the account accepts.
        assert account.storage_url == f"{rgw.root_url}/swift/v1/AUTH_{uid}"
        assert account.token
        assert set(account.environ()) == {"OS_STORAGE_URL", "OS_AUTH_TOKEN"}
        again = swift_login(rgw.root_url, uid, key)
        assert again.storage_url == account.storage_url
        head = requests.head(account.storage_url, headers={"X-Auth-Token": account.token})
        assert head.status_code == 204, head.text
        assert "X-Account-Container-Count" in head.headers


def test_wrong_key_is_refused(rgw: RgwServer) -> None:
    uid, _key = MAIN_USER
    answer = requests.get(
        f"{rgw.root_url}/auth/1.0",
        headers={"X-Auth-User": f"{uid}:swift", "X-Auth-Key": "not-the-key"},
    )
    assert answer.status_code in (401, 403), answer.text


def test_container_and_object_round_trip(rgw: RgwServer) -> None:
    conn = _connection(rgw)
    container = f"round-trip-{uuid.uuid4().hex[:8]}"
    body = "Hei Allas! ÅÄÖ\n".encode() * 1000
    conn.put_container(container)
    etag = conn.put_object(container, "kansio/tiedosto.txt", body, content_type="text/plain")
    headers, got = conn.get_object(container, "kansio/tiedosto.txt")
    assert got == body
    assert headers["etag"] == etag
    assert headers["content-type"] == "text/plain"
    _headers, listing = conn.get_container(container)
    assert [item["name"] for item in listing] == ["kansio/tiedosto.txt"]
    assert listing[0]["bytes"] == len(body)
    _headers, containers = conn.get_account()
    assert container in [item["name"] for item in containers]
    conn.delete_object(container, "kansio/tiedosto.txt")
    conn.delete_container(container)


def test_other_account_cannot_read_main_container(rgw: RgwServer) -> None:
    main = _connection(rgw)
    container = f"private-{uuid.uuid4().hex[:8]}"
    main.put_container(container)
    main.put_object(container, "secret.txt", b"only for main")
    try:
        # The other account's token on the main account's URLs.
        answer = requests.get(
            f"{rgw.main.storage_url}/{container}/secret.txt",
            headers={"X-Auth-Token": rgw.other.token},
        )
        assert answer.status_code == 403, answer.text
        with pytest.raises(swiftclient.ClientException) as refused:
            swiftclient.get_container(main.url, rgw.other.token, container)
        assert refused.value.http_status == 403
        with pytest.raises(swiftclient.ClientException) as refused:
            swiftclient.get_object(main.url, rgw.other.token, container, "secret.txt")
        assert refused.value.http_status == 403
        # And the other account does not see the container among its own.
        _headers, containers = _connection(rgw, "other").get_account()
        assert container not in [item["name"] for item in containers]
    finally:
        main.delete_object(container, "secret.txt")
        main.delete_container(container)


def test_swift_info_lists_slo(rgw: RgwServer) -> None:
    answer = requests.get(f"{rgw.root_url}/swift/info")
    assert answer.status_code == 200
    info = json.loads(answer.text)
    assert "slo" in info
    assert "swift" in info
    # What Allas' RGW lists too: bulk delete and temporary URLs.
    assert "bulk_delete" in info
    assert "tempurl" in info


@pytest.mark.parametrize("ending", ["normally", "on an error", "on Ctrl-C"])
def test_nothing_left_running(tmp_path: Path, ending: str) -> None:
    _require_rgw()
    failures = {"on an error": RuntimeError, "on Ctrl-C": KeyboardInterrupt}
    pids: tuple[int, ...] = ()
    expect = pytest.raises(failures[ending]) if ending in failures else contextlib.nullcontext()
    with expect:
        with running_rgw(tmp_path) as server:
            pids = server.pids
            assert len(pids) == 3
            assert not any(pid_gone(pid) for pid in pids)
            assert sorted(_daemons_using(tmp_path)) == sorted(pids)
            if ending in failures:
                raise failures[ending]("the body failed")
    assert pids
    assert [pid for pid in pids if not pid_gone(pid)] == []
    assert _daemons_using(tmp_path) == []
    assert tmp_path.is_dir()  # the caller's folder stays, with the logs in it
    assert (tmp_path / "log").is_dir()
