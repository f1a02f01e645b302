"""List a bucket one "folder" level at a time with a prefix and a delimiter, or walk it all.

Listaa bucketin yksi "kansiotaso" kerrallaan etuliitteen ja erottimen avulla, tai käy
läpi koko puu.

Allas has no folders: an object called ``reports/2025/january.csv`` is one name. A
listing with ``delimiter="/"`` folds every name that goes deeper than ``prefix`` into
one ``subdir`` entry (``reports/``), so a bucket can be browsed like a folder tree.
The delimiter works on a bucket's listing only: Allas (Ceph RGW) ignores it when
listing the project's buckets.

    python examples/list_pseudo_folders.py [--fake] [--lang fi|en] [--delimiter D] [--tree]
        [BUCKET [PREFIX]]
"""

# --8<-- [start:imports]
import swiftclient

from allas_examples import script
from allas_examples.messages import say, text

# --8<-- [end:imports]


# --8<-- [start:list_level]
def list_level(
    conn: swiftclient.Connection, bucket: str, prefix: str = "", delimiter: str = "/"
) -> tuple[list[str], list[dict]]:
    """Print and return the pseudo-folders and the objects directly under ``prefix``."""
    _headers, listing = conn.get_container(
        bucket, prefix=prefix, delimiter=delimiter, full_listing=True
    )
    folders = [entry["subdir"] for entry in listing if "subdir" in entry]
    objects = [entry for entry in listing if "name" in entry]
    if prefix:
        say("pseudo_level_heading", bucket=bucket, prefix=prefix)
    else:
        say("pseudo_level_heading_top", bucket=bucket)
    for folder in folders:
        say("pseudo_folder_line", folder=folder)
    for info in objects:
        print(f"  {info['name']}\t{info['bytes']}")
    if not listing:
        say("pseudo_level_empty")
    return folders, objects


# --8<-- [end:list_level]


# --8<-- [start:walk_tree]
def walk_tree(
    conn: swiftclient.Connection, bucket: str, prefix: str = "", delimiter: str = "/"
) -> list[str]:
    """List every level under ``prefix``, one listing per pseudo-folder; return all names."""
    names = []
    waiting = [prefix]
    while waiting:
        folders, objects = list_level(conn, bucket, waiting.pop(0), delimiter)
        names += [info["name"] for info in objects]
        waiting += folders
    say("pseudo_tree_total", count=len(names), bucket=bucket)
    return names


# --8<-- [end:walk_tree]


# --8<-- [start:ensure_demo_tree]
# What --fake puts in the bucket when it has nothing folder-like to show.
DEMO_TREE = {
    "README.txt": b"Reports and photos of the snake project.\n",
    "reports/2024/summary.txt": b"2024: the snake grew 12 cm.\n",
    "reports/2025/january.csv": b"day,length_cm\n1,131\n",
    "reports/2025/february.csv": b"day,length_cm\n1,133\n",
    "photos/python.txt": b"(a photo of a python)\n",
}


def ensure_demo_tree(conn: swiftclient.Connection, bucket: str, delimiter: str = "/") -> None:
    """Create ``bucket`` and the demo objects unless some name already has ``delimiter``."""
    conn.put_container(bucket)
    _headers, listing = conn.get_container(bucket, full_listing=True)
    if any(delimiter in info["name"] for info in listing):
        return
    for name, content in DEMO_TREE.items():
        conn.put_object(bucket, name, contents=content, content_type="text/plain")
    say("pseudo_demo_tree_created", bucket=bucket, count=len(DEMO_TREE))


# --8<-- [end:ensure_demo_tree]


if __name__ == "__main__":
    parser = script.parser(__doc__)
    script.add_bucket_argument(parser)
    parser.add_argument("prefix", nargs="?", default="", help=text("pseudo_help_prefix"))
    parser.add_argument("--delimiter", default="/", help=text("pseudo_help_delimiter"))
    parser.add_argument("--tree", action="store_true", help=text("pseudo_help_tree"))
    with script.session(parser) as (conn, args):
        if args.fake:
            ensure_demo_tree(conn, args.bucket, args.delimiter)
        if args.tree:
            walk_tree(conn, args.bucket, args.prefix, args.delimiter)
        else:
            list_level(conn, args.bucket, args.prefix, args.delimiter)
