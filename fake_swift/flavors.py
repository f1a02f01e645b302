"""Every place where Ceph RGW (Allas) and OpenStack Swift answer differently.

The rest of the fake asks the active :class:`Flavor` instead of testing names, so a
difference found on a real server is fixed here and nowhere else.
"""

from __future__ import annotations

import math
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

MAX_FILE_SIZE = 5 * 1024**3
LISTING_LIMIT = 10_000
MAX_OBJECT_NAME_LENGTH = 1024
MAX_MANIFEST_SEGMENTS = 1000
MAX_DELETES_PER_REQUEST = 10_000

_SWIFT_HTML_ERRORS = {
    400: "<html><h1>Bad Request</h1><p>The server could not comply with the request since it "
    "is either malformed or otherwise incorrect.</p></html>",
    401: "<html><h1>Unauthorized</h1><p>This server could not verify that you are authorized "
    "to access the document you requested.</p></html>",
    403: "<html><h1>Forbidden</h1><p>Access was denied to this resource.</p></html>",
    404: "<html><h1>Not Found</h1><p>The resource could not be found.</p></html>",
    405: "<html><h1>Method Not Allowed</h1><p>The method is not allowed for this "
    "resource.</p></html>",
    409: "<html><h1>Conflict</h1><p>There was a conflict when trying to complete your "
    "request.</p></html>",
    411: "Missing Content-Length header.",
    412: "<html><h1>Precondition Failed</h1><p>A precondition for this request was not "
    "met.</p></html>",
    413: "Your request is too large.",
    416: "<html><h1>Requested Range Not Satisfiable</h1><p>The Range requested is not "
    "available.</p></html>",
    422: "<html><h1>Unprocessable Entity</h1><p>Unable to process the contained "
    "instruction</p></html>",
}


def _rgw_listing_time(timestamp: float) -> str:
    moment = datetime.fromtimestamp(timestamp, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _swift_listing_time(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")


def _rgw_trans_id() -> str:
    return f"tx00000{secrets.token_hex(8)}-{math.floor(time.time()):08x}-1b2c-default"


def _swift_trans_id() -> str:
    return f"tx{secrets.token_hex(11)[:21]}-{math.floor(time.time()):010x}"


@dataclass(frozen=True)
class Flavor:
    """How one kind of server answers where the two kinds disagree."""

    name: str
    info_paths: tuple[str, ...]
    info: dict[str, Any]
    status_without_token: int
    min_container_name_length: int
    max_container_name_length: int
    container_names_are_global: bool
    account_listing_has_last_modified: bool
    account_listing_honours_delimiter: bool
    rejects_listing_limit_over_max: bool
    slo_manifest_get_has_body: bool
    bulk_delete_has_response_body: bool
    bulk_results_follow_accept: bool
    guesses_content_type_from_name: bool
    s3_style_error_bodies: bool
    error_content_type: str
    listing_time: Any = field(repr=False)
    new_trans_id: Any = field(repr=False)

    def error_body(self, status: int, s3_code: str) -> str:
        """The short body a failed request answers with."""
        if self.s3_style_error_bodies:
            return s3_code
        return _SWIFT_HTML_ERRORS.get(status, s3_code)


RGW = Flavor(
    name="rgw",
    # RGW serves Swift under /swift, so its info sits at /swift/info; swiftclient
    # derives exactly that from https://a3s.fi:443/swift/v1/AUTH_x.
    info_paths=("/swift/info",),
    info={
        "bulk_delete": {
            "max_deletes_per_request": MAX_DELETES_PER_REQUEST,
            "max_failed_deletes": 1000,
        },
        "container_quotas": {},
        "swift": {
            "max_file_size": MAX_FILE_SIZE,
            "container_listing_limit": LISTING_LIMIT,
            "version": "16.2.15",
            "policies": [{"name": "default-placement", "default": True}],
            "max_object_name_size": MAX_OBJECT_NAME_LENGTH,
            "strict_cors_mode": True,
            "max_container_name_length": 255,
        },
        "slo": {"max_manifest_segments": MAX_MANIFEST_SEGMENTS},
        "account_quotas": {},
        "staticweb": {},
        "tempauth": {"account_acls": True},
        "tempurl": {"methods": ["GET", "HEAD", "PUT", "POST", "DELETE"]},
    },
    status_without_token=403,
    # RGW applies the S3 bucket-name minimum to Swift containers too.
    min_container_name_length=3,
    max_container_name_length=255,
    container_names_are_global=True,
    account_listing_has_last_modified=False,
    account_listing_honours_delimiter=False,
    rejects_listing_limit_over_max=False,
    slo_manifest_get_has_body=False,
    bulk_delete_has_response_body=False,
    bulk_results_follow_accept=False,
    guesses_content_type_from_name=False,
    s3_style_error_bodies=True,
    error_content_type="text/plain; charset=utf-8",
    listing_time=_rgw_listing_time,
    new_trans_id=_rgw_trans_id,
)

SWIFT = Flavor(
    name="swift",
    # Real Swift answers /info at the root; the fake's storage URL keeps Allas' /swift
    # prefix, so swiftclient asks /swift/info and both must answer.
    info_paths=("/info", "/swift/info"),
    info={
        "swift": {
            "version": "2.38.0",
            "max_file_size": MAX_FILE_SIZE,
            "max_meta_name_length": 128,
            "max_meta_value_length": 256,
            "max_meta_count": 90,
            "max_meta_overall_size": 4096,
            "max_header_size": 8192,
            "max_object_name_length": MAX_OBJECT_NAME_LENGTH,
            "container_listing_limit": LISTING_LIMIT,
            "account_listing_limit": LISTING_LIMIT,
            "max_account_name_length": 256,
            "max_container_name_length": 256,
            "extra_header_count": 0,
            "valid_api_versions": ["v1", "v1.0"],
            "policies": [{"name": "Policy-0", "default": True}],
            "allow_account_management": False,
            "account_autocreate": True,
            "strict_cors_mode": True,
        },
        "slo": {
            "max_manifest_segments": MAX_MANIFEST_SEGMENTS,
            "max_manifest_size": 8388608,
            "yield_frequency": 10,
            "min_segment_size": 1,
            "allow_async_delete": True,
        },
        "dlo": {"max_segments": 10000},
        "bulk_delete": {
            "max_deletes_per_request": MAX_DELETES_PER_REQUEST,
            "max_failed_deletes": 1000,
        },
        "tempurl": {
            "methods": ["GET", "HEAD", "PUT", "POST", "DELETE"],
            "incoming_remove_headers": ["x-timestamp"],
            "allowed_digests": ["sha1", "sha256", "sha512"],
        },
    },
    status_without_token=401,
    min_container_name_length=1,
    max_container_name_length=256,
    container_names_are_global=False,
    account_listing_has_last_modified=True,
    account_listing_honours_delimiter=True,
    rejects_listing_limit_over_max=True,
    slo_manifest_get_has_body=True,
    bulk_delete_has_response_body=True,
    # Swift's bulk middleware answers text/plain unless the client accepts JSON.
    bulk_results_follow_accept=True,
    guesses_content_type_from_name=True,
    s3_style_error_bodies=False,
    error_content_type="text/html; charset=UTF-8",
    listing_time=_swift_listing_time,
    new_trans_id=_swift_trans_id,
)

FLAVORS: dict[str, Flavor] = {flavor.name: flavor for flavor in (RGW, SWIFT)}


def get_flavor(name: str) -> Flavor:
    """The flavor called ``name`` ("rgw" or "swift")."""
    try:
        return FLAVORS[name]
    except KeyError:
        raise ValueError(f"unknown flavor {name!r}; choose one of {sorted(FLAVORS)}") from None
