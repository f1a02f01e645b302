"""A real OpenStack Keystone v3 (what Allas logs in with) on loopback, from a template.

``running_keystone(folder)`` serves Keystone from its own virtual environment
(``.venv-keystone``, made by ``.ci/install-keystone``) with waitress on 127.0.0.1, its
sqlite database and Fernet keys in ``folder``, and yields a :class:`KeystoneServer`. It
stops exactly the process it started. The first start on a machine bootstraps Keystone and
registers the identities below into a template under ``.cache/keystone/``; every later
start copies the template in (about 2 s instead of 10-15 s).

The identities, as the tests and CSC's pages name them:
- John / John1234, member of project_123456 (the pages' example), and Mary / Mary1234,
  member of project_654321, both in domain Default;
- Reader / Reader1234, holding only the ``reader`` role in project_123456;
- a second domain, ``Domain2``, with its own John (John5678) in its own project_123456;
- RGW's service user, with the ``service`` role in project ``service``.
The object-store endpoint is ``<storage root>/swift/v1/AUTH_%(project_id)s``, filled in by
Keystone for each project; the storage root is given when Keystone starts.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .common import free_port, stop_processes

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("KEYSTONE_VENV", ROOT / ".venv-keystone"))
TEMPLATES = ROOT / ".cache" / "keystone"
INSTALL_HINT = "run .ci/install-keystone (Keystone in a virtual environment of its own)"
START_TIMEOUT = 90.0  # seconds, from nothing (bootstrap included) to answering logins
REGION = "regionOne"
# Placeholders in the template's endpoints, replaced by the real addresses at each start.
KEYSTONE_PLACEHOLDER = "http://keystone.invalid"
STORAGE_PLACEHOLDER = "http://storage.invalid"
SERVICE_PASSWORD = "rgw-service-secret"
# Allas' tokens last 8 hours (Keystone's default is 1 hour).
TOKEN_LIFETIME = 8 * 3600
ADMIN_PASSWORD = "admin-secret"


@dataclass(frozen=True)
class Identity:
    """A user who logs in with a password to one project."""

    username: str
    password: str
    project: str
    domain: str = "Default"
    roles: tuple[str, ...] = ("member",)


# Who the template holds, by the name the tests use for them.
IDENTITIES = {
    "John": Identity("John", "John1234", "project_123456"),
    "Mary": Identity("Mary", "Mary1234", "project_654321"),
    "Reader": Identity("Reader", "Reader1234", "project_123456", roles=("reader",)),
    "John@Domain2": Identity("John", "John5678", "project_123456", domain="Domain2"),
    "rgw": Identity("rgw", SERVICE_PASSWORD, "service", roles=("service",)),
}
# The users OpenStack Swift's functional suite asks for (its test.conf): owners of two
# projects, a user of the first project without operator rights (reader only), and an
# owner of a project in a second domain.
FUNCTEST_IDENTITIES = {
    "tester": Identity("tester", "testing", "test"),
    "tester2": Identity("tester2", "testing2", "test2"),
    "tester3": Identity("tester3", "testing3", "test", roles=("reader",)),
    "tester4": Identity("tester4", "testing4", "test4", domain="test-domain"),
}
# Every identity the template holds.
ALL_IDENTITIES = {**IDENTITIES, **FUNCTEST_IDENTITIES}


@dataclass(frozen=True)
class KeystoneServer:
    """A running Keystone: where it answers, and the ids of what it holds."""

    root_url: str  # http://127.0.0.1:PORT
    pid: int
    folder: Path
    project_ids: dict[str, str] = field(default_factory=dict)  # "<domain>/<name>" -> id
    user_ids: dict[str, str] = field(default_factory=dict)  # ALL_IDENTITIES key -> id
    domain_ids: dict[str, str] = field(default_factory=dict)  # name -> id
    role_ids: dict[str, str] = field(default_factory=dict)  # name -> id

    @property
    def auth_url(self) -> str:
        return f"{self.root_url}/v3"

    def environ(self, who: str = "John") -> dict[str, str]:
        """The ``OS_*`` variables of an OpenStack RC file that log ``who`` in by password."""
        identity = ALL_IDENTITIES[who]
        return {
            "OS_AUTH_URL": self.auth_url,
            "OS_IDENTITY_API_VERSION": "3",
            "OS_USERNAME": identity.username,
            "OS_PASSWORD": identity.password,
            "OS_USER_DOMAIN_NAME": identity.domain,
            "OS_PROJECT_DOMAIN_NAME": identity.domain,
            "OS_PROJECT_NAME": identity.project,
        }

    def project_id(self, who: str = "John") -> str:
        identity = ALL_IDENTITIES[who]
        return self.project_ids[f"{identity.domain}/{identity.project}"]

    def login(self, who: str = "John") -> tuple[str, dict]:
        """A password login scoped to the user's project: (token, token document)."""
        identity = ALL_IDENTITIES[who]
        return login(self.auth_url, identity)

    def application_credential(
        self, who: str = "John", name: str = "allas-examples", roles: list[str] | None = None
    ) -> tuple[str, str]:
        """``who`` creates an application credential for their project, as users do with
        ``openstack application credential create`` (replacing a same-named one);
        ``roles`` restricts it to those roles. Returns (credential id, secret)."""
        token, document = self.login(who)
        user_id = document["token"]["user"]["id"]
        url = f"{self.auth_url}/users/{user_id}/application_credentials"
        status, _headers, found = http("GET", f"{url}?name={name}", token=token)
        for old in (found or {}).get("application_credentials", []):
            http("DELETE", f"{url}/{old['id']}", token=token)
        body: dict = {"name": name}
        if roles is not None:
            body["roles"] = [{"name": role} for role in roles]
        status, _headers, created = http("POST", url, {"application_credential": body}, token)
        if status != 201 or not created:
            raise RuntimeError(f"creating application credential {name} answered {status}")
        credential = created["application_credential"]
        return credential["id"], credential["secret"]

    def environ_for_application_credential(self, credential_id: str, secret: str) -> dict:
        """The ``OS_*`` variables of an application credential's RC file."""
        return {
            "OS_AUTH_TYPE": "v3applicationcredential",
            "OS_AUTH_URL": self.auth_url,
            "OS_IDENTITY_API_VERSION": "3",
            "OS_APPLICATION_CREDENTIAL_ID": credential_id,
            "OS_APPLICATION_CREDENTIAL_SECRET": secret,
        }


class KeystoneStartError(RuntimeError):
    """Keystone did not come up; the message ends with the tail of its log."""


def keystone_missing() -> str | None:
    """None when Keystone and waitress are in their virtual environment, else why not."""
    if not (VENV / "bin" / "keystone-manage").exists():
        return f"Keystone is not installed in {VENV}: {INSTALL_HINT}"
    if not list((VENV / "lib").glob("python3*/site-packages/waitress")):
        return f"waitress is not installed in {VENV}: {INSTALL_HINT}"
    return None


# --- HTTP, as the tests' own small client ---------------------------------------------


def http(
    method: str, url: str, body: dict | None = None, token: str | None = None
) -> tuple[int, dict[str, str], dict | None]:
    """One JSON request: (status, headers with lower-case names, JSON body or None)."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["X-Auth-Token"] = token
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, head, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, head, raw = error.code, error.headers, error.read()
    lower = {key.lower(): value for key, value in head.items()}
    return status, lower, (json.loads(raw) if raw.strip() else None)


def login(auth_url: str, identity: Identity) -> tuple[str, dict]:
    status, headers, body = http(
        "POST",
        f"{auth_url}/auth/tokens",
        {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": identity.username,
                            "password": identity.password,
                            "domain": {"name": identity.domain},
                        }
                    },
                },
                "scope": {
                    "project": {"name": identity.project, "domain": {"name": identity.domain}}
                },
            }
        },
    )
    if status != 201:
        raise ConnectionError(f"login of {identity.username} answered {status}: {body}")
    return headers["x-subject-token"], body


def catalog_url(document: dict, kind: str = "object-store", interface: str = "public") -> str:
    """The URL of a service in a token document's catalog."""
    for service in document["token"]["catalog"]:
        if service["type"] == kind:
            for endpoint in service["endpoints"]:
                if endpoint["interface"] == interface:
                    return endpoint["url"]
    raise LookupError(f"no {interface} {kind} endpoint in the catalog")


# --- files ----------------------------------------------------------------------------


def keystone_conf(folder: Path, token_lifetime: int) -> str:
    return f"""\
[DEFAULT]
log_file = {folder}/keystone.log
use_stderr = false

[database]
connection = sqlite:///{folder}/keystone.db

[token]
provider = fernet
expiration = {token_lifetime}

[fernet_tokens]
key_repository = {folder}/fernet-keys

[fernet_receipts]
key_repository = {folder}/fernet-receipts

[credential]
key_repository = {folder}/credential-keys

[identity]
# Cheap password checks: the tests log in thousands of times.
password_hash_rounds = 4
"""


KEY_FOLDERS = ("fernet-keys", "fernet-receipts", "credential-keys")


def _template_key() -> str:
    """Changes when Keystone's version or what the template holds changes."""
    from importlib.metadata import PathDistribution

    distributions = list((VENV / "lib").glob("python3*/site-packages/keystone-*.dist-info"))
    version = PathDistribution(distributions[0]).version if distributions else "unknown"
    spec = repr(
        (version, sorted(ALL_IDENTITIES.items()), KEYSTONE_PLACEHOLDER, STORAGE_PLACEHOLDER)
    )
    return hashlib.sha256(spec.encode()).hexdigest()[:16]


# Keystone reads its options from the command line when it loads (oslo.config), so
# waitress is started from Python with the arguments taken away first.
SERVE = """\
import sys
port = int(sys.argv.pop())
import waitress
from keystone.wsgi.api import application
waitress.serve(application, host="127.0.0.1", port=port, threads=8, backlog=1024,
               connection_limit=1000, ident="keystone", _quiet=True)
"""


class _Process:
    """One Keystone process served by waitress, ours by pid, with its log for errors."""

    def __init__(self, folder: Path, conf: Path, port: int, deadline: float) -> None:
        self.folder = folder
        self.root_url = f"http://127.0.0.1:{port}"
        self.deadline = deadline
        out = open(folder / "waitress.out", "ab")
        try:
            self.process = subprocess.Popen(
                [str(VENV / "bin" / "python"), "-c", SERVE, str(port)],
                cwd=folder,
                env=_env(conf),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            out.close()

    def wait_until_serving(self) -> None:
        while True:
            if self.process.poll() is not None:
                self.fail(f"Keystone exited early with exit code {self.process.returncode}")
            with contextlib.suppress(OSError):
                if http("GET", f"{self.root_url}/v3")[0] == 200:
                    return
            if time.monotonic() > self.deadline:
                self.fail(f"Keystone did not answer within {START_TIMEOUT:.0f} s")
            time.sleep(0.1)

    def stop(self) -> None:
        stop_processes([self.process])

    def fail(self, message: str) -> None:
        raise KeystoneStartError(f"{message}\n{_log_tail(self.folder)}")


def _env(conf: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "PYTHON"))}
    env["OS_KEYSTONE_CONFIG_FILES"] = str(conf)
    return env


def _log_tail(folder: Path, lines: int = 20) -> str:
    parts = []
    for name in ("keystone.log", "waitress.out", "manage.out"):
        path = folder / name
        if path.exists():
            text = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path}\n" + "\n".join(text))
    return "\n".join(parts) or "(no logs)"


def _manage(folder: Path, conf: Path, *args: str) -> subprocess.Popen[bytes]:
    command = [str(VENV / "bin" / "keystone-manage"), "--config-file", str(conf), *args]
    out = open(folder / "manage.out", "ab")
    try:
        return subprocess.Popen(
            command, cwd=folder, env=_env(conf), stdin=subprocess.DEVNULL, stdout=out, stderr=out
        )
    finally:
        out.close()


def _finish(folder: Path, running: list[subprocess.Popen[bytes]], deadline: float) -> None:
    for process in running:
        try:
            code = process.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            message = f"keystone-manage did not finish\n{_log_tail(folder)}"
            raise KeystoneStartError(message) from None
        if code != 0:
            raise KeystoneStartError(
                f"keystone-manage {process.args[3:]} failed ({code})\n{_log_tail(folder)}"
            )


def _owner_args() -> list[str]:
    user = os.environ.get("USER") or "root"
    if os.geteuid() == 0:
        user = "root"
    import grp
    import pwd

    group = grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name
    return ["--keystone-user", user, "--keystone-group", group]


def _bootstrap(folder: Path, deadline: float) -> None:
    """A new Keystone in folder: schema, keys, admin, roles, catalog and the identities."""
    conf = folder / "keystone.conf"
    conf.write_text(keystone_conf(folder, 3600))
    for name in KEY_FOLDERS:
        (folder / name).mkdir()
    # The schema and the key folders may be made side by side; bootstrap needs the keys.
    _finish(
        folder,
        [
            _manage(folder, conf, "db_sync"),
            _manage(folder, conf, "fernet_setup", *_owner_args()),
            _manage(folder, conf, "credential_setup", *_owner_args()),
        ],
        deadline,
    )
    _finish(
        folder,
        [
            _manage(
                folder,
                conf,
                "bootstrap",
                "--bootstrap-password",
                ADMIN_PASSWORD,
                "--bootstrap-admin-url",
                f"{KEYSTONE_PLACEHOLDER}/v3",
                "--bootstrap-internal-url",
                f"{KEYSTONE_PLACEHOLDER}/v3",
                "--bootstrap-public-url",
                f"{KEYSTONE_PLACEHOLDER}/v3",
                "--bootstrap-region-id",
                REGION,
            )  # fmt: skip
        ],
        deadline,
    )
    process = _Process(folder, conf, free_port(), deadline)
    try:
        process.wait_until_serving()
        _register(process.root_url + "/v3")
    finally:
        process.stop()


def _register(auth_url: str) -> None:
    """The domains, projects, users, roles and object-store endpoint, through the API."""
    admin, _ = login(auth_url, Identity("admin", ADMIN_PASSWORD, "admin"))

    def call(method: str, path: str, body: dict | None = None) -> dict:
        status, _headers, answer = http(method, f"{auth_url}{path}", body, admin)
        if status >= 300:
            raise KeystoneStartError(f"{method} {path} answered {status}: {answer}")
        return answer or {}

    roles = {role["name"]: role["id"] for role in call("GET", "/roles")["roles"]}
    domains = {"Default": "default"}
    projects: dict[tuple[str, str], str] = {}
    for identity in ALL_IDENTITIES.values():
        if identity.domain not in domains:
            domains[identity.domain] = call(
                "POST", "/domains", {"domain": {"name": identity.domain}}
            )["domain"]["id"]
        domain_id = domains[identity.domain]
        key = (identity.domain, identity.project)
        if key not in projects:
            project = {"name": identity.project, "domain_id": domain_id}
            projects[key] = call("POST", "/projects", {"project": project})["project"]["id"]
        user = {
            "name": identity.username,
            "password": identity.password,
            "domain_id": domain_id,
            "default_project_id": projects[key],
        }
        user_id = call("POST", "/users", {"user": user})["user"]["id"]
        for role in identity.roles:
            call("PUT", f"/projects/{projects[key]}/users/{user_id}/roles/{roles[role]}")
    service = call("POST", "/services", {"service": {"type": "object-store", "name": "swift"}})
    for interface in ("public", "internal", "admin"):
        endpoint = {
            "service_id": service["service"]["id"],
            "interface": interface,
            "region_id": REGION,
            "url": f"{STORAGE_PLACEHOLDER}/swift/v1/AUTH_%(project_id)s",
        }
        call("POST", "/endpoints", {"endpoint": endpoint})


def _template() -> Path:
    """The bootstrapped template, made once per machine (and per Keystone version)."""
    template = TEMPLATES / _template_key()
    if (template / "keystone.db").exists():
        return template
    TEMPLATES.mkdir(parents=True, exist_ok=True)
    with open(TEMPLATES / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test process may be making it too
        if (template / "keystone.db").exists():
            return template
        building = Path(str(template) + f".building-{os.getpid()}")
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir()
        try:
            _bootstrap(building, time.monotonic() + START_TIMEOUT)
            for name in ("keystone.log", "waitress.out", "manage.out", "keystone.conf"):
                (building / name).unlink(missing_ok=True)
            building.rename(template)
        finally:
            shutil.rmtree(building, ignore_errors=True)
    return template


def _point_endpoints(database: Path, keystone_url: str, storage_base: str) -> None:
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        for placeholder, url in (
            (KEYSTONE_PLACEHOLDER, keystone_url),
            (f"{STORAGE_PLACEHOLDER}/swift/v1", storage_base),
        ):
            db.execute("UPDATE endpoint SET url = replace(url, ?, ?)", (placeholder, url))


def _ids(database: Path) -> dict[str, dict[str, str]]:
    """The ids of what the template holds, for :class:`KeystoneServer`'s fields: project
    ids by "<domain>/<name>", user ids by ALL_IDENTITIES key, domain and role ids by name."""
    with contextlib.closing(sqlite3.connect(database)) as db:
        domains = dict(db.execute("SELECT name, id FROM project WHERE is_domain = 1"))
        domains.pop("<<keystone.domain.root>>", None)
        names = {domain_id: name for name, domain_id in domains.items()}
        projects = {
            f"{names.get(domain_id, domain_id)}/{name}": project_id
            for name, domain_id, project_id in db.execute(
                "SELECT name, domain_id, id FROM project WHERE is_domain = 0"
            )
        }
        users = {}
        for key, identity in ALL_IDENTITIES.items():
            row = db.execute(
                "SELECT user_id FROM local_user WHERE name = ? AND domain_id = ?",
                (identity.username, domains[identity.domain]),
            ).fetchone()
            users[key] = row[0]
        roles = dict(db.execute("SELECT name, id FROM role"))
    return {"project_ids": projects, "user_ids": users, "domain_ids": domains, "role_ids": roles}


@contextlib.contextmanager
def running_keystone(
    folder: Path,
    storage_root: str,
    token_lifetime: int = TOKEN_LIFETIME,
    port: int | None = None,
    storage_path: str = "/swift/v1",
) -> Iterator[KeystoneServer]:
    """Keystone serving on 127.0.0.1 with its state in ``folder`` (copied from the
    template), its object-store endpoint ``<storage_root><storage_path>/AUTH_<project id>``
    (``storage_root`` e.g. the RGW's root URL; OpenStack Swift's path is ``/v1``).
    """
    reason = keystone_missing()
    if reason:
        raise RuntimeError(reason)
    deadline = time.monotonic() + START_TIMEOUT
    template = _template()
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(template / "keystone.db", folder / "keystone.db")
    for name in KEY_FOLDERS:
        shutil.rmtree(folder / name, ignore_errors=True)
        shutil.copytree(template / name, folder / name)
    conf = folder / "keystone.conf"
    conf.write_text(keystone_conf(folder, token_lifetime))
    port = port or free_port()
    root_url = f"http://127.0.0.1:{port}"
    _point_endpoints(folder / "keystone.db", root_url, storage_root + storage_path)
    ids = _ids(folder / "keystone.db")
    process = _Process(folder, conf, port, deadline)
    try:
        process.wait_until_serving()
        yield KeystoneServer(root_url=root_url, pid=process.process.pid, folder=folder, **ids)
    finally:
        process.stop()


@contextlib.contextmanager
def second_keystone(
    first: KeystoneServer, token_lifetime: int, name: str = "short"
) -> Iterator[KeystoneServer]:
    """Another Keystone process on the same database and keys as ``first``, whose tokens
    last ``token_lifetime`` seconds: its tokens validate at ``first`` too (a Fernet token
    carries its own expiry)."""
    conf = first.folder / f"keystone-{name}.conf"
    conf.write_text(
        keystone_conf(first.folder, token_lifetime).replace("keystone.log", f"keystone-{name}.log")
    )
    port = free_port()
    process = _Process(first.folder, conf, port, time.monotonic() + START_TIMEOUT)
    try:
        process.wait_until_serving()
        yield dataclasses.replace(first, root_url=process.root_url, pid=process.process.pid)
    finally:
        process.stop()


def _main() -> None:
    """python -m backends.keystone: start, print John's RC variables, wait for Ctrl-C."""
    import signal
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="keystone-"))
    started = time.monotonic()
    with running_keystone(folder, "http://127.0.0.1:1") as server:
        print(f"started in {time.monotonic() - started:.1f} s; state in {folder}")
        for key, value in server.environ().items():
            print(f"export {key}={value}")
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == "__main__":
    sys.exit(_main())
