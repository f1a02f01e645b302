"""Logins (log_in.py), sharing (share_bucket.py), temporary URLs (make_temp_url.py) and
expiry (upload_with_expiry.py): as users run them, their failures, and their functions
on the fake, OpenStack Swift and Ceph RGW."""

from __future__ import annotations

import os
import re
import uuid

import pytest
import requests
import swiftclient

from allas_examples.connection import (
    APPLICATION_CREDENTIAL_VARIABLES,
    connect,
    read_rc_file,
    service_options,
)
from allas_examples.course import load_example
from allas_examples.errors import ConfigurationError
from conftest import expected, run_example
from fake_swift import mock_allas

PASSWORD = "John1234"
PASSWORD_VARIABLES = "OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_USER_DOMAIN_NAME, OS_PROJECT_NAME"

log_in = load_example("log_in")


@pytest.fixture(scope="module")
def john_url() -> str:
    with mock_allas() as allas:
        return allas.storage_url("project_123456")


def lines(run) -> list[str]:
    return run.stdout.strip().splitlines()


@pytest.fixture
def no_login(monkeypatch, tmp_path):
    """No OS_* variables, in an empty folder."""
    for name in list(os.environ):
        if name.startswith(("OS_", "ST_", "ALLAS_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def conn_of(account) -> swiftclient.Connection:
    return swiftclient.Connection(
        preauthurl=account.storage_url, preauthtoken=account.token, retries=0
    )


# --- 1. logins -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_every_login_method_with_fake(run_script, workdir, john_url, lang):
    fake = expected(lang, "fake_in_use", path=".allas-fake")
    run = run_script("log_in", "--fake", "--lang", lang)
    assert (run.returncode, lines(run)) == (0, [fake, expected(lang, "connected", url=john_url)])

    run = run_script("log_in", "--fake", "--lang", lang, "--method", "token")
    assert (run.returncode, run.stderr) == (0, "")
    assert lines(run) == [fake, expected(lang, "logged_in_with_token", url=john_url)]

    run = run_script("log_in", "--fake", "--lang", lang, "--method", "rc-file")
    rc_name = "project_123456-openrc.sh"
    assert (run.returncode, run.stderr) == (0, "")
    assert lines(run) == [
        fake,
        expected(lang, "rc_sample_created", path=rc_name),
        expected(lang, "logged_in_with_rc_file", path=rc_name, url=john_url),
    ]
    rc_text = (workdir / rc_name).read_text(encoding="utf-8")
    assert PASSWORD not in rc_text and "export OS_PASSWORD=$OS_PASSWORD_INPUT" in rc_text

    run = run_script("log_in", "--fake", "--lang", lang, "--method", "application-credential")
    assert (run.returncode, run.stderr) == (0, "")
    assert len(lines(run)) == 2
    credential_id = re.search(r"\b[0-9a-f]{32}\b", lines(run)[1])[0]
    assert lines(run)[1] == expected(
        lang, "logged_in_with_application_credential", id=credential_id, url=john_url
    )
    assert sorted(p.name for p in workdir.iterdir()) == [".allas-fake", rc_name]


def test_the_fake_rc_file_given_again_is_read_not_rewritten(run_script, workdir, john_url):
    (workdir / "mine.sh").write_text(
        "export OS_AUTH_URL=https://pouta.csc.fi:5001/v3\n"
        'export OS_USERNAME="John"\nexport OS_PROJECT_NAME=project_123456\n'
        "export OS_USER_DOMAIN_NAME='Default'\n",
        encoding="utf-8",
    )
    run = run_script("log_in", "--fake", "--lang", "en", "mine.sh")
    assert run.returncode == 0, run.output
    assert lines(run)[1:] == [
        expected("en", "logged_in_with_rc_file", path="mine.sh", url=john_url)
    ]


@pytest.mark.parametrize(
    ("method", "names"),
    [
        ([], PASSWORD_VARIABLES),
        (["--method", "token"], "OS_STORAGE_URL, OS_AUTH_TOKEN"),
        (["--method", "application-credential"], ", ".join(APPLICATION_CREDENTIAL_VARIABLES)),
    ],
)
def test_missing_variables_name_the_method_s_own(run_script, method, names):
    run = run_script("log_in", "--lang", "en", *method)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr.strip() == expected("en", "missing_variables", names=names)


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_rc_file_problems_are_usage_errors(run_script, workdir, lang):
    run = run_script("log_in", "--lang", lang, "--method", "rc-file")
    assert (run.returncode, run.stderr.strip()) == (2, expected(lang, "rc_file_needed"))
    run = run_script("log_in", "--lang", lang, "absent.sh")
    assert (run.returncode, run.stderr.strip()) == (
        2,
        expected(lang, "local_missing", path="absent.sh"),
    )
    (workdir / "notes.txt").write_text("nothing here\n", encoding="utf-8")
    run = run_script("log_in", "--lang", lang, "notes.txt")
    assert (run.returncode, run.stderr.strip()) == (
        2,
        expected(lang, "rc_file_empty", path="notes.txt"),
    )
    (workdir / "broken.sh").write_text('# x\nexport OS_USERNAME="John\n', encoding="utf-8")
    run = run_script("log_in", "--lang", lang, "broken.sh")
    assert (run.returncode, run.stderr.strip()) == (
        2,
        expected(lang, "rc_file_unreadable", path="broken.sh", line=2),
    )
    assert "Traceback" not in run.output


def test_read_rc_file_reads_without_running(tmp_path):
    rc = tmp_path / "openrc.sh"
    rc.write_text(
        "#!/usr/bin/env bash\n"
        "# export OS_COMMENTED=yes\n"
        "export OS_AUTH_URL=https://pouta.csc.fi:5001/v3\n"
        'export OS_PROJECT_NAME="project_2001234"  # the project\n'
        "  export OS_USER_DOMAIN_NAME='Default'\n"
        "OS_USERNAME=john\n"
        'if [ -z "$OS_USER_DOMAIN_NAME" ]; then unset OS_USER_DOMAIN_NAME; fi\n'
        "read -sr OS_PASSWORD_INPUT\n"
        "export OS_PASSWORD=$OS_PASSWORD_INPUT\n"
        'export OS_REGION_NAME="${OS_REGION:-regionOne}"\n'
        "export OS_LITERAL='costs $5'\n"
        'export OS_SPACED="two words"\n'
        "export OS_EMPTY=\n"
        "export OS_CHAINED=value; echo done\n"
        "export OS_AND='q;uoted' && echo done\n"
        "export NOT_OS=1\n",
        encoding="utf-8",
    )
    assert read_rc_file(rc) == {
        "OS_AUTH_URL": "https://pouta.csc.fi:5001/v3",
        "OS_PROJECT_NAME": "project_2001234",
        "OS_USER_DOMAIN_NAME": "Default",
        "OS_USERNAME": "john",
        "OS_LITERAL": "costs $5",
        "OS_SPACED": "two words",
        "OS_EMPTY": "",
        "OS_CHAINED": "value",
        "OS_AND": "q;uoted",
    }


def test_rc_login_asks_the_password_and_never_shows_it(
    fake_allas, no_login, monkeypatch, capsys, john_url
):
    rc_name = log_in.write_sample_rc_file(fake_allas.environ())
    before = (no_login / rc_name).read_text(encoding="utf-8")
    prompts = []
    monkeypatch.setattr(
        log_in.getpass, "getpass", lambda prompt: prompts.append(prompt) or PASSWORD
    )
    assert run_example("log_in", "--lang", "fi", rc_name) == 0
    out, err = capsys.readouterr()
    assert prompts == [expected("fi", "password_prompt", username="John", project="project_123456")]
    assert out.strip().splitlines()[-1] == expected(
        "fi", "logged_in_with_rc_file", path=rc_name, url=john_url
    )
    assert PASSWORD not in out + err
    assert (no_login / rc_name).read_text(encoding="utf-8") == before  # nothing stored
    assert "OS_PASSWORD" not in os.environ


def test_rc_login_with_a_wrong_password_is_refused(fake_allas, no_login, monkeypatch, capsys):
    rc_name = log_in.write_sample_rc_file(fake_allas.environ())
    monkeypatch.setattr(log_in.getpass, "getpass", lambda prompt: "wrong-password")
    assert run_example("log_in", "--lang", "en", "--debug", rc_name) == 1
    out, err = capsys.readouterr()
    assert err.strip().splitlines()[-1] == expected("en", "login_refused")
    assert "wrong-password" not in out + err


def test_application_credential_rc_file_needs_no_password(
    fake_allas, no_login, monkeypatch, capsys, john_url
):
    credential_id, secret = fake_allas.add_application_credential("John", "rc-test")
    settings = fake_allas.environ_for_application_credential(credential_id, secret)
    (no_login / "app-cred-openrc.sh").write_text(
        "".join(f'export {name}="{value}"\n' for name, value in settings.items()),
        encoding="utf-8",
    )
    monkeypatch.setattr(log_in.getpass, "getpass", pytest.fail)
    assert run_example("log_in", "--lang", "en", "app-cred-openrc.sh") == 0
    out, err = capsys.readouterr()
    assert out.strip() == expected(
        "en", "logged_in_with_rc_file", path="app-cred-openrc.sh", url=john_url
    )
    assert secret not in out + err


def test_application_credential_from_the_environment(
    fake_allas, no_login, monkeypatch, capsys, john_url
):
    credential_id, secret = fake_allas.add_application_credential("John", "env-test")
    for name, value in fake_allas.environ_for_application_credential(credential_id, secret).items():
        monkeypatch.setenv(name, value)
    assert run_example("log_in", "--lang", "en", "--method", "application-credential") == 0
    assert capsys.readouterr().out.strip() == expected(
        "en", "logged_in_with_application_credential", id=credential_id, url=john_url
    )
    # connect() honours OS_AUTH_TYPE too, so every script logs in this way.
    assert run_example("create_connection", "--lang", "en") == 0
    out, err = capsys.readouterr()
    assert expected("en", "connected", url=john_url) in out and secret not in out + err
    monkeypatch.setenv("OS_APPLICATION_CREDENTIAL_SECRET", "not-the-secret")
    assert run_example("log_in", "--lang", "en", "--method", "application-credential") == 1
    assert capsys.readouterr().err.strip() == expected("en", "login_refused")


def test_connect_with_application_credential_names_what_is_missing():
    with pytest.raises(ConfigurationError) as caught:
        connect({"OS_AUTH_TYPE": "v3applicationcredential", "OS_AUTH_URL": "https://x"})
    assert caught.value.values["names"] == (
        "OS_APPLICATION_CREDENTIAL_ID, OS_APPLICATION_CREDENTIAL_SECRET"
    )


def test_swiftservice_can_log_in_again_with_the_application_credential(fake_allas):
    credential_id, secret = fake_allas.add_application_credential("John", "service")
    conn = connect(fake_allas.environ_for_application_credential(credential_id, secret))
    options = service_options(conn)
    assert options["os_auth_type"] == "v3applicationcredential"
    assert options["os_application_credential_id"] == credential_id
    assert options["os_application_credential_secret"] == secret
    assert options["os_storage_url"] == fake_allas.storage_url("project_123456")


def test_token_login_on_each_backend(backend, capsys, in_language):
    in_language("en")
    conn = log_in.log_in_with_token(backend.main.storage_url, backend.main.token)
    assert capsys.readouterr().out.strip() == expected(
        "en", "logged_in_with_token", url=backend.main.storage_url
    )
    assert backend.main.token not in conn.url
    with pytest.raises(swiftclient.ClientException) as caught:
        log_in.log_in_with_token(backend.main.storage_url, "not-a-token")
    assert caught.value.http_status == 401
    assert capsys.readouterr().out == ""


def test_a_refused_token_is_explained(fake_allas, no_login, monkeypatch, capsys):
    monkeypatch.setenv("OS_STORAGE_URL", fake_allas.storage_url("project_123456"))
    monkeypatch.setenv("OS_AUTH_TOKEN", fake_allas.token_for("John", expires_in=-1))
    assert run_example("log_in", "--lang", "fi", "--method", "token") == 1
    out, err = capsys.readouterr()
    assert (out, err.strip()) == ("", expected("fi", "token_refused"))


# --- 2. sharing ------------------------------------------------------------------------

share = load_example("share_bucket")


def unique(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def shared_bucket(backend):
    """A bucket with one object and a segments bucket, removed afterwards."""
    conn = conn_of(backend.main)
    bucket = unique("share")
    conn.put_container(bucket)
    conn.put_object(bucket, "data.txt", b"shared bytes")
    conn.put_container(f"{bucket}_segments")
    conn.put_object(f"{bucket}_segments", "piece", b"segment bytes")
    yield conn, bucket
    for name in (bucket, f"{bucket}_segments"):
        conn.post_container(name, {"X-Container-Read": "", "X-Container-Write": ""})
        for item in conn.get_container(name)[1]:
            conn.delete_object(name, item["name"])
        conn.delete_container(name)


def other_id(backend) -> str:
    """The other project as a grantee: its bare id for RGW (plain or with Keystone, as
    Allas), ``<id>:*`` (any of its users) for Swift's keystoneauth."""
    project = backend.other.storage_url.rsplit("/AUTH_", 1)[-1]
    return f"{project}:*" if backend.name == "swift" else project


def as_other(backend, method: str, path: str, data: bytes | None = None) -> int:
    url = f"{backend.main.storage_url}/{path}"
    headers = {"X-Auth-Token": backend.other.token}
    return requests.request(method, url, headers=headers, data=data, timeout=30).status_code


def test_read_then_write_then_revoke_for_another_project(
    shared_bucket, backend, capsys, in_language
):
    in_language("en")
    conn, bucket = shared_bucket
    who = other_id(backend)
    assert as_other(backend, "GET", f"{bucket}/data.txt") == 403

    share.share_bucket(conn, bucket, who)
    assert as_other(backend, "GET", f"{bucket}/data.txt") == 200
    assert as_other(backend, "GET", f"{bucket}_segments/piece") == 200
    assert as_other(backend, "PUT", f"{bucket}/new.txt", b"x") == 403
    share.share_bucket(conn, bucket, who, write=True)
    assert as_other(backend, "PUT", f"{bucket}/new.txt", b"x") == 201
    assert capsys.readouterr().out.splitlines() == [
        expected("en", "shared_for_reading", bucket=bucket, who=who),
        expected("en", "shared_for_reading", bucket=f"{bucket}_segments", who=who),
        expected("en", "shared_for_writing", bucket=bucket, who=who),
        expected("en", "shared_for_writing", bucket=f"{bucket}_segments", who=who),
    ]
    assert share.show_access(conn, bucket) == {"read": [who], "write": [who]}

    share.revoke_access(conn, bucket, who)
    assert as_other(backend, "GET", f"{bucket}/data.txt") == 403
    assert as_other(backend, "PUT", f"{bucket}/late.txt", b"x") == 403
    assert share.show_access(conn, bucket) == {"read": [], "write": []}


def test_public_keeps_the_grants_and_private_keeps_them_too(
    shared_bucket, backend, capsys, in_language
):
    in_language("en")
    conn, bucket = shared_bucket
    who = other_id(backend)
    share.share_bucket(conn, bucket, who)
    capsys.readouterr()
    urls = share.make_public(conn, bucket)
    assert urls == [f"https://a3s.fi/{bucket}/data.txt"]
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == expected("en", "public_url", url=urls[0])
    assert sorted(share.show_access(conn, bucket)["read"]) == sorted([".r:*", ".rlistings", who])
    assert ".r:*" in share.acl_entries(conn, f"{bucket}_segments", "read")
    public = public_object_url(backend, bucket, "data.txt")
    if public:  # RGW serves public objects at <root>/<bucket>/<object>, as Allas does
        assert requests.get(public, timeout=30).content == b"shared bytes"
    share.make_private(conn, bucket)
    assert share.show_access(conn, bucket)["read"] == [who]
    if public:
        assert requests.get(public, timeout=30).status_code in (401, 403)
    assert as_other(backend, "GET", f"{bucket}/data.txt") == 200


def public_object_url(backend, bucket: str, name: str) -> str | None:
    """Where the real server serves a public object without a token (None: the fake,
    which does not serve RGW's S3 path; see the report)."""
    if backend.name in ("rgw", "allas"):  # RGW with global bucket names
        return f"{backend.root_url}/{bucket}/{name}"
    if backend.name == "swift":
        return f"{backend.main.storage_url}/{bucket}/{name}"
    return None


def test_revoking_everything_empties_both_headers(shared_bucket, backend, capsys, in_language):
    in_language("fi")
    conn, bucket = shared_bucket
    share.share_bucket(conn, bucket, other_id(backend), write=True)
    share.make_public(conn, bucket)
    capsys.readouterr()
    share.revoke_access(conn, bucket)
    assert capsys.readouterr().out.splitlines() == [
        expected("fi", "access_revoked_all", bucket=bucket),
        expected("fi", "access_revoked_all", bucket=f"{bucket}_segments"),
    ]
    for name in (bucket, f"{bucket}_segments"):
        assert share.show_access(conn, name) == {"read": [], "write": []}
    assert as_other(backend, "GET", f"{bucket}/data.txt") == 403


def test_sharing_a_missing_bucket_is_refused(backend):
    conn = conn_of(backend.main)
    with pytest.raises(swiftclient.ClientException) as caught:
        share.share_bucket(conn, unique("absent"), "someone")
    assert caught.value.http_status == 404


def test_allas_grant_forms_reach_the_project_members(fake_allas):
    """Allas (Keystone) takes <project>:* with the project's name or id (the fake's RGW)."""
    fake_allas.add_user("Other", "Other1234", "project_2999")
    conn = conn_of(_account(fake_allas, "John", "project_123456"))
    conn.put_container("keystone-forms")
    conn.put_object("keystone-forms", "o", b"hi")
    other = _account(fake_allas, "Other", "project_2999")
    url = f"{fake_allas.storage_url('project_123456')}/keystone-forms/o"
    project_id = fake_allas.storage_url("project_2999").rsplit("/AUTH_", 1)[-1]
    for form in ("project_2999", project_id):
        grantee = share.project_grantee(form)
        assert grantee == f"{form}:*"
        share.share_bucket(conn, "keystone-forms", grantee)
        assert requests.get(url, headers={"X-Auth-Token": other.token}).status_code == 200
        share.revoke_access(conn, "keystone-forms")
        assert requests.get(url, headers={"X-Auth-Token": other.token}).status_code == 403
    assert share.project_grantee("project_2999:john") == "project_2999:john"


def _account(allas, user: str, project: str):
    from backends.common import Account

    return Account(allas.storage_url(project), allas.token_for(user))


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_share_bucket_with_fake(run_script, workdir, lang):
    fake = expected(lang, "fake_in_use", path=".allas-fake")
    nobody = expected(lang, "access_nobody")
    run = run_script("share_bucket", "--fake", "--lang", lang)
    assert (run.returncode, run.stderr) == (0, "")
    assert lines(run) == [
        fake,
        expected(lang, "access_now", bucket="snakebucket", read=nobody, write=nobody),
    ]
    run = run_script(
        "share_bucket", "--fake", "--lang", lang, "--read", "project_2001234",
        "--write", "project_2999:john", "--public",
    )  # fmt: skip
    assert (run.returncode, run.stderr) == (0, "")
    assert lines(run) == [
        fake,
        expected(lang, "shared_for_reading", bucket="snakebucket", who="project_2001234:*"),
        expected(lang, "shared_for_writing", bucket="snakebucket", who="project_2999:john"),
        expected(lang, "made_public", bucket="snakebucket"),
        expected(lang, "public_url", url="https://a3s.fi/snakebucket/my_snake.txt"),
        expected(
            lang,
            "access_now",
            bucket="snakebucket",
            read=".r:*, .rlistings, project_2001234:*",
            write="project_2999:john",
        ),
    ]
    run = run_script(
        "share_bucket", "--fake", "--lang", lang, "--private", "--revoke", "project_2001234"
    )
    assert lines(run) == [
        fake,
        expected(lang, "made_private", bucket="snakebucket"),
        expected(lang, "access_revoked", bucket="snakebucket", who="project_2001234:*"),
        expected(lang, "access_now", bucket="snakebucket", read=nobody, write="project_2999:john"),
    ]
    run = run_script("share_bucket", "--fake", "--lang", lang, "--revoke")
    assert lines(run)[1:] == [
        expected(lang, "access_revoked_all", bucket="snakebucket"),
        expected(lang, "access_now", bucket="snakebucket", read=nobody, write=nobody),
    ]


@pytest.mark.parametrize("bad", ["a,b", ".r:*", "two words"])
def test_a_bad_project_changes_nothing(run_script, bad):
    run_script("share_bucket", "--fake", "--public")
    run = run_script("share_bucket", "--fake", "--lang", "en", "--revoke", "--read", bad)
    assert run.returncode == 2
    assert run.stderr.strip() == expected("en", "bad_grantee", project=bad)
    after = run_script("share_bucket", "--fake", "--lang", "en")
    assert ".r:*, .rlistings" in after.stdout  # the --revoke before it did not run


def test_sharing_a_missing_bucket_exits_1(fake_allas, no_login, monkeypatch, capsys):
    for name, value in fake_allas.environ().items():
        monkeypatch.setenv(name, value)
    assert run_example("share_bucket", "--lang", "en", "nobucket", "--read", "p") == 1
    assert capsys.readouterr().err.strip() == expected("en", "no_such_bucket", bucket="nobucket")
