"""Temporary URLs (make_temp_url.py) and expiring objects (upload_with_expiry.py): as
users run them, their failures, and their functions on the fake, OpenStack Swift and
Ceph RGW."""

from __future__ import annotations

import time
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import swiftclient

from allas_examples import script
from allas_examples.course import load_example
from allas_examples.errors import AllasExampleError, ConfigurationError
from conftest import expected
from fake_swift import mock_allas

SAMPLE = script.SAMPLE_TEXT.encode("utf-8")
KEY_HEADERS = ("X-Account-Meta-Temp-URL-Key", "X-Account-Meta-Temp-URL-Key-2")
PASSWORD_VARIABLES = "OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_USER_DOMAIN_NAME, OS_PROJECT_NAME"

temp = load_example("make_temp_url")


def unique(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}"


def lines(run) -> list[str]:
    return run.stdout.strip().splitlines()


def conn_of(account) -> swiftclient.Connection:
    return swiftclient.Connection(
        preauthurl=account.storage_url, preauthtoken=account.token, retries=0
    )


def fake_state_keys(workdir) -> list[str]:
    """The temp URL keys the --fake runs stored for John's project."""
    with mock_allas(state_dir=workdir / ".allas-fake") as allas:
        conn = swiftclient.Connection(
            preauthurl=allas.storage_url("project_123456"),
            preauthtoken=allas.token_for("John"),
            retries=0,
        )
        account = conn.head_account()
    return [account[name.lower()] for name in KEY_HEADERS if account.get(name.lower())]


def expiry_of(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["temp_url_expires"][0])


def until_of(url: str) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(expiry_of(url)))


def wait_past(moment: float) -> None:
    time.sleep(max(0.0, moment - time.time()) + 1.2)


@pytest.fixture
def account_keys(backend):
    """The main account's temp URL keys as they were, put back afterwards."""
    conn = conn_of(backend.main)
    account = conn.head_account()
    before = {name: account.get(name.lower(), "") for name in KEY_HEADERS}
    yield before
    restore = {}
    for name, value in before.items():
        if value:
            restore[name] = value
        else:
            restore[name.replace("X-Account-", "X-Remove-Account-")] = "x"
    conn.post_account(restore)


@pytest.fixture
def linked_object(backend, account_keys):
    """A bucket holding one object, removed afterwards; the account's keys restored."""
    conn = conn_of(backend.main)
    bucket = unique("temp")
    conn.put_container(bucket)
    conn.put_object(bucket, "report 1.txt", SAMPLE)
    yield conn, bucket, "report 1.txt"
    for item in conn.get_container(bucket, full_listing=True)[1]:
        try:
            conn.delete_object(bucket, item["name"])
        except swiftclient.ClientException as error:
            if error.http_status != 404:  # an expired object on Swift
                raise
    conn.delete_container(bucket)


# --- 1. temporary URLs -----------------------------------------------------------------


def test_temp_url_downloads_without_a_token_and_hides_the_key(
    linked_object, backend, capsys, in_language
):
    in_language("en")
    conn, bucket, name = linked_object
    url = temp.make_temp_url(conn, bucket, name, seconds=600)
    reply = requests.get(url, timeout=30)  # no X-Auth-Token: anyone with the link
    assert (reply.status_code, reply.content) == (200, SAMPLE)
    assert url.startswith(f"{backend.main.storage_url}/{bucket}/report%201.txt?temp_url_sig=")
    assert 590 <= expiry_of(url) - time.time() <= 601
    key = temp.temp_url_key(conn)  # the key it signed with
    out = capsys.readouterr().out
    assert key not in out + url
    assert out.splitlines()[-3:-1] == [
        expected("en", "temp_url_made", bucket=bucket, object=name, until=until_of(url),
                 seconds=600),
        expected("en", "temp_url", url=url),
    ]  # fmt: skip
    # The link names one object and one method: another object, or a PUT, is refused.
    other = url.replace("report%201.txt", "other.txt")
    assert requests.get(other, timeout=30).status_code in (401, 403)
    assert requests.put(url, data=b"overwritten", timeout=30).status_code in (401, 403)
    assert conn.get_object(bucket, name)[1] == SAMPLE
    assert temp.check_temp_url(url) == SAMPLE
    assert capsys.readouterr().out.strip() == expected("en", "temp_url_works", size=len(SAMPLE))


def test_temp_url_is_refused_after_it_expires(linked_object, capsys, in_language):
    in_language("fi")
    conn, bucket, name = linked_object
    url = temp.make_temp_url(conn, bucket, name, seconds=1)
    assert requests.get(url, timeout=30).status_code == 200
    wait_past(expiry_of(url))
    assert requests.get(url, timeout=30).status_code == 401
    with pytest.raises(AllasExampleError) as caught:
        temp.check_temp_url(url)
    assert caught.value.message() == expected("fi", "temp_url_refused", status=401)


def test_a_missing_key_is_set_at_random_and_then_reused(
    linked_object, account_keys, capsys, in_language
):
    in_language("en")
    conn, bucket, name = linked_object
    conn.post_account(
        {name.replace("X-Account-", "X-Remove-Account-"): "x" for name in KEY_HEADERS}
    )
    key = temp.temp_url_key(conn)
    assert len(key) >= 40 and key not in account_keys.values()
    assert conn.head_account()["x-account-meta-temp-url-key"] == key
    assert temp.temp_url_key(conn) == key
    assert capsys.readouterr().out.splitlines() == [
        expected("en", "temp_url_key_set"),
        expected("en", "temp_url_key_in_use"),
    ]
    url = temp.make_temp_url(conn, bucket, name)
    assert key not in capsys.readouterr().out
    assert requests.get(url, timeout=30).content == SAMPLE
    # Changing the key breaks every link made with the old one.
    conn.post_account({"X-Account-Meta-Temp-URL-Key": "a-new-key-" + uuid.uuid4().hex})
    assert requests.get(url, timeout=30).status_code in (401, 403)


def test_the_second_key_alone_is_used(linked_object, capsys):
    conn, bucket, name = linked_object
    conn.post_account(
        {"X-Remove-Account-Meta-Temp-URL-Key": "x", "X-Account-Meta-Temp-URL-Key-2": "second"}
    )
    assert temp.temp_url_key(conn) == "second"
    url = temp.make_temp_url(conn, bucket, name)
    assert requests.get(url, timeout=30).content == SAMPLE
    assert conn.head_account().get("x-account-meta-temp-url-key", "") == ""  # not set


def test_no_link_to_a_missing_object_or_for_no_time(linked_object, capsys):
    conn, bucket, _name = linked_object
    with pytest.raises(swiftclient.ClientException) as caught:
        temp.make_temp_url(conn, bucket, "absent.txt")
    assert caught.value.http_status == 404
    with pytest.raises(ConfigurationError) as refused:
        temp.make_temp_url(conn, bucket, "report 1.txt", seconds=0)
    assert refused.value.key == "bad_seconds"
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_make_temp_url_with_fake(run_script, workdir, lang):
    fake = expected(lang, "fake_in_use", path=".allas-fake")
    run = run_script("make_temp_url", "--fake", "--lang", lang, "--check")
    assert (run.returncode, run.stderr) == (0, ""), run.output
    url = lines(run)[3].strip()
    assert lines(run) == [
        fake,
        expected(lang, "temp_url_key_set"),
        expected(lang, "temp_url_made", bucket="snakebucket", object="my_snake.txt",
                 until=until_of(url), seconds=3600),
        expected(lang, "temp_url", url=url),
        expected(lang, "temp_url_works", size=len(SAMPLE)),
    ]  # fmt: skip
    assert url.startswith("https://a3s.fi:443/swift/v1/AUTH_")
    assert "/snakebucket/my_snake.txt?temp_url_sig=" in url

    run = run_script("make_temp_url", "--fake", "--lang", lang, "--seconds", "60", "--debug")
    assert run.returncode == 0, run.output
    assert "DEBUG swiftclient" in run.stderr  # the request log, with the key left out
    url = lines(run)[3].strip()
    assert lines(run)[1:3] == [
        expected(lang, "temp_url_key_in_use"),
        expected(lang, "temp_url_made", bucket="snakebucket", object="my_snake.txt",
                 until=until_of(url), seconds=60),
    ]  # fmt: skip
    [key] = fake_state_keys(workdir)
    assert len(key) >= 40
    assert key not in run.output


@pytest.mark.parametrize("bad", ["0", "-5", "soon", "1.5"])
def test_bad_seconds_change_nothing(run_script, workdir, bad):
    run = run_script("make_temp_url", "--fake", "--lang", "fi", "--seconds", bad)
    assert (run.returncode, run.stdout.strip()) == (
        2,
        expected("fi", "fake_in_use", path=".allas-fake"),
    )
    assert run.stderr.strip() == expected("fi", "bad_seconds", value=bad)
    assert fake_state_keys(workdir) == []  # no key was set


def test_a_link_to_a_missing_object_exits_1(run_script, workdir):
    run = run_script("make_temp_url", "--fake", "--lang", "en", "snakebucket", "absent.txt")
    assert run.returncode == 1
    assert run.stderr.strip() == expected(
        "en", "no_such_object", bucket="snakebucket", object="absent.txt"
    )
    assert "Traceback" not in run.output and fake_state_keys(workdir) == []


def test_make_temp_url_without_a_login(run_script):
    run = run_script("make_temp_url", "--lang", "en")
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr.strip() == expected("en", "missing_variables", names=PASSWORD_VARIABLES)


# --- 2. expiry -------------------------------------------------------------------------

expiry = load_example("upload_with_expiry")


@pytest.fixture
def expiry_bucket(backend, tmp_path):
    """An empty bucket and a local file, all removed afterwards."""
    conn = conn_of(backend.main)
    bucket = unique("expiry")
    conn.put_container(bucket)
    source = tmp_path / "note.txt"
    source.write_bytes(SAMPLE)
    yield conn, bucket, str(source)
    for item in conn.get_container(bucket, full_listing=True)[1]:
        try:
            conn.delete_object(bucket, item["name"])
        except swiftclient.ClientException as error:
            if error.http_status != 404:  # an expired object on Swift
                raise
    conn.delete_container(bucket)


def test_an_object_with_a_2_second_expiry_goes(expiry_bucket, capsys, in_language):
    in_language("en")
    conn, bucket, source = expiry_bucket
    before = time.time()
    delete_at = expiry.upload_with_expiry(conn, bucket, source, "brief.txt", after=2)
    assert before + 1 <= delete_at <= time.time() + 2
    assert conn.get_object(bucket, "brief.txt")[1] == SAMPLE  # there until then
    assert not expiry.is_gone(conn, bucket, "brief.txt")
    assert expiry.wait_until_gone(conn, bucket, "brief.txt", delete_at, wait=30)
    assert time.time() >= delete_at
    with pytest.raises(swiftclient.ClientException) as caught:
        conn.get_object(bucket, "brief.txt")
    assert caught.value.http_status == 404
    at = expiry.utc(delete_at)
    assert capsys.readouterr().out.splitlines() == [
        expected("en", "expiring_uploaded", path=source, bucket=bucket, object="brief.txt",
                 size=len(SAMPLE), after=2, at=at),
        expected("en", "expiry_waiting", object="brief.txt", at=at),
        expected("en", "expiry_gone", bucket=bucket, object="brief.txt"),
    ]  # fmt: skip


def test_the_listing_keeps_the_expired_name_until_it_is_removed(expiry_bucket, capsys, in_language):
    in_language("fi")
    conn, bucket, source = expiry_bucket
    conn.put_object(bucket, "kept.txt", b"kept")
    delete_at = expiry.upload_with_expiry(conn, bucket, source, "brief.txt", after=2)
    wait_past(delete_at)
    assert expiry.is_gone(conn, bucket, "brief.txt")
    names = [item["name"] for item in conn.get_container(bucket)[1]]
    assert names == ["brief.txt", "kept.txt"]  # no expirer runs on the test servers
    capsys.readouterr()
    assert expiry.forget_expired(conn, bucket, "brief.txt") is True
    assert capsys.readouterr().out.strip() == expected(
        "fi", "expired_name_removed", bucket=bucket, object="brief.txt"
    )
    assert [item["name"] for item in conn.get_container(bucket)[1]] == ["kept.txt"]
    assert expiry.forget_expired(conn, bucket, "brief.txt") is False
    assert capsys.readouterr().out.strip() == expected("fi", "expired_not_listed", bucket=bucket)
    assert conn.get_object(bucket, "kept.txt")[1] == b"kept"


def test_an_expired_name_keeps_the_bucket_from_being_removed(expiry_bucket):
    conn, bucket, source = expiry_bucket
    delete_at = expiry.upload_with_expiry(conn, bucket, source, "brief.txt", after=1)
    wait_past(delete_at)
    with pytest.raises(swiftclient.ClientException) as caught:
        conn.delete_container(bucket)
    assert caught.value.http_status == 409


def test_waiting_is_bounded_either_way(expiry_bucket, capsys, in_language):
    in_language("en")
    conn, bucket, source = expiry_bucket
    delete_at = expiry.upload_with_expiry(conn, bucket, source, "later.txt", after=3600)
    capsys.readouterr()
    started = time.time()
    assert expiry.wait_until_gone(conn, bucket, "later.txt", delete_at, wait=5) is False
    assert time.time() - started < 1  # nothing to wait for
    assert capsys.readouterr().out.strip() == expected(
        "en", "expiry_not_waiting", at=expiry.utc(delete_at), wait=5
    )
    # Told the object goes sooner than it does: the wait ends, and says so.
    with pytest.raises(AllasExampleError) as caught:
        expiry.wait_until_gone(conn, bucket, "later.txt", int(time.time()), wait=1.5)
    assert 1.5 <= time.time() - started < 5
    assert caught.value.message() == expected(
        "en", "expiry_not_seen", bucket=bucket, object="later.txt", wait=1.5
    )
    assert not expiry.is_gone(conn, bucket, "later.txt")


def test_expiry_into_a_missing_bucket_or_for_no_time(backend, tmp_path):
    conn = conn_of(backend.main)
    source = tmp_path / "note.txt"
    source.write_bytes(b"x")
    absent = unique("absent")
    with pytest.raises(AllasExampleError) as caught:
        expiry.upload_with_expiry(conn, absent, str(source), "x.txt", after=2)
    assert (caught.value.key, caught.value.values) == ("no_such_bucket", {"bucket": absent})
    with pytest.raises(ConfigurationError) as refused:
        expiry.upload_with_expiry(conn, absent, str(source), "x.txt", after=0)
    assert refused.value.key == "bad_after"


@pytest.mark.lengthy  # waits for the expiry
@pytest.mark.parametrize("lang", ["en", "fi"])
def test_upload_with_expiry_with_fake(run_script, workdir, lang):
    run = run_script("upload_with_expiry", "--fake", "--lang", lang)
    assert (run.returncode, run.stderr) == (0, ""), run.output
    at = lines(run)[2].rsplit(" ", 3)[-3:]  # the removal time ends the sentence
    at = " ".join(at).rstrip(".")
    name = "expiring_my_snake.txt"
    assert lines(run) == [
        expected(lang, "fake_in_use", path=".allas-fake"),
        expected(lang, "sample_created", path="my_snake.txt"),
        expected(lang, "expiring_uploaded", path="my_snake.txt", bucket="snakebucket",
                 object=name, size=len(SAMPLE), after=2, at=at),
        expected(lang, "expiry_waiting", object=name, at=at),
        expected(lang, "expiry_gone", bucket="snakebucket", object=name),
        expected(lang, "expired_name_removed", bucket="snakebucket", object=name),
    ]  # fmt: skip
    # The bucket is left empty, and the file that was uploaded stays.
    assert fake_state_listing(workdir, "snakebucket") == []
    assert (workdir / "my_snake.txt").read_bytes() == SAMPLE


def fake_state_listing(workdir, bucket: str) -> list[str]:
    with mock_allas(state_dir=workdir / ".allas-fake") as allas:
        conn = conn_of(_john(allas))
        return [item["name"] for item in conn.get_container(bucket)[1]]


def _john(allas):
    from backends.common import Account

    return Account(allas.storage_url("project_123456"), allas.token_for("John"))


def test_upload_with_expiry_without_waiting(run_script, workdir):
    run = run_script("upload_with_expiry", "--fake", "--lang", "en", "--after", "600",
                     "--wait", "0", "snakebucket", "my_snake.txt", "keep-a-while.txt")  # fmt: skip
    assert (run.returncode, run.stderr) == (0, ""), run.output
    assert len(lines(run)) == 3  # the fake, the sample file, the upload: no waiting
    assert fake_state_listing(workdir, "snakebucket") == ["keep-a-while.txt"]


@pytest.mark.parametrize(
    ("args", "key", "value"),
    [
        (["--after", "0"], "bad_after", "0"),
        (["--after", "soon"], "bad_after", "soon"),
        (["--wait", "-1"], "bad_wait", "-1"),
    ],
)
def test_bad_times_upload_nothing(run_script, workdir, args, key, value):
    run = run_script("upload_with_expiry", "--fake", "--lang", "fi", *args)
    assert run.returncode == 2
    assert run.stderr.strip() == expected("fi", key, value=value)
    with mock_allas(state_dir=workdir / ".allas-fake") as allas:
        assert conn_of(_john(allas)).get_account()[1] == []  # not even the bucket


def test_expiry_failures_from_the_command_line(run_script, workdir):
    run = run_script("upload_with_expiry", "--fake", "--lang", "en", "nobucket")
    assert (run.returncode, run.stderr.strip()) == (
        1,
        expected("en", "no_such_bucket", bucket="nobucket"),
    )
    run = run_script("upload_with_expiry", "--fake", "--lang", "en", "snakebucket", "absent.txt")
    assert (run.returncode, run.stderr.strip()) == (
        2,
        expected("en", "local_missing", path="absent.txt"),
    )
    run = run_script("upload_with_expiry", "--lang", "en")
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr.strip() == expected("en", "missing_variables", names=PASSWORD_VARIABLES)
    assert "Traceback" not in run.output
