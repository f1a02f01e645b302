"""The Keystone differential suite: the same requests to the fake's Keystone and a real one.

Each case sends a short sequence of identity requests and records what clients read: the
status, the headers keystoneauth1 and swiftclient look at, and the JSON body with ids,
URLs, times and token values put as placeholders (by name where the id is a known user,
project, domain or role). A case passes when the fake records exactly what Keystone 30
records, with the identities of ``backends.keystone.IDENTITIES`` registered in both.
The real Keystone is the one Allas' RGW checks tokens at in the ``allas`` backend; its
tokens last 8 hours, as Allas' do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
import requests

from backends.keystone import IDENTITIES
from fake_swift import AUTH_URL, STORAGE_ROOT, mock_allas
from fake_swift.keystone import ROLE_IDS

# Headers compared by value (with the Keystone's own address as a placeholder)...
EXACT_HEADERS = ("content-type", "www-authenticate", "location", "allow", "vary")
# ...and by shape.
SHAPED_HEADERS = {
    "x-subject-token": r"gAAAAAB[A-Za-z0-9_-]+={0,2}",
    "x-openstack-request-id": r"req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
}
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
HEX_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")


@dataclass
class KeystoneTarget:
    """A Keystone to probe: where it answers, and names for the ids it holds."""

    name: str  # "fake" or "real"
    root_url: str  # without /v3
    storage_root: str  # the object-store endpoint's root, before /AUTH_<project id>
    labels: dict[str, str]  # id -> "<user John>", "<project project_123456>", ...
    application_credential: Callable[..., tuple[str, str]]  # (who, roles) -> (id, secret)
    ids: dict[str, str] = field(default_factory=dict)  # "user John" -> id

    @property
    def auth_url(self) -> str:
        return f"{self.root_url}/v3"


class KeystoneProbe:
    """Sends requests to one Keystone and records what a client would read."""

    def __init__(self, target: KeystoneTarget) -> None:
        self.target = target
        self.records: list[dict] = []
        self.tokens: dict[str, str] = {}  # label -> the token value, for later steps

    # requests

    def request(
        self,
        label: str,
        method: str,
        path: str,
        *,
        body: object = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        sent = {"Accept": "application/json", **(headers or {})}
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            sent.setdefault("Content-Type", "application/json")
        url = f"{self.target.root_url}{path}"
        response = requests.request(method, url, headers=sent, data=data, timeout=30)
        self.record(label, response)
        return response

    def login(self, label: str, body: dict, keep: str | None = None) -> requests.Response:
        response = self.request(label, "POST", "/v3/auth/tokens", body=body)
        if keep and "x-subject-token" in response.headers:
            self.tokens[keep] = response.headers["x-subject-token"]
        return response

    def tokens_request(self, label: str, method: str, auth: str, subject: str) -> None:
        headers = {"X-Auth-Token": self.tokens.get(auth, auth)}
        headers["X-Subject-Token"] = self.tokens.get(subject, subject)
        self.request(label, method, "/v3/auth/tokens", headers=headers)

    # records

    def record(self, label: str, response: requests.Response) -> None:
        seen = {key.lower(): value for key, value in response.headers.items()}
        headers = {name: self.text(seen.get(name)) for name in EXACT_HEADERS}
        if headers["allow"]:  # Flask lists the methods in no fixed order
            headers["allow"] = ", ".join(sorted(headers["allow"].split(", ")))
        for name, shape in SHAPED_HEADERS.items():
            value = seen.get(name)
            headers[name] = value if value is None or not re.fullmatch(shape, value) else "ok"
        token = seen.get("x-subject-token")
        entry: dict = {"step": label, "status": response.status_code, "headers": headers}
        if token is not None:
            entry["token length"] = len(token)
        entry["body"] = self.body(response)
        self.records.append(entry)

    def body(self, response: requests.Response) -> object:
        if not response.content:
            return None
        try:
            document = response.json()
        except ValueError:
            return self.text(" ".join(re.sub(r"<[^>]+>", " ", response.text).split()))
        if isinstance(document, dict) and isinstance(document.get("token"), dict):
            token = document["token"]
            if "issued_at" in token and "expires_at" in token:
                # In minutes: a rescoped token keeps its first token's expiry, so its
                # lifetime is shorter by the seconds between the two logins.
                seconds = _seconds(token["expires_at"]) - _seconds(token["issued_at"])
                token["lifetime in minutes"] = round(seconds / 60)
        error = document.get("error") if isinstance(document, dict) else None
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            # A schema error goes on with a dump of the schema: its first line says it.
            error["message"] = error["message"].split("\n", 1)[0]
        return self.normalize(document)

    def normalize(self, value: object, key: str = "") -> object:
        if isinstance(value, dict):
            if key == "token":
                value = {**value, "roles": _sorted(value.get("roles"), "name")}
                value["catalog"] = _catalog(value.get("catalog"))
            return {k: self.normalize(v, k) for k, v in value.items() if v is not _ABSENT}
        if isinstance(value, list):
            if key == "audit_ids":
                return [f"<audit id of {len(item)}>" for item in value]
            if key == "methods":  # Keystone keeps them in a set: their order varies
                return sorted(value)
            return [self.normalize(item) for item in value]
        if isinstance(value, str):
            if TIME.fullmatch(value):
                return "<time>"
            return self.text(value)
        return value

    def text(self, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.replace(self.target.storage_root, "<storage>")
        value = value.replace(self.target.root_url, "<keystone>")
        return HEX_ID.sub(lambda found: self.target.labels.get(found.group(), "<id>"), value)


_ABSENT = object()


def _sorted(items: object, key: str) -> object:
    if isinstance(items, list):
        return sorted(items, key=lambda item: str(item.get(key)) if isinstance(item, dict) else "")
    return _ABSENT if items is None else items


def _catalog(services: object) -> object:
    """The catalog in a fixed order (services by type, endpoints by interface): Keystone's
    own order comes from its database, and clients look services up by type."""
    if not isinstance(services, list):
        return _ABSENT if services is None else services
    ordered = []
    for service in sorted(services, key=lambda s: s.get("type", "")):
        endpoints = sorted(service.get("endpoints", []), key=lambda e: e.get("interface", ""))
        ordered.append({**service, "endpoints": endpoints})
    return ordered


def _seconds(text: str) -> int:
    from datetime import datetime

    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp())


# --- login bodies ------------------------------------------------------------------------


def password(
    who: str = "John",
    *,
    secret: str | None = None,
    user: dict | None = None,
    scope: object = "own",
) -> dict:
    """A password login body of IDENTITIES[who], by names unless ``user`` says otherwise."""
    identity = IDENTITIES[who]
    user = user or {"name": identity.username, "domain": {"name": identity.domain}}
    user = {**user, "password": identity.password if secret is None else secret}
    body: dict = {"auth": {"identity": {"methods": ["password"], "password": {"user": user}}}}
    if scope == "own":
        scope = {"project": {"name": identity.project, "domain": {"name": identity.domain}}}
    if scope is not None:
        body["auth"]["scope"] = scope
    return body


def credential_body(credential_id: str, secret: str, scope: object = None) -> dict:
    body: dict = {
        "auth": {
            "identity": {
                "methods": ["application_credential"],
                "application_credential": {"id": credential_id, "secret": secret},
            }
        }
    }
    if scope is not None:
        body["auth"]["scope"] = scope
    return body


# --- the cases ---------------------------------------------------------------------------


def discovery(k: KeystoneProbe) -> None:
    k.request("versionless root", "GET", "/")
    k.request("v3", "GET", "/v3")
    k.request("v3 with a slash", "GET", "/v3/")
    k.request("v3 head", "HEAD", "/v3")
    k.request("unknown path", "GET", "/v3/nothing-here")
    k.request("tokens with PUT", "PUT", "/v3/auth/tokens")


def password_logins(k: KeystoneProbe) -> None:
    ids = k.target.ids
    k.login("by names", password())
    k.login("user by id", password(user={"id": ids["user John"]}))
    k.login(
        "project by id",
        password(scope={"project": {"id": ids["project Default/project_123456"]}}),
    )
    k.login(
        "domains by id",
        password(
            user={"name": "John", "domain": {"id": "default"}},
            scope={"project": {"name": "project_123456", "domain": {"id": "default"}}},
        ),
    )
    k.login("default project", password(scope=None))
    k.login("unscoped", password(scope="unscoped"))
    k.login("Mary", password("Mary"))
    k.login("a user of another domain", password("John@Domain2"))


def refused_logins(k: KeystoneProbe) -> None:
    k.login("wrong password", password(secret="John12345"))
    k.login("unknown user", password(user={"name": "Nobody", "domain": {"name": "Default"}}))
    k.login("unknown user id", password(user={"id": "0" * 32}))
    k.login("unknown user domain", password(user={"name": "John", "domain": {"name": "Nope"}}))
    k.login(
        "a project of someone else",
        password(scope={"project": {"name": "project_654321", "domain": {"name": "Default"}}}),
    )
    k.login(
        "the project in another domain",
        password(scope={"project": {"name": "project_123456", "domain": {"name": "Domain2"}}}),
    )
    k.login(
        "the other domain's John with Default's password",
        password(
            "John@Domain2",
            secret="John1234",
        ),
    )


def malformed_logins(k: KeystoneProbe) -> None:
    tokens = "/v3/auth/tokens"
    k.request("not JSON", "POST", tokens, raw=b"{not json")
    k.request("empty body", "POST", tokens, raw=b"")
    k.request("no auth", "POST", tokens, body={})
    k.request("no identity", "POST", tokens, body={"auth": {}})
    k.request("no methods", "POST", tokens, body={"auth": {"identity": {}}})
    k.request(
        "methods not a list", "POST", tokens, body={"auth": {"identity": {"methods": "password"}}}
    )
    k.request(
        "password without a user",
        "POST",
        tokens,
        body={"auth": {"identity": {"methods": ["password"], "password": {}}}},
    )
    k.request(
        "user without a domain",
        "POST",
        tokens,
        body=password(user={"name": "John"}),
    )


def token_document(k: KeystoneProbe) -> None:
    k.login("John logs in", password(), keep="john")
    k.login("John logs in again", password(), keep="john2")
    k.login("Mary logs in", password("Mary"), keep="mary")
    k.tokens_request("validate own", "GET", "john", "john2")
    k.tokens_request("validate with HEAD", "HEAD", "john", "john2")
    k.tokens_request("validate another user's", "GET", "john", "mary")
    k.tokens_request("validate garbage", "GET", "john", "garbage")
    k.tokens_request("validate with a garbage token", "GET", "garbage", "john")
    k.request(
        "validate without a token",
        "GET",
        "/v3/auth/tokens",
        headers={"X-Subject-Token": k.tokens["john"]},
    )
    k.tokens_request("revoke own", "DELETE", "john", "john2")
    k.tokens_request("validate revoked", "GET", "john", "john2")
    k.tokens_request("revoke again", "DELETE", "john", "john2")
    k.tokens_request("revoke another user's", "DELETE", "john", "mary")
    k.login(
        "rescope with a token",
        {"auth": {"identity": {"methods": ["token"], "token": {"id": k.tokens["john"]}}}},
    )
    k.login(
        "log in with the revoked token",
        {"auth": {"identity": {"methods": ["token"], "token": {"id": k.tokens["john2"]}}}},
    )
    k.login(
        "log in with a garbage token",
        {"auth": {"identity": {"methods": ["token"], "token": {"id": "garbage"}}}},
    )


def roles(k: KeystoneProbe) -> None:
    k.login("reader-only user", password("Reader"))
    k.login("member", password())


def application_credentials(k: KeystoneProbe) -> None:
    credential, secret = k.target.application_credential("John", None)
    reader, reader_secret = k.target.application_credential("John", ["reader"])
    k.login("by id", credential_body(credential, secret))
    k.login(
        "by name and user",
        {
            "auth": {
                "identity": {
                    "methods": ["application_credential"],
                    "application_credential": {
                        "name": "conformance-all",
                        "secret": secret,
                        "user": {"name": "John", "domain": {"name": "Default"}},
                    },
                }
            }
        },
    )
    k.login("wrong secret", credential_body(credential, "not-the-secret"))
    k.login("unknown id", credential_body("0" * 32, secret))
    k.login(
        "asking for a scope",
        credential_body(
            credential,
            secret,
            {"project": {"name": "project_123456", "domain": {"name": "Default"}}},
        ),
    )
    k.login("restricted to reader", credential_body(reader, reader_secret))


CASES: dict[str, Callable[[KeystoneProbe], None]] = {
    "discovery": discovery,
    "password_logins": password_logins,
    "refused_logins": refused_logins,
    "malformed_logins": malformed_logins,
    "token_document": token_document,
    "roles": roles,
    "application_credentials": application_credentials,
}


# --- the two targets ---------------------------------------------------------------------


def _labels(users: dict[str, str], projects: dict[str, str], domains: dict[str, str]):
    labels = {user_id: f"<user {key}>" for key, user_id in users.items()}
    labels.update({project_id: f"<project {key}>" for key, project_id in projects.items()})
    labels.update({domain_id: f"<domain {name}>" for name, domain_id in domains.items()})
    ids = {f"user {key}": user_id for key, user_id in users.items()}
    ids.update({f"project {key}": project_id for key, project_id in projects.items()})
    return labels, ids


def role_labels(role_ids: dict[str, str]) -> dict[str, str]:
    return {role_id: f"<role {name}>" for name, role_id in role_ids.items()}


@pytest.fixture
def real_keystone(allas_server) -> KeystoneTarget:
    keystone = allas_server.keystone
    users = dict(keystone.user_ids)
    projects = dict(keystone.project_ids)
    labels, ids = _labels(users, projects, keystone.domain_ids)
    labels.update(role_labels(keystone.role_ids))

    def application_credential(who: str, roles: list[str] | None) -> tuple[str, str]:
        return keystone.application_credential(who, _credential_name(roles), roles)

    storage_root = allas_server.main.storage_url.rsplit("/AUTH_", 1)[0]
    return KeystoneTarget(
        "real", keystone.root_url, storage_root, labels, application_credential, ids
    )


def _credential_name(roles: list[str] | None) -> str:
    return "conformance-" + ("-".join(roles) if roles else "all")


@pytest.fixture
def fake_keystone() -> Iterator[KeystoneTarget]:
    with mock_allas() as allas:
        for identity in IDENTITIES.values():
            if identity.username != "John" or identity.domain != "Default":
                allas.add_user(
                    identity.username,
                    identity.password,
                    identity.project,
                    user_domain=identity.domain,
                    project_domain=identity.domain,
                    roles=identity.roles,
                )
        state = allas.state
        users = {}
        for key, identity in IDENTITIES.items():
            domain = state.find_domain(name=identity.domain)
            users[key] = state.find_user(identity.username, domain.id).id
        projects = {
            f"{state.domains[p.domain_id].name}/{p.name}": p.id for p in state.projects.values()
        }
        domains = {d.name: d.id for d in state.domains.values()}
        labels, ids = _labels(users, projects, domains)
        labels.update(role_labels(ROLE_IDS))

        def application_credential(who: str, roles: list[str] | None) -> tuple[str, str]:
            identity = IDENTITIES[who]
            return allas.add_application_credential(
                identity.username, _credential_name(roles), roles=roles
            )

        yield KeystoneTarget(
            "fake",
            AUTH_URL.removesuffix("/v3"),
            STORAGE_ROOT,
            labels,
            application_credential,
            ids,
        )


def observe(case: Callable[[KeystoneProbe], None], target: KeystoneTarget) -> list[dict]:
    probe = KeystoneProbe(target)
    case(probe)
    return probe.records


@pytest.mark.real
@pytest.mark.parametrize("case", list(CASES))
def test_fake_keystone_answers_as_keystone(case, real_keystone, request) -> None:
    real = observe(CASES[case], real_keystone)
    fake = observe(CASES[case], request.getfixturevalue("fake_keystone"))
    found = differences(real, fake)
    assert not found, "the fake's Keystone differs from Keystone:\n" + "\n".join(found)


def differences(real: list[dict], fake: list[dict]) -> list[str]:
    """Each place where the fake recorded something else, as 'step: what: real | fake'."""
    found = []
    for real_step, fake_step in zip(real, fake, strict=True):
        flat_real, flat_fake = _flatten(real_step), _flatten(fake_step)
        for key in sorted(set(flat_real) | set(flat_fake)):
            if flat_real.get(key) != flat_fake.get(key):
                found.append(
                    f"{real_step['step']}: {key}: {flat_real.get(key)!r} | {flat_fake.get(key)!r}"
                )
    return found


def _flatten(value: object, prefix: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        flat: dict[str, object] = {}
        for key, item in value.items():
            if key == "step":
                continue
            flat.update(_flatten(item, f"{prefix}{key}." if prefix or key else ""))
        return flat or {prefix.rstrip("."): {}}
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        flat = {f"{prefix}count": len(value)}
        for index, item in enumerate(value):
            flat.update(_flatten(item, f"{prefix}{index}."))
        return flat
    return {prefix.rstrip("."): value}
