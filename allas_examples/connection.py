"""The one place where the examples connect to Allas.

Two ways in, as CSC documents them:
- a password login through a keystoneauth1 v3 session, from the OpenStack RC file's
  ``OS_*`` variables (or the same values given explicitly);
- a storage URL and token, as ``allas-conf`` exports them (``OS_STORAGE_URL``,
  ``OS_AUTH_TOKEN``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlparse

import swiftclient
from keystoneauth1 import session as ksa_session
from keystoneauth1.identity import v3

from allas_examples.errors import ConfigurationError

PASSWORD_VARIABLES = (
    "OS_AUTH_URL",
    "OS_USERNAME",
    "OS_PASSWORD",
    "OS_USER_DOMAIN_NAME",
    "OS_PROJECT_NAME",
)
TOKEN_VARIABLES = ("OS_STORAGE_URL", "OS_AUTH_TOKEN")


def connect(environ: Mapping[str, str] | None = None) -> swiftclient.Connection:
    """Connect with the ``OS_*`` variables of ``environ`` (default: the process environment).

    ``OS_STORAGE_URL`` with ``OS_AUTH_TOKEN`` wins over a password login. Raises
    ``ConfigurationError`` naming exactly the variables that are missing or empty.
    """
    env = os.environ if environ is None else environ

    def present(name: str) -> bool:
        return bool(env.get(name, "").strip())

    if all(present(name) for name in TOKEN_VARIABLES):
        return connect_with_token(env["OS_STORAGE_URL"], env["OS_AUTH_TOKEN"])
    missing = [name for name in PASSWORD_VARIABLES if not present(name)]
    if missing and any(present(name) for name in TOKEN_VARIABLES):
        # Half of an allas-conf token pair is a clearer thing to report than a password login.
        missing = [name for name in TOKEN_VARIABLES if not present(name)]
    if missing:
        raise ConfigurationError("missing_variables", names=", ".join(missing))
    return connect_with_password(
        auth_url=env["OS_AUTH_URL"],
        username=env["OS_USERNAME"],
        password=env["OS_PASSWORD"],
        project_name=env["OS_PROJECT_NAME"],
        user_domain_name=env["OS_USER_DOMAIN_NAME"],
        # The seed pages read the project's domain from OS_USER_DOMAIN_NAME; RC files
        # set OS_PROJECT_DOMAIN_NAME, which is the right one when the two differ.
        project_domain_name=env.get("OS_PROJECT_DOMAIN_NAME") or None,
    )


def connect_with_password(
    auth_url: str,
    username: str,
    password: str,
    project_name: str,
    user_domain_name: str = "Default",
    project_domain_name: str | None = None,
) -> swiftclient.Connection:
    """Log in with Keystone v3 (a keystoneauth1 session) and return a Swift connection."""
    _check_url(auth_url, "bad_auth_url")
    auth = v3.Password(
        auth_url=auth_url,
        username=username,
        password=password,
        user_domain_name=user_domain_name,
        project_name=project_name,
        project_domain_name=project_domain_name or user_domain_name,
    )
    return swiftclient.Connection(session=ksa_session.Session(auth=auth))


def connect_with_token(storage_url: str, auth_token: str) -> swiftclient.Connection:
    """Use a storage URL and token that were obtained before (what ``allas-conf`` exports)."""
    _check_url(storage_url, "bad_storage_url")
    return swiftclient.Connection(preauthurl=storage_url, preauthtoken=auth_token)


def storage_url_and_token(conn: swiftclient.Connection) -> tuple[str, str]:
    """The storage URL and token of ``conn``, logging in first if it has not yet."""
    if not (conn.url and conn.token):
        conn.get_auth()
    return conn.url, conn.token


def service_options(conn: swiftclient.Connection, **options: object) -> dict:
    """Options for ``SwiftService`` that reuse ``conn``'s login.

    SwiftService would otherwise log in again in every worker thread, from ``OS_*``
    variables read when ``swiftclient.service`` was first imported. With a password
    login the workers also get its values, so that they can log in again when the token
    expires during a long transfer; a bare token (``allas-conf``) cannot be renewed.
    """
    url, token = storage_url_and_token(conn)
    relogin = {}
    auth = getattr(conn.session, "auth", None)
    if isinstance(auth, v3.Password):
        method = auth.auth_methods[0]
        relogin = {
            "auth_version": "3",
            "os_auth_url": auth.auth_url,
            "os_username": method.username,
            "os_password": method.password,
            "os_user_domain_name": method.user_domain_name,
            "os_project_name": auth.project_name,
            "os_project_domain_name": auth.project_domain_name,
        }
    return {"os_storage_url": url, "os_auth_token": token, **relogin, **options}


def _check_url(url: str, message_key: str) -> None:
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigurationError(message_key, url=url)
