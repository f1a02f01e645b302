"""CSC's two pages, their Python blocks run unmodified, in order, against the fake and
against Allas as it really runs (a real Keystone v3 and a Ceph RGW checking its tokens).

They must behave exactly as the pages say, the two failures they warn about included:
the text-mode download's ``TypeError`` and the refusal to remove a bucket that is not
empty. The blocks run in a process of their own with the ``OS_*`` variables of an RC file
exported, as a reader would run them after sourcing it. The block into which the page
asks readers to type their RC file's values gets the values of the server it runs on.
"""

import contextlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import swiftclient

from allas_examples import script
from conftest import SEEDS_DIR, clean_environment

if not SEEDS_DIR.is_dir():
    reason = f"CSC's pages are expected in {SEEDS_DIR}"
    if os.environ.get("CI"):  # CI always has them beside the clone: never skip there
        raise RuntimeError(reason)
    pytestmark = pytest.mark.skip(reason=reason)

DRIVER = r"""
import contextlib, json, os, sys
from fake_swift import mock_allas

blocks = json.load(open(sys.argv[1], encoding="utf-8"))
# With an RC file's variables exported, the real server; else the fake.
real = "OS_AUTH_URL" in os.environ
with contextlib.nullcontext() if real else mock_allas() as allas:
    if not real:
        os.environ.update(allas.environ())
    namespace = {"__name__": "__main__"}
    for index, block in enumerate(blocks):
        print(f"=== block {index}", flush=True)
        try:
            exec(compile(block, f"<block {index}>", "exec"), namespace)
            outcome = {"ok": True}
        except Exception as error:
            outcome = {"error": type(error).__name__, "message": str(error),
                       "status": getattr(error, "http_status", None)}
        print("=== outcome " + json.dumps(outcome), flush=True)
"""


def python_blocks(page: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)


def run_page(
    page: Path, folder: Path, rc: dict[str, str] | None = None
) -> list[tuple[str, str, dict]]:
    """Run the page's blocks; return (code, printed output, outcome) for each.

    ``rc``: the RC file's variables of a real server (None: the fake)."""
    blocks = python_blocks(page)
    if rc is not None:
        blocks = [typed_in(block, rc) for block in blocks]
    (folder / "blocks.json").write_text(json.dumps(blocks), encoding="utf-8")
    (folder / "driver.py").write_text(DRIVER, encoding="utf-8")
    # The reader has the small file the page uploads.
    (folder / "my_snake.txt").write_text(script.SAMPLE_TEXT, encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "driver.py", "blocks.json"],
        cwd=folder,
        env=clean_environment(**(rc or {})),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    results = []
    parts = re.split(r"^=== block \d+\n", completed.stdout, flags=re.M)[1:]
    for code, part in zip(blocks, parts, strict=True):
        printed, outcome = part.split("=== outcome ")
        results.append((code, printed, json.loads(outcome)))
    assert len(results) == len(blocks)
    return results


def typed_in(block: str, rc: dict[str, str]) -> str:
    """The block as a reader fills it in from their RC file: the page's example values
    (CSC's Keystone, John's login) replaced by the RC file's."""
    return block.replace("'https://pouta.csc.fi:5001/v3'", repr(rc["OS_AUTH_URL"]))


PAGES = sorted(SEEDS_DIR.glob("*.txt")) if SEEDS_DIR.is_dir() else []


@pytest.fixture(params=["fake", pytest.param("allas", marks=pytest.mark.real)])
def rc_file(request) -> Iterator[dict[str, str] | None]:
    """None for the fake; John's RC file variables on Allas as it really runs, and the
    buckets the pages make removed afterwards (names on RGW are global)."""
    if request.param == "fake":
        yield None
        return
    server = request.getfixturevalue("allas_server")
    yield server.main.environ()
    conn = swiftclient.Connection(
        preauthurl=server.main.storage_url, preauthtoken=server.main.token, retries=0
    )
    for bucket in ("snakebucket", "snakebucket_segments"):
        with contextlib.suppress(swiftclient.ClientException):
            for entry in conn.get_container(bucket, full_listing=True)[1]:
                conn.delete_object(bucket, entry["name"])
            conn.delete_container(bucket)


@pytest.mark.lengthy  # every block of a page
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name[:3])
def test_seed_page_behaves_as_it_says(page, rc_file, tmp_path):
    results = run_page(page, tmp_path, rc_file)
    sample = script.SAMPLE_TEXT.encode("utf-8")
    seen = []
    for index, (code, printed, outcome) in enumerate(results):
        if code.startswith("TypeError:"):
            # Not code: the error the page tells readers they may see. They do.
            previous = results[index - 1][2]
            assert f"{previous['error']}: {previous['message']}" == code.strip()
            seen.append("typeerror shown")
        elif "open('new_name_for_file.txt', 'w')" in code:
            assert outcome["error"] == "TypeError"
            seen.append("text-mode download fails")
        elif code.strip() == "conn.delete_container(bucket_name)":
            assert outcome["error"] == "ClientException" and outcome["status"] == 409
            seen.append("non-empty bucket refused")
        else:
            assert outcome == {"ok": True}, (code, outcome)
            if "open('new_name_for_file.txt', 'bw')" in code:
                assert (tmp_path / "new_name_for_file.txt").read_bytes() == sample
                seen.append("binary download")
            if "conn.get_container('snakebucket')" in code:
                assert printed.startswith(f"my_snake.txt\t{len(sample)}\t")
                seen.append("objects listed")
            if "conn.get_account()" in code:
                assert "'name': 'snakebucket'" in printed
                seen.append("buckets listed")
            if "swift.upload(" in code:
                assert printed.strip() == "my_snake.txt"
                seen.append("swiftservice upload")
            if "delete_object" in code:
                seen.append("object removed")
    expected_steps = [
        "buckets listed",
        "objects listed",
        "text-mode download fails",
        "typeerror shown",
        "binary download",
        "non-empty bucket refused",
        "object removed",
    ]
    if "swift.upload(" in page.read_text(encoding="utf-8"):
        expected_steps.insert(0, "swiftservice upload")
    assert seen == expected_steps
