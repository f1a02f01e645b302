"""The documentation runner itself: a block that should fail and does not is an error."""

import importlib.util
from types import SimpleNamespace

import pytest

from conftest import ROOT

# The runner lives in the repository's root conftest.py (tests/ has a conftest.py too).
_spec = importlib.util.spec_from_file_location("docs_conftest", ROOT / "conftest.py")
docs_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(docs_conftest)
expand_snippets, run_python = docs_conftest.expand_snippets, docs_conftest.run_python


def block(source: str, expected: str | None = None) -> SimpleNamespace:
    namespace = {} if expected is None else {"_expected_failure": expected}
    return SimpleNamespace(parsed=source, namespace=namespace, line=0, path="page.md")


def test_a_block_runs_in_the_pages_namespace():
    example = block("x = 1 + 1")
    run_python(example)
    assert example.namespace["x"] == 2


def test_an_expected_failure_passes():
    run_python(block("open('/', 'w')", "IsADirectoryError: Is a directory"))


def test_a_block_that_should_fail_but_does_not_is_an_error():
    with pytest.raises(AssertionError, match="should have failed"):
        run_python(block("x = 1", "TypeError: anything"))


def test_a_different_failure_is_an_error():
    with pytest.raises(ZeroDivisionError):
        run_python(block("1 / 0", "TypeError: division"))


def test_snippet_includes_are_the_scripts_own_lines():
    expanded = expand_snippets('--8<-- "examples/create_bucket.py:create_bucket"')
    assert "def create_bucket(" in expanded and "--8<--" not in expanded
    with pytest.raises(LookupError):
        expand_snippets('--8<-- "examples/create_bucket.py:no_such_section"')
