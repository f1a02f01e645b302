"""Every way into Allas, on the fake and on Allas as it really runs (a real Keystone v3 and a
Ceph RGW checking its tokens): a password login (CSC's pages), an application credential,
and a storage URL with a token (allas-conf). Roles decide: a reader-only user or
application credential logs in and is refused by storage. Tokens that expire during a run
are renewed by logging in again.
"""

from __future__ import annotations

import io
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import requests
import swiftclient

from allas_examples import cli
from allas_examples.connection import connect
from backends.keystone import IDENTITIES, catalog_url
from conftest import expected, run_example
from fake_swift import AUTH_URL, mock_allas

KINDS = ("password", "application credential", "token")


@dataclass
class Stack:
    """A Keystone and storage to log in to, and the RC file variables of each kind."""

    name: str
    password: Callable[[str], dict[str, str]]  # who -> OS_* of a password login
    credential: Callable[[str, list[str] | None], dict[str, str]]  # who, roles -> OS_*
    token: Callable[[str], dict[str, str]]  # who -> OS_STORAGE_URL and OS_AUTH_TOKEN
    auth_url: str

    def environ(self, kind: str, who: str = "John", roles: list[str] | None = None):
        if kind == "password":
            return self.password(who)
        if kind == "application credential":
            return self.credential(who, roles)
        return self.token(who)


@pytest.fixture(params=["fake", pytest.param("allas", marks=pytest.mark.real)])
def stack(request) -> Iterator[Stack]:
    if request.param == "allas":
        keystone = request.getfixturevalue("allas_server").keystone

        def real_credential(who: str, roles: list[str] | None) -> dict[str, str]:
            name = f"logins-{uuid.uuid4().hex[:8]}"
            return keystone.environ_for_application_credential(
                *keystone.application_credential(who, name, roles)
            )

        def real_token(who: str) -> dict[str, str]:
            token, document = keystone.login(who)
            return {"OS_STORAGE_URL": catalog_url(document), "OS_AUTH_TOKEN": token}

        yield Stack("allas", keystone.environ, real_credential, real_token, keystone.auth_url)
        return
    with mock_allas() as allas:
        reader = IDENTITIES["Reader"]
        allas.add_user(reader.username, reader.password, reader.project, roles=reader.roles)

        def fake_credential(who: str, roles: list[str] | None) -> dict[str, str]:
            name = f"logins-{uuid.uuid4().hex[:8]}"
            credential = allas.add_application_credential(who, name, roles=roles)
            return allas.environ_for_application_credential(*credential)

        def fake_token(who: str) -> dict[str, str]:
            user = IDENTITIES[who]
            return {
                "OS_STORAGE_URL": allas.storage_url(user.project),
                "OS_AUTH_TOKEN": allas.token_for(who),
            }

        yield Stack("fake", allas.environ, fake_credential, fake_token, AUTH_URL)


@pytest.fixture
def logged_in(monkeypatch, tmp_path):
    """Export an RC file's variables (and nothing else of OS_*) in an empty folder."""
    monkeypatch.chdir(tmp_path)

    def export(variables: dict[str, str]) -> None:
        for name in list(os.environ):
            if name.startswith(("OS_", "ST_", "ALLAS_")):
                monkeypatch.delenv(name)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)

    return export


@pytest.mark.parametrize("kind", KINDS)
def test_the_tour_with_every_kind_of_login(stack, kind, logged_in, capsys) -> None:
    logged_in(stack.environ(kind))
    assert cli.main(["tour", "--real", "--lang", "en"]) == 0, capsys.readouterr()
    out = capsys.readouterr().out
    assert out.rstrip().endswith(expected("en", "tour_done").strip())


@pytest.mark.usefixtures("no_backoff")  # swiftclient logs in again after a 401; not slept here
@pytest.mark.parametrize("kind", ["password", "application credential"])
@pytest.mark.parametrize("lang", ["en", "fi"])
def test_a_reader_only_login_is_refused_by_storage(stack, kind, lang, logged_in, capsys):
    """Keystone lets a reader-only user (or a credential restricted to reader) log in;
    storage refuses the token, and the script says why in one sentence."""
    who, roles = ("Reader", None) if kind == "password" else ("John", ["reader"])
    logged_in(stack.environ(kind, who, roles))
    assert run_example("list_buckets_and_objects", "--lang", lang) == 1
    out, err = capsys.readouterr()
    assert err.strip() == expected(lang, "role_refused")
    conn = connect()
    with pytest.raises(swiftclient.ClientException) as refused:
        conn.head_account()
    assert refused.value.http_status == 401


def test_a_member_s_unrestricted_credential_reaches_storage(stack, logged_in) -> None:
    logged_in(stack.environ("application credential", "John", ["member"]))
    assert "x-account-container-count" in connect().head_account()


def test_a_token_revoked_after_use_works_until_it_expires(stack) -> None:
    """RGW keeps the tokens it has checked in a cache until they expire: one revoked at
    Keystone after its first use still works there; one revoked before is refused."""

    def head(variables: dict[str, str]) -> int:
        headers = {"X-Auth-Token": variables["OS_AUTH_TOKEN"]}
        return requests.head(variables["OS_STORAGE_URL"], headers=headers, timeout=30).status_code

    def revoke(token: str) -> int:
        headers = {"X-Auth-Token": token, "X-Subject-Token": token}
        return requests.delete(f"{stack.auth_url}/auth/tokens", headers=headers, timeout=30)

    used, unused = stack.token("John"), stack.token("John")
    assert head(used) == 204
    assert revoke(used["OS_AUTH_TOKEN"]).status_code == 204
    assert revoke(unused["OS_AUTH_TOKEN"]).status_code == 204
    assert (head(used), head(unused)) == (204, 401)


@pytest.mark.real
def test_tokens_that_expire_mid_run_are_renewed(allas_server, tmp_path) -> None:
    """With tokens of 60 s (swiftclient renews one that expires within 30 s, so no
    shorter), both the pages' user/key login and a keystoneauth1 session log in again
    once the first token has expired, and go on working."""
    from backends.keystone import second_keystone

    bucket = f"expiry-{uuid.uuid4().hex[:10]}"
    with second_keystone(allas_server.keystone, token_lifetime=60) as short:
        john = IDENTITIES["John"]
        pages = swiftclient.Connection(
            authurl=short.auth_url,
            user=john.username,
            key=john.password,
            os_options={
                "user_domain_name": john.domain,
                "project_domain_name": john.domain,
                "project_name": john.project,
            },
            auth_version="3",
            retries=1,
        )
        session = connect(short.environ("John"))
        pages.put_container(bucket)
        session.put_object(bucket, "before", b"before")
        first = (pages.token, session.session.get_token())
        time.sleep(61)
        # File-like bodies, as the pages and scripts upload open files: swiftclient sends
        # them again after logging in again (bytes it could not rewind).
        pages.put_object(bucket, "after-pages", io.BytesIO(b"after"))
        session.put_object(bucket, "after-session", io.BytesIO(b"after"))
        second = (pages.token, session.session.get_token())
        assert first[0] != second[0] and first[1] != second[1]
        names = [o["name"] for o in pages.get_container(bucket)[1]]
        assert names == ["after-pages", "after-session", "before"]
        for name in names:
            pages.delete_object(bucket, name)
        pages.delete_container(bucket)
