"""Only a full default run records the suite's duration (test-artifacts/test-suite.json).

Each case runs pytest on this suite in a subprocess, with the record sent to a temporary
file. A plugin skips every test, so that a run of the whole suite costs its collection only:
every test still runs its protocol (and is counted), as in a real run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, auto_workers

SKIP_ALL = """
import pytest

def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.skip(reason="suite record check"))
"""

STOP_AFTER_ONE = """
import pytest

def pytest_runtest_logfinish(nodeid, location):
    pytest.exit("stopped after one test", returncode=0)
"""


@pytest.fixture
def record_of(tmp_path: Path):
    """Run pytest in the repository with ARGS; return the record it wrote, or None."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "skip_all.py").write_text(textwrap.dedent(SKIP_ALL), encoding="utf-8")
    (plugins / "stop_after_one.py").write_text(textwrap.dedent(STOP_AFTER_ONE), encoding="utf-8")
    record = tmp_path / "test-suite.json"

    def run(*args: str) -> dict | None:
        env = {
            **os.environ,
            "ALLAS_TEST_SUITE_RECORD": str(record),
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(plugins), os.environ.get("PYTHONPATH")])
            ),
        }
        env.pop("PYTEST_ADDOPTS", None)
        env.pop("ALLAS_TEST_INSTALLED", None)  # the checkout's suite, whatever runs this one
        record.unlink(missing_ok=True)
        completed = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert completed.returncode in (0, 1, 5), completed.stdout[-3000:] + completed.stderr
        return json.loads(record.read_text(encoding="utf-8")) if record.exists() else None

    return run


@pytest.mark.parametrize("workers", ["auto", "0"])
def test_the_full_default_run_writes_the_record(record_of, workers):
    record = record_of("-p", "skip_all", "-n", workers)
    assert record is not None
    assert record["tests"] > 1000 and record["failed"] == 0
    assert record["workers"] == (auto_workers() if workers == "auto" else 0)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--collect-only"], id="collect-only"),
        pytest.param(["tests/test_messages.py"], id="one-file"),
        pytest.param(["-p", "skip_all", "--ignore=docs"], id="ignore"),
        pytest.param(["-p", "skip_all", "--deselect", "tests/test_messages.py"], id="deselect"),
        pytest.param(["-p", "skip_all", "-p", "stop_after_one"], id="stopped-early"),
        # the slow tiers alone, or with the default ones: not the default run either
        pytest.param(["-p", "skip_all", "-m", "packaging"], id="other-tiers"),
        pytest.param(["-p", "skip_all", "-m", ""], id="every-tier"),
    ],
)
def test_a_partial_run_leaves_the_record_alone(record_of, args):
    # In one process: whether a run is partial does not depend on the workers.
    assert record_of("-n", "0", *args) is None
