"""Local-file helpers the examples share: checksums and writing without half-written files."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

CHUNK_SIZE = 1024 * 1024


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
    handle = tempfile.NamedTemporaryFile(
        dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False
    )
    try:
        with handle:
            yield handle
        os.replace(handle.name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(handle.name)
        raise
