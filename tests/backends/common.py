"""What a running backend hands the tests, and the process care they share."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Account:
    """A storage URL and token: the pair ``allas-conf`` exports as OS_STORAGE_URL/OS_AUTH_TOKEN."""

    storage_url: str
    token: str

    def environ(self) -> dict[str, str]:
        return {"OS_STORAGE_URL": self.storage_url, "OS_AUTH_TOKEN": self.token}


@dataclass(frozen=True)
class RealServer:
    """A server the fixtures started: its name, two accounts, and its root URL."""

    name: str  # "rgw" or "swift"
    main: Account
    other: Account  # a second account, for cross-account tests
    root_url: str  # http://127.0.0.1:PORT
