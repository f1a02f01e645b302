"""Upload a file to a bucket, byte for byte, and check the ETag against the local md5.

Lataa tiedoston buckettiin tavu tavulta ja tarkistaa, että ETag vastaa paikallista
md5-summaa.

The file is opened in binary mode, so any file (text, images, archives) is stored
exactly. One upload holds at most 5 GiB; use upload_large_object.py beyond that.

    python examples/upload_object.py [--fake] [--lang fi|en] [BUCKET [FILE [OBJECT]]]
"""

# --8<-- [start:imports]
import mimetypes
import os

import swiftclient

from allas_examples import script
from allas_examples.errors import AllasExampleError
from allas_examples.files import check_single_upload, md5_of_file
from allas_examples.messages import say, text

# --8<-- [end:imports]


# --8<-- [start:upload_object]
def upload_object(
    conn: swiftclient.Connection, bucket: str, path: str, object_name: str | None = None
) -> str:
    """Upload the file at ``path`` as ``object_name`` and return its verified md5."""
    object_name = object_name or os.path.basename(path)
    size = check_single_upload(path)  # over 5 GiB: refused before anything is sent
    local_md5 = md5_of_file(path)
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    try:
        with open(path, "rb") as source:
            etag = conn.put_object(
                bucket,
                object_name,
                contents=source,
                content_length=size,
                content_type=content_type,
            )
    except swiftclient.ClientException as error:
        if error.http_status == 404:  # the object cannot be missing on PUT: the bucket is
            raise AllasExampleError("no_such_bucket", bucket=bucket) from error
        raise
    if etag != local_md5:
        raise AllasExampleError("upload_checksum_mismatch", remote=etag, local=local_md5)
    say("object_uploaded", path=path, bucket=bucket, object=object_name, size=size, md5=etag)
    return etag


# --8<-- [end:upload_object]


if __name__ == "__main__":
    parser = script.parser(__doc__)
    script.add_bucket_argument(parser)
    parser.add_argument("file", nargs="?", default=script.SOURCE_FILE, help=text("help_file"))
    parser.add_argument("object", nargs="?", help=text("help_object"))
    with script.session(parser, sample_file="file") as (conn, args):
        upload_object(conn, args.bucket, args.file, args.object)
