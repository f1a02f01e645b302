"""The message catalog: both languages for every key, and the language rule."""

import re
import string

import pytest

from allas_examples import messages
from conftest import ROOT


def placeholders(sentence: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(sentence) if field}


@pytest.mark.parametrize("key", sorted(messages.CATALOG))
def test_every_key_has_both_languages_with_the_same_placeholders(key):
    entry = messages.CATALOG[key]
    assert set(entry) == set(messages.LANGUAGES)
    assert all(entry[language].strip() for language in messages.LANGUAGES)
    assert placeholders(entry["fi"]) == placeholders(entry["en"])


def test_finnish_and_english_differ():
    same = [
        key
        for key, entry in messages.CATALOG.items()
        if entry["fi"] == entry["en"] and re.search(r"[a-zA-Z]{4}", entry["en"])
    ]
    assert same == []


def test_every_key_the_code_uses_is_in_the_catalog():
    call = re.compile(
        r"""\b(?:say|text|AllasExampleError|ConfigurationError)\(\s*["']([a-z_0-9]+)["']\s*[,)]"""
    )
    used = set()
    for folder in ("allas_examples", "examples"):
        for path in (ROOT / folder).glob("*.py"):
            used |= set(call.findall(path.read_text(encoding="utf-8")))
    assert used, "the pattern found no message use at all"
    assert used - set(messages.CATALOG) == set()


@pytest.mark.parametrize(
    ("requested", "environ", "language"),
    [
        ("fi", {"ALLAS_EXAMPLES_LANG": "en", "LANG": "en_US.UTF-8"}, "fi"),
        ("en", {"ALLAS_EXAMPLES_LANG": "fi"}, "en"),
        (None, {"ALLAS_EXAMPLES_LANG": "fi", "LANG": "en_US.UTF-8"}, "fi"),
        (None, {"ALLAS_EXAMPLES_LANG": "en", "LC_ALL": "fi_FI.UTF-8"}, "en"),
        (None, {"LC_ALL": "fi_FI.UTF-8", "LANG": "en_US.UTF-8"}, "fi"),
        (None, {"LC_ALL": "C.UTF-8", "LANG": "fi_FI.UTF-8"}, "en"),
        (None, {"LANG": "fi_FI.UTF-8"}, "fi"),
        (None, {"LANG": "sv_FI.UTF-8"}, "en"),
        (None, {"ALLAS_EXAMPLES_LANG": "de"}, "en"),
        (None, {}, "en"),
    ],
)
def test_language_rule(requested, environ, language):
    assert messages.resolve_language(requested, environ) == language


def test_text_uses_the_current_language(in_language):
    in_language("fi")
    assert messages.text("bucket_created", bucket="b") == "Bucket 'b' luotu."
    in_language("en")
    assert messages.text("bucket_created", bucket="b") == "Bucket 'b' created."
