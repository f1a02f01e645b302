"""Folders, large downloads, progress and integrity checks: the scripts as users run them,
their failure paths, and their functions on the fake, OpenStack Swift and Ceph RGW."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
import swiftclient

from allas_examples import files, script
from allas_examples.course import load_example
from allas_examples.errors import AllasExampleError, ConfigurationError
from conftest import expected

upload_folder = load_example("upload_folder")
download_folder = load_example("download_folder")

SAMPLE = script.SAMPLE_TEXT.encode("utf-8")
PASSWORD = "John1234"
UNSAFE_NAMES = ["../x", "a/../../x", "/abs", "..\\w"]


def assert_clean(run):
    assert "Traceback" not in run.output
    assert PASSWORD not in run.output


def sample_lines(lang, key, bucket="snakebucket", **paths):
    return sorted(expected(lang, key, bucket=bucket, **values) for values in paths.values())


def raw_url(storage_url: str, bucket: str, name: str) -> str:
    """An object URL whose dots are escaped too, so that no client removes ``..``."""
    return f"{storage_url}/{bucket}/" + quote(name, safe="").replace(".", "%2E")


def put_raw(storage_url: str, token: str, bucket: str, name: str, data: bytes) -> int:
    """Store an object under any name: swiftclient would turn ``a/../x`` into ``x``."""
    reply = requests.put(
        raw_url(storage_url, bucket, name), data=data, headers={"X-Auth-Token": token}
    )
    return reply.status_code


def delete_raw(storage_url: str, token: str, bucket: str, name: str) -> int:
    reply = requests.delete(raw_url(storage_url, bucket, name), headers={"X-Auth-Token": token})
    return reply.status_code


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def remove_everything(conn: swiftclient.Connection, bucket: str) -> None:
    """Remove ``bucket`` and ``<bucket>_segments`` with all their objects, whatever names."""
    url, token = conn.url, conn.token
    for name in (bucket, f"{bucket}_segments"):
        try:
            listing = conn.get_container(name, full_listing=True)[1]
        except swiftclient.ClientException as error:
            if error.http_status == 404:
                continue
            raise
        for info in listing:
            assert delete_raw(url, token, name, info["name"]) in (204, 404)
        conn.delete_container(name)


@pytest.fixture
def conn(fake_allas, in_language):
    in_language("en")
    from allas_examples.connection import connect

    connection = connect(fake_allas.environ())
    connection.get_auth()
    return connection


# --- 1. folders: the scripts ---


SAMPLE_PATHS = {
    "my_snake.txt": len(SAMPLE),
    "eggs/egg_1.txt": len(files.SAMPLE_FOLDER_FILES["eggs/egg_1.txt"]),
    "eggs/egg_2.txt": len(files.SAMPLE_FOLDER_FILES["eggs/egg_2.txt"]),
}


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_upload_folder_then_again_skips_everything(run_script, workdir, lang):
    first = run_script("upload_folder", "--fake", "--lang", lang)
    assert first.returncode == 0, first.output
    assert_clean(first)
    lines = first.stdout.splitlines()
    assert lines[:2] == [
        expected(lang, "fake_in_use", path=".allas-fake"),
        expected(lang, "folder_sample_created", path="snake_folder"),
    ]
    assert sorted(lines[2:5]) == sorted(
        expected(
            lang,
            "folder_file_uploaded",
            path=os.path.join("snake_folder", name),
            bucket="snakebucket",
            object=name,
            size=size,
        )
        for name, size in SAMPLE_PATHS.items()
    )
    assert lines[5:] == [
        expected(
            lang,
            "folder_uploaded",
            path="snake_folder",
            bucket="snakebucket",
            uploaded=3,
            skipped=0,
        )
    ]
    again = run_script("upload_folder", "--fake", "--lang", lang)
    assert again.returncode == 0, again.output
    assert sorted(again.stdout.splitlines()[1:4]) == sorted(
        expected(
            lang,
            "folder_file_skipped",
            path=os.path.join("snake_folder", name),
            bucket="snakebucket",
            object=name,
        )
        for name in SAMPLE_PATHS
    )
    assert again.stdout.splitlines()[-1] == expected(
        lang, "folder_uploaded", path="snake_folder", bucket="snakebucket", uploaded=0, skipped=3
    )


def test_upload_folder_sends_only_the_changed_file_even_when_segmented(run_script, workdir):
    assert run_script("upload_folder", "--fake", "--segment-size", "50").returncode == 0
    (workdir / "snake_folder" / "my_snake.txt").write_bytes(SAMPLE + b"more")
    changed = run_script("upload_folder", "--fake", "--lang", "en", "--segment-size", "50")
    assert changed.returncode == 0, changed.output
    assert changed.stdout.splitlines()[-1] == expected(
        "en", "folder_uploaded", path="snake_folder", bucket="snakebucket", uploaded=1, skipped=2
    )
    # The segmented object is now identical: found so by its segments, not re-sent.
    same = run_script("upload_folder", "--fake", "--lang", "en", "--segment-size", "50")
    assert same.returncode == 0, same.output
    assert same.stdout.splitlines()[-1] == expected(
        "en", "folder_uploaded", path="snake_folder", bucket="snakebucket", uploaded=0, skipped=3
    )


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_download_folder_on_an_empty_fake(run_script, workdir, lang):
    run = run_script("download_folder", "--fake", "--lang", lang)
    assert run.returncode == 0, run.output
    assert_clean(run)
    lines = run.stdout.splitlines()
    assert lines[1] == expected(lang, "sample_objects_uploaded", count=3, bucket="snakebucket")
    assert sorted(lines[2:5]) == sorted(
        expected(
            lang,
            "folder_file_downloaded",
            bucket="snakebucket",
            object=name,
            path=os.path.join("snake_folder_copy", name),
            size=size,
        )
        for name, size in SAMPLE_PATHS.items()
    )
    assert lines[5] == expected(
        lang,
        "folder_downloaded",
        count=3,
        bytes=sum(SAMPLE_PATHS.values()),
        bucket="snakebucket",
        path="snake_folder_copy",
    )
    assert tree(workdir / "snake_folder_copy")["my_snake.txt"] == SAMPLE
    assert sorted(tree(workdir / "snake_folder_copy")) == sorted(SAMPLE_PATHS)


def test_download_folder_leaves_the_prefix_out(run_script, workdir):
    run = run_script("download_folder", "--fake", "--lang", "en", "snakebucket", "eggs", "eggs/")
    assert run.returncode == 0, run.output
    assert sorted(tree(workdir / "eggs")) == ["egg_1.txt", "egg_2.txt"]


def test_download_folder_nothing_under_the_prefix(run_script, workdir):
    run_script("download_folder", "--fake")
    run = run_script("download_folder", "--fake", "--lang", "fi", "snakebucket", "out", "none/")
    assert run.returncode == 0
    assert run.stdout.splitlines()[-1] == expected(
        "fi", "folder_nothing_to_download", bucket="snakebucket", prefix="none/"
    )
    assert not (workdir / "out").exists()


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_upload_folder_refuses_a_file_as_the_folder(run_script, workdir, lang):
    (workdir / "plain.txt").write_text("x")
    run = run_script("upload_folder", "--fake", "--lang", lang, "snakebucket", "plain.txt")
    assert run.returncode == 2
    assert run.stderr.strip() == expected(lang, "not_a_folder", path="plain.txt")
    assert_clean(run)


def test_download_folder_of_a_missing_bucket_exits_1(run_script, workdir):
    run = run_script("download_folder", "--fake", "--lang", "en", "nobucket")
    assert run.returncode == 1
    assert run.stderr.strip() == expected("en", "no_such_bucket", bucket="nobucket")
    assert sorted(p.name for p in workdir.iterdir()) == [".allas-fake"]


@pytest.mark.parametrize("lang", ["en", "fi"])
@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_unsafe_object_name_is_refused_and_nothing_written(run_script, workdir, lang, name):
    """An object named to climb out of the folder: exit 1, one sentence, no file anywhere."""
    from fake_swift import mock_allas

    assert run_script("upload_folder", "--fake").returncode == 0
    with mock_allas(state_dir=workdir / ".allas-fake") as allas:
        url, token = allas.storage_url(), allas.token_for("John")
        assert put_raw(url, token, "snakebucket", name, b"escaped") == 201
    inner = workdir / "deep" / "inside"
    inner.mkdir(parents=True)
    before = {path for path in workdir.parent.rglob("*") if ".allas-fake" not in path.parts}
    run = run_script("download_folder", "--fake", "--lang", lang, "snakebucket", "deep/inside/t")
    assert run.returncode == 1
    assert run.stderr.strip() == expected(
        lang, "unsafe_object_name", object=name, path=os.path.join("deep", "inside", "t")
    )
    assert_clean(run)
    after = {path for path in workdir.parent.rglob("*") if ".allas-fake" not in path.parts}
    assert after == before


# --- 1. folders: the functions ---


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_local_path_refuses_names_leaving_the_folder(tmp_path, name):
    with pytest.raises(AllasExampleError) as caught:
        download_folder.local_path(tmp_path / "t", name)
    assert caught.value.key == "unsafe_object_name"


def test_local_path_refuses_a_symbolic_link_out_of_the_folder(tmp_path):
    root = tmp_path / "t"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)
    with pytest.raises(AllasExampleError):
        download_folder.local_path(root, "link/x")


@pytest.mark.parametrize(
    ("name", "prefix", "path"),
    [("a/b.txt", "", "a/b.txt"), ("data/a/b", "data/", "a/b"), ("a..b/c", "", "a..b/c")],
)
def test_local_path_keeps_ordinary_names(tmp_path, name, prefix, path):
    assert download_folder.local_path(tmp_path, name, prefix) == tmp_path / path


def test_upload_folder_of_a_missing_folder_is_a_usage_error(conn, tmp_path):
    with pytest.raises(ConfigurationError):
        upload_folder.upload_folder(conn, "snakebucket", str(tmp_path / "absent"))


@pytest.fixture
def real_conn(backend):
    connection = swiftclient.Connection(
        preauthurl=backend.main.storage_url, preauthtoken=backend.main.token, retries=0
    )
    yield connection
    connection.close()


@pytest.fixture
def bucket(real_conn):
    name = f"folders-{uuid.uuid4().hex[:10]}"
    yield name
    remove_everything(real_conn, name)
    assert real_conn.get_account(prefix=name)[1] == []


def make_folder(folder: Path) -> dict[str, bytes]:
    content = {
        "a.txt": b"plain\n",
        "empty.bin": b"",
        "sub/big.bin": os.urandom(70_000),
        "sub/deeper/k\u00e4\u00e4rme.txt": "käärme\n".encode(),
    }
    for name, data in content.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return content


def test_folder_round_trip_with_segments(real_conn, bucket, tmp_path, in_language, capsys):
    in_language("en")
    content = make_folder(tmp_path / "src")
    statuses = upload_folder.upload_folder(
        real_conn, bucket, str(tmp_path / "src"), "data/", segment_size=30_000
    )
    assert statuses == {f"data/{name}": "uploaded" for name in content}
    headers = real_conn.head_object(bucket, "data/sub/big.bin")
    assert "x-static-large-object" in headers
    again = upload_folder.upload_folder(
        real_conn, bucket, str(tmp_path / "src"), "data/", segment_size=30_000
    )
    assert set(again.values()) == {"skipped"}
    written = download_folder.download_folder(real_conn, bucket, str(tmp_path / "back"), "data/")
    assert len(written) == len(content)
    assert tree(tmp_path / "back") == content
    assert not [p for p in (tmp_path / "back").rglob(".*.part")]


def test_unsafe_names_on_the_server_are_refused(real_conn, bucket, tmp_path, in_language):
    """The servers accept such names (when the dots are escaped); the download does not."""
    in_language("en")
    real_conn.put_container(bucket)
    real_conn.put_object(bucket, "fine.txt", b"fine")
    for name in UNSAFE_NAMES:
        assert put_raw(real_conn.url, real_conn.token, bucket, name, b"escaped") == 201
    stored = {info["name"] for info in real_conn.get_container(bucket)[1]}
    assert stored == {"fine.txt", *UNSAFE_NAMES}
    target = tmp_path / "a" / "b" / "target"
    target.parent.mkdir(parents=True)
    with pytest.raises(AllasExampleError) as caught:
        download_folder.download_folder(real_conn, bucket, str(target))
    assert caught.value.key == "unsafe_object_name"
    assert sorted(tmp_path.rglob("*")) == [tmp_path / "a", tmp_path / "a" / "b"]


def test_download_folder_checks_each_md5(conn, tmp_path, fake_allas, monkeypatch):
    conn.put_container("snakebucket")
    conn.put_object("snakebucket", "x.bin", b"payload")
    # Damage the bytes on the way: the hasher sees something else than the ETag says.
    real_md5 = hashlib.md5

    class Broken:
        def __init__(self, *args):
            self.inner = real_md5(*args)

        def update(self, data):
            self.inner.update(data + b"!")

        def hexdigest(self):
            return self.inner.hexdigest()

    monkeypatch.setattr(download_folder.hashlib, "md5", Broken)
    with pytest.raises(AllasExampleError) as caught:
        download_folder.download_folder(conn, "snakebucket", str(tmp_path / "t"))
    assert caught.value.key == "folder_download_checksum_mismatch"
    assert tree(tmp_path / "t") == {}


# --- 2. large downloads ---

large_download = load_example("download_large_object")
large_upload = load_example("upload_large_object")


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_download_large_object_on_an_empty_fake(run_script, workdir, lang):
    run = run_script("download_large_object", "--fake", "--lang", lang)
    assert run.returncode == 0, run.output
    assert_clean(run)
    assert run.stdout.splitlines()[1:] == [
        expected(
            lang, "large_sample_uploaded", bucket="snakebucket", object="my_snake.txt", count=3
        ),
        expected(
            lang,
            "large_downloaded",
            bucket="snakebucket",
            object="my_snake.txt",
            path="new_name_for_file.txt",
            size=len(SAMPLE),
            count=3,
        ),
    ]
    assert (workdir / "new_name_for_file.txt").read_bytes() == SAMPLE
    assert sorted(p.name for p in workdir.iterdir()) == [".allas-fake", "new_name_for_file.txt"]


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_download_large_object_resumes_a_part_file(run_script, workdir, lang):
    (workdir / ".new_name_for_file.txt.part").write_bytes(SAMPLE[:50])
    run = run_script("download_large_object", "--fake", "--lang", lang)
    assert run.returncode == 0, run.output
    assert run.stdout.splitlines()[2] == expected(
        lang,
        "large_resuming",
        bucket="snakebucket",
        object="my_snake.txt",
        done=50,
        size=len(SAMPLE),
        partial=".new_name_for_file.txt.part",
    )
    assert (workdir / "new_name_for_file.txt").read_bytes() == SAMPLE
    assert not (workdir / ".new_name_for_file.txt.part").exists()


def test_download_large_object_of_a_missing_object_writes_nothing(run_script, workdir):
    run_script("create_bucket", "--fake")
    run = run_script("download_large_object", "--fake", "--lang", "en", "snakebucket", "none", "o")
    assert run.returncode == 1
    assert run.stderr.strip() == expected(
        "en", "no_such_object", bucket="snakebucket", object="none"
    )
    assert sorted(p.name for p in workdir.iterdir()) == [".allas-fake"]


def test_a_damaged_part_file_is_caught_and_removed(run_script, workdir):
    (workdir / ".new_name_for_file.txt.part").write_bytes(b"X" * 50)
    run = run_script("download_large_object", "--fake", "--lang", "en")
    assert run.returncode == 1
    segment_0 = hashlib.md5(SAMPLE[:40]).hexdigest()
    assert run.stderr.strip() == expected(
        "en",
        "large_part_mismatch",
        index=0,
        object="my_snake.txt",
        remote=segment_0,
        local=hashlib.md5(b"X" * 40).hexdigest(),
    )
    assert sorted(p.name for p in workdir.iterdir()) == [".allas-fake"]
    again = run_script("download_large_object", "--fake")
    assert again.returncode == 0
    assert (workdir / "new_name_for_file.txt").read_bytes() == SAMPLE


@pytest.fixture
def no_retries(fake_allas, in_language):
    """John's connection without swiftclient's retries, so that a dropped request fails."""
    in_language("en")
    connection = swiftclient.Connection(
        preauthurl=fake_allas.storage_url(), preauthtoken=fake_allas.token_for("John"), retries=0
    )
    connection.put_container("snakebucket")
    return connection


class Interrupt(Exception):
    pass


def test_interrupted_then_dropped_then_resumed(no_retries, fake_allas, tmp_path, monkeypatch):
    """Ctrl-C half-way keeps the part file; a dropped connection keeps it unchanged; the
    third run asks only for the rest (206) and verifies every segment."""
    payload = os.urandom(300_000)
    count = files.put_sample_large_object(no_retries, "snakebucket", "big", payload, 100_000)
    monkeypatch.setattr(large_download, "CHUNK_SIZE", 16_384)
    target, partial = tmp_path / "big.bin", tmp_path / ".big.bin.part"

    seen = []

    def stop_after_some(self, size):
        seen.append(size)
        if len(seen) == 8:
            raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(large_download.Progress, "update", stop_after_some)
        with pytest.raises(AllasExampleError) as caught:
            large_download.download_large_object(no_retries, "snakebucket", "big", str(target))
    assert caught.value.key == "large_interrupted"
    assert partial.read_bytes() == payload[: 8 * 16_384]
    assert not target.exists()

    # after=1: the manifest is asked for first (GET ?multipart-manifest=get)
    fake_allas.drop_next(1, method="GET", path="/snakebucket/big$", after=1)
    with pytest.raises(AllasExampleError) as caught:
        large_download.download_large_object(no_retries, "snakebucket", "big", str(target))
    assert caught.value.values == {"done": 8 * 16_384, "partial": partial}
    assert partial.read_bytes() == payload[: 8 * 16_384]

    fake_allas.clear_log()
    size = large_download.download_large_object(no_retries, "snakebucket", "big", str(target))
    assert size == len(payload) and target.read_bytes() == payload
    assert not partial.exists()
    gets = [r for r in fake_allas.requests if r.method == "GET" and r.path.endswith("/big")]
    assert [r.status for r in gets][-1] == 206  # only the rest was asked for
    assert count == 3


def test_bounded_memory_chunks(no_retries, tmp_path, monkeypatch):
    """The object arrives in chunks of CHUNK_SIZE, never as one piece."""
    payload = os.urandom(200_000)
    no_retries.put_object("snakebucket", "plain", payload)
    monkeypatch.setattr(large_download, "CHUNK_SIZE", 10_000)
    sizes = []
    monkeypatch.setattr(large_download.Progress, "update", lambda self, n: sizes.append(n))
    large_download.download_large_object(no_retries, "snakebucket", "plain", str(tmp_path / "p"))
    assert max(sizes) <= 10_000 and sum(sizes) == len(payload)
    assert (tmp_path / "p").read_bytes() == payload


def test_large_download_on_the_servers(real_conn, bucket, tmp_path, in_language, capsys):
    """Segments uploaded by SwiftService are found (Swift: the manifest; RGW: the
    segments bucket) and each is verified; a part file is resumed."""
    in_language("en")
    payload = os.urandom(90_000)
    (tmp_path / "big.bin").write_bytes(payload)
    real_conn.put_container(bucket)
    large_upload.upload_large_object(real_conn, bucket, str(tmp_path / "big.bin"), "big", 40_000)
    target = tmp_path / "copy.bin"
    (tmp_path / ".copy.bin.part").write_bytes(payload[:50_000])
    capsys.readouterr()
    assert large_download.download_large_object(real_conn, bucket, "big", str(target)) == 90_000
    assert target.read_bytes() == payload
    assert capsys.readouterr().out.splitlines()[-1] == expected(
        "en", "large_downloaded", bucket=bucket, object="big", path=target, size=90_000, count=3
    )
    # A damaged part file is caught in its own segment (the second).
    (tmp_path / ".copy.bin.part").write_bytes(payload[:45_000] + b"\0" * 5_000)
    with pytest.raises(AllasExampleError) as caught:
        large_download.download_large_object(real_conn, bucket, "big", str(target))
    assert caught.value.key == "large_part_mismatch" and caught.value.values["index"] == 1
    assert not (tmp_path / ".copy.bin.part").exists()


# --- 3. progress bars ---


@contextlib.contextmanager
def pseudo_terminal() -> Iterator[tuple[int, bytearray]]:
    """A new pseudo-terminal 100 columns wide: the descriptor to write to, and what has
    been drawn on it (complete once the block ends)."""
    import fcntl
    import pty
    import struct
    import termios
    import threading

    master, slave = pty.openpty()
    # A new pseudo-terminal is 0 columns wide; give it the size of a real one.
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    drawn = bytearray()

    def read():
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            drawn.extend(data)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        yield slave, drawn
    finally:
        os.close(slave)
        reader.join(timeout=10)
        os.close(master)


def run_on_a_terminal(workdir: Path, name: str, *args: str) -> tuple[int, str, str]:
    """Run a script as a process, its standard error on a pseudo-terminal; return the exit
    code, standard output and what the terminal showed."""
    import subprocess
    import sys

    from conftest import EXAMPLES_DIR, clean_environment

    with pseudo_terminal() as (terminal, drawn):
        done = subprocess.run(
            [sys.executable, str(EXAMPLES_DIR / f"{name}.py"), *args],
            cwd=workdir,
            env=clean_environment(COLUMNS="100"),
            stdout=subprocess.PIPE,
            stderr=terminal,
            timeout=120,
        )
    return done.returncode, done.stdout.decode(), drawn.decode(errors="replace")


@pytest.fixture
def run_here_on_a_terminal(workdir: Path, monkeypatch: pytest.MonkeyPatch, language_restored):
    """As run_on_a_terminal, in this process: ``sys.stderr`` writes to the terminal."""
    from conftest import as_in_a_new_process, clean_environment, run_example

    monkeypatch.chdir(workdir)
    for name in set(os.environ) - set(clean_environment()):
        monkeypatch.delenv(name)
    monkeypatch.setenv("COLUMNS", "100")

    def run(name: str, *args: str) -> tuple[int, str, str]:
        with pseudo_terminal() as (terminal, drawn), as_in_a_new_process():
            with open(terminal, "w", encoding="utf-8", closefd=False) as stderr:
                with (
                    contextlib.redirect_stderr(stderr),
                    contextlib.redirect_stdout(io.StringIO()) as stdout,
                ):
                    code = run_example(name, "--lang", "en", *args)
        return code, stdout.getvalue(), drawn.decode(errors="replace")

    return run


PROGRESS_RUNS = {
    "upload_large_object": ["--segment-size", "10"],
    "upload_folder": [],
    "download_folder": [],
    "download_large_object": [],
}


@pytest.mark.parametrize("name", PROGRESS_RUNS)
def test_progress_bar_on_a_terminal_only_and_not_with_quiet(
    run_script, run_here_on_a_terminal, name
):
    plain = run_script(name, "--fake", "--lang", "en", *PROGRESS_RUNS[name])
    assert plain.returncode == 0 and plain.stderr == ""  # not a terminal: no bar
    code, stdout, terminal = run_here_on_a_terminal(name, "--fake", *PROGRESS_RUNS[name])
    assert code == 0
    assert "B/s" in terminal or "B [" in terminal, terminal  # tqdm's counter was drawn
    code, stdout, terminal = run_here_on_a_terminal(name, "--fake", "--quiet", *PROGRESS_RUNS[name])
    assert code == 0 and terminal == ""


def test_upload_large_object_lines_are_unchanged_with_a_bar(run_script, workdir):
    """The bar is drawn on standard error; standard output keeps the same sentences."""
    plain = run_script("upload_large_object", "--fake", "--segment-size", "10", "--lang", "en")
    (workdir / "my_snake.txt").unlink()  # so that both runs create it
    code, stdout, _terminal = run_on_a_terminal(
        workdir, "upload_large_object", "--fake", "--segment-size", "10", "--lang", "en"
    )
    assert code == 0
    assert sorted(stdout.splitlines()) == sorted(plain.stdout.splitlines())


def test_progress_counts_without_a_terminal(capsys):
    from allas_examples.progress import Progress

    with Progress(10, "x") as bar:
        bar.update(4)
        bar.update(6)
        bar.say("no_buckets")
    assert bar.done == 10
    out, err = capsys.readouterr()
    assert err == "" and out == expected("en", "no_buckets") + "\n"


# --- 4. integrity ---

integrity = load_example("check_integrity")


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_check_integrity_on_an_empty_fake(run_script, workdir, lang):
    run = run_script("check_integrity", "--fake", "--lang", lang)
    assert run.returncode == 0, run.output
    assert_clean(run)
    place = {"path": "my_snake.txt", "bucket": "snakebucket", "object": "my_snake.txt"}
    assert run.stdout.splitlines()[1:] == [
        expected(lang, "sample_created", path="my_snake.txt"),
        expected(lang, "integrity_sample_uploaded", **place),
        expected(lang, "integrity_ok", **place),
        expected(lang, "integrity_all_ok", count=1),
    ]


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_check_integrity_reports_different_and_missing_and_exits_1(run_script, workdir, lang):
    assert run_script("upload_folder", "--fake", "--segment-size", "50").returncode == 0
    (workdir / "snake_folder" / "eggs" / "egg_1.txt").write_text("changed")
    (workdir / "snake_folder" / "new.txt").write_text("new")
    run = run_script("check_integrity", "--fake", "--lang", lang, "snakebucket", "snake_folder")
    assert run.returncode == 1
    assert_clean(run)

    def line(key, name):
        path = os.path.join("snake_folder", name)
        return expected(lang, key, path=path, bucket="snakebucket", object=name)

    assert run.stdout.splitlines()[1:] == [
        line("integrity_different", "eggs/egg_1.txt"),
        line("integrity_ok", "eggs/egg_2.txt"),
        line("integrity_ok", "my_snake.txt"),  # segmented: 3 segments of 50 bytes
        line("integrity_missing", "new.txt"),
    ]
    assert run.stderr.strip() == expected(lang, "integrity_failed", bad=2, count=4)


def test_check_integrity_of_a_missing_local_path_exits_2(run_script, workdir):
    run = run_script("check_integrity", "--fake", "--lang", "en", "snakebucket", "nothere")
    assert run.returncode == 2
    assert run.stderr.strip() == expected("en", "local_missing", path="nothere")


def put_dlo(conn, bucket, name, data, size):
    conn.put_container(f"{bucket}_segments")
    for index, start in enumerate(range(0, len(data), size)):
        conn.put_object(f"{bucket}_segments", f"{name}/dlo/{index:08d}", data[start : start + size])
    conn.put_object(
        bucket, name, b"", headers={"X-Object-Manifest": f"{bucket}_segments/{name}/dlo/"}
    )


def test_integrity_of_plain_slo_and_dlo_objects(real_conn, bucket, tmp_path, in_language, capsys):
    in_language("en")
    data = os.urandom(100_000)
    source = tmp_path / "f.bin"
    source.write_bytes(data)
    real_conn.put_container(bucket)
    real_conn.put_object(bucket, "plain", data)
    large_upload.upload_large_object(real_conn, bucket, str(source), "slo", 30_000)
    put_dlo(real_conn, bucket, "dlo", data, 40_000)
    for name in ("plain", "slo", "dlo"):
        assert integrity.compare(real_conn, bucket, source, name) == "ok", name
    # Same size, one byte changed in the second segment: caught in every kind.
    damaged = tmp_path / "d.bin"
    damaged.write_bytes(data[:45_000] + bytes([data[45_000] ^ 1]) + data[45_001:])
    for name in ("plain", "slo", "dlo"):
        assert integrity.compare(real_conn, bucket, damaged, name) == "different", name
    assert integrity.compare(real_conn, bucket, source, "absent") == "missing"


def test_check_integrity_of_a_folder_under_a_prefix(conn, tmp_path, capsys):
    content = make_folder(tmp_path / "src")
    upload_folder.upload_folder(conn, "snakebucket", str(tmp_path / "src"), "p/", 30_000)
    results = integrity.check_integrity(conn, "snakebucket", str(tmp_path / "src"), "p/")
    assert results == {str(tmp_path / "src" / name): "ok" for name in sorted(content)}
    assert capsys.readouterr().out.splitlines()[-1] == expected(
        "en", "integrity_all_ok", count=len(content)
    )


@pytest.mark.fake_allas(flavor="rgw")
def test_unknown_when_the_segments_are_elsewhere(fake_allas, in_language, tmp_path):
    in_language("en")
    from allas_examples.connection import connect

    c = connect(fake_allas.environ())
    data = os.urandom(1000)
    (tmp_path / "f.bin").write_bytes(data)
    c.put_container("bkt")
    c.put_container("elsewhere")
    manifest = []
    for index, start in enumerate(range(0, 1000, 400)):
        etag = c.put_object("elsewhere", f"s{index}", data[start : start + 400])
        manifest.append(
            {
                "path": f"/elsewhere/s{index}",
                "etag": etag,
                "size_bytes": len(data[start : start + 400]),
            }
        )
    import json

    c.put_object("bkt", "big", json.dumps(manifest).encode(), query_string="multipart-manifest=put")
    assert integrity.compare(c, "bkt", tmp_path / "f.bin", "big") == "unknown"
    (tmp_path / "f.bin").write_bytes(data + b"!")
    assert integrity.compare(c, "bkt", tmp_path / "f.bin", "big") == "different"
