"""How the suite runs, as a pytest plugin: how many xdist workers ``-n auto`` starts, how
tests are shared among them (lengthy ones first), the garbage collector while they are
collected, and the record of the last full default run (test-artifacts/test-suite.json),
which ``python -m benchmarks`` reports.

tests/conftest.py takes these hooks in; tests/test_suite_record.py gives them to a small
suite of its own, to see which runs write the record.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def auto_workers() -> int:
    """What ``-n auto`` (the default in addopts) starts: two workers per core. Many tests
    spend their time waiting (a script's process starting, a server's answer, an expiry),
    and another worker uses the core meanwhile."""
    return (
        2 * len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else 2 * (os.cpu_count() or 1)
    )


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, which -p no:xdist leaves out
def pytest_xdist_auto_num_workers(config):
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own setting wins
    return auto_workers()


# Test files whose tests all share one costly module-scoped fixture (the benchmarks' tiny
# run): one worker runs them together, so that the fixture is made once, not once a worker.
FILES_KEPT_TOGETHER = ("tests/test_benchmarks.py",)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """--dist loadfile (the default in addopts), refined: a documentation page's blocks,
    which share one namespace top to bottom, still go to one worker together, as do the
    tests of FILES_KEPT_TOGETHER; each test of any other file is a unit of its own, so
    that the run does not wait at its end for the worker given the slowest file."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class PagesTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path.endswith(".md") or path in FILES_KEPT_TOGETHER else nodeid

    return PagesTogether(config, log)


@pytest.hookimpl(wrapper=True)
def pytest_collection(session):
    """Collect without the garbage collector, then set aside what is there (gc.freeze);
    where Python writes no bytecode (PYTHONDONTWRITEBYTECODE), keep it for the collection
    in pytest's cache folder.

    What a process has loaded by then (the libraries, the test modules, the tests) stays
    until the run ends, yet each full pass of the collector would walk all of it again;
    what the tests make is collected as usual."""
    gc.disable()
    try:
        with bytecode_kept(session.config):
            return (yield)
    finally:
        gc.freeze()
        gc.enable()


@contextlib.contextmanager
def bytecode_kept(config: pytest.Config) -> Iterator[None]:
    """Python's bytecode and pytest's rewritten test modules kept in .pytest_cache/d/bytecode
    while the tests are collected, even where PYTHONDONTWRITEBYTECODE is set.

    Without it, each worker of each run rewrites the asserts of every test module again
    (about 1.5 s of CPU a worker). The source tree gets no __pycache__ folder, as the
    setting wants; -p no:cacheprovider keeps nothing."""
    cache = getattr(config, "cache", None)
    if not sys.dont_write_bytecode or cache is None:
        yield
        return
    kept = sys.dont_write_bytecode, sys.pycache_prefix
    sys.dont_write_bytecode, sys.pycache_prefix = False, str(cache.mkdir("bytecode"))
    try:
        yield
    finally:
        sys.dont_write_bytecode, sys.pycache_prefix = kept


def lengthy_tests_first(items: list[pytest.Item]) -> None:
    """Tests marked ``lengthy`` first, the rest in their order: started last, one of them
    would keep its worker busy after the others have finished."""
    items.sort(key=lambda item: item.get_closest_marker("lengthy") is None)


# --- the last full default run (`python -m pytest`) ---

SUITE_RECORD = Path(
    os.environ.get("ALLAS_TEST_SUITE_RECORD") or ROOT / "test-artifacts" / "test-suite.json"
)
_STARTED = pytest.StashKey[float]()
_RAN = pytest.StashKey["_RunCount"]()


class _RunCount:
    """The tests that ran, skipped ones too, in every folder: a plugin, because a conftest's
    own per-test hooks see only the tests of its folder (not the pages in docs/)."""

    def __init__(self) -> None:
        self.ran = 0

    def pytest_runtest_logfinish(self, nodeid, location) -> None:
        self.ran += 1


def pytest_sessionstart(session):
    config = session.config
    config.stash[_STARTED] = time.monotonic()
    config.stash[_RAN] = _RunCount()
    config.pluginmanager.register(config.stash[_RAN], "allas-examples-run-count")


def default_markexpr(config: pytest.Config) -> str:
    """The ``-m`` of the configured ``addopts``: the tiers a plain ``python -m pytest`` runs."""
    words = config.getini("addopts")  # already split as a shell would
    given = [words[i + 1] for i, word in enumerate(words[:-1]) if word == "-m"]
    return given[-1] if given else ""


def full_default_run(session: pytest.Session) -> bool:
    """Whether this run ran the whole default suite: no paths, no selection but the
    configured tiers, no early stop.

    Collecting alone (``--collect-only``), narrowing the collection (``--ignore``), taking
    tests out and stopping before the last test all make a partial run.
    """
    config = session.config
    option = config.option
    return (
        config.args_source == pytest.Config.ArgsSource.TESTPATHS
        and not option.keyword
        and option.markexpr == default_markexpr(config)
        and not getattr(option, "deselect", None)
        and not option.collectonly
        and not getattr(option, "setuponly", False)
        and not getattr(option, "setupplan", False)
        and not getattr(option, "ignore", None)
        and not getattr(option, "ignore_glob", None)
        and not getattr(option, "lf", False)
        and not getattr(option, "stepwise", False)
        and not option.maxfail
        and _RAN in config.stash
        and 0 < session.testscollected == config.stash[_RAN].ran
    )


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if hasattr(config, "workerinput"):
        return  # an xdist worker ran a share of the tests; the controller counts them all
    if exitstatus not in (0, 1) or _STARTED not in config.stash or not full_default_run(session):
        return
    record = {
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.monotonic() - config.stash[_STARTED], 1),
        "tests": session.testscollected,
        "failed": session.testsfailed,
        # pytest-xdist's worker processes (0: the tests ran in this one)
        "workers": getattr(config.option, "numprocesses", None) or 0,
    }
    SUITE_RECORD.parent.mkdir(parents=True, exist_ok=True)
    SUITE_RECORD.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
