"""Download an object to a local file, in binary mode, and verify its md5.

Lataa objektin paikalliseen tiedostoon binääritilassa ja tarkistaa sen md5-summan.

``get_object`` returns bytes, so the file is opened with ``"wb"``; text mode ``"w"``
fails with ``TypeError: write() argument must be str, not bytes``. The bytes go to a
temporary file beside the target, which gets its final name only once the md5 matches.

    python examples/download_object.py [--fake] [--lang fi|en] [BUCKET [OBJECT [FILE]]]
"""

# --8<-- [start:imports]
import hashlib

import swiftclient

from allas_examples import script
from allas_examples.errors import AllasExampleError
from allas_examples.files import CHUNK_SIZE, atomic_write
from allas_examples.messages import say, text

# --8<-- [end:imports]


# --8<-- [start:download_object]
def download_object(conn: swiftclient.Connection, bucket: str, object_name: str, path: str) -> int:
    """Stream ``bucket/object_name`` into ``path``; return the number of bytes written."""
    headers, chunks = conn.get_object(bucket, object_name, resp_chunk_size=CHUNK_SIZE)
    # A segmented object's ETag is not the md5 of its bytes, so only its size can be checked.
    segmented = "x-static-large-object" in headers or "x-object-manifest" in headers
    expected_md5 = headers["etag"].strip('"')
    digest, size = hashlib.md5(), 0
    with atomic_write(path) as target:
        for chunk in chunks:
            target.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        if segmented and size != int(headers["content-length"]):
            raise AllasExampleError(
                "download_checksum_mismatch", remote=headers["content-length"], local=size
            )
        if not segmented and digest.hexdigest() != expected_md5:
            raise AllasExampleError(
                "download_checksum_mismatch", remote=expected_md5, local=digest.hexdigest()
            )
    if segmented:
        say("object_downloaded_segmented", bucket=bucket, object=object_name, path=path, size=size)
    else:
        say(
            "object_downloaded",
            bucket=bucket,
            object=object_name,
            path=path,
            size=size,
            md5=expected_md5,
        )
    return size


# --8<-- [end:download_object]


if __name__ == "__main__":
    parser = script.parser(__doc__)
    script.add_bucket_argument(parser)
    parser.add_argument("object", nargs="?", default=script.SOURCE_FILE, help=text("help_object"))
    parser.add_argument("file", nargs="?", default=script.DOWNLOAD_FILE, help=text("help_output"))
    with script.session(parser) as (conn, args):
        download_object(conn, args.bucket, args.object, args.file)
