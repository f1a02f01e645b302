"""Copy an object to another bucket (or name), or move it: copy, verify, then delete.

Kopioi objektin toiseen bucketiin (tai nimelle) tai siirtää sen: kopioi, tarkistaa ja
poistaa alkuperäisen.

A plain object is copied inside Allas, without passing through this computer, and the
copy's ETag must equal the original's. A segmented (large) object is not copied that way:
Allas (Ceph RGW) would make a second manifest pointing at the same segments, and
removing either object would then break the other. The script streams it through this
computer into one new object instead (at most 5 GiB) and checks its md5.

    python examples/copy_and_move.py [--fake] [--lang fi|en] [--move]
        [BUCKET [OBJECT [TARGET_BUCKET [TARGET_OBJECT]]]]
"""

# --8<-- [start:imports]
import hashlib

import swiftclient
from swiftclient.service import SwiftService

from allas_examples import script
from allas_examples.connection import service_options
from allas_examples.errors import AllasExampleError, ConfigurationError
from allas_examples.messages import say, text

# --8<-- [end:imports]


# --8<-- [start:copy_object]
def copy_object(
    conn: swiftclient.Connection, bucket: str, name: str, target_bucket: str, target_name: str
) -> str:
    """Copy ``bucket/name`` to ``target_bucket/target_name``; return the verified ETag."""
    if (bucket, name) == (target_bucket, target_name):
        raise ConfigurationError("copy_same_object", bucket=bucket, object=name)
    try:
        conn.head_container(target_bucket)
    except swiftclient.ClientException as error:
        if error.http_status == 404:
            raise AllasExampleError("no_such_bucket", bucket=target_bucket) from error
        raise
    original = conn.head_object(bucket, name)
    if is_segmented(original):
        return copy_through_here(conn, bucket, name, original, target_bucket, target_name)
    conn.copy_object(bucket, name, f"/{target_bucket}/{target_name}")
    etag = conn.head_object(target_bucket, target_name)["etag"]
    if etag != original["etag"]:
        raise AllasExampleError("copy_checksum_mismatch", copied=etag, original=original["etag"])
    say("copy_done", source=f"{bucket}/{name}", target=f"{target_bucket}/{target_name}", etag=etag)
    return etag


def is_segmented(headers: dict[str, str]) -> bool:
    """A static (SLO) or dynamic (DLO) large object: a manifest that joins segments."""
    return "x-static-large-object" in headers or "x-object-manifest" in headers


# --8<-- [end:copy_object]


# --8<-- [start:copy_through_here]
MAX_OBJECT_SIZE = 5 * 1024**3  # the most one object (not segmented) may hold
CHUNK_SIZE = 1024 * 1024
COPY_ATTEMPTS = 3


def copy_through_here(
    conn: swiftclient.Connection,
    bucket: str,
    name: str,
    original: dict[str, str],
    target_bucket: str,
    target_name: str,
) -> str:
    """Stream a segmented object into one new object, checking the md5 on the way."""
    size = int(original["content-length"])
    if size > MAX_OBJECT_SIZE:
        raise AllasExampleError("copy_too_large", object=f"{bucket}/{name}", size=size)
    # RGW lists the manifest's own marker among the user metadata; it must not travel.
    metadata = {
        key: value
        for key, value in original.items()
        if key.startswith("x-object-meta-") and key != "x-object-meta-static-large-object"
    }
    # A streamed body cannot be rewound: when the upload needs another try (a busy
    # server, a dropped connection, a new login), the copy starts again from the download.
    for attempt in range(1, COPY_ATTEMPTS + 1):
        # Ask for the body before the upload starts: one connection cannot do both at once.
        _headers, body = conn.get_object(bucket, name, resp_chunk_size=CHUNK_SIZE)
        stream = ChunkReader(body)
        try:
            etag = conn.put_object(
                target_bucket,
                target_name,
                contents=stream,
                content_length=size,
                content_type=original.get("content-type"),
                headers=metadata,
            )
            break
        except swiftclient.ClientException as error:
            # swiftclient gives no HTTP status when it could not send the body again.
            if error.http_status is not None or attempt == COPY_ATTEMPTS:
                raise
        finally:
            body.close()
    if etag != stream.md5.hexdigest():
        raise AllasExampleError(
            "copy_checksum_mismatch", copied=etag, original=stream.md5.hexdigest()
        )
    source, target = f"{bucket}/{name}", f"{target_bucket}/{target_name}"
    say("copy_streamed", source=source, target=target, size=size, md5=etag)
    return etag


class ChunkReader:
    """The downloaded chunks as a file to upload from, with the md5 of what was read."""

    def __init__(self, chunks) -> None:
        self.chunks = iter(chunks)
        self.buffer = b""
        self.md5 = hashlib.md5()

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self.buffer) < size:
            chunk = next(self.chunks, b"")
            if not chunk:
                break
            self.buffer += chunk
        size = len(self.buffer) if size < 0 else size
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        self.md5.update(data)
        return data


# --8<-- [end:copy_through_here]


# --8<-- [start:move_object]
def move_object(
    conn: swiftclient.Connection, bucket: str, name: str, target_bucket: str, target_name: str
) -> str:
    """Copy and verify, then delete the original (with its segments, if it has any)."""
    etag = copy_object(conn, bucket, name, target_bucket, target_name)
    with SwiftService(options=service_options(conn)) as swift:
        for result in swift.delete(container=bucket, objects=[name]):
            if not result["success"]:
                raise result["error"]
    say("move_done", source=f"{bucket}/{name}", target=f"{target_bucket}/{target_name}")
    return etag


# --8<-- [end:move_object]


if __name__ == "__main__":
    parser = script.parser(__doc__)
    script.add_bucket_argument(parser)
    parser.add_argument("object", nargs="?", default=script.SOURCE_FILE, help=text("help_object"))
    parser.add_argument(
        "target_bucket",
        nargs="?",
        type=script.check_bucket_name,
        help=text("copy_help_target_bucket"),
    )
    parser.add_argument("target_object", nargs="?", help=text("copy_help_target_object"))
    parser.add_argument("--move", action="store_true", help=text("copy_help_move"))
    with script.session(parser) as (conn, args):
        target_bucket = args.target_bucket or args.bucket
        target_object = args.target_object or (
            args.object if target_bucket != args.bucket else f"copy_of_{args.object}"
        )
        if args.fake:
            script.ensure_demo_object(conn, args.bucket, args.object, "copy_demo_object_created")
        if args.move:
            move_object(conn, args.bucket, args.object, target_bucket, target_object)
        else:
            copy_object(conn, args.bucket, args.object, target_bucket, target_object)
