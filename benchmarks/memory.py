"""Memory of the fake through a large upload and a streaming download, in a child process.

Run as ``python -m benchmarks.memory [SIZE_MIB]``; prints one JSON object: the resident
memory above the baseline once the object is stored, and the peak above the baseline
through the upload and the download (both in MiB).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

from .common import CHUNK, write_file


def _status_mib(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def resident_mib() -> float:
    return _status_mib("VmRSS")


def peak_mib() -> float:
    # VmHWM, not getrusage's ru_maxrss: the latter survives exec, so a child started
    # by a large parent would report the parent's size as its own peak.
    return _status_mib("VmHWM")


def measure(size_mib: int) -> dict:
    from allas_examples.connection import connect
    from fake_swift import mock_allas

    with tempfile.TemporaryDirectory(prefix="allas-bench-") as folder:
        source, copy = Path(folder) / "source.bin", Path(folder) / "copy.bin"
        md5 = write_file(source, size_mib)
        with mock_allas() as allas:
            conn = connect(allas.environ())
            conn.put_container("benchmark")
            baseline = resident_mib()
            with open(source, "rb") as body:
                etag = conn.put_object(
                    "benchmark", "big", contents=body, content_length=source.stat().st_size
                )
            stored = resident_mib()
            _headers, chunks = conn.get_object("benchmark", "big", resp_chunk_size=CHUNK)
            digest = hashlib.md5()
            with open(copy, "wb") as target:
                for chunk in chunks:
                    digest.update(chunk)
                    target.write(chunk)
            peak = peak_mib()
    assert etag == md5 == digest.hexdigest(), "the object came back different"
    return {
        "size_mib": size_mib,
        "baseline_mib": round(baseline, 1),
        "held_once_stored_mib": round(stored - baseline, 1),
        "peak_above_baseline_mib": round(peak - baseline, 1),
    }


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 1024)))
