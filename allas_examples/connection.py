"""The one place where the examples connect to Allas.

Three ways in, as CSC documents them:
- a password login through a keystoneauth1 v3 session, from the OpenStack RC file's
  ``OS_*`` variables (or the same values given explicitly);
- an application credential (``OS_AUTH_TYPE=v3applicationcredential``), from the RC
  file that Pouta gives for it;
- a storage URL and token, as ``allas-conf`` exports them (``OS_STORAGE_URL``,
  ``OS_AUTH_TOKEN``).

``read_rc_file`` reads an RC file's settings without running it.

Every request waits at most ``ALLAS_TIMEOUT`` seconds (default 60) for an answer, so
that a server that stops answering ends the script instead of leaving it hanging.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Mapping
from urllib.parse import urlparse

import swiftclient
from keystoneauth1 import session as ksa_session
from keystoneauth1.identity import v3

from allas_examples.errors import ConfigurationError, remember_secret
from allas_examples.timeouts import TIMEOUT_VARIABLE, configured_timeout

PASSWORD_VARIABLES = (
    "OS_AUTH_URL",
    "OS_USERNAME",
    "OS_PASSWORD",
    "OS_USER_DOMAIN_NAME",
    "OS_PROJECT_NAME",
)
TOKEN_VARIABLES = ("OS_STORAGE_URL", "OS_AUTH_TOKEN")
APPLICATION_CREDENTIAL_VARIABLES = (
    "OS_AUTH_URL",
    "OS_APPLICATION_CREDENTIAL_ID",
    "OS_APPLICATION_CREDENTIAL_SECRET",
)
APPLICATION_CREDENTIAL_AUTH_TYPE = "v3applicationcredential"


def request_timeout() -> float:
    """Seconds to wait for each answer: ``ALLAS_TIMEOUT``, else 60.

    Raises ``ConfigurationError("bad_timeout")`` for anything but a positive number.
    """
    seconds, raw = configured_timeout()
    if seconds is None:
        raise ConfigurationError("bad_timeout", value=raw, variable=TIMEOUT_VARIABLE)
    return seconds


def _session_connection(auth: v3.Password | v3.ApplicationCredential) -> swiftclient.Connection:
    """A Swift connection that logs in through a keystoneauth1 session; both wait at most
    ``request_timeout()`` seconds for an answer (the session for Keystone, the
    connection for storage requests)."""
    timeout = request_timeout()
    return swiftclient.Connection(
        session=ksa_session.Session(auth=auth, timeout=timeout), timeout=timeout
    )


def connect(environ: Mapping[str, str] | None = None) -> swiftclient.Connection:
    """Connect with the ``OS_*`` variables of ``environ`` (default: the process environment).

    ``OS_STORAGE_URL`` with ``OS_AUTH_TOKEN`` wins; then ``OS_AUTH_TYPE=v3applicationcredential``
    asks for an application credential; otherwise a password login. Raises
    ``ConfigurationError`` naming exactly the variables that are missing or empty.
    """
    env = os.environ if environ is None else environ

    def present(name: str) -> bool:
        return bool(env.get(name, "").strip())

    if all(present(name) for name in TOKEN_VARIABLES):
        return connect_with_token(env["OS_STORAGE_URL"], env["OS_AUTH_TOKEN"])
    if env.get("OS_AUTH_TYPE", "").strip().lower() == APPLICATION_CREDENTIAL_AUTH_TYPE:
        missing = [name for name in APPLICATION_CREDENTIAL_VARIABLES if not present(name)]
        if missing:
            raise ConfigurationError("missing_variables", names=", ".join(missing))
        return connect_with_application_credential(
            auth_url=env["OS_AUTH_URL"],
            credential_id=env["OS_APPLICATION_CREDENTIAL_ID"],
            secret=env["OS_APPLICATION_CREDENTIAL_SECRET"],
        )
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
    remember_secret(password)
    auth = v3.Password(
        auth_url=auth_url,
        username=username,
        password=password,
        user_domain_name=user_domain_name,
        project_name=project_name,
        project_domain_name=project_domain_name or user_domain_name,
    )
    return _session_connection(auth)


def connect_with_application_credential(
    auth_url: str, credential_id: str, secret: str
) -> swiftclient.Connection:
    """Log in with an application credential (Keystone v3) and return a Swift connection.

    The credential belongs to one project, so no project or domain is named; it keeps
    working when your password changes, until it expires or is deleted.
    """
    _check_url(auth_url, "bad_auth_url")
    remember_secret(secret)
    auth = v3.ApplicationCredential(
        auth_url=auth_url,
        application_credential_id=credential_id,
        application_credential_secret=secret,
    )
    return _session_connection(auth)


def logs_in_at_keystone(conn: swiftclient.Connection | None) -> bool:
    """Whether ``conn`` logs in at Keystone itself (a keystoneauth1 session), rather than
    using a storage URL and token it was given."""
    return getattr(conn, "session", None) is not None


def connect_with_token(storage_url: str, auth_token: str) -> swiftclient.Connection:
    """Use a storage URL and token that were obtained before (what ``allas-conf`` exports)."""
    _check_url(storage_url, "bad_storage_url")
    remember_secret(auth_token)
    return swiftclient.Connection(
        preauthurl=storage_url, preauthtoken=auth_token, timeout=request_timeout()
    )


def storage_url_and_token(conn: swiftclient.Connection) -> tuple[str, str]:
    """The storage URL and token of ``conn``, logging in first if it has not yet."""
    if not (conn.url and conn.token):
        conn.get_auth()
    remember_secret(conn.token)
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
    elif isinstance(auth, v3.ApplicationCredential):
        method = auth.auth_methods[0]
        relogin = {
            "auth_version": "3",
            "os_auth_type": APPLICATION_CREDENTIAL_AUTH_TYPE,
            "os_auth_url": auth.auth_url,
            "os_application_credential_id": method.application_credential_id,
            "os_application_credential_secret": method.application_credential_secret,
        }
    return {
        "os_storage_url": url,
        "os_auth_token": token,
        "timeout": conn.timeout,
        **relogin,
        **options,
    }


_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?(OS_[A-Za-z0-9_]+)=(.*)$")


def read_rc_file(path: str | os.PathLike[str]) -> dict[str, str]:
    """The ``OS_*`` settings an OpenStack RC file exports, read without running it.

    Lines ``export OS_NAME=value`` (or without ``export``) count; quotes are removed as
    the shell would, and comments and every other line (``if``, ``echo``, ``read``,
    ``unset``) are skipped. A value the shell would expand (``$OS_PASSWORD_INPUT``) is
    not a setting the file holds, so it is left out: the RC file asks the password when
    it runs, and so must the caller. Raises ``ConfigurationError("rc_file_unreadable")``
    for a line that is not valid shell and ``("rc_file_empty")`` when nothing is found.
    """
    settings: dict[str, str] = {}
    with open(path, encoding="utf-8", errors="replace") as rc_file:
        for number, line in enumerate(rc_file, start=1):
            found = _ASSIGNMENT.match(line)
            if found is None:
                continue
            name, raw = found.groups()
            try:
                words = _shell_words(raw)
            except ValueError:
                raise ConfigurationError(
                    "rc_file_unreadable", path=os.fspath(path), line=number
                ) from None
            if _expands(raw):
                continue  # the shell fills this in when the file runs: not in the file
            settings[name] = words[0] if words else ""
    if not settings:
        raise ConfigurationError("rc_file_empty", path=os.fspath(path))
    return settings


def _shell_words(raw: str) -> list[str]:
    """The words of ``raw`` as the shell splits them, up to ``;``, ``&&``, ``|`` or a comment."""
    lexer = shlex.shlex(raw, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = []
    for word in lexer:
        if set(word) <= set(lexer.punctuation_chars):
            break  # `export OS_X=value; command`: the value ends where the command starts
        words.append(word)
    return words


def _expands(raw: str) -> bool:
    """Whether the shell would expand a ``$`` or a backtick in ``raw`` (outside single quotes)."""
    quote = None
    for index, char in enumerate(raw):
        if quote == "'":
            quote = None if char == "'" else quote
        elif char == "\\":
            continue
        elif char in "'\"" and quote is None:
            quote = char
        elif char == '"' and quote == '"':
            quote = None
        elif char in "$`" and (index == 0 or raw[index - 1] != "\\"):
            return True  # $VAR, $(command) or `command`
        elif char == "#" and quote is None and (index == 0 or raw[index - 1].isspace()):
            return False
    return False


def _check_url(url: str, message_key: str) -> None:
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigurationError(message_key, url=url)
