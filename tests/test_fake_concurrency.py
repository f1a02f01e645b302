"""Sixteen clients at once: the fake loses no write and its listings stay consistent.

Each thread logs in with a connection of its own and mixes puts, overwrites, gets,
heads, metadata posts, server-side copies, deletes and paged listings, on a container
of its own and on one that every thread shares (there under a prefix of its own). A
thread checks what it reads against what it knows it wrote; at the end, the listings
and the counts of every container and of the account must add up to what all threads
know together. The same run goes through the embedded fake (``mock_allas``) and
through server mode over real HTTP.
"""

from __future__ import annotations

import hashlib
import random
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
import swiftclient
from keystoneauth1 import session as ksa_session

from conftest import password_auth
from fake_swift import mock_allas
from server_mode import running_server

# Sixteen threads switching every microsecond: seconds of work each.
pytestmark = pytest.mark.lengthy

THREADS = 16
ROUNDS = 10
SHARED = "shared-bucket"
# Python switches threads every 5 ms by default; far more often here, so that a
# read-modify-write left unguarded by the state's lock gets interrupted in the middle.
SWITCH_INTERVAL = 1e-6


def login(env: dict[str, str]) -> swiftclient.Connection:
    """A connection of its own, logged in with ``env``; no retries, so no error is hidden."""
    auth = password_auth(env)
    return swiftclient.Connection(session=ksa_session.Session(auth=auth), retries=0)


@dataclass
class Written:
    """What one thread knows it left behind: container -> object name -> body."""

    objects: dict[str, dict[str, bytes]] = field(default_factory=dict)

    def put(self, container: str, name: str, body: bytes) -> None:
        self.objects.setdefault(container, {})[name] = body

    def drop(self, container: str, name: str) -> None:
        del self.objects[container][name]


def paged_listing(conn: swiftclient.Connection, container: str, prefix: str) -> list[dict]:
    """A container listing read in pages of three, each page starting after the last."""
    entries: list[dict] = []
    marker = ""
    while True:
        _, page = conn.get_container(container, prefix=prefix, marker=marker, limit=3)
        if not page:
            return entries
        assert len(page) <= 3
        entries.extend(page)
        marker = page[-1]["name"]


def assert_listing_matches(entries: list[dict], expected: dict[str, bytes]) -> None:
    assert [entry["name"] for entry in entries] == sorted(expected)
    for entry in entries:
        body = expected[entry["name"]]
        assert (entry["bytes"], entry["hash"]) == (len(body), hashlib.md5(body).hexdigest())


def work(conn: swiftclient.Connection, index: int, start: threading.Barrier) -> Written:
    """One thread's mixed operations; every read is checked against its own writes."""
    rng = random.Random(index)
    own = f"own-bucket-{index:02d}"
    mine = f"t{index:02d}/"
    written = Written()
    conn.put_container(own)
    written.objects[own] = {}
    start.wait()
    for round_ in range(ROUNDS):
        body = f"{index}:{round_}:".encode() * rng.randint(1, 400)
        name = f"obj-{round_:02d}"
        conn.put_object(own, name, body)
        written.put(own, name, body)
        conn.put_object(SHARED, mine + name, body)
        written.put(SHARED, mine + name, body)
        # Overwritten every round, while other threads list the same container.
        latest = f"latest {index} {round_}".encode()
        conn.put_object(SHARED, mine + "latest", latest)
        written.put(SHARED, mine + "latest", latest)

        headers, read = conn.get_object(own, name)
        assert read == body
        assert headers["etag"] == hashlib.md5(body).hexdigest()
        conn.post_object(own, name, headers={"X-Object-Meta-Round": str(round_)})
        headers = conn.head_object(own, name)
        assert headers["x-object-meta-round"] == str(round_)
        assert int(headers["content-length"]) == len(body)

        copy = f"{mine}copy-{round_:02d}"
        conn.put_object(SHARED, copy, None, headers={"X-Copy-From": f"/{own}/{name}"})
        written.put(SHARED, copy, body)
        assert conn.head_object(SHARED, copy)["x-object-meta-round"] == str(round_)

        if round_ >= 2:
            gone = f"obj-{round_ - 2:02d}"
            conn.delete_object(own, gone)
            written.drop(own, gone)
            with pytest.raises(swiftclient.ClientException) as missing:
                conn.get_object(own, gone)
            assert missing.value.http_status == 404
        if round_ >= 3:
            gone = f"{mine}obj-{round_ - 3:02d}"
            conn.delete_object(SHARED, gone)
            written.drop(SHARED, gone)

        assert_listing_matches(paged_listing(conn, SHARED, mine), written.objects[SHARED])
        assert_listing_matches(paged_listing(conn, own, ""), written.objects[own])
        headers = conn.head_container(own)
        assert int(headers["x-container-object-count"]) == len(written.objects[own])
        used = sum(len(body) for body in written.objects[own].values())
        assert int(headers["x-container-bytes-used"]) == used
    return written


def run_threads(connect: Callable[[], swiftclient.Connection]) -> None:
    """THREADS threads at once, then the whole store checked against what they wrote."""
    admin = connect()
    admin.put_container(SHARED)
    connections = [connect() for _ in range(THREADS)]
    start = threading.Barrier(THREADS, timeout=60)
    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(work, conn, i, start) for i, conn in enumerate(connections)]
        results = [future.result(timeout=300) for future in futures]

    expected: dict[str, dict[str, bytes]] = {SHARED: {}}
    for written in results:
        for container, objects in written.objects.items():
            expected.setdefault(container, {}).update(objects)
    headers, containers = admin.get_account(full_listing=True)
    assert [c["name"] for c in containers] == sorted(expected)
    for entry in containers:
        objects = expected[entry["name"]]
        assert entry["count"] == len(objects)
        assert entry["bytes"] == sum(len(body) for body in objects.values())
        _, listing = admin.get_container(entry["name"], full_listing=True)
        assert_listing_matches(listing, objects)
    assert int(headers["x-account-container-count"]) == len(expected)
    all_bodies = [body for objects in expected.values() for body in objects.values()]
    assert int(headers["x-account-object-count"]) == len(all_bodies)
    assert int(headers["x-account-bytes-used"]) == sum(len(body) for body in all_bodies)
    for container, objects in expected.items():
        for name, body in objects.items():
            assert admin.get_object(container, name)[1] == body


@pytest.fixture
def frequent_thread_switches() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


@pytest.mark.parametrize("flavor", ["rgw", "swift"])
def test_sixteen_threads_through_the_embedded_fake(flavor, frequent_thread_switches):
    with mock_allas(flavor) as allas:
        run_threads(lambda: login(allas.environ()))


def test_sixteen_threads_through_server_mode(tmp_path):
    with running_server(tmp_path / "server") as server:
        run_threads(lambda: login(server.env))
        assert "Traceback" not in server.stderr
