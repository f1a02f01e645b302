"""Upload a large file in segments with SwiftService, reporting each segment as it lands.

Lataa suuren tiedoston segmentteinä SwiftServicellä ja kertoo jokaisesta segmentistä,
kun se on perillä.

A single upload holds at most 5 GiB. Larger files go up in segments, stored in the
bucket ``<bucket>_segments``, joined by a manifest object under the name you chose.
Try ``--segment-size 10`` on the small sample file to see segments without waiting.

    python examples/upload_large_object.py [--fake] [--lang fi|en]
        [--segment-size SIZE] [--quiet] [BUCKET [FILE [OBJECT]]]
"""

# --8<-- [start:imports]
import os

import swiftclient
from swiftclient.service import SwiftService, SwiftUploadObject

from allas_examples import script
from allas_examples.connection import service_options
from allas_examples.files import abandon_segments, parse_size, segment_prefix
from allas_examples.messages import say, text
from allas_examples.progress import Progress, add_quiet_option

# --8<-- [end:imports]

# --8<-- [start:segment_size]
GIB = 1024**3
DEFAULT_SEGMENT_SIZE = 5 * GIB  # Allas' largest single object
# --8<-- [end:segment_size]


# --8<-- [start:upload_large_object]
def upload_large_object(
    conn: swiftclient.Connection,
    bucket: str,
    path: str,
    object_name: str | None = None,
    segment_size: int = DEFAULT_SEGMENT_SIZE,
    quiet: bool = False,
) -> dict:
    """Upload ``path`` in segments of ``segment_size`` bytes; return SwiftService's result.

    A progress bar shows on a terminal unless ``quiet``."""
    object_name = object_name or os.path.basename(path)
    size = os.path.getsize(path)  # fails clearly before anything is sent
    final = {}
    try:
        final = _upload(conn, bucket, path, object_name, segment_size, quiet, size)
    except Exception as error:
        if size <= segment_size:
            raise
        # Segments that no manifest joins would only fill the project's quota.
        prefixes = {object_name: segment_prefix(object_name, path, segment_size)}
        abandon_segments(conn, bucket, prefixes, error)
    if final.get("large_object"):
        say(
            "large_uploaded_segments",
            path=path,
            bucket=bucket,
            object=object_name,
            count=len(final["segment_results"]),
            segment_size=segment_size,
            segment_bucket=f"{bucket}_segments",
        )
    else:
        say(
            "large_uploaded_whole",
            path=path,
            bucket=bucket,
            object=object_name,
            size=size,
            segment_size=segment_size,
        )
    return final


def _upload(
    conn: swiftclient.Connection,
    bucket: str,
    path: str,
    object_name: str,
    segment_size: int,
    quiet: bool,
    size: int,
) -> dict:
    """SwiftService's upload of one file, in segments when it is larger than one."""
    final = {}
    # Four upload threads are plenty for one file; each segment is its own request.
    with SwiftService(options=service_options(conn, object_uu_threads=4)) as swift:
        if is_large_object(conn, bucket, object_name):
            # To replace a large object SwiftService reads its old manifest, which Allas
            # (Ceph RGW) does not hand out: remove the old object and its segments first.
            for result in swift.delete(bucket, [object_name]):
                if not result["success"]:
                    raise result["error"]
        upload = SwiftUploadObject(path, object_name=object_name)
        # Allas supports static large objects; saying so spares SwiftService its /info
        # request, the one request it does not retry.
        choices = {"segment_size": segment_size, "use_slo": True}
        with Progress(size, object_name, quiet) as bar:
            for result in swift.upload(bucket, [upload], choices):
                if not result["success"]:
                    raise result["error"]
                if result["action"] == "upload_segment":
                    bar.update(result["segment_size"])
                    bar.say(
                        "segment_uploaded",
                        index=result["segment_index"],
                        object=object_name,
                        size=result["segment_size"],
                    )
                elif result["action"] == "upload_object":
                    final = result
                    if not result.get("large_object"):
                        bar.update(size)
    return final


# --8<-- [end:upload_large_object]


# --8<-- [start:is_large_object]
def is_large_object(conn: swiftclient.Connection, bucket: str, object_name: str) -> bool:
    """Whether ``bucket/object_name`` exists as a segmented (SLO or DLO) object."""
    try:
        headers = conn.head_object(bucket, object_name)
    except swiftclient.ClientException as error:
        if error.http_status == 404:
            return False
        raise
    return "x-static-large-object" in headers or "x-object-manifest" in headers


# --8<-- [end:is_large_object]


if __name__ == "__main__":
    parser = script.parser(__doc__)
    script.add_bucket_argument(parser)
    parser.add_argument("file", nargs="?", default=script.SOURCE_FILE, help=text("help_file"))
    parser.add_argument("object", nargs="?", help=text("help_object"))
    parser.add_argument(
        "--segment-size",
        type=parse_size,
        default=DEFAULT_SEGMENT_SIZE,
        help=text("help_segment_size"),
    )
    add_quiet_option(parser)
    with script.session(parser, sample_file="file") as (conn, args):
        upload_large_object(
            conn, args.bucket, args.file, args.object, args.segment_size, args.quiet
        )
