"""The built site, seen in a real browser: headless Chromium on pages served on 127.0.0.1.

Screenshots are kept in test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import functools
import html
import http.server
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
# Flags that keep Chromium off the network: only the local server is reached.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def _missing() -> str | None:
    if importlib.util.find_spec("mkdocs") is None:
        return "the site's tools are not installed: pip install -e '.[docs]'"
    if shutil.which("chromium") is None:
        return "Chromium is not installed: apt-get install chromium, or run .ci/install-chromium"
    return None


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built with mkdocs --strict, served on a free 127.0.0.1 port."""
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must look at the site: {reason}")
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(folder)],
        cwd=ROOT,
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def chromium(url: str, profile: Path, *action: str) -> str:
    done = subprocess.run(
        ["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *action, url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def look(site: str, path: str, name: str, tmp_path: Path) -> str:
    """The page's DOM after Chromium ran it, and a screenshot saved under ``name``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / f"{name}.png"
    chromium(
        f"{site}{path}", tmp_path / "shot", f"--screenshot={screenshot}", "--window-size=1280,1600"
    )
    assert screenshot.stat().st_size > 10_000  # a rendered page, not an empty one
    return chromium(f"{site}{path}", tmp_path / "dom", "--dump-dom")


def text_of(dom: str) -> str:
    """What a reader sees: the DOM without its tags (highlighting splits code in spans)."""
    return html.unescape(re.sub(r"<[^>]+>", "", dom))


def test_english_start_page(site, tmp_path):
    dom = look(site, "/", "en-index", tmp_path)
    assert '<h1 id="allas-examples">allas-examples' in dom
    assert 'hreflang="fi"' in dom and 'href="/fi/"' in dom  # the language switcher
    assert "Using Allas with Python and Swift" in dom
    assert ".venv/bin/allas-examples tour" in text_of(dom)  # the quick start's code


def test_finnish_start_page(site, tmp_path):
    dom = look(site, "/fi/", "fi-index", tmp_path)
    assert '<h2 id="quick-start">Pika-aloitus' in dom
    assert 'hreflang="en"' in dom
    assert "Allaksen käyttö Pythonilla ja Swiftillä" in dom  # Finnish navigation
    assert "Kurssirunko" in dom


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/using-allas-with-python-and-swift/", "Using Allas with Python and Swift"),
        ("/fi/using-allas-with-python-and-swift/", "Allaksen käyttö Pythonilla ja Swiftillä"),
    ],
    ids=["en", "fi"],
)
def test_main_page_renders_its_code(site, tmp_path, path, title):
    dom = look(site, path, "main-" + ("fi" if "/fi/" in path else "en"), tmp_path)
    assert f'id="using-allas-with-python-and-swift">{title}' in dom
    for anchor in (
        "create-a-connection",
        "create-a-bucket",
        "upload-an-object",
        "upload-a-large-object",
        "list-buckets-and-objects",
        "download-an-object",
        "remove-buckets-and-objects",
    ):
        assert f'id="{anchor}"' in dom
    assert dom.count('<div class="highlight">') >= 14  # every code block, highlighted
    assert "conn.put_container(bucket_name)" in text_of(dom)
