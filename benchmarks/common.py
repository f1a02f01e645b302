"""What the benchmarks share: sizes, random files and best-of timing."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path

MIB = 1024 * 1024
CHUNK = MIB  # the chunk size of every streamed read and write here


def write_file(path: Path, size_mib: int) -> str:
    """A file of random bytes (so that nothing compresses it), and its md5."""
    digest = hashlib.md5()
    with open(path, "wb") as target:
        for _ in range(size_mib):
            chunk = os.urandom(CHUNK)
            digest.update(chunk)
            target.write(chunk)
    return digest.hexdigest()


def seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def best(rounds: list[dict[str, float]]) -> dict[str, float]:
    """The fastest time of each step over the rounds: the least disturbed by other work."""
    return {step: min(round_[step] for round_ in rounds) for step in rounds[0]}
