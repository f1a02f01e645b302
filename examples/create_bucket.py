"""Create a bucket.

Luo bucketin.

Bucket names in Allas are shared by every project, so a name someone else holds is
refused (HTTP 409); lower-case DNS-style names also work through Allas' S3 interface.

    python examples/create_bucket.py [--fake] [--lang fi|en] [BUCKET]
"""

# --8<-- [start:imports]
import swiftclient

from allas_examples import script
from allas_examples.messages import say

# --8<-- [end:imports]


# --8<-- [start:create_bucket]
def create_bucket(conn: swiftclient.Connection, bucket: str) -> None:
    """Create ``bucket``; Allas answers 201 for a new bucket, 202 if it is yours already."""
    response: dict = {}
    conn.put_container(bucket, response_dict=response)
    say("bucket_already_yours" if response["status"] == 202 else "bucket_created", bucket=bucket)


# --8<-- [end:create_bucket]


if __name__ == "__main__":
    parser = script.parser(__doc__)
    script.add_bucket_argument(parser)
    with script.session(parser) as (conn, args):
        create_bucket(conn, args.bucket)
