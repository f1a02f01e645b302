"""An object's content as the parts a GET streams: a stored body, or a large object's
segments in order. No HTTP and no state here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..state import Body, MemoryBody, StoredObject

CHUNK_SIZE = 65536


@dataclass(frozen=True)
class Part:
    """A piece of an object's content: ``size`` bytes of a stored body from ``offset``."""

    body: Body
    size: int
    offset: int = 0


@dataclass(frozen=True)
class Content:
    """What a GET of an object returns: its parts, total size and ETag header value."""

    parts: list[Part]
    size: int
    etag: str
    headers: dict[str, str]


def plain_content(obj: StoredObject) -> Content:
    """The content of an object that is not a manifest: its own body."""
    return Content([Part(obj.body, obj.size)], obj.size, obj.etag, {})


def slice_parts(parts: list[Part], start: int, stop: int) -> list[Part]:
    """The parts that hold bytes ``start``..``stop`` of ``parts`` joined."""
    sliced: list[Part] = []
    offset = 0
    for part in parts:
        part_start, part_stop = offset, offset + part.size
        offset = part_stop
        if part_stop <= start or part_start >= stop:
            continue
        skip = max(start - part_start, 0)
        size = min(stop, part_stop) - part_start - skip
        sliced.append(Part(part.body, size, part.offset + skip))
    return sliced


def open_content(parts: list[Part]):
    """The body of a full GET: the stored bytes, an open file, or joined chunks."""
    if len(parts) == 1 and parts[0].offset == 0:
        part = parts[0]
        if isinstance(part.body, MemoryBody):
            if len(part.body.data) == part.size:
                return part.body.data
        elif part.body.path.stat().st_size == part.size:
            return part.body.open()
    return iter_parts(parts)


def iter_parts(parts: list[Part], start: int = 0, stop: int | None = None) -> Iterator[bytes]:
    """Stream bytes ``start``..``stop`` of the parts joined, one chunk at a time."""
    if stop is None:
        stop = sum(part.size for part in parts)
    offset = 0
    for part in parts:
        part_start, part_stop = offset, offset + part.size
        offset = part_stop
        if part_stop <= start or part_start >= stop:
            continue
        skip = max(start - part_start, 0)
        remaining = min(stop, part_stop) - part_start - skip
        with part.body.open() as file:
            file.seek(part.offset + skip)
            while remaining > 0:
                chunk = file.read(min(CHUNK_SIZE, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk
