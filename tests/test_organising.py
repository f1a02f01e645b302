"""Pseudo-folders, metadata, copy and move, and the tour's course mode.

Each script runs as a user runs it (a process of its own, ``--fake``, both languages);
its functions run on the fake, OpenStack Swift and Ceph RGW through ``backend``.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid

import pytest
import swiftclient

from allas_examples import script
from allas_examples.course import load_example
from conftest import TOUR_STEP_TITLES, expected

folders = load_example("list_pseudo_folders")
metadata = load_example("object_metadata")
large = load_example("upload_large_object")
copying = load_example("copy_and_move")

PASSWORD = "John1234"
SCRIPTS = ("list_pseudo_folders", "object_metadata", "copy_and_move")


def assert_clean(run):
    assert "Traceback" not in run.output
    assert PASSWORD not in run.output


def unique(label: str) -> str:
    """A bucket name no other test (nor another account on the shared RGW) uses."""
    return f"org-{label}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def conn(backend, in_language):
    """A connection to the backend's main account, with English sentences."""
    in_language("en")
    connection = swiftclient.Connection(
        preauthurl=backend.main.storage_url, preauthtoken=backend.main.token, retries=0
    )
    made = []
    connection.made = made  # buckets to remove afterwards, objects and all
    yield connection
    for bucket in made:
        empty_and_remove(connection, bucket)
    left = [entry["name"] for entry in connection.get_account(prefix="org-")[1]]
    assert not set(left) & {name for bucket in made for name in (bucket, f"{bucket}_segments")}


def empty_and_remove(conn: swiftclient.Connection, bucket: str) -> None:
    """Remove ``bucket`` with every object in it, segments of large objects included."""
    for name in (bucket, f"{bucket}_segments"):
        with contextlib.suppress(swiftclient.ClientException):
            for info in conn.get_container(name, full_listing=True)[1]:
                query = "multipart-manifest=delete" if _is_slo(conn, name, info) else None
                conn.delete_object(name, info["name"], query_string=query)
            conn.delete_container(name)


def _is_slo(conn, bucket: str, info: dict) -> bool:
    try:
        return "x-static-large-object" in conn.head_object(bucket, info["name"])
    except swiftclient.ClientException:
        return False


def new_bucket(conn: swiftclient.Connection, label: str) -> str:
    bucket = unique(label)
    conn.put_container(bucket)
    conn.made.append(bucket)
    return bucket


def out_lines(capsys) -> list[str]:
    return capsys.readouterr().out.splitlines()


# --- every script: missing settings and bad usage ---


@pytest.mark.parametrize("name", SCRIPTS)
def test_no_variables_and_no_fake_exits_2(run_script, name):
    run = run_script(name, "--lang", "fi")
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.strip() == expected(
        "fi",
        "missing_variables",
        names="OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_USER_DOMAIN_NAME, OS_PROJECT_NAME",
    )


@pytest.mark.parametrize("name", SCRIPTS)
@pytest.mark.parametrize("lang", ["en", "fi"])
def test_help_in_the_chosen_language(run_script, name, lang):
    run = run_script(name, "--help", "--lang", lang)
    assert run.returncode == 0
    assert expected(lang, "help_fake") in run.stdout


@pytest.mark.parametrize("name", SCRIPTS)
def test_unknown_option_is_a_usage_error(run_script, name):
    run = run_script(name, "--fake", "--lang", "en", "--no-such-option")
    assert run.returncode == 2
    assert run.stderr.startswith(expected("en", "usage_error", detail="")[:20])
    assert_clean(run)


# --- 1. pseudo-folders ---


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_pseudo_folders_script_on_an_empty_fake(run_script, lang):
    run = run_script("list_pseudo_folders", "--fake", "--lang", lang)
    assert run.returncode == 0, run.output
    assert_clean(run)
    lines = run.stdout.splitlines()
    assert lines[1:] == [
        expected(lang, "pseudo_demo_tree_created", bucket="snakebucket", count=5),
        expected(lang, "pseudo_level_heading_top", bucket="snakebucket"),
        expected(lang, "pseudo_folder_line", folder="photos/"),
        expected(lang, "pseudo_folder_line", folder="reports/"),
        "  README.txt\t41",
    ]
    # The second run finds the tree and lists one level below a prefix.
    again = run_script("list_pseudo_folders", "--fake", "--lang", lang, "snakebucket", "reports/")
    assert again.returncode == 0, again.output
    assert again.stdout.splitlines()[1:] == [
        expected(lang, "pseudo_level_heading", bucket="snakebucket", prefix="reports/"),
        expected(lang, "pseudo_folder_line", folder="reports/2024/"),
        expected(lang, "pseudo_folder_line", folder="reports/2025/"),
    ]


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_pseudo_folders_script_walks_the_tree(run_script, lang):
    run = run_script("list_pseudo_folders", "--fake", "--lang", lang, "--tree")
    assert run.returncode == 0, run.output
    lines = run.stdout.splitlines()
    # One listing per level, breadth first: the top, then each folder as it was found.
    assert [line for line in lines if not line.startswith("  ")][2:-1] == [
        expected(lang, "pseudo_level_heading_top", bucket="snakebucket"),
        *[
            expected(lang, "pseudo_level_heading", bucket="snakebucket", prefix=prefix)
            for prefix in ("photos/", "reports/", "reports/2024/", "reports/2025/")
        ],
    ]
    for name in folders.DEMO_TREE:
        assert f"  {name}\t{len(folders.DEMO_TREE[name])}" in run.stdout
    assert run.stdout.rstrip().endswith(
        expected(lang, "pseudo_tree_total", count=5, bucket="snakebucket")
    )


def test_pseudo_folders_script_leaves_a_bucket_with_folders_alone(run_script):
    run_script("list_pseudo_folders", "--fake")
    run = run_script("list_pseudo_folders", "--fake", "--lang", "en", "--delimiter", "/")
    assert (
        expected("en", "pseudo_demo_tree_created", bucket="snakebucket", count=5) not in run.stdout
    )


def test_pseudo_folders_of_a_missing_bucket(backend, in_language, capsys):
    from allas_examples.errors import describe

    in_language("fi")
    conn = swiftclient.Connection(
        preauthurl=backend.main.storage_url, preauthtoken=backend.main.token, retries=0
    )
    bucket = unique("missing")
    with pytest.raises(swiftclient.ClientException) as caught:
        folders.list_level(conn, bucket)
    assert describe(caught.value) == (expected("fi", "no_such_bucket", bucket=bucket), 1)


def test_list_level_shows_folders_and_objects_of_one_level(conn, capsys):
    bucket = new_bucket(conn, "level")
    folders.ensure_demo_tree(conn, bucket)
    capsys.readouterr()
    found, objects = folders.list_level(conn, bucket)
    assert found == ["photos/", "reports/"]
    assert [info["name"] for info in objects] == ["README.txt"]
    found, objects = folders.list_level(conn, bucket, "reports/2025/")
    assert found == []
    assert [info["name"] for info in objects] == [
        "reports/2025/february.csv",
        "reports/2025/january.csv",
    ]
    # A prefix without the delimiter at its end is one folder entry, not its content.
    assert folders.list_level(conn, bucket, "reports")[0] == ["reports/"]
    assert out_lines(capsys)[-1] == expected("en", "pseudo_folder_line", folder="reports/")


def test_walk_tree_finds_every_object_once(conn, capsys):
    bucket = new_bucket(conn, "walk")
    folders.ensure_demo_tree(conn, bucket)
    conn.put_object(bucket, "reports/2025/march/week1.csv", b"1")
    names = folders.walk_tree(conn, bucket)
    assert sorted(names) == sorted([*folders.DEMO_TREE, "reports/2025/march/week1.csv"])
    assert folders.walk_tree(conn, bucket, "reports/2025/") == [
        "reports/2025/february.csv",
        "reports/2025/january.csv",
        "reports/2025/march/week1.csv",
    ]
    assert out_lines(capsys)[-1] == expected("en", "pseudo_tree_total", count=3, bucket=bucket)


def test_walk_tree_with_another_delimiter(conn, capsys):
    bucket = new_bucket(conn, "delim")
    for name in ("a-b-c", "a-d", "e"):
        conn.put_object(bucket, name, b"x")
    assert folders.list_level(conn, bucket, delimiter="-")[0] == ["a-"]
    assert sorted(folders.walk_tree(conn, bucket, delimiter="-")) == ["a-b-c", "a-d", "e"]


def test_demo_tree_is_made_once(conn, capsys):
    bucket = unique("demo")
    conn.made.append(bucket)
    folders.ensure_demo_tree(conn, bucket)
    folders.ensure_demo_tree(conn, bucket)
    lines = out_lines(capsys)
    assert lines == [expected("en", "pseudo_demo_tree_created", bucket=bucket, count=5)]
    assert len(conn.get_container(bucket)[1]) == len(folders.DEMO_TREE)


def test_account_listings_ignore_the_delimiter_on_rgw(conn, backend):
    """What the page says: RGW (Allas) ignores ``delimiter`` on the list of buckets."""
    first = new_bucket(conn, "acct")
    second = f"{first}-more"
    conn.put_container(second)
    conn.made.append(second)
    names = [
        entry.get("name", entry.get("subdir"))
        for entry in conn.get_account(prefix=first, delimiter="-")[1]
    ]
    if backend.name == "swift":
        assert names == [first, f"{first}-"]
    else:  # Ceph RGW, and the fake, which answers as RGW
        assert names == [first, second]


# --- 2. metadata ---


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_metadata_script_on_an_empty_fake(run_script, lang):
    run = run_script("object_metadata", "--fake", "--lang", lang)
    assert run.returncode == 0, run.output
    assert_clean(run)
    assert run.stdout.splitlines()[1:] == [
        expected(lang, "meta_demo_object_created", bucket="snakebucket", object="my_snake.txt"),
        expected(lang, "meta_object_heading", bucket="snakebucket", object="my_snake.txt"),
        expected(lang, "meta_none"),
    ]


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_metadata_script_sets_updates_and_replaces(run_script, lang):
    def run(*args):
        done = run_script("object_metadata", "--fake", "--lang", lang, *args)
        assert done.returncode == 0, done.output
        assert_clean(done)
        return done.stdout.splitlines()[1:]

    heading = expected(lang, "meta_object_heading", bucket="snakebucket", object="my_snake.txt")
    where = {"bucket": "snakebucket", "object": "my_snake.txt"}
    run()  # creates the object
    assert run("--set", "colour=green", "--set", "name=käärme") == [
        expected(lang, "meta_object_updated", count=2, **where),
        heading,
        "  colour: green",
        "  name: käärme",
    ]
    assert run("--set", "Shape=long", "--set", "colour=") == [
        expected(lang, "meta_object_updated", count=2, **where),
        heading,
        "  name: käärme",
        "  shape: long",
    ]
    assert run("--replace", "--set", "size=big") == [
        expected(lang, "meta_object_replaced", count=1, **where),
        heading,
        "  size: big",
    ]
    assert run("--bucket-metadata", "--set", "project=snakes", "--set", "owner=John") == [
        expected(lang, "meta_bucket_updated", bucket="snakebucket", count=2),
        expected(lang, "meta_bucket_heading", bucket="snakebucket"),
        "  owner: John",
        "  project: snakes",
    ]
    assert run("--bucket-metadata", "--set", "owner=")[2:] == ["  project: snakes"]


@pytest.mark.parametrize("lang", ["en", "fi"])
@pytest.mark.parametrize(
    ("argument", "key", "values"),
    [
        ("käärme=x", "meta_bad_name", {"name": "käärme"}),
        ("with space=x", "meta_bad_name", {"name": "with space"}),
        ("under_score=x", "meta_bad_name", {"name": "under_score"}),
        ("=x", "meta_bad_name", {"name": ""}),
        ("n" * 81 + "=x", "meta_name_too_long", {"name": "n" * 81, "limit": 80}),
        ("colour", "meta_bad_pair", {"pair": "colour"}),
    ],
)
def test_metadata_script_refuses_bad_names_before_sending(
    run_script, workdir, lang, argument, key, values
):
    run = run_script("object_metadata", "--fake", "--lang", lang, "--set", argument)
    assert run.returncode == 2
    assert run.stderr.strip() == expected(lang, key, **values)
    assert_clean(run)
    # Refused before anything was sent: not even the demo object was made.
    created = expected(
        lang, "meta_demo_object_created", bucket="snakebucket", object="my_snake.txt"
    )
    assert created not in run.stdout
    again = run_script("object_metadata", "--fake", "--lang", lang)
    assert (
        expected(lang, "meta_demo_object_created", bucket="snakebucket", object="my_snake.txt")
        in again.stdout
    )


def test_metadata_of_a_missing_object_is_explained(conn):
    from allas_examples.errors import describe

    bucket = new_bucket(conn, "meta")
    with pytest.raises(swiftclient.ClientException) as caught:
        metadata.update_object_metadata(conn, bucket, "gone", {"colour": "green"})
    assert describe(caught.value) == (
        expected("en", "no_such_object", bucket=bucket, object="gone"),
        1,
    )


def test_non_ascii_names_are_refused_without_a_request():
    from unittest import mock

    from allas_examples.errors import ConfigurationError

    conn = mock.Mock(spec=swiftclient.Connection)
    for call in (
        lambda: metadata.replace_object_metadata(conn, "b", "o", {"väri": "vihreä"}),
        lambda: metadata.update_object_metadata(conn, "b", "o", {"väri": "vihreä"}),
        lambda: metadata.update_bucket_metadata(conn, "b", {"väri": "vihreä"}),
    ):
        with pytest.raises(ConfigurationError) as caught:
            call()
        assert caught.value.key == "meta_bad_name"
        assert caught.value.exit_code == 2
    assert conn.mock_calls == []


def test_a_post_replaces_all_object_metadata(conn, capsys):
    bucket = new_bucket(conn, "meta")
    conn.put_object(bucket, "o", b"x", headers={"X-Object-Meta-Colour": "green"})
    metadata.replace_object_metadata(conn, bucket, "o", {"Shape": "long"})
    assert metadata.object_metadata(conn, bucket, "o") == {"shape": "long"}
    assert out_lines(capsys) == [
        expected("en", "meta_object_replaced", bucket=bucket, object="o", count=1)
    ]
    assert conn.get_object(bucket, "o")[1] == b"x"


def test_an_update_keeps_the_other_names(conn, capsys):
    bucket = new_bucket(conn, "meta")
    conn.put_object(bucket, "o", b"x", headers={"X-Object-Meta-Colour": "green"})
    result = metadata.update_object_metadata(conn, bucket, "o", {"Name": "käärme 🐍"})
    assert result == {"colour": "green", "name": "käärme 🐍"}
    assert metadata.object_metadata(conn, bucket, "o") == result
    metadata.update_object_metadata(conn, bucket, "o", {"colour": ""})
    assert metadata.object_metadata(conn, bucket, "o") == {"name": "käärme 🐍"}


def test_bucket_metadata_updates_and_removes(conn, capsys):
    bucket = new_bucket(conn, "meta")
    metadata.update_bucket_metadata(conn, bucket, {"Project": "snakes", "Owner": "John"})
    metadata.update_bucket_metadata(conn, bucket, {"Stage": "raw"})
    assert metadata.bucket_metadata(conn, bucket) == {
        "project": "snakes",
        "owner": "John",
        "stage": "raw",
    }
    metadata.update_bucket_metadata(conn, bucket, {"owner": ""})
    assert metadata.bucket_metadata(conn, bucket) == {"project": "snakes", "stage": "raw"}
    # An empty value in a plain header removes too, as the page says.
    conn.post_container(bucket, headers={"X-Container-Meta-Stage": ""})
    assert metadata.bucket_metadata(conn, bucket) == {"project": "snakes"}
    assert out_lines(capsys)[-1] == expected("en", "meta_bucket_updated", bucket=bucket, count=1)


def test_metadata_limits_of_each_server(conn, backend, capsys):
    """Names: 80 bytes in Allas (RGW), 128 in Swift; values: only Swift stops at 256."""
    from allas_examples.errors import describe

    bucket = new_bucket(conn, "limits")
    conn.put_object(bucket, "o", b"x")
    metadata.replace_object_metadata(conn, bucket, "o", {"n" * 80: "v"})
    assert metadata.object_metadata(conn, bucket, "o") == {"n" * 80: "v"}
    with pytest.raises(metadata.ConfigurationError):
        metadata.replace_object_metadata(conn, bucket, "o", {"n" * 81: "v"})
    long_value = {"note": "v" * 257}
    if backend.name == "swift":
        with pytest.raises(swiftclient.ClientException) as caught:
            metadata.replace_object_metadata(conn, bucket, "o", long_value)
        assert caught.value.http_status == 400
        assert describe(caught.value)[0].startswith(expected("en", "bad_request", detail=""))
    else:
        metadata.replace_object_metadata(conn, bucket, "o", long_value)
        assert metadata.object_metadata(conn, bucket, "o") == long_value


def test_metadata_of_a_large_object_keeps_it_whole(conn, tmp_path, capsys):
    bucket = new_bucket(conn, "meta")
    source = tmp_path / "big.bin"
    source.write_bytes(b"0123456789" * 5)
    large.upload_large_object(conn, bucket, str(source), "big", segment_size=16)
    metadata.update_object_metadata(conn, bucket, "big", {"colour": "green"})
    assert metadata.object_metadata(conn, bucket, "big")["colour"] == "green"
    assert conn.get_object(bucket, "big")[1] == source.read_bytes()


# --- 3. copy and move ---

SAMPLE = script.SAMPLE_TEXT.encode("utf-8")
SAMPLE_MD5 = hashlib.md5(SAMPLE).hexdigest()


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_copy_script_on_an_empty_fake(run_script, lang):
    run = run_script("copy_and_move", "--fake", "--lang", lang)
    assert run.returncode == 0, run.output
    assert_clean(run)
    assert run.stdout.splitlines()[1:] == [
        expected(lang, "copy_demo_object_created", bucket="snakebucket", object="my_snake.txt"),
        expected(
            lang,
            "copy_done",
            source="snakebucket/my_snake.txt",
            target="snakebucket/copy_of_my_snake.txt",
            etag=SAMPLE_MD5,
        ),
    ]


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_move_script_between_buckets(run_script, workdir, lang):
    run_script("create_bucket", "--fake", "archive")
    run_script("upload_large_object", "--fake", "--segment-size", "40")
    run = run_script("copy_and_move", "--fake", "--lang", lang, "--move", "snakebucket",
                     "my_snake.txt", "archive")  # fmt: skip
    assert run.returncode == 0, run.output
    assert_clean(run)
    source, target = "snakebucket/my_snake.txt", "archive/my_snake.txt"
    assert run.stdout.splitlines()[1:] == [
        expected(
            lang, "copy_streamed", source=source, target=target, size=len(SAMPLE), md5=SAMPLE_MD5
        ),  # fmt: skip
        expected(lang, "move_done", source=source, target=target),
    ]
    listing = run_script("list_buckets_and_objects", "--fake", "archive").stdout
    assert "snakebucket\t0\t0" in listing
    assert "snakebucket_segments\t0\t0" in listing
    assert f"my_snake.txt\t{len(SAMPLE)}\t" in listing


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_copy_script_failures(run_script, lang):
    missing = run_script("copy_and_move", "--fake", "--lang", lang, "snakebucket",
                         "my_snake.txt", "nowhere")  # fmt: skip
    assert missing.returncode == 1
    assert missing.stderr.strip() == expected(lang, "no_such_bucket", bucket="nowhere")
    onto_itself = run_script(
        "copy_and_move", "--fake", "--lang", lang, "--move",
        "snakebucket", "my_snake.txt", "snakebucket", "my_snake.txt",
    )  # fmt: skip
    assert onto_itself.returncode == 2
    assert onto_itself.stderr.strip() == expected(
        lang, "copy_same_object", bucket="snakebucket", object="my_snake.txt"
    )
    for run in (missing, onto_itself):
        assert_clean(run)
    # The move was refused before anything was deleted.
    assert run_script("download_object", "--fake", "snakebucket", "my_snake.txt").returncode == 0


def test_copy_between_buckets_keeps_content_and_metadata(conn, capsys):
    source, target = new_bucket(conn, "src"), new_bucket(conn, "dst")
    conn.put_object(source, "data ä.txt", SAMPLE, headers={"X-Object-Meta-Colour": "green"})
    etag = copying.copy_object(conn, source, "data ä.txt", target, "data ä.txt")
    assert etag == SAMPLE_MD5
    copied = conn.head_object(target, "data ä.txt")
    assert copied["x-object-meta-colour"] == "green"
    assert conn.get_object(target, "data ä.txt")[1] == SAMPLE
    assert conn.get_object(source, "data ä.txt")[1] == SAMPLE  # a copy leaves the original
    assert out_lines(capsys) == [
        expected(
            "en",
            "copy_done",
            source=f"{source}/data ä.txt",
            target=f"{target}/data ä.txt",
            etag=SAMPLE_MD5,
        )  # fmt: skip
    ]


def test_move_deletes_the_original_after_the_copy(conn, capsys):
    source, target = new_bucket(conn, "src"), new_bucket(conn, "dst")
    conn.put_object(source, "o", SAMPLE)
    copying.move_object(conn, source, "o", target, "renamed")
    assert conn.get_object(target, "renamed")[1] == SAMPLE
    with pytest.raises(swiftclient.ClientException) as caught:
        conn.head_object(source, "o")
    assert caught.value.http_status == 404
    assert out_lines(capsys)[-1] == expected(
        "en", "move_done", source=f"{source}/o", target=f"{target}/renamed"
    )


def upload_segmented(conn, bucket, tmp_path, name="big", size=50):
    path = tmp_path / name
    path.write_bytes(bytes(range(size)))
    large.upload_large_object(conn, bucket, str(path), name, segment_size=16)
    return path.read_bytes()


def test_a_segmented_copy_is_independent_of_the_original(conn, tmp_path, capsys):
    source, target = new_bucket(conn, "src"), new_bucket(conn, "dst")
    content = upload_segmented(conn, source, tmp_path)
    etag = copying.copy_object(conn, source, "big", target, "big")
    assert etag == hashlib.md5(content).hexdigest()
    copied = conn.head_object(target, "big")
    assert not copying.is_segmented(copied)
    assert "x-object-meta-mtime" in copied  # the user metadata came along
    assert "x-object-meta-static-large-object" not in copied
    # Removing the original with its segments leaves the copy whole.
    copying.move_object(conn, source, "big", source, "gone-soon")
    copying.move_object(conn, source, "gone-soon", target, "second")
    assert conn.get_container(f"{source}_segments")[1] == []
    assert conn.get_object(target, "big")[1] == content
    assert conn.get_object(target, "second")[1] == content


def test_why_a_segmented_object_is_not_copied_inside_allas(conn, backend, tmp_path):
    """Allas (RGW) copies an SLO as a second manifest sharing the same segments."""
    bucket = new_bucket(conn, "slo")
    upload_segmented(conn, bucket, tmp_path)
    conn.copy_object(bucket, "big", f"/{bucket}/shared")
    shared = copying.is_segmented(conn.head_object(bucket, "shared"))
    # The fake answers as RGW (its default flavor); OpenStack Swift joins them instead.
    assert shared == (backend.name in ("fake", "rgw", "allas"))


def test_copy_refuses_a_missing_target_bucket(conn, capsys):
    source = new_bucket(conn, "src")
    conn.put_object(source, "o", b"x")
    missing = unique("nowhere")
    with pytest.raises(copying.AllasExampleError) as caught:
        copying.move_object(conn, source, "o", missing, "o")
    assert caught.value.message() == expected("en", "no_such_bucket", bucket=missing)
    assert conn.get_object(source, "o")[1] == b"x"


def test_copy_of_a_missing_object_is_explained(conn):
    from allas_examples.errors import describe

    source, target = new_bucket(conn, "src"), new_bucket(conn, "dst")
    with pytest.raises(swiftclient.ClientException) as caught:
        copying.copy_object(conn, source, "gone", target, "gone")
    assert describe(caught.value)[0] == expected(
        "en", "no_such_object", bucket=source, object="gone"
    )


def test_a_segmented_object_over_5_gib_is_refused(conn, tmp_path, monkeypatch):
    source, target = new_bucket(conn, "src"), new_bucket(conn, "dst")
    upload_segmented(conn, source, tmp_path)
    monkeypatch.setattr(copying, "MAX_OBJECT_SIZE", 49)
    with pytest.raises(copying.AllasExampleError) as caught:
        copying.move_object(conn, source, "big", target, "big")
    assert caught.value.key == "copy_too_large"
    assert caught.value.values == {"object": f"{source}/big", "size": 50}
    assert conn.get_container(target)[1] == []
    assert copying.is_segmented(conn.head_object(source, "big"))


@pytest.mark.parametrize("segmented", [False, True])
def test_a_copy_that_does_not_match_keeps_the_original(
    fake_allas, in_language, tmp_path, monkeypatch, segmented
):
    from allas_examples.connection import connect

    in_language("en")
    conn = connect(fake_allas.environ())
    conn.put_container("src")
    conn.put_container("dst")
    if segmented:
        upload_segmented(conn, "src", tmp_path, name="o")
        # The server answers with another checksum than the bytes that were sent.
        real_put = conn.put_object
        monkeypatch.setattr(conn, "put_object", lambda *a, **k: real_put(*a, **k) and "0" * 32)
    else:
        conn.put_object("src", "o", b"x")
        real_head = conn.head_object

        def head(bucket, name, *args, **kwargs):
            headers = real_head(bucket, name, *args, **kwargs)
            return {**headers, "etag": "0" * 32} if bucket == "dst" else headers

        monkeypatch.setattr(conn, "head_object", head)
    with pytest.raises(copying.AllasExampleError) as caught:
        copying.move_object(conn, "src", "o", "dst", "o")
    assert caught.value.key == "copy_checksum_mismatch"
    assert conn.get_object("src", "o")[1]  # the original is still there


# --- 4. the tour's course mode ---


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_course_mode_explains_every_step_without_waiting(run_cli, lang):
    # run_cli gives the command a standard input that is no terminal
    run = run_cli("tour", "--step", "--lang", lang)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stderr == ""
    lines = run.stdout.splitlines()
    for number, title in enumerate(TOUR_STEP_TITLES, start=1):
        heading = lines.index(
            expected(
                lang,
                "tour_step",
                number=number,
                total=8,
                title=expected(lang, title),
                script=_script_of(title),
            ).strip()  # fmt: skip
        )
        # The explanation comes right after the heading, before the step's own output.
        assert lines[heading + 1] == expected(lang, f"course_{title}")
    assert expected(lang, "course_press_enter").strip() not in run.stdout
    assert run.stdout.rstrip().endswith(expected(lang, "tour_done").strip())


def _script_of(title: str) -> str:
    return {
        "tour_connect": "create_connection",
        "tour_create": "create_bucket",
        "tour_upload": "upload_object",
        "tour_upload_large": "upload_large_object",
        "tour_list": "list_buckets_and_objects",
        "tour_download": "download_object",
        "tour_not_empty": "remove_buckets_and_objects",
        "tour_remove": "remove_buckets_and_objects",
    }[title]


def test_without_step_the_tour_explains_nothing(run_cli):
    run = run_cli("tour", "--lang", "en")
    assert run.returncode == 0
    for title in TOUR_STEP_TITLES:
        assert expected("en", f"course_{title}") not in run.stdout


@pytest.mark.lengthy  # every step, in a process
@pytest.mark.parametrize("lang", ["en", "fi"])
def test_course_mode_waits_for_enter_on_a_terminal(workdir, lang):
    """On a terminal each step runs only after Enter: checked through a real pty."""
    import os
    import pty
    import select
    import subprocess
    import sys
    import time

    from conftest import clean_environment, stop_process

    command = [sys.executable, "-m", "allas_examples.cli", "tour", "--step", "--lang", lang]
    # The pty as the tour's standard streams. subprocess starts it (not pty.fork, which
    # forks this process, threads and all, and runs Python in the child before exec).
    fd, terminal = pty.openpty()
    process = subprocess.Popen(
        command,
        cwd=workdir,
        env=clean_environment(),
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        start_new_session=True,
    )
    os.close(terminal)
    seen = b""

    def read_for(seconds: float) -> None:
        nonlocal seen
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:  # the child has ended
                    return

    prompt = expected(lang, "course_press_enter").strip().encode()
    connected = expected(lang, "connected", url="")[:15].encode()
    try:
        for number in range(1, len(TOUR_STEP_TITLES) + 1):
            deadline = time.monotonic() + 60
            while seen.count(prompt) < number and time.monotonic() < deadline:
                read_for(0.1)
            assert seen.count(prompt) == number, seen.decode(errors="replace")
            if number == 1:
                read_for(0.5)  # it waits: the first step has not run yet
                assert connected not in seen
            os.write(fd, b"\n")
        read_for(0.2)
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            read_for(0.1)
        if process.poll() is None:
            pytest.fail("the tour did not end")
    finally:
        stop_process(process)
        os.close(fd)
    assert process.returncode == 0
    assert connected in seen
    assert expected(lang, "tour_done").strip().encode() in seen


def test_course_mode_in_process_asks_once_per_step(fake_allas, in_language, monkeypatch, capsys):
    from allas_examples import tour
    from allas_examples.connection import connect

    in_language("fi")
    prompts = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt="": prompts.append(prompt) or "")
    tour.run_tour(connect(fake_allas.environ()), "course-bucket", step=True)
    assert prompts == [expected("fi", "course_press_enter")] * len(TOUR_STEP_TITLES)
    out = capsys.readouterr().out
    for title in TOUR_STEP_TITLES:
        assert expected("fi", f"course_{title}") in out
