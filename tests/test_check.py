"""``python -m fake_swift check``: the conformance cases on someone's account, then on the fake.

The command runs in this process (``fake_swift.server.main``) against servers on
loopback: the fake in server mode (both flavors), and, marked ``real``, OpenStack Swift,
Ceph RGW and Allas as it really runs (RGW checking tokens at a real Keystone). Each real
backend answers as its flavor; a difference put in on purpose is reported; buckets and
account metadata are as before afterwards, also when a case fails midway; bad usage
exits 2 with one sentence; no secret is printed.
"""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from allas_examples import messages
from conftest import FLAVOR_OF, ROOT, Run, expected
from fake_swift import flavors
from fake_swift import server as fake_swift_main
from fake_swift.conformance import CASES, Probe
from fake_swift.conformance.check import BUCKET_PREFIX
from server_mode import reset, running_server

# The one case that server mode cannot answer as the real servers do: a PUT whose
# Content-Length says 6 GiB is refused by RGW and Swift from that header alone, while the
# fake's HTTP server waits for the body (the probe gives up after 30 s).
SERVER_MODE_CANNOT = ("malformed",)
OTHER_USER = ("Other", "Other1234", "project_2999")
# Cases never run on someone's account: one ends by sending DELETE to the account, one
# extracts an archive into the account itself, and two set account settings (its quota,
# its ETag quoting).
NEVER_ON_AN_ACCOUNT = ("bulk_delete_by_delete", "bulk_upload", "account_quotas", "etag_quoter")


def check(monkeypatch, capsys, env: dict[str, str], *args: str) -> Run:
    """``python -m fake_swift check ARGS`` in this process, with only ``env``'s OS_* set."""
    for name in list(os.environ):
        if name.startswith(("OS_", "ST_", "ALLAS_")) or name in ("LANG", "LC_ALL"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    code = fake_swift_main.main(["check", *args])
    printed = capsys.readouterr()
    return Run(code, printed.out, printed.err)


def rc_file(folder: Path, env: dict[str, str]) -> Path:
    """The ``OS_*`` variables of ``env`` as an RC file (``export NAME='value'`` lines)."""
    path = folder / f"other-{os.urandom(3).hex()}.sh"
    path.write_text("".join(f"export {k}='{v}'\n" for k, v in env.items()), encoding="utf-8")
    return path


def summary(run: Run, lang: str = "en") -> dict[str, int]:
    """The counts of the summary line."""
    line = [line for line in run.stdout.splitlines() if line.startswith(summary_start(lang))]
    assert line, run.output
    numbers = [int(n) for n in re.findall(r"\d+", line[-1])]
    return dict(zip(("same", "differ", "skipped", "failed"), numbers, strict=True))


def summary_start(lang: str) -> str:
    return expected(lang, "check_summary", same=0, differ=0, skipped=0, failed=0).split(":")[0]


def buckets_of_the_check(storage_url: str, token: str) -> list[str]:
    found = []
    for prefix in (BUCKET_PREFIX, "." + BUCKET_PREFIX):
        answer = requests.get(
            storage_url,
            params={"format": "json", "prefix": prefix},
            headers={"X-Auth-Token": token},
            timeout=30,
        )
        answer.raise_for_status()
        found += [entry["name"] for entry in answer.json()]
    return found


def account_metadata(storage_url: str, token: str) -> dict[str, str]:
    answer = requests.head(storage_url, headers={"X-Auth-Token": token}, timeout=30)
    answer.raise_for_status()
    return {
        k.lower(): v for k, v in answer.headers.items() if k.lower().startswith("x-account-meta-")
    }


def token_of(env: dict[str, str]) -> tuple[str, str]:
    """The storage URL and token of a password login in ``env``."""
    from allas_examples.connection import connect, storage_url_and_token

    conn = connect(env)
    try:
        return storage_url_and_token(conn)
    finally:
        conn.close()


# --- the fake in server mode, over HTTP -----------------------------------------------


@pytest.fixture(scope="module", params=["rgw", "swift"])
def served_flavor(request, tmp_path_factory) -> Iterator[tuple[str, object]]:
    """The fake served over HTTP with a second user, one server per flavor for the module."""
    name, password, project = OTHER_USER
    user = f"{name}:{password}@{project}"
    with running_server(
        tmp_path_factory.mktemp("server"), "--flavor", request.param,
        "--user", "John:John1234@project_123456", "--user", user,
    ) as server:  # fmt: skip
        yield request.param, server


@pytest.fixture
def served(served_flavor) -> tuple[str, object]:
    """(flavor, server), the server as a new one starts (server_mode.reset)."""
    reset(served_flavor[1])
    return served_flavor


def other_env(server) -> dict[str, str]:
    name, password, project = OTHER_USER
    return {
        **server.env,
        "OS_USERNAME": name,
        "OS_PASSWORD": password,
        "OS_PROJECT_NAME": project,
    }


@pytest.mark.lengthy  # every case, with its waits for expiry and for a new second
def test_the_fake_in_server_mode_answers_as_the_fake(served, tmp_path, monkeypatch, capsys):
    flavor, server = served
    cases = [name for name in CASES if name not in SERVER_MODE_CANNOT]
    other = rc_file(tmp_path, other_env(server))
    options = [f"--case={name}" for name in cases]
    run = check(
        monkeypatch, capsys, server.env, "--flavor", flavor, "--other-rc", str(other), *options
    )
    assert run.returncode == 0, run.output
    never = len(NEVER_ON_AN_ACCOUNT)
    assert summary(run) == {"same": len(cases) - never, "differ": 0, "skipped": never, "failed": 0}
    reason = expected("en", "check_skip_account_request", method="DELETE")
    assert f"bulk_delete_by_delete: skipped, {reason}" in run.stdout
    assert "John1234" not in run.output and "Other1234" not in run.output
    url, token = token_of(server.env)
    assert buckets_of_the_check(url, token) == []
    assert account_metadata(url, token) == {}


def test_the_other_flavor_differs(served, monkeypatch, capsys):
    flavor, server = served
    other = {"rgw": "swift", "swift": "rgw"}[flavor]
    run = check(
        monkeypatch, capsys, server.env, "--flavor", other, "--case", "short_container_name"
    )
    assert run.returncode == 1, run.output
    assert summary(run)["differ"] == 1
    assert expected("en", "check_differences_heading") in run.stdout
    # RGW refuses a two-letter name; Swift makes it.
    statuses = {"rgw": "400", "swift": "201"}
    row = f"  short_container_name · create two-letter container · status: real {statuses[flavor]}"
    assert row + f" | fake {statuses[other]}" in run.stdout


def test_a_flavor_changed_on_purpose_is_named(server, monkeypatch, capsys):
    changed = dataclasses.replace(flavors.RGW, min_container_name_length=2)
    monkeypatch.setitem(flavors.FLAVORS, "rgw", changed)
    run = check(monkeypatch, capsys, server.env, "--case", "short_container_name")
    assert run.returncode == 1
    assert (
        "short_container_name · create two-letter container · status: real 400 | fake 201"
        in run.stdout
    )
    assert summary(run) == {"same": 0, "differ": 1, "skipped": 0, "failed": 0}


def test_finnish_output(served, monkeypatch, capsys):
    flavor, server = served
    run = check(
        monkeypatch, capsys, server.env, "--flavor", flavor, "--lang", "fi", "--case", "info"
    )
    assert run.returncode == 0, run.output
    assert summary(run, "fi") == {"same": 1, "differ": 0, "skipped": 0, "failed": 0}
    assert expected("fi", "check_cleaned") in run.stdout


# --- what is left afterwards -------------------------------------------------------------


def _breaks_midway(stop: BaseException):
    """A case that makes buckets (and a bucket of another name), then stops with ``stop``."""

    def case(p: Probe) -> None:
        c = p.name("c")
        p.request("create", "PUT", c)
        p.request("create segments", "PUT", f"{c}_segments")
        for name in ("a", "b/c", "ü ö"):
            p.request(f"put {name}", "PUT", f"{c}/{name}", data=b"x")
            p.request(f"put segment {name}", "PUT", f"{c}_segments/{name}", data=b"x")
        p.request("create another", "PUT", "zz-made-by-a-case")
        p.request("put in another", "PUT", "zz-made-by-a-case/o", data=b"x")
        p.request("account metadata", "POST", headers={"X-Account-Meta-Made-By-Case": "1"})
        if isinstance(stop, signal.Signals):
            os.kill(os.getpid(), stop)  # its handler raises in this thread at once
            time.sleep(30)
            raise AssertionError("the signal did not stop the case")
        raise stop

    return case


@pytest.mark.parametrize(
    ("stop", "sentence"),
    [
        (RuntimeError("broken on purpose"), None),
        (KeyboardInterrupt(), "check_interrupted"),
        (signal.SIGTERM, "check_interrupted"),
    ],
    ids=["error", "ctrl-c", "sigterm"],
)
def test_everything_a_case_made_goes_when_it_stops_midway(
    stop, sentence, server, monkeypatch, capsys
):
    url, token = token_of(server.env)
    before = account_metadata(url, token)
    monkeypatch.setitem(CASES, "breaks", _breaks_midway(stop))
    run = check(monkeypatch, capsys, server.env, "--case", "breaks", "--case", "info")
    assert run.returncode == 1, run.output
    assert buckets_of_the_check(url, token) == []
    listed = requests.get(url, params={"format": "json"}, headers={"X-Auth-Token": token})
    assert "zz-made-by-a-case" not in [entry["name"] for entry in listed.json()]
    assert account_metadata(url, token) == before
    if sentence is None:
        assert (
            "[1/2] breaks: failed on the real server: RuntimeError: broken on purpose" in run.stdout
        )
        assert summary(run)["failed"] == 1
    else:
        assert run.stderr.strip().endswith(expected("en", sentence))
        assert "[2/2]" not in run.stdout  # the interrupt stopped the cases
    assert expected("en", "check_cleaned") in run.stdout


def test_account_settings_held_are_left_alone_and_not_printed(server, monkeypatch, capsys):
    held = {
        "X-Account-Meta-Temp-URL-Key": "users-own-key-8d1e",
        "X-Account-Meta-Conf-One": "the-users-value",
        "X-Account-Meta-Unrelated": "kept",
    }
    url, token = token_of(server.env)
    requests.post(url, headers={"X-Auth-Token": token, **held}, timeout=30).raise_for_status()
    before = account_metadata(url, token)
    cases = ("temp_urls", "metadata", "metadata_limits", "short_container_name")
    run = check(monkeypatch, capsys, server.env, *[f"--case={name}" for name in cases])
    assert account_metadata(url, token) == before
    assert run.returncode == 0, run.output
    skipped = [line for line in run.stdout.splitlines() if ": skipped, " in line]
    assert len(skipped) == 2, run.stdout
    assert "temp_urls: skipped" in skipped[0] and "x-account-meta-temp-url-key" in skipped[0]
    assert "metadata: skipped" in skipped[1] and "x-account-meta-conf-one" in skipped[1]
    assert summary(run) == {"same": 2, "differ": 0, "skipped": 2, "failed": 0}
    for value in held.values():
        assert value not in run.output


def test_a_bucket_the_account_holds_skips_the_case(tmp_path, monkeypatch, capsys):
    with running_server(tmp_path / "server", "--flavor", "swift") as server:
        url, token = token_of(server.env)
        headers = {"X-Auth-Token": token}
        requests.put(f"{url}/ab", headers=headers, timeout=30).raise_for_status()
        run = check(
            monkeypatch, capsys, server.env, "--flavor", "swift", "--case", "short_container_name"
        )
        assert requests.head(f"{url}/ab", headers=headers, timeout=30).status_code == 204
    assert run.returncode == 0, run.output
    reason = expected("en", "check_skip_bucket_exists", bucket="ab")
    assert f"[1/1] short_container_name: skipped, {reason}" in run.stdout


def test_a_listing_of_the_account_with_its_own_buckets_skips_the_case(server, monkeypatch, capsys):
    run_empty = check(monkeypatch, capsys, server.env, "--case", "account_without_prefix")
    url, token = token_of(server.env)
    headers = {"X-Auth-Token": token}
    requests.put(f"{url}/users-own-bucket", headers=headers, timeout=30).raise_for_status()
    run = check(monkeypatch, capsys, server.env, "--case", "account_without_prefix")
    assert requests.head(f"{url}/users-own-bucket", headers=headers).status_code == 204
    assert run_empty.returncode == 0, run_empty.output
    assert summary(run_empty) == {"same": 1, "differ": 0, "skipped": 0, "failed": 0}
    assert run.returncode == 0, run.output
    reason = expected("en", "check_skip_account_listing")
    assert f"[1/1] account_without_prefix: skipped, {reason}" in run.stdout
    assert "users-own-bucket" not in run.output


def test_without_a_second_account_its_cases_are_skipped(server, monkeypatch, capsys):
    run = check(monkeypatch, capsys, server.env, "--case", "access", "--case", "container_acls")
    url, token = token_of(server.env)
    assert buckets_of_the_check(url, token) == []  # access made one before it stopped
    assert run.returncode == 0, run.output
    note = expected("en", "check_skip_other_account")
    assert run.stdout.count(note) == 2
    assert summary(run) == {"same": 0, "differ": 0, "skipped": 2, "failed": 0}


# --- the real servers ---------------------------------------------------------------------


@pytest.mark.real
@pytest.mark.parametrize("name", list(FLAVOR_OF))
def test_no_difference_on_each_real_backend(name, request, tmp_path, monkeypatch, capsys):
    server = request.getfixturevalue(f"{name}_server")
    env = server.main.environ()  # the RC file's password login on Allas, else the token
    other = rc_file(tmp_path, server.other.environ())
    before = [account_metadata(a.storage_url, a.token) for a in (server.main, server.other)]
    run = check(monkeypatch, capsys, env, "--flavor", FLAVOR_OF[name], "--other-rc", str(other))
    assert run.returncode == 0, run.output
    counts = summary(run)
    assert counts["differ"] == counts["failed"] == 0
    assert counts["same"] + counts["skipped"] == len(CASES)
    # Alone, every case runs; in a whole session, another test may have left a temp URL
    # key on the shared account, and the cases that would change it are skipped.
    # Likewise a bucket another test left makes a listing of the whole account skip its case.
    allowed = (
        expected("en", "check_skip_account_metadata", keys="").split("(")[0],
        expected("en", "check_skip_account_listing"),
    )
    skips = [line for line in run.stdout.splitlines() if ": skipped, " in line]
    never = [line for line in skips if line.split(": ")[0].split("] ")[1] in NEVER_ON_AN_ACCOUNT]
    assert len(never) == len(NEVER_ON_AN_ACCOUNT)
    others = [line for line in skips if line not in never]
    assert all(any(reason in line for reason in allowed) for line in others), skips
    for account, metadata in zip((server.main, server.other), before, strict=True):
        assert buckets_of_the_check(account.storage_url, account.token) == []
        assert account_metadata(account.storage_url, account.token) == metadata
    secrets = [server.main.token, server.other.token]
    for login in (env, server.other.environ()):
        secrets += [login[k] for k in ("OS_PASSWORD", "OS_AUTH_TOKEN") if k in login]
    assert secrets and not [secret for secret in secrets if secret in run.output]


@pytest.mark.real
def test_a_difference_on_real_rgw_is_named(rgw_server, monkeypatch, capsys):
    changed = dataclasses.replace(flavors.RGW, min_container_name_length=2)
    monkeypatch.setitem(flavors.FLAVORS, "rgw", changed)
    env = rgw_server.main.token_environ()
    run = check(monkeypatch, capsys, env, "--case", "short_container_name", "--case", "info")
    assert run.returncode == 1
    assert "create two-letter container · status: real 400 | fake 201" in run.stdout
    assert summary(run) == {"same": 1, "differ": 1, "skipped": 0, "failed": 0}
    assert rgw_server.main.token not in run.output


@pytest.mark.real
def test_an_application_credential_logs_the_check_in(allas_server, monkeypatch, capsys):
    keystone = allas_server.keystone
    token, document = keystone.login("John")
    credentials = (
        f"{keystone.auth_url}/users/{document['token']['user']['id']}/application_credentials"
    )
    headers = {"X-Auth-Token": token}
    made = requests.post(
        credentials,
        json={"application_credential": {"name": f"check-{os.urandom(4).hex()}"}},
        headers=headers,
        timeout=30,
    )
    made.raise_for_status()
    credential = made.json()["application_credential"]
    env = {
        "OS_AUTH_TYPE": "v3applicationcredential",
        "OS_AUTH_URL": keystone.auth_url,
        "OS_APPLICATION_CREDENTIAL_ID": credential["id"],
        "OS_APPLICATION_CREDENTIAL_SECRET": credential["secret"],
    }
    try:
        run = check(monkeypatch, capsys, env, "--case", "container_lifecycle", "--case", "info")
    finally:
        requests.delete(f"{credentials}/{credential['id']}", headers=headers, timeout=30)
    assert run.returncode == 0, run.output
    assert summary(run) == {"same": 2, "differ": 0, "skipped": 0, "failed": 0}
    assert credential["secret"] not in run.output


@pytest.mark.real
def test_a_case_that_breaks_on_allas_leaves_nothing(allas_server, monkeypatch, capsys):
    monkeypatch.setitem(CASES, "breaks", _breaks_midway(RuntimeError("broken on purpose")))
    main = allas_server.main
    before = account_metadata(main.storage_url, main.token)
    run = check(monkeypatch, capsys, main.environ(), "--case", "breaks")
    assert run.returncode == 1
    assert buckets_of_the_check(main.storage_url, main.token) == []
    assert account_metadata(main.storage_url, main.token) == before
    assert main.login["OS_PASSWORD"] not in run.output


# --- bad usage, in either language ----------------------------------------------------------


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_without_a_login_it_says_so_in_one_sentence(run_fake_swift, lang):
    done = run_fake_swift("check", "--lang", lang)
    assert done.returncode == 2
    names = "OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_USER_DOMAIN_NAME, OS_PROJECT_NAME"
    assert done.stderr == expected(lang, "check_missing_variables", names=names) + "\n"
    assert done.stdout == ""


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_an_unknown_flavor_is_one_sentence(run_fake_swift, lang):
    done = run_fake_swift("check", "--flavor", "minio", env={"ALLAS_EXAMPLES_LANG": lang})
    assert done.returncode == 2
    assert done.stderr == expected(lang, "check_bad_flavor", value="minio") + "\n"


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_an_unknown_case_is_one_sentence(lang, monkeypatch, capsys):
    run = check(monkeypatch, capsys, {"LANG": f"{lang}_FI.UTF-8" if lang == "fi" else "C"},
                "--case", "nosuch")  # fmt: skip
    assert run.returncode == 2
    assert (
        run.stderr
        == expected(lang, "check_unknown_case", name="nosuch", names=", ".join(CASES)) + "\n"
    )


def test_a_second_login_to_the_same_project_is_refused(server, tmp_path, monkeypatch, capsys):
    same = rc_file(tmp_path, server.env)
    run = check(monkeypatch, capsys, server.env, "--other-rc", str(same))
    assert run.returncode == 2
    assert run.stderr == expected("en", "check_other_same") + "\n"
    assert "John1234" not in run.output


def test_a_second_login_without_its_password_is_refused(server, tmp_path, monkeypatch, capsys):
    settings = {k: v for k, v in other_env(server).items() if k != "OS_PASSWORD"}
    path = rc_file(tmp_path, settings)
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # no terminal to ask on
    run = check(monkeypatch, capsys, server.env, "--other-rc", str(path))
    assert run.returncode == 2
    assert run.stderr == expected("en", "check_other_needs_password", path=path) + "\n"


def test_a_refused_login_is_the_service_failing(server, monkeypatch, capsys):
    run = check(monkeypatch, capsys, {**server.env, "OS_PASSWORD": "wrong-password"})
    assert run.returncode == 1
    assert run.stderr == expected("en", "login_refused") + "\n"
    assert "wrong-password" not in run.output


def test_help_is_in_the_chosen_language(run_fake_swift):
    for lang in ("fi", "en"):
        done = run_fake_swift("check", "--help", "--lang", lang)
        assert done.returncode == 0
        words = " ".join(expected(lang, "check_help_other_rc").split()[:4])
        assert words in " ".join(done.stdout.split())


def test_every_key_the_check_uses_is_in_the_catalog():
    used = set()
    for name in ("check.py", "guard.py"):
        source = (ROOT / "fake_swift" / "conformance" / name).read_text(encoding="utf-8")
        used |= set(
            re.findall(
                r"""\b(?:text|say|CaseSkipped|ConfigurationError)\(\s*["']([a-z_]+)["']""", source
            )
        )
        assert not re.search(r"""print\(\s*f?["'][A-Z]""", source), "a sentence outside the catalog"
    assert {"check_start", "check_skip_other_account", "check_missing_variables"} <= used
    assert used - set(messages.CATALOG) == set()
