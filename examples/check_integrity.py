"""Compare a local file or folder with the checksums that Allas keeps (like CSC's a-check).

Vertaa paikallista tiedostoa tai kansiota Allaksen tallentamiin tarkistussummiin
(kuten CSC:n a-check).

Each file is reported OK, different or missing. A plain object's ETag is the md5 of its
bytes; a segmented object's ETag is the md5 of its segments' md5s, so the file is hashed
in the same pieces as the segments. The exit code is 1 when any file does not match.

    python examples/check_integrity.py [--fake] [--lang fi|en] [BUCKET [PATH [OBJECT]]]
"""

# --8<-- [start:imports]
from pathlib import Path

import swiftclient

from allas_examples import script
from allas_examples.errors import AllasExampleError
from allas_examples.files import large_object_etag, part_md5s, stored_parts
from allas_examples.messages import say, text

# --8<-- [end:imports]


# --8<-- [start:check_integrity]
def check_integrity(
    conn: swiftclient.Connection, bucket: str, path: str, object_name: str | None = None
) -> dict[str, str]:
    """Check a file (as ``object_name``, default its name) or a folder (its files under
    the prefix ``object_name``); return {path: "ok", "different", "missing" or "unknown"}."""
    local = Path(path)
    if local.is_dir():
        pairs = {
            file: (object_name or "") + file.relative_to(local).as_posix()
            for file in sorted(local.rglob("*"))
            if file.is_file()
        }
    elif local.is_file():
        pairs = {local: object_name or local.name}
    else:
        raise FileNotFoundError(2, "No such file or directory", path)
    results = {}
    for file, name in pairs.items():
        results[str(file)] = status = compare(conn, bucket, file, name)
        say(STATUS_SENTENCES[status], path=file, bucket=bucket, object=name)
    bad = sum(status != "ok" for status in results.values())
    if bad:
        raise AllasExampleError("integrity_failed", bad=bad, count=len(results))
    say("integrity_all_ok", count=len(results))
    return results


STATUS_SENTENCES = {
    "ok": "integrity_ok",
    "different": "integrity_different",
    "missing": "integrity_missing",
    "unknown": "integrity_unverifiable",
}
# --8<-- [end:check_integrity]


# --8<-- [start:compare]
def compare(conn: swiftclient.Connection, bucket: str, file: Path, name: str) -> str:
    """ "ok", "different", "missing", or "unknown" (a large object whose segments are
    not found, with the same size as the file)."""
    try:
        headers = conn.head_object(bucket, name)
    except swiftclient.ClientException as error:
        if error.http_status == 404:
            return "missing"
        raise
    if int(headers["content-length"]) != file.stat().st_size:
        return "different"
    parts = stored_parts(conn, bucket, name, headers)
    if parts is None:
        return "unknown"
    local = part_md5s(file, [part.size for part in parts])
    etag = headers["etag"].strip('"')
    # One part: its md5 is the ETag. Several: the ETag is the md5 of their md5s.
    same = local == [part.md5 for part in parts]
    if len(parts) > 1 or "x-static-large-object" in headers or "x-object-manifest" in headers:
        same = same and large_object_etag(local) == etag
    return "ok" if same else "different"


# --8<-- [end:compare]


if __name__ == "__main__":
    parser = script.parser(__doc__)
    script.add_bucket_argument(parser)
    parser.add_argument("path", nargs="?", default=script.SOURCE_FILE, help=text("help_local_path"))
    parser.add_argument("object", nargs="?", help=text("help_check_object"))
    with script.session(parser, sample_file="path") as (conn, args):
        if args.fake and (args.bucket, args.path) == (script.BUCKET, script.SOURCE_FILE):
            try:
                conn.head_object(args.bucket, args.object or args.path)
            except swiftclient.ClientException:
                conn.put_container(args.bucket)
                with open(args.path, "rb") as source:
                    conn.put_object(args.bucket, args.object or args.path, source)
                say(
                    "integrity_sample_uploaded",
                    path=args.path,
                    bucket=args.bucket,
                    object=args.object or args.path,
                )
        check_integrity(conn, args.bucket, args.path, args.object)
