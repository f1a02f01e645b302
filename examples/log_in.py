"""Log in to Allas in one of three ways and show the storage URL.

Kirjautuu Allakseen yhdellä kolmesta tavasta ja näyttää tallennusosoitteen.

- ``--method token``: the storage URL and token that ``allas-conf`` exports
  (``OS_STORAGE_URL``, ``OS_AUTH_TOKEN``; valid for 8 hours);
- ``--method rc-file``: an OpenStack RC v3 file, read without running it; the password
  is asked without echoing it, and is never stored or printed;
- ``--method application-credential``: ``OS_AUTH_TYPE=v3applicationcredential`` with
  ``OS_APPLICATION_CREDENTIAL_ID`` and ``OS_APPLICATION_CREDENTIAL_SECRET``;
- no ``--method``: whichever of these the ``OS_*`` variables hold (as every script does).

With ``--fake`` each method is shown on the offline fake: a token is made as allas-conf
makes it, a sample RC file for the example user John is written when none is given
(his password is known, so none is asked), and an application credential is created.

    python examples/log_in.py [--fake] [--lang fi|en]
        [--method token|rc-file|application-credential] [RC_FILE]
"""

# --8<-- [start:imports]
import getpass
import os
from collections.abc import Mapping

import swiftclient

from allas_examples import script
from allas_examples.connection import (
    APPLICATION_CREDENTIAL_VARIABLES,
    TOKEN_VARIABLES,
    connect,
    connect_with_application_credential,
    connect_with_token,
    read_rc_file,
    storage_url_and_token,
)
from allas_examples.errors import ConfigurationError
from allas_examples.files import atomic_write
from allas_examples.messages import say, text

# --8<-- [end:imports]


# --8<-- [start:log_in_with_token]
def log_in_with_token(storage_url: str, token: str) -> swiftclient.Connection:
    """Use the storage URL and token from ``allas-conf``; check them with one request."""
    conn = connect_with_token(storage_url, token)
    conn.head_account()  # a wrong or expired token is refused here (HTTP 401)
    say("logged_in_with_token", url=storage_url)
    return conn


# --8<-- [end:log_in_with_token]


# --8<-- [start:log_in_with_rc_file]
def log_in_with_rc_file(path: str, password: str | None = None) -> swiftclient.Connection:
    """Log in with the settings of the RC file at ``path``, which is read, not run.

    A password RC file does not hold the password: pass it, or it is asked here. An
    application credential RC file needs none.
    """
    settings = read_rc_file(path)
    if needs_password(settings):
        settings["OS_PASSWORD"] = password if password is not None else ask_password(settings)
    conn = connect(settings)
    url, _token = storage_url_and_token(conn)  # logs in; the token is never printed
    say("logged_in_with_rc_file", path=path, url=url)
    return conn


def needs_password(settings: Mapping[str, str]) -> bool:
    """Whether ``settings`` are a password login (not a token or application credential)."""
    kind = settings.get("OS_AUTH_TYPE", "password").strip().lower()
    has_token = all(settings.get(name) for name in TOKEN_VARIABLES)
    return kind in ("password", "v3password") and not has_token


def ask_password(settings: Mapping[str, str]) -> str:
    """Ask the password without echoing it, as the RC file itself would."""
    return getpass.getpass(
        text(
            "password_prompt",
            username=settings.get("OS_USERNAME", "?"),
            project=settings.get("OS_PROJECT_NAME", "?"),
        )
    )


# --8<-- [end:log_in_with_rc_file]


# --8<-- [start:log_in_with_application_credential]
def log_in_with_application_credential(
    auth_url: str, credential_id: str, secret: str
) -> swiftclient.Connection:
    """Log in with an application credential: no username, password or project needed."""
    conn = connect_with_application_credential(auth_url, credential_id, secret)
    url, _token = storage_url_and_token(conn)  # logs in; the secret is never printed
    say("logged_in_with_application_credential", id=credential_id, url=url)
    return conn


# --8<-- [end:log_in_with_application_credential]


# --8<-- [start:sample_rc_file]
SAMPLE_RC_TEMPLATE = """\
#!/usr/bin/env bash
# An OpenStack RC v3 file as Pouta hands it out (the password is asked when it runs).
export OS_AUTH_URL={OS_AUTH_URL}
export OS_PROJECT_NAME="{OS_PROJECT_NAME}"
export OS_USER_DOMAIN_NAME="{OS_USER_DOMAIN_NAME}"
export OS_PROJECT_DOMAIN_NAME="{OS_PROJECT_DOMAIN_NAME}"
unset OS_TENANT_ID
unset OS_TENANT_NAME
export OS_USERNAME="{OS_USERNAME}"
echo "Please enter your OpenStack Password for project $OS_PROJECT_NAME as user $OS_USERNAME: "
read -sr OS_PASSWORD_INPUT
export OS_PASSWORD=$OS_PASSWORD_INPUT
export OS_REGION_NAME="regionOne"
export OS_INTERFACE=public
export OS_IDENTITY_API_VERSION=3
"""


def write_sample_rc_file(environ: Mapping[str, str]) -> str:
    """Write the RC file of the user in ``environ`` (never the password); return its name."""
    path = f"{environ['OS_PROJECT_NAME']}-openrc.sh"
    if not os.path.exists(path):
        with atomic_write(path) as rc_file:  # never a half-written RC file
            rc_file.write(SAMPLE_RC_TEMPLATE.format_map(environ).encode("utf-8"))
        say("rc_sample_created", path=path)
    return path


# --8<-- [end:sample_rc_file]

METHODS = ("token", "rc-file", "application-credential")


def log_in(environ: Mapping[str, str], args) -> swiftclient.Connection:
    """The login ``--method`` names, from the OS_* variables (the fake's with --fake)."""
    method = args.method or ("rc-file" if args.rc_file else None)
    if method is None:  # whichever way the variables say, as every script does
        conn = connect(environ)
        say("connected", url=storage_url_and_token(conn)[0])
        return conn
    if method == "rc-file":
        if args.fake:  # John's RC file; his password is the fake's, so none is asked
            path = args.rc_file or write_sample_rc_file(environ)
            return log_in_with_rc_file(path, environ["OS_PASSWORD"])
        if args.rc_file is None:
            raise ConfigurationError("rc_file_needed")
        return log_in_with_rc_file(args.rc_file)
    if method == "token":
        if args.fake:  # what allas-conf does: log in with the password, keep URL and token
            url, token = storage_url_and_token(connect(environ))
            environ = {"OS_STORAGE_URL": url, "OS_AUTH_TOKEN": token}
        require(environ, TOKEN_VARIABLES)
        return log_in_with_token(environ["OS_STORAGE_URL"], environ["OS_AUTH_TOKEN"])
    if args.fake:  # Pouta's web interface makes these; here the fake's handle does
        credential_id, secret = args.fake_allas.add_application_credential("John")
        environ = args.fake_allas.environ_for_application_credential(credential_id, secret)
    require(environ, APPLICATION_CREDENTIAL_VARIABLES)
    return log_in_with_application_credential(
        environ["OS_AUTH_URL"],
        environ["OS_APPLICATION_CREDENTIAL_ID"],
        environ["OS_APPLICATION_CREDENTIAL_SECRET"],
    )


def require(environ: Mapping[str, str], names: tuple[str, ...]) -> None:
    missing = [name for name in names if not environ.get(name, "").strip()]
    if missing:
        raise ConfigurationError("missing_variables", names=", ".join(missing))


if __name__ == "__main__":
    parser = script.parser(__doc__)
    parser.add_argument("--method", choices=METHODS, help=text("help_login_method"))
    parser.add_argument("rc_file", nargs="?", help=text("help_rc_file"))
    with script.session(parser, login=log_in) as (conn, args):
        pass  # log_in has logged in and printed the storage URL
