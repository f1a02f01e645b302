"""Every Python block of the documentation (docs/en, docs/fi) runs in the tests (Sybil).

Each page runs top to bottom in one namespace, as a reader would paste it, in an empty
folder, with the fake Allas active and its ``OS_*`` variables exported. HTML comments
carry what readers do not need to see:

- ``<!-- invisible-code-block: python ... -->``: setup that runs but is not shown;
- ``<!-- skip: next "reason" -->``: the next block cannot run here (the page says why);
- ``<!-- fails-with: TypeError: words -->``: the next block must fail with that error,
  whose message contains those words.

A line ``--8<-- "examples/NAME.py:SECTION"`` inside a block is a snippet include (the
site shows that part of the script); it runs here as the same code.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from sybil import Region, Sybil
from sybil.parsers.markdown import CodeBlockParser, SkipParser
from sybil.parsers.markdown.lexers import DirectiveInHTMLCommentLexer

ROOT = Path(__file__).resolve().parent
SNIPPET = re.compile(r'^--8<-- "([^":]+)(?::([\w-]+))?"$', re.MULTILINE)
SAMPLE_FILE = "my_snake.txt"


def expand_snippets(source: str) -> str:
    """Replace each snippet include with the lines it names, as the site shows them."""

    def section(match: re.Match) -> str:
        text = (ROOT / match.group(1)).read_text(encoding="utf-8")
        if match.group(2) is None:
            return text
        name = re.escape(match.group(2))
        found = re.search(
            rf"^# --8<-- \[start:{name}\]\n(.*?)^# --8<-- \[end:{name}\]", text, re.M | re.S
        )
        if found is None:
            raise LookupError(f"no section {match.group(2)!r} in {match.group(1)}")
        return found.group(1)

    return SNIPPET.sub(section, source)


def run_python(example) -> None:
    """Run one block; a block announced with ``fails-with`` must fail that way."""
    expected = example.namespace.pop("_expected_failure", None)
    # Blank lines first, so that tracebacks point at the block's lines in the page.
    source = "\n" * example.line + expand_snippets(example.parsed)
    code = compile(source, str(example.path), "exec")
    try:
        exec(code, example.namespace)
    except Exception as error:
        kind, _, words = (expected or "").partition(": ")
        if type(error).__name__ == kind and words in str(error):
            return
        raise
    if expected is not None:
        raise AssertionError(f"this block should have failed with {expected}")


class ExpectFailureParser:
    """``<!-- fails-with: Error: words -->`` before a block that must fail that way."""

    def __init__(self) -> None:
        self.lexer = DirectiveInHTMLCommentLexer(directive="fails-with", arguments=".+?")

    def __call__(self, document):
        for lexed in self.lexer(document):
            yield Region(lexed.start, lexed.end, lexed.lexemes["arguments"].strip(), self.expect)

    @staticmethod
    def expect(example) -> None:
        example.namespace["_expected_failure"] = example.parsed


def setup(namespace: dict) -> None:
    """An empty folder with the page's sample file, and the fake Allas logged in."""
    from allas_examples import script
    from fake_swift import mock_allas

    saved = {"cwd": os.getcwd(), "environ": dict(os.environ)}
    folder = tempfile.TemporaryDirectory(prefix="allas-docs-")
    os.chdir(folder.name)
    Path(SAMPLE_FILE).write_text(script.SAMPLE_TEXT, encoding="utf-8")
    allas = mock_allas()
    allas.__enter__()
    for name in [name for name in os.environ if name.startswith(("OS_", "ST_"))]:
        del os.environ[name]
    os.environ.update(allas.environ())
    namespace.update(__name__="__main__", allas=allas, _saved=(saved, folder, allas))


def teardown(namespace: dict) -> None:
    saved, folder, allas = namespace["_saved"]
    if allas.state is not None:  # a page about the fake may have stopped it to start its own
        allas.__exit__(None, None, None)
    os.chdir(saved["cwd"])
    os.environ.clear()
    os.environ.update(saved["environ"])
    folder.cleanup()


pytest_collect_file = Sybil(
    parsers=[
        CodeBlockParser(language="python", evaluator=run_python),
        SkipParser(),
        ExpectFailureParser(),
    ],
    path="docs",
    patterns=["*.md"],
    setup=setup,
    teardown=teardown,
).pytest()
