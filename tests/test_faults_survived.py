"""Every example script's operation run through the fake's faults: a burst of 503s, dropped
connections and expired tokens at each of its requests in turn. The operation completes
and leaves what it should.

swiftclient's back-off between retries is not slept here (the ``no_backoff`` fixture).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shlex
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import swiftclient
import swiftclient.shell

from allas_examples import files
from allas_examples.connection import connect, storage_url_and_token
from allas_examples.course import EXAMPLES, load_example
from allas_examples.errors import EXIT_SERVICE, AllasExampleError, describe
from allas_examples.messages import text
from conftest import expected, run_example
from fake_swift import AUTH_URL, MockAllas, RequestRecord, mock_allas, transport

pytestmark = pytest.mark.usefixtures("no_backoff")

STORAGE = "^/swift/"  # every storage request, /swift/info included
ACCOUNTS = "^/swift/v1/"  # storage requests to an account (all but /swift/info)
BUCKET = "snakebucket"

examples = {name: load_example(name) for name in EXAMPLES}


@dataclass
class Scenario:
    """One example's operation: what it needs first, the call, and what it must leave."""

    setup: Callable[[swiftclient.Connection, Path, MockAllas], Any]
    run: Callable[[swiftclient.Connection, Any], Any]
    check: Callable[[swiftclient.Connection, Any, Any], None]
    # A bare storage URL and token (allas-conf) cannot log in again when the token expires.
    bare_token: bool = False


def _nothing(conn: swiftclient.Connection, folder: Path, allas: MockAllas) -> None:
    return None


def _file(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _body(conn: swiftclient.Connection, bucket: str, name: str) -> bytes:
    return conn.get_object(bucket, name)[1]


def _names(conn: swiftclient.Connection, bucket: str) -> list[str]:
    return [item["name"] for item in conn.get_container(bucket, full_listing=True)[1]]


# --- the page scripts ----------------------------------------------------------------


def _check_connection(conn: swiftclient.Connection, _: None, headers: dict) -> None:
    assert headers["x-account-container-count"] == "1"


def _check_bucket(conn: swiftclient.Connection, _: None, __: None) -> None:
    assert [c["name"] for c in conn.get_account()[1]] == ["newbucket", BUCKET]


def _check_upload(conn: swiftclient.Connection, path: Path, md5: str) -> None:
    assert md5 == hashlib.md5(path.read_bytes()).hexdigest()
    assert _body(conn, BUCKET, "snake.txt") == path.read_bytes()


def _check_large(conn: swiftclient.Connection, source: Path, result: dict) -> None:
    assert result["large_object"] is True
    assert _body(conn, BUCKET, "big.bin") == source.read_bytes()
    assert len(_names(conn, f"{BUCKET}_segments")) == 4


def _check_listing(conn: swiftclient.Connection, _: None, result: tuple) -> None:
    buckets, objects = result
    assert [(b["name"], b["count"], b["bytes"]) for b in buckets] == [(BUCKET, 1, 5)]
    assert [(o["name"], o["bytes"]) for o in objects] == [("a", 5)]


def _setup_download(conn: swiftclient.Connection, folder: Path, allas: MockAllas) -> Path:
    conn.put_object(BUCKET, "snake.bin", b"hiss" * 100)
    return folder / "downloaded.bin"


def _check_download(conn: swiftclient.Connection, target: Path, size: int) -> None:
    assert size == 400
    assert target.read_bytes() == b"hiss" * 100


def _setup_remove(conn: swiftclient.Connection, folder: Path, allas: MockAllas) -> None:
    for name in ("a", "b", "c"):
        conn.put_object(BUCKET, name, name.encode())


def _run_remove(conn: swiftclient.Connection, _: None) -> list[str]:
    removal = examples["remove_buckets_and_objects"]
    removed = removal.remove_objects(conn, BUCKET)
    removal.remove_bucket(conn, BUCKET)
    return removed


def _check_remove(conn: swiftclient.Connection, _: None, removed: list[str]) -> None:
    assert sorted(removed) == ["a", "b", "c"]
    assert conn.get_account()[1] == []


# --- the scripts beyond the pages ----------------------------------------------------


def _setup_log_in(conn: swiftclient.Connection, folder: Path, allas: MockAllas) -> dict:
    log_in = examples["log_in"]
    environ = allas.environ("John")
    rc_file = _file(folder, "openrc.sh", log_in.SAMPLE_RC_TEMPLATE.format_map(environ).encode())
    credential_id, secret = allas.add_application_credential("John")
    return {
        "rc": rc_file,
        "password": environ["OS_PASSWORD"],
        "credential": (credential_id, secret),
    }


def _run_log_in(conn: swiftclient.Connection, given: dict) -> list[str]:
    log_in = examples["log_in"]
    logged_in = [
        log_in.log_in_with_token(*storage_url_and_token(conn)),
        log_in.log_in_with_rc_file(str(given["rc"]), given["password"]),
        log_in.log_in_with_application_credential(AUTH_URL, *given["credential"]),
    ]
    return [new.head_account()["x-account-container-count"] for new in logged_in]


def _setup_tree(conn: swiftclient.Connection, folder: Path, allas: MockAllas) -> None:
    for name, data in examples["list_pseudo_folders"].DEMO_TREE.items():
        conn.put_object(BUCKET, name, data)


def _check_tree(conn: swiftclient.Connection, _: None, names: list[str]) -> None:
    assert sorted(names) == sorted(examples["list_pseudo_folders"].DEMO_TREE)


def _setup_metadata(conn: swiftclient.Connection, folder: Path, allas: MockAllas) -> None:
    conn.put_object(BUCKET, "snake.txt", b"hiss", headers={"X-Object-Meta-Shape": "long"})


def _run_metadata(conn: swiftclient.Connection, _: None) -> dict:
    metadata = examples["object_metadata"]
    metadata.update_object_metadata(conn, BUCKET, "snake.txt", {"colour": "green"})
    metadata.update_bucket_metadata(conn, BUCKET, {"owner": "john"})
    return metadata.object_metadata(conn, BUCKET, "snake.txt")


def _check_metadata(conn: swiftclient.Connection, _: None, result: dict) -> None:
    assert result == {"shape": "long", "colour": "green"}
    assert conn.head_container(BUCKET)["x-container-meta-owner"] == "john"


LARGE_DATA = bytes(range(35))


def _setup_copy(conn: swiftclient.Connection, folder: Path, allas: MockAllas) -> None:
    conn.put_container("target")
    conn.put_object(BUCKET, "plain.txt", b"plain snake")
    files.put_sample_large_object(conn, BUCKET, "big.bin", LARGE_DATA, 10)


def _run_copy(conn: swiftclient.Connection, _: None) -> None:
    copying = examples["copy_and_move"]
    copying.copy_object(conn, BUCKET, "plain.txt", "target", "plain-copy.txt")
    copying.move_object(conn, BUCKET, "big.bin", "target", "big-copy.bin")


def _check_copy(conn: swiftclient.Connection, _: None, __: None) -> None:
    assert _body(conn, "target", "plain-copy.txt") == b"plain snake"
    assert _body(conn, "target", "big-copy.bin") == LARGE_DATA
    assert _names(conn, BUCKET) == ["plain.txt"]
    assert _names(conn, f"{BUCKET}_segments") == []


def _run_share(conn: swiftclient.Connection, _: None) -> dict:
    sharing = examples["share_bucket"]
    sharing.share_bucket(conn, BUCKET, "project_2999:*")
    sharing.make_public(conn, BUCKET)
    return sharing.show_access(conn, BUCKET)


def _check_share(conn: swiftclient.Connection, _: None, access: dict) -> None:
    assert sorted(access["read"]) == [".r:*", ".rlistings", "project_2999:*"]


def _setup_snake(conn: swiftclient.Connection, folder: Path, allas: MockAllas) -> None:
    conn.put_object(BUCKET, "snake.txt", b"hiss")


def _check_temp_url(conn: swiftclient.Connection, _: None, url: str) -> None:
    assert examples["make_temp_url"].check_temp_url(url) == b"hiss"


def _run_expiry(conn: swiftclient.Connection, path: Path) -> int:
    return examples["upload_with_expiry"].upload_with_expiry(
        conn, BUCKET, str(path), "expiring.txt", 600
    )


def _check_expiry(conn: swiftclient.Connection, path: Path, delete_at: int) -> None:
    headers, body = conn.get_object(BUCKET, "expiring.txt")
    assert (body, int(headers["x-delete-at"])) == (path.read_bytes(), delete_at)


def _setup_folder(conn: swiftclient.Connection, folder: Path, allas: MockAllas) -> Path:
    files.write_sample_folder(folder / "snakes")
    _file(folder / "snakes", "big.bin", LARGE_DATA)
    return folder / "snakes"


def _run_upload_folder(conn: swiftclient.Connection, source: Path) -> dict:
    return examples["upload_folder"].upload_folder(
        conn, BUCKET, str(source), segment_size=10, quiet=True
    )


def _check_upload_folder(conn: swiftclient.Connection, source: Path, statuses: dict) -> None:
    expected = {*files.SAMPLE_FOLDER_FILES, "big.bin"}
    assert statuses == dict.fromkeys(expected, "uploaded")
    sizes = [(source / name).stat().st_size for name in expected]
    for name in expected:
        assert _body(conn, BUCKET, name) == (source / name).read_bytes()
    # Every file is over the segment size: no segment more or fewer than the files need.
    assert len(_names(conn, f"{BUCKET}_segments")) == sum(-(-size // 10) for size in sizes)


def _setup_download_folder(conn: swiftclient.Connection, folder: Path, allas: MockAllas) -> Path:
    files.put_sample_objects(conn, BUCKET)
    return folder / "copy"


def _run_download_folder(conn: swiftclient.Connection, target: Path) -> list[Path]:
    return examples["download_folder"].download_folder(conn, BUCKET, str(target), quiet=True)


def _check_download_folder(conn: swiftclient.Connection, target: Path, paths: list) -> None:
    assert sorted(p.relative_to(target).as_posix() for p in paths) == sorted(
        files.SAMPLE_FOLDER_FILES
    )
    for path in paths:
        assert path.read_bytes() == _body(conn, BUCKET, path.relative_to(target).as_posix())
    assert sorted(p.name for p in target.rglob("*.part")) == []


def _setup_download_large(conn: swiftclient.Connection, folder: Path, allas: MockAllas) -> Path:
    files.put_sample_large_object(conn, BUCKET, "big.bin", LARGE_DATA, 10)
    return folder / "big.bin"


def _check_download_large(conn: swiftclient.Connection, target: Path, size: int) -> None:
    assert (size, target.read_bytes()) == (len(LARGE_DATA), LARGE_DATA)
    assert list(target.parent.glob(".*.part")) == []


def _setup_integrity(conn: swiftclient.Connection, folder: Path, allas: MockAllas) -> Path:
    source = folder / "checked"
    files.write_sample_folder(source)
    for path in source.rglob("*.txt"):
        conn.put_object(BUCKET, path.relative_to(source).as_posix(), path.read_bytes())
    _file(source, "big.bin", LARGE_DATA)
    files.put_sample_large_object(conn, BUCKET, "big.bin", LARGE_DATA, 10)
    return source


def _check_integrity(conn: swiftclient.Connection, source: Path, results: dict) -> None:
    assert len(results) == 4
    assert set(results.values()) == {"ok"}


SCENARIOS = {
    "create_connection": Scenario(
        setup=_nothing,
        run=lambda conn, _: examples["create_connection"].describe_connection(conn),
        check=_check_connection,
    ),
    "log_in": Scenario(
        setup=_setup_log_in,
        run=_run_log_in,
        check=lambda conn, _, counts: counts == ["1", "1", "1"] or pytest.fail(str(counts)),
        bare_token=True,
    ),
    "create_bucket": Scenario(
        setup=_nothing,
        run=lambda conn, _: examples["create_bucket"].create_bucket(conn, "newbucket"),
        check=_check_bucket,
    ),
    "upload_object": Scenario(
        setup=lambda conn, folder, allas: _file(folder, "snake.txt", b"python\n" * 50),
        run=lambda conn, path: examples["upload_object"].upload_object(conn, BUCKET, str(path)),
        check=_check_upload,
    ),
    "upload_large_object": Scenario(
        setup=lambda conn, folder, allas: _file(folder, "big.bin", os.urandom(35)),
        run=lambda conn, path: examples["upload_large_object"].upload_large_object(
            conn, BUCKET, str(path), segment_size=10, quiet=True
        ),
        check=_check_large,
    ),
    "list_buckets_and_objects": Scenario(
        setup=lambda conn, folder, allas: conn.put_object(BUCKET, "a", b"12345"),
        run=lambda conn, _: (
            examples["list_buckets_and_objects"].list_buckets(conn),
            examples["list_buckets_and_objects"].list_objects(conn, BUCKET),
        ),
        check=_check_listing,
    ),
    "download_object": Scenario(
        setup=_setup_download,
        run=lambda conn, target: examples["download_object"].download_object(
            conn, BUCKET, "snake.bin", str(target)
        ),
        check=_check_download,
    ),
    "list_pseudo_folders": Scenario(
        setup=_setup_tree,
        run=lambda conn, _: examples["list_pseudo_folders"].walk_tree(conn, BUCKET),
        check=_check_tree,
    ),
    "object_metadata": Scenario(setup=_setup_metadata, run=_run_metadata, check=_check_metadata),
    "copy_and_move": Scenario(setup=_setup_copy, run=_run_copy, check=_check_copy),
    "share_bucket": Scenario(setup=_setup_snake, run=_run_share, check=_check_share),
    "make_temp_url": Scenario(
        setup=_setup_snake,
        run=lambda conn, _: examples["make_temp_url"].make_temp_url(conn, BUCKET, "snake.txt"),
        check=_check_temp_url,
    ),
    "upload_with_expiry": Scenario(
        setup=lambda conn, folder, allas: _file(folder, "expiring.txt", b"short-lived"),
        run=_run_expiry,
        check=_check_expiry,
    ),
    "upload_folder": Scenario(
        setup=_setup_folder, run=_run_upload_folder, check=_check_upload_folder
    ),
    "download_folder": Scenario(
        setup=_setup_download_folder, run=_run_download_folder, check=_check_download_folder
    ),
    "download_large_object": Scenario(
        setup=_setup_download_large,
        run=lambda conn, target: examples["download_large_object"].download_large_object(
            conn, BUCKET, "big.bin", str(target), quiet=True
        ),
        check=_check_download_large,
    ),
    "check_integrity": Scenario(
        setup=_setup_integrity,
        run=lambda conn, source: examples["check_integrity"].check_integrity(
            conn, BUCKET, str(source)
        ),
        check=_check_integrity,
    ),
    "remove_buckets_and_objects": Scenario(
        setup=_setup_remove, run=_run_remove, check=_check_remove
    ),
}
# Folder uploads make the most requests, each of which every sweep faults in turn.
SCENARIO_NAMES = [
    pytest.param(name, marks=pytest.mark.lengthy) if name == "upload_folder" else name
    for name in SCENARIOS
]


def test_every_script_has_a_scenario() -> None:
    assert list(SCENARIOS) == sorted(SCENARIOS, key=EXAMPLES.index)
    assert set(SCENARIOS) == set(EXAMPLES)


def _attempt(
    scenario: Scenario, folder: Path, inject: Callable[[MockAllas], None] | None
) -> tuple[BaseException | None, list[RequestRecord]]:
    """Run one scenario in a fresh fake, with ``inject`` applied just before the call."""
    folder.mkdir(parents=True)
    with mock_allas() as allas:
        allas.add_user("Other", "Other1234", "project_2999")
        conn = connect(allas.environ())
        conn.put_container(BUCKET)  # logged in, the token is in the connection
        context = scenario.setup(conn, folder, allas)
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
    failures: dict[int, BaseException] = {}
    logs: dict[int, list[RequestRecord]] = {}
    for position in range(len(clean)):
        folder = tmp_path / f"at-{position}"
        error, logs[position] = _attempt(
            scenario, folder, lambda allas, p=position: fault(allas, p)
        )
        if error is not None:
            failures[position] = error
    capsys.readouterr()
    return clean, failures, logs


@pytest.mark.parametrize("name", SCENARIO_NAMES)
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


@pytest.mark.parametrize("name", SCENARIO_NAMES)
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
    manifest = [r for r in log if r.method == "PUT" and r.path.endswith(f"/{BUCKET}/big.bin")]
    assert [r.query for r in manifest] == [{"multipart-manifest": "put"}]


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_example_survives_token_expiry_anywhere(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], in_language
) -> None:
    in_language("en")
    clean, failures, logs = _each_position(
        name, tmp_path, capsys, lambda allas, p: allas.expire_tokens(after=p, path=STORAGE)
    )
    if SCENARIOS[name].bare_token:  # refused in one clear sentence, and only while it is used
        refused = {describe(error) for error in failures.values()}
        assert refused == {(text("token_refused"), EXIT_SERVICE)}, failures
        assert len(failures) < len(logs)
        logs = {p: log for p, log in logs.items() if p not in failures}
        failures = {}
    assert failures == {}, f"{name} failed when tokens expired after request {failures}"
    for position, log in logs.items():
        statuses = [r.status for r in log]
        if clean[position].path != "/swift/info":  # the next request carries a token
            assert 401 in statuses, (position, log)
        if 401 in statuses:  # noticed: a new login follows, and everything after it works
            relogin = [r.path for r in log[statuses.index(401) + 1 :]]
            assert "/v3/auth/tokens" in relogin, (position, log)


# --- a slow server: each answer is awaited ALLAS_TIMEOUT seconds at most -------------

SHORT_TIMEOUT = 0.01
SLOW = 1.0  # far beyond SHORT_TIMEOUT: the fake answers no sooner than the client gives up


@pytest.fixture
def short_timeout(monkeypatch: pytest.MonkeyPatch) -> float:
    monkeypatch.setenv("ALLAS_TIMEOUT", str(SHORT_TIMEOUT))
    return SHORT_TIMEOUT


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_example_survives_one_slow_answer_anywhere(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], in_language, short_timeout
) -> None:
    """An answer that does not come in time is asked again, and the operation completes."""
    in_language("en")
    _, failures, logs = _each_position(
        name,
        tmp_path,
        capsys,
        lambda allas, p: allas.delay_next(1, SLOW, path=ACCOUNTS, after=p),
        path=ACCOUNTS,
    )
    assert failures == {}, f"{name} failed after a slow answer at {failures}"
    for position, log in logs.items():
        assert [r.status for r in log].count(None) == 1, (position, log)  # the one given up


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_example_ends_clearly_when_the_server_stops_answering(
    name: str, tmp_path: Path, in_language, short_timeout
) -> None:
    in_language("en")
    started = time.monotonic()
    error, log = _attempt(
        SCENARIOS[name], tmp_path / "run", lambda allas: allas.delay_next(1000, SLOW, path=STORAGE)
    )
    elapsed = time.monotonic() - started
    assert error is not None
    message, code = describe(error)
    assert code == EXIT_SERVICE
    assert text("timed_out", host="a3s.fi", seconds=short_timeout) in message, message
    assert log and {r.status for r in log if r.path.startswith("/swift/")} == {None}
    assert elapsed < 5 * SLOW  # retried 5 times at most, each given up after the timeout


# --- segmented uploads: segments retried, and none left behind when they fail for good ---

SEGMENT_PUTS = r"_segments/.*/\d{8}$"


def stored_segments(fake_allas: MockAllas) -> int:
    """How many segment PUTs the fake stored (201), retries and failures left out."""
    return sum(
        1 for r in fake_allas.requests if re.search(SEGMENT_PUTS, r.path) and r.status == 201
    )


def _upload_large(conn: swiftclient.Connection, folder: Path) -> Path:
    source = _file(folder, "big.bin", LARGE_DATA)
    examples["upload_large_object"].upload_large_object(
        conn, BUCKET, str(source), segment_size=10, quiet=True
    )
    return source


def _upload_folder(conn: swiftclient.Connection, folder: Path) -> Path:
    source = folder / "snakes"
    _file(source, "big.bin", LARGE_DATA)
    _file(source, "small.txt", b"small")
    examples["upload_folder"].upload_folder(conn, BUCKET, str(source), segment_size=10, quiet=True)
    return source / "big.bin"


SEGMENTED_UPLOADS = {"upload_large_object": _upload_large, "upload_folder": _upload_folder}


@pytest.mark.parametrize("upload", list(SEGMENTED_UPLOADS))
def test_segments_are_retried(upload: str, fake_allas: MockAllas, tmp_path: Path) -> None:
    conn = connect(fake_allas.environ())
    fake_allas.fail_next(3, method="PUT", path=SEGMENT_PUTS)
    fake_allas.drop_next(2, method="PUT", path=SEGMENT_PUTS, after=3)
    source = SEGMENTED_UPLOADS[upload](conn, tmp_path)
    segment_puts = [r.status for r in fake_allas.requests if re.search(SEGMENT_PUTS, r.path)]
    assert sorted(segment_puts, key=str) == [201] * 4 + [503] * 3 + [None] * 2
    assert _body(conn, BUCKET, "big.bin") == source.read_bytes()
    assert len(_names(conn, f"{BUCKET}_segments")) == 4


@pytest.mark.parametrize("upload", list(SEGMENTED_UPLOADS))
def test_segments_of_an_upload_that_fails_for_good_are_removed(
    upload: str, fake_allas: MockAllas, tmp_path: Path, in_language
) -> None:
    in_language("en")
    conn = connect(fake_allas.environ())
    fake_allas.fail_next(100, method="PUT", path=r"_segments/.*/00000002$")  # one, for good
    with pytest.raises(AllasExampleError) as caught:
        SEGMENTED_UPLOADS[upload](conn, tmp_path)
    fake_allas.clear_faults()
    # Segments 0, 1 and 3 are stored unless the failure stops the upload before segment
    # 3 is sent: whichever were stored, all of them are removed.
    stored = stored_segments(fake_allas)
    assert caught.value.key == "segments_removed"
    assert caught.value.values["count"] == stored >= 2
    assert describe(caught.value) == (
        text(
            "segments_removed",
            object="big.bin",
            count=stored,
            reason=text("http_error", status=503, reason="Service Unavailable"),
        ),
        EXIT_SERVICE,
    )
    assert _names(conn, f"{BUCKET}_segments") == []
    assert "big.bin" not in _names(conn, BUCKET)


@pytest.mark.parametrize("upload", list(SEGMENTED_UPLOADS))
def test_segments_that_cannot_be_removed_are_reported_with_the_command(
    upload: str, fake_allas: MockAllas, tmp_path: Path, in_language
) -> None:
    """Allas stops answering after the first segment: the cleanup cannot reach it either,
    so the error names the command, which removes exactly those segments later."""
    in_language("en")
    conn = connect(fake_allas.environ())
    conn.put_container(BUCKET)
    conn.put_container(f"{BUCKET}_segments")
    conn.put_object(f"{BUCKET}_segments", "unrelated", b"stays")
    fake_allas.clear_log()
    fake_allas.fail_next(1000, method="PUT", path=SEGMENT_PUTS, after=1)  # one segment stored
    fake_allas.fail_next(1000, method="GET", path=STORAGE)  # and no listing to clean up with
    with pytest.raises(AllasExampleError) as caught:
        SEGMENTED_UPLOADS[upload](conn, tmp_path)
    fake_allas.clear_faults()
    assert caught.value.key == "segments_left"
    assert len(_names(conn, f"{BUCKET}_segments")) == 2  # the orphan and the unrelated one
    command = shlex.split(caught.value.values["command"])
    assert command[:2] == ["swift", "delete"]
    url, token = storage_url_and_token(conn)
    swiftclient.shell.main(
        ["swift", "--os-storage-url", url, "--os-auth-token", token, *command[1:]]
    )
    assert _names(conn, f"{BUCKET}_segments") == ["unrelated"]
    message, code = describe(caught.value)
    assert code == EXIT_SERVICE and caught.value.values["command"] in message


# --- as a user runs the scripts: one sentence, exit code 1 ----------------------------


@pytest.fixture
def logged_in_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Set the OS_* login of an account (and nothing else of ours) and work in tmp_path."""
    for name in list(os.environ):
        if name.startswith(("OS_", "ST_", "ALLAS_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)

    def log_in(environ: dict[str, str], timeout: float | None = None) -> None:
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        if timeout is not None:
            monkeypatch.setenv("ALLAS_TIMEOUT", str(timeout))

    return log_in


def _one_sentence(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


def test_failed_segmented_upload_script_says_one_sentence(
    fake_allas: MockAllas, logged_in_env, tmp_path: Path, capsys
) -> None:
    logged_in_env(fake_allas.environ())
    _file(tmp_path, "big.bin", LARGE_DATA)
    fake_allas.fail_next(100, method="PUT", path=r"_segments/.*/00000001$")
    code = run_example(
        "upload_large_object", "--lang", "fi", "--segment-size", "10", BUCKET, "big.bin"
    )
    line = _one_sentence(capsys)
    reason = expected("fi", "http_error", status=503, reason="Service Unavailable")
    stored = stored_segments(fake_allas)  # those sent before the failure stopped the upload
    assert stored >= 1
    assert (code, line) == (
        1,
        expected("fi", "segments_removed", object="big.bin", count=stored, reason=reason),
    )
    fake_allas.clear_faults()
    assert _names(connect(fake_allas.environ()), f"{BUCKET}_segments") == []


def test_script_ends_clearly_when_the_fake_stops_answering(
    fake_allas: MockAllas, logged_in_env, capsys
) -> None:
    logged_in_env(fake_allas.environ(), timeout=SHORT_TIMEOUT)
    fake_allas.delay_next(1000, SLOW, path=STORAGE)
    started = time.monotonic()
    code = run_example("list_buckets_and_objects", "--lang", "en")
    line = _one_sentence(capsys)
    assert (code, line) == (1, expected("en", "timed_out", host="a3s.fi", seconds=SHORT_TIMEOUT))
    assert time.monotonic() - started < 5 * SLOW


def test_bad_timeout_is_a_configuration_error(fake_allas: MockAllas, logged_in_env, capsys) -> None:
    logged_in_env(fake_allas.environ(), timeout="soon")
    code = run_example("list_buckets_and_objects", "--lang", "fi")
    line = _one_sentence(capsys)
    assert (code, line) == (
        2,
        expected("fi", "bad_timeout", variable="ALLAS_TIMEOUT", value="soon"),
    )


def test_script_ends_clearly_when_rgw_stops_answering(rgw_server, logged_in_env, capsys) -> None:
    """radosgw (the pid the fixture started) is stopped with SIGSTOP: its socket still
    accepts connections, but nothing answers, as a hung server. SIGCONT brings it back."""
    logged_in_env(rgw_server.main.environ(), timeout=0.5)
    radosgw = rgw_server.pids[-1]
    os.kill(radosgw, signal.SIGSTOP)
    try:
        started = time.monotonic()
        code = run_example("list_buckets_and_objects", "--lang", "en")
        elapsed = time.monotonic() - started
    finally:
        os.kill(radosgw, signal.SIGCONT)
    line = _one_sentence(capsys)
    assert (code, line) == (1, expected("en", "timed_out", host="127.0.0.1", seconds=0.5))
    assert elapsed < 10  # 6 tries of 0.5 s, no back-off sleeps
    logged_in_env({}, timeout=30)  # it catches up with the requests it kept, then answers
    assert run_example("create_connection", "--lang", "en") == 0, capsys.readouterr().err


# --- a download whose body breaks off part way ---------------------------------------


class _BreaksOff(io.RawIOBase):
    """A reply body whose connection is reset after ``cut`` bytes."""

    def __init__(self, data: bytes, cut: int) -> None:
        self.data, self.cut, self.at = data, cut, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.at >= self.cut:
            raise ConnectionResetError(104, "Connection reset by peer")
        piece = self.data[self.at : min(self.cut, self.at + len(buffer))]
        buffer[: len(piece)] = piece
        self.at += len(piece)
        return len(piece)


def test_download_that_breaks_off_resumes_with_range_and_checks_md5(
    fake_allas: MockAllas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = os.urandom(3 * 1024 * 1024 + 5)  # several chunks of the scripts' 1 MiB
    conn = connect(fake_allas.environ())
    conn.put_container(BUCKET)
    conn.put_object(BUCKET, "big.bin", data)
    original = transport.to_response
    cut_once = []

    def break_first_get(reply, method):
        status, headers, body = original(reply, method)
        whole = dict(headers).get("Content-Length") == str(len(data))
        if method == "GET" and status == 200 and whole and not cut_once:
            cut_once.append(True)
            body = io.BufferedReader(_BreaksOff(data, 1024 * 1024 + 100))
        return status, headers, body

    monkeypatch.setattr(transport, "to_response", break_first_get)
    fake_allas.clear_log()
    target = tmp_path / "big.bin"
    examples["download_large_object"].download_large_object(
        conn, BUCKET, "big.bin", str(target), quiet=True
    )
    assert cut_once and target.read_bytes() == data
    gets = [c.request for c in fake_allas.responses.calls if c.request.method == "GET"]

    def header(request, name: str) -> str | None:
        value = request.headers.get(name)
        return value.decode() if isinstance(value, bytes) else value

    # The whole object was asked for, then the rest after the last whole chunk received.
    assert [header(g, "Range") for g in gets][-2:] == [None, "bytes=1048576-"]
    assert header(gets[-1], "If-Match") == hashlib.md5(data).hexdigest()
