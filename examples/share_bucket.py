"""Share a bucket with another project or with everyone, and take the access back.

Jakaa bucketin toiselle projektille tai kaikille ja poistaa jaon.

Access is kept in the bucket's ACL headers: ``X-Container-Read`` and
``X-Container-Write``. On Allas a project is named ``<project>:*`` (every member of
the project); ``.r:*,.rlistings`` makes the bucket public, and its objects can then be
read by anyone at ``https://a3s.fi/<bucket>/<object>``. Each change is made to the
bucket and to ``<bucket>_segments``, which holds the pieces of large objects, and keeps
the entries that were already there. Without an option the script shows the access.

    python examples/share_bucket.py [--fake] [--lang fi|en] [BUCKET]
        [--read PROJECT] [--write PROJECT] [--public] [--private] [--revoke [PROJECT]]
"""

# --8<-- [start:imports]
from urllib.parse import quote

import swiftclient

from allas_examples import script
from allas_examples.errors import ConfigurationError
from allas_examples.messages import say, text

PUBLIC = [".r:*", ".rlistings"]  # anyone may read the objects and list the bucket
PUBLIC_ROOT = "https://a3s.fi"  # where Allas serves public objects
HEADERS = {"read": "X-Container-Read", "write": "X-Container-Write"}

# --8<-- [end:imports]


# --8<-- [start:project_grantee]
def project_grantee(project: str) -> str:
    """The ACL entry of every member of ``project`` on Allas: ``<project>:*``.

    An entry that already names a user (``project_2001234:john``) is kept as it is; a
    plain Ceph RGW or OpenStack Swift without Keystone wants the bare account id.
    """
    if not project or project.startswith(".") or any(c in project for c in ", \t"):
        raise ConfigurationError("bad_grantee", project=project)
    return project if ":" in project else f"{project}:*"


# --8<-- [end:project_grantee]


# --8<-- [start:change_access]
def buckets_of(conn: swiftclient.Connection, bucket: str) -> list[str]:
    """``bucket`` and, when it exists, the ``<bucket>_segments`` of its large objects."""
    conn.head_container(bucket)  # 404 for a bucket that does not exist
    try:
        conn.head_container(f"{bucket}_segments")
    except swiftclient.ClientException as error:
        if error.http_status != 404:
            raise
        return [bucket]
    return [bucket, f"{bucket}_segments"]


def acl_entries(conn: swiftclient.Connection, bucket: str, access: str) -> list[str]:
    """The entries of the bucket's read or write ACL."""
    value = conn.head_container(bucket).get(HEADERS[access].lower(), "")
    return [entry.strip() for entry in value.split(",") if entry.strip()]


def change_access(
    conn: swiftclient.Connection,
    bucket: str,
    access: str,
    add: list[str] = (),
    remove: list[str] = (),
) -> list[str]:
    """Add and remove entries of the read or write ACL of the bucket and its segments."""
    changed = buckets_of(conn, bucket)
    for name in changed:
        entries = [e for e in acl_entries(conn, name, access) if e not in remove]
        entries += [e for e in add if e not in entries]
        conn.post_container(name, {HEADERS[access]: ",".join(entries)})
    return changed


# --8<-- [end:change_access]


# --8<-- [start:share_bucket]
def share_bucket(
    conn: swiftclient.Connection, bucket: str, grantee: str, write: bool = False
) -> None:
    """Let ``grantee`` read the bucket, or with ``write`` also add and remove objects."""
    for name in change_access(conn, bucket, "write" if write else "read", add=[grantee]):
        say("shared_for_writing" if write else "shared_for_reading", bucket=name, who=grantee)


# --8<-- [end:share_bucket]


# --8<-- [start:make_public]
def public_url(bucket: str, object_name: str) -> str:
    """Where anyone can read ``object_name`` once ``bucket`` is public."""
    return f"{PUBLIC_ROOT}/{quote(bucket)}/{quote(object_name)}"


def make_public(conn: swiftclient.Connection, bucket: str) -> list[str]:
    """Let anyone read the bucket's objects and list them; return their public URLs."""
    for name in change_access(conn, bucket, "read", add=PUBLIC):
        say("made_public", bucket=name)
    _headers, listing = conn.get_container(bucket, limit=10)
    urls = [public_url(bucket, item["name"]) for item in listing]
    for url in urls:
        say("public_url", url=url)
    return urls


def make_private(conn: swiftclient.Connection, bucket: str) -> None:
    """Take back the public access; the projects' grants stay."""
    for name in change_access(conn, bucket, "read", remove=PUBLIC):
        say("made_private", bucket=name)


# --8<-- [end:make_public]


# --8<-- [start:revoke_access]
def revoke_access(conn: swiftclient.Connection, bucket: str, grantee: str | None = None) -> None:
    """Take back ``grantee``'s read and write access, or everyone's when None."""
    for access in HEADERS:
        if grantee is None:  # an empty header removes the whole ACL
            for name in buckets_of(conn, bucket):
                conn.post_container(name, {HEADERS[access]: ""})
        else:
            change_access(conn, bucket, access, remove=[grantee])
    for name in buckets_of(conn, bucket):
        if grantee is None:
            say("access_revoked_all", bucket=name)
        else:
            say("access_revoked", bucket=name, who=grantee)


def show_access(conn: swiftclient.Connection, bucket: str) -> dict[str, list[str]]:
    """Print who may read and who may write the bucket."""
    access = {kind: acl_entries(conn, bucket, kind) for kind in HEADERS}
    nobody = text("access_nobody")
    say(
        "access_now",
        bucket=bucket,
        read=", ".join(access["read"]) or nobody,
        write=", ".join(access["write"]) or nobody,
    )
    return access


# --8<-- [end:revoke_access]


def prepare_fake_bucket(conn: swiftclient.Connection, bucket: str) -> None:
    """With --fake: the bucket, holding the sample file, so that there is something to share."""
    conn.put_container(bucket)
    if not conn.get_container(bucket, limit=1)[1]:
        conn.put_object(bucket, script.SOURCE_FILE, script.SAMPLE_TEXT.encode("utf-8"))


if __name__ == "__main__":
    parser = script.parser(__doc__)
    script.add_bucket_argument(parser)
    parser.add_argument("--read", metavar="PROJECT", help=text("help_share_read"))
    parser.add_argument("--write", metavar="PROJECT", help=text("help_share_write"))
    parser.add_argument("--public", action="store_true", help=text("help_share_public"))
    parser.add_argument("--private", action="store_true", help=text("help_share_private"))
    parser.add_argument(
        "--revoke", nargs="?", const="", metavar="PROJECT", help=text("help_share_revoke")
    )
    with script.session(parser) as (conn, args):
        # Every project name is checked before anything changes.
        reader = project_grantee(args.read) if args.read else None
        writer = project_grantee(args.write) if args.write else None
        revoked = project_grantee(args.revoke) if args.revoke else None
        if args.fake:
            prepare_fake_bucket(conn, args.bucket)
        if reader:
            share_bucket(conn, args.bucket, reader)
        if writer:
            share_bucket(conn, args.bucket, writer, write=True)
        if args.public:
            make_public(conn, args.bucket)
        if args.private:
            make_private(conn, args.bucket)
        if args.revoke is not None:  # --revoke alone: everyone's access
            revoke_access(conn, args.bucket, revoked)
        show_access(conn, args.bucket)
