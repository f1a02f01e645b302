"""A real OpenStack Swift (PyPI ``swift``) on loopback: a proxy with tempauth, and account,
container and object servers, each its own child process, all state in one folder.

    with running_swift(folder) as server:   # a RealServer(name="swift", ...)
        swiftclient.Connection(preauthurl=server.main.storage_url,
                               preauthtoken=server.main.token)

Rings have one replica and one device, built with ``RingBuilder``. Tokens are tempauth's
Fernet tokens, and memcached is replaced by a small cache inside the proxy process, so
any bad token gets 401. Accounts' counts (X-Account-Object-Count, the counts in account
listings) only move when the container-updater runs, as in a real cluster:
``swift_update_counts(folder)`` runs it once.

The Swift processes never share this (test) process: eventlet stays out of it.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import importlib.util
import os
import pwd
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .common import Account, RealServer, stop_processes
from .keystone import IDENTITIES, KeystoneServer, catalog_url

INSTALL_HINT = "pip install -e '.[real]', or run .ci/install-swift"

# tempauth's two accounts, AUTH_main and AUTH_other, each with one admin (owner) user.
MAIN_USER, MAIN_KEY = "main:tester", "main-secret"
OTHER_USER, OTHER_KEY = "other:tester", "other-secret"

# Swift's own all-in-one development pipeline (doc/saio/swift/proxy-server.conf), less
# ratelimit, crossdomain, container_sync and encryption at rest; "{auth}" is tempauth (and
# s3api before it) or, with a Keystone, keystonemiddleware's authtoken and keystoneauth.
PIPELINE = (
    "catch_errors gatekeeper healthcheck proxy-logging cache etag-quoter listing_formats bulk"
    " tempurl {auth} staticweb copy container-quotas account-quotas slo dlo versioned_writes"
    " symlink proxy-logging proxy-server"
)
# keystoneauth's operator_roles: who owns a project's account. Swift's default is admin and
# swiftoperator; as on Allas (whose RGW accepts member), project members own theirs too.
OPERATOR_ROLES = "admin, swiftoperator, member"

# Started in this order, the proxy last, after the rings are built while the others
# start. Values: the module whose main() runs the server.
SERVERS = {
    "account": "swift.account.server",
    "container": "swift.container.server",
    "object": "swift.obj.server",
    "proxy": "swift.proxy.server",
}
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0

# The program every Swift child runs: ``python launch.py MODULE CONF -v``, or
# ``python launch.py rings ETC SERVER=PORT...``. Written to <folder>/run/launch.py.
_LAUNCHER = '''\
"""Runs one Swift server or daemon for tests/backends/swift.py; see that file."""
import importlib
import json as _json
import sys
import time as _time

try:  # Linux: SIGTERM when the test process that started us dies without stopping us.
    import ctypes
    import signal

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
except (OSError, AttributeError):
    pass


class LocalCache:
    """memcached's part, inside the proxy (right only with workers = 0).

    tempauth keeps "AUTH_tk" tokens here (with no cache, such a token answers 500, not
    401), and the proxy caches account and container info, as it does with memcached.
    Values go through JSON as MemcacheRing's do, so callers never share objects.
    """

    def __init__(self):
        self.items = {}

    def get(self, key, raise_on_error=False):
        expires, serialized, value = self.items.get(key, (None, False, None))
        if expires is not None and expires <= _time.time():
            del self.items[key]
            return None
        return _json.loads(value) if serialized and value is not None else value

    def set(self, key, value, serialize=True, time=0, min_compress_len=0,
            raise_on_error=False):
        ttl = float(time or 0)
        expires = None if ttl <= 0 else ttl if ttl > 30 * 86400 else _time.time() + ttl
        self.items[key] = (expires, serialize, _json.dumps(value) if serialize else value)

    def incr(self, key, delta=1, time=0):
        value = max(0, int(self.get(key) or 0) + int(delta))
        self.set(key, value, time=time)
        return value

    def decr(self, key, delta=1, time=0):
        return self.incr(key, -delta, time)

    def delete(self, key, server_key=None):
        self.items.pop(key, None)

    def set_multi(self, mapping, server_key, serialize=True, time=0,
                  min_compress_len=0, raise_on_error=False):
        for key, value in mapping.items():
            self.set(key, value, serialize, time)

    def get_multi(self, keys, server_key):
        return [self.get(key) for key in keys]


def local_cache_filter(global_conf, **local_conf):
    """The proxy's "cache" filter: paste.filter_factory = __main__:local_cache_filter."""
    cache = LocalCache()

    def make(app):
        def with_cache(env, start_response):
            env["swift.cache"] = cache
            return app(env, start_response)

        return with_cache

    return make


def build_rings(etc, *server_ports):
    from swift.common.ring import RingBuilder

    for server_port in server_ports:
        server, port = server_port.split("=")
        builder = RingBuilder(6, 1, 1)  # 64 partitions, one replica
        builder.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1",
                         "port": int(port), "device": "d0", "weight": 100, "meta": ""})
        builder.rebalance()
        builder.get_ring().save(f"{etc}/{server}.ring.gz")


if __name__ == "__main__":
    target = sys.argv.pop(1)
    if target == "rings":
        build_rings(*sys.argv[1:])
        sys.exit(0)
    # Daemons (the container-updater) read swift.conf from /etc/swift whatever their
    # config says; servers honour swift_dir. Point all of them at our folder.
    from swift.common.utils import set_swift_dir

    set_swift_dir(sys.argv[1].rsplit("/", 1)[0])
    sys.exit(importlib.import_module(target).main())
'''


def swift_missing() -> str | None:
    """None when OpenStack Swift is importable here, else why not and how to install it.

    Looks the modules up without importing them (importing Swift imports eventlet).
    """
    modules = ("swift.common.wsgi", "eventlet", "xattr", "pyeclib", "cryptography")
    for module in (*modules, "keystonemiddleware"):
        try:
            found = importlib.util.find_spec(module) is not None
        except ImportError:
            found = False
        if not found:
            return f"OpenStack Swift is not installed (no module {module}): {INSTALL_HINT}"
    return None


def _free_ports(count: int) -> list[int]:
    """Distinct ports on 127.0.0.1 that nothing listens on right now."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _ini(sections: dict[str, dict[str, object]]) -> str:
    lines = []
    for name, options in sections.items():
        lines.append(f"[{name}]")
        lines.extend(f"{key} = {value}" for key, value in options.items())
        lines.append("")
    return "\n".join(lines)


def _write_configs(folder: Path, ports: dict[str, int], keystone: KeystoneServer | None) -> Path:
    etc = folder / "etc"
    for sub in ("etc", "devices/d0", "cache", "logs", "run"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "run" / "launch.py").write_text(_LAUNCHER)
    if not (etc / "swift.conf").exists():  # kept, so a restart in this folder sees the data
        (etc / "swift.conf").write_text(
            _ini(
                {
                    "swift-hash": {
                        "swift_hash_path_prefix": secrets.token_hex(8),
                        "swift_hash_path_suffix": secrets.token_hex(8),
                    },
                    "storage-policy:0": {"name": "Policy-0", "default": "yes"},
                }
            )
        )
    common = {
        "bind_ip": "127.0.0.1",
        "workers": 0,
        # The servers drop privileges to this user, "swift" by default: stay who we are.
        "user": pwd.getpwuid(os.getuid()).pw_name,
        "swift_dir": etc,
        "devices": folder / "devices",
        "mount_check": "false",
        "recon_cache_path": folder / "cache",
        "disable_fallocate": "true",
        "log_level": "INFO",
        # How long a server retries binding a port that is taken (Swift's default: 30 s).
        "bind_timeout": 5,
    }
    backends = {
        "account": {"app:account-server": {"use": "egg:swift#account"}},
        "container": {
            "app:container-server": {"use": "egg:swift#container"},
            # For swift_update_counts(): one sweep with no pauses.
            "container-updater": {"slowdown": 0, "concurrency": 1},
        },
        "object": {"app:object-server": {"use": "egg:swift#object"}},
    }
    for server, sections in backends.items():
        conf = {
            "DEFAULT": {**common, "bind_port": ports[server], "log_name": f"{server}-server"},
            "pipeline:main": {"pipeline": f"{server}-server"},
            **sections,
        }
        (etc / f"{server}-server.conf").write_text(_ini(conf))

    if keystone is None:
        auth = "s3api tempauth"
        auth_filters = {
            "filter:s3api": {"use": "egg:swift#s3api"},
            "filter:tempauth": {
                "use": "egg:swift#tempauth",
                "fernet_key_k1": base64.urlsafe_b64encode(os.urandom(32)).decode("ascii"),
                "active_fernet_key_id": "k1",
                f"user_{MAIN_USER.replace(':', '_')}": f"{MAIN_KEY} .admin",
                f"user_{OTHER_USER.replace(':', '_')}": f"{OTHER_KEY} .admin",
            },
        }
    else:
        service = IDENTITIES["rgw"]  # the storage's service user, which may check tokens
        auth = "authtoken keystoneauth"
        auth_filters = {
            "filter:authtoken": {
                "paste.filter_factory": "keystonemiddleware.auth_token:filter_factory",
                "www_authenticate_uri": keystone.auth_url,
                "auth_url": keystone.root_url,
                "auth_type": "password",
                "username": service.username,
                "password": service.password,
                "project_name": service.project,
                "user_domain_id": "default",
                "project_domain_id": "default",
                "delay_auth_decision": "true",
                "include_service_catalog": "false",
                "log_name": "authtoken",
            },
            "filter:keystoneauth": {
                "use": "egg:swift#keystoneauth",
                "operator_roles": OPERATOR_ROLES,
            },
        }
    proxy = {
        "DEFAULT": {**common, "bind_port": ports["proxy"], "log_name": "proxy-server"},
        "pipeline:main": {"pipeline": PIPELINE.format(auth=auth)},
        "app:proxy-server": {"use": "egg:swift#proxy", "account_autocreate": "true"},
        "filter:catch_errors": {"use": "egg:swift#catch_errors"},
        "filter:gatekeeper": {"use": "egg:swift#gatekeeper"},
        "filter:healthcheck": {"use": "egg:swift#healthcheck"},
        "filter:proxy-logging": {"use": "egg:swift#proxy_logging"},
        "filter:cache": {"paste.filter_factory": "__main__:local_cache_filter"},
        "filter:etag-quoter": {"use": "egg:swift#etag_quoter"},
        "filter:listing_formats": {"use": "egg:swift#listing_formats"},
        "filter:bulk": {"use": "egg:swift#bulk"},
        "filter:tempurl": {"use": "egg:swift#tempurl"},
        **auth_filters,
        "filter:staticweb": {"use": "egg:swift#staticweb"},
        "filter:copy": {"use": "egg:swift#copy"},
        "filter:container-quotas": {"use": "egg:swift#container_quotas"},
        "filter:account-quotas": {"use": "egg:swift#account_quotas"},
        "filter:slo": {"use": "egg:swift#slo"},
        "filter:dlo": {"use": "egg:swift#dlo"},
        "filter:versioned_writes": {
            "use": "egg:swift#versioned_writes",
            "allow_versioned_writes": "true",
            "allow_object_versioning": "true",
        },
        "filter:symlink": {"use": "egg:swift#symlink"},
    }
    (etc / "proxy-server.conf").write_text(_ini(proxy))
    return etc


def _launch(folder: Path, *args: str) -> list[str]:
    return [sys.executable, str(folder / "run" / "launch.py"), *args]


def _build_rings(folder: Path, etc: Path, ports: dict[str, int]) -> None:
    pairs = [f"{server}={ports[server]}" for server in ("account", "container", "object")]
    result = subprocess.run(
        _launch(folder, "rings", str(etc), *pairs),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode:
        raise RuntimeError(f"building Swift's rings failed:\n{result.stderr[-3000:]}")


def _start(argv: list[str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )


def _stop(processes: list[subprocess.Popen]) -> None:
    stop_processes(processes, STOP_TIMEOUT)


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(text[-lines:]) or "(empty log)"


def _request(port: int, method: str, path: str, headers: dict[str, str], timeout: float = 5):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response
    finally:
        conn.close()


def _backend_answers(port: int, server: str) -> None:
    """The backend server on ``port`` is Swift's, not something else listening there."""
    response = _request(port, "OPTIONS", "/", {}, timeout=2)
    if not (response.getheader("Server") or "").startswith(f"{server}-server/"):
        raise ConnectionError(f"port {port} is not answered by the {server}-server")


def _login(port: int, user: str, key: str) -> Account:
    """v1 login, then HEAD of the account (which also reaches the account server)."""
    response = _request(port, "GET", "/auth/v1.0", {"X-Auth-User": user, "X-Auth-Key": key})
    if response.status // 100 != 2:
        raise ConnectionError(f"login of {user} answered {response.status} {response.reason}")
    account = Account(response.getheader("X-Storage-Url"), response.getheader("X-Auth-Token"))
    path = "/" + account.storage_url.split("/", 3)[3]
    head = _request(port, "HEAD", path, {"X-Auth-Token": account.token})
    if head.status // 100 != 2:
        raise ConnectionError(f"HEAD of {path} answered {head.status} {head.reason}")
    return account


def _keystone_login(port: int, keystone: KeystoneServer, who: str) -> Account:
    """A password login at Keystone, then HEAD of the account its catalog names."""
    token, document = keystone.login(who)
    account = Account(catalog_url(document), token, login=keystone.environ(who))
    path = "/" + account.storage_url.split("/", 3)[3]
    head = _request(port, "HEAD", path, {"X-Auth-Token": token})
    if head.status // 100 != 2:
        raise ConnectionError(f"HEAD of {path} answered {head.status} {head.reason}")
    return account


def _wait_ready(
    processes: dict[str, subprocess.Popen],
    ports: dict[str, int],
    logs: Path,
    keystone: KeystoneServer | None,
) -> tuple[Account, Account]:
    deadline = time.monotonic() + START_TIMEOUT
    last_error: Exception | None = None
    while True:
        for server, proc in processes.items():
            if proc.poll() is not None:
                raise RuntimeError(
                    f"swift {server}-server exited with {proc.returncode} while starting;"
                    f" end of {logs / f'{server}.log'}:\n{_tail(logs / f'{server}.log')}"
                )
        try:
            for server in ("account", "container", "object"):
                _backend_answers(ports[server], server)
            if keystone is not None:
                return (
                    _keystone_login(ports["proxy"], keystone, "John"),
                    _keystone_login(ports["proxy"], keystone, "Mary"),
                )
            return (
                _login(ports["proxy"], MAIN_USER, MAIN_KEY),
                _login(ports["proxy"], OTHER_USER, OTHER_KEY),
            )
        except (OSError, http.client.HTTPException) as error:
            last_error = error
        if time.monotonic() > deadline:
            tails = "\n".join(
                f"--- {logs / f'{server}.log'}:\n{_tail(logs / f'{server}.log')}"
                for server in processes
            )
            raise TimeoutError(
                f"swift was not ready after {START_TIMEOUT:.0f} s ({last_error}):\n{tails}"
            )
        time.sleep(0.1)


@contextlib.contextmanager
def running_swift(
    folder: Path, keystone: KeystoneServer | None = None, proxy_port: int | None = None
) -> Iterator[RealServer]:
    """Start Swift with all its state in ``folder`` (kept afterwards); stop all it started.

    Without ``keystone`` the accounts are tempauth's (v1 login); with it, the proxy checks
    tokens at that Keystone (keystonemiddleware's authtoken, then keystoneauth) and the
    accounts are John's and Mary's projects, logged in by password; ``proxy_port`` is then
    the port Keystone's catalog names (see :func:`running_swift_with_keystone`).

    Configs and rings go to ``folder/etc``, data to ``folder/devices``, each server's
    log to ``folder/logs/<server>.log``; the started pids are appended to
    ``folder/run/pids`` (see ``started_pids``). On exit, also when the body raises or
    on KeyboardInterrupt, exactly those processes get SIGTERM, then SIGKILL after
    STOP_TIMEOUT, and are reaped.
    """
    reason = swift_missing()
    if reason:
        raise RuntimeError(reason)
    folder = Path(folder).resolve()
    ports = dict(zip(SERVERS, _free_ports(len(SERVERS)), strict=True))
    if proxy_port is not None:
        ports["proxy"] = proxy_port
    etc = _write_configs(folder, ports, keystone)
    logs = folder / "logs"
    processes: dict[str, subprocess.Popen] = {}
    try:
        for server, module in SERVERS.items():
            if server == "proxy":  # only the proxy reads rings as it starts
                _build_rings(folder, etc, ports)
            argv = _launch(folder, module, str(etc / f"{server}-server.conf"), "-v")
            processes[server] = _start(argv, logs / f"{server}.log")
            with open(folder / "run" / "pids", "a") as pids:
                pids.write(f"{processes[server].pid}\n")
        main, other = _wait_ready(processes, ports, logs, keystone)
        yield RealServer(
            name="swift", main=main, other=other, root_url=f"http://127.0.0.1:{ports['proxy']}"
        )
    finally:
        _stop(list(processes.values()))


@dataclass(frozen=True)
class KeystoneSwiftServer(RealServer):
    """Swift checking tokens at a real Keystone: the shared shape, and the Keystone."""

    keystone: KeystoneServer


@contextlib.contextmanager
def running_swift_with_keystone(folder: Path) -> Iterator[RealServer]:
    """A real Keystone (:mod:`backends.keystone`) and Swift checking its tokens, as an
    OpenStack cloud runs them; Keystone's state in ``folder/keystone``, Swift's in
    ``folder/swift``."""
    from .common import free_port
    from .keystone import running_keystone

    folder = Path(folder).resolve()
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    with (
        running_keystone(folder / "keystone", root, storage_path="/v1") as keystone,
        running_swift(folder / "swift", keystone=keystone, proxy_port=port) as swift,
    ):
        yield KeystoneSwiftServer(
            name="swift",
            main=swift.main,
            other=swift.other,
            root_url=swift.root_url,
            keystone=keystone,
        )


def started_pids(folder: Path) -> list[int]:
    """The pids that ``running_swift(folder)`` started (all of its runs in this folder)."""
    path = Path(folder) / "run" / "pids"
    if not path.exists():
        return []
    return [int(line) for line in path.read_text().split()]


def swift_update_counts(folder: Path, timeout: float = 60.0) -> None:
    """Run the container-updater once (about 0.5 s), so accounts show current counts."""
    folder = Path(folder).resolve()
    conf = folder / "etc" / "container-server.conf"
    log = folder / "logs" / "container-updater.log"
    with open(log, "ab") as out:
        result = subprocess.run(
            _launch(folder, "swift.container.updater", str(conf), "once", "-v"),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
    if result.returncode:
        raise RuntimeError(
            f"swift container-updater exited with {result.returncode}:\n{_tail(log)}"
        )
