"""How the fake is used: persistence, isolation from the network, fixtures, decorator."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import requests
import swiftclient

import fake_swift
from fake_swift import AUTH_URL, MockAllas, mock_allas, reset_state

BIG = os.urandom(1024 * 1024 + 10)  # over the spool threshold: kept in a file


def connect(allas: MockAllas) -> swiftclient.Connection:
    return swiftclient.Connection(
        preauthurl=allas.storage_url(), preauthtoken=allas.token_for(), retries=0
    )


def login(env: dict[str, str]) -> swiftclient.Connection:
    return swiftclient.Connection(
        env["OS_AUTH_URL"],
        env["OS_USERNAME"],
        env["OS_PASSWORD"],
        os_options={
            "project_name": env["OS_PROJECT_NAME"],
            "user_domain_name": env["OS_USER_DOMAIN_NAME"],
            "project_domain_name": env["OS_PROJECT_DOMAIN_NAME"],
        },
        auth_version=env["OS_IDENTITY_API_VERSION"],
        retries=0,
    )


# persistence --------------------------------------------------------------------


def test_state_dir_survives_between_contexts(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    with mock_allas(state_dir=state_dir) as allas:
        allas.add_user("Jane", "pw", "project_2001")
        conn = connect(allas)
        conn.put_container("kept", headers={"X-Container-Meta-Note": "hi"})
        conn.put_object("kept", "small", b"tiny", headers={"X-Object-Meta-Color": "red"})
        conn.put_object("kept", "big", BIG)
        conn.put_object("kept", "gone", b"deleted later")
        conn.delete_object("kept", "gone")
        token = allas.token_for()
    assert (state_dir / "state.json").is_file()
    assert not list(state_dir.glob(".state-*"))  # the temporary file was renamed
    assert len(list((state_dir / "bodies").iterdir())) == 2  # "gone" left no file

    with mock_allas(state_dir=state_dir) as allas:
        conn = connect(allas)
        assert conn.head_container("kept")["x-container-meta-note"] == "hi"
        headers, body = conn.get_object("kept", "small")
        assert body == b"tiny" and headers["x-object-meta-color"] == "red"
        assert conn.get_object("kept", "big")[1] == BIG
        assert [o["name"] for o in conn.get_container("kept")[1]] == ["big", "small"]
        # Identities are not saved: no password or token is ever written to disk.
        old_token = requests.head(allas.storage_url(), headers={"X-Auth-Token": token})
        assert old_token.status_code == 401
        with pytest.raises(LookupError):
            allas.environ("Jane")
    saved = (state_dir / "state.json").read_text(encoding="utf-8")
    assert token not in saved and "John1234" not in saved and '"pw"' not in saved


def test_state_is_saved_even_when_the_block_raises(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), mock_allas(state_dir=tmp_path) as allas:
        connect(allas).put_container("before-error")
        raise RuntimeError("boom")
    with mock_allas(state_dir=tmp_path) as allas:
        assert connect(allas).head_container("before-error")


def test_overwritten_bodies_are_removed_on_save(tmp_path: Path) -> None:
    with mock_allas(state_dir=tmp_path) as allas:
        conn = connect(allas)
        conn.put_container("bucket")
        for version in range(3):
            conn.put_object("bucket", "o", f"version {version}".encode())
    assert len(list((tmp_path / "bodies").iterdir())) == 1


def test_reset_state_empties_the_folder_and_is_safe_when_missing(tmp_path: Path) -> None:
    with mock_allas(state_dir=tmp_path) as allas:
        conn = connect(allas)
        conn.put_container("bucket")
        conn.put_object("bucket", "o", b"x")
    reset_state(tmp_path)
    assert not (tmp_path / "state.json").exists() and not (tmp_path / "bodies").exists()
    reset_state(tmp_path)
    reset_state(tmp_path / "never-made")
    with mock_allas(state_dir=tmp_path) as allas:
        assert connect(allas).get_account()[1] == []


def test_unreadable_state_is_reported(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text("{not json")
    with pytest.raises(ValueError, match="unreadable"), mock_allas(state_dir=tmp_path):
        pass


def test_large_bodies_spool_to_a_temporary_folder_removed_on_exit() -> None:
    with mock_allas() as allas:
        conn = connect(allas)
        conn.put_container("bucket")
        conn.put_object("bucket", "big", BIG)
        conn.put_object("bucket", "small", b"x")
        folder = allas.state.bodies.folder
        assert len(list(folder.iterdir())) == 1
        assert conn.get_object("bucket", "big")[1] == BIG
    assert not folder.exists()


def test_state_json_has_stable_project_ids(tmp_path: Path) -> None:
    with mock_allas(state_dir=tmp_path) as allas:
        connect(allas).put_container("bucket")
        url = allas.storage_url()
    saved = json.loads((tmp_path / "state.json").read_text())
    assert url.endswith("AUTH_" + saved["accounts"][0]["project_id"])
    with mock_allas() as allas:
        assert allas.storage_url() == url


# isolation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/",
        "http://a3s.fi/swift/info",
        "https://a3s.fi:8443/swift/info",
        "https://pouta.csc.fi/v3",
        "https://evil.a3s.fi.example.com/swift/info",
    ],
)
def test_other_hosts_fail_fast(fake_allas: MockAllas, url: str) -> None:
    started = time.monotonic()
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=5)
    assert time.monotonic() - started < 1
    assert fake_allas.responses.passthru_prefixes == ()


def test_swiftclient_to_another_host_fails_fast(fake_allas: MockAllas) -> None:
    conn = swiftclient.Connection(
        preauthurl="https://object.example.org/v1/AUTH_x", preauthtoken="t", retries=0
    )
    with pytest.raises(requests.ConnectionError):
        conn.head_account()


def test_only_one_fake_at_a_time(fake_allas: MockAllas) -> None:
    with pytest.raises(RuntimeError, match="already active"), mock_allas(flavor="swift"):
        pass
    assert connect(fake_allas).get_account() is not None


def test_unknown_flavor_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown flavor"):
        mock_allas(flavor="s3")


# decorator and fixtures ---------------------------------------------------------


@mock_allas()
def decorated(*args: object) -> tuple:
    return args, requests.get("https://a3s.fi:443/swift/info").status_code


def test_decorator_passes_nothing_extra() -> None:
    assert decorated() == ((), 200)
    assert decorated(1, 2) == ((1, 2), 200)
    with mock_allas():  # the decorator released the hosts
        pass


def test_fake_allas_fixture_is_the_active_handle(fake_allas: MockAllas) -> None:
    assert isinstance(fake_allas, MockAllas)
    assert fake_allas.flavor.name == "rgw"
    assert connect(fake_allas).get_account()[1] == []


@pytest.mark.fake_allas(flavor="swift")
def test_fixture_marker_chooses_the_flavor(fake_allas: MockAllas) -> None:
    assert fake_allas.flavor.name == "swift"
    assert requests.get(fake_allas.storage_url()).status_code == 401


def test_allas_env_sets_the_login_variables(
    allas_env: MockAllas, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(allas_env, MockAllas)
    assert os.environ["OS_AUTH_URL"] == AUTH_URL
    assert os.environ["OS_USERNAME"] == "John"
    assert "OS_AUTH_TOKEN" not in os.environ
    url, token = login(dict(os.environ)).get_auth()
    assert url == allas_env.storage_url() and token


def test_public_names() -> None:
    assert set(fake_swift.__all__) >= {"mock_allas", "AUTH_URL", "STORAGE_ROOT", "reset_state"}
