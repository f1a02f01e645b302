"""``python -m benchmarks``: run the benchmarks, write benchmarks/results.json and .md.

Each figure is measured in this one run and, where there is a limit, given as a ratio
to it, so that the figures hold on a busy shared machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GIB_MIB = 1024


def memory() -> dict:
    """1 GiB up and down through the fake, in a child process of its own."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", str(GIB_MIB)],
        cwd=HERE.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    result["held_limit_mib"] = 0.1 * GIB_MIB
    result["peak_limit_mib"] = 1.1 * GIB_MIB
    return result


def markdown(results: dict) -> str:
    m = results["memory"]
    return "\n".join(
        [
            "| measure | result | limit |",
            "|---|---|---|",
            f"| held once 1 GiB is stored | {m['held_once_stored_mib']} MiB "
            f"| {m['held_limit_mib']:.0f} MiB |",
            f"| peak through upload and streaming download | {m['peak_above_baseline_mib']} MiB "
            f"| {m['peak_limit_mib']:.0f} MiB |",
            "",
        ]
    )


def main() -> int:
    results = {"memory": memory()}
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    table = markdown(results)
    (HERE / "results.md").write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
