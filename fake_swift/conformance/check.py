"""``python -m fake_swift check``: the conformance cases on a real account, then on the fake.

Anyone with an Allas account (or any Swift account) can see whether the fake answers as
their server does. The command logs in with the ``OS_*`` variables as the examples do
(an RC file's password login, an application credential, or ``allas-conf``'s storage URL
and token), runs every case (or those named with ``--case``) there through a
:class:`~fake_swift.conformance.guard.GuardedProbe`, in new buckets that all start with
one unique prefix and are removed after each case and again at the end, whatever
happens. Only once the real server has answered everything is ``mock_allas`` activated
(it intercepts a3s.fi) and the same cases run on the fake of ``--flavor``. Every answer
that differs is printed as case, step, what, real value and fake value.

Exit codes: 0 no difference; 1 some differ, a case failed, something could not be
removed, or the service refused or failed; 2 bad usage or configuration. No password,
token or temp URL key of the account is printed.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import signal
import sys
import traceback
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allas_examples import messages
from allas_examples.connection import (
    APPLICATION_CREDENTIAL_AUTH_TYPE,
    TOKEN_VARIABLES,
    connect,
    read_rc_file,
    storage_url_and_token,
)
from allas_examples.errors import ConfigurationError, describe, redact, remember_secret
from allas_examples.messages import text

from . import CASES
from .guard import (
    CaseSkipped,
    GuardedProbe,
    Login,
    NoAccount,
    Target,
    account_metadata,
    restore_metadata,
    sweep,
)
from .probe import difference_rows

FLAVORS = ("rgw", "swift")
BUCKET_PREFIX = "fake-swift-check-"
SECRET_VARIABLES = ("OS_PASSWORD", "OS_AUTH_TOKEN", "OS_APPLICATION_CREDENTIAL_SECRET")
# A value longer than this is shown cut, with its length.
VALUE_WIDTH = 300
# The fake's accounts: the documentation's example user, and a second one.
FAKE_MAIN = ("John", "project_123456")
FAKE_OTHER = ("Other", "Other1234", "project_2999")


def run(args: argparse.Namespace) -> int:
    """Run the check of ``args``; returns the exit code."""
    if args.flavor not in FLAVORS:
        messages.warn(text("check_bad_flavor", value=args.flavor))
        return 2
    for name in args.case:
        if name not in CASES:
            messages.warn(text("check_unknown_case", name=name, names=", ".join(CASES)))
            return 2
    secrets = [os.environ.get(name, "") for name in SECRET_VARIABLES]
    try:
        with interrupts_raised():
            main = log_in(os.environ, None)
            other = log_in(_other_settings(args.other_rc), args.other_rc) if args.other_rc else None
            if other is not None and other.storage_url == main.storage_url:
                raise ConfigurationError("check_other_same")
            check = Check(main, other or NoAccount(), args.flavor, secrets)
            return check.run(list(dict.fromkeys(args.case or CASES)))
    except (Exception, KeyboardInterrupt) as error:
        if isinstance(error, KeyboardInterrupt):
            message, code = text("check_interrupted"), 1
        else:
            message, code = describe(error)
        if args.debug:
            messages.warn(redact(traceback.format_exc(), secrets))
        messages.warn(redact(message, secrets))
        return code


# --- logging in -------------------------------------------------------------------------


def log_in(settings: Mapping[str, str], rc_path: Path | None) -> Login:
    """Log in with ``settings`` as the examples do; the storage URL and token."""
    try:
        conn = connect(settings)
    except ConfigurationError as error:
        if error.key != "missing_variables":
            raise
        if rc_path is None:
            raise ConfigurationError("check_missing_variables", **error.values) from None
        names = error.values["names"]
        raise ConfigurationError(
            "check_other_missing_variables", path=rc_path, names=names
        ) from None
    try:
        url, token = storage_url_and_token(conn)  # logs in; remembers the token as a secret
    finally:
        conn.close()
    return Login(url.rstrip("/"), token)


def _other_settings(path: Path) -> dict[str, str]:
    """The second login's ``OS_*`` settings, read from ``path``; its password asked for
    when the file holds none (as a Pouta RC file does not)."""
    settings = read_rc_file(path)
    kind = settings.get("OS_AUTH_TYPE", "password").strip().lower()
    has_token = all(settings.get(name) for name in TOKEN_VARIABLES)
    if (
        kind != APPLICATION_CREDENTIAL_AUTH_TYPE
        and not has_token
        and not settings.get("OS_PASSWORD")
    ):
        if not sys.stdin.isatty():
            raise ConfigurationError("check_other_needs_password", path=path)
        settings["OS_PASSWORD"] = getpass.getpass(
            text(
                "password_prompt",
                username=settings.get("OS_USERNAME", "?"),
                project=settings.get("OS_PROJECT_NAME", "?"),
            )
        )
    for name in SECRET_VARIABLES:
        remember_secret(settings.get(name))
    return settings


# --- running the cases --------------------------------------------------------------


@dataclass
class Outcome:
    """What one case did on one side: its records, or why it was skipped, or its failure."""

    records: list[dict] = field(default_factory=list)
    skipped: CaseSkipped | None = None
    error: str | None = None


@dataclass
class Check:
    main: Login
    other: Login | NoAccount
    flavor: str
    secrets: list[str]
    run_prefix: str = field(default_factory=lambda: f"{BUCKET_PREFIX}{uuid.uuid4().hex[:8]}-")
    left: list[str] = field(default_factory=list)  # sentences about what could not go

    def say(self, key: str, **values: object) -> None:
        print(redact(text(key, **values), self.secrets), flush=True)

    def accounts(self, target: Target) -> dict[str, Login]:
        found = {"main": target.main}
        if isinstance(target.other, Login):
            found["other"] = target.other
        return found

    def run(self, names: list[str]) -> int:
        self.say("check_start", flavor=self.flavor, url=self.main.storage_url)
        self.say("check_buckets", prefix=self.run_prefix)
        target = Target("real", self.main, self.other)
        real: dict[str, Outcome] = {}
        try:
            baselines = {
                label: account_metadata(login) for label, login in self.accounts(target).items()
            }
            for baseline in baselines.values():
                self.secrets += [
                    value for name, value in baseline.items() if "temp-url-key" in name
                ]
            for number, name in enumerate(names, start=1):
                real[name] = outcome = self.observe(name, target, baselines, tidy=True)
                self.report_real(number, len(names), name, outcome)
        finally:
            with interrupts_deferred():
                for login in self.accounts(target).values():
                    prefixes = [self.run_prefix, "." + self.run_prefix]
                    for bucket in sweep(login, prefixes, set()):
                        self.note_left_bucket(bucket, login)
                for sentence in self.left:
                    messages.warn(redact(sentence, self.secrets))
                if not self.left:
                    self.say("check_cleaned")
        fake = self.observe_fake([name for name, outcome in real.items() if outcome.records])
        return self.compare(real, fake)

    def observe(
        self, name: str, target: Target, baselines: dict[str, dict[str, str]], tidy: bool
    ) -> Outcome:
        """Run case ``name`` on ``target``; with ``tidy``, remove what it made afterwards."""
        unique = f"{self.run_prefix}{list(CASES).index(name):02d}"
        probe = GuardedProbe(target, unique, baselines, self.flavor)
        try:
            CASES[name](probe)
            return Outcome(records=[probe.settle(record) for record in probe.records])
        except CaseSkipped as skip:
            return Outcome(skipped=skip)
        except Exception as error:
            return Outcome(error=shown_error(error))
        finally:
            if tidy:
                with interrupts_deferred():
                    self.tidy(probe, baselines)

    def tidy(self, probe: GuardedProbe, baselines: dict[str, dict[str, str]]) -> None:
        for label, login in self.accounts(probe.server).items():
            prefixes = [probe.unique, "." + probe.unique]
            for bucket in sweep(login, prefixes, probe.foreign[label]):
                self.note_left_bucket(bucket, login)
            if label in probe.changed_metadata:
                for name in restore_metadata(login, baselines[label]):
                    suffix = "Account-Meta-" + name.removeprefix("x-account-meta-")
                    self.left.append(
                        text("check_left_metadata", name=name, url=login.storage_url, suffix=suffix)
                    )

    def note_left_bucket(self, bucket: str, login: Login) -> None:
        sentence = text("check_left_bucket", bucket=bucket, url=login.storage_url)
        if sentence not in self.left:
            self.left.append(sentence)

    def report_real(self, number: int, total: int, name: str, outcome: Outcome) -> None:
        where = {"number": number, "total": total, "case": name}
        if outcome.skipped is not None:
            reason = text(outcome.skipped.key, **outcome.skipped.values)
            self.say("check_case_skipped", reason=reason, **where)
        elif outcome.error is not None:
            self.say("check_case_failed", error=outcome.error, **where)
        else:
            self.say("check_case_recorded", **where)

    def observe_fake(self, names: list[str]) -> dict[str, Outcome]:
        """The same cases on ``mock_allas(flavor=...)``, activated only now that the real
        side is done: it intercepts Allas' own hosts, where the real side may have been."""
        from fake_swift import mock_allas

        self.say("check_fake_start", flavor=self.flavor)
        outcomes = {}
        with mock_allas(flavor=self.flavor) as allas:
            allas.add_user(*FAKE_OTHER)
            user, project = FAKE_MAIN
            other: Login | NoAccount = NoAccount()
            if isinstance(self.other, Login):
                other = Login(allas.storage_url(FAKE_OTHER[2]), allas.token_for(FAKE_OTHER[0]))
            target = Target("fake", Login(allas.storage_url(project), allas.token_for(user)), other)
            baselines = {label: {} for label in self.accounts(target)}
            for name in names:
                outcomes[name] = self.observe(name, target, baselines, tidy=False)
        return outcomes

    def compare(self, real: dict[str, Outcome], fake: dict[str, Outcome]) -> int:
        same = differ = skipped = failed = 0
        rows: list[tuple[str, tuple]] = []
        for name, outcome in real.items():
            if outcome.skipped is not None:
                skipped += 1
                continue
            if outcome.error is not None:
                failed += 1
                continue
            theirs = fake[name]
            if theirs.records or theirs.skipped is None and theirs.error is None:
                found = difference_rows(outcome.records, theirs.records)
                if not found:
                    same += 1
                    continue
                differ += 1
                rows += [(name, row) for row in found]
            else:
                failed += 1
                reason = theirs.error or text(theirs.skipped.key, **theirs.skipped.values)
                self.say("check_fake_failed", case=name, error=reason)
        if rows:
            self.say("check_differences_heading")
            for name, (step, what, real_value, fake_value) in rows:
                if step is None:
                    real_steps, fake_steps = shown(real_value), shown(fake_value)
                    self.say("check_steps_differ", case=name, real=real_steps, fake=fake_steps)
                else:
                    self.say(
                        "check_difference",
                        case=name,
                        step=step,
                        what=what,
                        real=shown(real_value),
                        fake=shown(fake_value),
                    )
        self.say("check_summary", same=same, differ=differ, skipped=skipped, failed=failed)
        return 1 if differ or failed or self.left else 0


def shown_error(error: BaseException) -> str:
    """What went wrong in a case, as the exception says it (cut as values are)."""
    written = f"{type(error).__name__}: {error}".strip().rstrip(":")
    return written if len(written) <= VALUE_WIDTH else f"{written[:VALUE_WIDTH]}…"


def shown(value: object) -> str:
    """``value`` as Python writes it, cut to ``VALUE_WIDTH`` characters."""
    written = repr(value)
    if len(written) > VALUE_WIDTH:
        return f"{written[:VALUE_WIDTH]}… ({len(written)})"
    return written


# --- signals: an interrupt stops the cases, never the removal of what they made -----------


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def interrupts_raised() -> Iterator[None]:
    """SIGTERM, as Ctrl-C, stops the check (through its removals) with KeyboardInterrupt."""
    with _handling({signal.SIGTERM: _interrupt}):
        yield


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block (a removal) has finished."""
    pending: list[int] = []
    with _handling(dict.fromkeys((signal.SIGINT, signal.SIGTERM), lambda s, f: pending.append(s))):
        yield
    if pending:
        raise KeyboardInterrupt


@contextlib.contextmanager
def _handling(handlers: dict[int, Any]) -> Iterator[None]:
    saved = {}
    try:
        for signum, handler in handlers.items():
            saved[signum] = signal.signal(signum, handler)
    except ValueError:  # not the main thread: signals stay as they are
        pass
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


__all__ = ["FLAVORS", "Check", "run"]
