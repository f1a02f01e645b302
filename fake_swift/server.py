"""``python -m fake_swift serve``: the fake Allas over real HTTP, for any client.

Served by cheroot (CherryPy's HTTP/1.1 server): a pool of worker threads, keep-alive
connections watched by a selector, ``100 Continue`` sent as soon as a request's headers
ask for it, chunked request bodies decoded, bodies streamed to the app, and a real
listen backlog. Loopback only unless ``--public``. Ctrl-C or SIGTERM stops it; with
``--state DIR`` the store is saved after every write and again on exit. Faults are
injected, and the request log read, through ``/_fake/`` (see :mod:`fake_swift.wsgi`).
What it says to a person comes from ``allas_examples.messages`` in Finnish or English
(``--lang``, else the scripts' rule); the ``export`` lines are shell and stay as they are.
Each request is logged to standard error as its method, path, status and size, with any
temp URL signature blanked: never a header, so never a token.
"""

from __future__ import annotations

import argparse
import errno
import re
import shlex
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cheroot import server as cheroot_server
from cheroot import wsgi as cheroot_wsgi

from allas_examples import messages
from allas_examples.messages import text

from .faults import Faults
from .flavors import get_flavor
from .keystone import STORAGE_ROOT
from .messages import CLOSE_AFTER_REPLY
from .state import DEFAULT_DOMAIN_NAME, FakeState
from .wsgi import DropConnection, FakeAllasApp, create_app, is_loopback

__all__ = ["exports", "is_loopback", "main", "serve", "storage_url"]

EXAMPLE_USER = "John"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


# Worker threads: each serves one request at a time; idle keep-alive connections hold
# none. Past the pool, requests wait in the accepted queue, and connections in the
# listen backlog.
THREADS = 32
BACKLOG = 1024
# Keep-alive connections kept open at once (cheroot's default is 10: rclone, SwiftService
# and a 64-client benchmark open more), and how long one may stay idle, in seconds.
KEEP_ALIVE_CONNECTIONS = 4096
IDLE_TIMEOUT = 60
# A temp URL's signature is a credential: the log shows that there was one, not what.
_SIGNATURE = re.compile(r"(?i)(temp_url_sig=)[^&]*")


class _LoggedBody:
    """A reply body that writes the request's log line once the server has sent it."""

    def __init__(self, body: Iterable[bytes], line: Callable[[int], str]) -> None:
        self._body = body
        self._line = line
        self._sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._body:
            self._sent += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            sys.stderr.write(self._line(self._sent))


def _request_line(environ: dict[str, Any], protocol: bool = True) -> str:
    target = _SIGNATURE.sub(r"\1***", environ.get("REQUEST_URI", ""))
    line = f"{environ['REQUEST_METHOD']} {target}"
    return f"{line} {environ.get('SERVER_PROTOCOL', '')}".strip() if protocol else line


def _logged(app: FakeAllasApp) -> Callable[..., Any]:
    """``app`` with a log line per request, and a drop that closes the connection unanswered.

    The line is the request line (method, target, protocol), the status and the bytes
    sent: never a header, so never a token. A dropped connection is logged as such.
    """

    def logged(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        status: list[str] = []

        def recording(status_line: str, headers: list, exc_info: Any = None) -> Any:
            status[:] = [status_line.split(" ", 1)[0]]
            return start_response(status_line, headers, exc_info)

        remote = environ.get("REMOTE_ADDR", "-")
        try:
            body = app(environ, recording)
        except DropConnection as drop:
            sys.stderr.write(f'{remote} - "{_request_line(environ, protocol=False)}" dropped\n')
            # cheroot closes the connection without a reply for an aborted one.
            raise ConnectionAbortedError(errno.ECONNABORTED, str(drop)) from None
        request = _request_line(environ)
        return _LoggedBody(
            body, lambda sent: f'{remote} - "{request}" {status[0] if status else "-"} {sent}\n'
        )

    return logged


# Request-target bytes outside ASCII, which cheroot refuses and Swift's and RGW's servers
# take as they come.
_NOT_ASCII = re.compile(rb"[\x80-\xff]")


class _RequestLine:
    """The reader of a request's first line, giving cheroot a target it parses.

    Bytes outside ASCII are percent-encoded (the app unquotes the target, so the path is
    the same); a target starting with "//", which cheroot would read as an authority,
    loses its first slash here and gets it back in :class:`_Request`.
    """

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped
        self.doubled = False

    def readline(self, *args: Any) -> bytes:
        line = self.wrapped.readline(*args)
        parts = line.split(b" ", 2)
        if len(parts) == 3:
            target = _NOT_ASCII.sub(lambda byte: b"%%%02X" % byte[0][0], parts[1])
            self.doubled = target.startswith(b"//")
            parts[1] = target[1:] if self.doubled else target
            line = b" ".join(parts)
        return line


class _Request(cheroot_server.HTTPRequest):
    """A request as Swift's and RGW's servers take it, where cheroot is stricter: its
    target may hold raw UTF-8 (or bytes that are not UTF-8: Swift answers those 412) or
    start with "//" (a path that names nothing: 404), and its method need not be in
    capitals (the app answers an unknown one 405). A client that sends
    ``Connection: keep-alive`` gets it back on a connection kept open, as eventlet
    (Swift's server) answers; with the rgw flavor every client does, as from RGW.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "strict_mode": False})

    def send_headers(self) -> None:
        asked = self.inheaders.get(b"Connection", b"").lower() == b"keep-alive"
        asked = asked or getattr(self.server, "announces_keep_alive", False)
        if asked and not self.close_connection and self.response_protocol == "HTTP/1.1":
            if not any(name.lower() == b"connection" for name, _ in self.outheaders):
                self.outheaders.append((b"Connection", b"keep-alive"))
        super().send_headers()

    def read_request_line(self) -> bool:
        reader = self.rfile = _RequestLine(self.rfile)
        try:
            ok = super().read_request_line()
        finally:
            self.rfile = reader.wrapped
        if ok and reader.doubled:
            self.uri, self.path = b"/" + self.uri, b"/" + self.path
        return ok


class _Gateway(cheroot_wsgi.Gateway_10):
    """cheroot's WSGI gateway, closing the connection after a reply when the app asks
    (instead of first reading a refused body to its end)."""

    def start_response(self, status: str, headers: Any, exc_info: Any = None) -> Any:
        if self.env.get(CLOSE_AFTER_REPLY):
            self.req.close_connection = True
        return super().start_response(status, headers, exc_info)


class _Connection(cheroot_server.HTTPConnection):
    RequestHandlerClass = _Request


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


@dataclass(frozen=True)
class UserSpec:
    """A user ``--user`` registers: ``NAME:PASSWORD@PROJECT[,domain=D][,role=R]...``."""

    name: str
    password: str
    project: str
    domain: str = DEFAULT_DOMAIN_NAME  # the user's and the project's
    roles: tuple[str, ...] = ("member",)


def _user_spec(value: str) -> UserSpec:
    name_password, at, rest = value.rpartition("@")
    name, colon, password = name_password.partition(":")
    project, *options = rest.split(",")
    domain, roles = DEFAULT_DOMAIN_NAME, []
    for option in options:
        key, equals, setting = option.partition("=")
        if not (equals and setting) or key not in ("domain", "role"):
            raise argparse.ArgumentTypeError(text("serve_bad_user", value=value))
        if key == "domain":
            domain = setting
        else:
            roles.append(setting)
    if not (at and colon and name and password and project):
        raise argparse.ArgumentTypeError(text("serve_bad_user", value=value))
    return UserSpec(name, password, project, domain, tuple(roles) or ("member",))


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
        metavar="NAME:PASSWORD@PROJECT[,domain=D][,role=R]",
        help=text("serve_help_user"),
    )
    serve.add_argument("--state", type=Path, metavar="DIR", help=text("serve_help_state"))
    serve.add_argument("--public", action="store_true", help=text("serve_help_public"))
    serve.add_argument("--lang", choices=messages.LANGUAGES, help=text("help_lang"))
    check = commands.add_parser(
        "check", help=text("check_help"), description=text("check_help_description")
    )
    check.add_argument(
        "--flavor", default="rgw", metavar="rgw|swift", help=text("check_help_flavor")
    )
    check.add_argument("--other-rc", type=Path, metavar="FILE", help=text("check_help_other_rc"))
    check.add_argument(
        "--case", action="append", default=[], metavar="CASE", help=text("check_help_case")
    )
    check.add_argument("--lang", choices=messages.LANGUAGES, help=text("help_lang"))
    check.add_argument("--debug", action="store_true", help=text("check_help_debug"))
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
        socket.getaddrinfo(args.host, args.port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        print(text("serve_cannot_resolve", host=args.host, error=error), file=sys.stderr)
        return 2
    try:
        state = FakeState(args.state)
    except (ValueError, OSError) as error:
        print(text("serve_cannot_load", path=args.state, error=error), file=sys.stderr)
        return 2
    try:
        for spec in args.user:
            state.add_user(
                spec.name, spec.password, spec.project, spec.domain, spec.domain, spec.roles
            )
        saver = _Saver(state) if args.state is not None else None
        app = create_app(
            state,
            get_flavor(args.flavor),
            on_write=saver.after_write if saver else None,
            faults=Faults(expire_tokens=state.expire_tokens),
        )
        server = cheroot_wsgi.Server(
            (args.host, args.port),
            _logged(app),
            numthreads=THREADS,
            request_queue_size=BACKLOG,
            timeout=IDLE_TIMEOUT,
        )
        server.keep_alive_conn_limit = KEEP_ALIVE_CONNECTIONS
        server.ConnectionClass = _Connection
        server.gateway = _Gateway
        server.announces_keep_alive = get_flavor(args.flavor).announces_keep_alive
        try:
            server.prepare()
        except OSError as error:
            message = text("serve_cannot_listen", host=args.host, port=args.port, error=error)
            print(message, file=sys.stderr)
            return 1
        host, port = server.bind_addr[:2]
        origin = f"http://{_url_host(host)}:{port}"
        first = args.user[0].name if args.user else EXAMPLE_USER
        user = state.find_user_by_name(first)
        # From here a stop signal only asks the main thread to stop the server: raised
        # inside cheroot's loop it could leave a lock held that stop() then waits for.
        stopping = threading.Event()
        for signum in STOP_SIGNALS:
            signal.signal(signum, lambda *_: stopping.set())
        serving = threading.Thread(target=server.serve, name="serve", daemon=True)
        try:
            for name, value in exports(state, first, origin):
                print(f"export {name}={shlex.quote(value)}")
            print(text("serve_storage_url", url=storage_url(origin, user.default_project_id)))
            print(text("serve_serving", origin=origin), flush=True)
            serving.start()
            while not stopping.wait(0.5) and serving.is_alive():
                pass
        finally:
            for signum in STOP_SIGNALS:
                signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C may not cut the save
            server.stop()
            serving.join(10)
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
    """``python -m fake_swift serve|check [options]``; returns the exit code.

    ``check`` (comparing the fake with a real server) is :mod:`fake_swift.conformance.check`.

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
    if args.command == "check":
        # Imported here: the check's clients (swiftclient, keystoneclient) are not what a
        # server needs, and they take about a third of a second to import at every start.
        from .conformance import check

        return check.run(args)
    return 2  # pragma: no cover - argparse only accepts the commands above
