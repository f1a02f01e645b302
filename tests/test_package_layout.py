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
