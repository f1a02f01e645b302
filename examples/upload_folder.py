"""Upload a whole folder to a bucket with SwiftService, skipping files already there.

Lataa koko kansion buckettiin SwiftServicellä ja ohittaa tiedostot, jotka ovat jo
siellä samanlaisina.

Each file becomes an object named by its path inside the folder (``eggs/egg_1.txt``),
after an optional prefix. A file whose object already has the same md5 is skipped, so
running the script again sends only what changed. Files larger than ``--segment-size``
go up in segments, as in upload_large_object.py.

    python examples/upload_folder.py [--fake] [--lang fi|en] [--quiet]
        [--segment-size SIZE] [BUCKET [FOLDER [PREFIX]]]
"""

# --8<-- [start:imports]
from pathlib import Path

import swiftclient
from swiftclient.service import SwiftService, SwiftUploadObject

from allas_examples import files, progress, script
from allas_examples.connection import service_options
from allas_examples.errors import ConfigurationError
from allas_examples.files import abandon_segments, part_md5s, segment_prefix, stored_parts
from allas_examples.messages import say, text
from allas_examples.progress import Progress

DEFAULT_SEGMENT_SIZE = 5 * files.GIB  # Allas' largest single object
# --8<-- [end:imports]


# --8<-- [start:upload_folder]
def upload_folder(
    conn: swiftclient.Connection,
    bucket: str,
    folder: str,
    prefix: str = "",
    segment_size: int = DEFAULT_SEGMENT_SIZE,
    quiet: bool = False,
) -> dict[str, str]:
    """Upload every file under ``folder``; return {object name: "uploaded" or "skipped"}."""
    root = Path(folder)
    if not root.is_dir():
        raise ConfigurationError("not_a_folder", path=folder)
    paths = {prefix + p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*"))}
    paths = {name: path for name, path in paths.items() if path.is_file()}
    statuses: dict[str, str] = {}
    total = sum(path.stat().st_size for path in paths.values())
    # Where each file larger than a segment puts its segments, for a failed upload.
    segmented = {
        name: segment_prefix(name, path, segment_size)
        for name, path in paths.items()
        if path.stat().st_size > segment_size
    }
    try:
        with SwiftService(options=service_options(conn, object_uu_threads=4)) as swift:
            uploads = []
            for name, path in paths.items():
                if same_large_object(conn, swift, bucket, name, path):
                    statuses[name] = "skipped"
                else:
                    uploads.append(SwiftUploadObject(str(path), object_name=name))
            # skip_identical: SwiftService compares each file's md5 with the object's ETag
            # and sends only the files that differ.
            choices = {"segment_size": segment_size, "use_slo": True, "skip_identical": True}
            with Progress(total, root.name, quiet) as bar:
                for name in statuses:  # the large objects found identical above
                    bar.update(paths[name].stat().st_size)
                    bar.say("folder_file_skipped", path=paths[name], bucket=bucket, object=name)
                for result in swift.upload(bucket, uploads, choices) if uploads else ():
                    if not result["success"]:
                        raise result["error"]
                    if result["action"] == "upload_segment":
                        bar.update(result["segment_size"])
                    elif result["action"] == "upload_object":
                        name, path = result["object"], paths[result["object"]]
                        if not result.get("large_object"):
                            bar.update(path.stat().st_size)
                        if result["status"] == "skipped-identical":
                            statuses[name] = "skipped"
                            bar.say("folder_file_skipped", path=path, bucket=bucket, object=name)
                        else:
                            statuses[name] = "uploaded"
                            size = path.stat().st_size
                            bar.say(
                                "folder_file_uploaded",
                                path=path,
                                bucket=bucket,
                                object=name,
                                size=size,
                            )
    except Exception as error:
        unfinished = {name: p for name, p in segmented.items() if name not in statuses}
        if not unfinished:
            raise
        abandon_segments(conn, bucket, unfinished, error)
    skipped = sum(status == "skipped" for status in statuses.values())
    say(
        "folder_uploaded",
        path=folder,
        bucket=bucket,
        uploaded=len(statuses) - skipped,
        skipped=skipped,
    )
    return statuses


# --8<-- [end:upload_folder]


# --8<-- [start:same_large_object]
def same_large_object(
    conn: swiftclient.Connection, swift: SwiftService, bucket: str, name: str, path: Path
) -> bool:
    """True when ``bucket/name`` is a large object with the same bytes as ``path``.

    SwiftService's skip_identical reads a large object's manifest, which Allas (Ceph
    RGW) does not hand out. So large objects are compared here, segment by segment, and
    a different one is removed with its segments before the new upload.
    """
    try:
        headers = conn.head_object(bucket, name)
    except swiftclient.ClientException as error:
        if error.http_status == 404:
            return False
        raise
    if "x-static-large-object" not in headers and "x-object-manifest" not in headers:
        return False  # a plain object: skip_identical handles it
    parts = stored_parts(conn, bucket, name, headers)
    if parts and part_md5s(path, [part.size for part in parts]) == [part.md5 for part in parts]:
        return True
    for result in swift.delete(bucket, [name]):
        if not result["success"]:
            raise result["error"]
    return False


# --8<-- [end:same_large_object]


if __name__ == "__main__":
    parser = script.parser(__doc__)
    script.add_bucket_argument(parser)
    parser.add_argument("folder", nargs="?", default=files.SAMPLE_FOLDER, help=text("help_folder"))
    parser.add_argument("prefix", nargs="?", default="", help=text("help_prefix"))
    parser.add_argument(
        "--segment-size",
        type=files.parse_size,
        default=DEFAULT_SEGMENT_SIZE,
        help=text("help_segment_size"),
    )
    progress.add_quiet_option(parser)
    with script.session(parser) as (conn, args):
        if args.fake and args.folder == files.SAMPLE_FOLDER and not Path(args.folder).exists():
            files.write_sample_folder(args.folder)
            say("folder_sample_created", path=args.folder)
        upload_folder(conn, args.bucket, args.folder, args.prefix, args.segment_size, args.quiet)
