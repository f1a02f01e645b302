"""The allas-examples command: list, run, tour, fake-reset, --version.

The tests marked ``script_launch_mode("subprocess")`` start the command as its console
script, in a process of its own; the others run it in the test's process.
"""

import re
import sys

import pytest
import requests
import swiftclient

from allas_examples.connection import connect
from allas_examples.course import EXAMPLES, load_example
from allas_examples.tour import run_tour
from conftest import ROOT, TOUR_STEP_TITLES, expected


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_list_shows_the_examples_in_course_order(run_cli, lang):
    run = run_cli("list", "--lang", lang)
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    assert lines[0] == expected(lang, "list_heading")
    assert [line.split()[0] for line in lines[1:]] == list(EXAMPLES)
    for name, line in zip(EXAMPLES, lines[1:], strict=True):
        assert line.endswith(expected(lang, f"desc_{name}"))


@pytest.mark.lengthy  # four processes, one after another
@pytest.mark.script_launch_mode("subprocess")  # `run` starts the example as a process
def test_run_forwards_options_and_arguments(run_cli, workdir):
    run = run_cli("--lang", "fi", "--fake", "run", "create_bucket", "kurssi-bucket")
    assert run.returncode == 0, run.output
    assert expected("fi", "bucket_created", bucket="kurssi-bucket") in run.stdout
    listing = run_cli("run", "list_buckets_and_objects", "--fake", "--lang", "en", "kurssi-bucket")
    assert listing.returncode == 0, listing.output
    assert "kurssi-bucket\t0\t0" in listing.stdout


def test_run_an_unknown_example(run_cli):
    run = run_cli("run", "make_coffee", "--lang", "en")
    assert run.returncode == 2
    assert run.stderr.strip() == expected(
        "en", "unknown_example", name="make_coffee", names=", ".join(EXAMPLES)
    )


def test_bad_option_is_a_translated_usage_error(run_cli):
    run = run_cli("--lang", "fi", "tuor")
    assert run.returncode == 2
    assert run.stderr.startswith(expected("fi", "usage_error", detail="")[:20])
    assert "Traceback" not in run.stderr


def test_fake_reset_empties_the_store(run_cli, run_script, workdir):
    assert run_script("create_bucket", "--fake").returncode == 0
    assert (workdir / ".allas-fake").exists()
    reset = run_cli("fake-reset", "--lang", "en")
    assert reset.returncode == 0
    assert reset.stdout.strip() == expected("en", "fake_reset_done", path=".allas-fake")
    listing = run_script("list_buckets_and_objects", "--fake", "--lang", "en")
    assert expected("en", "no_buckets") in listing.stdout


@pytest.mark.lengthy  # every step, in a process
@pytest.mark.script_launch_mode("subprocess")  # its Finnish through the pipes
def test_tour_runs_every_step_in_finnish_as_a_process(run_cli, workdir):
    check_tour(run_cli, workdir, "fi")


def test_tour_runs_every_step_in_english(run_cli, workdir):
    check_tour(run_cli, workdir, "en")


def check_tour(run_cli, workdir, lang):
    run = run_cli("tour", "--lang", lang)
    assert run.returncode == 0, run.output
    assert "Traceback" not in run.output and "John1234" not in run.output
    for title in TOUR_STEP_TITLES:
        assert f": {expected(lang, title)} (" in run.stdout
    refused = expected(lang, "bucket_not_empty", bucket="snakebucket")
    assert expected(lang, "tour_refused_as_expected", message=refused) in run.stdout
    assert run.stdout.rstrip().endswith(expected(lang, "tour_done").strip())
    # The tour uses its own in-memory fake: nothing is left in the working folder.
    assert list(workdir.iterdir()) == []


def test_tour_leaves_nothing_behind(fake_allas, capsys):
    conn = connect(fake_allas.environ())
    run_tour(conn, "tour-bucket")
    assert conn.get_account()[1] == []
    out = capsys.readouterr().out
    assert out.count("segment") >= 4


def test_tour_fails_when_a_non_empty_bucket_is_removed(fake_allas, monkeypatch):
    """The 409 step is a real check: a store that removed non-empty buckets fails it."""
    conn = connect(fake_allas.environ())
    real_delete = swiftclient.Connection.delete_container

    def delete_even_if_full(self, container, *args, **kwargs):
        for info in self.get_container(container, full_listing=True)[1]:
            self.delete_object(container, info["name"])
        return real_delete(self, container, *args, **kwargs)

    monkeypatch.setattr(swiftclient.Connection, "delete_container", delete_even_if_full)
    from allas_examples.errors import AllasExampleError

    with pytest.raises(AllasExampleError) as caught:
        run_tour(conn, "tour-bucket")
    assert caught.value.key == "tour_not_refused"


def test_real_tour_uses_a_unique_bucket_and_removes_it(allas_env, capsys):
    """``--real`` logs in from the OS_* variables; here they point at the in-process fake."""
    from allas_examples import cli

    assert cli.main(["tour", "--real", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    bucket = re.search(r"bucket '(allas-examples-tour-[0-9a-f]{12})'", out).group(1)
    assert expected("en", "tour_target_real", bucket=bucket) in out
    assert connect().get_account()[1] == []


def test_real_tour_cleans_up_after_a_failure(allas_env, monkeypatch, capsys):
    from allas_examples import cli

    download = load_example("download_object")
    monkeypatch.setattr(download, "download_object", broken_download)
    with pytest.raises(SystemExit) as caught:
        cli.main(["tour", "--real", "--lang", "en"])
    assert caught.value.code == 1
    captured = capsys.readouterr()
    assert expected("en", "tour_cleanup", bucket="")[:20] in captured.out
    assert captured.err.strip() == expected("en", "connection_failed", host="a3s.fi")
    assert connect().get_account()[1] == []


def broken_download(conn, bucket, object_name, path):
    raise requests.ConnectionError("connection reset by https://a3s.fi/swift/v1")


def test_version_is_the_one_pyproject_declares(run_cli):
    declared = re.search(
        r'^version = "([^"]+)"$', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M
    ).group(1)
    run = run_cli("--version")
    assert run.returncode == 0, run.output
    assert run.stdout.strip() == f"allas-examples {declared}"


@pytest.fixture
def examples_missing(tmp_path, monkeypatch):
    """An installation whose example scripts are gone (none loaded in this process yet)."""
    from allas_examples import course

    monkeypatch.setattr(course, "EXAMPLES_DIR", tmp_path / "examples")
    for name in EXAMPLES:
        monkeypatch.delitem(sys.modules, f"allas_examples._examples.{name}", raising=False)
    return tmp_path / "examples"


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_run_without_the_example_scripts_says_so(examples_missing, capsys, lang):
    from allas_examples import cli

    assert cli.main(["--lang", lang, "run", "upload_object", "--fake"]) == 2
    path = examples_missing / "upload_object.py"
    assert capsys.readouterr().err.strip() == expected(lang, "example_missing", path=path)


def test_tour_without_the_example_scripts_says_so(examples_missing, capsys):
    from allas_examples import cli

    with pytest.raises(SystemExit) as caught:
        cli.main(["tour", "--lang", "fi"])
    assert caught.value.code == 2
    path = examples_missing / "create_connection.py"
    err = capsys.readouterr().err
    assert err.strip() == expected("fi", "example_missing", path=path)
