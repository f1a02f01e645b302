"""Progress bars for long transfers, shown only on a terminal and never with ``--quiet``.

    with Progress(total_bytes, "my_file.bin", quiet=args.quiet) as progress:
        for chunk in chunks:
            ...
            progress.update(len(chunk))
        progress.say("object_downloaded", ...)

The bar goes to standard error and disappears when done; when standard error is not a
terminal (a pipe, a log file, the tests) nothing is drawn, so the output stays the same
sentences, line for line.
"""

from __future__ import annotations

import argparse
import sys
from types import TracebackType

from tqdm import tqdm

from allas_examples.messages import say, text


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    """``--quiet``: no progress bar (for courses, screenshots and logs)."""
    parser.add_argument("--quiet", action="store_true", help=text("help_quiet"))


def wanted(quiet: bool = False) -> bool:
    """Whether to draw a bar: not asked to be quiet, and standard error is a terminal."""
    return not quiet and sys.stderr.isatty()


class Progress:
    """A byte counter with a bar on the terminal; without one it only counts."""

    def __init__(self, total: int | None, label: str, quiet: bool = False, done: int = 0):
        self.done = done
        self._bar = None
        if wanted(quiet):
            self._bar = tqdm(
                total=total,
                initial=done,
                desc=label,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                leave=False,
                file=sys.stderr,
                dynamic_ncols=True,
            )

    def update(self, size: int) -> None:
        self.done += size
        if self._bar is not None:
            self._bar.update(size)

    def say(self, key: str, /, **values: object) -> None:
        """``messages.say`` without breaking the bar: it is cleared, the line printed,
        and the bar drawn again below it."""
        if self._bar is None:
            say(key, **values)
            return
        with self._bar.external_write_mode(file=sys.stdout):
            say(key, **values)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
