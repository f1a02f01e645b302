"""``python -m benchmarks``: run the benchmarks; write benchmarks/results.json, results.md
(English) and results.fi.md (Finnish), and print the table in the user's language.

Each figure is measured in this one run and, where there is a limit, given as a ratio
to it, so that the figures hold on a busy shared machine.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from allas_examples import messages

from . import clients, fake, servers
from .common import MIB, write_file
from .report import markdown

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SUITE_RECORD = ROOT / "test-artifacts" / "test-suite.json"
EXAMPLE_SERVER = "rgw"  # what Allas runs


@dataclass(frozen=True)
class Sizes:
    """What the run measures, and how many rounds each time is the best of."""

    speed_mib: int = 256
    speed_rounds: int = 5
    memory_mib: int = 1024
    listing_counts: tuple[int, ...] = (10_000, 100_000)
    listing_rounds: int = 3
    segmented_mib: int = 1024
    segment_mib: int = 64
    small_count: int = 1000
    # Rounds per backend; OpenStack Swift syncs every object to disk, about 20 ms each.
    segmented_rounds: dict[str, int] = field(
        default_factory=lambda: {"fake": 3, "swift": 2, "rgw": 2}
    )
    small_rounds: dict[str, int] = field(default_factory=lambda: {"fake": 3, "swift": 1, "rgw": 2})
    example_mib: int = 512
    example_rounds: int = 2
    # benchmarks/clients.py: rclone and the swift CLI, and the concurrent clients.
    clients: dict = field(
        default_factory=lambda: {"small": 100, "big_mib": 64, "chunk_mib": 16, "load_rounds": 30}
    )


def memory(size_mib: int) -> dict:
    """1 GiB up and down through the fake, in a child process of its own."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", str(size_mib)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def workloads(sizes: Sizes, backends: tuple[str, ...], folder: Path) -> dict:
    """The segmented and small-object workloads on each backend, and the example vs the CLI."""
    source, example_source = folder / "large.bin", folder / "example.bin"
    write_file(source, sizes.segmented_mib)
    write_file(example_source, sizes.example_mib)
    segment_size = sizes.segment_mib * MIB
    segmented: dict[str, dict] = {}
    small: dict[str, dict] = {}
    example: dict = {"error": f"{EXAMPLE_SERVER} was not run"}
    for name in backends:
        try:
            with servers.backend(name) as login:
                segmented[name] = servers.segmented(
                    login, source, segment_size, folder, sizes.segmented_rounds[name]
                )
                small[name] = servers.small_objects(
                    login, sizes.small_count, sizes.small_rounds[name]
                )
                if name == EXAMPLE_SERVER:
                    example = servers.example_and_cli(
                        login, example_source, segment_size, sizes.example_rounds
                    )
        except Exception as error:  # one backend's failure is its rows', not the run's
            reason = " ".join(str(error).split())[:200] or type(error).__name__
            segmented.setdefault(name, {"error": reason})
            small.setdefault(name, {"error": reason})
            if name == EXAMPLE_SERVER:
                example = {"error": reason}
    example.update(server=EXAMPLE_SERVER, size_mib=sizes.example_mib)
    if "error" not in example:
        example["ratio"] = example["example"] / example["cli"]
        example["rounds"] = sizes.example_rounds
    return {
        "segmented": against_real_servers(segmented),
        "small_objects": against_real_servers(small),
        "example_vs_cli": example,
    }


def against_real_servers(by_backend: dict[str, dict]) -> dict:
    """The times per backend and how many times faster the fake is than the faster server."""
    result: dict = {"backends": by_backend}
    real = {name: times for name, times in by_backend.items() if name != "fake"}
    measured = {name: times["total"] for name, times in real.items() if "error" not in times}
    if measured and "error" not in by_backend.get("fake", {"error": ""}):
        server = min(measured, key=measured.__getitem__)
        result["faster"] = {
            "server": server,
            "ratio": measured[server] / by_backend["fake"]["total"],
        }
    return result


def suite_record() -> dict | None:
    """The last full default test run, as tests/conftest.py records it."""
    try:
        return json.loads(SUITE_RECORD.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def run(sizes: Sizes, backends: tuple[str, ...], out: Path) -> dict:
    """Measure everything; write results.json, results.md and results.fi.md into ``out``."""
    started = time.perf_counter()
    results: dict = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "sizes": asdict(sizes),
        "fake_speed": fake.put_and_get(sizes.speed_mib, sizes.speed_rounds),
        "memory": memory(sizes.memory_mib),
        "listing": fake.listing(sizes.listing_counts, sizes.listing_rounds),
    }
    with tempfile.TemporaryDirectory(prefix="allas-bench-") as folder:
        results.update(workloads(sizes, backends, Path(folder)))
    # Server mode takes the fake's place beside the real servers for the everyday clients.
    client_backends = tuple("server" if name == "fake" else name for name in backends)
    results["clients"] = clients.run(client_backends, **sizes.clients)
    results["suite"] = suite_record()
    results["seconds"] = time.perf_counter() - started
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for language, name in (("en", "results.md"), ("fi", "results.fi.md")):
        (out / name).write_text(markdown(results, language), encoding="utf-8")
    return results


def main() -> int:
    results = run(Sizes(), servers.BACKENDS, HERE)
    print(markdown(results, messages.resolve_language(None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
