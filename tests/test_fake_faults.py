"""Faults injected by the fake (503s, dropped connections, delays, expired tokens), the
request log, and every example function run to completion through them.

swiftclient backs off for 1 s, 2 s, ... between retries; the tests here replace
``swiftclient.client.sleep`` with a no-op (only in this module's tests, through the
``no_backoff`` fixture) so that retried requests cost no time.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import swiftclient
import swiftclient.client
from keystoneauth1 import session
from keystoneauth1.identity import v3

from allas_examples.connection import connect
from allas_examples.course import load_example
from fake_swift import AUTH_URL, MockAllas, RequestRecord, mock_allas
from fake_swift.transport import KEPT_BODY_SIZE

STORAGE = "^/swift/"  # every storage request, /swift/info included
ACCOUNTS = "^/swift/v1/"  # storage requests to an account (all but /swift/info)
TOKENS_URL = f"{AUTH_URL}/auth/tokens"

connection_example = load_example("create_connection")
create = load_example("create_bucket")
upload = load_example("upload_object")
large = load_example("upload_large_object")
listing = load_example("list_buckets_and_objects")
download = load_example("download_object")
removal = load_example("remove_buckets_and_objects")


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """swiftclient's retry back-off, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(swiftclient.client, "sleep", slept.append)
    return slept


def storage_url_and_token(allas: MockAllas) -> tuple[str, dict[str, str]]:
    return allas.storage_url(), {"X-Auth-Token": allas.token_for()}


def statuses(allas: MockAllas, path: str = STORAGE) -> list[int | None]:
    return [r.status for r in allas.requests if re.search(path, r.path)]


# --- the faults themselves -----------------------------------------------------------


def test_fail_next_answers_without_reaching_the_service(fake_allas: MockAllas) -> None:
    url, headers = storage_url_and_token(fake_allas)
    fake_allas.fail_next(2)
    first = requests.put(f"{url}/kept-out", headers=headers)
    assert (first.status_code, first.text) == (503, "Service Unavailable")
    assert requests.put(f"{url}/kept-out", headers=headers).status_code == 503
    # Neither PUT reached Swift: the third one creates the container.
    assert requests.put(f"{url}/kept-out", headers=headers).status_code == 201
    assert requests.put(f"{url}/kept-out", headers=headers).status_code == 202


def test_fail_next_matches_method_and_path_regex(fake_allas: MockAllas) -> None:
    url, headers = storage_url_and_token(fake_allas)
    fake_allas.fail_next(1, status=500, method="PUT", path=r"/bucket-b$")
    assert requests.put(f"{url}/bucket-a", headers=headers).status_code == 201
    assert requests.head(f"{url}/bucket-a", headers=headers).status_code == 204
    assert requests.get(f"{url}/bucket-b", headers=headers).status_code == 404
    assert requests.put(f"{url}/bucket-b", headers=headers).status_code == 500
    assert requests.put(f"{url}/bucket-b", headers=headers).status_code == 201


def test_fail_next_on_logins_only(fake_allas: MockAllas) -> None:
    url, headers = storage_url_and_token(fake_allas)
    fake_allas.fail_next(1, path="/auth/tokens$")
    assert requests.head(url, headers=headers).status_code == 204
    body = {"auth": {"identity": {"methods": ["password"]}}}
    assert requests.post(TOKENS_URL, json=body).status_code == 503
    assert requests.post(TOKENS_URL, json=body).status_code == 400


def test_after_lets_matching_requests_through_first(fake_allas: MockAllas) -> None:
    url, headers = storage_url_and_token(fake_allas)
    fake_allas.fail_next(1, status=502, method="HEAD", after=2)
    codes = [requests.head(url, headers=headers).status_code for _ in range(4)]
    assert codes == [204, 204, 502, 204]


def test_swiftclient_retries_a_burst_of_503s(fake_allas: MockAllas, no_backoff) -> None:
    conn = connect(fake_allas.environ())
    conn.put_container("retried")
    fake_allas.clear_log()
    fake_allas.fail_next(2, path=STORAGE)
    # BytesIO, not bytes: swiftclient cannot rewind bytes contents for a retry.
    conn.put_object("retried", "o", io.BytesIO(b"data"))
    assert statuses(fake_allas) == [503, 503, 201]
    assert no_backoff == [1, 2]


def test_drop_next_raises_connection_error_and_swiftclient_retries(
    fake_allas: MockAllas,
) -> None:
    url, headers = storage_url_and_token(fake_allas)
    fake_allas.drop_next(1, method="GET")
    with pytest.raises(requests.ConnectionError, match="dropped"):
        requests.get(url, headers=headers)
    assert fake_allas.requests[-1] == RequestRecord("GET", fake_allas.requests[-1].path, {}, None)
    conn = connect(fake_allas.environ())
    conn.put_container("dropped")
    fake_allas.clear_log()
    fake_allas.drop_next(2, path=STORAGE)
    conn.put_object("dropped", "o", io.BytesIO(b"data"))
    assert statuses(fake_allas) == [None, None, 201]
    assert conn.get_object("dropped", "o")[1] == b"data"


def test_delay_next_sleeps_before_answering(fake_allas: MockAllas) -> None:
    url, headers = storage_url_and_token(fake_allas)
    fake_allas.delay_next(2, 0.2, method="HEAD")
    start = time.monotonic()
    assert requests.head(url, headers=headers).status_code == 204
    assert requests.get(url, headers=headers).status_code == 204  # not delayed
    middle = time.monotonic()
    assert requests.head(url, headers=headers).status_code == 204
    delayed_twice = time.monotonic()
    assert requests.head(url, headers=headers).status_code == 204
    end = time.monotonic()
    assert 0.2 <= middle - start < 0.35
    assert delayed_twice - middle >= 0.2
    assert end - delayed_twice < 0.15


def test_delay_applies_before_a_failure(fake_allas: MockAllas) -> None:
    url, headers = storage_url_and_token(fake_allas)
    fake_allas.delay_next(1, 0.2)
    fake_allas.fail_next(1, status=504)
    start = time.monotonic()
    assert requests.head(url, headers=headers).status_code == 504
    assert time.monotonic() - start >= 0.2


def test_clear_faults_cancels_what_is_pending(fake_allas: MockAllas) -> None:
    url, headers = storage_url_and_token(fake_allas)
    fake_allas.fail_next(5)
    fake_allas.drop_next(5)
    fake_allas.expire_tokens(after=0)
    fake_allas.clear_faults()
    assert requests.head(url, headers=headers).status_code == 204


def test_bad_fault_arguments_are_refused(fake_allas: MockAllas) -> None:
    with pytest.raises(ValueError):
        fake_allas.fail_next(-1)
    with pytest.raises(ValueError):
        fake_allas.delay_next(1, -0.5)
    with pytest.raises(ValueError):
        fake_allas.fail_next(1, status=42)


def test_faults_need_an_active_fake() -> None:
    allas = mock_allas()
    with pytest.raises(RuntimeError, match="not active"):
        allas.fail_next(1)
    with pytest.raises(RuntimeError, match="not active"):
        _ = allas.requests


def test_faults_do_not_outlive_the_with_block() -> None:
    with mock_allas() as allas:
        allas.fail_next(10)
    with mock_allas() as allas:
        url, headers = storage_url_and_token(allas)
        assert requests.head(url, headers=headers).status_code == 204
        assert len(allas.requests) == 1


# --- expired tokens ------------------------------------------------------------------


def test_expire_tokens_makes_every_token_so_far_401(fake_allas: MockAllas) -> None:
    url, headers = storage_url_and_token(fake_allas)
    other = {"X-Auth-Token": fake_allas.token_for()}
    assert requests.head(url, headers=headers).status_code == 204
    fake_allas.expire_tokens()
    assert requests.head(url, headers=headers).status_code == 401
    assert requests.head(url, headers=other).status_code == 401
    assert requests.head(url, headers={"X-Auth-Token": fake_allas.token_for()}).status_code == 204


def test_expired_token_is_404_at_validation(fake_allas: MockAllas) -> None:
    subject = fake_allas.token_for()
    fake_allas.expire_tokens()
    caller = fake_allas.token_for()
    reply = requests.get(TOKENS_URL, headers={"X-Auth-Token": caller, "X-Subject-Token": subject})
    assert reply.status_code == 404
    assert reply.json()["error"]["title"] == "Not Found"


def test_expire_tokens_after_requests(fake_allas: MockAllas) -> None:
    url, headers = storage_url_and_token(fake_allas)
    fake_allas.expire_tokens(after=2, method="HEAD")
    codes = [requests.head(url, headers=headers).status_code for _ in range(2)]
    assert requests.get(url, headers=headers).status_code == 204  # not counted
    codes.append(requests.head(url, headers=headers).status_code)
    assert codes == [204, 204, 401]


def test_session_connection_logs_in_again_after_expiry(fake_allas: MockAllas) -> None:
    conn = connect(fake_allas.environ())
    conn.put_container("relogin")
    old_token = conn.token
    fake_allas.clear_log()
    fake_allas.expire_tokens()
    assert conn.head_container("relogin")["x-container-object-count"] == "0"
    assert conn.token != old_token
    logged = [(r.method, r.path.rsplit("/", 2)[-1], r.status) for r in fake_allas.requests]
    assert logged == [("HEAD", "relogin", 401), ("POST", "tokens", 201), ("HEAD", "relogin", 204)]


def test_swiftclient_application_credential_connection_cannot_log_in_again(
    fake_allas: MockAllas,
) -> None:
    """swiftclient re-logs in on a 401 only with a session or user and key; its
    ``auth_type=v3applicationcredential`` path has neither (a swiftclient limitation)."""
    credential_id, secret = fake_allas.add_application_credential("John")
    options = {
        "auth_type": "v3applicationcredential",
        "application_credential_id": credential_id,
        "application_credential_secret": secret,
    }
    conn = swiftclient.Connection(AUTH_URL, auth_version="3", os_options=options)
    conn.put_container("app-cred")
    fake_allas.expire_tokens()
    with pytest.raises(swiftclient.ClientException) as caught:
        conn.head_container("app-cred")
    assert caught.value.http_status == 401
    # The same credential in a keystoneauth1 session logs in again.
    auth = v3.ApplicationCredential(
        auth_url=AUTH_URL,
        application_credential_id=credential_id,
        application_credential_secret=secret,
    )
    conn = swiftclient.Connection(session=session.Session(auth=auth))
    conn.head_container("app-cred")
    fake_allas.expire_tokens()
    assert conn.head_container("app-cred")["x-container-object-count"] == "0"


# --- the request log -----------------------------------------------------------------


def test_request_log_has_method_path_query_and_status(fake_allas: MockAllas) -> None:
    conn = connect(fake_allas.environ())
    conn.put_container("logged")
    conn.get_container("logged", prefix="a/", delimiter="/")
    project = fake_allas.storage_url().rsplit("/", 1)[-1]
    assert fake_allas.requests == [
        RequestRecord("POST", "/v3/auth/tokens", {}, 201),
        RequestRecord("PUT", f"/swift/v1/{project}/logged", {}, 201),
        RequestRecord(
            "GET",
            f"/swift/v1/{project}/logged",
            {"format": "json", "prefix": "a/", "delimiter": "/"},
            200,
        ),
    ]
    snapshot = fake_allas.requests
    snapshot.clear()
    assert len(fake_allas.requests) == 3  # a copy is handed out
    fake_allas.clear_log()
    assert fake_allas.requests == []


def test_request_log_is_complete_under_threads(fake_allas: MockAllas) -> None:
    url, headers = storage_url_and_token(fake_allas)

    def work() -> None:
        for _ in range(25):
            requests.head(url, headers=headers)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fake_allas.requests) == 200
    assert {r.status for r in fake_allas.requests} == {204}


def test_big_request_bodies_are_not_kept_in_responses_calls(
    fake_allas: MockAllas, tmp_path: Path
) -> None:
    conn = connect(fake_allas.environ())
    conn.put_container("bodies")
    conn.put_object("bodies", "small", b"s" * 10)
    conn.put_object("bodies", "big-bytes", b"b" * (KEPT_BODY_SIZE + 1))
    source = tmp_path / "file.bin"
    source.write_bytes(b"f" * 1000)
    with open(source, "rb") as file:
        conn.put_object("bodies", "from-file", file)
    conn.put_object("bodies", "generated", iter([b"g" * 10, b"h" * 10]))
    bodies = {
        call.request.url.rsplit("/", 1)[-1]: call.request.body
        for call in fake_allas.responses.calls
        if call.request.method == "PUT"
    }
    assert bodies["small"] == b"s" * 10
    assert bodies["big-bytes"] is None
    assert bodies["from-file"] is None
    assert bodies["generated"] is None
    assert conn.get_object("bodies", "generated")[1] == b"g" * 10 + b"h" * 10


# --- every example function through the faults --------------------------------------


@dataclass
class Scenario:
    """One example function: what it needs first, the call, and what it must leave."""

    setup: Callable[[swiftclient.Connection, Path], Any]
    run: Callable[[swiftclient.Connection, Any], Any]
    check: Callable[[swiftclient.Connection, Any, Any], None]


def _file(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _check_connection(conn: swiftclient.Connection, _: None, headers: dict) -> None:
    assert headers["x-account-container-count"] == "1"


def _check_bucket(conn: swiftclient.Connection, _: None, __: None) -> None:
    assert [c["name"] for c in conn.get_account()[1]] == ["newbucket", "snakebucket"]


def _check_upload(conn: swiftclient.Connection, path: Path, md5: str) -> None:
    assert md5 == hashlib.md5(path.read_bytes()).hexdigest()
    assert conn.get_object("snakebucket", "snake.txt")[1] == path.read_bytes()


def _check_large(conn: swiftclient.Connection, source: Path, result: dict) -> None:
    assert result["large_object"] is True
    assert conn.get_object("snakebucket", "big.bin")[1] == source.read_bytes()


def _check_listing(conn: swiftclient.Connection, _: None, result: tuple) -> None:
    buckets, objects = result
    assert [(b["name"], b["count"], b["bytes"]) for b in buckets] == [("snakebucket", 1, 5)]
    assert [(o["name"], o["bytes"]) for o in objects] == [("a", 5)]


def _setup_download(conn: swiftclient.Connection, folder: Path) -> Path:
    conn.put_object("snakebucket", "snake.bin", b"hiss" * 100)
    return folder / "downloaded.bin"


def _check_download(conn: swiftclient.Connection, target: Path, size: int) -> None:
    assert size == 400
    assert target.read_bytes() == b"hiss" * 100


def _setup_remove(conn: swiftclient.Connection, folder: Path) -> None:
    for name in ("a", "b", "c"):
        conn.put_object("snakebucket", name, name.encode())


def _run_remove(conn: swiftclient.Connection, _: None) -> list[str]:
    removed = removal.remove_objects(conn, "snakebucket")
    removal.remove_bucket(conn, "snakebucket")
    return removed


def _check_remove(conn: swiftclient.Connection, _: None, removed: list[str]) -> None:
    assert sorted(removed) == ["a", "b", "c"]
    assert conn.get_account()[1] == []


SCENARIOS = {
    "create_connection": Scenario(
        setup=lambda conn, folder: None,
        run=lambda conn, _: connection_example.describe_connection(conn),
        check=_check_connection,
    ),
    "create_bucket": Scenario(
        setup=lambda conn, folder: None,
        run=lambda conn, _: create.create_bucket(conn, "newbucket"),
        check=_check_bucket,
    ),
    "upload_object": Scenario(
        setup=lambda conn, folder: _file(folder, "snake.txt", b"python\n" * 50),
        run=lambda conn, path: upload.upload_object(conn, "snakebucket", str(path)),
        check=_check_upload,
    ),
    "upload_large_object": Scenario(
        setup=lambda conn, folder: _file(folder, "big.bin", os.urandom(35)),
        run=lambda conn, path: large.upload_large_object(
            conn, "snakebucket", str(path), segment_size=10
        ),
        check=_check_large,
    ),
    "list_buckets_and_objects": Scenario(
        setup=lambda conn, folder: conn.put_object("snakebucket", "a", b"12345"),
        run=lambda conn, _: (
            listing.list_buckets(conn),
            listing.list_objects(conn, "snakebucket"),
        ),
        check=_check_listing,
    ),
    "download_object": Scenario(
        setup=_setup_download,
        run=lambda conn, target: download.download_object(
            conn, "snakebucket", "snake.bin", str(target)
        ),
        check=_check_download,
    ),
    "remove_buckets_and_objects": Scenario(
        setup=_setup_remove,
        run=_run_remove,
        check=_check_remove,
    ),
}


def _attempt(
    scenario: Scenario, folder: Path, inject: Callable[[MockAllas], None] | None
) -> tuple[BaseException | None, list[RequestRecord]]:
    """Run one scenario in a fresh fake, with ``inject`` applied just before the call."""
    folder.mkdir(parents=True)
    with mock_allas() as allas:
        conn = connect(allas.environ())
        conn.put_container("snakebucket")  # logged in, the token is in the connection
        context = scenario.setup(conn, folder)
        allas.clear_log()
        if inject is not None:
            inject(allas)
        error: BaseException | None = None
        try:
            result = scenario.run(conn, context)
        except Exception as caught:
            error = caught
        log = allas.requests
        allas.clear_faults()
        if error is None:
            scenario.check(conn, context, result)
    return error, log


def _matching(log: list[RequestRecord], path: str) -> list[RequestRecord]:
    return [record for record in log if re.search(path, record.path)]


def _each_position(
    name: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fault: Callable[[MockAllas, int], None],
    path: str = STORAGE,
) -> tuple[list[RequestRecord], dict[int, str], dict[int, list[RequestRecord]]]:
    """Inject ``fault`` at each of the N requests matching ``path`` that the example
    makes (``after`` = 0..N-1).

    Returns those N requests of a run without faults, the positions where the example
    failed (with the error), and the log of each run.
    """
    scenario = SCENARIOS[name]
    error, clean_log = _attempt(scenario, tmp_path / "clean", None)
    assert error is None, error
    clean = _matching(clean_log, path)
    assert clean
    failures: dict[int, str] = {}
    logs: dict[int, list[RequestRecord]] = {}
    for position in range(len(clean)):
        folder = tmp_path / f"at-{position}"
        error, logs[position] = _attempt(
            scenario, folder, lambda allas, p=position: fault(allas, p)
        )
        if error is not None:
            failures[position] = f"{type(error).__name__}: {error}"
    capsys.readouterr()
    return clean, failures, logs


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_example_survives_a_burst_of_503s_anywhere(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], in_language
) -> None:
    in_language("en")
    _, failures, logs = _each_position(
        name, tmp_path, capsys, lambda allas, p: allas.fail_next(2, path=STORAGE, after=p)
    )
    assert failures == {}, f"{name} failed with 503s after request {failures}"
    for position, log in logs.items():
        assert [r.status for r in log].count(503) == 2, (position, log)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_example_survives_dropped_connections_anywhere_but_info(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], in_language
) -> None:
    in_language("en")
    _, failures, logs = _each_position(
        name,
        tmp_path,
        capsys,
        lambda allas, p: allas.drop_next(2, path=ACCOUNTS, after=p),
        path=ACCOUNTS,
    )
    assert failures == {}, f"{name} failed with dropped connections after {failures}"
    for position, log in logs.items():
        assert [r.status for r in log].count(None) == 2, (position, log)


def test_large_upload_does_not_depend_on_the_info_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], in_language
) -> None:
    """SwiftService asks /info once and never retries it; the example tells it SLO works."""
    in_language("en")
    error, log = _attempt(
        SCENARIOS["upload_large_object"],
        tmp_path / "run",
        lambda allas: allas.drop_next(1, path="^/swift/info$"),
    )
    assert error is None
    assert [r for r in log if r.path == "/swift/info"] == []
    manifest = [r for r in log if r.method == "PUT" and r.path.endswith("/snakebucket/big.bin")]
    assert [r.query for r in manifest] == [{"multipart-manifest": "put"}]


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_example_survives_token_expiry_anywhere(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], in_language
) -> None:
    in_language("en")
    clean, failures, logs = _each_position(
        name, tmp_path, capsys, lambda allas, p: allas.expire_tokens(after=p, path=STORAGE)
    )
    assert failures == {}, f"{name} failed when tokens expired after request {failures}"
    for position, log in logs.items():
        statuses = [r.status for r in log]
        if clean[position].path != "/swift/info":  # the next request carries a token
            assert 401 in statuses, (position, log)
        if 401 in statuses:  # noticed: a new login follows, and everything after it works
            relogin = [r.path for r in log[statuses.index(401) + 1 :]]
            assert "/v3/auth/tokens" in relogin, (position, log)
