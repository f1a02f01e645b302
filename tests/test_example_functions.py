"""The examples' functions called directly, with the connection passed in."""

import hashlib
import io
import os
import tarfile

import pytest
import swiftclient

from allas_examples.connection import connect
from allas_examples.course import load_example
from allas_examples.errors import AllasExampleError
from allas_examples.files import atomic_write
from conftest import expected

create = load_example("create_bucket")
upload = load_example("upload_object")
large = load_example("upload_large_object")
listing = load_example("list_buckets_and_objects")
download = load_example("download_object")
removal = load_example("remove_buckets_and_objects")

AWKWARD_BYTES = bytes(range(256)) + b"\r\n\x00\r" + "käärme".encode() + b"\xff\xfe"


@pytest.fixture
def conn(fake_allas, in_language):
    in_language("en")
    connection = connect(fake_allas.environ())
    connection.put_container("snakebucket")
    return connection


def test_create_bucket_says_created_then_already_yours(fake_allas, in_language, capsys):
    in_language("fi")
    conn = connect(fake_allas.environ())
    create.create_bucket(conn, "uusi")
    create.create_bucket(conn, "uusi")
    assert capsys.readouterr().out.splitlines() == [
        expected("fi", "bucket_created", bucket="uusi"),
        expected("fi", "bucket_already_yours", bucket="uusi"),
    ]


def test_upload_and_download_are_byte_exact(conn, tmp_path, capsys):
    source = tmp_path / "awkward.bin"
    source.write_bytes(AWKWARD_BYTES)
    md5 = upload.upload_object(conn, "snakebucket", str(source))
    assert md5 == hashlib.md5(AWKWARD_BYTES).hexdigest()
    target = tmp_path / "back.bin"
    assert download.download_object(conn, "snakebucket", "awkward.bin", str(target)) == len(
        AWKWARD_BYTES
    )
    assert target.read_bytes() == AWKWARD_BYTES
    assert sorted(os.listdir(tmp_path)) == ["awkward.bin", "back.bin"]


def test_large_upload_reports_every_segment_and_downloads_whole(conn, tmp_path, capsys):
    source = tmp_path / "big.bin"
    payload = os.urandom(100_000)
    source.write_bytes(payload)
    result = large.upload_large_object(conn, "snakebucket", str(source), segment_size=30_000)
    assert result["large_object"] is True
    lines = capsys.readouterr().out.splitlines()
    reported = sorted(line for line in lines if "segment " in line and "uploaded (" in line)
    assert reported == sorted(
        expected("en", "segment_uploaded", index=i, object="big.bin", size=size)
        for i, size in enumerate([30_000, 30_000, 30_000, 10_000])
    )
    target = tmp_path / "big.copy"
    download.download_object(conn, "snakebucket", "big.bin", str(target))
    assert target.read_bytes() == payload
    assert removal.remove_objects(conn, "snakebucket") == ["big.bin"]
    assert conn.head_container("snakebucket_segments")["x-container-object-count"] == "0"
    removal.remove_bucket(conn, "snakebucket")
    assert conn.get_account()[1] == []


def test_large_upload_replaces_a_large_object_and_its_segments(conn, tmp_path, capsys):
    source = tmp_path / "big.bin"
    for payload in (b"a" * 50, b"b" * 25):
        source.write_bytes(payload)
        large.upload_large_object(conn, "snakebucket", str(source), segment_size=10)
        assert conn.get_object("snakebucket", "big.bin")[1] == payload
    segments = conn.get_container("snakebucket_segments")[1]
    assert [info["bytes"] for info in segments] == [10, 10, 5]


def test_large_upload_below_the_segment_size_goes_whole(conn, tmp_path, capsys):
    source = tmp_path / "small.txt"
    source.write_bytes(b"tiny")
    result = large.upload_large_object(conn, "snakebucket", str(source))
    assert not result["large_object"]
    assert conn.get_object("snakebucket", "small.txt")[1] == b"tiny"


@pytest.mark.parametrize(("text", "size"), [("10", 10), ("64k", 65536), ("5G", 5 * 1024**3)])
def test_segment_sizes(text, size):
    assert large.parse_size(text) == size


@pytest.mark.parametrize("text", ["0", "-1", "ten", "", "5T"])
def test_bad_segment_sizes(text):
    with pytest.raises(Exception, match="segment size"):
        large.parse_size(text)


@pytest.mark.lengthy  # ten thousand uploads
def test_listing_is_complete_past_ten_thousand_objects(conn, capsys):
    count = 10_005
    # One bulk upload (extract-archive) makes them, not 10,005 requests.
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        for index in range(count):
            tar.addfile(tarfile.TarInfo(f"obj-{index:05d}"), io.BytesIO(b""))
    conn.put_object("snakebucket", "", archive.getvalue(), query_string="extract-archive=tar")
    capsys.readouterr()
    objects = listing.list_objects(conn, "snakebucket")
    lines = capsys.readouterr().out.splitlines()
    assert len(objects) == count
    names = [line.split("\t")[0] for line in lines[1:-1]]
    assert names == [f"obj-{index:05d}" for index in range(count)]
    assert all(len(line.split("\t")) == 3 for line in lines[1:-1])


def test_list_buckets_shows_counts_and_bytes(conn, capsys):
    conn.put_object("snakebucket", "a", b"12345")
    listing.list_buckets(conn)
    assert capsys.readouterr().out.splitlines() == [
        expected("en", "buckets_heading"),
        "snakebucket\t1\t5",
    ]


def test_remove_bucket_refuses_while_objects_remain(conn):
    conn.put_object("snakebucket", "a", b"x")
    with pytest.raises(swiftclient.ClientException) as caught:
        removal.remove_bucket(conn, "snakebucket")
    assert caught.value.http_status == 409
    assert removal.remove_objects(conn, "snakebucket", ["a"]) == ["a"]
    removal.remove_bucket(conn, "snakebucket")


def test_remove_many_objects(conn):
    names = [f"n{index}" for index in range(30)]  # more than 20: a bulk delete
    for name in names:
        conn.put_object("snakebucket", name, b"x")
    assert sorted(removal.remove_objects(conn, "snakebucket")) == sorted(names)
    assert conn.get_container("snakebucket")[1] == []


def test_atomic_write_keeps_no_partial_file(tmp_path):
    target = tmp_path / "result.bin"
    with pytest.raises(AllasExampleError):
        with atomic_write(target) as out:
            out.write(b"half")
            raise AllasExampleError("interrupted")
    assert list(tmp_path.iterdir()) == []
    target.write_bytes(b"old")
    with atomic_write(target) as out:
        out.write(b"new")
    assert target.read_bytes() == b"new" and len(list(tmp_path.iterdir())) == 1
