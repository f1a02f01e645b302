"""Every example run as a user runs it, --fake, both languages.

The tests marked ``script_launch_mode("subprocess")`` start each script as a process of
its own, as users do; the others run it in the test's process (conftest.run_script).
"""

import hashlib
import re

import pytest

from allas_examples import script
from allas_examples.course import EXAMPLES
from conftest import expected

SAMPLE = script.SAMPLE_TEXT.encode("utf-8")
SAMPLE_MD5 = hashlib.md5(SAMPLE).hexdigest()
PASSWORD = "John1234"


def assert_clean(run):
    assert "Traceback" not in run.output
    assert PASSWORD not in run.output


@pytest.mark.lengthy  # every example, with the expiry's wait
@pytest.mark.parametrize("lang", ["fi", "en"])
def test_course_in_order(run_script, workdir, lang):
    """Create, upload (whole and in segments), list, download, remove: one consistent store.

    In this process, as run_script runs scripts; the tests marked subprocess below start
    them as processes of their own, a Finnish sentence among them through the pipes."""
    runs = {}
    for name in EXAMPLES:
        extra = ["--segment-size", "10"] if name == "upload_large_object" else []
        runs[name] = run = run_script(name, "--fake", "--lang", lang, *extra)
        assert run.returncode == 0, run.output
        assert_clean(run)
        assert expected(lang, "fake_in_use", path=".allas-fake") in run.stdout

    def says(name, key, **values):
        assert expected(lang, key, **values) in runs[name].stdout, runs[name].stdout

    says("create_connection", "account_summary", buckets=0, objects=0, bytes=0)
    says("create_bucket", "bucket_created", bucket="snakebucket")
    says("upload_object", "sample_created", path="my_snake.txt")
    says(
        "upload_object",
        "object_uploaded",
        path="my_snake.txt",
        bucket="snakebucket",
        object="my_snake.txt",
        size=len(SAMPLE),
        md5=SAMPLE_MD5,
    )
    segments = -(-len(SAMPLE) // 10)
    for index in range(segments):
        says(
            "upload_large_object",
            "segment_uploaded",
            index=index,
            object="my_snake.txt",
            size=min(10, len(SAMPLE) - 10 * index),
        )
    says(
        "upload_large_object",
        "large_uploaded_segments",
        path="my_snake.txt",
        bucket="snakebucket",
        object="my_snake.txt",
        count=segments,
        segment_size=10,
        segment_bucket="snakebucket_segments",
    )
    says("list_buckets_and_objects", "buckets_heading")
    assert (
        f"snakebucket_segments\t{segments}\t{len(SAMPLE)}"
        in runs["list_buckets_and_objects"].stdout
    )
    says("list_buckets_and_objects", "objects_heading", bucket="snakebucket")
    # Allas (RGW) lists a static large object with the size of its manifest, not of its
    # content; the bucket's bytes count that same size.
    listed = re.search(r"^my_snake\.txt\t(\d+)\t", runs["list_buckets_and_objects"].stdout, re.M)
    assert listed and int(listed[1]) != len(SAMPLE)
    assert f"snakebucket\t1\t{listed[1]}" in runs["list_buckets_and_objects"].stdout
    says(
        "download_object",
        "object_downloaded_segmented",
        bucket="snakebucket",
        object="my_snake.txt",
        path="new_name_for_file.txt",
        size=len(SAMPLE),
    )
    assert (workdir / "new_name_for_file.txt").read_bytes() == SAMPLE
    says(
        "remove_buckets_and_objects", "object_removed", bucket="snakebucket", object="my_snake.txt"
    )
    says("remove_buckets_and_objects", "bucket_removed", bucket="snakebucket")
    says("remove_buckets_and_objects", "bucket_removed", bucket="snakebucket_segments")

    after = run_script("list_buckets_and_objects", "--fake", "--lang", lang)
    assert expected(lang, "no_buckets") in after.stdout
    assert after.returncode == 1
    assert after.stderr.strip() == expected(lang, "no_such_bucket", bucket="snakebucket")


def test_plain_upload_and_download_verify_the_md5(run_script, workdir):
    for name in ("create_bucket", "upload_object", "download_object"):
        run = run_script(name, "--fake", "--lang", "en")
        assert run.returncode == 0, run.output
    assert (
        expected(
            "en",
            "object_downloaded",
            bucket="snakebucket",
            object="my_snake.txt",
            path="new_name_for_file.txt",
            size=len(SAMPLE),
            md5=SAMPLE_MD5,
        )
        in run.stdout
    )


@pytest.mark.script_launch_mode("subprocess")
def test_no_variables_and_no_fake_exits_2_naming_them_as_a_process(run_script):
    check_no_variables_and_no_fake(run_script, EXAMPLES[0])


@pytest.mark.parametrize("name", EXAMPLES[1:])
def test_no_variables_and_no_fake_exits_2_naming_them(run_script, name):
    check_no_variables_and_no_fake(run_script, name)


def check_no_variables_and_no_fake(run_script, name):
    run = run_script(name, "--lang", "en")
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.strip().splitlines() == [
        expected(
            "en",
            "missing_variables",
            names="OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_USER_DOMAIN_NAME, OS_PROJECT_NAME",
        )
    ]


@pytest.mark.script_launch_mode("subprocess")
def test_missing_variables_in_finnish_from_the_locale(run_script):
    run = run_script("create_bucket", env={"LANG": "fi_FI.UTF-8", "OS_USERNAME": "John"})
    assert run.returncode == 2
    assert run.stderr.strip() == expected(
        "fi",
        "missing_variables",
        names="OS_AUTH_URL, OS_PASSWORD, OS_USER_DOMAIN_NAME, OS_PROJECT_NAME",
    )


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_non_empty_bucket_is_explained(run_script, lang):
    run_script("create_bucket", "--fake")
    run_script("upload_object", "--fake")
    run = run_script("remove_buckets_and_objects", "--fake", "--lang", lang, "--bucket-only")
    assert run.returncode == 1
    assert run.stderr.strip() == expected(lang, "bucket_not_empty", bucket="snakebucket")
    assert_clean(run)


def test_missing_object_exits_1_and_writes_nothing(run_script, workdir):
    run_script("create_bucket", "--fake")
    run = run_script("download_object", "--fake", "--lang", "fi", "snakebucket", "nothing.txt")
    assert run.returncode == 1
    assert run.stderr.strip() == expected(
        "fi", "no_such_object", bucket="snakebucket", object="nothing.txt"
    )
    assert sorted(p.name for p in workdir.iterdir()) == [".allas-fake"]


def test_upload_to_a_missing_bucket_names_the_bucket(run_script):
    run = run_script("upload_object", "--fake", "--lang", "en", "nobucket")
    assert run.returncode == 1
    assert run.stderr.strip() == expected("en", "no_such_bucket", bucket="nobucket")


def test_bad_segment_size_is_a_usage_error(run_script):
    run = run_script("upload_large_object", "--fake", "--lang", "fi", "--segment-size", "-3")
    assert run.returncode == 2
    assert expected("fi", "bad_segment_size", value="-3") in run.stderr
    assert_clean(run)


@pytest.mark.lengthy  # two processes, one after another
@pytest.mark.script_launch_mode("subprocess")
def test_debug_shows_the_traceback_without_the_password(run_script):
    run_script("create_bucket", "--fake")
    run = run_script("download_object", "--fake", "--debug", "snakebucket", "nothing.txt")
    assert run.returncode == 1
    assert "Traceback" in run.stderr
    assert PASSWORD not in run.output


@pytest.mark.parametrize("lang", ["en", "fi"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_help_is_in_the_chosen_language(run_script, name, lang):
    run = run_script(name, "--help", "--lang", lang)
    assert run.returncode == 0
    assert expected(lang, "help_fake") in " ".join(run.stdout.split())
