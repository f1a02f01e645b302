"""Shared test helpers: run an example or the CLI as a user would, in a clean environment."""

from __future__ import annotations

import contextlib
import io
import ipaddress
import logging
import os
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from hypothesis import settings

from allas_examples import messages
from backends.common import Account, RealServer

# How the suite runs: two xdist workers per core, the documentation pages' blocks kept
# together, lengthy tests first, collection without the garbage collector, and the record
# of a full default run (tests/suite_run.py).
from suite_run import (  # noqa: F401 (pytest finds these hooks by their names)
    lengthy_tests_first,
    pytest_collection,
    pytest_sessionfinish,
    pytest_sessionstart,
    pytest_xdist_auto_num_workers,
    pytest_xdist_make_scheduler,
)

# Hypothesis: short runs by default; CI (.ci/run) sets HYPOTHESIS_PROFILE=ci, and
# HYPOTHESIS_PROFILE=long runs the property-based and fuzz tests far longer.
settings.register_profile("quick", max_examples=25, stateful_step_count=30, deadline=None)
settings.register_profile("ci", max_examples=100, stateful_step_count=50, deadline=None)
settings.register_profile("long", max_examples=3000, stateful_step_count=80, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = ROOT / "examples"
SEEDS_DIR = ROOT.parent / "shared" / "seeds"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def clean_environment(**extra: str) -> dict[str, str]:
    """The process environment without any OS_* login or language choice."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OS_", "ST_", "ALLAS_")) and key not in ("LANG", "LC_ALL")
    }
    env.update(extra)
    return env


@pytest.fixture(autouse=True, scope="session")
def no_internet():
    """A safety net under the fake: any socket to a non-loopback address is refused."""
    original = socket.socket.connect

    def loopback_only(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                allowed = ipaddress.ip_address(address[0]).is_loopback
            except ValueError:
                allowed = address[0] == "localhost"
            if not allowed:
                raise ConnectionRefusedError(f"tests do not use the network: {address[0]}")
        return original(sock, address)

    socket.socket.connect = loopback_only
    yield
    socket.socket.connect = original


@pytest.fixture(autouse=True, scope="session")
def no_proxy_for_the_tests_hosts():
    """``no_proxy`` names the hosts the tests reach, beside whatever the user's names: the
    fake's, which it answers in this process, and the loopback address of the servers the
    tests start. A proxy in the environment is never asked for them; and requests, which
    otherwise reads the whole environment twice on every request to find out, takes about
    a fifth less CPU in the in-process fault sweeps."""
    from fake_swift import AUTH_URL, STORAGE_ROOT

    hosts = [urlsplit(AUTH_URL).hostname, urlsplit(STORAGE_ROOT).hostname, "127.0.0.1", "localhost"]
    given = os.environ.get("no_proxy") or os.environ.get("NO_PROXY") or ""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("no_proxy", ",".join(filter(None, [given, *hosts])))
        yield


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """An empty working folder, with the fake's persistent state inside it."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


# The command's console script, beside the Python that runs the tests (a virtual
# environment's bin/, whether the checkout or a wheel is installed there).
ALLAS_EXAMPLES_COMMAND = Path(sys.executable).with_name("allas-examples")


@pytest.fixture
def run_script(workdir: Path, script_runner):
    """Run ``examples/NAME.py`` in ``workdir``, with no OS_* variables.

    It runs in this process (pytest-console-scripts' in-process mode: its own argv,
    standard streams, environment and folder), unless the test is marked
    ``@pytest.mark.script_launch_mode("subprocess")`` or pytest is given
    ``--script-launch-mode=subprocess``: then in a process of its own, as users run it.
    """

    def run(name: str, *args: str, env: dict[str, str] | None = None) -> Run:
        return _launch(script_runner, [str(EXAMPLES_DIR / f"{name}.py"), *args], workdir, env)

    return run


@pytest.fixture
def run_cli(workdir: Path, script_runner):
    """Run the ``allas-examples`` command in ``workdir``, as ``run_script`` runs a script."""

    def run(*args: str, env: dict[str, str] | None = None) -> Run:
        return _launch(script_runner, [str(ALLAS_EXAMPLES_COMMAND), *args], workdir, env)

    return run


# python -m fake_swift's console script, beside it.
FAKE_SWIFT_COMMAND = Path(sys.executable).with_name("fake-swift")


@pytest.fixture
def run_fake_swift(workdir: Path, script_runner):
    """Run the ``fake-swift`` command (``python -m fake_swift``) in ``workdir``, as
    ``run_script`` runs a script: for what it says before it serves or checks anything."""

    def run(*args: str, env: dict[str, str] | None = None) -> Run:
        return _launch(script_runner, [str(FAKE_SWIFT_COMMAND), *args], workdir, env)

    return run


def _launch(runner, command: list[str], cwd: Path, env: dict[str, str] | None) -> Run:
    environ = clean_environment(**(env or {}))
    if runner.launch_mode == "subprocess":
        # An empty standard input, not the terminal pytest may have been started from.
        done = runner.run(command, cwd=cwd, env=environ, stdin=io.StringIO(), timeout=120)
    else:
        with as_in_a_new_process():
            done = runner.run(command, cwd=cwd, env=environ)
    return Run(done.returncode, done.stdout, done.stderr)


@contextlib.contextmanager
def as_in_a_new_process() -> Iterator[None]:
    """Put back what a script run in this process changes of the process itself, so that
    the next one starts as a new process would: the library loggers' levels, the secrets
    the redaction has learnt, the catalog's language (the language_restored fixture)."""
    from allas_examples import errors, script

    loggers = [logging.getLogger(name) for name in script.LIBRARY_LOGGERS]
    saved = [(logger.level, logger.propagate, list(logger.handlers)) for logger in loggers]
    secrets = set(errors._REMEMBERED_SECRETS)
    try:
        yield
    finally:
        for logger, (level, propagate, handlers) in zip(loggers, saved, strict=True):
            logger.setLevel(level)
            logger.propagate = propagate
            logger.handlers[:] = handlers
        errors._REMEMBERED_SECRETS.clear()
        errors._REMEMBERED_SECRETS.update(secrets)


def _run(command: list[str], cwd: Path, env: dict[str, str] | None) -> Run:
    completed = subprocess.run(
        command,
        cwd=cwd,
        env=clean_environment(**(env or {})),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return Run(completed.returncode, completed.stdout, completed.stderr)


def password_auth(env: dict[str, str]):
    """The keystoneauth1 v3 password login of the ``OS_*`` values in ``env``."""
    from keystoneauth1.identity import v3

    return v3.Password(
        auth_url=env["OS_AUTH_URL"],
        username=env["OS_USERNAME"],
        password=env["OS_PASSWORD"],
        user_domain_name=env["OS_USER_DOMAIN_NAME"],
        project_name=env["OS_PROJECT_NAME"],
        project_domain_name=env["OS_PROJECT_DOMAIN_NAME"],
    )


@pytest.fixture(autouse=True)
def language_restored():
    """Scripts run in-process set the catalog's language; no test passes it to the next."""
    before = messages.current_language()
    yield
    messages.set_language(before)


@pytest.fixture
def in_language():
    """Switch the catalog's language for the test, and back afterwards."""
    before = messages.current_language()
    yield messages.set_language
    messages.set_language(before)


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """swiftclient's retry back-off, recorded instead of slept."""
    import swiftclient.client

    slept: list[float] = []
    monkeypatch.setattr(swiftclient.client, "sleep", slept.append)
    return slept


# The tour's steps, in order, by the catalog key of their titles.
TOUR_STEP_TITLES = (
    "tour_connect",
    "tour_create",
    "tour_upload",
    "tour_upload_large",
    "tour_list",
    "tour_download",
    "tour_not_empty",
    "tour_remove",
)


def run_example(name: str, *args: str) -> int:
    """Run ``examples/NAME.py`` as ``__main__`` in this process; return its exit code."""
    path = str(EXAMPLES_DIR / f"{name}.py")
    saved = sys.argv
    sys.argv = [path, *args]
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as done:
        return done.code or 0
    finally:
        sys.argv = saved
    return 0


def stop_process(process: subprocess.Popen) -> None:
    """Stop a process a test started: SIGTERM, then SIGKILL if it does not go."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(15)


# --- a third party's functional tests (test_third_party.py, test_swift_functests.py) ---


def func_test_config(path: Path, auth_root: str, lines: list[str]) -> None:
    """Write the ``[func_test]`` section that a suite's ``test/functional/__init__.py``
    reads: a Keystone v3 login at ``auth_root``, then the suite's own ``lines`` (users)."""
    host, port = auth_root.removeprefix("http://").rsplit(":", 1)
    header = ["[func_test]", "auth_version = 3", f"auth_host = {host}", f"auth_port = {port}"]
    header += ["auth_ssl = no", "auth_prefix = /v3"]
    path.write_text("\n".join(header + lines) + "\n")


def run_functional_tests(
    suite: Path, config: Path, options: list[str], timeout: float
) -> tuple[dict[str, tuple[str, str]], str]:
    """Run ``suite``'s ``test/functional`` with pytest and the config at ``config``, plus
    ``options``; return test id -> (passed | failed | skipped, the failure or skip text),
    and the end of what pytest printed. An error in a test's setup counts as a failure:
    it is the server's answer too."""
    junit = config.with_name("junit.xml")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore"]
    # Their folder only: not this project's pytest settings, conftest or plugin.
    command += ["-c", os.devnull, "--rootdir", str(suite), "--confcutdir", str(suite)]
    command += ["-p", "no:fake_swift", f"--junitxml={junit}", *options, "test/functional"]
    run = subprocess.run(
        command,
        cwd=suite,
        env=clean_environment(SWIFT_TEST_CONFIG_FILE=str(config)),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    output = run.stdout[-6000:] + run.stderr[-2000:]
    assert junit.is_file(), f"pytest wrote no report ({run.returncode}):\n{output}"
    results = {}
    for case in ElementTree.parse(junit).iter("testcase"):
        module, cls = case.get("classname").rsplit(".", 2)[-2:]
        test_id = f"{module}.py::{cls}::{case.get('name')}"
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is not None:
            results[test_id] = ("failed", f"{problem.get('message')}\n{problem.text}")
        elif case.find("skipped") is not None:
            results[test_id] = ("skipped", case.find("skipped").get("message") or "")
        else:
            results[test_id] = ("passed", "")
    return results, output


def expected(language: str, key: str, **values: object) -> str:
    """The catalog sentence as the scripts print it in ``language``."""
    return messages.CATALOG[key][language].format(**values)


# --- the backends: the in-process fake and the real servers on loopback ---

# "allas" is Allas as it really runs: Ceph RGW checking tokens at a real Keystone v3.
BACKENDS = ("fake", "swift", "rgw", "allas")
# The fake's flavor that answers as each real server does.
FLAVOR_OF = {"swift": "swift", "rgw": "rgw", "allas": "rgw"}


def _real_server(tmp_path_factory, name: str):
    """Start one real server for the whole session, or skip (fail in CI) when it is missing."""
    if name == "rgw":
        from backends.rgw import rgw_missing as missing
        from backends.rgw import running_rgw as running
    elif name == "allas":
        from backends.allas import allas_missing as missing
        from backends.allas import running_allas as running
    else:
        # OpenStack Swift as a cloud runs it for Keystone users, as the fake's swift
        # flavor answers: tokens from a real Keystone, keystoneauth's ACLs.
        from backends.keystone import keystone_missing
        from backends.swift import running_swift_with_keystone as running
        from backends.swift import swift_missing

        def missing():
            return swift_missing() or keystone_missing()

    reason = missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the {name} tests: {reason}")
        pytest.skip(reason)
    with scratch_folder(name) as folder, running(folder) as server:
        yield server


@contextlib.contextmanager
def scratch_folder(name: str) -> Iterator[Path]:
    """A temporary folder for one server, removed afterwards whatever happened."""
    folder = Path(tempfile.mkdtemp(prefix=f"allas-examples-{name}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def rgw_server(tmp_path_factory):
    yield from _real_server(tmp_path_factory, "rgw")


@pytest.fixture(scope="session")
def swift_server(tmp_path_factory):
    yield from _real_server(tmp_path_factory, "swift")


@pytest.fixture(scope="session")
def allas_server(tmp_path_factory):
    yield from _real_server(tmp_path_factory, "allas")


def fake_server(allas) -> RealServer:
    """The active fake, described as a real server is: two accounts by storage URL and token."""
    allas.add_user("Other", "Other1234", "project_2999")
    return RealServer(
        name="fake",
        main=Account(allas.storage_url("project_123456"), allas.token_for("John")),
        other=Account(allas.storage_url("project_2999"), allas.token_for("Other")),
        root_url="https://a3s.fi:443",
    )


@pytest.fixture(params=BACKENDS)
def backend(request) -> RealServer:
    """Each test that takes it runs on the fake, on Swift, on RGW and on RGW with Keystone."""
    if request.param == "fake":
        from fake_swift import mock_allas

        with mock_allas() as allas:
            yield fake_server(allas)
    else:
        yield request.getfixturevalue(f"{request.param}_server")


def pytest_configure(config):
    """With ``ALLAS_TEST_INSTALLED`` (noxfile.py), the code under test must be the installed
    wheel's: a run that imported the checkout's packages would prove nothing about it."""
    if not os.environ.get("ALLAS_TEST_INSTALLED"):
        return
    import fake_swift
    from allas_examples import course

    for path in (course.__file__, course.EXAMPLES_DIR, fake_swift.__file__):
        if not str(path).startswith(sys.prefix + os.sep):
            raise pytest.UsageError(f"{path} is not in the installed package ({sys.prefix})")


def pytest_report_header(config):
    """Where the code under test comes from: the checkout, or an installed wheel (nox)."""
    import fake_swift
    from allas_examples import course

    return [
        f"allas_examples: {Path(course.__file__).parent}",
        f"fake_swift: {Path(fake_swift.__file__).parent}",
        f"example scripts: {course.EXAMPLES_DIR}",
    ]


def pytest_collection_modifyitems(items):
    real_fixtures = {"backend", "rgw_server", "swift_server", "allas_server"}
    for item in items:
        # Whatever runs on a real server is a `real` test, selectable with -m real.
        if real_fixtures & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.real)
    lengthy_tests_first(items)


# --- the fake in server mode ---------------------------------------------------------


@pytest.fixture(scope="session")
def shared_server(tmp_path_factory):
    """One server for the tests that take ``server`` (one a worker): its start is not what
    they test."""
    from server_mode import running_server

    with running_server(tmp_path_factory.mktemp("server")) as running:
        yield running


@pytest.fixture
def server(shared_server):
    """The module's server as a new one starts (server_mode.reset)."""
    from server_mode import reset

    reset(shared_server)
    return shared_server
