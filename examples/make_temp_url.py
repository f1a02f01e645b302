"""Make a temporary URL: a link that downloads one object without a login, for a while.

Tekee väliaikaisen osoitteen (temp URL): linkin, jolla yhden objektin voi ladata ilman
kirjautumista rajatun ajan.

The link is signed with the project's temp URL key, kept in the account metadata
``X-Account-Meta-Temp-URL-Key``; when the project has none, a random one is set. The
key is never printed. Allas (Ceph RGW) accepts only sha1 signatures. Anyone who has the
link can read the object until it expires, and changing the key breaks every link
already made with it.

    python examples/make_temp_url.py [--fake] [--lang fi|en] [--seconds N] [--check]
        [BUCKET [OBJECT]]
"""

# --8<-- [start:imports]
import secrets
import time
from urllib.parse import parse_qs, quote, urlsplit

import requests
import swiftclient
from swiftclient.utils import generate_temp_url

from allas_examples import script
from allas_examples.connection import storage_url_and_token
from allas_examples.errors import AllasExampleError, ConfigurationError
from allas_examples.messages import say, text

KEY_HEADERS = ("x-account-meta-temp-url-key", "x-account-meta-temp-url-key-2")

# --8<-- [end:imports]


# --8<-- [start:temp_url_key]
def temp_url_key(conn: swiftclient.Connection) -> str:
    """The project's temp URL key; a new random one when the project has none.

    The key is a secret: whoever knows it can sign links to every object of the project.
    It is returned, never printed.
    """
    account = conn.head_account()
    for header in KEY_HEADERS:  # a second key may be set while the first is replaced
        if account.get(header):
            say("temp_url_key_in_use")
            return account[header]
    key = secrets.token_urlsafe(32)
    conn.post_account({"X-Account-Meta-Temp-URL-Key": key})
    say("temp_url_key_set")
    return key


# --8<-- [end:temp_url_key]


# --8<-- [start:make_temp_url]
def make_temp_url(
    conn: swiftclient.Connection, bucket: str, object_name: str, seconds: int = 3600
) -> str:
    """A URL that lets anyone download ``bucket/object_name`` for ``seconds`` seconds."""
    if seconds < 1:
        raise ConfigurationError("bad_seconds", value=seconds)
    conn.head_object(bucket, object_name)  # HTTP 404 here rather than a link to nothing
    storage_url, _token = storage_url_and_token(conn)
    where = urlsplit(storage_url)
    path = f"{where.path}/{bucket}/{object_name}"  # /swift/v1/AUTH_<project id>/...
    signed = generate_temp_url(path, seconds, temp_url_key(conn), "GET", digest="sha1")
    query = signed.split("?", 1)[1]  # temp_url_sig=...&temp_url_expires=...
    url = f"{where.scheme}://{where.netloc}{quote(path)}?{query}"
    expires = int(parse_qs(query)["temp_url_expires"][0])
    until = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(expires))
    say("temp_url_made", bucket=bucket, object=object_name, until=until, seconds=seconds)
    say("temp_url", url=url)
    return url


# --8<-- [end:make_temp_url]


# --8<-- [start:check_temp_url]
def check_temp_url(url: str) -> bytes:
    """Download through ``url`` as anyone would: no token, no login."""
    reply = requests.get(url, timeout=60)
    if reply.status_code != 200:
        raise AllasExampleError("temp_url_refused", status=reply.status_code)
    say("temp_url_works", size=len(reply.content))
    return reply.content


# --8<-- [end:check_temp_url]


def prepare_fake_object(conn: swiftclient.Connection, bucket: str, object_name: str) -> None:
    """With --fake: the bucket and the sample object, so that there is something to link to."""
    conn.put_container(bucket)
    try:
        conn.head_object(bucket, object_name)
    except swiftclient.ClientException as error:
        if error.http_status != 404:
            raise
        conn.put_object(bucket, object_name, script.SAMPLE_TEXT.encode("utf-8"))


def positive_seconds(value: str) -> int:
    """``--seconds``: a whole number of seconds, at least 1."""
    try:
        seconds = int(value)
    except ValueError:
        seconds = 0
    if seconds < 1:
        raise ConfigurationError("bad_seconds", value=value)
    return seconds


if __name__ == "__main__":
    parser = script.parser(__doc__)
    script.add_bucket_argument(parser)
    parser.add_argument("object", nargs="?", default=script.SOURCE_FILE, help=text("help_object"))
    parser.add_argument("--seconds", default="3600", metavar="N", help=text("help_seconds"))
    parser.add_argument("--check", action="store_true", help=text("help_check_temp_url"))
    with script.session(parser) as (conn, args):
        seconds = positive_seconds(args.seconds)  # checked before anything changes
        if args.fake and args.object == script.SOURCE_FILE:
            prepare_fake_object(conn, args.bucket, args.object)
        url = make_temp_url(conn, args.bucket, args.object, seconds)
        if args.check:
            check_temp_url(url)
