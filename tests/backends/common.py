"""What a running backend hands the tests, and the process care they share."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Account:
    """A storage URL and token: the pair ``allas-conf`` exports as OS_STORAGE_URL/OS_AUTH_TOKEN.

    Where a real Keystone issued the token, ``login`` holds the OpenStack RC file's
    ``OS_*`` variables of a password login to the same project.
    """

    storage_url: str
    token: str
    login: dict[str, str] | None = field(default=None, compare=False, repr=False)

    def environ(self) -> dict[str, str]:
        """What a user of this account exports: the RC file's password login where there
        is one (the pages' way), else the storage URL and token."""
        if self.login is not None:
            return dict(self.login)
        return self.token_environ()

    def token_environ(self) -> dict[str, str]:
        return {"OS_STORAGE_URL": self.storage_url, "OS_AUTH_TOKEN": self.token}


@dataclass(frozen=True)
class RealServer:
    """A server the fixtures started: its name, two accounts, and its root URL."""

    name: str  # "rgw", "swift" or "allas" (RGW checking tokens at a real Keystone)
    main: Account
    other: Account  # a second account, for cross-account tests
    root_url: str  # http://127.0.0.1:PORT


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_processes(processes: list[subprocess.Popen], timeout: float = 10.0) -> None:
    """SIGTERM, wait up to ``timeout`` s, then SIGKILL exactly these processes; reap them."""
    for proc in processes:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for proc in processes:
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait()
