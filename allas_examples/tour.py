"""``allas-examples tour``: every documented operation once, end to end.

It calls the example scripts' own functions, so the tour and the scripts cannot drift.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

import swiftclient

from allas_examples import script
from allas_examples.course import load_example
from allas_examples.errors import AllasExampleError, describe
from allas_examples.files import md5_of_file
from allas_examples.messages import say, text

LARGE_FILE_SIZE = 200 * 1024
TOUR_SEGMENT_SIZE = 64 * 1024  # small, so that the segments show: 4 of them


def run_tour(conn: swiftclient.Connection, bucket: str, step: bool = False) -> None:
    """Connect, create, upload (whole and in segments), list, download, remove.

    With ``step`` (course mode), each step is explained first, and the tour waits for
    Enter before running it when standard input is a terminal.
    """
    connection = load_example("create_connection")
    creation = load_example("create_bucket")
    upload = load_example("upload_object")
    large_upload = load_example("upload_large_object")
    listing = load_example("list_buckets_and_objects")
    download = load_example("download_object")
    removal = load_example("remove_buckets_and_objects")

    with tempfile.TemporaryDirectory(prefix="allas-tour-") as folder:
        work = Path(folder)
        small = work / script.SOURCE_FILE
        small.write_text(script.SAMPLE_TEXT, encoding="utf-8")
        large = work / "big_snake.bin"
        large.write_bytes(bytes(range(256)) * (LARGE_FILE_SIZE // 256))

        steps: list[tuple[str, str, Callable[[], object]]] = [
            ("tour_connect", "create_connection", lambda: connection.describe_connection(conn)),
            ("tour_create", "create_bucket", lambda: creation.create_bucket(conn, bucket)),
            (
                "tour_upload",
                "upload_object",
                lambda: upload.upload_object(conn, bucket, str(small), script.SOURCE_FILE),
            ),
            (
                "tour_upload_large",
                "upload_large_object",
                lambda: large_upload.upload_large_object(
                    conn, bucket, str(large), large.name, segment_size=TOUR_SEGMENT_SIZE
                ),
            ),
            (
                "tour_list",
                "list_buckets_and_objects",
                lambda: (listing.list_buckets(conn), listing.list_objects(conn, bucket)),
            ),
            (
                "tour_download",
                "download_object",
                lambda: _download_both(download, conn, bucket, work, small, large),
            ),
            (
                "tour_not_empty",
                "remove_buckets_and_objects",
                lambda: _show_bucket_not_empty(removal, conn, bucket),
            ),
            (
                "tour_remove",
                "remove_buckets_and_objects",
                lambda: (removal.remove_objects(conn, bucket), removal.remove_bucket(conn, bucket)),
            ),
        ]
        for number, (title, example, run_step) in enumerate(steps, start=1):
            say("tour_step", number=number, total=len(steps), title=text(title), script=example)
            if step:
                explain_and_wait(title)
            run_step()
    say("tour_done")


def explain_and_wait(title: str) -> None:
    """Course mode: say what the step does and why; on a terminal, wait for Enter.

    With no terminal (a pipe, a test, CI) the explanation is printed and the tour goes on.
    """
    say(f"course_{title}")
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            input(text("course_press_enter"))
        except EOFError:  # Ctrl-D, or input that ended: go on
            print()


def _download_both(download, conn, bucket: str, work: Path, small: Path, large: Path) -> None:
    for source in (small, large):
        target = work / f"downloaded_{source.name}"
        download.download_object(conn, bucket, source.name, str(target))
        if md5_of_file(target) != md5_of_file(source):
            raise AllasExampleError(
                "download_checksum_mismatch", remote=md5_of_file(source), local=md5_of_file(target)
            )


def _show_bucket_not_empty(removal, conn, bucket: str) -> None:
    try:
        removal.remove_bucket(conn, bucket)
    except swiftclient.ClientException as error:
        if error.http_status != 409:
            raise
        say("tour_refused_as_expected", message=describe(error)[0])
    else:
        raise AllasExampleError("tour_not_refused")


def tour_bucket_name() -> str:
    """A bucket name of the tour's own; Allas bucket names are global, so make it unique."""
    return f"allas-examples-tour-{uuid.uuid4().hex[:12]}"


def clean_up(conn: swiftclient.Connection, bucket: str) -> None:
    """Remove what a failed tour left in a real Allas; what cannot go is left as it is."""
    removal = load_example("remove_buckets_and_objects")
    say("tour_cleanup", bucket=bucket)
    with contextlib.suppress(Exception):
        removal.remove_objects(conn, bucket)
    with contextlib.suppress(Exception):
        removal.remove_bucket(conn, bucket)
