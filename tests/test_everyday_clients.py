"""Everyday Swift clients run a researcher's workload on server mode and on the real servers.

rclone (what CSC recommends for Allas), the ``swift`` CLI (python-swiftclient), the
openstack CLI and openstacksdk each upload a folder with nested and non-ASCII names and a
file larger than their segment size, list it, download it and check every md5, sync with
deletions, move, overwrite and delete the large file, purge, set metadata, and use ACLs and
temp URLs where the client can. Each workload checks what must hold (every download
matches, no segment is left behind) and records what it saw; on server mode
(``python -m fake_swift serve``, both flavors) it must record exactly what it records on
the real server of that flavor (``real`` tests: Ceph RGW and OpenStack Swift from
tests/backends). Server mode is logged into with the ``OS_*`` exports it prints (Keystone
v3), the real servers with their storage URL and token.

Clients come from ``.ci/install-clients``: rclone from Debian, the openstack CLI and
openstacksdk in ``.venv-clients``. A missing client skips its tests, or fails them when
the environment variable CI is set.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import requests

from conftest import ROOT, clean_environment, password_auth
from server_mode import running_server

pytestmark = pytest.mark.clients
CLIENTS_VENV = ROOT / ".venv-clients"
SWIFT_CLI = Path(sys.executable).with_name("swift")
INSTALL_HINT = "run .ci/install-clients"
RUN_TIMEOUT = 300

SEGMENT = 1024 * 1024
BIG_SIZE = 3 * SEGMENT + 12345  # four segments
# The researcher's folder: nested folders, non-ASCII and awkward names, one large file.
SMALL_FILES = {
    "README.txt": b"Aineisto / dataset\n",
    "mittaukset/2024/\u00e4 \u00f6.csv": b"aika;arvo\n1;2,5\n",
    "n\u00e4ytteet/koe 1/tulos#1.txt": b"tulos 1\n",
    "n\u00e4ytteet/koe 1/\u20ac & %.txt": b"euro\n",
}
BIG = "big.bin"
MTIME = 1_700_000_000  # the files' modification time, which rclone keeps as metadata

# What each client cannot do, on the real servers as on server mode: each workload
# records the attempt (or leaves the step out) the same way on both.
KNOWN_LIMITS = {
    "rclone": [
        "no ACLs and no temp URLs: `rclone link` answers that the swift backend cannot "
        "make public links",
        "no metadata of the user's own: only the modification time (X-Object-Meta-Mtime)",
        "lists a large file (a DLO) with an empty md5: the manifest has no hash of the "
        "content, so `rclone md5sum` and `rclone check` cannot compare it",
        "`rclone purge` deletes the bucket and the segments in <bucket>_segments, and "
        "leaves that container itself behind, empty",
    ],
    "swift": [
        "no sync: `swift upload --changed` uploads what changed but deletes nothing "
        "remote, so a file removed locally is deleted by name",
        "no move: `swift copy` then `swift delete`; copying a segmented object makes a "
        "plain object of the whole content",
        "`swift tempurl` only signs; the account key is set with `swift post -m Temp-URL-Key:...`",
    ],
    "openstack": [
        "no segments: `openstack object create` sends a large file as one object",
        "no ACLs and no temp URLs, no sync and no move",
        "`openstack container delete --recursive` deletes the objects one by one",
    ],
    "openstacksdk": [
        "segments go to <container>_segments as an SLO when the file is larger than "
        "segment_size; `delete_object` deletes them with the manifest",
        "no sync and no move",
    ],
}


# Where server mode records something else than the real server, known and not yet fixed
# in the fake: (client, flavor, step) -> why. The comparison expects exactly these
# differences, so an entry whose difference has gone fails until it is taken out.
FAKE_DIFFERS = {
    ("openstacksdk", "rgw", "object metadata"): (
        "a metadata value that is not UTF-8 (openstacksdk sends 'n\u00e4yte' in Latin-1) "
        "comes back from Ceph RGW RFC 2047-encoded (=?UTF-8?Q?n=E4yte?=), from the fake "
        "as the UTF-8 of its Latin-1 reading"
    ),
    ("swift", "rgw", "uploading the large file again"): (
        "Ceph RGW answers the owner's PUT of its existing bucket, after a .r:* read ACL "
        "was set on it, with 409 BucketAlreadyExists (swift warns and goes on); the fake "
        "answers 202"
    ),
    ("openstacksdk", "swift", "object metadata"): (
        "a metadata value that is not UTF-8 comes back from OpenStack Swift as the bytes "
        "it was sent as, from the fake as the UTF-8 of their Latin-1 reading"
    ),
}


# --- where the workloads run ----------------------------------------------------------


@dataclass
class Target:
    """A server to run a workload on: its storage URL and token, and how clients log in."""

    name: str
    storage_url: str
    token: str
    login: dict[str, str] = field(default_factory=dict)  # OS_* of a Keystone login

    @property
    def real(self) -> bool:
        return not self.login

    def request(self, method: str, path: str = "", **kwargs) -> requests.Response:
        url = f"{self.storage_url}/{path}" if path else self.storage_url
        headers = {"X-Auth-Token": self.token, **kwargs.pop("headers", {})}
        return requests.request(method, url, headers=headers, timeout=60, **kwargs)

    def count(self, container: str) -> int | None:
        """The objects in ``container`` as its listing shows them; None when it is absent."""
        response = self.request("GET", quote(container), params={"format": "json"})
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return len(response.json())

    def containers(self, prefix: str) -> list[tuple[str, int]]:
        """(name, object count) of the account's containers whose names start with prefix."""
        response = self.request("GET", params={"format": "json", "prefix": prefix})
        response.raise_for_status()
        found = []
        for entry in response.json() or []:
            count = self.count(entry["name"])  # the account's counts may lag on Swift
            found.append((entry["name"].replace(prefix, "<bucket>", 1), count))
        return found


@contextlib.contextmanager
def server_mode(flavor: str, folder: Path) -> Iterator[Target]:
    from keystoneauth1 import session as ksa_session

    with running_server(folder, "--flavor", flavor) as server:
        token = ksa_session.Session(auth=password_auth(server.env)).get_token()
        yield Target(f"fake-{flavor}", server.storage_url, token, dict(server.env))


def real_target(server) -> Target:
    return Target(server.name, server.main.storage_url, server.main.token)


def client_missing(client: str) -> str | None:
    programs = {
        "rclone": shutil.which("rclone"),
        "swift": str(SWIFT_CLI) if SWIFT_CLI.exists() else None,
        "openstack": str(CLIENTS_VENV / "bin" / "openstack"),
        "openstacksdk": str(CLIENTS_VENV / "bin" / "python"),
    }
    program = programs[client]
    if program and Path(program).exists():
        if client != "openstacksdk":
            return None
        done = subprocess.run([program, "-c", "import openstack"], capture_output=True)
        if done.returncode == 0:
            return None
    return f"{client} is not installed: {INSTALL_HINT}"


def need(client: str) -> None:
    reason = client_missing(client)
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the {client} tests: {reason}")
        pytest.skip(reason)


# --- the researcher's files -------------------------------------------------------------


def md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def make_folder(folder: Path, seed: int = 1) -> Path:
    """The researcher's data folder, with one large file; returns it."""
    for name, body in SMALL_FILES.items():
        write(folder / name, body)
    write(folder / BIG, big_body(seed))
    return folder


def big_body(seed: int) -> bytes:
    block = hashlib.sha256(f"block {seed}".encode()).digest() * 2048  # 64 KiB
    return (block * (BIG_SIZE // len(block) + 1))[:BIG_SIZE]


def write(path: Path, body: bytes, mtime: int = MTIME) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    os.utime(path, (mtime, mtime))


def tree(folder: Path) -> dict[str, str]:
    """Relative name -> md5 of every file under ``folder``."""
    return {
        path.relative_to(folder).as_posix(): md5(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# --- running a client ---------------------------------------------------------------------


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def run(command: list[str], env: dict[str, str], cwd: Path, check: bool = True) -> Run:
    done = subprocess.run(
        command,
        cwd=cwd,
        env=clean_environment(**env),
        capture_output=True,
        timeout=RUN_TIMEOUT,
    )
    result = Run(
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )
    if check:
        assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result


class Record:
    """What a workload saw, step by step; equal on server mode and on the real server."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, object]] = []

    def __call__(self, step: str, value: object) -> None:
        self.steps.append((step, value))


# --- rclone -------------------------------------------------------------------------------


def rclone_workload(target: Target, work: Path) -> list:
    record = Record()
    work.mkdir(parents=True, exist_ok=True)
    bucket = f"research-{uuid.uuid4().hex[:8]}"
    config = work / "rclone.conf"
    config.write_text("")
    env = {
        "RCLONE_CONFIG": str(config),
        "RCLONE_CONFIG_ALLAS_TYPE": "swift",
        "RCLONE_CONFIG_ALLAS_CHUNK_SIZE": f"{SEGMENT // 1024}Ki",
    }
    if target.real:
        env["RCLONE_CONFIG_ALLAS_STORAGE_URL"] = target.storage_url
        env["RCLONE_CONFIG_ALLAS_AUTH_TOKEN"] = target.token
    else:
        env["RCLONE_CONFIG_ALLAS_ENV_AUTH"] = "true"
        env.update(target.login)

    def rclone(*args: str, check: bool = True) -> Run:
        return run(["rclone", "--retries", "1", *args], env, work, check)

    def segments() -> int | None:
        return target.count(f"{bucket}_segments")

    def listing() -> list[tuple[str, int]]:
        entries = json.loads(rclone("lsjson", "-R", "--files-only", f"allas:{bucket}").stdout)
        return sorted((entry["Path"], entry["Size"]) for entry in entries)

    def downloaded(name: str = "") -> dict[str, str]:
        down = work / f"down-{uuid.uuid4().hex[:6]}"
        source = f"allas:{bucket}/{name}" if name else f"allas:{bucket}"
        rclone("copy" if not name else "copyto", source, str(down / name) if name else str(down))
        return tree(down)

    data = make_folder(work / "data")
    rclone("mkdir", f"allas:{bucket}")
    rclone("copy", str(data), f"allas:{bucket}")
    record("listing after copy", listing())
    record("segments after copy", segments())
    sums = {}
    for line in rclone("md5sum", f"allas:{bucket}").stdout.splitlines():
        digest, _, name = line.partition("  ")
        sums[name] = digest.strip()
    local = tree(data)
    record("md5sum matches", {name: sums.get(name) == local[name] for name in sorted(local)})
    assert downloaded() == local
    modtimes = json.loads(rclone("lsjson", f"allas:{bucket}/README.txt").stdout)
    record("modification time kept", [entry["ModTime"][:19] for entry in modtimes])

    # Sync with deletions: one file removed, one changed, one new.
    (data / "README.txt").unlink()
    write(data / "mittaukset/2024/\u00e4 \u00f6.csv", b"aika;arvo\n1;3,25\n", MTIME + 60)
    write(data / "uusi/tiedosto.txt", b"uusi\n", MTIME + 60)
    rclone("sync", str(data), f"allas:{bucket}")
    record("listing after sync", listing())
    assert downloaded() == tree(data)

    # Overwrite the large file: the old segments go.
    write(data / BIG, big_body(2), MTIME + 60)
    rclone("copy", str(data), f"allas:{bucket}")
    record("segments after overwriting the large file", segments())
    assert downloaded(BIG) == {BIG: md5(data / BIG)}

    # Move it, then delete it.
    rclone("moveto", f"allas:{bucket}/{BIG}", f"allas:{bucket}/arkisto/{BIG}")
    record("listing after moving the large file", listing())
    record("segments after the move", segments())
    assert downloaded(f"arkisto/{BIG}") == {f"arkisto/{BIG}": md5(data / BIG)}
    rclone("deletefile", f"allas:{bucket}/arkisto/{BIG}")
    record("segments after deleting the large file", segments())
    assert segments() == 0

    # What rclone cannot do: a public link (no ACLs, no temp URLs on swift).
    linked = rclone("link", f"allas:{bucket}/uusi/tiedosto.txt", check=False)
    record("link refused", linked.returncode != 0)

    # Purge: the large file back in, then everything goes.
    rclone("copy", str(data), f"allas:{bucket}")
    record("segments before the purge", segments())
    rclone("purge", f"allas:{bucket}")
    record("containers after the purge", target.containers(bucket))
    assert segments() in (0, None)
    return record.steps


# --- the swift command ----------------------------------------------------------------------


def swift_workload(target: Target, work: Path) -> list:
    record = Record()
    work.mkdir(parents=True, exist_ok=True)
    bucket = f"research-{uuid.uuid4().hex[:8]}"
    if target.real:
        env = {"OS_STORAGE_URL": target.storage_url, "OS_AUTH_TOKEN": target.token}
    else:
        env = dict(target.login)

    def swift(*args: str, check: bool = True) -> Run:
        return run([str(SWIFT_CLI), *args], env, work, check)

    def names(*args: str) -> list[str]:
        return sorted(swift("list", bucket, *args).stdout.splitlines())

    def segments() -> int | None:
        return target.count(f"{bucket}_segments")

    def upload_big() -> list:
        """Uploading the large file over an existing one: swift reads the old manifest
        (?multipart-manifest=get) to delete its segments afterwards."""
        command = [str(SWIFT_CLI), "upload", "--segment-size", str(SEGMENT), bucket, BIG]
        done = run(command, env, data, check=False)
        return [done.returncode, done.stderr.strip()]

    data = make_folder(work / "data")
    # Uploaded from inside the folder, so that the names are the folder's own paths.
    run([str(SWIFT_CLI), "upload", "--segment-size", str(SEGMENT), bucket, "."], env, data)
    record("listing after upload", names())
    record("listing of a folder", names("--prefix", "n\u00e4ytteet/", "--delimiter", "/"))
    record("segments after upload", segments())
    stat = swift("stat", bucket, BIG).stdout
    record("the large file is a manifest", "Manifest:" in stat)
    down = work / "down"
    swift("download", bucket, "-D", str(down))
    assert tree(down) == tree(data)

    # No sync: --changed uploads what changed; the removed file is deleted by name.
    (data / "README.txt").unlink()
    write(data / "mittaukset/2024/\u00e4 \u00f6.csv", b"aika;arvo\n1;3,25\n", MTIME + 60)
    changed = run(
        [str(SWIFT_CLI), "upload", "--changed", "--segment-size", str(SEGMENT), bucket, "."],
        env,
        data,
        check=False,
    )
    record(
        "uploaded by --changed",
        [changed.returncode, sorted(changed.stdout.splitlines()), changed.stderr.strip()],
    )
    swift("delete", bucket, "README.txt")
    record("listing after the changes", names())

    # Overwrite the large file: swift deletes the old segments.
    write(data / BIG, big_body(2), MTIME + 60)
    record("overwriting the large file", upload_big())
    record("segments after overwriting the large file", segments())

    # Move: copy then delete (the copy is a plain object of the whole content).
    copied = swift("copy", "--destination", f"/{bucket}/arkisto/{BIG}", bucket, BIG, check=False)
    swift("delete", bucket, BIG)
    record("listing after the move", [copied.returncode, names()])
    record("segments after the move", segments())
    moved = work / "moved.bin"
    got = swift("download", bucket, f"arkisto/{BIG}", "-o", str(moved), check=False)
    versions = {md5(data / BIG): "new", hashlib.md5(big_body(1)).hexdigest(): "old"}
    content = versions.get(md5(moved), "other") if got.returncode == 0 else None
    record("downloading the moved file", [got.returncode, content])
    assert content != "other"

    # Metadata.
    swift(
        "post", "-m", "Projekti:n\u00e4yte", "-m", "Owner:John", bucket, "README.txt", check=False
    )
    csv = "mittaukset/2024/\u00e4 \u00f6.csv"
    swift("post", "-m", "Owner:John", bucket, csv)
    stat = swift("stat", bucket, csv).stdout
    record("object metadata", sorted(line.strip() for line in stat.splitlines() if "Meta" in line))
    swift("post", "-m", "Aihe:kasvit", bucket)
    stat = swift("stat", bucket).stdout
    record("bucket metadata", sorted(line.strip() for line in stat.splitlines() if "Meta" in line))

    # ACLs: public read and listing, seen by a client with no token.
    public = f"{target.storage_url}/{bucket}"
    name = quote("n\u00e4ytteet/koe 1/tulos#1.txt")
    before = requests.get(f"{public}/{name}", timeout=30).status_code
    swift("post", "-r", ".r:*,.rlistings", bucket)
    after = requests.get(f"{public}/{name}", timeout=30)
    listed = requests.get(public, params={"format": "json"}, timeout=30)
    record(
        "anonymous read before and after the ACL", [before, after.status_code, listed.status_code]
    )
    record("anonymous read body", after.content == SMALL_FILES["n\u00e4ytteet/koe 1/tulos#1.txt"])

    # Temp URLs: the account key, then a signed GET (and a PUT signed for GET).
    swift("post", "-m", "Temp-URL-Key:avain-123")
    path = urlsplit(f"{target.storage_url}/{bucket}/{quote(csv)}").path
    signed = swift("tempurl", "GET", "600", path, "avain-123").stdout.strip()
    origin = target.storage_url[: -len(urlsplit(target.storage_url).path)]
    fetched = requests.get(origin + signed, timeout=60)
    put = requests.put(origin + signed, data=b"x", timeout=30)
    record("temp URL GET and PUT", [fetched.status_code, put.status_code])
    versions = {md5(data / csv): "new", hashlib.md5(SMALL_FILES[csv]).hexdigest(): "old"}
    record("temp URL content", versions.get(hashlib.md5(fetched.content).hexdigest(), "other"))
    swift("post", "-m", "Temp-URL-Key:")

    # The whole bucket: its objects and their segments go.
    record("uploading the large file again", upload_big())
    record("segments before deleting the bucket", segments())
    swift("delete", bucket)
    record("containers after deleting the bucket", target.containers(bucket))
    swift("delete", f"{bucket}_segments", check=False)
    record("containers at the end", target.containers(bucket))
    return record.steps


# --- the openstack CLI ---------------------------------------------------------------------


def openstack_env(target: Target) -> dict[str, str]:
    if target.real:
        return {
            "OS_AUTH_TYPE": "admin_token",
            "OS_ENDPOINT": target.storage_url,
            "OS_TOKEN": target.token,
        }
    return dict(target.login)


def openstack_workload(target: Target, work: Path) -> list:
    record = Record()
    work.mkdir(parents=True, exist_ok=True)
    bucket = f"research-{uuid.uuid4().hex[:8]}"
    env = openstack_env(target)
    program = str(CLIENTS_VENV / "bin" / "openstack")

    def openstack(*args: str, cwd: Path = work, check: bool = True) -> Run:
        return run([program, *args], env, cwd, check)

    def shown(*args: str) -> dict:
        return json.loads(openstack(*args, "-f", "json").stdout)

    data = make_folder(work / "data")
    openstack("container", "create", bucket)
    names = sorted(tree(data))
    openstack("object", "create", bucket, *names, cwd=data)
    listed = json.loads(openstack("object", "list", bucket, "--long", "-f", "json").stdout)
    record("listing", sorted((entry["Name"], entry["Bytes"]) for entry in listed))
    record("segments", target.count(f"{bucket}_segments"))
    record(
        "listing of a folder",
        sorted(
            str(entry)
            for entry in json.loads(
                openstack(
                    "object", "list", bucket, "--prefix", "n\u00e4ytteet/", "-f", "json"
                ).stdout
            )
        ),
    )
    down = work / "down"
    for name in names:
        (down / name).parent.mkdir(parents=True, exist_ok=True)
        openstack("object", "save", bucket, name, "--file", str(down / name))
    assert tree(down) == tree(data)
    record(
        "hash of the large file", shown("object", "show", bucket, BIG)["etag"] == md5(data / BIG)
    )

    openstack("object", "set", "--property", "Projekti=n\u00e4yte", bucket, BIG)
    properties = shown("object", "show", bucket, BIG).get("properties")
    record("object metadata", properties)
    openstack("container", "set", "--property", "Aihe=kasvit", bucket)
    record("bucket metadata", shown("container", "show", bucket).get("properties"))
    openstack("object", "store", "account", "set", "--property", "Osasto=biologia")
    account = shown("object", "store", "account", "show").get("properties")
    record("account metadata", account)
    openstack("object", "store", "account", "unset", "--property", "Osasto")

    openstack("object", "delete", bucket, "README.txt")
    record("listing after a delete", sorted(e["Name"] for e in shown("object", "list", bucket)))
    openstack("container", "delete", "--recursive", bucket)
    record("containers at the end", target.containers(bucket))
    return record.steps


# --- openstacksdk ---------------------------------------------------------------------------

# Run by .venv-clients' Python: python sdk.py BUCKET DATA DOWN SEGMENT; prints its record.
SDK_WORKLOAD = r"""
import hashlib, json, os, pathlib, sys

import openstack
import requests

bucket, data, down = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
segment = int(sys.argv[4])
if os.environ.get("SDK_STORAGE_URL"):
    conn = openstack.connect(
        auth_type="admin_token",
        auth={"endpoint": os.environ["SDK_STORAGE_URL"], "token": os.environ["SDK_TOKEN"]},
    )
else:
    conn = openstack.connect()
store = conn.object_store
steps = []


def record(step, value):
    steps.append([step, value])


def listing(container):
    return sorted([o.name, o.content_length] for o in store.objects(container))


def segments():
    names = [c.name for c in store.containers(prefix=bucket)]
    return len(listing(bucket + "_segments")) if bucket + "_segments" in names else None


def containers():
    return sorted(c.name.replace(bucket, "<bucket>") for c in store.containers(prefix=bucket))


def md5(path):
    return hashlib.md5(path.read_bytes()).hexdigest()


store.create_container(name=bucket)
names = sorted(p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file())
for name in names:
    conn.create_object(bucket, name, filename=str(data / name), segment_size=segment)
record("listing", listing(bucket))
record("containers", containers())
record("segments", segments())
for name in names:
    target = down / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(store.download_object(name, container=bucket))
record("downloads match", all(md5(down / name) == md5(data / name) for name in names))

store.set_object_metadata("big.bin", container=bucket, projekti="n\u00e4yte")
meta = store.get_object_metadata("big.bin", container=bucket)
record("object metadata", meta.metadata)
store.set_container_metadata(bucket, aihe="kasvit")
record("bucket metadata", store.get_container_metadata(bucket).metadata)

url = store.get_endpoint()
public = f"{url}/{bucket}/README.txt"
before = requests.get(public, timeout=30).status_code
store.set_container_metadata(bucket, read_ACL=".r:*,.rlistings")
after = requests.get(public, timeout=30).status_code
record("anonymous read before and after the ACL", [before, after])

store.set_account_temp_url_key("avain-123")
path = pathlib.PurePosixPath(requests.utils.urlparse(url).path, bucket, "big.bin").as_posix()
signed = store.generate_temp_url(path, 600, "GET", temp_url_key="avain-123")
origin = url[: -len(requests.utils.urlparse(url).path)]
got = requests.get(origin + signed, timeout=60)
same = hashlib.md5(got.content).hexdigest() == md5(data / "big.bin")
record("temp URL GET", [got.status_code, same])
store.set_account_temp_url_key("")

conn.delete_object(bucket, "big.bin")
record("listing after deleting the large file", listing(bucket))
record("segments after deleting it", segments())
for name in names:
    if name != "big.bin":
        conn.delete_object(bucket, name)
conn.delete_container(bucket)
record("containers at the end", containers())
print(json.dumps(steps))
"""


def openstacksdk_workload(target: Target, work: Path) -> list:
    work.mkdir(parents=True, exist_ok=True)
    bucket = f"research-{uuid.uuid4().hex[:8]}"
    if target.real:
        env = {"SDK_STORAGE_URL": target.storage_url, "SDK_TOKEN": target.token}
    else:
        env = dict(target.login)
    script = work / "sdk_workload.py"
    script.write_text(SDK_WORKLOAD, encoding="utf-8")
    data = make_folder(work / "data")
    done = run(
        [str(CLIENTS_VENV / "bin" / "python"), str(script), bucket, str(data), str(work / "down"),
         str(SEGMENT)],
        env,
        work,
    )  # fmt: skip
    steps = [tuple(step) for step in json.loads(done.stdout.splitlines()[-1])]
    assert ("downloads match", True) in steps
    return steps


# --- the tests ------------------------------------------------------------------------------

WORKLOADS: dict[str, Callable[[Target, Path], list]] = {
    "rclone": rclone_workload,
    "swift": swift_workload,
    "openstack": openstack_workload,
    "openstacksdk": openstacksdk_workload,
}
FLAVORS = ("rgw", "swift")


@pytest.mark.parametrize("flavor", FLAVORS)
@pytest.mark.parametrize("client", list(WORKLOADS))
def test_workload_on_server_mode(client, flavor, tmp_path):
    need(client)
    with server_mode(flavor, tmp_path / "server") as target:
        steps = WORKLOADS[client](target, tmp_path / "work")
    assert steps


@pytest.mark.real
@pytest.mark.parametrize("flavor", FLAVORS)
@pytest.mark.parametrize("client", list(WORKLOADS))
def test_server_mode_records_what_the_real_server_does(client, flavor, tmp_path, request):
    need(client)
    real = WORKLOADS[client](
        real_target(request.getfixturevalue(f"{flavor}_server")), tmp_path / "real"
    )
    with server_mode(flavor, tmp_path / "server") as target:
        fake = WORKLOADS[client](target, tmp_path / "fake")
    assert [step for step, _ in real] == [step for step, _ in fake]
    differing = {mine[0] for mine, its in zip(real, fake, strict=True) if mine != its}
    known = {step for (name, kind, step) in FAKE_DIFFERS if (name, kind) == (client, flavor)}
    differences = [
        f"{real_step[0]}: {real_step[1]!r} | {fake_step[1]!r}"
        for real_step, fake_step in zip(real, fake, strict=True)
        if real_step[0] in differing - known
    ]
    assert not differences, "server mode differs from the real server:\n" + "\n".join(differences)
    assert known <= differing, f"known differences gone, take them out of FAKE_DIFFERS: {known}"


def test_every_client_names_its_known_limits():
    assert set(WORKLOADS) <= set(KNOWN_LIMITS)
    assert all(KNOWN_LIMITS[client] for client in KNOWN_LIMITS)
