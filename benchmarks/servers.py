"""The same workloads on the fake and on real servers, through the same client code.

Each backend is reached as an Allas user reaches Allas after ``allas-conf``: a storage
URL and a token. The real servers are the ones the tests start (tests/backends) on
127.0.0.1; a server that cannot start is reported, not fatal.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import swiftclient
from swiftclient.service import SwiftService, SwiftUploadObject

from allas_examples.files import md5_of_file
from fake_swift import mock_allas

from .common import best, seconds

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("fake", "swift", "rgw")
REAL_SERVERS = ("swift", "rgw")
# RGW's OSD keeps data in RAM, 1 GiB unless told. Deleted data stays until RGW's garbage
# collection, hours later: room for every upload of the run.
RGW_MEMSTORE_BYTES = 6 * 1024**3
# A request that stalls this long fails the workload instead of hanging the run.
CLIENT_OPTIONS = {"retries": 0, "timeout": 120}
LARGE_BUCKET = "benchmark-large"
SMALL_BUCKET = "benchmark-small"


class ServerUnavailable(Exception):
    """A real server is not installed or did not start; the message says why."""


@contextlib.contextmanager
def backend(name: str) -> Iterator[tuple[str, str]]:
    """The storage URL and token of a running backend: the fake in this process, or a
    real server started for the ``with`` block and stopped after it."""
    if name == "fake":
        with mock_allas() as allas:
            yield allas.storage_url(), allas.token_for()
        return
    if name == "rgw":
        from tests.backends.rgw import rgw_missing as missing
        from tests.backends.rgw import running_rgw

        def running(folder: Path):
            return running_rgw(folder, memstore_bytes=RGW_MEMSTORE_BYTES)
    else:
        from tests.backends.swift import running_swift as running
        from tests.backends.swift import swift_missing as missing
    reason = missing()
    if reason:
        raise ServerUnavailable(reason)
    folder = Path(tempfile.mkdtemp(prefix=f"allas-bench-{name}-"))
    try:
        with contextlib.ExitStack() as stack:
            try:
                server = stack.enter_context(running(folder))
            except Exception as error:  # the start-up's own message says what failed
                raise ServerUnavailable(str(error).splitlines()[0]) from error
            yield server.main.storage_url, server.main.token
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def expect_success(results: Iterable[dict]) -> None:
    for result in results:
        if not result["success"]:
            raise RuntimeError(f"{result['action']} failed: {result.get('error')}")


def segmented(
    login: tuple[str, str], source: Path, segment_size: int, folder: Path, rounds: int
) -> dict[str, float]:
    """SwiftService upload of ``source`` in segments (SLO) and its download to a file."""
    url, token = login
    options = {"os_storage_url": url, "os_auth_token": token, **CLIENT_OPTIONS}
    target = folder / "downloaded.bin"
    expected = md5_of_file(source)
    measured = []
    with SwiftService(options=options) as service:
        upload = SwiftUploadObject(str(source), object_name="big")
        choices = {"segment_size": segment_size, "use_slo": True}
        for index in range(rounds):
            up = seconds(lambda: expect_success(service.upload(LARGE_BUCKET, [upload], choices)))
            down = seconds(
                lambda: expect_success(
                    service.download(LARGE_BUCKET, ["big"], {"out_file": str(target)})
                )
            )
            if index == 0:  # once: hashing 1 GiB takes as long as downloading it
                assert md5_of_file(target) == expected, "the object came back different"
            target.unlink()
            expect_success(service.delete(LARGE_BUCKET, ["big"]))
            measured.append({"upload": up, "download": down})
        expect_success(service.delete(LARGE_BUCKET))
        expect_success(service.delete(f"{LARGE_BUCKET}_segments"))
    return {**with_total(best(measured)), "rounds": rounds}


def small_objects(login: tuple[str, str], count: int, rounds: int) -> dict[str, float]:
    """Upload ``count`` small objects one by one, list them all, delete them one by one."""
    url, token = login
    conn = swiftclient.Connection(preauthurl=url, preauthtoken=token, **CLIENT_OPTIONS)
    names = [f"small-{index:05d}" for index in range(count)]

    def upload() -> None:
        for name in names:
            conn.put_object(SMALL_BUCKET, name, contents=name.encode("ascii"))

    def list_all() -> None:
        _headers, objects = conn.get_container(SMALL_BUCKET, full_listing=True)
        assert [entry["name"] for entry in objects] == names, "the listing differs"

    def delete() -> None:
        for name in names:
            conn.delete_object(SMALL_BUCKET, name)

    measured = []
    conn.put_container(SMALL_BUCKET)
    for _ in range(rounds):
        measured.append(
            {"upload": seconds(upload), "list": seconds(list_all), "delete": seconds(delete)}
        )
    conn.delete_container(SMALL_BUCKET)
    conn.close()
    return {**with_total(best(measured)), "rounds": rounds}


def with_total(times: dict[str, float]) -> dict[str, float]:
    return {**times, "total": sum(times.values())}


def example_and_cli(
    login: tuple[str, str], source: Path, segment_size: int, rounds: int
) -> dict[str, float]:
    """examples/upload_large_object.py and ``swift upload --segment-size``, same file and
    server, each as the command a user types (SLO segments for both)."""
    url, token = login
    environment = {"OS_STORAGE_URL": url, "OS_AUTH_TOKEN": token}
    example = [
        sys.executable, str(ROOT / "examples" / "upload_large_object.py"), "--quiet",
        "--segment-size", str(segment_size), "benchmark-example", str(source), "big",
    ]  # fmt: skip
    cli = [
        str(Path(sys.executable).with_name("swift")), "upload", "--use-slo",
        "--segment-size", str(segment_size), "--object-name", "big",
        "benchmark-cli", str(source),
    ]  # fmt: skip
    measured = []
    for _ in range(rounds):
        measured.append(
            {"example": run_timed(example, environment), "cli": run_timed(cli, environment)}
        )
        for bucket in ("benchmark-example", "benchmark-cli"):
            options = {"os_storage_url": url, "os_auth_token": token, **CLIENT_OPTIONS}
            with SwiftService(options=options) as service:
                expect_success(service.delete(bucket, ["big"]))
    return best(measured)


def run_timed(command: list[str], environment: dict[str, str]) -> float:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "ST_"))}
    env.update(environment)
    done: list[subprocess.CompletedProcess] = []
    taken = seconds(
        lambda: done.append(
            subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        )
    )
    if done[0].returncode:
        raise RuntimeError(f"{Path(command[0]).name} failed: {done[0].stderr.strip()[-500:]}")
    return taken
