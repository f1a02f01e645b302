"""Every import package in the repository is one the distribution lists, so that the wheel
holds it (setuptools takes only the packages pyproject.toml names)."""

from __future__ import annotations

import ast
import re

from conftest import ROOT


def listed_packages() -> set[str]:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(r"^packages = (\[.*?\])$", text, re.M)
    assert found, "pyproject.toml names its packages on one line"
    return set(ast.literal_eval(found.group(1)))


def test_every_package_folder_is_in_the_distribution() -> None:
    folders = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("allas_examples", "fake_swift")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert folders <= listed_packages()


def test_no_file_keeps_a_merge_conflict() -> None:
    # A conflict left in prose or a docstring still builds, imports and passes; only its
    # markers show it.
    marker = re.compile(r"^(<{7} |>{7} |={7}$)", re.M)
    folders = ("allas_examples", "fake_swift", "examples", "docs", "tests", "benchmarks", ".ci")
    files = [path for top in folders for path in (ROOT / top).rglob("*") if path.is_file()]
    files += [path for path in ROOT.iterdir() if path.is_file()]
    kept = [
        str(path.relative_to(ROOT))
        for path in files
        if "__pycache__" not in path.parts
        and marker.search(path.read_bytes().decode("utf-8", "replace"))
    ]
    assert kept == []
