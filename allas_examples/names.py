"""What Allas accepts as a bucket name, checked before any request is sent.

Allas runs Ceph RGW, whose Swift API refuses (400 InvalidBucketName) a name shorter
than 3 or longer than 255 bytes, one that starts with ``.`` and one that holds ``/``
(which would split it into a bucket and an object). Upper case, ``_`` and letters
such as ä are accepted; CSC advises lower-case DNS-style names for S3 use.
"""

from __future__ import annotations

from allas_examples.errors import ConfigurationError

MIN_BUCKET_NAME_BYTES = 3
MAX_BUCKET_NAME_BYTES = 255


def check_bucket_name(name: str) -> str:
    """``name`` when Allas accepts it as a bucket name; ``ConfigurationError`` otherwise.

    Usable as an argparse ``type``: the script's parser reports the sentence.
    """
    size = len(name.encode("utf-8", "surrogateescape"))
    if "/" in name:
        raise ConfigurationError("bucket_name_has_slash", bucket=name)
    if size < MIN_BUCKET_NAME_BYTES:
        raise ConfigurationError("bucket_name_too_short", bucket=name)
    if size > MAX_BUCKET_NAME_BYTES:
        raise ConfigurationError("bucket_name_too_long", size=size)
    if name.startswith("."):
        raise ConfigurationError("bucket_name_starts_with_dot", bucket=name)
    return name
