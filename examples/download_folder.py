"""Download a bucket, or the objects under a prefix, into a local folder.

Lataa bucketin, tai etuliitteen alla olevat objektit, paikalliseen kansioon.

Object names become paths inside the folder (``eggs/egg_1.txt``); with a prefix such as
``eggs/``, the prefix is left out, so ``eggs/egg_1.txt`` lands in ``FOLDER/egg_1.txt``.
Anybody who can write to a bucket can choose its object names, so names that would
land outside the folder (``../x``, ``/etc/x``) are refused before anything is written.
Each file is checked against its md5 and gets its final name only when it matches.

    python examples/download_folder.py [--fake] [--lang fi|en] [--quiet]
        [BUCKET [FOLDER [PREFIX]]]
"""

# --8<-- [start:imports]
import hashlib
from pathlib import Path, PurePosixPath

import swiftclient

from allas_examples import files, progress, script
from allas_examples.errors import AllasExampleError
from allas_examples.files import CHUNK_SIZE, atomic_write
from allas_examples.messages import say, text
from allas_examples.progress import Progress

# --8<-- [end:imports]

DOWNLOAD_FOLDER = "snake_folder_copy"


# --8<-- [start:download_folder]
def download_folder(
    conn: swiftclient.Connection, bucket: str, folder: str, prefix: str = "", quiet: bool = False
) -> list[Path]:
    """Download the objects of ``bucket`` starting with ``prefix`` into ``folder``."""
    root = Path(folder)
    _headers, listing = conn.get_container(bucket, prefix=prefix, full_listing=True)
    if not listing:
        say("folder_nothing_to_download", bucket=bucket, prefix=prefix)
        return []
    # Every name is checked before anything is written: all or nothing.
    plan = [(info, local_path(root, info["name"], prefix)) for info in listing]
    written = []
    with Progress(sum(info["bytes"] for info in listing), root.name, quiet) as bar:
        for info, path in plan:
            if info["name"].endswith("/"):  # a pseudo-folder marker: just the folder
                path.mkdir(parents=True, exist_ok=True)
                continue
            size = download_file(conn, bucket, info["name"], path, bar)
            bar.say(
                "folder_file_downloaded", bucket=bucket, object=info["name"], path=path, size=size
            )
            written.append(path)
    say(
        "folder_downloaded",
        count=len(written),
        bytes=sum(path.stat().st_size for path in written),
        bucket=bucket,
        path=folder,
    )
    return written


# --8<-- [end:download_folder]


# --8<-- [start:local_path]
def local_path(root: Path, name: str, prefix: str = "") -> Path:
    """Where object ``name`` goes under ``root``; refuses names that would leave it."""
    relative = name[len(prefix) :] or PurePosixPath(name).name  # the prefix named an object
    pure = PurePosixPath(relative.replace("\\", "/"))  # "..\\x" is "../x" on Windows
    if pure.is_absolute() or ".." in pure.parts:  # "/abs", "../x", "a/../../x"
        raise AllasExampleError("unsafe_object_name", object=name, path=root)
    target = root.joinpath(relative)
    # The last word: where the path really leads (a drive letter, a symbolic link).
    if not target.resolve().is_relative_to(root.resolve()):
        raise AllasExampleError("unsafe_object_name", object=name, path=root)
    return target


# --8<-- [end:local_path]


# --8<-- [start:download_file]
def download_file(
    conn: swiftclient.Connection, bucket: str, name: str, path: Path, bar: Progress
) -> int:
    """Stream ``bucket/name`` into ``path``, checked by md5 (by size if segmented)."""
    headers, chunks = conn.get_object(bucket, name, resp_chunk_size=CHUNK_SIZE)
    segmented = "x-static-large-object" in headers or "x-object-manifest" in headers
    digest, size = hashlib.md5(), 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as target:
        for chunk in chunks:
            target.write(chunk)
            digest.update(chunk)
            size += len(chunk)
            bar.update(len(chunk))
        expected, received = headers["etag"].strip('"'), digest.hexdigest()
        if segmented:
            expected, received = int(headers["content-length"]), size
        if expected != received:
            raise AllasExampleError(
                "folder_download_checksum_mismatch", object=name, remote=expected, local=received
            )
    return size


# --8<-- [end:download_file]


if __name__ == "__main__":
    parser = script.parser(__doc__)
    script.add_bucket_argument(parser)
    parser.add_argument(
        "folder", nargs="?", default=DOWNLOAD_FOLDER, help=text("help_target_folder")
    )
    parser.add_argument("prefix", nargs="?", default="", help=text("help_download_prefix"))
    progress.add_quiet_option(parser)
    with script.session(parser) as (conn, args):
        if args.fake and args.bucket == script.BUCKET and files.bucket_is_empty(conn, args.bucket):
            count = files.put_sample_objects(conn, args.bucket)
            say("sample_objects_uploaded", count=count, bucket=args.bucket)
        download_folder(conn, args.bucket, args.folder, args.prefix, args.quiet)
