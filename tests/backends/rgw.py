"""A real Ceph RGW (what CSC's Allas runs) on loopback: one monitor, one memstore OSD, radosgw.

``running_rgw(folder)`` starts the three daemons as child processes of this one (in the
foreground, so their pids are ours), with every config, data, pid, socket and log file inside
``folder``; it creates two users with Swift subusers, logs both in with Swift v1 auth and yields
a :class:`RgwServer` (a :class:`~tests.backends.common.RealServer`). On the way out, also after
an error or Ctrl-C, it stops exactly the processes it started. The caller owns ``folder``.

The configuration follows /work/shared/notes/real-backends.md: no cephx (and then
``ms_mon_client_mode = crc secure``, or radosgw waits 300 s for auth), a short
``paxos_propose_interval`` (start-up about 2 s instead of about 13 s), one replica, and
Allas' URL shape ``/swift/v1/AUTH_<id>`` from ``rgw_swift_account_in_url``.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .common import Account, RealServer, free_port
from .keystone import IDENTITIES, KeystoneServer, catalog_url

PROGRAMS = ("ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool", "ceph")
INSTALL_HINT = "apt-get install ceph-mon ceph-osd radosgw ceph-common, or run .ci/install-rgw"

START_TIMEOUT = 60.0  # seconds for the whole start-up, from nothing to two logged-in accounts
STOP_TIMEOUT = 10.0  # seconds each daemon gets after SIGTERM before SIGKILL
MEMSTORE_BYTES = 1024**3  # the OSD's capacity, in RAM

# The two users: (uid, Swift secret key). The Swift user is "<uid>:swift".
# Named as Allas names accounts, by a project id of 32 hex digits (RGW refuses some
# other names, such as ones with a hyphen, on requests that carry no token).
MAIN_USER = ("a11a5000000000000000000000000001", "main-secret-key")
OTHER_USER = ("a11a5000000000000000000000000002", "other-secret-key")
# Display names as Keystone makes them on Allas: the project's name (the fake's projects).
DISPLAY_NAMES = {MAIN_USER[0]: "project_123456", OTHER_USER[0]: "project_2999"}


@dataclass(frozen=True)
class RgwServer(RealServer):
    """A running RGW: the shared shape plus what the tests check teardown and memory with."""

    pids: tuple[int, ...]  # ceph-mon, ceph-osd, radosgw, in start order
    folder: Path  # where config, data, pid files and logs live


class RgwStartError(RuntimeError):
    """The RGW did not come up; the message ends with the tail of its logs."""


def rgw_missing() -> str | None:
    """None when the Ceph programs are on PATH, else why not and how to install them."""
    absent = [program for program in PROGRAMS if shutil.which(program) is None]
    if not absent:
        return None
    return f"Ceph RGW is not installed (missing {', '.join(absent)}): {INSTALL_HINT}"


def keystone_options(keystone: KeystoneServer) -> str:
    """radosgw's options for checking Swift tokens at ``keystone``, as Allas does."""
    service = IDENTITIES["rgw"]
    return f"""\
# Tokens are checked at Keystone. Roles are compared case-sensitively: a modern
# Keystone's "member", not the default "Member".
rgw_keystone_url = {keystone.root_url}
rgw_keystone_api_version = 3
rgw_keystone_admin_user = {service.username}
rgw_keystone_admin_password = {service.password}
rgw_keystone_admin_project = {service.project}
rgw_keystone_admin_domain = {service.domain}
rgw_keystone_accepted_roles = member, object_store_user, admin
# Global bucket names, as CSC documents for Allas.
rgw_keystone_implicit_tenants = false
rgw_keystone_verify_ssl = false
rgw_keystone_token_cache_size = 10000
"""


def ceph_conf(
    folder: Path,
    fsid: str,
    mon_port: int,
    rgw_port: int,
    memstore_bytes: int = MEMSTORE_BYTES,
    extra_rgw_options: str = "",
) -> str:
    """ceph.conf for a one-monitor, one-OSD, one-radosgw cluster whose state is all in folder."""
    run = folder / "run"
    # The daemons' admin sockets (`ceph daemon`), in the folder. Unix socket paths are limited
    # to 107 bytes; without an admin socket the daemons still run. The command-line clients,
    # several at once under one name, get none.
    asok = run / "$cluster-$name.asok"
    admin_socket = str(asok) if len(str(asok)) + 30 < 107 else ""
    return f"""\
[global]
fsid = {fsid}
mon_host = v2:127.0.0.1:{mon_port}
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_msgr1 = false
ms_bind_ipv6 = false

# No cephx. radosgw then needs "crc secure" as its mode toward the monitor, or it hangs.
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
ms_mon_client_mode = crc secure
keyring = {folder}/keyring

# Everything in the folder: no /var/lib/ceph, /var/log/ceph or /var/run/ceph.
run_dir = {run}
pid_file = {run}/$cluster-$name.pid
admin_socket =
log_file = {folder}/log/$cluster-$name.log
log_to_stderr = false
err_to_stderr = true
mon_cluster_log_file = {folder}/log/$cluster.log
crash_dir = {folder}/crash
mon_data = {folder}/mon/$cluster-$id
osd_data = {folder}/osd/$cluster-$id
rgw_data = {folder}/rgw/$cluster-$id

# One replica on one OSD, small pools.
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_warn_on_pool_no_redundancy = false

# Start-up in about 2 s instead of about 13 s.
paxos_propose_interval = 0.05

[mon]
admin_socket = {admin_socket}
mon_allow_pool_delete = true
mon_data_avail_crit = 1

[osd]
admin_socket = {admin_socket}
osd_objectstore = memstore
memstore_device_bytes = {memstore_bytes}

[client]
# A client that asks before the OSD is up waits for its next tick to ask again: 5 s by default.
objecter_tick_interval = 0.2

[client.rgw]
admin_socket = {admin_socket}
rgw_frontends = beast endpoint=127.0.0.1:{rgw_port}
rgw_thread_pool_size = 64
rgw_swift_account_in_url = true
rgw_swift_url_prefix = swift
rgw_enable_apis = s3, swift, swift_auth, admin
# Swift's versioned writes (X-Versions-Location), which RGW leaves off by default: without
# them RGW answers 412 to a container POST naming X-Versions-Location, even an empty one,
# which OpenStack Swift's functional suite sends before every cleanup.
rgw_swift_versioning_enabled = true
rgw_init_timeout = {int(START_TIMEOUT)}
{extra_rgw_options}"""


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if the test process dies without tearing down."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)


def pid_gone(pid: int) -> bool:
    """True when pid no longer runs; a zombie (exited, not yet reaped) counts as stopped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    # The state follows the command name in parentheses, which may itself contain ") ".
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def rss_bytes(pid: int) -> int:
    """The resident memory of a running process, from /proc (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class _Cluster:
    """The processes one running_rgw started, and how to stop them and explain failures."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.conf = folder / "ceph.conf"
        self.daemons: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.deadline = time.monotonic() + START_TIMEOUT

    # -- running things ------------------------------------------------------------------

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.fail(f"Ceph RGW did not start within {START_TIMEOUT:.0f} s")
        return left

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CEPH_")}
        env["CEPH_CONF"] = str(self.conf)
        return env

    def run(self, *args: str, timeout: float | None = None) -> str:
        """Run a Ceph command to completion and return its stdout; fail with its output."""
        limit = self.remaining() if timeout is None else min(timeout, self.remaining())
        try:
            done = subprocess.run(
                [args[0], "-c", str(self.conf), *args[1:]],
                cwd=self.folder,
                env=self.env(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=limit,
                check=False,
            )
        except subprocess.TimeoutExpired as timeout_error:
            self.fail(f"{' '.join(args)} did not finish within {limit:.0f} s", timeout_error)
        if done.returncode != 0:
            self.fail(
                f"{' '.join(args)} failed with exit code {done.returncode}:\n"
                + _tail((done.stdout + done.stderr).decode(errors="replace"))
            )
        return done.stdout.decode(errors="replace")

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        """Start a daemon in the foreground as our child; its output goes to log/<name>.out."""
        out = open(self.folder / "log" / f"{name}.out", "ab")  # the child keeps its own copy
        try:
            process = subprocess.Popen(
                [args[0], "-c", str(self.conf), *args[1:]],
                cwd=self.folder,
                env=self.env(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches us, and we stop them in order
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        finally:
            out.close()
        self.daemons.append((name, process))
        return process

    def check_alive(self) -> None:
        for name, process in self.daemons:
            if process.poll() is not None:
                self.fail(f"{name} exited early with exit code {process.returncode}")

    # -- stopping ------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop every daemon we started, newest first: SIGTERM, wait, then SIGKILL.

        The order matters: an OSD stopping tells the monitor it is going and waits up to
        5 s for an answer, so the monitor goes last.
        """
        try:
            for _name, process in reversed(self.daemons):
                if process.poll() is None:
                    with contextlib.suppress(ProcessLookupError):
                        process.send_signal(signal.SIGTERM)
                    try:
                        process.wait(timeout=STOP_TIMEOUT)
                    except subprocess.TimeoutExpired:
                        with contextlib.suppress(ProcessLookupError):
                            process.kill()
        finally:
            # Also when interrupted while waiting: nothing we started is left running.
            for _name, process in self.daemons:
                if process.poll() is None:
                    with contextlib.suppress(ProcessLookupError):
                        process.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=5)
        still = [f"{name} (pid {p.pid})" for name, p in self.daemons if not pid_gone(p.pid)]
        if still:
            raise RuntimeError(f"could not stop {', '.join(still)}")

    # -- explaining ----------------------------------------------------------------------

    def log_tail(self, lines: int = 15) -> str:
        parts = []
        log = self.folder / "log"
        for path in sorted(log.glob("*")) if log.is_dir() else []:
            try:
                text = path.read_text(errors="replace").splitlines()
            except OSError:
                continue
            if text:
                parts.append(f"--- {path} (last {min(lines, len(text))} lines)")
                parts.extend(text[-lines:])
        return "\n".join(parts) or "(no logs)"

    def fail(self, message: str, cause: BaseException | None = None) -> None:
        raise RgwStartError(f"{message}\n{self.log_tail()}") from cause


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _http(method: str, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def swift_login(root_url: str, uid: str, key: str) -> Account:
    """Swift v1 login at /auth/1.0, then HEAD the account: the pair allas-conf exports."""
    status, headers, body = _http(
        "GET", f"{root_url}/auth/1.0", {"X-Auth-User": f"{uid}:swift", "X-Auth-Key": key}
    )
    if status // 100 != 2:
        raise ConnectionError(f"login as {uid}:swift answered {status}: {body[:200]!r}")
    lower = {k.lower(): v for k, v in headers.items()}
    if "x-storage-url" not in lower or "x-auth-token" not in lower:
        raise ConnectionError(f"login as {uid}:swift gave no storage URL and token: {headers}")
    account = Account(storage_url=lower["x-storage-url"], token=lower["x-auth-token"])
    status, _headers, body = _http("HEAD", account.storage_url, {"X-Auth-Token": account.token})
    if status // 100 != 2:
        raise ConnectionError(f"HEAD {account.storage_url} answered {status}: {body[:200]!r}")
    return account


def _v1_login(root_url: str, uid: str, key: str) -> Callable[[], Account]:
    return lambda: swift_login(root_url, uid, key)


def _keystone_login(keystone: KeystoneServer, who: str) -> Callable[[], Account]:
    """A password login at Keystone, then HEAD of the project's account at radosgw."""

    def log_in() -> Account:
        token, document = keystone.login(who)
        storage_url = catalog_url(document)
        status, _headers, body = _http("HEAD", storage_url, {"X-Auth-Token": token})
        if status // 100 != 2:
            raise ConnectionError(f"HEAD {storage_url} answered {status}: {body[:200]!r}")
        return Account(storage_url=storage_url, token=token, login=keystone.environ(who))

    return log_in


def _create_users(cluster: _Cluster) -> None:
    """Both users with their Swift subusers, the two users' commands side by side."""
    for step in ("user", "subuser"):
        running = []
        for uid, key in (MAIN_USER, OTHER_USER):
            if step == "user":
                args = ["user", "create", f"--uid={uid}", f"--display-name={DISPLAY_NAMES[uid]}"]
            else:
                args = [
                    "subuser",
                    "create",
                    f"--subuser={uid}:swift",
                    "--access=full",
                    "--key-type=swift",
                    f"--secret-key={key}",
                ]
            running.append(
                subprocess.Popen(
                    ["radosgw-admin", "-c", str(cluster.conf), *args],
                    cwd=cluster.folder,
                    env=cluster.env(),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                )
            )
        try:
            for process in running:
                try:
                    out, _ = process.communicate(timeout=cluster.remaining())
                except subprocess.TimeoutExpired as timeout_error:
                    cluster.fail(f"radosgw-admin {step} create did not finish", timeout_error)
                if process.returncode != 0:
                    cluster.fail(
                        f"radosgw-admin {step} create failed ({process.returncode}):\n"
                        + _tail(out.decode(errors="replace"))
                    )
        finally:
            for process in running:
                if process.poll() is None:
                    process.kill()
                    process.wait()


@contextlib.contextmanager
def running_rgw(
    folder: Path,
    memstore_bytes: int = MEMSTORE_BYTES,
    keystone: KeystoneServer | None = None,
    rgw_port: int | None = None,
) -> Iterator[RgwServer]:
    """Start mon, memstore OSD and radosgw with their state in folder; yield two accounts.

    The OSD holds at most ``memstore_bytes`` of data (in RAM); writes beyond it wait.
    Without ``keystone`` the accounts are RGW's own users, logged in with Swift v1 auth;
    with it, radosgw checks tokens at that Keystone (as Allas does) and the accounts are
    John's and Mary's projects, logged in by password (``rgw_port`` is then the port
    Keystone's catalog names).
    """
    reason = rgw_missing()
    if reason:
        raise RuntimeError(reason)
    folder = Path(folder).resolve()
    # State a previous run left in the same folder is of no use (new fsid, data in RAM).
    for stale in ("mon", "osd", "rgw", "run"):
        shutil.rmtree(folder / stale, ignore_errors=True)
    for sub in ("run", "log", "crash", "mon", "osd", "rgw/ceph-rgw"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    fsid = str(uuid.uuid4())
    rgw_port = rgw_port or free_port()
    mon_port = free_port()
    while rgw_port == mon_port:
        mon_port = free_port()
    root_url = f"http://127.0.0.1:{rgw_port}"
    cluster = _Cluster(folder)
    extra = keystone_options(keystone) if keystone else ""
    cluster.conf.write_text(ceph_conf(folder, fsid, mon_port, rgw_port, memstore_bytes, extra))
    logins = {uid: _v1_login(root_url, uid, key) for uid, key in (MAIN_USER, OTHER_USER)}
    if keystone is not None:
        logins = {who: _keystone_login(keystone, who) for who in ("John", "Mary")}

    try:
        # The monitor.
        monmap = folder / "monmap"
        cluster.run(
            "monmaptool", "--create", "--clobber", "--fsid", fsid,
            "--addv", "a", f"[v2:127.0.0.1:{mon_port}]", str(monmap),
        )  # fmt: skip
        cluster.run("ceph-mon", "--mkfs", "-i", "a", "--monmap", str(monmap))
        cluster.start("ceph-mon", "ceph-mon", "-f", "-i", "a")

        # The OSD: registered with the monitor (which also waits for it), made, started.
        osd_uuid = str(uuid.uuid4())
        osd_id = cluster.run("ceph", "--connect-timeout", "30", "osd", "new", osd_uuid).strip()
        (folder / "osd" / f"ceph-{osd_id}").mkdir(exist_ok=True)
        cluster.run("ceph-osd", "-i", osd_id, "--mkfs", "--osd-uuid", osd_uuid)
        cluster.start("ceph-osd", "ceph-osd", "-f", "-i", osd_id)

        # radosgw creates its pools once the OSD is up; the users can be made meanwhile.
        cluster.start("radosgw", "radosgw", "-f", "-n", "client.rgw")
        if keystone is None:
            _create_users(cluster)

        # Wait until both accounts log in and answer HEAD.
        accounts: dict[str, Account] = {}
        last_error: Exception | None = None
        while True:
            cluster.check_alive()
            for who, log_in in logins.items():
                if who not in accounts:
                    try:
                        accounts[who] = log_in()
                    except (OSError, ConnectionError) as error:
                        last_error = error
            if len(accounts) == 2:
                break
            if time.monotonic() + 0.1 >= cluster.deadline:
                waiting = [who for who in logins if who not in accounts]
                cluster.fail(
                    f"Ceph RGW did not let {', '.join(waiting)} log in within"
                    f" {START_TIMEOUT:.0f} s: {last_error}",
                    last_error,
                )
            time.sleep(0.1)

        main, other = (accounts[who] for who in logins)
        server = RgwServer(
            name="rgw" if keystone is None else "allas",
            main=main,
            other=other,
            root_url=root_url,
            pids=tuple(process.pid for _name, process in cluster.daemons),
            folder=folder,
        )
        yield server
    finally:
        cluster.stop()


def _main() -> None:
    """python -m tests.backends.rgw [FOLDER]: start, print the accounts, wait for Ctrl-C."""
    import tempfile

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="rgw-"))
    started = time.monotonic()
    with running_rgw(folder) as server:
        print(f"started in {time.monotonic() - started:.1f} s; state in {folder}")
        print(json.dumps({"root_url": server.root_url, "pids": server.pids}))
        for label, account in (("main", server.main), ("other", server.other)):
            print(label, " ".join(f"{k}={v}" for k, v in account.environ().items()))
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == "__main__":
    _main()
