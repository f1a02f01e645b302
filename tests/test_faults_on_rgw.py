"""The faults of test_faults_survived.py, on a real Ceph RGW: the scripts' functions talk to
RGW through a proxy on 127.0.0.1 that answers 503, resets connections and cuts bodies
short (tests/backends/faulty_proxy.py). What they leave is checked on RGW directly.

swiftclient's back-off between retries is not slept here (the ``no_backoff`` fixture).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import socket
import uuid
from pathlib import Path

import pytest
import swiftclient

from allas_examples import files
from allas_examples.connection import connect
from allas_examples.course import load_example
from allas_examples.errors import EXIT_SERVICE, AllasExampleError, describe
from backends.faulty_proxy import FaultyProxy, Seen
from conftest import expected

pytestmark = pytest.mark.usefixtures("no_backoff")

MIB = 1024 * 1024
DOWNLOAD_DATA_SIZE = 3 * MIB + 5  # several of the scripts' 1 MiB chunks
CUT_AFTER = MIB + 100  # bytes of a body that get through before the connection closes
SHORT_CUT = 100_000  # six tries of it fall well short of the whole
RETRIES = 5  # swiftclient's default: each request is tried six times in all


def _md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


@pytest.fixture
def proxy(rgw_server):
    with FaultyProxy(rgw_server.root_url) as running:
        yield running
    assert not running.running


@pytest.fixture
def on_rgw(rgw_server) -> swiftclient.Connection:
    """The main account on RGW itself, past the proxy."""
    return swiftclient.Connection(
        preauthurl=rgw_server.main.storage_url, preauthtoken=rgw_server.main.token, retries=0
    )


@pytest.fixture
def through_proxy(rgw_server, proxy) -> swiftclient.Connection:
    """The main account as the scripts reach it (OS_STORAGE_URL, OS_AUTH_TOKEN), via the proxy."""
    return connect(
        {
            "OS_STORAGE_URL": proxy.proxied(rgw_server.main.storage_url),
            "OS_AUTH_TOKEN": rgw_server.main.token,
        }
    )


@pytest.fixture
def bucket(on_rgw: swiftclient.Connection):
    """A fresh bucket name; the bucket and its ``_segments`` are removed from RGW afterwards."""
    name = f"faults-{uuid.uuid4().hex[:10]}"
    yield name
    for container in (name, f"{name}_segments"):
        with contextlib.suppress(swiftclient.ClientException):
            for info in on_rgw.get_container(container, full_listing=True)[1]:
                on_rgw.delete_object(container, info["name"])
            on_rgw.delete_container(container)


def _source(folder: Path, size: int) -> tuple[Path, bytes]:
    data = os.urandom(size)
    path = folder / "big.bin"
    path.write_bytes(data)
    return path, data


# --- segmented uploads ---------------------------------------------------------------

SEGMENT_SIZE = 10
UPLOAD_SIZE = 35  # four segments of SEGMENT_SIZE


def test_segmented_upload_survives_503s_and_resets_on_rgw(
    proxy: FaultyProxy, through_proxy, on_rgw, bucket: str, tmp_path: Path
) -> None:
    path, data = _source(tmp_path, UPLOAD_SIZE)
    proxy.fail_next(2, method="PUT", path=r"_segments/.*/00000001$")
    proxy.reset_next(2, method="PUT", path=r"_segments/.*/00000002$")
    result = load_example("upload_large_object").upload_large_object(
        through_proxy, bucket, str(path), segment_size=SEGMENT_SIZE, quiet=True
    )
    assert result["large_object"] is True
    segment_puts = {
        index: [(s.fault, s.status) for s in proxy.seen if s.path.endswith(f"/{index}")]
        for index in ("00000001", "00000002")
    }
    assert segment_puts == {
        "00000001": [("503", 503), ("503", 503), (None, 201)],
        "00000002": [("reset", None), ("reset", None), (None, 201)],
    }
    _headers, stored = on_rgw.get_object(bucket, "big.bin")
    assert _md5(stored) == _md5(data)
    segments = on_rgw.get_container(f"{bucket}_segments", full_listing=True)[1]
    pieces = [data[start : start + SEGMENT_SIZE] for start in range(0, UPLOAD_SIZE, SEGMENT_SIZE)]
    assert [info["hash"] for info in segments] == [_md5(piece) for piece in pieces]


def test_failed_segmented_upload_leaves_no_segments_on_rgw(
    proxy: FaultyProxy, through_proxy, on_rgw, bucket: str, tmp_path: Path, in_language
) -> None:
    in_language("en")
    path, _data = _source(tmp_path, UPLOAD_SIZE)
    proxy.fail_next(1000, method="PUT", path=r"_segments/.*/00000001$")
    with pytest.raises(AllasExampleError) as raised:
        load_example("upload_large_object").upload_large_object(
            through_proxy, bucket, str(path), segment_size=SEGMENT_SIZE, quiet=True
        )
    refused = [s for s in proxy.seen if s.path.endswith("/00000001")]
    assert [s.status for s in refused] == [503] * (RETRIES + 1)
    # The segments RGW did store (0, 2 and 3, unless the failure stopped the upload
    # before one was sent) were there, and are gone; no manifest was made.
    stored = [s.path.rsplit("/", 1)[1] for s in proxy.seen if s.method == "PUT" and s.status == 201]
    stored = sorted(name for name in stored if name.isdigit())
    assert stored and set(stored) <= {"00000000", "00000002", "00000003"}
    reason = expected("en", "http_error", status=503, reason="Service Unavailable")
    assert describe(raised.value) == (
        expected("en", "segments_removed", object="big.bin", count=len(stored), reason=reason),
        EXIT_SERVICE,
    )
    assert on_rgw.get_container(f"{bucket}_segments", full_listing=True)[1] == []
    assert on_rgw.get_container(bucket, full_listing=True)[1] == []


# --- downloads whose body breaks off --------------------------------------------------


def _gets(proxy: FaultyProxy, bucket: str, name: str) -> list[Seen]:
    return [s for s in proxy.seen if s.method == "GET" and s.target.endswith(f"/{bucket}/{name}")]


def _resumed_from(seen: Seen) -> int:
    """The first byte a ``Range: bytes=N-`` request asked for."""
    value = seen.headers["range"]
    assert value.startswith("bytes=") and value.endswith("-"), value
    return int(value[len("bytes=") : -1])


@pytest.mark.parametrize("script", ["download_object", "download_large_object"])
def test_download_that_breaks_off_resumes_with_range_on_rgw(
    script: str, proxy: FaultyProxy, through_proxy, on_rgw, bucket: str, tmp_path: Path
) -> None:
    data = os.urandom(DOWNLOAD_DATA_SIZE)
    on_rgw.put_container(bucket)
    on_rgw.put_object(bucket, "snake.bin", data)
    proxy.cut_next(1, CUT_AFTER, path=rf"/{bucket}/snake\.bin$")
    target = tmp_path / "snake.bin"
    download = getattr(load_example(script), script)
    size = download(through_proxy, bucket, "snake.bin", str(target))
    assert (size, _md5(target.read_bytes())) == (len(data), _md5(data))
    assert [p.name for p in tmp_path.iterdir()] == ["snake.bin"]
    first, again = _gets(proxy, bucket, "snake.bin")
    assert (first.fault, first.body_bytes_sent, "range" in first.headers) == (
        "cut",
        CUT_AFTER,
        False,
    )
    # Asked for the rest from the byte reached, of the same object (its ETag), and got it.
    assert _resumed_from(again) == CUT_AFTER
    assert again.headers["if-match"].strip('"') == _md5(data)
    assert (again.status, again.body_bytes_sent) == (206, len(data) - CUT_AFTER)


def _next_run_continues(
    proxy: FaultyProxy, conn: swiftclient.Connection, bucket: str, data: bytes, folder: Path
) -> None:
    """After an interrupted run: ``.big.bin.part`` holds the start of the object, and the
    next run asks RGW only for the bytes after it, then verifies the whole."""
    partial, target = folder / ".big.bin.part", folder / "big.bin"
    kept = partial.stat().st_size
    assert 0 < kept < len(data) and not target.exists()
    assert partial.read_bytes() == data[:kept]
    proxy.clear_seen()
    load_example("download_large_object").download_large_object(
        conn, bucket, "big.bin", str(target), quiet=True
    )
    assert _md5(target.read_bytes()) == _md5(data) and not partial.exists()
    (resumed,) = _gets(proxy, bucket, "big.bin")
    assert (_resumed_from(resumed), resumed.status) == (kept, 206)


def test_interrupted_large_download_continues_on_the_next_run_on_rgw(
    proxy: FaultyProxy, through_proxy, on_rgw, bucket: str, tmp_path: Path
) -> None:
    """Every try cut short: the script stops and keeps the part file for the next run."""
    data = os.urandom(DOWNLOAD_DATA_SIZE)
    on_rgw.put_container(bucket)
    on_rgw.put_object(bucket, "big.bin", data)
    proxy.cut_next(RETRIES + 1, SHORT_CUT, path=rf"/{bucket}/big\.bin$")
    with pytest.raises(AllasExampleError) as raised:
        load_example("download_large_object").download_large_object(
            through_proxy, bucket, "big.bin", str(tmp_path / "big.bin"), quiet=True
        )
    assert raised.value.key == "large_interrupted"
    gets = _gets(proxy, bucket, "big.bin")
    assert [(s.fault, s.body_bytes_sent) for s in gets] == [("cut", SHORT_CUT)] * (RETRIES + 1)
    _next_run_continues(proxy, through_proxy, bucket, data, tmp_path)


def test_segmented_download_that_breaks_off_continues_on_the_next_run_on_rgw(
    proxy: FaultyProxy, through_proxy, on_rgw, bucket: str, tmp_path: Path
) -> None:
    """RGW refuses a resume with ``If-Match`` for a segmented object (412), so one break
    ends the run with the part file kept; the next run resumes with ``Range`` alone."""
    data = os.urandom(DOWNLOAD_DATA_SIZE)
    assert files.put_sample_large_object(on_rgw, bucket, "big.bin", data, MIB) == 4
    proxy.cut_next(1, CUT_AFTER, path=rf"/{bucket}/big\.bin$")
    with pytest.raises(AllasExampleError) as raised:
        load_example("download_large_object").download_large_object(
            through_proxy, bucket, "big.bin", str(tmp_path / "big.bin"), quiet=True
        )
    assert raised.value.key == "large_interrupted"
    first, refused = _gets(proxy, bucket, "big.bin")
    assert (first.fault, "if-match" in refused.headers, refused.status) == ("cut", True, 412)
    _next_run_continues(proxy, through_proxy, bucket, data, tmp_path)


# --- listings and bucket creation ----------------------------------------------------


def test_listings_survive_503s_on_rgw(
    proxy: FaultyProxy, through_proxy, on_rgw, bucket: str
) -> None:
    on_rgw.put_container(bucket)
    on_rgw.put_object(bucket, "snake.txt", b"hiss")
    proxy.fail_next(2, method="GET", path=r"/AUTH_\w+\?")
    proxy.fail_next(2, method="GET", path=rf"/{bucket}\?")
    listing = load_example("list_buckets_and_objects")
    assert bucket in [info["name"] for info in listing.list_buckets(through_proxy)]
    objects = listing.list_objects(through_proxy, bucket)
    assert [(info["name"], info["bytes"]) for info in objects] == [("snake.txt", 4)]
    statuses = [s.status for s in proxy.seen if s.method == "GET"]
    # Each listing is a page, then an empty page after its last name (full_listing).
    assert statuses == [503, 503, 200, 200, 503, 503, 200, 200]


def test_bucket_creation_survives_503s_on_rgw(
    proxy: FaultyProxy, through_proxy, on_rgw, bucket: str, capsys, in_language
) -> None:
    in_language("en")
    proxy.fail_next(2, method="PUT", path=rf"/{bucket}$")
    load_example("create_bucket").create_bucket(through_proxy, bucket)
    assert [s.status for s in proxy.seen] == [503, 503, 201]
    assert capsys.readouterr().out.strip() == expected("en", "bucket_created", bucket=bucket)
    assert on_rgw.head_container(bucket)["x-container-object-count"] == "0"


# --- the proxy itself ------------------------------------------------------------------


def test_proxy_listens_on_loopback_and_stops_cleanly(rgw_server) -> None:
    with pytest.raises(ValueError):
        FaultyProxy("http://192.0.2.1:8080")  # fronts only a server on this machine
    with FaultyProxy(rgw_server.root_url) as proxy:
        assert proxy.url.startswith("http://127.0.0.1:")
        port = int(proxy.url.rsplit(":", 1)[1])
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        client.request("GET", "/swift/info")
        response = client.getresponse()
        assert (response.status, response.read()[:1]) == (200, b"{")
        # The client keeps its connection open (keep-alive) while the proxy stops.
        proxy.stop()
        assert not proxy.running
        client.close()
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port)):
        pass
