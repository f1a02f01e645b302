"""Each failure the examples can meet becomes one sentence and the documented exit code."""

import pytest
import requests
import swiftclient

from allas_examples.connection import connect
from allas_examples.errors import describe, redact
from conftest import expected


@pytest.fixture
def conn(fake_allas, in_language):
    in_language("en")
    return connect(fake_allas.environ())


def failure(call, *args, **kwargs):
    with pytest.raises(Exception) as caught:
        call(*args, **kwargs)
    return describe(caught.value)


def test_missing_bucket(conn):
    assert failure(conn.get_container, "nobucket") == (
        expected("en", "no_such_bucket", bucket="nobucket"),
        1,
    )


def test_missing_object(conn):
    conn.put_container("snakebucket")
    assert failure(conn.get_object, "snakebucket", "no/such.txt") == (
        expected("en", "no_such_object", bucket="snakebucket", object="no/such.txt"),
        1,
    )


def test_non_empty_bucket(conn):
    conn.put_container("snakebucket")
    conn.put_object("snakebucket", "a", b"x")
    assert failure(conn.delete_container, "snakebucket") == (
        expected("en", "bucket_not_empty", bucket="snakebucket"),
        1,
    )


def test_bucket_name_held_by_another_project(fake_allas, conn):
    fake_allas.add_user("Jane", "Jane1234", "project_2001")
    connect(fake_allas.environ("Jane")).put_container("shared-name")
    assert failure(conn.put_container, "shared-name") == (
        expected("en", "bucket_name_taken", bucket="shared-name"),
        1,
    )


def test_another_projects_bucket_is_forbidden(fake_allas, conn):
    fake_allas.add_user("Jane", "Jane1234", "project_2001")
    janes = connect(fake_allas.environ("Jane"))
    janes.put_container("janes")
    conn.head_account()  # logs John in
    with pytest.raises(swiftclient.ClientException) as caught:
        swiftclient.client.get_container(janes.url, conn.token, "janes")
    assert describe(caught.value) == (expected("en", "forbidden"), 1)


def test_too_large_for_one_upload(conn):
    conn.put_container("snakebucket")
    message, code = failure(
        conn.put_object,
        "snakebucket",
        "huge",
        contents=iter([b"x"]),
        content_length=5 * 1024**3 + 1,
    )
    assert (message, code) == (expected("en", "too_large"), 1)


def test_checksum_refused(conn):
    conn.put_container("snakebucket")
    assert failure(conn.put_object, "snakebucket", "a", b"abc", etag="0" * 32) == (
        expected("en", "checksum_refused"),
        1,
    )


def test_unknown_host_is_a_connection_failure(fake_allas, in_language):
    in_language("fi")
    with pytest.raises(requests.ConnectionError) as caught:
        requests.get("https://example.org/")
    assert describe(caught.value) == (expected("fi", "connection_failed", host="example.org"), 1)


def test_local_file_problems_are_usage_errors(tmp_path, in_language):
    in_language("en")
    with pytest.raises(OSError) as caught:
        open(tmp_path / "missing.txt", "rb")
    assert describe(caught.value) == (
        expected("en", "local_missing", path=str(tmp_path / "missing.txt")),
        2,
    )
    with pytest.raises(OSError) as caught:
        open(tmp_path, "rb")
    assert describe(caught.value)[1] == 2


def test_redact_hides_every_secret():
    assert redact("token gAAAAsecret and pw John1234", ["gAAAAsecret", "John1234", ""]) == (
        "token *** and pw ***"
    )


def test_secrets_given_to_a_login_are_redacted_everywhere(fake_allas):
    from allas_examples.connection import connect_with_password, storage_url_and_token

    conn = connect_with_password(
        "https://pouta.csc.fi:5001/v3", "John", "typed-at-a-prompt", "project_123456"
    )
    assert redact("the password was typed-at-a-prompt") == "the password was ***"
    token = fake_allas.token_for("John")
    conn = connect(
        {"OS_STORAGE_URL": fake_allas.storage_url("project_123456"), "OS_AUTH_TOKEN": token}
    )
    assert token not in redact(f"sent {storage_url_and_token(conn)}")
