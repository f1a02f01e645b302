"""Only a full default run records the suite's duration (test-artifacts/test-suite.json),
tests marked ``lengthy`` run first, one to each worker, and where Python writes no
bytecode the collection's is kept in .pytest_cache, not beside the sources.

Each case runs pytest in a subprocess on a small suite shaped as this one: the same
``addopts`` (workers, scheduling, the default tiers) less the plugins its tests do not
use, the same markers and test paths, a conftest that takes in tests/suite_run.py's hooks
as tests/conftest.py does, and tests in two folders, one of them in a tier the default
run leaves out. The record goes to a temporary file.

One test looks at this run itself: its tests run with the garbage collector on, and what
was loaded while collecting set aside.
"""

from __future__ import annotations

import configparser
import gc
import json
import os
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from suite_run import auto_workers

TESTS_DIR = Path(__file__).resolve().parent

SUITE = {
    "tests/conftest.py": """
        from suite_run import (
            lengthy_tests_first,
            pytest_collection,
            pytest_sessionfinish,
            pytest_sessionstart,
            pytest_xdist_auto_num_workers,
            pytest_xdist_make_scheduler,
        )

        def pytest_collection_modifyitems(items):
            lengthy_tests_first(items)
    """,
    "tests/test_storage.py": """
        import pytest

        def test_upload():
            pass

        def test_download():
            pass

        @pytest.mark.real
        def test_on_a_real_server():
            pass

        @pytest.mark.packaging
        def test_the_wheel():
            pass

        @pytest.mark.lengthy
        def test_many_files():
            pass

        @pytest.mark.lengthy
        def test_many_folders():
            pass
    """,
    # one worker runs its tests together, as the benchmarks' (FILES_KEPT_TOGETHER)
    "tests/test_benchmarks.py": """
        def test_a_tiny_run():
            pass

        def test_its_report():
            pass
    """,
    # beside tests/conftest.py's folder, as the documentation pages are
    "docs/test_page.py": """
        def test_a_block_of_the_page():
            pass
    """,
    "plugins/stop_after_one.py": """
        import pytest

        def pytest_runtest_logfinish(nodeid, location):
            pytest.exit("stopped after one test", returncode=0)
    """,
}
DEFAULT_TIER_TESTS = 7  # the real and packaging tests are not in the default run


def without_plugins(options: list[str]) -> list[str]:
    """The options less the plugins the small suite's tests do not use (all but xdist's):
    each of its runs then starts quickly."""
    kept: list[str] = []
    pairs = iter(options)
    for option in pairs:
        if option == "-p":
            plugin = next(pairs)
            if plugin.startswith("xdist"):
                kept += [option, plugin]
        else:
            kept.append(option)
    return kept


@pytest.fixture
def run_small_suite(tmp_path: Path, pytestconfig):
    """Run pytest with ARGS on the small suite; return what it printed and the record it
    wrote (or None). With ``cache``, pytest keeps its cache folder; ``environ`` adds to
    the environment."""
    suite = tmp_path / "suite"
    for name, text in SUITE.items():
        (suite / name).parent.mkdir(parents=True, exist_ok=True)
        (suite / name).write_text(textwrap.dedent(text), encoding="utf-8")
    ini = configparser.ConfigParser(interpolation=None)
    ini["pytest"] = {
        "testpaths": " ".join(pytestconfig.getini("testpaths")),
        "addopts": shlex.join(without_plugins(pytestconfig.getini("addopts"))),
        "markers": "\n".join(pytestconfig.getini("markers")),
    }
    with open(suite / "pytest.ini", "w", encoding="utf-8") as file:
        ini.write(file)
    record = tmp_path / "test-suite.json"

    def run(
        *args: str, cache: bool = False, environ: dict | None = None
    ) -> tuple[str, dict | None]:
        env = {
            **os.environ,
            **(environ or {}),
            "ALLAS_TEST_SUITE_RECORD": str(record),
            "PYTHONPATH": os.pathsep.join([str(TESTS_DIR), str(suite / "plugins")]),
            # only the plugins the run needs, whatever addopts says
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        }
        env.pop("PYTEST_ADDOPTS", None)
        env.pop("PYTEST_XDIST_AUTO_NUM_WORKERS", None)
        record.unlink(missing_ok=True)
        completed = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "xdist.plugin"]
            + ([] if cache else ["-p", "no:cacheprovider"])
            + ["-q", *args],
            cwd=suite,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert completed.returncode in (0, 5), completed.stdout[-3000:] + completed.stderr
        written = json.loads(record.read_text(encoding="utf-8")) if record.exists() else None
        return completed.stdout, written

    return run


@pytest.fixture
def record_of(run_small_suite):
    """Run pytest with ARGS on the small suite; return the record it wrote, or None."""
    return lambda *args: run_small_suite(*args)[1]


@pytest.mark.lengthy  # a pytest run, with its workers
@pytest.mark.parametrize("workers", ["auto", "0"])
def test_the_full_default_run_writes_the_record(record_of, workers):
    record = record_of("-n", workers)
    assert record is not None
    assert record["tests"] == DEFAULT_TIER_TESTS and record["failed"] == 0
    assert record["workers"] == (auto_workers() if workers == "auto" else 0)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--collect-only"], id="collect-only"),
        pytest.param(["tests/test_storage.py"], id="one-file"),
        pytest.param(["--ignore=docs"], id="ignore"),
        pytest.param(["--deselect", "tests/test_storage.py::test_upload"], id="deselect"),
        pytest.param(["-p", "stop_after_one"], id="stopped-early"),
        # the slow tiers alone, or with the default ones: not the default run either
        pytest.param(["-m", "packaging"], id="other-tiers"),
        pytest.param(["-m", ""], id="every-tier"),
    ],
)
def test_a_partial_run_leaves_the_record_alone(record_of, args):
    # In one process: whether a run is partial does not depend on the workers.
    assert record_of("-n", "0", *args) is None


def test_lengthy_tests_run_first(run_small_suite):
    printed, _ = run_small_suite("-n", "0", "-vv")  # -vv: one line a test, after -q
    ran = [line.split(" ")[0] for line in printed.splitlines() if " PASSED" in line]
    assert ran == [
        "tests/test_storage.py::test_many_files",
        "tests/test_storage.py::test_many_folders",
        "tests/test_benchmarks.py::test_a_tiny_run",
        "tests/test_benchmarks.py::test_its_report",
        "tests/test_storage.py::test_upload",
        "tests/test_storage.py::test_download",
        "docs/test_page.py::test_a_block_of_the_page",
    ]


def test_each_worker_starts_with_a_lengthy_test(run_small_suite):
    """Two workers, two lengthy tests: one each, before anything else, even though the
    benchmarks' file is a larger unit of work (which xdist would otherwise send first)."""
    printed, _ = run_small_suite("-n", "2", "-vv")
    first: dict[str, str] = {}
    for line in printed.splitlines():  # [gw1] [ 33%] PASSED tests/test_storage.py::test_x
        words = line.split()
        if words and words[0].startswith("[gw") and "PASSED" in words:
            first.setdefault(words[0], words[-1])
    assert sorted(first.values()) == [
        "tests/test_storage.py::test_many_files",
        "tests/test_storage.py::test_many_folders",
    ]


@pytest.mark.parametrize("cache", [True, False], ids=["cache", "no-cache"])
def test_bytecode_of_the_collection_is_kept_in_the_cache_folder_only(
    run_small_suite, tmp_path, cache
):
    """Where Python writes no bytecode, the collection's (pytest's rewritten test modules
    among it) goes to .pytest_cache, and nowhere without the cache."""
    run_small_suite("-n", "0", cache=cache, environ={"PYTHONDONTWRITEBYTECODE": "1"})
    suite = tmp_path / "suite"
    kept = suite / ".pytest_cache" / "d" / "bytecode"
    rewritten = [path.name for path in kept.rglob("test_storage.*.pyc")]
    tag = f"{sys.implementation.cache_tag}-pytest-{pytest.__version__}"
    assert rewritten == ([f"test_storage.{tag}.pyc"] if cache else [])
    assert [path for path in suite.rglob("__pycache__") if kept not in path.parents] == []


def test_tests_run_with_the_garbage_collector_on_and_the_collected_set_aside():
    """suite_run.pytest_collection turns the collector off while collecting only."""
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
