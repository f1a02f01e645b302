"""Download a large object in chunks, verify every part, and resume after an interruption.

Lataa suuren objektin paloina, tarkistaa jokaisen osan ja jatkaa keskeytyksen jälkeen.

The bytes stream to ``.FILE.part`` beside the target, one chunk at a time, so memory
use stays small whatever the size. If the transfer stops (network, Ctrl-C), the part
file stays: running the same command again asks Allas only for the rest, with
``Range: bytes=<size of the part file>-``. At the end the md5 of each segment (or of
the whole object) is compared with what Allas keeps, and only then does the file get
its final name.

    python examples/download_large_object.py [--fake] [--lang fi|en] [--quiet]
        [BUCKET [OBJECT [FILE]]]
"""

# --8<-- [start:imports]
import os
from pathlib import Path

import swiftclient
import urllib3

from allas_examples import files, progress, script
from allas_examples.errors import AllasExampleError
from allas_examples.files import CHUNK_SIZE, PartHasher, stored_parts
from allas_examples.messages import say, text
from allas_examples.progress import Progress

# --8<-- [end:imports]

SAMPLE_SEGMENT_SIZE = 40  # the --fake sample: a few segments of the sample text


# --8<-- [start:download_large_object]
def download_large_object(
    conn: swiftclient.Connection, bucket: str, name: str, path: str, quiet: bool = False
) -> int:
    """Download ``bucket/name`` to ``path``, resuming ``.NAME.part``; return its size."""
    headers = conn.head_object(bucket, name)
    size = int(headers["content-length"])
    parts = stored_parts(conn, bucket, name, headers)  # None: the segments are not found
    hasher = PartHasher([part.size for part in parts] if parts else [size])
    partial = partial_path(path)
    done = resume(partial, hasher, size)
    if done:
        say("large_resuming", bucket=bucket, object=name, done=done, size=size, partial=partial)
    try:
        with Progress(size, Path(path).name, quiet, done) as bar, open(partial, "ab") as out:
            if done < size:
                ask = {"Range": f"bytes={done}-"} if done else {}
                reply, chunks = conn.get_object(
                    bucket, name, resp_chunk_size=CHUNK_SIZE, headers=ask
                )
                if done and "content-range" not in reply:  # the whole object came back
                    out.truncate(0)
                    hasher = PartHasher([part.size for part in parts] if parts else [size])
                for chunk in chunks:
                    out.write(chunk)
                    hasher.update(chunk)
                    bar.update(len(chunk))
    except BaseException as error:
        done = partial.stat().st_size if partial.exists() else 0
        if done == 0:
            partial.unlink(missing_ok=True)
        # swiftclient resumes a broken transfer with If-Match: <ETag>; for a segmented
        # object Allas (Ceph RGW) compares it with the manifest's own md5 and answers 412.
        # The next run asks without it.
        resume_refused = isinstance(error, swiftclient.ClientException) and (
            error.http_status == 412 and done > 0
        )
        if resume_refused or isinstance(
            error, (OSError, urllib3.exceptions.HTTPError, KeyboardInterrupt)
        ):
            # The part file stays, so that the next run continues where this one stopped.
            raise AllasExampleError("large_interrupted", done=done, partial=partial) from error
        raise
    verify(partial, hasher, parts, size, name)
    os.replace(partial, path)
    if parts:
        say("large_downloaded", bucket=bucket, object=name, path=path, size=size, count=len(parts))
    else:
        say("large_downloaded_size_only", bucket=bucket, object=name, path=path, size=size)
    return size


# --8<-- [end:download_large_object]


# --8<-- [start:resume]
def partial_path(path: str) -> Path:
    """Where the bytes of ``path`` collect until they are verified: ``.NAME.part``."""
    target = Path(path)
    return target.with_name(f".{target.name}.part")


def resume(partial: Path, hasher: PartHasher, size: int) -> int:
    """Feed what an earlier run left in ``partial`` to ``hasher``; return its size."""
    if not partial.exists():
        return 0
    if partial.stat().st_size > size:  # not from this object: start again
        partial.unlink()
        return 0
    with open(partial, "rb") as source:
        for chunk in iter(lambda: source.read(CHUNK_SIZE), b""):
            hasher.update(chunk)
    return hasher.total


# --8<-- [end:resume]


# --8<-- [start:verify]
def verify(partial: Path, hasher: PartHasher, parts: list | None, size: int, name: str) -> None:
    """Compare every part's md5 (or only the size) with Allas; remove ``partial`` if not."""
    expected = [part.md5 for part in parts] if parts else []
    received = hasher.md5s() if parts else []
    if hasher.total != size:
        expected, received = [str(size)], [str(hasher.total)]
    for index, (remote, local) in enumerate(zip(expected, received, strict=False)):
        if remote != local:
            partial.unlink()
            raise AllasExampleError(
                "large_part_mismatch", index=index, object=name, remote=remote, local=local
            )


# --8<-- [end:verify]


if __name__ == "__main__":
    parser = script.parser(__doc__)
    script.add_bucket_argument(parser)
    parser.add_argument("object", nargs="?", default=script.SOURCE_FILE, help=text("help_object"))
    parser.add_argument("file", nargs="?", default=script.DOWNLOAD_FILE, help=text("help_output"))
    progress.add_quiet_option(parser)
    with script.session(parser) as (conn, args):
        if args.fake and (args.bucket, args.object) == (script.BUCKET, script.SOURCE_FILE):
            try:
                conn.head_object(args.bucket, args.object)
            except swiftclient.ClientException:
                data = script.SAMPLE_TEXT.encode("utf-8")
                count = files.put_sample_large_object(
                    conn, args.bucket, args.object, data, SAMPLE_SEGMENT_SIZE
                )
                say("large_sample_uploaded", bucket=args.bucket, object=args.object, count=count)
        download_large_object(conn, args.bucket, args.object, args.file, args.quiet)
