"""Helpers the examples share: checksums, writing without half-written files, and the
md5s of a large object's parts (locally and as Allas keeps them)."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import shlex
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NoReturn

import swiftclient

from allas_examples.errors import AllasExampleError, ConfigurationError, describe
from allas_examples.messages import text

CHUNK_SIZE = 1024 * 1024
GIB = 1024**3
UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": GIB}
MAX_SINGLE_UPLOAD = 5 * GIB  # Allas' limit for one PUT (swift.max_file_size)


def parse_size(value: str) -> int:
    """``'5G'`` -> 5368709120; K, M and G are powers of 1024 (an argparse ``type``)."""
    match = re.fullmatch(r"\s*(\d+)\s*([KMG]?)\s*", value.upper())
    size = int(match.group(1)) * UNITS[match.group(2)] if match else 0
    if size <= 0:
        raise argparse.ArgumentTypeError(text("bad_segment_size", value=value))
    return size


def md5_of_file(path: str | os.PathLike[str]) -> str:
    """The md5 hex digest of a file, read in chunks (Swift's ETag of a plain object)."""
    digest = hashlib.md5()
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def atomic_write(target: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Write to a temporary file beside ``target``; rename it into place only on success.

    If the block raises, the temporary file is removed and ``target`` is left as it was,
    so no half-written file ever carries the final name.
    """
    target = Path(target)
    try:
        handle = tempfile.NamedTemporaryFile(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False
        )
    except (PermissionError, FileNotFoundError) as error:
        # Name the folder and the file asked for, not the temporary name.
        key = "target_folder_not_writable"
        if isinstance(error, FileNotFoundError):
            key = "target_folder_missing"
        raise ConfigurationError(key, path=target, folder=target.parent) from error
    try:
        with handle:
            yield handle
        os.replace(handle.name, target)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(handle.name)
        if isinstance(error, OSError) and error.filename is None:
            error.filename = os.fspath(target)  # a failed write (disk full) names no file
        raise


def check_single_upload(path: str | os.PathLike[str]) -> int:
    """The size of the file at ``path``; refused before sending when over 5 GiB.

    One PUT holds at most 5 GiB in Allas; larger files go in segments.
    """
    size = os.path.getsize(path)
    if size > MAX_SINGLE_UPLOAD:
        raise ConfigurationError("file_too_large_for_one_upload", path=path, size=size)
    return size


# --- large objects: the md5 of each part, and what Allas keeps about the parts ---


@dataclass(frozen=True)
class Part:
    """One stored piece of an object: its size and md5 (a plain object is one part)."""

    size: int
    md5: str


def large_object_etag(md5s: Iterable[str]) -> str:
    """A segmented object's ETag: the md5 of its segments' md5 hex digests, joined."""
    return hashlib.md5("".join(md5s).encode("ascii")).hexdigest()


class PartHasher:
    """The md5 of each consecutive part of a byte stream, for the part sizes given.

    Bytes beyond the last part make one more part, so that a longer stream never
    matches; a shorter one gives fewer md5s.
    """

    def __init__(self, sizes: Iterable[int]) -> None:
        self._sizes = list(sizes)
        self._done: list[str] = []
        self._current = hashlib.md5()
        self._fed = 0  # bytes in the current part
        self._left = self._sizes[0] if self._sizes else sys.maxsize
        self.total = 0

    def update(self, data: bytes) -> None:
        view = memoryview(data)
        self.total += len(view)
        while view:
            if self._left == 0:  # the current part is full: start the next one
                self._done.append(self._current.hexdigest())
                self._current, self._fed = hashlib.md5(), 0
                index = len(self._done)
                self._left = self._sizes[index] if index < len(self._sizes) else sys.maxsize
                continue
            taken = view[: self._left]
            self._current.update(taken)
            self._fed += len(taken)
            self._left -= len(taken)
            view = view[len(taken) :]

    def md5s(self) -> list[str]:
        """The md5 of every part seen so far (the last one possibly incomplete)."""
        if self._fed or not self._done:
            return [*self._done, self._current.hexdigest()]
        return list(self._done)


def part_md5s(path: str | os.PathLike[str], sizes: Iterable[int]) -> list[str]:
    """The md5 of each consecutive part of a local file, for the part sizes given."""
    hasher = PartHasher(sizes)
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(CHUNK_SIZE), b""):
            hasher.update(chunk)
    return hasher.md5s()


def stored_parts(
    conn: swiftclient.Connection, bucket: str, name: str, headers: dict | None = None
) -> list[Part] | None:
    """The parts of ``bucket/name`` with their md5s, or None when they cannot be found.

    A plain object is one part (its ETag is its md5). A static large object's parts come
    from its manifest where the server hands it out (OpenStack Swift); Allas (Ceph RGW)
    does not, so its segments are looked up in ``<bucket>_segments`` where SwiftService
    puts them (``NAME/slo/<mtime>/<size>/<segment size>/<index>``) and kept only if
    their md5s give the object's ETag. A dynamic large object's parts are the objects
    its ``X-Object-Manifest`` prefix names.
    """
    headers = conn.head_object(bucket, name) if headers is None else headers
    etag = headers["etag"].strip('"')
    if "x-object-manifest" in headers:
        segment_bucket, prefix = headers["x-object-manifest"].split("/", 1)
        listing = conn.get_container(segment_bucket, prefix=prefix, full_listing=True)[1]
        return [Part(info["bytes"], info["hash"]) for info in listing]
    if "x-static-large-object" not in headers:
        return [Part(int(headers["content-length"]), etag)]
    _headers, body = conn.get_object(bucket, name, query_string="multipart-manifest=get")
    with contextlib.suppress(ValueError):
        manifest = json.loads(body or b"null")
        if isinstance(manifest, list) and not any(entry.get("sub_slo") for entry in manifest):
            return [Part(entry["bytes"], entry["hash"]) for entry in manifest]
    try:
        listing = conn.get_container(f"{bucket}_segments", prefix=f"{name}/", full_listing=True)[1]
    except swiftclient.ClientException as error:
        if error.http_status == 404:
            return None
        raise
    uploads: dict[str, list[Part]] = {}
    for info in listing:  # the segments of one upload share a folder
        uploads.setdefault(info["name"].rpartition("/")[0], []).append(
            Part(info["bytes"], info["hash"])
        )
    size = int(headers["content-length"])
    for parts in uploads.values():
        if sum(p.size for p in parts) == size and large_object_etag(p.md5 for p in parts) == etag:
            return parts
    return None


# --- a segmented upload that fails for good leaves no segments behind ---


def segment_prefix(name: str, path: str | os.PathLike[str], segment_size: int) -> str:
    """Where in ``<bucket>_segments`` SwiftService puts the segments of ``path`` uploaded
    as ``name`` (a static large object): ``NAME/slo/<mtime>/<size>/<segment size>/``."""
    return f"{name}/slo/{os.path.getmtime(path):f}/{os.path.getsize(path)}/{segment_size}/"


def remove_segments(conn: swiftclient.Connection, segment_bucket: str, prefix: str) -> int:
    """Delete the objects under ``prefix`` in ``segment_bucket``; return how many."""
    try:
        listing = conn.get_container(segment_bucket, prefix=prefix, full_listing=True)[1]
    except swiftclient.ClientException as error:
        if error.http_status == 404:
            return 0
        raise
    for info in listing:
        try:
            conn.delete_object(segment_bucket, info["name"])
        except swiftclient.ClientException as error:
            if error.http_status != 404:
                raise
    return len(listing)


def abandon_segments(
    conn: swiftclient.Connection,
    bucket: str,
    prefixes: dict[str, str],
    error: Exception,
) -> NoReturn:
    """End segmented uploads that failed for good with ``error``, leaving no orphans.

    ``prefixes`` maps each unfinished object to its ``segment_prefix``. Segments that no
    manifest joins only take up the project's quota, so they are removed; when Allas
    cannot be reached for that either, the error names the command that removes them
    later. With no segment stored, ``error`` itself is raised.
    """
    segment_bucket = f"{bucket}_segments"
    reason, _code = describe(error)
    try:
        removed = sum(remove_segments(conn, segment_bucket, p) for p in prefixes.values())
    except Exception:
        command = "; ".join(
            f"swift delete {shlex.quote(segment_bucket)} --prefix {shlex.quote(p)}"
            for p in prefixes.values()
        )
        raise AllasExampleError(
            "segments_left",
            object=", ".join(prefixes),
            segment_bucket=segment_bucket,
            command=command,
            reason=reason,
        ) from error
    if not removed:
        raise error
    raise AllasExampleError(
        "segments_removed", object=", ".join(prefixes), count=removed, reason=reason
    ) from error


# --- what the --fake runs demonstrate with ---

SAMPLE_FOLDER = "snake_folder"
SAMPLE_FOLDER_FILES = {
    "my_snake.txt": None,  # the pages' sample text
    "eggs/egg_1.txt": "Egg one / Muna yksi\n",
    "eggs/egg_2.txt": "Egg two / Muna kaksi\n",
}


def write_sample_folder(path: str | os.PathLike[str]) -> None:
    """A small folder with a subfolder, for the folder examples to upload."""
    from allas_examples.script import SAMPLE_TEXT

    for name, content in SAMPLE_FOLDER_FILES.items():
        target = Path(path, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(SAMPLE_TEXT if content is None else content, encoding="utf-8")


def put_sample_objects(conn: swiftclient.Connection, bucket: str) -> int:
    """Put the sample folder's files into ``bucket`` as objects; return how many."""
    from allas_examples.script import SAMPLE_TEXT

    conn.put_container(bucket)
    for name, content in SAMPLE_FOLDER_FILES.items():
        conn.put_object(bucket, name, (SAMPLE_TEXT if content is None else content).encode())
    return len(SAMPLE_FOLDER_FILES)


def bucket_is_empty(conn: swiftclient.Connection, bucket: str) -> bool:
    """Whether ``bucket`` is missing or holds no objects."""
    try:
        return not conn.get_container(bucket, limit=1)[1]
    except swiftclient.ClientException as error:
        if error.http_status == 404:
            return True
        raise


def put_sample_large_object(
    conn: swiftclient.Connection, bucket: str, name: str, data: bytes, segment_size: int
) -> int:
    """Store ``data`` as a static large object, named as SwiftService names segments;
    return the number of segments."""
    conn.put_container(bucket)
    conn.put_container(f"{bucket}_segments")
    folder = f"{name}/slo/{time.time():f}/{len(data)}/{segment_size}"
    manifest = []
    for index, start in enumerate(range(0, len(data), segment_size)):
        piece = data[start : start + segment_size]
        path = f"{folder}/{index:08d}"
        etag = conn.put_object(f"{bucket}_segments", path, piece)
        manifest.append(
            {"path": f"/{bucket}_segments/{path}", "etag": etag, "size_bytes": len(piece)}
        )
    conn.put_object(
        bucket, name, json.dumps(manifest).encode(), query_string="multipart-manifest=put"
    )
    return len(manifest)
