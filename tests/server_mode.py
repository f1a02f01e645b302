"""``python -m fake_swift serve`` as a process of the tests: start it, read what it prints,
drive its ``/_fake/`` endpoints, bring it back to how a new one starts, stop it by its pid.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from allas_examples.connection import connect
from conftest import clean_environment, stop_process

START_TIMEOUT = 30


@dataclass
class Server:
    process: subprocess.Popen
    origin: str
    env: dict[str, str]
    storage_url: str
    stdout: list[str]
    stderr_path: Path
    lines: queue.Queue = field(repr=False)

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 15) -> int:
        """Signal the server by its pid and wait for it; returns its exit code."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signum)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout)
            raise

    def rest_of_stdout(self, timeout: float = 5) -> list[str]:
        """Whatever the (stopped) server printed after starting."""
        rest = []
        with contextlib.suppress(queue.Empty):
            while (line := self.lines.get(timeout=timeout)) is not None:
                rest.append(line)
        return rest


def _pump(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)


@contextlib.contextmanager
def running_server(
    folder: Path, *args: str, environ: dict[str, str] | None = None
) -> Iterator[Server]:
    """``python -m fake_swift serve --host 127.0.0.1 --port 0 ARGS`` until the block ends.

    It has started when it prints its first line that is neither an export nor a
    comment: the serving line, in whichever language.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stderr_path = folder / f"server-{os.urandom(4).hex()}.err"
    with open(stderr_path, "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "fake_swift", "serve", "--host", "127.0.0.1", "--port", "0"]
            + list(args),
            cwd=folder,
            env=clean_environment(**(environ or {})),
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True).start()
        printed: list[str] = []
        while not (printed and not printed[-1].startswith(("export ", "# "))):
            try:
                line = lines.get(timeout=START_TIMEOUT)
            except queue.Empty:
                pytest.fail(f"the server did not start: {printed} {stderr_path.read_text()}")
            if line is None:
                pytest.fail(f"the server exited: {printed} {stderr_path.read_text()}")
            printed.append(line)
        env = {}
        for line in printed:
            if line.startswith("export "):
                name, _, value = line[len("export ") :].partition("=")
                env[name] = shlex.split(value)[0]
        origin = env["OS_AUTH_URL"].removesuffix("/v3")
        storage_url = next(line for line in printed if line.startswith("# ")).rsplit(" ", 1)[1]
        yield Server(process, origin, env, storage_url, printed, stderr_path, lines)
    finally:
        stop_process(process)


@contextlib.contextmanager
def serving_fake(flavor: str, folder: Path, users: list[str]) -> Iterator[str]:
    """Server mode of ``flavor`` with these ``--user`` values (``running_server``); yields
    its origin."""
    args = ["--flavor", flavor]
    for user in users:
        args += ["--user", user]
    with running_server(folder, *args) as server:
        yield server.origin


def admin(server: Server, method: str, endpoint: str, document: dict | None = None):
    """A request to the server's own endpoints; returns (status, JSON or text)."""
    response = requests.request(
        method, f"{server.origin}/_fake/{endpoint}", json=document, timeout=30
    )
    if "json" in response.headers.get("Content-Type", ""):
        return response.status_code, response.json()
    return response.status_code, response.text


def reset(server: Server) -> None:
    """Bring ``server`` back to how a new one starts: no pending fault, John's account
    empty of buckets and of settings, and an empty request log."""
    admin(server, "DELETE", "faults")
    conn = connect(server.env)
    try:
        headers, containers = conn.get_account(full_listing=True)
        for container in containers:
            for item in conn.get_container(container["name"], full_listing=True)[1]:
                conn.delete_object(container["name"], item["name"])
            conn.delete_container(container["name"])
        settings = [name for name in headers if name.startswith("x-account-meta-")]
        if settings:
            removed = "x-remove-account-meta-"
            conn.post_account({removed + name[len("x-account-meta-") :]: "x" for name in settings})
    finally:
        conn.close()
    admin(server, "DELETE", "requests")
