"""The bad-input table of docs/*/troubleshooting.md, one test (or more) for each row.

Each row: one sentence from the catalog in the user's language, the documented exit
code, no traceback, and nothing half-written under the final name. Rows tested
elsewhere are named in the table's test column.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
import urllib3

from allas_examples import files
from allas_examples.connection import connect
from allas_examples.files import GIB, MAX_SINGLE_UPLOAD
from conftest import EXAMPLES_DIR, Run, _run, expected, run_example

LANGS = ["en", "fi"]
PASSWORD = "John1234"


def assert_one_sentence(run: Run, code: int, sentence: str) -> None:
    assert run.returncode == code, run.output
    assert run.stderr.strip() == sentence
    assert "Traceback" not in run.output
    assert PASSWORD not in run.output


def left_in(folder: Path) -> list[str]:
    """What a run left in ``folder``, the fake's store aside."""
    return sorted(p.name for p in folder.iterdir() if p.name != ".allas-fake")


@pytest.fixture
def run_here(workdir, capsys, monkeypatch, in_language):
    """Run an example in this process (where the ``fake_allas`` fixture answers it), in
    ``workdir``; the language is put back afterwards."""
    monkeypatch.chdir(workdir)

    def run(name: str, *args: str) -> Run:
        capsys.readouterr()
        code = run_example(name, *args)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


# --- login and configuration ---


@pytest.mark.parametrize("lang", LANGS)
def test_empty_variable_is_named_like_a_missing_one(run_script, fake_allas, lang):
    environ = {**fake_allas.environ(), "OS_PASSWORD": "", "OS_PROJECT_NAME": "  "}
    run = run_script("create_connection", "--lang", lang, env=environ)
    names = "OS_PASSWORD, OS_PROJECT_NAME"
    assert_one_sentence(run, 2, expected(lang, "missing_variables", names=names))
    assert run.stdout == ""


@pytest.mark.parametrize("lang", LANGS)
def test_malformed_auth_url(run_script, fake_allas, lang):
    environ = {**fake_allas.environ(), "OS_AUTH_URL": "pouta.csc.fi:5001/v3"}
    run = run_script("create_bucket", "--lang", lang, env=environ)
    assert_one_sentence(run, 2, expected(lang, "bad_auth_url", url="pouta.csc.fi:5001/v3"))


@pytest.mark.parametrize("lang", LANGS)
def test_wrong_password(run_here, allas_env, monkeypatch, lang):
    monkeypatch.setenv("OS_PASSWORD", "not-the-password")
    run = run_here("create_connection", "--lang", lang)
    assert_one_sentence(run, 1, expected(lang, "login_refused"))
    assert "not-the-password" not in run.output


@pytest.mark.parametrize("lang", LANGS)
def test_expired_token(run_here, allas_env, monkeypatch, lang):
    token = allas_env.token_for("John", expires_in=-1)
    monkeypatch.setenv("OS_STORAGE_URL", allas_env.storage_url())
    monkeypatch.setenv("OS_AUTH_TOKEN", token)
    run = run_here("list_buckets_and_objects", "--lang", lang)
    assert_one_sentence(run, 1, expected(lang, "token_refused"))
    assert token not in run.output


@pytest.mark.parametrize("lang", LANGS)
def test_project_without_allas_access(run_here, allas_env, lang):
    # Keystone logs the user in; the storage side refuses the project, as Allas does for
    # a project that has not been granted the service.
    allas_env.fail_next(n=10, status=403, path="^/swift/")
    run = run_here("create_connection", "--lang", lang)
    assert_one_sentence(run, 1, expected(lang, "forbidden"))


# --- buckets and objects on the service side ---


@pytest.mark.parametrize("lang", LANGS)
def test_bucket_that_does_not_exist(run_here, allas_env, workdir, lang):
    run = run_here("download_object", "--lang", lang, "nobucket", "my_snake.txt", "out.txt")
    assert_one_sentence(run, 1, expected(lang, "no_such_bucket", bucket="nobucket"))
    assert left_in(workdir) == []


@pytest.mark.parametrize("lang", LANGS)
def test_bucket_name_another_project_holds(run_here, allas_env, lang):
    allas_env.add_user("Jane", "Jane1234", "project_2001")
    connect(allas_env.environ("Jane")).put_container("popular-name")
    run = run_here("create_bucket", "--lang", lang, "popular-name")
    assert_one_sentence(run, 1, expected(lang, "bucket_name_taken", bucket="popular-name"))


# --- bucket names: refused before any request ---

BAD_NAMES = [
    ("ab", "bucket_name_too_short", {"bucket": "ab"}),
    ("a" * 256, "bucket_name_too_long", {"size": 256}),
    ("ä" * 128, "bucket_name_too_long", {"size": 256}),  # 128 letters, 256 bytes
    ("data/2024", "bucket_name_has_slash", {"bucket": "data/2024"}),
    (".hidden", "bucket_name_starts_with_dot", {"bucket": ".hidden"}),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("name", "key", "values"), BAD_NAMES, ids=lambda v: str(v)[:12])
def test_invalid_bucket_name_is_refused_before_any_request(
    run_here, allas_env, lang, name, key, values
):
    run = run_here("create_bucket", "--lang", lang, name)
    assert_one_sentence(run, 2, expected(lang, key, **values))
    assert allas_env.requests == []


# Every script with a bucket argument, however it declares it.
SCRIPTS_WITH_A_BUCKET = [
    path.stem
    for path in sorted(EXAMPLES_DIR.glob("*.py"))
    if re.search(r'add_bucket_argument\(|add_argument\(\s*"bucket"', path.read_text())
]


def test_scripts_with_a_bucket_are_found():
    assert len(SCRIPTS_WITH_A_BUCKET) == 16, SCRIPTS_WITH_A_BUCKET


@pytest.mark.parametrize("script_name", SCRIPTS_WITH_A_BUCKET)
def test_every_script_checks_its_bucket_name(run_here, allas_env, script_name):
    run = run_here(script_name, "--lang", "en", "ab")
    assert_one_sentence(run, 2, expected("en", "bucket_name_too_short", bucket="ab"))
    assert allas_env.requests == []


@pytest.mark.parametrize("name", ["SnakeBucket", "käärmeet", "snake_bucket", "a" * 255])
def test_names_allas_accepts_pass(run_here, allas_env, name):
    run = run_here("create_bucket", "--lang", "en", name)
    assert run.returncode == 0, run.output
    assert name in [entry["name"] for entry in connect(allas_env.environ()).get_account()[1]]


def test_a_name_the_server_refuses_gets_its_own_sentence(allas_env, in_language):
    from allas_examples.errors import describe

    in_language("fi")
    with pytest.raises(Exception) as caught:
        connect(allas_env.environ()).put_container("ab")  # past the check, as a library call
    assert describe(caught.value) == (expected("fi", "bucket_name_refused", bucket="ab"), 1)


# --- local files to upload ---


@pytest.fixture
def ordinary_user_run(workdir):
    """Run an example as ``run_script`` does, but so that file permissions apply to it.

    Root reads and writes whatever the mode says; without the two capabilities that
    override file permissions (``setpriv``), root is held to the owner's bits like anyone.
    """
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root and setpriv (util-linux) is missing")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]

    def run(name: str, *args: str) -> Run:
        return _run(
            [*prefix, sys.executable, str(EXAMPLES_DIR / f"{name}.py"), *args], workdir, None
        )

    return run


@pytest.mark.parametrize("lang", LANGS)
def test_local_file_missing_unreadable_or_a_folder(run_script, ordinary_user_run, workdir, lang):
    assert run_script("create_bucket", "--fake").returncode == 0
    (workdir / "folder").mkdir()
    (workdir / "locked.txt").write_text("secret data")
    (workdir / "locked.txt").chmod(0)
    cases = [
        (run_script, "absent.bin", "local_missing"),
        (run_script, "folder", "local_is_directory"),
        (ordinary_user_run, "locked.txt", "local_permission"),  # a process that permissions bind
    ]
    for run_as, path, key in cases:
        run = run_as("upload_object", "--fake", "--lang", lang, "snakebucket", path)
        assert_one_sentence(run, 2, expected(lang, key, path=path))
    listing = run_script("list_buckets_and_objects", "--fake", "--lang", lang)
    assert expected(lang, "no_objects", bucket="snakebucket") in listing.stdout


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ["upload_object", "upload_with_expiry"])
def test_file_over_5_gib_is_refused_before_sending(run_here, allas_env, workdir, lang, name):
    connect(allas_env.environ()).put_container("snakebucket")
    allas_env.clear_log()
    huge = workdir / "huge.bin"
    with open(huge, "wb") as sparse:  # no data blocks: the size is only recorded
        sparse.truncate(MAX_SINGLE_UPLOAD + 1)
    run = run_here(name, "--lang", lang, "snakebucket", "huge.bin")
    sentence = expected(lang, "file_too_large_for_one_upload", path="huge.bin", size=5 * GIB + 1)
    assert_one_sentence(run, 2, sentence)
    assert "upload_large_object.py" in sentence
    assert allas_env.requests == []


# --- downloads: the target folder and the disk ---


@pytest.mark.parametrize("lang", LANGS)
def test_target_folder_not_writable(run_script, ordinary_user_run, workdir, lang):
    for name in ("create_bucket", "upload_object"):
        assert run_script(name, "--fake").returncode == 0
    folder = workdir / "results"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        run = ordinary_user_run(
            "download_object", "--fake", "--lang", lang, "snakebucket", "my_snake.txt",
            "results/out.txt",
        )  # fmt: skip
    finally:
        folder.chmod(0o755)
    sentence = expected(
        lang, "target_folder_not_writable", path=Path("results/out.txt"), folder=Path("results")
    )
    assert_one_sentence(run, 2, sentence)
    assert list(folder.iterdir()) == []


def test_target_folder_missing(run_script, workdir):
    for name in ("create_bucket", "upload_object"):
        assert run_script(name, "--fake").returncode == 0
    run = run_script("download_object", "--fake", "--lang", "fi", "snakebucket", "my_snake.txt",
                     "nowhere/out.txt")  # fmt: skip
    sentence = expected("fi", "target_folder_missing", path="nowhere/out.txt", folder="nowhere")
    assert_one_sentence(run, 2, sentence)
    assert not (workdir / "nowhere").exists()


class _DiskThatFills:
    """A temporary file on which writing fails once ``room`` bytes are written, as a
    full disk does (or a Ctrl-C in the middle of a write)."""

    def __init__(self, handle, room: int, error: BaseException) -> None:
        self._handle, self._room, self._error = handle, room, error
        self.name = handle.name

    def write(self, data: bytes) -> int:
        if len(data) > self._room:
            self._handle.write(data[: self._room])
            self._handle.flush()
            raise self._error
        self._room -= len(data)
        return self._handle.write(data)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._handle.__exit__(*exc)


@pytest.fixture
def big_object(allas_env):
    """A 3 MiB object, so that a download writes it in several chunks."""
    data = os.urandom(3 * 1024 * 1024)
    conn = connect(allas_env.environ())
    conn.put_container("snakebucket")
    conn.put_object("snakebucket", "big.bin", data)
    return data


def fill_disk_after(monkeypatch, room: int, error: BaseException, seen: list[Path]) -> None:
    """Make ``atomic_write`` write to a disk that fails after ``room`` bytes."""
    real = files.tempfile.NamedTemporaryFile

    def filling(**options):
        handle = real(**options)
        seen.append(Path(handle.name))
        return _DiskThatFills(handle, room, error)

    monkeypatch.setattr(files, "tempfile", type(sys)("tempfile"))
    monkeypatch.setattr(files.tempfile, "NamedTemporaryFile", filling, raising=False)


@pytest.mark.parametrize("lang", LANGS)
def test_disk_full_while_downloading(run_here, big_object, workdir, monkeypatch, lang):
    (workdir / "big.bin").write_bytes(b"the earlier version")
    temporary: list[Path] = []
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    fill_disk_after(monkeypatch, 1536 * 1024, full, temporary)
    run = run_here("download_object", "--lang", lang, "snakebucket", "big.bin", "big.bin")
    assert_one_sentence(run, 1, expected(lang, "disk_full", path="big.bin"))
    assert temporary and not temporary[0].exists()  # written part way, then removed
    assert left_in(workdir) == ["big.bin"]
    assert (workdir / "big.bin").read_bytes() == b"the earlier version"


@pytest.mark.parametrize("lang", LANGS)
def test_ctrl_c_during_a_download(run_here, big_object, workdir, monkeypatch, lang):
    temporary: list[Path] = []
    fill_disk_after(monkeypatch, 1536 * 1024, KeyboardInterrupt(), temporary)
    run = run_here("download_object", "--lang", lang, "snakebucket", "big.bin", "out.bin")
    assert_one_sentence(run, 1, expected(lang, "interrupted"))
    assert temporary and not temporary[0].exists()
    assert left_in(workdir) == []


def break_reads(monkeypatch, breaks: int | None) -> None:
    """After the first chunk of a download, the next ``breaks`` reads (None: every one)
    fail as a reset connection does."""
    import swiftclient.client

    real_init = swiftclient.client._ObjectBody.__init__
    good_chunks, breaks_left = [1], [breaks]

    def breaking_body(self, resp, *args, **kwargs):
        real_init(self, resp, *args, **kwargs)
        read = resp.read

        def read_until_broken(*read_args, **read_kwargs):
            if not good_chunks[0] and breaks_left[0] != 0:
                if breaks_left[0] is not None:
                    breaks_left[0] -= 1
                reset = ConnectionResetError(errno.ECONNRESET, "Connection reset by peer")
                raise urllib3.exceptions.ProtocolError("Connection broken", reset)
            good_chunks[0] = max(good_chunks[0] - 1, 0)
            return read(*read_args, **read_kwargs)

        resp.read = read_until_broken

    monkeypatch.setattr(swiftclient.client._ObjectBody, "__init__", breaking_body)


@pytest.mark.parametrize("lang", LANGS)
def test_connection_breaking_off_mid_download(
    run_here, big_object, workdir, monkeypatch, no_backoff, lang
):
    # Every read after the first chunk fails, so that swiftclient's own resume from
    # the offset cannot save the download either.
    break_reads(monkeypatch, breaks=None)
    run = run_here("download_object", "--lang", lang, "snakebucket", "big.bin", "out.bin")
    assert_one_sentence(run, 1, expected(lang, "transfer_broken"))
    assert left_in(workdir) == []


@pytest.mark.parametrize("lang", LANGS)
def test_segmented_download_breaking_off_once(
    run_here, allas_env, workdir, monkeypatch, no_backoff, lang
):
    # swiftclient resumes with If-Match, which Allas refuses (412) for a segmented
    # object: the user sees the broken transfer, not the 412.
    conn = connect(allas_env.environ())
    conn.put_container("snakebucket")
    source = workdir.parent / "big.bin"
    source.write_bytes(os.urandom(3 * 1024 * 1024))
    run_example(
        "upload_large_object", "snakebucket", str(source), "big.bin", "--segment-size", "1M"
    )
    break_reads(monkeypatch, breaks=1)
    run = run_here("download_object", "--lang", lang, "snakebucket", "big.bin", "out.bin")
    assert_one_sentence(run, 1, expected(lang, "transfer_broken"))
    assert left_in(workdir) == []
    assert [r.status for r in allas_env.requests if r.method == "GET"][-1] == 412


@pytest.mark.parametrize("lang", LANGS)
def test_every_test_the_troubleshooting_table_names_exists(lang):
    # The table's last column is the proof of each row: a renamed or removed test
    # must not leave a row that points at nothing.
    page = (Path(__file__).parent.parent / "docs" / lang / "troubleshooting.md").read_text(
        encoding="utf-8"
    )
    named = []
    for row in page.splitlines():
        if not row.startswith("|") or "test_" not in row:
            continue
        test_file = None
        for reference in re.findall(r"`([\w.]*::\w+)`", row.rsplit("|", 2)[1]):
            file_part, name = reference.split("::")
            test_file = file_part or test_file
            named.append((test_file, name))
    assert len(named) >= 20
    for test_file, name in named:
        source = (Path(__file__).parent / test_file).read_text(encoding="utf-8")
        assert re.search(rf"^def {name}\(", source, re.M), f"{test_file}::{name} is not a test"
