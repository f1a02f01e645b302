"""Read and change the metadata of an object or a bucket.

Lukee ja muuttaa objektin tai bucketin metatietoja.

Metadata are short NAME: VALUE pairs kept with an object (X-Object-Meta-NAME) or a
bucket (X-Container-Meta-NAME). A POST to an object replaces ALL its metadata, so to
change one pair the script reads the others and sends them back too (or, with
--replace, sends only the given pairs). A POST to a bucket changes only the names it
carries. NAME= with no value removes NAME. Names: ASCII letters, digits and hyphens,
at most 80 bytes in Allas; values may be any UTF-8 text.

    python examples/object_metadata.py [--fake] [--lang fi|en] [--bucket-metadata]
        [--replace] [--set NAME=VALUE ...] [BUCKET [OBJECT]]
"""

# --8<-- [start:imports]
import re

import swiftclient

from allas_examples import script
from allas_examples.errors import ConfigurationError
from allas_examples.messages import say, text

# --8<-- [end:imports]

# --8<-- [start:check_names]
OBJECT_META = "x-object-meta-"
BUCKET_META = "x-container-meta-"
MAX_NAME_BYTES = 80  # Allas (Ceph RGW) refuses longer names; OpenStack Swift allows 128
NAME_PATTERN = re.compile(r"[A-Za-z0-9-]+")


def check_names(metadata: dict[str, str]) -> None:
    """Refuse, before sending anything, names that cannot travel as HTTP header names."""
    for name in metadata:
        if not NAME_PATTERN.fullmatch(name):
            raise ConfigurationError("meta_bad_name", name=name)
        if len(name) > MAX_NAME_BYTES:
            raise ConfigurationError("meta_name_too_long", name=name, limit=MAX_NAME_BYTES)


# --8<-- [end:check_names]


# --8<-- [start:read_metadata]
def object_metadata(conn: swiftclient.Connection, bucket: str, name: str) -> dict[str, str]:
    """The object's metadata, names in lower case (HTTP header names ignore case)."""
    headers = conn.head_object(bucket, name)
    return {k[len(OBJECT_META) :]: v for k, v in headers.items() if k.startswith(OBJECT_META)}


def bucket_metadata(conn: swiftclient.Connection, bucket: str) -> dict[str, str]:
    """The bucket's metadata, names in lower case."""
    headers = conn.head_container(bucket)
    return {k[len(BUCKET_META) :]: v for k, v in headers.items() if k.startswith(BUCKET_META)}


def show(metadata: dict[str, str]) -> None:
    if not metadata:
        say("meta_none")
    for name, value in sorted(metadata.items()):
        print(f"  {name}: {value}")


# --8<-- [end:read_metadata]


# --8<-- [start:replace_object_metadata]
def replace_object_metadata(
    conn: swiftclient.Connection, bucket: str, name: str, metadata: dict[str, str]
) -> None:
    """Make ``metadata`` the object's only metadata: a POST drops every name it lacks."""
    check_names(metadata)
    headers = {f"X-Object-Meta-{key}": value for key, value in metadata.items() if value}
    conn.post_object(bucket, name, headers=headers)
    say("meta_object_replaced", bucket=bucket, object=name, count=len(headers))


# --8<-- [end:replace_object_metadata]


# --8<-- [start:update_object_metadata]
def update_object_metadata(
    conn: swiftclient.Connection, bucket: str, name: str, changes: dict[str, str]
) -> dict[str, str]:
    """Set or (with an empty value) remove ``changes``, keeping the object's other names.

    A POST replaces all metadata, so the names that stay are read and sent again.
    """
    check_names(changes)
    metadata = object_metadata(conn, bucket, name)
    for key, value in changes.items():
        metadata.pop(key.lower(), None)
        if value:
            metadata[key.lower()] = value
    headers = {f"X-Object-Meta-{key}": value for key, value in metadata.items()}
    conn.post_object(bucket, name, headers=headers)
    say("meta_object_updated", bucket=bucket, object=name, count=len(changes))
    return metadata


# --8<-- [end:update_object_metadata]


# --8<-- [start:update_bucket_metadata]
def update_bucket_metadata(
    conn: swiftclient.Connection, bucket: str, changes: dict[str, str]
) -> None:
    """Set or (with an empty value) remove ``changes``; the bucket's other names stay."""
    check_names(changes)
    headers = {}
    for key, value in changes.items():
        if value:
            headers[f"X-Container-Meta-{key}"] = value
        else:
            headers[f"X-Remove-Container-Meta-{key}"] = "x"
    conn.post_container(bucket, headers=headers)
    say("meta_bucket_updated", bucket=bucket, count=len(headers))


# --8<-- [end:update_bucket_metadata]


def parse_pairs(pairs: list[str]) -> dict[str, str]:
    """``["colour=green", "shape="]`` as ``{"colour": "green", "shape": ""}``."""
    result = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals:
            raise ConfigurationError("meta_bad_pair", pair=pair)
        result[name.strip()] = value
    check_names(result)
    return result


if __name__ == "__main__":
    parser = script.parser(__doc__)
    script.add_bucket_argument(parser)
    parser.add_argument("object", nargs="?", default=script.SOURCE_FILE, help=text("help_object"))
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help=text("meta_help_set")
    )
    parser.add_argument("--replace", action="store_true", help=text("meta_help_replace"))
    parser.add_argument(
        "--bucket-metadata", action="store_true", help=text("meta_help_bucket_metadata")
    )
    with script.session(parser) as (conn, args):
        changes = parse_pairs(args.set)  # refused here, before anything is sent
        if args.fake:
            script.ensure_demo_object(conn, args.bucket, args.object, "meta_demo_object_created")
        if args.bucket_metadata:
            if changes:
                update_bucket_metadata(conn, args.bucket, changes)
            say("meta_bucket_heading", bucket=args.bucket)
            show(bucket_metadata(conn, args.bucket))
        else:
            if args.replace:
                replace_object_metadata(conn, args.bucket, args.object, changes)
            elif changes:
                update_object_metadata(conn, args.bucket, args.object, changes)
            say("meta_object_heading", bucket=args.bucket, object=args.object)
            show(object_metadata(conn, args.bucket, args.object))
