"""Faults and observation at the transport boundary: what the fake does to a request
before (or instead of) handing it to Keystone or Swift, and the log of what it answered.

Nothing here knows Swift or Keystone semantics. The transport asks :meth:`Faults.before`
what to do with each request, and tells :meth:`Faults.record` how it was answered.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: Reason phrases for the statuses a fault is likely to be asked for.
_REASONS = {
    408: "Request Timeout",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def reason_phrase(status: int) -> str:
    """A short body for an injected error reply (``Service Unavailable`` for 503)."""
    return _REASONS.get(status, "Injected Fault")


@dataclass(frozen=True)
class RequestRecord:
    """One request the fake answered.

    ``path`` is the URL path as sent (still percent-encoded), ``query`` the query string
    as a dict, ``status`` the status answered, or None when the connection was dropped.
    """

    method: str
    path: str
    query: dict[str, str]
    status: int | None


@dataclass
class _Rule:
    kind: str  # "fail", "drop", "delay" or "expire"
    remaining: int
    method: str | None
    path: re.Pattern[str] | None
    after: int
    status: int = 503
    seconds: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method:
            return False
        return self.path is None or self.path.search(path) is not None


@dataclass(frozen=True)
class Action:
    """What to do with one request: sleep ``delay`` seconds, then drop it, answer
    ``fail_status`` without reaching the service, or (both None/False) answer it."""

    delay: float = 0.0
    drop: bool = False
    fail_status: int | None = None


@dataclass
class Faults:
    """Pending faults and the request log, shared by every thread; one lock guards both."""

    expire_tokens: Callable[[], None]
    _rules: list[_Rule] = field(default_factory=list)
    _log: list[RequestRecord] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(
        self,
        kind: str,
        count: int,
        method: str | None = None,
        path: str | None = None,
        after: int = 0,
        status: int = 503,
        seconds: float = 0.0,
    ) -> None:
        """Queue a rule that acts on ``count`` matching requests once ``after`` matching
        requests have passed. ``method`` is compared exactly (upper case), ``path`` is a
        regular expression searched in the URL path."""
        if count < 0 or after < 0:
            raise ValueError("count and after must not be negative")
        if not 100 <= status <= 599:
            raise ValueError(f"not an HTTP status: {status}")
        if kind == "delay" and seconds < 0:
            raise ValueError("seconds must not be negative")
        if count == 0:
            return
        rule = _Rule(
            kind=kind,
            remaining=count,
            method=method.upper() if method is not None else None,
            path=re.compile(path) if path is not None else None,
            after=after,
            status=status,
            seconds=seconds,
        )
        with self._lock:
            self._rules.append(rule)

    def clear(self) -> None:
        """Forget every pending rule."""
        with self._lock:
            self._rules.clear()

    def before(self, method: str, path: str) -> Action:
        """Decide what happens to a request; consumes the rules that act on it.

        Every matching rule still waiting counts the request towards its ``after``.
        Due ``expire`` rules fire now; due ``delay`` rules all apply (their seconds add up);
        of the due ``fail`` and ``drop`` rules the oldest one acts.
        """
        delay = 0.0
        expire = False
        acting: _Rule | None = None
        with self._lock:
            for rule in self._rules:
                if not rule.matches(method, path):
                    continue
                if rule.after > 0:
                    rule.after -= 1
                    continue
                if rule.kind == "expire":
                    expire = True
                    rule.remaining -= 1
                elif rule.kind == "delay":
                    delay += rule.seconds
                    rule.remaining -= 1
                elif acting is None:
                    acting = rule
                    rule.remaining -= 1
            self._rules = [rule for rule in self._rules if rule.remaining > 0]
        if expire:
            self.expire_tokens()
        if acting is None:
            return Action(delay=delay)
        if acting.kind == "drop":
            return Action(delay=delay, drop=True)
        return Action(delay=delay, fail_status=acting.status)

    def record(self, method: str, path: str, query: dict[str, str], status: int | None) -> None:
        """Add one answered (or dropped: ``status`` None) request to the log."""
        with self._lock:
            self._log.append(RequestRecord(method, path, dict(query), status))

    def log(self) -> list[RequestRecord]:
        """A copy of the log, oldest first."""
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()


def sleep(seconds: float) -> None:
    """The delay of a ``delay`` rule (a name of its own, so tests can tell it apart)."""
    if seconds > 0:
        time.sleep(seconds)
