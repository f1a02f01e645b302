"""The conformance cases on someone's own account, kept from harming it.

``python -m fake_swift check`` runs the cases with a :class:`GuardedProbe`, which looks
at every request before it is sent and skips the case (:class:`CaseSkipped`, with the
reason) rather than send one that could touch what the account already holds:

- buckets: a case works in buckets whose names hold its unique prefix; a bucket of any
  other name is used only when it does not exist yet (then it is the case's own);
- a bulk delete names only such buckets;
- the account itself: reads, and account metadata of names the account does not hold
  (:func:`restore_metadata` removes them after the case); no other account setting and
  no other method; a listing that shows buckets other than the case's own (the
  account's, which no fake holds) skips the case once it has come;
- a second account: only when one was given (else :class:`NoAccount` skips the case).

Account metadata the account held before the check (on Allas, for example, the quota
headers RGW reports) is left out of the records: it is the account's, not the case's.
After each case :func:`sweep` removes its buckets, with everything in them.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

import requests

from .probe import Probe

TIMEOUT = 30
META = "x-account-meta-"
REMOVE_META = "x-remove-account-meta-"
# Requests to the account itself that change nothing.
READS = ("GET", "HEAD", "OPTIONS")


class CaseSkipped(Exception):
    """A case would do something the check does not do to a real account.

    ``key`` names the reason's sentence in the catalog, ``values`` fill it in.
    """

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class NoAccount:
    """The second account when none was given: a case that uses it is skipped."""

    @property
    def storage_url(self) -> str:
        raise CaseSkipped("check_skip_other_account")

    @property
    def token(self) -> str:
        raise CaseSkipped("check_skip_other_account")


@dataclass(frozen=True)
class Login:
    """One account: its storage URL and a token for it."""

    storage_url: str
    token: str


@dataclass(frozen=True)
class Target:
    """What a probe speaks to: ``name`` "fake" for the in-process fake, else "real"."""

    name: str
    main: Login
    other: Login | NoAccount


def account_metadata(login: Login) -> dict[str, str]:
    """The account's metadata, by lower-case header name (``x-account-meta-...``)."""
    answer = requests.head(
        login.storage_url, headers={"X-Auth-Token": login.token}, timeout=TIMEOUT
    )
    answer.raise_for_status()
    return {
        name.lower(): value
        for name, value in answer.headers.items()
        if name.lower().startswith(META)
    }


class GuardedProbe(Probe):
    """A :class:`Probe` that refuses, by skipping its case, what could harm the account.

    ``baselines`` holds each account's metadata before the check ("main", "other").
    """

    def __init__(
        self,
        server: Target,
        unique: str,
        baselines: dict[str, dict[str, str]],
        flavor: str = "rgw",
    ):
        super().__init__(server, unique, flavor)
        self.baselines = baselines
        # Buckets of other names that did not exist when the case first named them.
        self.foreign: dict[str, set[str]] = {"main": set(), "other": set()}
        # Accounts whose metadata the case changed: restore_metadata puts them back.
        self.changed_metadata: set[str] = set()

    def request(
        self,
        label: str,
        method: str,
        path: str = "",
        *,
        headers: dict | None = None,
        data: bytes | None = None,
        params: dict | None = None,
        account: str = "main",
        token: str | None = "own",
        record_body: bool = True,
    ) -> requests.Response:
        self.guard(method, path, headers or {}, params or {}, data, account, token)
        return super().request(
            label,
            method,
            path,
            headers=headers,
            data=data,
            params=params,
            account=account,
            token=token,
            record_body=record_body,
        )

    def send_raw(
        self, label: str, method: str, path: str, *, body: bytes | None, length: object
    ) -> requests.Response:
        self.guard(method, path, {}, {}, body, "main", "own")
        return super().send_raw(label, method, path, body=body, length=length)

    # --- what may be sent -----------------------------------------------------------

    def guard(
        self,
        method: str,
        path: str,
        headers: dict,
        params: dict,
        data: bytes | None,
        account: str,
        token: str | None,
    ) -> None:
        target, _, query = path.partition("?")
        container = unquote(target.partition("/")[0])
        method = method.upper()
        if container:
            if method not in READS:
                self.claim(account, container)
            destination = headers.get("Destination")
            if method == "COPY" and destination:
                self.claim(account, unquote(destination.lstrip("/").partition("/")[0]))
            return
        bulk = "bulk-delete" in params or "bulk-delete" in query
        if bulk and method in ("POST", "DELETE"):
            for line in (data or b"").decode("utf-8", "replace").splitlines():
                name = unquote(line.strip().lstrip("/").partition("/")[0])
                if name:
                    self.claim(account, name)
        elif method == "POST":
            self.guard_metadata(account, headers)
        elif method not in READS:
            raise CaseSkipped("check_skip_account_request", method=method)

    def claim(self, account: str, container: str) -> None:
        """Let the case change ``container``: one of its own, or one that does not exist."""
        if self.unique in container or container in self.foreign[account]:
            return
        login = getattr(self.server, account)
        answer = requests.head(
            f"{login.storage_url}/{quote(container)}",
            headers={"X-Auth-Token": login.token},
            timeout=TIMEOUT,
        )
        if answer.ok:
            raise CaseSkipped("check_skip_bucket_exists", bucket=container)
        self.foreign[account].add(container)

    def guard_metadata(self, account: str, headers: dict) -> None:
        held = self.baselines.get(account, {})
        touched, refused = [], []
        for name in headers:
            lower = name.lower()
            if lower.startswith(META):
                touched.append(lower)
            elif lower.startswith(REMOVE_META):
                touched.append(META + lower[len(REMOVE_META) :])
            elif lower.startswith(("x-account-", "x-remove-account-")):
                refused.append(name)
        if refused:
            raise CaseSkipped("check_skip_account_settings", headers=", ".join(refused))
        held_touched = [name for name in touched if name in held]
        if held_touched:
            raise CaseSkipped("check_skip_account_metadata", keys=", ".join(held_touched))
        if touched:
            self.changed_metadata.add(account)

    # --- what is recorded -----------------------------------------------------------

    def record(self, label: str, response: requests.Response, record_body: bool = True) -> None:
        if self.lists_others(response):
            raise CaseSkipped("check_skip_account_listing")
        super().record(label, response, record_body)

    def lists_others(self, response: requests.Response) -> bool:
        """Whether ``response`` is a listing of an account that names buckets other than
        the case's own: the account's own buckets, which no fake holds."""
        request = response.request
        if request is None or request.method != "GET" or response.status_code != 200:
            return False
        path = urlsplit(request.url or "").path.rstrip("/")
        accounts = [getattr(self.server, label) for label in ("main", "other")]
        bases = set()
        for login in accounts:
            if isinstance(login, Login):
                base = urlsplit(login.storage_url).path.rstrip("/")
                bases |= {base, base.replace("/AUTH_", "/", 1)}
        if path not in bases:
            return False
        text = response.content.decode("utf-8", "replace")
        if "json" in response.headers.get("content-type", ""):
            try:
                listed = response.json()
            except ValueError:
                return False  # not a listing a client could read: the case records it
            names = [str(entry.get("name", entry.get("subdir", ""))) for entry in listed]
        elif "xml" in response.headers.get("content-type", ""):
            names = re.findall(r"<(?:name|subdir)>([^<]*)</", text)
        else:
            names = text.splitlines()
        return any(self.unique not in name for name in names if name)

    def headers(self, response: requests.Response) -> dict:
        shown = super().headers(response)
        held = {item for baseline in self.baselines.values() for item in baseline.items()}
        for name in [name for name in shown if name.startswith(META)]:
            if (name, response.headers.get(name)) in held:
                del shown[name]  # the account's own, there before the check
        return shown

    def acl_text(self, value: str | None) -> str | None:
        if isinstance(self.server.other, NoAccount):
            return self.text(value)  # no other account whose id could be in it
        return super().acl_text(value)


# --- afterwards: what the case made goes -------------------------------------------


def restore_metadata(login: Login, baseline: dict[str, str]) -> list[str]:
    """Remove the account metadata that is not in ``baseline``; return the names left.

    The guard lets a case change only names the account did not hold, so removing what
    was added leaves the account with exactly the metadata it had.
    """
    try:
        added = [name for name in account_metadata(login) if name not in baseline]
        if added:
            removal = {REMOVE_META + name[len(META) :]: "x" for name in added}
            requests.post(
                login.storage_url,
                headers={"X-Auth-Token": login.token, **removal},
                timeout=TIMEOUT,
            )
        return [name for name in account_metadata(login) if name not in baseline]
    except requests.RequestException:
        return ["x-account-meta-*"]


def sweep(login: Login, prefixes: list[str], names: set[str], rounds: int = 5) -> list[str]:
    """Remove the buckets of ``login`` named ``names`` or starting with one of
    ``prefixes``, with every object in them; return the names of those left."""
    session = requests.Session()
    session.headers["X-Auth-Token"] = login.token
    try:
        found = set(names)
        for prefix in prefixes:
            found.update(_listed(session, login.storage_url, prefix=prefix))
        left = []
        for container in sorted(found):
            if not _remove_bucket(session, f"{login.storage_url}/{quote(container)}", rounds):
                left.append(container)
        return left
    except requests.RequestException:
        return [f"{prefix}*" for prefix in prefixes] + sorted(names)
    finally:
        session.close()


def _remove_bucket(session: requests.Session, url: str, rounds: int) -> bool:
    try:
        if not session.head(url, timeout=TIMEOUT).ok:
            return True  # not a bucket of this account (never made, or refused its name)
    except requests.RequestException:
        return False
    for attempt in range(rounds):
        try:
            for name in _listed(session, url):
                session.delete(f"{url}/{quote(name)}", timeout=TIMEOUT)
            status = session.delete(url, timeout=TIMEOUT).status_code
        except requests.RequestException:
            status = None
        if status in (204, 404):
            return True
        time.sleep(0.5 * (attempt + 1))  # a listing that lags behind a delete
    return False


def _listed(session: requests.Session, url: str, prefix: str = "") -> list[str]:
    """Every name listed at ``url`` (an account or a bucket), page by page."""
    names: list[str] = []
    marker = ""
    while True:
        params = {"format": "json", "prefix": prefix, "marker": marker}
        answer = session.get(url, params=params, timeout=TIMEOUT)
        if answer.status_code == 404:
            return names
        answer.raise_for_status()
        page = [entry["name"] for entry in answer.json() if "name" in entry]
        if not page:
            return names
        names += page
        marker = page[-1]
