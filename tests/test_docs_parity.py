"""The documentation in English and Finnish: the same pages, anchors and code."""

import re

import pytest

from conftest import ROOT

DOCS = ROOT / "docs"
PAGES = sorted(path.relative_to(DOCS / "en") for path in (DOCS / "en").rglob("*.md"))


def test_both_languages_have_the_same_pages():
    finnish = sorted(path.relative_to(DOCS / "fi") for path in (DOCS / "fi").rglob("*.md"))
    assert PAGES and finnish == PAGES


def prose(text: str) -> str:
    """The page without its code blocks and comments (where '#' starts no heading)."""
    return re.sub(r"^```.*?^```|<!--.*?-->", "", text, flags=re.M | re.S)


def anchors(text: str) -> list[str]:
    return re.findall(r"^#+ .*\{#([a-z0-9-]+)\}\s*$", prose(text), re.M)


def code_blocks(text: str) -> list[str]:
    """Fenced blocks and the HTML comments that drive the tests (setup, skips, failures)."""
    return re.findall(r"^```.*?^```|<!--.*?-->", text, re.M | re.S)


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_same_anchors_in_the_same_order_and_the_same_code(page):
    english = (DOCS / "en" / page).read_text(encoding="utf-8")
    finnish = (DOCS / "fi" / page).read_text(encoding="utf-8")
    headings = re.findall(r"^#+ .*$", prose(english), re.M)
    assert len(anchors(english)) == len(headings), "every heading carries an anchor"
    assert anchors(finnish) == anchors(english)
    assert code_blocks(finnish) == code_blocks(english)
