"""Faults injected by the fake (503s, dropped connections, delays, expired tokens) and
the request log. How the example scripts survive them: test_faults_survived.py.

swiftclient backs off for 1 s, 2 s, ... between retries; the tests here replace
``swiftclient.client.sleep`` with a no-op (the ``no_backoff`` fixture of conftest.py)
so that retried requests cost no time.
"""

from __future__ import annotations

import io
import re
import threading
import time
from pathlib import Path

import pytest
import requests
import swiftclient
import swiftclient.client
from keystoneauth1 import session
from keystoneauth1.identity import v3

from allas_examples.connection import connect
from fake_swift import AUTH_URL, MockAllas, RequestRecord, faults, mock_allas, transport
from fake_swift.transport import KEPT_BODY_SIZE

STORAGE = "^/swift/"  # every storage request, /swift/info included
ACCOUNTS = "^/swift/v1/"  # storage requests to an account (all but /swift/info)
TOKENS_URL = f"{AUTH_URL}/auth/tokens"


pytestmark = pytest.mark.usefixtures("no_backoff")


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


def test_delay_next_sleeps_before_answering(
    fake_allas: MockAllas, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Which answers waited is read from the fake's sleeps, not from the clock: a busy
    # machine makes any request slow. The clock only shows that the waits were slept.
    slept: list[float] = []

    def recorded_sleep(seconds: float) -> None:
        if seconds > 0:
            slept.append(seconds)
        faults.sleep(seconds)

    monkeypatch.setattr(transport, "sleep", recorded_sleep)
    url, headers = storage_url_and_token(fake_allas)
    fake_allas.delay_next(2, 0.2, method="HEAD")
    start = time.monotonic()
    assert requests.head(url, headers=headers).status_code == 204
    assert slept == [0.2]
    assert requests.get(url, headers=headers).status_code == 204
    assert slept == [0.2]  # a GET is not delayed
    assert requests.head(url, headers=headers).status_code == 204
    assert slept == [0.2, 0.2]
    assert time.monotonic() - start >= 0.4
    assert requests.head(url, headers=headers).status_code == 204
    assert slept == [0.2, 0.2]  # the third HEAD is not


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
