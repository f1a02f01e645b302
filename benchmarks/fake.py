"""The fake's own speed: put and streaming get against md5 of the same bytes, and listings.

Every PUT hashes its body once (the server's ETag), so md5 throughput is the limit a
fake that keeps bodies can approach; the figures are ratios to it, taken in the same
rounds so that a busy machine slows both alike.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from functools import partial
from pathlib import Path

from allas_examples.connection import connect
from fake_swift import mock_allas
from fake_swift.state import EMPTY_BODY, StoredObject, project_id_for

from .common import CHUNK, best, seconds, write_file

BUCKET = "benchmark"
EMPTY_MD5 = hashlib.md5(b"").hexdigest()


def md5_seconds(data: bytes) -> float:
    """Time to hash ``data`` in 1 MiB pieces, as a streamed body is hashed."""
    view = memoryview(data)

    def hash_all() -> None:
        digest = hashlib.md5()
        for start in range(0, len(view), CHUNK):
            digest.update(view[start : start + CHUNK])

    return seconds(hash_all)


def put_and_get(size_mib: int, rounds: int) -> dict:
    """put_object of a file on disk and a streaming get_object (1 MiB chunks), best of rounds."""
    with tempfile.TemporaryDirectory(prefix="allas-bench-") as folder:
        source = Path(folder) / "source.bin"
        md5 = write_file(source, size_mib)
        data = source.read_bytes()
        measured = []
        with mock_allas() as allas:
            conn = connect(allas.environ())
            conn.put_container(BUCKET)

            def put() -> None:
                with open(source, "rb") as body:
                    etag = conn.put_object(BUCKET, "big", contents=body, content_length=len(data))
                assert etag == md5, "the fake stored something else"

            def get() -> None:
                _headers, chunks = conn.get_object(BUCKET, "big", resp_chunk_size=CHUNK)
                received = sum(len(chunk) for chunk in chunks)
                assert received == len(data), "the fake returned another size"

            for _ in range(rounds):
                measured.append(
                    {"md5": md5_seconds(data), "put": seconds(put), "get": seconds(get)}
                )
                conn.delete_object(BUCKET, "big")
    times = best(measured)
    return {
        "size_mib": size_mib,
        "rounds": rounds,
        "md5_s": times["md5"],
        "md5_mib_per_s": size_mib / times["md5"],
        "put_s": times["put"],
        "get_s": times["get"],
        "put_ratio": times["put"] / times["md5"],
        "get_ratio": times["get"] / times["md5"],
    }


def listing(counts: tuple[int, ...], rounds: int) -> dict:
    """Full listings (swiftclient's paging) of containers of each size, per listed object;
    ``ratio`` is the cost per object in the largest to that in the smallest."""
    objects = {}
    with mock_allas() as allas:
        conn = connect(allas.environ())
        account = allas.state.account(project_id_for("project_123456"))
        for count in counts:
            name = f"listing-{count}"
            conn.put_container(name)
            fill(account.containers[name], count)
            taken = min(seconds(partial(list_all, conn, name, count)) for _ in range(rounds))
            objects[str(count)] = {"seconds": taken, "us_per_object": taken / count * 1e6}
    per_object = [objects[str(count)]["us_per_object"] for count in (max(counts), min(counts))]
    return {"rounds": rounds, "objects": objects, "ratio": per_object[0] / per_object[1]}


def list_all(conn, name: str, count: int) -> None:
    _headers, objects = conn.get_container(name, full_listing=True)
    assert len(objects) == count, "the listing lost objects"


def fill(container, count: int) -> None:
    """Put ``count`` empty objects straight into the fake's state.

    Uploading them one by one would take most of the run; uploads are timed elsewhere.
    """
    now = time.time()
    for index in range(count):
        name = f"object-{index:07d}"
        container.put(StoredObject(name, EMPTY_BODY, 0, EMPTY_MD5, "application/octet-stream", now))
