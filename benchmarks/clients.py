"""Everyday clients and many concurrent clients, through server mode and the real servers.

rclone copies 100 small files and then one segmented file, and the ``swift`` CLI uploads a
folder; then 16 and 64 concurrent clients, each with a keep-alive connection of its own,
do small PUT/GET/DELETE rounds. Every backend is reached with a storage URL and a token:
server mode (``python -m fake_swift serve``, a process of its own, rgw flavor) as the
real Ceph RGW and OpenStack Swift that tests/backends start. Connection errors (refused,
reset, closed without a reply) are counted, never retried.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import queue
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from .common import MIB, seconds, write_file
from .servers import backend

ROOT = Path(__file__).resolve().parent.parent
SWIFT_CLI = Path(sys.executable).with_name("swift")
BACKENDS = ("server", "rgw", "swift")
START_TIMEOUT = 60
# A load run stops after this many seconds even if its clients have rounds left.
LOAD_DEADLINE = 120


@contextlib.contextmanager
def server_mode(flavor: str = "rgw") -> Iterator[tuple[str, str]]:
    """``python -m fake_swift serve`` on 127.0.0.1; yields its storage URL and a token."""
    from keystoneauth1 import session as ksa_session
    from keystoneauth1.identity import v3

    folder = Path(tempfile.mkdtemp(prefix="allas-bench-server-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "ST_"))}
    command = [sys.executable, "-m", "fake_swift", "serve", "--port", "0", "--lang", "en"]
    command += ["--flavor", flavor]
    with open(folder / "server.log", "wb") as log:
        process = subprocess.Popen(
            command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=log, text=True
        )
    try:
        lines: queue.Queue = queue.Queue()
        threading.Thread(
            target=lambda: [lines.put(line) for line in process.stdout] + [lines.put(None)],
            daemon=True,
        ).start()
        exports: dict[str, str] = {}
        storage_url = ""
        while True:
            line = lines.get(timeout=START_TIMEOUT)
            if line is None:
                raise RuntimeError("server mode exited: " + (folder / "server.log").read_text())
            if line.startswith("export "):
                name, _, value = line[len("export ") :].strip().partition("=")
                exports[name] = shlex.split(value)[0]
            elif line.startswith("# "):
                storage_url = line.split()[-1]
            elif line.startswith("Serving"):
                break
        auth = v3.Password(
            auth_url=exports["OS_AUTH_URL"],
            username=exports["OS_USERNAME"],
            password=exports["OS_PASSWORD"],
            user_domain_name=exports["OS_USER_DOMAIN_NAME"],
            project_name=exports["OS_PROJECT_NAME"],
            project_domain_name=exports["OS_PROJECT_DOMAIN_NAME"],
        )
        yield storage_url, ksa_session.Session(auth=auth).get_token()
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(15)
        shutil.rmtree(folder, ignore_errors=True)


def running(name: str):
    return server_mode() if name == "server" else backend(name)


def _client_env(url: str, token: str, config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "ST_", "RCLONE_"))}
    env.update(
        {
            "OS_STORAGE_URL": url,
            "OS_AUTH_TOKEN": token,
            "RCLONE_CONFIG": str(config),
            "RCLONE_CONFIG_B_TYPE": "swift",
            "RCLONE_CONFIG_B_STORAGE_URL": url,
            "RCLONE_CONFIG_B_AUTH_TOKEN": token,
        }
    )
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode:
        raise RuntimeError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-300:]}")


def everyday(login: tuple[str, str], folder: Path, small: int, big_mib: int, chunk_mib: int):
    """rclone: 100 small files, then one segmented file; the swift CLI: a folder."""
    url, token = login
    config = folder / "rclone.conf"
    config.write_text("")
    env = _client_env(url, token, config)
    rclone = ["rclone", "--retries", "1", "--swift-chunk-size", f"{chunk_mib}Mi"]
    small_folder, big_folder = folder / "small", folder / "big"
    small_folder.mkdir(exist_ok=True)
    big_folder.mkdir(exist_ok=True)
    for index in range(small):
        (small_folder / f"file-{index:03d}.txt").write_bytes(f"small {index}\n".encode())
    if not (big_folder / "big.bin").exists():
        write_file(big_folder / "big.bin", big_mib)
    result: dict[str, float | str] = {}
    if shutil.which("rclone"):
        _run(rclone + ["mkdir", "b:bench-rclone"], env)
        result["rclone_small"] = seconds(
            lambda: _run(rclone + ["copy", str(small_folder), "b:bench-rclone/small"], env)
        )
        result["rclone_segmented"] = seconds(
            lambda: _run(rclone + ["copy", str(big_folder), "b:bench-rclone/big"], env)
        )
        _run(rclone + ["purge", "b:bench-rclone"], env)
        _run(rclone + ["purge", "b:bench-rclone_segments"], env)
    else:
        result["rclone_error"] = "rclone is not installed: run .ci/install-clients"
    swift = [str(SWIFT_CLI)]
    result["swift_folder"] = seconds(lambda: _upload_folder(swift, chunk_mib, folder, env))
    _run(swift + ["delete", "bench-swift"], env)
    _run(swift + ["delete", "bench-swift_segments"], env)
    return result


def _upload_folder(swift: list[str], chunk_mib: int, folder: Path, env: dict[str, str]) -> None:
    command = swift + ["upload", "--segment-size", str(chunk_mib * MIB), "bench-swift", "."]
    done = subprocess.run(command, cwd=folder / "small", env=env, capture_output=True, timeout=600)
    if done.returncode:
        raise RuntimeError(f"swift upload failed: {done.stderr.decode()[-300:]}")


def load(login: tuple[str, str], clients: int, rounds: int) -> dict[str, float | int]:
    """``clients`` threads, each with its own keep-alive connection, doing ``rounds`` of
    PUT, GET and DELETE of a small object; requests per second and connection errors."""
    url, token = login
    parts = urlsplit(url)
    bucket = f"bench-load-{clients}"
    _request(parts, token, "PUT", f"{parts.path}/{bucket}")
    errors = [0] * clients
    done = [0] * clients
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        body = f"client {index}".encode()
        start.wait()
        for round_ in range(rounds):
            if time.monotonic() > deadline[0]:
                break
            path = f"{parts.path}/{bucket}/c{index}-{round_}"
            for method in ("PUT", "GET", "DELETE"):
                try:
                    connection.request(
                        method,
                        path,
                        body=body if method == "PUT" else None,
                        headers={"X-Auth-Token": token},
                    )
                    response = connection.getresponse()
                    response.read()
                    if response.status < 500:
                        done[index] += 1
                except (OSError, http.client.HTTPException):
                    errors[index] += 1
                    connection.close()
        connection.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + LOAD_DEADLINE
    started = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    _request(parts, token, "DELETE", f"{parts.path}/{bucket}")
    return {
        "clients": clients,
        "requests": sum(done),
        "seconds": elapsed,
        "per_second": sum(done) / elapsed,
        "connection_errors": sum(errors),
    }


def _request(parts, token: str, method: str, path: str) -> int:
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(method, path, headers={"X-Auth-Token": token})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def run(
    backends: tuple[str, ...] = BACKENDS,
    small: int = 100,
    big_mib: int = 64,
    chunk_mib: int = 16,
    load_rounds: int = 30,
    concurrency: tuple[int, ...] = (16, 64),
) -> dict:
    """Every measurement on every backend that starts; a backend's failure is its rows'."""
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="allas-bench-clients-") as folder:
        for name in backends:
            try:
                with running(name) as login:
                    measured: dict = {"everyday": everyday(login, Path(folder), small, big_mib,
                                                           chunk_mib)}  # fmt: skip
                    measured["load"] = {
                        str(clients): load(login, clients, load_rounds) for clients in concurrency
                    }
                    results[name] = measured
            except Exception as error:
                results[name] = {"error": " ".join(str(error).split())[:200]}
    return {
        "backends": results,
        "sizes": {
            "small": small,
            "big_mib": big_mib,
            "chunk_mib": chunk_mib,
            "load_rounds": load_rounds,
        },
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(tuple(sys.argv[1:]) or BACKENDS), indent=2))
