"""Upload a file as an object that removes itself after a while, and watch it go.

Lataa tiedoston objektiksi, joka poistuu itsestään hetken kuluttua, ja seuraa sen
katoamista.

``X-Delete-After: N`` asks the server to remove the object N seconds after the upload
(``X-Delete-At`` would name the moment instead). From then on GET and HEAD answer 404.
The bucket listing may still name the object until the server's expirer gets to it, so
an object is gone when HEAD says 404, not when the listing stops naming it; the script
then removes the leftover name, so that the bucket can be removed at once.

    python examples/upload_with_expiry.py [--fake] [--lang fi|en] [--after SECONDS]
        [--wait SECONDS] [BUCKET [FILE [OBJECT]]]
"""

# --8<-- [start:imports]
import os
import time

import swiftclient

from allas_examples import script
from allas_examples.errors import AllasExampleError, ConfigurationError
from allas_examples.files import check_single_upload
from allas_examples.messages import say, text


def utc(moment: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(moment))


# --8<-- [end:imports]


# --8<-- [start:upload_with_expiry]
def upload_with_expiry(
    conn: swiftclient.Connection, bucket: str, path: str, object_name: str, after: int
) -> int:
    """Upload ``path`` for the server to remove ``after`` seconds later; return when."""
    if after < 1:
        raise ConfigurationError("bad_after", value=after)
    size = check_single_upload(path)  # over 5 GiB: refused before anything is sent
    try:
        with open(path, "rb") as source:
            conn.put_object(
                bucket,
                object_name,
                contents=source,
                content_length=size,
                headers={"X-Delete-After": str(after)},
            )
    except swiftclient.ClientException as error:
        if error.http_status == 404:  # the object cannot be missing on PUT: the bucket is
            raise AllasExampleError("no_such_bucket", bucket=bucket) from error
        raise
    # The server turns X-Delete-After into X-Delete-At, the moment of removal.
    delete_at = int(conn.head_object(bucket, object_name)["x-delete-at"])
    say(
        "expiring_uploaded",
        path=path,
        bucket=bucket,
        object=object_name,
        size=size,
        after=after,
        at=utc(delete_at),
    )
    return delete_at


# --8<-- [end:upload_with_expiry]


# --8<-- [start:wait_until_gone]
def is_gone(conn: swiftclient.Connection, bucket: str, object_name: str) -> bool:
    """Whether HEAD answers 404: what "gone" means, whatever the listing says."""
    try:
        conn.head_object(bucket, object_name)
    except swiftclient.ClientException as error:
        if error.http_status == 404:
            return True
        raise
    return False


def wait_until_gone(
    conn: swiftclient.Connection, bucket: str, object_name: str, delete_at: int, wait: float
) -> bool:
    """Ask every half second until the object is gone, for ``wait`` seconds at most.

    False when its removal time lies beyond the wait (nothing is asked then).
    """
    deadline = time.time() + wait
    if delete_at > deadline:
        say("expiry_not_waiting", at=utc(delete_at), wait=wait)
        return False
    say("expiry_waiting", object=object_name, at=utc(delete_at))
    while not is_gone(conn, bucket, object_name):
        if time.time() >= deadline:
            raise AllasExampleError("expiry_not_seen", bucket=bucket, object=object_name, wait=wait)
        time.sleep(0.5)
    say("expiry_gone", bucket=bucket, object=object_name)
    return True


# --8<-- [end:wait_until_gone]


# --8<-- [start:forget_expired]
def forget_expired(conn: swiftclient.Connection, bucket: str, object_name: str) -> bool:
    """Remove the name of an expired object that the listing still shows; True if it did.

    Servers drop expired objects from listings only when their expirer runs, and until
    then the bucket counts as not empty. A DELETE removes the name now: Ceph RGW answers
    204, OpenStack Swift 404, and both forget the object.
    """
    _headers, listing = conn.get_container(bucket, prefix=object_name, full_listing=True)
    if not any(item["name"] == object_name for item in listing):
        say("expired_not_listed", bucket=bucket)
        return False
    try:
        conn.delete_object(bucket, object_name)
    except swiftclient.ClientException as error:
        if error.http_status != 404:
            raise
    say("expired_name_removed", bucket=bucket, object=object_name)
    return True


# --8<-- [end:forget_expired]


def whole_seconds(value: str, least: int, key: str) -> int:
    """A command-line number of seconds, at least ``least``."""
    try:
        seconds = int(value)
    except ValueError:
        seconds = least - 1
    if seconds < least:
        raise ConfigurationError(key, value=value)
    return seconds


if __name__ == "__main__":
    parser = script.parser(__doc__)
    script.add_bucket_argument(parser)
    parser.add_argument("file", nargs="?", default=script.SOURCE_FILE, help=text("help_file"))
    parser.add_argument("object", nargs="?", help=text("help_expiring_object"))
    parser.add_argument("--after", metavar="SECONDS", help=text("help_after"))
    parser.add_argument("--wait", metavar="SECONDS", default="60", help=text("help_wait"))
    with script.session(parser, sample_file="file") as (conn, args):
        # Checked before anything is uploaded; 2 seconds offline, 10 on a real server.
        after = whole_seconds(args.after or ("2" if args.fake else "10"), 1, "bad_after")
        wait = whole_seconds(args.wait, 0, "bad_wait")
        name = args.object or "expiring_" + os.path.basename(args.file)
        if args.fake and args.bucket == script.BUCKET:
            conn.put_container(args.bucket)
        delete_at = upload_with_expiry(conn, args.bucket, args.file, name, after)
        if wait and wait_until_gone(conn, args.bucket, name, delete_at, wait):
            forget_expired(conn, args.bucket, name)
