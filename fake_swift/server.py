"""``python -m fake_swift serve``: the fake Allas over real HTTP, for any client.

Standard library only (``wsgiref`` with one thread per connection, since SwiftService
opens several at once). Loopback only unless ``--public``. Ctrl-C or SIGTERM stops it;
with ``--state DIR`` the store is saved after every write and again on exit.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import signal
import socket
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from socketserver import TCPServer, ThreadingMixIn
from typing import Any
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from .flavors import get_flavor
from .keystone import STORAGE_ROOT
from .state import FakeState
from .wsgi import create_app

EXAMPLE_USER = "John"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _RequestHandler(WSGIRequestHandler):
    def get_environ(self) -> dict[str, Any]:
        environ = super().get_environ()
        environ["RAW_URI"] = self.path  # the target as sent, still percent-encoded
        return environ

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines only (method, path, status, size): never headers, so no tokens.
        sys.stderr.write(f"{self.address_string()} - {format % args}\n")


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
                    print(f"fake_swift: cannot save the state: {error}", file=sys.stderr)
                self.failed = True
                return
            self._saved = covered

    def save(self) -> None:
        with self._save_lock:
            self.state.save()


def _user_spec(text: str) -> tuple[str, str, str]:
    name_password, at, project = text.rpartition("@")
    name, colon, password = name_password.partition(":")
    if not (at and colon and name and password and project):
        raise argparse.ArgumentTypeError(f"expected NAME:PASSWORD@PROJECT, got {text!r}")
    return name, password, project


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m fake_swift",
        description="The fake Allas (Swift API + Keystone v3) for tests and courses.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="serve the fake over HTTP",
        description="Serve the fake Allas over HTTP and print the OS_* variables to use it.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    serve.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    serve.add_argument("--flavor", choices=("rgw", "swift"), default="rgw")
    serve.add_argument(
        "--user",
        action="append",
        type=_user_spec,
        default=[],
        metavar="NAME:PASSWORD@PROJECT",
        help="add a user (repeatable); the first one is printed (default: John)",
    )
    serve.add_argument("--state", type=Path, metavar="DIR", help="load and save the store here")
    serve.add_argument(
        "--public", action="store_true", help="allow a --host that is not a loopback address"
    )
    return parser


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
        print(
            f"fake_swift: refusing to listen on {args.host}, which is not a loopback address "
            "(anyone who reaches it can log in with the printed password); "
            "add --public if you mean it.",
            file=sys.stderr,
        )
        return 2
    try:
        family = socket.getaddrinfo(args.host, args.port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror as error:
        print(f"fake_swift: cannot resolve --host {args.host}: {error}", file=sys.stderr)
        return 2
    try:
        state = FakeState(args.state)
    except (ValueError, OSError) as error:
        print(f"fake_swift: cannot load the state in {args.state}: {error}", file=sys.stderr)
        return 2
    try:
        for name, password, project in args.user:
            state.add_user(name, password, project)
        saver = _Saver(state) if args.state is not None else None
        app = create_app(
            state, get_flavor(args.flavor), on_write=saver.after_write if saver else None
        )
        server_class = type("Server", (_ThreadingWSGIServer,), {"address_family": family})
        try:
            server = server_class((args.host, args.port), _RequestHandler)
        except OSError as error:
            print(f"fake_swift: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
            return 1
        server.set_app(app)
        host, port = server.server_address[:2]
        origin = f"http://{_url_host(host)}:{port}"
        first = args.user[0][0] if args.user else EXAMPLE_USER
        user = state.find_user_by_name(first)
        for name, value in exports(state, first, origin):
            print(f"export {name}={shlex.quote(value)}")
        print(f"# Storage URL: {storage_url(origin, user.default_project_id)}")
        print(f"Serving on {origin} (Ctrl-C stops)", flush=True)
        try:
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
                print(f"fake_swift: cannot save the state: {error}", file=sys.stderr)
                return 1
        print("Stopped.", flush=True)
        return 0
    finally:
        state.close()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m fake_swift serve [options]``; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2  # pragma: no cover - argparse only accepts the commands above
