"""List the project's buckets, then the objects of one bucket.

Listaa projektin bucketit ja sitten yhden bucketin objektit.

Allas returns at most 10,000 names per request; ``full_listing=True`` asks for the
next page until all are in, so large buckets are listed completely.

    python examples/list_buckets_and_objects.py [--fake] [--lang fi|en] [BUCKET]
"""

# --8<-- [start:imports]
import swiftclient

from allas_examples import script
from allas_examples.messages import say

# --8<-- [end:imports]


# --8<-- [start:list_buckets]
def list_buckets(conn: swiftclient.Connection) -> list[dict]:
    """Print every bucket with its object count and size; return the listing."""
    _headers, buckets = conn.get_account(full_listing=True)
    if not buckets:
        say("no_buckets")
    else:
        say("buckets_heading")
    for bucket in buckets:
        print(f"{bucket['name']}\t{bucket['count']}\t{bucket['bytes']}")
    return buckets


# --8<-- [end:list_buckets]


# --8<-- [start:list_objects]
def list_objects(conn: swiftclient.Connection, bucket: str) -> list[dict]:
    """Print name, bytes and last-modified time of every object in ``bucket``."""
    _headers, objects = conn.get_container(bucket, full_listing=True)
    if not objects:
        say("no_objects", bucket=bucket)
        return objects
    say("objects_heading", bucket=bucket)
    for info in objects:
        print(f"{info['name']}\t{info['bytes']}\t{info['last_modified']}")
    say("objects_total", count=len(objects), bytes=sum(info["bytes"] for info in objects))
    return objects


# --8<-- [end:list_objects]


if __name__ == "__main__":
    parser = script.parser(__doc__)
    script.add_bucket_argument(parser)
    with script.session(parser) as (conn, args):
        list_buckets(conn)
        list_objects(conn, args.bucket)
