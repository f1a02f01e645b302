"""Which ``X-Container-Read`` forms let another project's users in, on the fake and on Allas
as it really runs (a Ceph RGW checking tokens at a real Keystone).

John shares a bucket of project_123456 with each form in turn; Mary (project_654321) and the
other domain's John (a same-named user of a same-named project in Domain2) try to read it.
The two stacks must let in exactly the same users for every form: grants by name ignore
domains, grants by id do not, and the forms Keystone-backed RGW does not know refuse.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from backends.keystone import IDENTITIES
from fake_swift import AUTH_URL, mock_allas

READERS = ("Mary", "John@Domain2")
# Each form, with {placeholders} for ids: project ids by their owner, user ids by key.
FORMS = (
    "{project:Mary}",
    "{project:Mary}:*",
    "{project:Mary}:{user:Mary}",
    "*:{user:Mary}",
    "project_654321:*",
    "project_654321:Mary",
    "*:Mary",
    "AUTH_{project:Mary}",
    "Mary",
    "{user:Mary}",
    "{project:Mary}:Mary",
    "project_654321:{user:Mary}",
    # A grant that names John's own project by name reaches the other domain's John.
    "project_123456:John",
    "project_123456:*",
    "{project:John}:*",
    "{project:John@Domain2}:*",
    "*:John",
    "{project:John@Domain2}:{user:John@Domain2}",
)


@dataclass
class Sharing:
    """A stack's Keystone URL, storage URL of John's project, and ids by name."""

    auth_url: str
    john_url: str
    ids: dict[str, str]  # "project:<who>" / "user:<who>" -> id

    def form(self, template: str) -> str:
        return re.sub(r"\{((?:project|user):[^}]+)\}", lambda m: self.ids[m.group(1)], template)


def login(auth_url: str, who: str) -> str:
    """A password login through ``requests`` (which the fake answers too)."""
    identity = IDENTITIES[who]
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": identity.username,
                        "password": identity.password,
                        "domain": {"name": identity.domain},
                    }
                },
            },
            "scope": {"project": {"name": identity.project, "domain": {"name": identity.domain}}},
        }
    }
    reply = requests.post(f"{auth_url}/auth/tokens", json=body, timeout=30)
    assert reply.status_code == 201, reply.text
    return reply.headers["X-Subject-Token"]


@pytest.fixture(params=["fake", pytest.param("allas", marks=pytest.mark.real)])
def sharing(request) -> Iterator[Sharing]:
    if request.param == "allas":
        server = request.getfixturevalue("allas_server")
        keystone = server.keystone
        ids = {f"user:{who}": keystone.user_ids[who] for who in ("John", *READERS)}
        ids.update({f"project:{who}": keystone.project_id(who) for who in ("John", *READERS)})
        yield Sharing(keystone.auth_url, server.main.storage_url, ids)
        return
    with mock_allas() as allas:
        for key in READERS:
            identity = IDENTITIES[key]
            allas.add_user(
                identity.username,
                identity.password,
                identity.project,
                user_domain=identity.domain,
                project_domain=identity.domain,
            )
        state = allas.state
        ids = {}
        for key in ("John", *READERS):
            identity = IDENTITIES[key]
            domain = state.find_domain(name=identity.domain)
            user = state.find_user(identity.username, domain.id)
            ids[f"user:{key}"] = user.id
            ids[f"project:{key}"] = user.default_project_id
        yield Sharing(AUTH_URL, allas.storage_url("project_123456"), ids)


def who_reads(sharing: Sharing) -> dict[str, tuple[str, ...]]:
    """For each form: the readers whose GET of the shared object answers 200."""
    owner = login(sharing.auth_url, "John")
    tokens = {who: login(sharing.auth_url, who) for who in READERS}
    bucket = f"forms-{uuid.uuid4().hex[:10]}"
    url = f"{sharing.john_url}/{bucket}"

    def as_owner(method: str, path: str = "", **kwargs) -> requests.Response:
        headers = {"X-Auth-Token": owner, **kwargs.pop("headers", {})}
        return requests.request(method, url + path, headers=headers, timeout=30, **kwargs)

    assert as_owner("PUT").status_code == 201
    assert as_owner("PUT", "/o", data=b"shared").status_code == 201
    readers: dict[str, tuple[str, ...]] = {}
    try:
        for template in FORMS:
            grant = {"X-Container-Read": sharing.form(template)}
            assert as_owner("POST", headers=grant).status_code == 204, template
            readers[template] = tuple(
                who
                for who in READERS
                if requests.get(
                    f"{url}/o", headers={"X-Auth-Token": tokens[who]}, timeout=30
                ).status_code
                == 200
            )
    finally:
        as_owner("POST", headers={"X-Container-Read": ""})
        as_owner("DELETE", "/o")
        as_owner("DELETE")
    return readers


# What Allas (RGW with Keystone) lets in, measured on the real stack.
EXPECTED = {
    "{project:Mary}": ("Mary",),
    "{project:Mary}:*": ("Mary",),
    "{project:Mary}:{user:Mary}": ("Mary",),
    "*:{user:Mary}": ("Mary",),
    "project_654321:*": ("Mary",),
    "project_654321:Mary": ("Mary",),
    "*:Mary": ("Mary",),
    "AUTH_{project:Mary}": (),
    "Mary": (),
    "{user:Mary}": (),
    "{project:Mary}:Mary": (),
    "project_654321:{user:Mary}": (),
    "project_123456:John": ("John@Domain2",),
    "project_123456:*": ("John@Domain2",),
    "{project:John}:*": (),
    "{project:John@Domain2}:*": ("John@Domain2",),
    "*:John": ("John@Domain2",),
    "{project:John@Domain2}:{user:John@Domain2}": ("John@Domain2",),
}


def test_grant_forms_let_in_the_same_users(sharing) -> None:
    assert who_reads(sharing) == EXPECTED
