"""No secret leaves a run: not in what it prints, not in the libraries' request logging that
``--debug`` shows, not in a traceback, not in a file it writes. The RC-file reader never
runs the file, and the fake's server listens on loopback unless told otherwise.

The scripts run in this process (as ``__main__``) on one fake, so that every token the
fake issued can be read from its state and looked for afterwards.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
import swiftclient

import fake_swift
from allas_examples import cli, errors, script
from allas_examples.connection import read_rc_file
from allas_examples.course import EXAMPLES
from allas_examples.files import SAMPLE_FOLDER, write_sample_folder
from conftest import EXAMPLES_DIR, clean_environment, expected, run_example, stop_process
from fake_swift import AUTH_URL, mock_allas

# Characters that URL-encoding, JSON and base64 all change, so that each form is looked for.
PASSWORD = "Pässwörd/+ 7&x=y%z"
WRONG_PASSWORD = "Wröng-Pässwörd/+ 9&q"
USER, PROJECT = "Leena", "project_2001"

# What each script needs beyond its defaults to run to the end without --fake, after the
# scripts before it in course order.
EXTRA_ARGS = {
    "upload_large_object": ["--segment-size", "10"],
    "make_temp_url": ["--check"],
    "upload_with_expiry": ["--after", "3600", "--wait", "0"],  # gone only when removed
}


def secret_forms(secret: str) -> dict[str, bytes]:
    """``secret`` as a log or a file could hold it, by the name of each form."""
    raw = secret.encode()
    whole = raw[: len(raw) // 3 * 3]  # base64 of these is the same wherever the secret sits
    forms = {
        "as is": raw,
        "URL-encoded": quote(secret, safe="").encode(),
        "form-encoded": quote_plus(secret).encode(),
        "JSON-escaped": json.dumps(secret)[1:-1].encode(),
        "base64": base64.b64encode(whole).rstrip(b"="),
        "URL-safe base64": base64.urlsafe_b64encode(whole).rstrip(b"="),
    }
    if len(secret) >= 24:  # what swiftclient's logging shows of a long secret by default
        forms["first 12 characters"] = raw[:12]
    return forms


def leaks(where: str, data: str | bytes, secrets: dict[str, str]) -> list[str]:
    """Each secret of ``secrets`` (by name) found in ``data``, in any of its forms."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    return [
        f"{name} ({form}) in {where}"
        for name, secret in secrets.items()
        for form, encoded in secret_forms(secret).items()
        if encoded in data
    ]


class Runs:
    """Runs scripts and the tour in this process on one fake, and keeps what they showed."""

    def __init__(self, allas, folder: Path, capfd, monkeypatch) -> None:
        self.allas = allas
        self.folder = folder
        self.capfd = capfd
        self.monkeypatch = monkeypatch
        self.outputs: list[tuple[str, str]] = []
        self.credential_secrets: list[str] = []

    def script(self, label: str, name: str, *args: str, env: dict[str, str]) -> int:
        return self._run(label, env, lambda: run_example(name, *args, "--debug"))

    def tour(self) -> int:
        return self._run("tour", {}, self._tour)

    def _tour(self) -> int:
        try:
            return cli.main(["tour", "--debug"])
        except SystemExit as done:
            return done.code or 0

    def _run(self, label: str, env: dict[str, str], run) -> int:
        for name in [name for name in os.environ if name.startswith("OS_")]:
            self.monkeypatch.delenv(name)
        for name, value in env.items():
            self.monkeypatch.setenv(name, value)
        errors._REMEMBERED_SECRETS.clear()  # as in a process of its own
        self.capfd.readouterr()
        code = run()
        out, err = self.capfd.readouterr()
        self.outputs.append((f"stdout of {label}", out))
        self.outputs.append((f"stderr of {label}", err))
        return code

    def secrets(self) -> dict[str, str]:
        """Every secret the runs were given or were issued, by name."""
        state = self.allas.state
        found = {"password": PASSWORD, "wrong password": WRONG_PASSWORD}
        found.update({f"token {n}": token for n, token in enumerate(state.tokens)})
        found.update({f"credential secret {n}": s for n, s in enumerate(self.credential_secrets)})
        for project_id, account in state.accounts.items():
            for header, value in account.metadata.items():
                if "temp-url-key" in header.lower():
                    found[f"temp URL key of {project_id}"] = value
        return found

    def found(self) -> list[str]:
        """Every secret in what the runs showed or in a file under the test's folder.

        The fake's own store is the server's side: like Allas, it keeps each project's
        temp URL key as account metadata, so only that key is not looked for there.
        """
        secrets = self.secrets()
        server_side = {name: s for name, s in secrets.items() if not name.startswith("temp URL")}
        found = [hit for where, text in self.outputs for hit in leaks(where, text, secrets)]
        self.allas.state.save()
        for path in sorted(self.folder.rglob("*")):
            if path.is_file():
                wanted = server_side if STATE_FOLDER in path.parts else secrets
                found += leaks(str(path.relative_to(self.folder)), path.read_bytes(), wanted)
        return found

    def output_of(self, *labels: str) -> str:
        return "".join(text for where, text in self.outputs if where.endswith(labels))

    def text(self) -> str:
        return "".join(text for _where, text in self.outputs)


STATE_FOLDER = "fake-state"


@pytest.fixture
def runs(tmp_path: Path, capfd, monkeypatch) -> Runs:
    """A fake kept in ``fake-state``, with a working folder; ``--fake`` and the tour use it."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with mock_allas(state_dir=tmp_path / STATE_FOLDER) as allas:
        allas.add_user("John", PASSWORD, "project_123456")  # the one --fake logs in as
        allas.add_user(USER, PASSWORD, PROJECT)
        recorder = Runs(allas, tmp_path, capfd, monkeypatch)
        monkeypatch.setattr(script, "offline_fake_handle", lambda: contextlib.nullcontext(allas))
        monkeypatch.setattr(fake_swift, "mock_allas", lambda: contextlib.nullcontext(allas))
        make_credential = allas.add_application_credential

        def keep_secret(*args, **kwargs):
            credential_id, secret = make_credential(*args, **kwargs)
            recorder.credential_secrets.append(secret)
            return credential_id, secret

        monkeypatch.setattr(allas, "add_application_credential", keep_secret)
        yield recorder


def login_environments(runs: Runs) -> dict[str, dict[str, str]]:
    """The OS_* variables of each login kind, for Leena's project."""
    allas = runs.allas
    credential_id, secret = allas.add_application_credential(USER)
    return {
        "password": allas.environ(USER),
        "token": {
            "OS_STORAGE_URL": allas.storage_url(PROJECT),
            "OS_AUTH_TOKEN": allas.token_for(USER),
        },
        "application credential": allas.environ_for_application_credential(credential_id, secret),
    }


@pytest.mark.lengthy  # every script and the tour
def test_no_secret_in_any_run_at_debug(runs: Runs) -> None:
    assert runs.tour() == 0
    codes = {}
    for name in EXAMPLES:
        codes[f"--fake {name}"] = runs.script(f"--fake {name}", name, "--fake", env={})
    for method in ("token", "rc-file", "application-credential"):
        label = f"--fake log_in --method {method}"
        codes[label] = runs.script(label, "log_in", "--fake", "--method", method, env={})
    (Path.cwd() / script.SOURCE_FILE).write_text(script.SAMPLE_TEXT, encoding="utf-8")
    write_sample_folder(SAMPLE_FOLDER)
    for kind, env in login_environments(runs).items():
        for name in EXAMPLES:
            label = f"{name} ({kind} login)"
            codes[label] = runs.script(label, name, *EXTRA_ARGS.get(name, []), env=env)
    failed = {label: code for label, code in codes.items() if code != 0}
    assert failed == {}, runs.output_of(*failed)
    assert "DEBUG keystoneauth" in runs.text() and "swiftclient: REQ: curl" in runs.text()
    assert runs.found() == []


@pytest.mark.usefixtures("no_backoff")  # the refused and failing runs retry; not slept here
def test_no_secret_when_runs_fail_at_debug(runs: Runs, monkeypatch) -> None:
    password_login = runs.allas.environ(USER)
    wrong = {**password_login, "OS_PASSWORD": WRONG_PASSWORD}
    assert runs.script("wrong password", "create_connection", env=wrong) == 1
    expired = {
        "OS_STORAGE_URL": runs.allas.storage_url(PROJECT),
        "OS_AUTH_TOKEN": runs.allas.token_for(USER, expires_in=-1),
    }
    assert runs.script("expired token", "list_buckets_and_objects", env=expired) == 1
    # A token that expires during a segmented upload: the workers log in again.
    Path(script.SOURCE_FILE).write_text(script.SAMPLE_TEXT, encoding="utf-8")
    assert runs.script("set-up", "create_bucket", env=password_login) == 0
    runs.allas.expire_tokens(after=2, method="PUT", path="^/swift/")
    relogin = runs.script(
        "re-login", "upload_large_object", "--segment-size", "10", env=password_login
    )
    assert relogin == 0, runs.output_of("re-login")
    assert runs.output_of("re-login").count("Making authentication request") >= 2

    def crash(conn: swiftclient.Connection, *args, **kwargs):
        url, token = conn.get_auth()
        raise RuntimeError(f"unexpected answer from {url} to the token {token}")

    monkeypatch.setattr(swiftclient.Connection, "put_container", crash)
    assert runs.script("crash", "create_bucket", env=password_login) == 1
    assert runs.text().count("Traceback") >= 3
    assert "RuntimeError: unexpected answer from" in runs.text()
    assert runs.found() == []


def test_the_scan_finds_a_secret_that_gets_out(runs: Runs, monkeypatch) -> None:
    """The same run and scan as above, with the scripts' and swiftclient's blanking off."""
    monkeypatch.setattr(script, "redact", lambda message, secrets=(): message)
    monkeypatch.setitem(swiftclient.client.logger_settings, "redact_sensitive_headers", False)
    assert runs.script("leaky", "create_connection", env=runs.allas.environ(USER)) == 0
    assert [hit for hit in runs.found() if hit.startswith("token")]


@pytest.mark.parametrize("form", list(secret_forms("x" * 30)))
def test_the_scan_finds_each_form(form: str) -> None:
    secret = PASSWORD * 2
    text = b"... " + secret_forms(secret)[form] + b" ..."
    assert f"s ({form}) in log" in leaks("log", text, {"s": secret})
    assert leaks("log", "nothing here", {"s": secret}) == []


# --- the RC file is read, never run --------------------------------------------------

RUNNING_RC_FILE = """\
touch marker-plain
export OS_AUTH_URL={auth_url}
export OS_USERNAME="$(touch marker-substitution)"
export OS_PROJECT_NAME=`touch marker-backticks`
export OS_USER_DOMAIN_NAME="Default`touch marker-quoted-backticks`"
export OS_PROJECT_DOMAIN_NAME=Default; touch marker-after-semicolon
export OS_REGION_NAME=$(touch marker-region)
source ./more.sh
eval "touch marker-eval"
"""


def test_rc_file_is_never_run(tmp_path: Path) -> None:
    rc_file = tmp_path / "openrc.sh"
    rc_file.write_text(RUNNING_RC_FILE.format(auth_url=AUTH_URL), encoding="utf-8")
    (tmp_path / "more.sh").write_text("touch marker-sourced\n", encoding="utf-8")
    settings = read_rc_file(rc_file)
    done = subprocess.run(
        [sys.executable, str(EXAMPLES_DIR / "log_in.py"), "--fake", "--method", "rc-file",
         str(rc_file)],
        cwd=tmp_path,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert sorted(path.name for path in tmp_path.glob("marker*")) == []
    assert "Traceback" not in done.stdout + done.stderr
    # What the shell would fill in is not taken as a setting; the rest is.
    assert settings["OS_AUTH_URL"] == AUTH_URL
    expanding = {"OS_USERNAME", "OS_PROJECT_NAME", "OS_USER_DOMAIN_NAME", "OS_REGION_NAME"}
    assert not expanding & set(settings)


# --- the fake's server: loopback unless --public -------------------------------------


def test_server_listens_on_loopback_by_default(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "fake_swift", "serve", "--port", "0", "--lang", "en"],
        cwd=tmp_path,
        env=clean_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        while not lines or not lines[-1].startswith("Serving"):
            line = server.stdout.readline()
            assert line, server.stderr.read()
            lines.append(line.rstrip("\n"))
    finally:
        stop_process(server)
    origin = lines[-1].removeprefix("Serving on ").split()[0]
    assert lines[-1] == expected("en", "serve_serving", origin=origin)
    assert origin.startswith("http://127.0.0.1:")


def test_reports_blank_a_secret_in_each_form_a_log_writes_it() -> None:
    # Base64 is left out: neither library writes a password or token so.
    written = {name: form for name, form in secret_forms(PASSWORD).items() if "base64" not in name}
    report = " ".join(form.decode() for form in written.values())
    assert len(written) == 4 and leaks("report", report, {"password": PASSWORD})
    remaining = errors.redact(f"login with {report} failed", [PASSWORD])
    assert leaks("report", remaining, {"password": PASSWORD}) == []
