"""Every example and the tour on the fake, OpenStack Swift and Ceph RGW.

The scripts log in as ``allas-conf`` users do, with ``OS_STORAGE_URL`` and
``OS_AUTH_TOKEN``; they run in this process (``runpy``), so that the in-process fake
and the real servers on loopback are reached the same way.
"""

import os
import uuid

import pytest
import swiftclient

from allas_examples import cli, script
from allas_examples.course import EXAMPLES
from conftest import expected, run_example


@pytest.fixture
def logged_in(backend, monkeypatch, tmp_path):
    """The backend's main account in OS_STORAGE_URL/OS_AUTH_TOKEN, in an empty folder."""
    for name in list(os.environ):
        if name.startswith(("OS_", "ST_", "ALLAS_")):
            monkeypatch.delenv(name)
    for name, value in backend.main.environ().items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    return backend


def leftovers(server, bucket: str) -> list[str]:
    conn = swiftclient.Connection(
        preauthurl=server.main.storage_url, preauthtoken=server.main.token, retries=0
    )
    return [c["name"] for c in conn.get_account(prefix=bucket, full_listing=True)[1]]


def test_every_example_in_course_order(logged_in, tmp_path, capsys):
    bucket = f"course-{uuid.uuid4().hex[:10]}"
    (tmp_path / "my_snake.txt").write_text(script.SAMPLE_TEXT, encoding="utf-8")
    arguments = {
        "create_connection": [],
        "log_in": [],
        "create_bucket": [bucket],
        "upload_object": [bucket],
        "upload_large_object": ["--segment-size", "16", bucket, "my_snake.txt", "big_snake"],
        "list_buckets_and_objects": [bucket],
        "download_object": [bucket, "big_snake", "big_snake.copy"],
        "list_pseudo_folders": [bucket],
        "object_metadata": ["--set", "colour=green", bucket, "big_snake"],
        "copy_and_move": [bucket, "big_snake"],
        "share_bucket": [bucket],
        "make_temp_url": ["--seconds", "600", "--check", bucket, "big_snake"],
        "upload_with_expiry": ["--after", "2", bucket],
        "upload_folder": [bucket, "."],
        "download_folder": [bucket, "folder_copy"],
        "download_large_object": [bucket, "big_snake", "big_snake.resumable"],
        "check_integrity": [bucket, "big_snake.copy", "big_snake"],
        "remove_buckets_and_objects": [bucket],
    }
    conn = swiftclient.Connection(
        preauthurl=logged_in.main.storage_url, preauthtoken=logged_in.main.token, retries=0
    )
    had_key = "x-account-meta-temp-url-key" in conn.head_account()
    for name in EXAMPLES:
        code = run_example(name, "--lang", "en", *arguments[name])
        out, err = capsys.readouterr()
        assert (code, err) == (0, ""), out
    if not had_key:  # the shared server's account is compared with the fake elsewhere
        conn.post_account({"X-Remove-Account-Meta-Temp-URL-Key": "x"})
    assert (tmp_path / "big_snake.copy").read_bytes() == script.SAMPLE_TEXT.encode("utf-8")
    assert expected("en", "bucket_removed", bucket=bucket) in out
    assert leftovers(logged_in, bucket) == []


def test_download_verifies_a_plain_object(logged_in, tmp_path, capsys):
    bucket = f"plain-{uuid.uuid4().hex[:10]}"
    (tmp_path / "my_snake.txt").write_bytes(bytes(range(256)))
    for name, args in [
        ("create_bucket", [bucket]),
        ("upload_object", [bucket]),
        ("download_object", [bucket, "my_snake.txt", "copy.bin"]),
        ("remove_buckets_and_objects", [bucket]),
    ]:
        assert run_example(name, "--lang", "fi", *args) == 0, capsys.readouterr()
    assert (tmp_path / "copy.bin").read_bytes() == bytes(range(256))
    assert leftovers(logged_in, bucket) == []


def test_non_empty_bucket_is_refused(logged_in, tmp_path, capsys):
    bucket = f"full-{uuid.uuid4().hex[:10]}"
    (tmp_path / "my_snake.txt").write_text("x", encoding="utf-8")
    run_example("create_bucket", bucket)
    run_example("upload_object", bucket)
    capsys.readouterr()
    assert run_example("remove_buckets_and_objects", "--lang", "en", "--bucket-only", bucket) == 1
    assert capsys.readouterr().err.strip() == expected("en", "bucket_not_empty", bucket=bucket)
    assert run_example("remove_buckets_and_objects", bucket) == 0
    assert leftovers(logged_in, bucket) == []


def test_missing_object_is_explained(logged_in, capsys):
    bucket = f"empty-{uuid.uuid4().hex[:10]}"
    run_example("create_bucket", bucket)
    capsys.readouterr()
    assert run_example("download_object", "--lang", "fi", bucket, "nothing", "out") == 1
    assert capsys.readouterr().err.strip() == expected(
        "fi", "no_such_object", bucket=bucket, object="nothing"
    )
    run_example("remove_buckets_and_objects", bucket)


def test_the_tour(logged_in, capsys):
    assert cli.main(["tour", "--real", "--lang", "fi"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith(expected("fi", "tour_done").strip())
    assert leftovers(logged_in, "allas-examples-tour-") == []
