"""Remove objects, then their bucket.

Poistaa objektit ja sitten niiden bucketin.

Only an empty bucket can be removed: Allas refuses the others with HTTP 409. Objects
go through SwiftService, which also removes the segments of large objects; the bucket
``<bucket>_segments`` that held them goes with the bucket once it is empty.

    python examples/remove_buckets_and_objects.py [--fake] [--lang fi|en]
        [--keep-bucket | --bucket-only] [BUCKET [OBJECT ...]]
"""

# --8<-- [start:imports]
import swiftclient
from swiftclient.service import SwiftService

from allas_examples import script
from allas_examples.connection import service_options
from allas_examples.messages import say, text

# --8<-- [end:imports]


# --8<-- [start:remove_objects]
def remove_objects(
    conn: swiftclient.Connection, bucket: str, names: list[str] | None = None
) -> list[str]:
    """Remove ``names`` from ``bucket`` (all its objects when None); return what went."""
    if names is None:
        _headers, listing = conn.get_container(bucket, full_listing=True)
        names = [info["name"] for info in listing]
    removed = []
    with SwiftService(options=service_options(conn)) as swift:
        for result in swift.delete(container=bucket, objects=names):
            if not result["success"]:
                raise result["error"]
            if result["action"] == "delete_object":
                done = [result["object"]]
            elif result["action"] == "bulk_delete":  # many objects go in bulk requests
                done = result["objects"]
            else:  # segments of large objects, removed along with them
                continue
            for name in done:
                removed.append(name)
                say("object_removed", bucket=bucket, object=name)
    return removed


# --8<-- [end:remove_objects]


# --8<-- [start:remove_bucket]
def remove_bucket(conn: swiftclient.Connection, bucket: str) -> None:
    """Remove the empty ``bucket`` and its now empty segments bucket, if there is one."""
    conn.delete_container(bucket)
    say("bucket_removed", bucket=bucket)
    segments = f"{bucket}_segments"
    try:
        if int(conn.head_container(segments)["x-container-object-count"]) == 0:
            conn.delete_container(segments)
            say("bucket_removed", bucket=segments)
    except swiftclient.ClientException as error:
        if error.http_status != 404:
            raise


# --8<-- [end:remove_bucket]


if __name__ == "__main__":
    parser = script.parser(__doc__)
    script.add_bucket_argument(parser)
    parser.add_argument("objects", nargs="*", help=text("help_objects"))
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--keep-bucket", action="store_true", help=text("help_keep_bucket"))
    only.add_argument("--bucket-only", action="store_true", help=text("help_bucket_only"))
    with script.session(parser) as (conn, args):
        if not args.bucket_only:
            remove_objects(conn, args.bucket, args.objects or None)
        if not args.keep_bucket:
            remove_bucket(conn, args.bucket)
