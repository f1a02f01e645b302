"""``python -m fake_swift serve``: the fake Allas over real HTTP, for any client.

Standard library only (``wsgiref`` with one thread per connection, since SwiftService
opens several at once). Loopback only unless ``--public``. Ctrl-C or SIGTERM stops it;
with ``--state DIR`` the store is saved after every write and again on exit. Faults are
injected, and the request log read, through ``/_fake/`` (see :mod:`fake_swift.wsgi`).
What it says to a person comes from ``allas_examples.messages`` in Finnish or English
(``--lang``, else the scripts' rule); the ``export`` lines are shell and stay as they are.
"""

from __future__ import annotations

import argparse
import shlex
import signal
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from socketserver import TCPServer, ThreadingMixIn
from typing import Any
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from allas_examples import messages
from allas_examples.messages import text

from .faults import Faults
from .flavors import get_flavor
from .keystone import STORAGE_ROOT
from .state import FakeState
from .wsgi import DropConnection, FakeAllasApp, create_app, is_loopback

__all__ = ["exports", "is_loopback", "main", "serve", "storage_url"]

EXAMPLE_USER = "John"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _RequestHandler(WSGIRequestHandler):
    def get_environ(self) -> dict[str, Any]:
        environ = super().get_environ()
        environ["RAW_URI"] = self.path  # the target as sent, still percent-encoded
        if self.headers.get("Content-Type") is None:
            # wsgiref fills in email.message's default, text/plain: a request sent
            # without a type must reach the service without one.
            environ.pop("CONTENT_TYPE", None)
        # http.server's parser stops at a header whose name is not a token (it takes it
        # for the start of a body): hand it and the headers after it on, so that the
        # service answers as the real servers do.
        rest = self.headers.get_payload()
        for line in rest.splitlines() if isinstance(rest, str) else ():
            name, colon, value = line.partition(":")
            if not (colon and name) or name != name.strip():
                continue
            key = name.replace("-", "_").upper()
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
            environ.setdefault(key, value.strip())
        return environ

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines only (method, path, status, size): never headers, so no tokens.
        sys.stderr.write(f"{self.address_string()} - {format % args}\n")


def _logging_drops(app: FakeAllasApp) -> Callable[..., Any]:
    """``app``, writing a log line for each connection it drops (wsgiref logs none)."""

    def logged(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        try:
            return app(environ, start_response)
        except DropConnection:
            request = f"{environ['REQUEST_METHOD']} {environ.get('RAW_URI', '')}"
            sys.stderr.write(f'{environ.get("REMOTE_ADDR", "-")} - "{request}" dropped\n')
            raise

    return logged


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host's FQDN up, which can stall for seconds.
        TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = host, port
        self.setup_environ()


class _Saver:
    """Saves the state after writes; one save covers every write finished before it."""

    def __init__(self, state: FakeState) -> None:
        self.state = state
        self._save_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self._writes = 0
        self._saved = 0
        self.failed = False

    def after_write(self) -> None:
        with self._count_lock:
            self._writes += 1
            mine = self._writes
        with self._save_lock:
            if self._saved >= mine:
                return  # a save that started after this write already covered it
            with self._count_lock:
                covered = self._writes
            try:
                self.state.save()
            except OSError as error:
                if not self.failed:
                    print(text("serve_cannot_save", error=error), file=sys.stderr)
                self.failed = True
                return
            self._saved = covered

    def save(self) -> None:
        with self._save_lock:
            self.state.save()


def _user_spec(value: str) -> tuple[str, str, str]:
    name_password, at, project = value.rpartition("@")
    name, colon, password = name_password.partition(":")
    if not (at and colon and name and password and project):
        raise argparse.ArgumentTypeError(text("serve_bad_user", value=value))
    return name, password, project


class _Parser(argparse.ArgumentParser):
    """argparse with its complaints put in the catalog's sentence and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        messages.warn(text("usage_error", detail=message))
        sys.exit(2)


def _parser() -> argparse.ArgumentParser:
    """The command line, its help in the language already chosen (see :func:`main`)."""
    parser = _Parser(prog="python -m fake_swift", description=text("serve_description"))
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    serve = commands.add_parser(
        "serve", help=text("serve_help"), description=text("serve_help_description")
    )
    serve.add_argument("--host", default="127.0.0.1", help=text("serve_help_host"))
    serve.add_argument("--port", type=int, default=0, help=text("serve_help_port"))
    serve.add_argument(
        "--flavor", choices=("rgw", "swift"), default="rgw", help=text("serve_help_flavor")
    )
    serve.add_argument(
        "--user",
        action="append",
        type=_user_spec,
        default=[],
        metavar="NAME:PASSWORD@PROJECT",
        help=text("serve_help_user"),
    )
    serve.add_argument("--state", type=Path, metavar="DIR", help=text("serve_help_state"))
    serve.add_argument("--public", action="store_true", help=text("serve_help_public"))
    serve.add_argument("--lang", choices=messages.LANGUAGES, help=text("help_lang"))
    return parser


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def exports(state: FakeState, username: str, origin: str) -> list[tuple[str, str]]:
    """The ``OS_*`` variables that log ``username`` in through the server at ``origin``."""
    user = state.find_user_by_name(username)
    project = state.projects[user.default_project_id]
    return [
        ("OS_AUTH_URL", f"{origin}/v3"),
        ("OS_IDENTITY_API_VERSION", "3"),
        ("OS_USERNAME", user.name),
        ("OS_PASSWORD", user.password),
        ("OS_USER_DOMAIN_NAME", state.domains[user.domain_id].name),
        ("OS_PROJECT_DOMAIN_NAME", state.domains[project.domain_id].name),
        ("OS_PROJECT_NAME", project.name),
    ]


def storage_url(origin: str, project_id: str) -> str:
    """The account URL of a project on the server at ``origin``."""
    return f"{origin}{urlsplit(STORAGE_ROOT).path}/AUTH_{project_id}"


class _Stop(BaseException):
    """Raised in the main thread by SIGINT or SIGTERM.

    A BaseException, as KeyboardInterrupt is: socketserver reports and swallows an
    Exception raised while it hands a connection to its thread.
    """


def _stop(signum: int, frame: Any) -> None:
    raise _Stop()


def serve(args: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM; returns the exit code."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, _stop)
    try:
        return _serve(args)
    except _Stop:  # stopped while starting: nothing was served, nothing to save
        return 0


def _serve(args: argparse.Namespace) -> int:
    if not args.public and not is_loopback(args.host):
        print(text("serve_refused_host", host=args.host), file=sys.stderr)
        return 2
    try:
        family = socket.getaddrinfo(args.host, args.port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror as error:
        print(text("serve_cannot_resolve", host=args.host, error=error), file=sys.stderr)
        return 2
    try:
        state = FakeState(args.state)
    except (ValueError, OSError) as error:
        print(text("serve_cannot_load", path=args.state, error=error), file=sys.stderr)
        return 2
    try:
        for name, password, project in args.user:
            state.add_user(name, password, project)
        saver = _Saver(state) if args.state is not None else None
        app = create_app(
            state,
            get_flavor(args.flavor),
            on_write=saver.after_write if saver else None,
            faults=Faults(expire_tokens=state.expire_tokens),
        )
        server_class = type("Server", (_ThreadingWSGIServer,), {"address_family": family})
        try:
            server = server_class((args.host, args.port), _RequestHandler)
        except OSError as error:
            message = text("serve_cannot_listen", host=args.host, port=args.port, error=error)
            print(message, file=sys.stderr)
            return 1
        server.set_app(_logging_drops(app))
        host, port = server.server_address[:2]
        origin = f"http://{_url_host(host)}:{port}"
        first = args.user[0][0] if args.user else EXAMPLE_USER
        user = state.find_user_by_name(first)
        try:
            # Inside the try: a stop that comes right after the serving line still
            # closes the server and says so.
            for name, value in exports(state, first, origin):
                print(f"export {name}={shlex.quote(value)}")
            print(text("serve_storage_url", url=storage_url(origin, user.default_project_id)))
            print(text("serve_serving", origin=origin), flush=True)
            server.serve_forever()
        except _Stop:
            pass
        finally:
            for signum in STOP_SIGNALS:
                signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C may not cut the save
            server.server_close()
        if saver is not None:
            try:
                saver.save()
            except OSError as error:
                print(text("serve_cannot_save", error=error), file=sys.stderr)
                return 1
        print(text("serve_stopped"), flush=True)
        return 0
    finally:
        state.close()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m fake_swift serve [options]``; returns the exit code.

    The language is chosen before the parser is built, so that its help is in it too.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang")
    known, _ = early.parse_known_args(argv)
    messages.set_language(messages.resolve_language(known.lang))
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2  # pragma: no cover - argparse only accepts the commands above
