"""The Content-Type a server guesses from an object's name when a PUT sends none.

Ceph RGW looks the text after the name's last dot up, as it is (``.TXT`` is not ``.txt``),
in the mime.types file of the host it runs on (``rgw_mime_types_file``, by default
``/etc/mime.types``; Debian's and Red Hat's radosgw packages bring one). OpenStack Swift
asks Python's ``mimetypes``, which also reads the host's files and knows common types of
its own.
"""

from __future__ import annotations

import functools
import mimetypes
from pathlib import Path

MIME_TYPES_FILE = Path("/etc/mime.types")


@functools.cache
def _rgw_table(path: Path = MIME_TYPES_FILE) -> dict[str, str]:
    """Extension -> type, as RGW reads the file: a type, then its extensions, per line."""
    table: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return table  # no file: RGW guesses nothing
    for line in lines:
        words = line.split("#", 1)[0].split()
        for extension in words[1:]:
            table[extension] = words[0]
    return table


def rgw_guess(name: str) -> str | None:
    """RGW's guess for ``name``, or None."""
    _, dot, extension = name.rpartition(".")
    return _rgw_table().get(extension) if dot and extension else None


def swift_guess(name: str) -> str | None:
    """Swift's guess for ``name``, or None."""
    return mimetypes.guess_type(name)[0]
