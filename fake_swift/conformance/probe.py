"""The probe of the differential conformance suite: it sends a case's requests to one
server and records what a client reads from the answers.

A record holds the status, the headers python-swiftclient and the examples look at (by
value, or by format where the value is a time or an id), listing JSON and bodies, with
the values that differ from run to run by nature (the unique name prefix, the account's
id, transaction ids, times) put as placeholders. ``observe`` runs one case on one server;
``differences`` lists where two servers' records differ.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import os
import re
import ssl
import uuid
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from swiftclient.service import SwiftService


class Account(Protocol):
    """One account a probe speaks to: its storage URL and a token for it."""

    @property
    def storage_url(self) -> str: ...

    @property
    def token(self) -> str: ...


class Server(Protocol):
    """A server as a probe sees it: its name ("fake" for the in-process fake) and two
    accounts, ``main`` and ``other`` (for cross-account cases)."""

    @property
    def name(self) -> str: ...

    @property
    def main(self) -> Account: ...

    @property
    def other(self) -> Account: ...


EXACT_HEADERS = (
    "content-length",
    "content-type",
    "etag",
    "accept-ranges",
    "content-range",
    "x-static-large-object",
    "x-object-manifest",
    "x-container-object-count",
    "x-container-bytes-used",
    "content-disposition",
    "expires",
    "x-storage-policy",
    "x-storage-class",
    "x-container-bytes-used-actual",
    "x-versions-location",
    "x-history-location",
    "x-versions-enabled",
    # version ids are compared as the placeholders a case gives them
    "x-object-version-id",
    "x-object-current-version-id",
)
# ACL headers, compared by value with the other account's id as a placeholder.
ACL_HEADERS = ("x-container-read", "x-container-write")
# ...and these by format only (times and ids differ from run to run).
FORMATTED_HEADERS = {
    "last-modified": "http-date",
    "x-timestamp": "timestamp",
    "x-delete-at": "whole seconds",
    "x-trans-id": "present",
    "x-openstack-request-id": "present",
}
META_PREFIXES = ("x-object-meta-", "x-container-meta-", "x-account-meta-")
LISTING_TIMES = {
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z": "<time with ms and Z>",
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}": "<time with µs>",
}


class Probe:
    """Sends requests to one server and records what a client would read."""

    def __init__(self, server: Server, unique: str, flavor: str = "rgw") -> None:
        self.server = server
        self.unique = unique
        self.flavor = flavor  # what the server answers as: "rgw" or "swift"
        self.records: list[dict] = []
        # Values that differ from run to run by nature, each shown as its placeholder
        # in every record once the case has run (see ``observe``).
        self.volatile: dict[str, str] = {}

    # names: unique on the server, the same placeholder in every record
    def name(self, label: str) -> str:
        return f"{self.unique}-{label}"

    def url(self, path: str = "", account: str = "main") -> str:
        base = getattr(self.server, account).storage_url
        return f"{base}/{path}" if path else base

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
        sent = dict(headers or {})
        if token == "own":
            sent["X-Auth-Token"] = getattr(self.server, account).token
        elif token is not None:
            sent["X-Auth-Token"] = token
        response = requests.request(
            method, self.url(path, account), headers=sent, data=data, params=params, timeout=30
        )
        self.record(label, response, record_body)
        return response

    def send_raw(
        self, label: str, method: str, path: str, *, body: bytes | None, length: object
    ) -> requests.Response:
        """A request whose Content-Length says ``length`` (None: no such header, and no
        chunking) whatever the body is: the server must decide from the header alone."""
        if self.server.name != "fake":
            return self._send_with_http_client(label, method, path, body, length)
        with requests.Session() as session:
            prepared = session.prepare_request(
                requests.Request(
                    method,
                    self.url(path),
                    headers={"X-Auth-Token": self.server.main.token},
                    data=body,
                )
            )
            prepared.headers.pop("Content-Length", None)
            prepared.headers.pop("Transfer-Encoding", None)
            if length is not None:
                prepared.headers["Content-Length"] = str(length)
            response = session.send(prepared, timeout=30)
        self.record(label, response)
        return response

    def _send_with_http_client(
        self, label: str, method: str, path: str, body: bytes | None, length: object
    ) -> requests.Response:
        """``send_raw`` on a real server: http.client sends exactly these headers (urllib3
        would add a Content-Length: 0 to a PUT without one), over https to Allas itself."""
        url = urlsplit(self.url(path))
        if url.scheme == "https":  # a real Allas: the CA bundle that requests would use
            context = ssl.create_default_context(
                cafile=os.environ.get("REQUESTS_CA_BUNDLE") or requests.certs.where()
            )
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                url.hostname, url.port, timeout=30, context=context
            )
        else:
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        try:
            connection.putrequest(method, url.path, skip_accept_encoding=True)
            connection.putheader("X-Auth-Token", self.server.main.token)
            if length is not None:
                connection.putheader("Content-Length", str(length))
            connection.endheaders(body)
            answer = connection.getresponse()
            response = requests.Response()
            response.status_code = answer.status
            response.headers = requests.structures.CaseInsensitiveDict(answer.getheaders())
            response._content = answer.read()
        finally:
            connection.close()
        self.record(label, response)
        return response

    def record(self, label: str, response: requests.Response, record_body: bool = True) -> None:
        entry = {
            "step": self.text(label),
            "status": response.status_code,
            "headers": self.headers(response),
        }
        boundary = re.search(r"boundary=([^;\s]+)", response.headers.get("content-type", ""))
        if boundary:
            # A multipart/byteranges boundary is random on every reply.
            self.volatile[boundary.group(1)] = "<boundary>"
        if record_body:
            entry["body"] = self.body(response)
            length = entry["headers"].get("content-length")
            body = entry["body"]
            shown = body if isinstance(body, str) else json.dumps(body, sort_keys=True)
            if (
                isinstance(shown, str)
                and "<account id>" in shown
                and length == str(len(response.content))
            ):
                # The account id and the API's path differ in length per server: the length
                # of the body with its placeholders, once the header is seen to match it.
                entry["headers"]["content-length"] = f"{len(shown.encode())} (normalized)"
        self.records.append(entry)

    def observe(self, label: str, value: object) -> None:
        """Record a fact the case derived from several replies (a date that moved or
        not), where one reply's normalized record cannot show it."""
        self.records.append({"step": self.text(label), "observed": value})

    def headers(self, response: requests.Response) -> dict:
        seen = {key.lower(): value for key, value in response.headers.items()}
        shown = {name: self.text(seen.get(name)) for name in EXACT_HEADERS}
        for name, kind in FORMATTED_HEADERS.items():
            shown[name] = header_format(kind, seen.get(name))
        for name in ACL_HEADERS:
            shown[name] = self.acl_text(seen.get(name))
        shown["request ids equal"] = seen.get("x-trans-id") == seen.get("x-openstack-request-id")
        # The account's per-policy headers by name: their counts cover the whole account,
        # which other tests share on a real server.
        policy_headers = sorted(n for n in seen if n.startswith("x-account-storage-policy-"))
        if policy_headers:
            shown["per-policy headers"] = policy_headers
        for name, value in seen.items():
            if name.startswith(META_PREFIXES):
                shown[name] = self.text(value)
        return shown

    def account_name(self, account: str = "main") -> str:
        """An account as the *-Account headers name it: AUTH_<id>."""
        return "AUTH_" + self.url(account=account).rsplit("/AUTH_", 1)[-1]

    def other_id(self) -> str:
        """The other account's id: "other" on Swift, a uid or project id elsewhere."""
        return self.url(account="other").rsplit("/AUTH_", 1)[-1]

    def acl_text(self, value: str | None) -> str | None:
        """An ACL with the other account's id (alone, after AUTH_ or before a colon) as
        a placeholder: it differs per server."""
        if value is None:
            return None
        pattern = rf"^(AUTH_)?{re.escape(self.other_id())}(?=$|:)"
        entries = (re.sub(pattern, r"\1<other account id>", e) for e in value.split(","))
        return self.text(",".join(entries))

    def body(self, response: requests.Response):
        if response.status_code >= 400:
            # Error bodies: the words clients may show, not the HTML around them.
            words = " ".join(re.sub(r"<[^>]+>", " ", response.text).split())
            return self.without_own_ids(response, self.text(words))
        content_type = response.headers.get("content-type", "")
        if "json" in content_type and response.content:
            return self.normalize(response.json())
        text = self.text(response.content.decode("utf-8", "replace"))
        if "xml" in content_type:
            # XML listings carry the same listing times as JSON ones.
            for pattern, shape in LISTING_TIMES.items():
                text = re.sub(pattern, shape, text)
        return text

    @staticmethod
    def without_own_ids(response: requests.Response, value: str | None) -> str | None:
        """``value`` with the reply's own transaction id, and the server instance that id
        names (RGW: tx...-<time>-<instance>-<zonegroup>), put as placeholders: RGW's
        error documents repeat them as RequestId and in HostId."""
        trans_id = response.headers.get("x-trans-id")
        if not trans_id or value is None:
            return value
        replacements = [(trans_id, "<own transaction id>")]
        parts = trans_id.split("-", 2)
        if len(parts) == 3:
            replacements.append((parts[2], "<server instance>"))

        for found, placeholder in replacements:
            value = value.replace(found, placeholder)
        return value

    def normalize(self, value):
        if isinstance(value, dict):
            return {key: self.normalize(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.normalize(item) for item in value]
        if isinstance(value, str):
            for pattern, shape in LISTING_TIMES.items():
                if re.fullmatch(pattern, value):
                    return shape
            return self.text(value)
        return value

    def settle(self, value):
        """``value`` with the volatile values put in as their placeholders."""
        if isinstance(value, dict):
            return {key: self.settle(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.settle(item) for item in value]
        if isinstance(value, str):
            for volatile, placeholder in self.volatile.items():
                value = value.replace(volatile, placeholder)
        return value

    def text(self, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.replace(self.unique, "<unique>").replace(self.url(), "<account>")
        # Paths of the API (symlink paths in listings) start as the storage URL's does:
        # /v1 on Swift, /swift/v1 on RGW and Allas.
        api_path = urlsplit(self.url()).path.rsplit("/AUTH_", 1)[0]
        value = value.replace(f"{api_path}/AUTH_", "<api path>/AUTH_")
        # The account's own id (AUTH_<id> on Swift, the user id on RGW) differs per server.
        account_id = self.url().rsplit("/AUTH_", 1)[-1]
        value = value.replace(f"AUTH_{account_id}", "AUTH_<account id>")
        if len(account_id) >= 16:  # not a short word such as Swift's "main"
            value = value.replace(account_id, "<account id>")
        return value

    def service(self) -> SwiftService:
        return SwiftService(
            options={
                "os_storage_url": self.server.main.storage_url,
                "os_auth_token": self.server.main.token,
                "retries": 0,
            }
        )


def header_format(kind: str, value: str | None) -> str | None:
    if value is None:
        return None
    if kind == "http-date":
        return "http-date" if email.utils.parsedate_to_datetime(value) else value
    if kind == "whole seconds":
        return kind if re.fullmatch(r"\d{10}", value) else value
    if kind == "timestamp":
        return "timestamp" if re.fullmatch(r"\d{10}\.\d{5}", value) else value
    return "present"


def observe(case: Callable[[Probe], None], server: Server, flavor: str = "rgw") -> list[dict]:
    probe = Probe(server, unique=f"conf{uuid.uuid4().hex[:8]}", flavor=flavor)
    case(probe)
    return [probe.settle(record) for record in probe.records]


def differences(real: list[dict], fake: list[dict]) -> list[str]:
    """Each place where the fake recorded something else, as 'step: what: real | fake'."""
    found = []
    for step, what, real_value, fake_value in difference_rows(real, fake):
        if step is None:
            return [f"steps differ: {real_value} | {fake_value}"]
        found.append(f"{step}: {what}: {real_value!r} | {fake_value!r}")
    return found


def difference_rows(real: list[dict], fake: list[dict]) -> list[tuple[str | None, str, Any, Any]]:
    """Each place where the fake recorded something else, as (step, what, real, fake).

    When the two did not take the same steps (a case that stopped early on one side),
    the one row is (None, "steps", the real steps, the fake's steps).
    """
    real_steps, fake_steps = [s["step"] for s in real], [s["step"] for s in fake]
    if real_steps != fake_steps:
        return [(None, "steps", real_steps, fake_steps)]
    found: list[tuple[str | None, str, Any, Any]] = []
    for real_step, fake_step in zip(real, fake, strict=True):
        flat_real, flat_fake = flatten(real_step), flatten(fake_step)
        for key in sorted(set(flat_real) | set(flat_fake)):
            if flat_real.get(key) != flat_fake.get(key):
                found.append((real_step["step"], key, flat_real.get(key), flat_fake.get(key)))
    return found


def flatten(step: dict) -> dict:
    flat = {key: value for key, value in step.items() if key not in ("headers", "step")}
    flat.update({f"header {key}": value for key, value in step.get("headers", {}).items()})
    if isinstance(flat.get("body"), (list, dict)):
        flat["body"] = json.dumps(flat["body"], sort_keys=True)
    return flat
