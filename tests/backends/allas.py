"""Allas as it really runs, on loopback: a real Keystone v3 and a Ceph RGW checking its tokens.

``running_allas(folder)`` starts Keystone (:mod:`backends.keystone`, from its template) and a
radosgw configured with ``rgw_keystone_*`` (:mod:`backends.rgw`), and yields an
:class:`AllasServer`: John's account (project_123456) and Mary's (project_654321), each
logged in by password as CSC's pages do, plus the Keystone itself for logins of any kind.
Both halves stop on the way out, also after an error.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .common import RealServer, free_port
from .keystone import KeystoneServer, keystone_missing, running_keystone
from .rgw import rgw_missing, running_rgw


@dataclass(frozen=True)
class AllasServer(RealServer):
    """RGW with Keystone: the shared shape, the Keystone, and what teardown checks."""

    keystone: KeystoneServer
    pids: tuple[int, ...]  # keystone, then ceph-mon, ceph-osd, radosgw


def allas_missing() -> str | None:
    """None when both Keystone and Ceph RGW are installed, else why not."""
    return keystone_missing() or rgw_missing()


@contextlib.contextmanager
def running_allas(folder: Path) -> Iterator[AllasServer]:
    folder = Path(folder).resolve()
    rgw_port = free_port()
    with (
        running_keystone(folder / "keystone", f"http://127.0.0.1:{rgw_port}") as keystone,
        running_rgw(folder / "rgw", keystone=keystone, rgw_port=rgw_port) as rgw,
    ):
        yield AllasServer(
            name="allas",
            main=rgw.main,
            other=rgw.other,
            root_url=rgw.root_url,
            keystone=keystone,
            pids=(keystone.pid, *rgw.pids),
        )


def _main() -> None:
    """python -m backends.allas [FOLDER]: start, print John's RC variables, wait for Ctrl-C."""
    import signal
    import tempfile

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="allas-"))
    started = time.monotonic()
    with running_allas(folder) as server:
        print(f"started in {time.monotonic() - started:.1f} s; state in {folder}")
        for key, value in server.main.environ().items():
            print(f"export {key}={value}")
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == "__main__":
    _main()
