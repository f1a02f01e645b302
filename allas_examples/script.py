"""What every example script shares: options, the offline fake, the connection, errors.

An example's ``__main__`` block reads top to bottom::

    parser = script.parser(__doc__)
    parser.add_argument("bucket", nargs="?", default=script.BUCKET, help=text("help_bucket"))
    with script.session(parser) as (conn, args):
        create_bucket(conn, args.bucket)
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import NoReturn

import swiftclient

from allas_examples import messages
from allas_examples.connection import connect, logs_in_at_keystone
from allas_examples.errors import (
    EXIT_USAGE,
    ConfigurationError,
    describe,
    redact,
    remember_secret,
)
from allas_examples.messages import text
from allas_examples.names import check_bucket_name

# The names the CSC pages use.
BUCKET = "snakebucket"
SOURCE_FILE = "my_snake.txt"
DOWNLOAD_FILE = "new_name_for_file.txt"

SAMPLE_TEXT = (
    "Allas sample file / Allaksen esimerkkitiedosto\n"
    "The snake sleeps in the bucket. Käärme nukkuu bucketissa. \N{SNAKE}\n"
)

FAKE_STATE_VARIABLE = "ALLAS_FAKE_STATE"
FAKE_STATE_DEFAULT = ".allas-fake"
SECRET_VARIABLES = ("OS_PASSWORD", "OS_AUTH_TOKEN", "OS_APPLICATION_CREDENTIAL_SECRET")


class _Parser(argparse.ArgumentParser):
    """argparse with its complaints put in the catalog's sentence and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        messages.warn(text("usage_error", detail=message))
        sys.exit(EXIT_USAGE)

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        # An argument's type (check_bucket_name) may refuse a value in a sentence of its own.
        try:
            return super().parse_known_args(args, namespace)
        except ConfigurationError as error:
            messages.warn(error.message())
            sys.exit(error.exit_code)


def parser(doc: str | None, argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """A parser with ``--fake``, ``--real``, ``--lang`` and ``--debug``.

    The language is chosen here, before the script adds its arguments, so that their
    help texts come out in that language too.
    """
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang")
    known, _ = early.parse_known_args(sys.argv[1:] if argv is None else argv)
    messages.set_language(messages.resolve_language(known.lang))

    description = text("cli_description") + "\n\n" + (doc or "")
    result = _Parser(
        description=description,
        epilog=text("help_timeouts"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common_options(result)
    return result


def add_common_options(target: argparse.ArgumentParser, default: object = None) -> None:
    """``--lang``, ``--fake``/``--real`` and ``--debug``; ``default`` replaces their defaults.

    Sub-commands pass ``argparse.SUPPRESS`` so that an option left out after the command
    does not undo the same option given before it.
    """
    extra = {} if default is None else {"default": default}
    target.add_argument("--lang", choices=messages.LANGUAGES, help=text("help_lang"), **extra)
    where = target.add_mutually_exclusive_group()
    where.add_argument("--fake", action="store_true", help=text("help_fake"), **extra)
    where.add_argument("--real", dest="fake", action="store_false", help=text("help_real"), **extra)
    target.add_argument("--debug", action="store_true", help=text("help_debug"), **extra)


def add_bucket_argument(target: argparse.ArgumentParser) -> None:
    """The optional ``bucket`` argument, checked against Allas' name rules before any request."""
    target.add_argument(
        "bucket", nargs="?", default=BUCKET, type=check_bucket_name, help=text("help_bucket")
    )


def fake_state_dir() -> Path:
    """Where ``--fake`` keeps its store between runs."""
    return Path(os.environ.get(FAKE_STATE_VARIABLE) or FAKE_STATE_DEFAULT)


@contextlib.contextmanager
def session(
    parser: argparse.ArgumentParser,
    argv: Sequence[str] | None = None,
    sample_file: str | None = None,
    login: Callable[[Mapping[str, str], argparse.Namespace], swiftclient.Connection] | None = None,
) -> Iterator[tuple[swiftclient.Connection, argparse.Namespace]]:
    """Parse the options, connect (to the fake with ``--fake``) and report any failure.

    A failure ends the process with one translated sentence on standard error and the
    documented exit code; the traceback only with ``--debug``. ``sample_file`` names the
    argument holding a file to upload: with ``--fake`` and the pages' default name, the
    sample file is created when it is missing. ``login`` replaces ``connect``: it gets
    the ``OS_*`` settings and the options, and with ``--fake`` ``args.fake_allas`` is the
    fake's handle (None otherwise).
    """
    args = parser.parse_args(argv)
    messages.set_language(messages.resolve_language(args.lang))
    secrets = [os.environ.get(name, "") for name in SECRET_VARIABLES]
    conn = None
    try:
        with contextlib.ExitStack() as stack:
            stack.enter_context(debug_logging(args.debug, secrets))
            args.fake_allas = None
            if args.fake:
                args.fake_allas = stack.enter_context(offline_fake_handle())
                environ = args.fake_allas.environ("John")
                secrets += [environ["OS_PASSWORD"]]
                if sample_file and getattr(args, sample_file) == SOURCE_FILE:
                    ensure_sample_file(Path(SOURCE_FILE))
            else:
                environ = os.environ
            conn = login(environ, args) if login else connect(environ)
            stack.callback(conn.close)
            # The token the login got is as secret as the password: out of every report.
            stack.callback(lambda: remember_secret(conn.token))
            yield conn, args
    except (Exception, KeyboardInterrupt) as error:
        fail(error, args.debug, secrets, logs_in_at_keystone(conn))


def fail(
    error: BaseException, debug: bool, secrets: list[str], by_keystone: bool = False
) -> NoReturn:
    """Report ``error`` in one translated sentence (after the traceback with ``--debug``);
    ``by_keystone`` as in ``describe``."""
    message, code = describe(error, by_keystone)
    if debug:
        messages.warn(redact(traceback.format_exc(), secrets))
    messages.warn(redact(message, secrets))
    sys.exit(code)


@contextlib.contextmanager
def offline_fake() -> Iterator[dict[str, str]]:
    """Activate the fake Allas kept in ``fake_state_dir()`` and yield its ``OS_*`` login."""
    with offline_fake_handle() as allas:
        yield allas.environ("John")


@contextlib.contextmanager
def offline_fake_handle():  # -> Iterator[fake_swift.MockAllas]
    """Activate the fake Allas kept in ``fake_state_dir()`` and yield its handle."""
    from fake_swift import mock_allas  # only needed offline

    state = fake_state_dir()
    messages.say("fake_in_use", path=state)
    with mock_allas(state_dir=state) as allas:
        yield allas


def ensure_demo_object(
    conn: swiftclient.Connection, bucket: str, name: str, message_key: str
) -> None:
    """With --fake: make the bucket and a small object to work on, when they are missing."""
    conn.put_container(bucket)
    try:
        conn.head_object(bucket, name)
    except swiftclient.ClientException as error:
        if error.http_status != 404:
            raise
        conn.put_object(bucket, name, contents=SAMPLE_TEXT.encode("utf-8"))
        messages.say(message_key, bucket=bucket, object=name)


def ensure_sample_file(path: Path) -> None:
    if not path.exists():
        path.write_text(SAMPLE_TEXT, encoding="utf-8")
        messages.say("sample_created", path=path)


def quiet_library_logging() -> None:
    """swiftclient logs failed requests itself; the scripts say it once, translated."""
    logging.getLogger("swiftclient").setLevel(logging.CRITICAL)


# The loggers of the libraries that speak to Allas: swiftclient, keystoneauth1, and
# python-keystoneclient (SwiftService logs in again with it when a token expires).
LIBRARY_LOGGERS = ("swiftclient", "keystoneauth", "keystoneclient")


class _RedactingFormatter(logging.Formatter):
    """Blanks every secret in a log line, whatever the library chose to show of it."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")
        self.secrets = secrets  # the caller's list: secrets learnt later count too

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a line is logged."""

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


@contextlib.contextmanager
def debug_logging(enabled: bool, secrets: list[str]) -> Iterator[None]:
    """With ``--debug``: the libraries' own request logging on standard error.

    swiftclient shows the first characters of tokens and temp URL keys in its logs;
    here it shows none, and every line goes through ``redact`` as well.
    """
    if not enabled:
        yield
        return
    from swiftclient import client as swift_client

    handler = _StderrHandler()
    handler.setFormatter(_RedactingFormatter(secrets))
    loggers = [logging.getLogger(name) for name in LIBRARY_LOGGERS]
    saved = [(logger.level, logger.propagate) for logger in loggers]
    saved_prefix = swift_client.logger_settings["reveal_sensitive_prefix"]
    swift_client.logger_settings["reveal_sensitive_prefix"] = 0
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        logger.addHandler(handler)
    try:
        yield
    finally:
        swift_client.logger_settings["reveal_sensitive_prefix"] = saved_prefix
        for logger, (level, propagate) in zip(loggers, saved, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate


quiet_library_logging()

__all__ = [
    "BUCKET",
    "DOWNLOAD_FILE",
    "SOURCE_FILE",
    "ConfigurationError",
    "add_bucket_argument",
    "check_bucket_name",
    "parser",
    "session",
]
