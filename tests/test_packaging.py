"""The package as users install it: the wheel that ``python -m build`` makes (from the
sdist) of the project's files, installed into a new virtual environment, and the tour run
from a folder outside the repository. Slow (a build and an install, which reach the
package index): ``-m packaging`` selects these tests, ``-m "not packaging"`` leaves them out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from allas_examples.course import EXAMPLES
from conftest import ROOT, TOUR_STEP_TITLES, clean_environment, expected

pytestmark = pytest.mark.packaging


def _run(command: list, cwd: Path) -> subprocess.CompletedProcess:
    # No PYTHONPATH: nothing of the repository may reach the installed package.
    env = {key: value for key, value in clean_environment().items() if key != "PYTHONPATH"}
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _source_tree(target: Path) -> Path:
    """The project's files as a fresh clone has them (with this checkout's edits): no
    build leftovers, whose stale allas_examples.egg-info/SOURCES.txt would add to the sdist."""
    if (ROOT / ".git").exists():
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        for name in filter(None, listed.split("\0")):
            if (ROOT / name).is_file():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, target / name)
    else:  # an unpacked sdist
        leftovers = shutil.ignore_patterns("*.egg-info", "build", "dist", "__pycache__", ".*")
        shutil.copytree(ROOT, target, ignore=leftovers, dirs_exist_ok=True)
    return target


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The sdist and the wheel, built as ``python -m build`` builds them."""
    source = _source_tree(tmp_path_factory.mktemp("source"))
    folder = tmp_path_factory.mktemp("dist")
    built = _run([sys.executable, "-m", "build", "--outdir", folder, source], folder)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return folder


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    (found,) = dist.glob("allas_examples-*-py3-none-any.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory) -> Path:
    """A new virtual environment holding the wheel and what it depends on: its bin/."""
    venv = tmp_path_factory.mktemp("venv")
    made = _run([sys.executable, "-m", "venv", venv], venv)
    assert made.returncode == 0, made.stderr
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
    done = _run([*pip, "--disable-pip-version-check", wheel], venv)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return venv / "bin"


def test_the_wheel_and_the_sdist_hold_every_example(dist: Path, wheel: Path):
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    assert {f"allas_examples/examples/{name}.py" for name in EXAMPLES} <= in_wheel
    # Every module of both packages, subpackages included (pyproject lists them by hand).
    modules = {
        path.relative_to(ROOT).as_posix()
        for package in ("allas_examples", "fake_swift")
        for path in (ROOT / package).rglob("*.py")
    }
    assert modules - in_wheel == set()
    (sdist,) = dist.glob("allas_examples-*.tar.gz")
    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {f"examples/{name}.py" for name in EXAMPLES} <= in_sdist


def test_the_tour_runs_from_the_installed_wheel(installed: Path, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run(
        [
            installed / "python",
            "-c",
            "from allas_examples import course; print(course.EXAMPLES_DIR)",
        ],
        elsewhere,
    )
    # The scripts the tour runs are the wheel's, not the repository's.
    assert Path(where.stdout.strip()).is_relative_to(installed.parent), where.stdout + where.stderr

    run = _run([installed / "allas-examples", "tour", "--lang", "fi"], elsewhere)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    for title in TOUR_STEP_TITLES:
        assert f": {expected('fi', title)} (" in run.stdout
    assert run.stdout.rstrip().endswith(expected("fi", "tour_done").strip())
    assert os.listdir(elsewhere) == []
