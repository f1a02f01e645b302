"""Shared test helpers: run an example or the CLI as a user would, in a clean environment."""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from allas_examples import messages

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


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """An empty working folder, with the fake's persistent state inside it."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def run_script(workdir: Path):
    """Run ``examples/NAME.py`` in a subprocess, in ``workdir``, with no OS_* variables."""

    def run(name: str, *args: str, env: dict[str, str] | None = None) -> Run:
        command = [sys.executable, str(EXAMPLES_DIR / f"{name}.py"), *args]
        return _run(command, workdir, env)

    return run


@pytest.fixture
def run_cli(workdir: Path):
    """Run the ``allas-examples`` command in a subprocess, in ``workdir``."""

    def run(*args: str, env: dict[str, str] | None = None) -> Run:
        return _run([sys.executable, "-m", "allas_examples.cli", *args], workdir, env)

    return run


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


@pytest.fixture
def in_language():
    """Switch the catalog's language for the test, and back afterwards."""
    before = messages.current_language()
    yield messages.set_language
    messages.set_language(before)


def expected(language: str, key: str, **values: object) -> str:
    """The catalog sentence as the scripts print it in ``language``."""
    return messages.CATALOG[key][language].format(**values)
