"""The test suite on every Python the package claims (``requires-python = ">=3.10"``).

Each session makes a new virtual environment of its Python, installs the wheel that
``python -m build`` makes (built once per nox run) with the test extra, and runs the
suite against that installed wheel::

    nox                              # 3.10, 3.11, 3.12 and 3.13
    nox -s tests-3.13                # one of them
    nox -s tests-3.12 -- -k tour     # arguments after -- go to pytest

nox finds each interpreter as ``python3.X`` on PATH. A missing one is an error, not a skip.

Each session runs the default tiers, as a plain ``python -m pytest`` does. The slow tiers
run once, on the main Python, in ``.ci/run``: the real servers installed in the main
environment (marker ``real``: Ceph RGW, OpenStack Swift, Keystone), the third-party suites
(``thirdparty``), the packaging tests (they build and install the same wheel again),
the site in a browser (``browser``) and the everyday clients (``clients``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
ROOT = Path(__file__).resolve().parent
DIST = ROOT / ".nox" / "dist"

nox.options.sessions = ["tests"]
nox.options.error_on_missing_interpreters = True

_built: list[Path] = []


def wheel(session: nox.Session) -> Path:
    """The wheel of this checkout, built with the standard front end the first time."""
    if not _built:
        shutil.rmtree(DIST, ignore_errors=True)
        session.install("build")
        session.run("python", "-m", "build", "--outdir", str(DIST), str(ROOT), silent=True)
        _built.extend(DIST.glob("allas_examples-*-py3-none-any.whl"))
    return _built[0]


@nox.session(python=PYTHONS, venv_backend="venv")
def tests(session: nox.Session) -> None:
    """The wheel installed into this Python, and the suite run against it."""
    built = wheel(session)
    session.install(f"{built}[test]")
    # A reused environment (nox -r) holds an older build of the same version: replace it.
    session.install("--force-reinstall", "--no-deps", str(built))
    # The tests must import the installed packages, not the checkout's. pytest's console
    # script puts no folder of the checkout on sys.path; -p allas_examples imports that
    # package (fake_swift comes in as the pytest11 plugin) before the conftests put the
    # checkout first on sys.path, and their modules then come from where the packages are.
    # With ALLAS_TEST_INSTALLED set, tests/conftest.py stops the run if they do not.
    session.run(
        "pytest",
        "-p",
        "allas_examples",
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env={"ALLAS_TEST_INSTALLED": "1"},
    )
