"""Every place where Ceph RGW (Allas) and OpenStack Swift answer differently.

The rest of the fake asks the active :class:`Flavor` instead of testing names, so a
difference found on a real server is fixed here and nowhere else.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from . import mime

if TYPE_CHECKING:
    from .state import Project

MAX_FILE_SIZE = 5 * 1024**3
# Swift's constraints.MAX_FILE_SIZE: 5 GiB and 2 bytes (RGW allows exactly 5 GiB).
SWIFT_MAX_FILE_SIZE = 5 * 1024**3 + 2
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
    406: "<html><h1>Not Acceptable</h1><p>The resource is not available in a format "
    "acceptable to your browser.</p></html>",
    409: "<html><h1>Conflict</h1><p>There was a conflict when trying to complete your "
    "request.</p></html>",
    411: "Missing Content-Length header.",
    412: "<html><h1>Precondition Failed</h1><p>A precondition for this request was not "
    "met.</p></html>",
    413: "Your request is too large.",
    416: "<html><h1>Requested Range Not Satisfiable</h1><p>The Range requested is not "
    "available.</p></html>",
    422: "<html><h1>Unprocessable Entity</h1><p>Unable to process the contained "
    "instructions</p></html>",
}


_SWIFT_ACCEPTED = b"<html><h1>Accepted</h1><p>The request is accepted for processing.</p></html>"


def _rgw_listing_time(timestamp: float) -> str:
    moment = datetime.fromtimestamp(timestamp, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _swift_listing_time(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")


# The radosgw instance id and zonegroup that end RGW's transaction ids.
_RGW_INSTANCE = "1b2c-default"
# RGW's Swift error codes where they are not the S3 ones the fake names errors with.
_RGW_ERROR_CODES = {
    "BucketNotEmpty": "There was a conflict when trying to complete your request.",
    "BadDigest": "UnprocessableEntity",
    "MetadataNameTooLong": "Metadata name too long",
}


def _rgw_trans_id() -> str:
    return f"tx00000{secrets.token_hex(8)}-{math.floor(time.time()):010x}-{_RGW_INSTANCE}"


def _rgw_archive_time(timestamp: float) -> str:
    micros = round(timestamp * 1_000_000)
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def _swift_archive_time(timestamp: float) -> str:
    return f"{timestamp:016.5f}"


def _swift_trans_id() -> str:
    return f"tx{secrets.token_hex(11)[:21]}-{math.floor(time.time()):010x}"


@dataclass(frozen=True)
class Flavor:
    """How one kind of server answers where the two kinds disagree."""

    name: str
    info_paths: tuple[str, ...]
    info: dict[str, Any]
    # Storage keeps the tokens it has checked until they expire, so a token revoked at
    # Keystone after its first use still works (RGW's rgw_keystone_token_cache_size).
    caches_checked_tokens: bool
    # The one storage policy every container has (X-Storage-Policy), as the account's
    # per-policy headers title it (X-Account-Storage-Policy-<title>-*); RGW's storage
    # class; and whether the bytes in whole 4 KiB blocks are reported as "-Actual".
    storage_policy: str
    storage_policy_title: str
    storage_class: str | None
    reports_actual_bytes: bool
    # A container POST naming another policy answers 409 BucketAlreadyExists (RGW);
    # Swift ignores the header on POST.
    post_naming_another_policy_conflicts: bool
    # The account's per-policy headers are there before its first container (RGW).
    policy_headers_on_empty_account: bool
    # The account part of a storage URL may leave out AUTH_ (RGW: /swift/v1/<project id>).
    account_prefix_optional: bool
    # Any project's token may create a new container at another project's account URL,
    # which then belongs to that project (RGW; Swift refuses with 403).
    others_create_containers_in_any_account: bool
    # The Keystone roles a token must hold one of to reach storage (None: any role). A
    # token without one is refused as if it were no token: RGW's rgw_keystone_accepted_roles.
    accepted_roles: frozenset[str] | None
    status_without_token: int
    # A request without a token for a container or an object answers 404 NoSuchBucket
    # (RGW takes the anonymous AUTH_<id> for a tenant, which holds no buckets); only the
    # account itself answers status_without_token.
    anonymous_container_requests_not_found: bool
    min_container_name_length: int
    max_container_name_length: int  # in UTF-8 bytes, on both servers
    # RGW refuses a container name that starts with "." (400 InvalidBucketName).
    container_name_may_start_with_dot: bool
    # Bucket names are global: a name another project holds answers 409 to a PUT and
    # 403 to anything else, whichever account URL the request names.
    container_names_are_global: bool
    # A PUT of an existing bucket by another project, at the owner's account URL,
    # answers 202 and replaces the bucket's metadata (measured on Ceph RGW 16); with ACL
    # headers, or on a bucket that grants anyone access, it is 409 BucketAlreadyExists.
    others_put_updates_container_metadata: bool
    account_listing_has_last_modified: bool
    account_listing_honours_delimiter: bool
    # ?limit=: RGW parses it as an integer (400 InvalidArgument if it is not one) while
    # Swift ignores anything but digits; a limit over 10000 (or, on RGW, below 0) answers
    # 412 at these levels, and elsewhere is cut to 10000 (or to 0).
    listing_limit_must_be_integer: bool
    listing_limit_over_max_rejected: frozenset[str]
    # RGW's 412 for an account listing's limit keeps X-Timestamp and says
    # Accept-Ranges twice.
    listing_limit_error_keeps_account_headers: bool
    # ?reverse=true on container listings (RGW 16 reverses only account listings).
    container_listing_honours_reverse: bool
    # ?reverse reverses whatever its value, even "false" (RGW); only a true value (Swift).
    reverse_by_presence: bool
    # Without a prefix, the names that start with the delimiter are left out of a
    # container listing, subdir and all (RGW); Swift lists them under the subdir "/".
    bare_delimiter_subdir_left_out: bool
    # XML listings: Swift (ElementTree) writes a newline after the declaration, puts
    # account entries on lines of their own, writes empty elements as <x />, names the
    # account AUTH_<id> and answers Accept: text/xml as text/xml; RGW does none of that.
    # RGW names the account by its user's display name, which is the project's name when
    # Keystone made the user (as on Allas).
    xml_declaration_ends_line: bool
    xml_account_entries_on_lines: bool
    xml_self_closes_empty: bool
    xml_account_name: Callable[[Project], str]
    listing_echoes_text_xml: bool
    # The Content-Type stored when a PUT sends none (fake_swift.mime), and whether an
    # empty Content-Type header counts as none (Swift) or is kept as sent (RGW).
    guess_content_type: Callable[[str], str | None]
    empty_content_type_is_guessed: bool
    s3_style_error_bodies: bool
    error_content_type: str
    # Largest object body accepted (and shown as max_file_size in /info).
    max_file_size: int
    # The body of a 202 reply (PUT of an existing container, POST to an object).
    accepted_body: bytes
    # A HEAD that fails says Content-Length: 0, not the length of the body a GET gets.
    head_errors_have_zero_length: bool
    # A 422 (ETag mismatch) reply carries the ETag the server computed for the body.
    bad_digest_has_etag: bool
    # A 422 reply's Last-Modified is 1970-01-01 (RGW) rather than the request's time.
    bad_digest_last_modified_is_epoch: bool
    # A 416 keeps the object's headers (type, ETag, dates, metadata, Content-Range).
    range_error_keeps_object_headers: bool
    # A HEAD with an unsatisfiable Range answers 200 as a plain HEAD does.
    head_ignores_range: bool
    # X-Copied-From-Account is "<prefix><project id>".
    copied_from_account_prefix: str
    # Each account listing entry names its storage policy (None: no such key).
    account_listing_storage_policy: str | None
    # Swift stores an SLO manifest as JSON (the body of ?multipart-manifest=get, whose
    # md5 is the listing hash and whose size counts in bytes used) and lists the
    # segments' total with an "slo_etag"; RGW keeps an empty body, counted and listed
    # as the size of the manifest the client sent.
    slo_stores_manifest_json: bool
    # Content-Type of a bulk report in JSON and in text, whether JSON sorts its keys
    # (else status and body first, then the counts; Errors last either way; text always
    # sorts them), and whether text ends with a newline.
    bulk_json_content_type: str
    bulk_text_content_type: str
    bulk_json_sorted: bool
    bulk_text_ends_with_newline: bool
    # A bulk report's format is what Accept prefers of text, JSON and XML (Swift), not
    # ?format= or Accept's first type when it names one exactly, else text (RGW).
    bulk_format_by_best_match: bool
    # A bulk report in XML is on one line, its root <delete> for an upload too (RGW).
    bulk_xml_compact: bool
    # The Content-Type of an empty write reply (PUT, POST, DELETE) follows ?format= or
    # Accept, as RGW's formatter does: application/json or application/xml.
    write_reply_type_follows_format: bool
    # A bulk upload's refusals carry their error document in text too ("Code: ...",
    # one field a line), as RGW's bulk upload writes them.
    bulk_upload_errors_are_documents: bool
    # ?bulk-delete is answered on a container's or object's path too, as on the
    # account's (Swift reads only the account from the path).
    bulk_delete_on_any_path: bool
    # The archives PUT ?extract-archive= unpacks into objects (other names: 400).
    archive_formats: tuple[str, ...]
    # A compressed or chunked or unreadable archive, or a missing container, is refused
    # with an error reply rather than reported (RGW).
    extract_refuses_as_errors: bool
    # Archive members' names are kept as they are, "./" and a leading "/" too (RGW).
    extract_member_names_kept: bool
    # Objects get the request's user metadata and expiry, the files' user.meta.* and
    # user.mime_type extended attributes, else a type guessed from the name (Swift;
    # RGW stores them without a type).
    extract_passes_request_headers: bool
    # A missing container a file's first directory names is made (Swift).
    extract_makes_containers: bool
    # A directory of the archive makes a container (RGW).
    extract_directories_make_containers: bool
    # X-Account-/X-Container-Rfc-Compliant-Etags are kept, and make object ETags quoted
    # (Swift's etag_quoter; RGW keeps no such flag).
    etag_quoter: bool
    # A bulk delete that fails on a non-empty container reports "409 Conflict" (not
    # "400 Bad Request") and names it "<container>/" (not "/<container>").
    bulk_reports_conflict_as_is: bool
    # Separators of JSON answers (RGW writes compact JSON).
    json_separators: tuple[str, str]
    # Whether a text listing ends with a newline after its last name.
    text_listing_ends_with_newline: bool
    # A container GET says X-Timestamp: 0.00000 (its HEAD says the real one).
    container_listing_timestamp_is_zero: bool
    # The Content-Type stored for an object sent without one (after guessing from the
    # name, if the flavor guesses); None stores none: a GET shows
    # unset_content_type_shown_as and listings leave content_type out.
    default_content_type: str | None
    unset_content_type_shown_as: str
    # Content-Type of replies to writes (PUT, POST, DELETE, COPY) that have no body
    # of their own, and whether a copy's reply shows the new object's type instead.
    write_reply_content_type: str
    copy_reply_has_object_content_type: bool
    # 204 and 304 replies say Content-Length: 0 (RGW sends no Content-Length).
    bodiless_replies_have_length: bool
    # Accept-Ranges: bytes on error replies, and on these successful writes
    # ("<METHOD> <account|container|object>"); reads of stored things always have it.
    accept_ranges_on_errors: bool
    accept_ranges_on_writes: frozenset[str]
    # A failed If-Match (412) keeps the object's headers, without Accept-Ranges (Swift);
    # otherwise it is a plain error.
    precondition_failed_keeps_object_headers: bool
    # A 304 is bare: no ETag, no metadata, Last-Modified 1970 and X-Timestamp 0 (RGW).
    not_modified_is_bare: bool
    # Error bodies follow ?format= or Accept (JSON or XML with Code, Message,
    # BucketName, RequestId and HostId) instead of always being text or HTML.
    error_bodies_follow_format: bool
    # RGW marks an SLO manifest with X-Object-Meta-Static-Large-Object: True, and its
    # ?multipart-manifest=get is the manifest object as stored (an empty object).
    slo_marked_in_user_metadata: bool
    # An SLO's segment ETags are checked against the segments when the manifest is put
    # and again when it is read (Swift; a changed segment is a 409). RGW takes the
    # manifest's ETags as given (the manifest's ETag is computed from them), never checks.
    slo_segment_etags_checked: bool
    # X-Static-Large-Object on a PUT or POST (not a manifest PUT) is refused with 400 as
    # a header reserved to the SLO middleware (Swift).
    slo_header_reserved: bool
    # ?part-number=N serves one segment of an SLO as a range, with X-Parts-Count (Swift).
    slo_part_numbers: bool
    # Large objects' segments are read as the client (its token and Referer must reach
    # the segments' container: a DLO answers the listing's 403 or 404, an SLO 409), as
    # Swift's middlewares read them with subrequests. DLOs: X-Object-Manifest must name
    # a non-empty container and prefix with no "?" or "&" (Swift; RGW wants a "/" only);
    # a Range of several ranges serves the whole object (200, Swift); If-Match and
    # If-None-Match compare with the manifest object's own ETag (RGW: its DLO ETag
    # answers If-Match with 412).
    segments_read_as_requester: bool
    dlo_manifest_header_strict: bool
    dlo_serves_one_range_only: bool
    dlo_conditions_compare_manifest_etag: bool
    # A POST without X-Object-Manifest keeps a DLO a DLO (RGW); Swift keeps the header as
    # it keeps metadata, so the POST makes the object plain again.
    post_without_manifest_keeps_dlo: bool
    # OPTIONS answers with the methods a path allows, a CORS preflight is checked against
    # the container's X-Container-Meta-Access-Control-* metadata, and replies to requests
    # with an Origin the container allows carry Access-Control-* headers (Swift's proxy,
    # in strict_cors_mode). RGW's Swift API takes CORS from S3 bucket settings only.
    cors_from_container_metadata: bool
    # The account quota headers an account POST may not send (403): Swift lets only a
    # reseller set any of them ("*"); RGW refuses the legacy X-Account-Meta-Quota-Bytes
    # and takes the others as nothing.
    account_quota_headers_refused: tuple[str, ...]
    # A container's X-Container-Meta-Quota-Bytes and -Count are shown back as metadata
    # (Swift); RGW enforces them as the bucket's quota and does not show them.
    container_quota_shown_as_metadata: bool
    # Server mode: "Connection: keep-alive" on every reply of a connection kept open
    # (RGW's front end); Swift's eventlet says it only when the client did.
    announces_keep_alive: bool
    # Symlinks (X-Symlink-Target), as Swift's symlink middleware keeps them; RGW has none.
    symlinks: bool
    # Object versioning (X-Versions-Enabled, ?versions, ?version-id), as Swift's
    # object_versioning middleware keeps it (swift: True); RGW 16 has none (rgw: False).
    object_versioning: bool
    # The API's root alone (/swift/v1, no account) answers 412 "Bad URL" (Swift).
    version_path_is_bad_url: bool
    # A 401 names its realm and where to log in: Swift's proxy says
    # 'Swift realm="<account as in the path>"' and keystonemiddleware adds
    # 'Keystone uri="<its auth URL>"'; RGW sends no WWW-Authenticate.
    www_authenticate_on_401: bool
    # The container name rules (minimum length) apply to every request, not only PUT.
    container_name_checked_on_every_request: bool
    # RGW accounts (users) exist from the start; a Swift account is only created by
    # its first write, and until then GET/HEAD answer a made-up empty listing.
    accounts_exist_before_first_write: bool
    # User metadata limits (None: no limit). RGW refuses names over 80 bytes only.
    max_meta_name_length: int
    max_meta_value_length: int | None
    max_meta_count: int | None
    max_meta_overall_size: int | None
    # Content-Type of a metadata refusal (None: the flavor's error_content_type).
    metadata_error_content_type: str | None
    # An object PUT is refused for its metadata only after its body was read: the
    # reply names the body's ETag and a Last-Modified of 1970 (RGW).
    metadata_checked_after_body: bool
    # If-Match / If-None-Match take "*" and lists of ETags (RGW: one ETag only).
    etag_conditions_take_lists: bool
    # For a static large object, If-Match / If-None-Match compare with the hash its
    # listing shows (the stored manifest's md5), not the ETag a GET serves: RGW answers
    # 412 to a resume that names the served ETag.
    slo_conditions_compare_listed_hash: bool
    # Each condition is checked on its own, as Swift's swob does (an If-Unmodified-Since
    # in the past fails even with an If-Match that holds); else in RFC 9110's order.
    conditions_checked_each: bool
    # An If-(Un)Modified-Since that is not an HTTP date answers 400 (Swift ignores it).
    bad_http_dates_rejected: bool
    # An object PUT with If-None-Match: * is refused (412) when the object exists.
    put_honours_if_none_match: bool
    # How Range is read: "swift" (swob: every range, several as multipart/byteranges,
    # an invalid spec voids the header) or "rgw" (the first range only, numbers read
    # with atoll, so bytes=x-y is bytes=0-0 and bytes=5-2 is a 416).
    range_header_style: str
    # A Range that is not read (items=0-1) still gets a Content-Range of the whole.
    ignored_range_says_content_range: bool
    # JSON listings escape non-ASCII as \\uXXXX (Swift) or write UTF-8 (RGW).
    json_ensure_ascii: bool
    # Object names: RGW counts the 1024 in bytes and checks it on every request;
    # Swift counts characters and checks it on PUT only.
    object_name_limit_counts_bytes: bool
    object_name_checked_on_every_request: bool
    # A path that is not UTF-8: Swift 412 "Invalid UTF8 or contains NULL"; RGW 400
    # InvalidBucketName / InvalidObjectName.
    invalid_utf8_path_is_precondition_failed: bool
    # RGW: a container name that is not UTF-8 answers 412 "Invalid UTF8" (one with a 0xFF
    # byte 400, as any other segment).
    invalid_utf8_container_is_412: bool
    # A header name with a character that is not an HTTP token character (RFC 9110: not
    # ASCII letters, digits or !#$%&'*+-.^_`|~; so any non-ASCII, "(", "@", "/", controls)
    # is refused by RGW's HTTP front end with a bare 400 (Content-Length: 0 and nothing
    # else), whatever the request; Swift takes it (and stores such metadata names).
    header_names_must_be_tokens: bool
    # A header line ("Name: value" and CRLF) this long or longer is refused by the HTTP
    # front end with a bare 400 (Swift's eventlet: max_header_size, 8192); None: no limit.
    max_header_line: int | None
    # A Content-Length over max_file_size: the status (RGW says 400 EntityTooLarge) and
    # the reply's Content-Type (None: error_content_type).
    too_large_status: int
    too_large_content_type: str | None
    # Content-Type of Swift's plain-text refusals (X-Delete-At, metadata); None for RGW,
    # whose errors all have error_content_type and name only their code.
    plain_error_content_type: str | None
    # What a malformed X-Copy-From or a COPY without Destination answers (RGW: 412 with
    # "Bad URL"; None: Swift's own sentences).
    copy_path_error_detail: str | None
    # A COPY's Destination with an empty container name ("//o"): RGW 400 InvalidArgument;
    # Swift, as any Destination that is not <container>/<object>, 412.
    copy_destination_without_container_is_400: bool
    # A bad X-Object-Manifest is refused with the empty body's ETag and a Last-Modified.
    manifest_error_has_empty_etag: bool
    # Expired objects (X-Delete-At passed): a copy still reads them (RGW), and a DELETE
    # removes them but answers 404 (Swift). Both servers keep them in listings until
    # deleted: the expirer daemons do not run in the test servers (RGW's runs every
    # 10 minutes by default).
    copy_reads_expired_objects: bool
    # The latest expiry an object may get: Swift caps X-Delete-At at 9999999999 (its
    # expirer sorts ten-digit times); None keeps any.
    max_delete_at: int | None
    # The latest expiry accepted (later is 400): RGW adds X-Delete-At as nanoseconds to
    # a 64-bit time, so past 2**64 ns it wraps into the past; and it shows X-Delete-At
    # as 32-bit seconds (modulo 2**32). None: no such limit, shown as kept.
    max_delete_at_accepted: int | None
    delete_at_shown_modulo: int | None
    # A DELETE with X-If-Delete-At deletes only an object with that expiry (412 else;
    # 400 when it is not a number), as Swift's object server does.
    delete_honours_if_delete_at: bool
    # A copy of a static large object is a second manifest naming the same segments
    # (RGW), not an object holding the joined content (Swift).
    copy_keeps_slo_manifest: bool
    # Likewise a copy of a dynamic large object is its manifest again (RGW), not the
    # joined segments (Swift).
    copy_keeps_dlo_manifest: bool
    # A COPY (or X-Copy-From) with Range copies those bytes only (Swift reads the source
    # with the client's headers); RGW copies the whole object.
    copy_honours_range: bool
    # A DLO manifest's own ETag is the md5 of nothing, whatever its body (RGW).
    dlo_manifest_etag_is_empty_md5: bool
    # A DLO GET with an If-Match that holds answers with swob's default type and no
    # Accept-Ranges (Swift).
    dlo_if_match_reply_is_untyped: bool
    # OPTIONS on an account answers 405 (RGW).
    options_on_account_refused: bool
    # A GET or HEAD with an Origin the container's X-Container-Meta-Access-Control-Allow-
    # Origin allows gets Access-Control-Allow-Origin and -Allow-Methods (RGW).
    cors_on_reads_only: bool
    # A copy keeps the source's X-Delete-At (Swift's copy middleware takes it over).
    copy_keeps_delete_at: bool
    delete_of_expired_answers_not_found: bool
    # Container ACLs (X-Container-Read / -Write). RGW keeps them as grants: entries
    # split on spaces too, shown back with referrers first and grantees sorted, and a
    # refusal is 400 InvalidArgument; Swift cleans them in order (clean_acl).
    acl_kept_as_grants: bool
    # The grantee names that mean another project's user: templates over {project}
    # (its id), {project_name}, {user} (the user id) and {user_name}. The name forms are
    # taken only from a user whose own and project's domain is the default one, on an
    # account of the default domain (keystoneauth); RGW takes its forms, names included,
    # whatever the domains.
    acl_grantee_forms: tuple[str, ...]
    acl_name_grantee_forms: tuple[str, ...]
    # An ACL entry that names one of the user's roles lets a user of the account's own
    # project in (keystoneauth).
    acl_role_names_grant_own_project: bool
    # The roles that make a token of a project the owner of its account (keystoneauth's
    # operator_roles); others of the project reach it only through ACLs. None: every
    # token storage lets in (see accepted_roles) owns its project's account (RGW).
    operator_roles: frozenset[str] | None
    # The project's domain, recorded on its account by its own token's first write, is
    # shown as X-Account-Project-Domain-Id (keystoneauth).
    records_project_domain_id: bool
    # .r:* also lets everyone list the container (RGW maps it to S3 public-read);
    # Swift lists only with .rlistings.
    referrer_acl_grants_listing: bool
    # A write grant also lets the grantee POST the container's metadata and DELETE
    # the container itself when it is empty (RGW).
    write_acl_covers_container: bool
    # X-Container-Read/-Write and temp URL keys are shown to the owner only (Swift).
    acl_headers_shown_to_owner_only: bool
    # Another project's token on a container that does not exist: 404 (RGW) or 403.
    missing_container_for_others_not_found: bool
    # Temp URLs: the digests accepted, whether containers' keys count, whether a
    # prefix URL is signed over the path with /swift (RGW) or either path, how a bad
    # signature is refused (expired ones are 401 on both), whether a request with only
    # one of sig/expires is refused as a temp URL (Swift) or read as anonymous (RGW),
    # the Content-Disposition style (Swift adds filename*), and Swift's Expires header
    # and hiding of object metadata on temp URL replies.
    temp_url_digests: tuple[str, ...]
    temp_url_container_keys: bool
    temp_url_prefix_signed_with_api_prefix: bool
    temp_url_bad_signature_status: int
    temp_url_invalid_detail: str | None
    temp_url_incomplete_is_invalid: bool
    temp_url_disposition_has_filename_star: bool
    temp_url_reply_has_expires: bool
    temp_url_hides_object_metadata: bool
    # An ISO 8601 temp_url_expires is signed as the Unix time it names (Swift's HMAC is
    # over the normalized expiry).
    temp_url_signs_normalized_expiry: bool
    # A signature may be written <digest>:<base64> (Swift); RGW 16 takes hex only (403).
    temp_url_base64_signatures: bool
    # A request a temp URL lets in is cleaned as Swift's tempurl middleware does: writes
    # naming X-Object-Manifest, X-Symlink-Target or X-Copy-From are refused (400), and
    # the query keeps only the temp URL's own parameters.
    temp_url_cleans_requests: bool
    # The headers a temp URL write may not carry (400): Swift refuses those that would
    # point at other data; RGW refuses X-Object-Manifest.
    temp_url_refused_headers: tuple[str, ...]
    # Static web (see swift/staticweb.py): X-Container-Meta-Web-* served to anonymous,
    # temp URL and X-Web-Mode reads (both servers, each its own way).
    static_web: bool
    # RGW 16.2's own static web (see swift/staticweb_rgw.py) rather than Swift's.
    static_web_as_rgw: bool
    # Versioned writes (X-Versions-Location, see swift/versioned_writes.py). Swift also
    # takes X-History-Location (history mode, delete markers); RGW ignores it.
    history_location: bool
    # RGW keeps X-Versions-Location as sent, unchecked, names the archive container by
    # that very text and shows it percent-encoded; Swift refuses a slash (412), shows
    # it as sent and percent-decodes it to name the container.
    versions_location_kept_raw: bool
    # A DELETE in a container whose archive container is missing answers 404 and keeps
    # the object (RGW); Swift deletes it.
    versioned_delete_needs_archive: bool
    # An object PUT refused for want of its archive container still shows Last-Modified:
    # the epoch (RGW's PUT answers its errors so).
    archive_refusal_has_epoch_date: bool
    listing_time: Any = field(repr=False)
    new_trans_id: Any = field(repr=False)
    # The time an archived version's name ends with, from the version's time: Swift's
    # X-Timestamp (5 decimals), RGW's mtime in seconds and microseconds.
    archive_time: Any = field(repr=False)

    def error_code(self, s3_code: str) -> str:
        """The code an error reply names (RGW's word where it differs from S3's)."""
        return _RGW_ERROR_CODES.get(s3_code, s3_code) if self.s3_style_error_bodies else s3_code

    def error_body(self, status: int, s3_code: str) -> str:
        """The short body a failed request answers with."""
        if self.s3_style_error_bodies:
            return self.error_code(s3_code)
        return _SWIFT_HTML_ERRORS.get(status, s3_code)

    def error_document(self, code: str, bucket: str | None, trans_id: str) -> dict[str, str]:
        """What an error body in JSON or XML holds (RGW)."""
        document = {"Code": code, "Message": ""}
        if bucket is not None:
            document["BucketName"] = bucket
        document["RequestId"] = trans_id
        document["HostId"] = f"{trans_id.split('-', 2)[-1]}-default"
        return document


RGW = Flavor(
    name="rgw",
    # RGW serves Swift under /swift, so its info sits at /swift/info; swiftclient
    # derives exactly that from https://a3s.fi:443/swift/v1/AUTH_x.
    info_paths=("/swift/info",),
    info={
        # RGW announces bulk delete without its limits, and not bulk upload (which it has).
        "bulk_delete": {},
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
        # No allowed_digests: RGW 16 checks sha1 signatures only (swiftclient's
        # generate_temp_url signs with sha256 unless told digest="sha1").
        "tempurl": {"methods": ["GET", "HEAD", "PUT", "POST", "DELETE"]},
    },
    # Allas' RGW lets in project members (Keystone's member, or admin which implies it, and
    # the object_store_user role some OpenStack clouds give); reader alone is refused.
    caches_checked_tokens=True,
    storage_policy="default-placement",
    storage_policy_title="Default-Placement",
    storage_class="STANDARD",
    reports_actual_bytes=True,
    post_naming_another_policy_conflicts=True,
    policy_headers_on_empty_account=True,
    account_prefix_optional=True,
    # John's token PUT /swift/v1/AUTH_<Mary's project>/new answers 201 on RGW, with
    # Keystone or its own users alike, and the bucket is Mary's: John cannot even HEAD it.
    others_create_containers_in_any_account=True,
    accepted_roles=frozenset({"member", "object_store_user", "admin"}),
    status_without_token=403,
    anonymous_container_requests_not_found=True,
    # RGW applies the S3 bucket-name minimum to Swift containers too.
    min_container_name_length=3,
    max_container_name_length=255,
    container_name_may_start_with_dot=False,
    container_names_are_global=True,
    others_put_updates_container_metadata=True,
    account_listing_has_last_modified=False,
    account_listing_honours_delimiter=False,
    listing_limit_must_be_integer=True,
    listing_limit_over_max_rejected=frozenset({"account"}),
    listing_limit_error_keeps_account_headers=True,
    container_listing_honours_reverse=False,
    reverse_by_presence=True,
    bare_delimiter_subdir_left_out=True,
    xml_declaration_ends_line=False,
    xml_account_entries_on_lines=False,
    xml_self_closes_empty=False,
    xml_account_name=lambda project: project.name,
    listing_echoes_text_xml=False,
    guess_content_type=mime.rgw_guess,
    empty_content_type_is_guessed=False,
    s3_style_error_bodies=True,
    error_content_type="text/plain; charset=utf-8",
    max_file_size=MAX_FILE_SIZE,
    accepted_body=b"",
    head_errors_have_zero_length=False,
    bad_digest_has_etag=True,
    bad_digest_last_modified_is_epoch=True,
    range_error_keeps_object_headers=False,
    head_ignores_range=False,
    copied_from_account_prefix="",
    account_listing_storage_policy=None,
    slo_stores_manifest_json=False,
    bulk_json_content_type="application/json; charset=utf-8",
    bulk_text_content_type="text/plain; charset=utf-8",
    bulk_json_sorted=True,
    bulk_text_ends_with_newline=False,
    bulk_format_by_best_match=False,
    bulk_xml_compact=True,
    write_reply_type_follows_format=True,
    bulk_upload_errors_are_documents=True,
    bulk_delete_on_any_path=False,
    archive_formats=("tar",),
    extract_refuses_as_errors=True,
    extract_member_names_kept=True,
    extract_passes_request_headers=False,
    extract_makes_containers=False,
    extract_directories_make_containers=True,
    etag_quoter=False,
    bulk_reports_conflict_as_is=True,
    json_separators=(",", ":"),
    text_listing_ends_with_newline=False,
    container_listing_timestamp_is_zero=True,
    default_content_type=None,
    unset_content_type_shown_as="binary/octet-stream",
    write_reply_content_type="text/plain; charset=utf-8",
    copy_reply_has_object_content_type=True,
    bodiless_replies_have_length=False,
    accept_ranges_on_errors=True,
    accept_ranges_on_writes=frozenset({"PUT container", "DELETE container", "POST object"}),
    precondition_failed_keeps_object_headers=False,
    not_modified_is_bare=True,
    error_bodies_follow_format=True,
    slo_marked_in_user_metadata=True,
    slo_segment_etags_checked=False,
    slo_header_reserved=False,
    slo_part_numbers=False,
    segments_read_as_requester=False,
    dlo_manifest_header_strict=False,
    dlo_serves_one_range_only=False,
    dlo_conditions_compare_manifest_etag=True,
    post_without_manifest_keeps_dlo=True,
    cors_from_container_metadata=False,
    container_quota_shown_as_metadata=False,
    announces_keep_alive=True,
    symlinks=False,
    object_versioning=False,
    version_path_is_bad_url=False,
    www_authenticate_on_401=False,
    account_quota_headers_refused=(
        "x-account-meta-quota-bytes",
        "x-remove-account-meta-quota-bytes",
    ),
    container_name_checked_on_every_request=True,
    accounts_exist_before_first_write=True,
    max_meta_name_length=80,
    max_meta_value_length=None,
    max_meta_count=None,
    max_meta_overall_size=None,
    metadata_error_content_type=None,
    metadata_checked_after_body=True,
    etag_conditions_take_lists=False,
    slo_conditions_compare_listed_hash=True,
    conditions_checked_each=False,
    bad_http_dates_rejected=True,
    put_honours_if_none_match=False,
    range_header_style="rgw",
    ignored_range_says_content_range=True,
    json_ensure_ascii=False,
    object_name_limit_counts_bytes=True,
    object_name_checked_on_every_request=True,
    invalid_utf8_path_is_precondition_failed=False,
    invalid_utf8_container_is_412=True,
    header_names_must_be_tokens=True,
    max_header_line=None,
    too_large_status=400,
    too_large_content_type=None,
    plain_error_content_type=None,
    copy_path_error_detail="Bad URL",
    copy_destination_without_container_is_400=True,
    manifest_error_has_empty_etag=True,
    copy_reads_expired_objects=True,
    max_delete_at=None,
    max_delete_at_accepted=(2**64 - 1) // 10**9,
    delete_at_shown_modulo=2**32,
    delete_honours_if_delete_at=False,
    copy_keeps_slo_manifest=True,
    copy_keeps_dlo_manifest=True,
    copy_honours_range=False,
    dlo_manifest_etag_is_empty_md5=True,
    dlo_if_match_reply_is_untyped=False,
    options_on_account_refused=True,
    cors_on_reads_only=True,
    copy_keeps_delete_at=False,
    delete_of_expired_answers_not_found=False,
    acl_kept_as_grants=True,
    # The test RGW's users are named by uid; Allas (Keystone) adds its own forms.
    acl_grantee_forms=(
        "{project}",
        "{project}:*",
        "{project}:{user}",
        "*:{user}",
        "{project_name}:{user_name}",
        "{project_name}:*",
        "*:{user_name}",
    ),
    acl_name_grantee_forms=(),
    acl_role_names_grant_own_project=False,
    operator_roles=None,
    records_project_domain_id=False,
    referrer_acl_grants_listing=True,
    write_acl_covers_container=True,
    acl_headers_shown_to_owner_only=False,
    missing_container_for_others_not_found=True,
    temp_url_digests=("sha1",),
    temp_url_container_keys=False,
    temp_url_prefix_signed_with_api_prefix=True,
    temp_url_bad_signature_status=403,
    temp_url_invalid_detail=None,
    temp_url_incomplete_is_invalid=False,
    temp_url_disposition_has_filename_star=False,
    temp_url_reply_has_expires=False,
    temp_url_hides_object_metadata=False,
    temp_url_signs_normalized_expiry=False,
    temp_url_base64_signatures=False,
    temp_url_cleans_requests=False,
    temp_url_refused_headers=("x-object-manifest",),
    static_web=True,
    static_web_as_rgw=True,
    history_location=False,
    versions_location_kept_raw=True,
    versioned_delete_needs_archive=True,
    archive_refusal_has_epoch_date=True,
    listing_time=_rgw_listing_time,
    new_trans_id=_rgw_trans_id,
    archive_time=_rgw_archive_time,
)

SWIFT = Flavor(
    name="swift",
    # Real Swift answers /info at the root; the fake's storage URL keeps Allas' /swift
    # prefix, so swiftclient asks /swift/info and both must answer.
    info_paths=("/info", "/swift/info"),
    info={
        "swift": {
            "version": "2.38.3",
            "max_file_size": SWIFT_MAX_FILE_SIZE,
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
            "policies": [{"name": "Policy-0", "aliases": "Policy-0", "default": True}],
            "allow_account_management": False,
            "account_autocreate": True,
            "allow_open_expired": False,
            "max_request_line": 8192,
            "strict_cors_mode": True,
        },
        "slo": {
            "max_manifest_segments": MAX_MANIFEST_SEGMENTS,
            "max_manifest_size": 8388608,
            "yield_frequency": 10,
            "min_segment_size": 1,
            "allow_async_delete": True,
        },
        "symlink": {"symloop_max": 2, "static_links": True},
        "object_versioning": {},
        "versioned_writes": {"allowed_flags": ["x-versions-location", "x-history-location"]},
        "staticweb": {},
        # Swift 2.38's dlo middleware announces nothing (the fake serves DLOs all the same).
        "account_quotas": {},
        "container_quotas": {},
        # Quoted ETags only where an account or container asks for them.
        "etag_quoter": {"enable_by_default": False},
        "bulk_upload": {"max_containers_per_extraction": 10000, "max_failed_extractions": 1000},
        "bulk_delete": {
            "max_deletes_per_request": MAX_DELETES_PER_REQUEST,
            "max_failed_deletes": 1000,
        },
        "tempurl": {
            "methods": ["GET", "HEAD", "PUT", "POST", "DELETE"],
            "incoming_remove_headers": ["x-timestamp", "x-open-expired"],
            "incoming_allow_headers": [],
            # Temp URL replies hide user metadata but X-Object-Meta-Public-*.
            "outgoing_remove_headers": ["x-object-meta-*"],
            "outgoing_allow_headers": ["x-object-meta-public-*"],
            "allowed_digests": ["sha1", "sha256", "sha512"],
            "deprecated_digests": ["sha1"],
        },
    },
    caches_checked_tokens=False,
    storage_policy="Policy-0",
    storage_policy_title="Policy-0",
    storage_class=None,
    reports_actual_bytes=False,
    post_naming_another_policy_conflicts=False,
    policy_headers_on_empty_account=False,
    account_prefix_optional=False,
    others_create_containers_in_any_account=False,
    accepted_roles=None,
    status_without_token=401,
    anonymous_container_requests_not_found=False,
    min_container_name_length=1,
    max_container_name_length=256,
    container_name_may_start_with_dot=True,
    container_names_are_global=False,
    others_put_updates_container_metadata=False,
    account_listing_has_last_modified=True,
    account_listing_honours_delimiter=True,
    listing_limit_must_be_integer=False,
    listing_limit_over_max_rejected=frozenset({"account", "container"}),
    listing_limit_error_keeps_account_headers=False,
    container_listing_honours_reverse=True,
    reverse_by_presence=False,
    bare_delimiter_subdir_left_out=False,
    xml_declaration_ends_line=True,
    xml_account_entries_on_lines=True,
    xml_self_closes_empty=True,
    xml_account_name=lambda project: f"AUTH_{project.id}",
    listing_echoes_text_xml=True,
    guess_content_type=mime.swift_guess,
    empty_content_type_is_guessed=True,
    s3_style_error_bodies=False,
    error_content_type="text/html; charset=UTF-8",
    max_file_size=SWIFT_MAX_FILE_SIZE,
    accepted_body=_SWIFT_ACCEPTED,
    head_errors_have_zero_length=True,
    bad_digest_has_etag=False,
    bad_digest_last_modified_is_epoch=False,
    range_error_keeps_object_headers=True,
    head_ignores_range=True,
    copied_from_account_prefix="AUTH_",
    account_listing_storage_policy="Policy-0",
    slo_stores_manifest_json=True,
    bulk_json_content_type="application/json",
    bulk_text_content_type="text/plain",
    bulk_json_sorted=False,
    bulk_text_ends_with_newline=True,
    bulk_format_by_best_match=True,
    bulk_xml_compact=False,
    write_reply_type_follows_format=False,
    bulk_upload_errors_are_documents=False,
    bulk_delete_on_any_path=True,
    archive_formats=("tar", "tar.gz", "tar.bz2"),
    extract_refuses_as_errors=False,
    extract_member_names_kept=False,
    extract_passes_request_headers=True,
    extract_makes_containers=True,
    extract_directories_make_containers=False,
    etag_quoter=True,
    bulk_reports_conflict_as_is=False,
    json_separators=(", ", ": "),
    text_listing_ends_with_newline=True,
    container_listing_timestamp_is_zero=False,
    default_content_type="application/octet-stream",
    unset_content_type_shown_as="application/octet-stream",
    write_reply_content_type="text/html; charset=UTF-8",
    copy_reply_has_object_content_type=False,
    bodiless_replies_have_length=True,
    accept_ranges_on_errors=False,
    accept_ranges_on_writes=frozenset(),
    precondition_failed_keeps_object_headers=True,
    not_modified_is_bare=False,
    error_bodies_follow_format=False,
    slo_marked_in_user_metadata=False,
    slo_segment_etags_checked=True,
    slo_header_reserved=True,
    slo_part_numbers=True,
    segments_read_as_requester=True,
    dlo_manifest_header_strict=True,
    dlo_serves_one_range_only=True,
    dlo_conditions_compare_manifest_etag=False,
    post_without_manifest_keeps_dlo=False,
    cors_from_container_metadata=True,
    container_quota_shown_as_metadata=True,
    announces_keep_alive=False,
    symlinks=True,
    object_versioning=True,
    version_path_is_bad_url=True,
    www_authenticate_on_401=True,
    account_quota_headers_refused=("*",),
    container_name_checked_on_every_request=False,
    accounts_exist_before_first_write=False,
    max_meta_name_length=128,
    max_meta_value_length=256,
    max_meta_count=90,
    max_meta_overall_size=4096,
    metadata_error_content_type="text/plain",
    metadata_checked_after_body=False,
    etag_conditions_take_lists=True,
    slo_conditions_compare_listed_hash=False,
    conditions_checked_each=True,
    bad_http_dates_rejected=False,
    put_honours_if_none_match=True,
    range_header_style="swift",
    ignored_range_says_content_range=False,
    json_ensure_ascii=True,
    object_name_limit_counts_bytes=False,
    object_name_checked_on_every_request=False,
    invalid_utf8_path_is_precondition_failed=True,
    invalid_utf8_container_is_412=False,
    header_names_must_be_tokens=False,
    max_header_line=8192,
    too_large_status=413,
    too_large_content_type="text/plain",
    plain_error_content_type="text/plain",
    copy_path_error_detail=None,
    copy_destination_without_container_is_400=False,
    manifest_error_has_empty_etag=False,
    copy_reads_expired_objects=False,
    max_delete_at=9_999_999_999,
    max_delete_at_accepted=None,
    delete_at_shown_modulo=None,
    delete_honours_if_delete_at=True,
    copy_keeps_slo_manifest=False,
    copy_keeps_dlo_manifest=False,
    copy_honours_range=True,
    dlo_manifest_etag_is_empty_md5=False,
    dlo_if_match_reply_is_untyped=True,
    options_on_account_refused=False,
    cors_on_reads_only=False,
    copy_keeps_delete_at=True,
    delete_of_expired_answers_not_found=True,
    acl_kept_as_grants=False,
    # keystoneauth's cross-project grants: <project>:<user>, ids or "*" for either, and
    # names where the domains allow them.
    acl_grantee_forms=("{project}:{user}", "{project}:*", "*:{user}", "*:*"),
    acl_name_grantee_forms=(
        "{project_name}:{user_name}",
        "{project_name}:{user}",
        "{project}:{user_name}",
        "{project_name}:*",
        "*:{user_name}",
    ),
    acl_role_names_grant_own_project=True,
    # keystoneauth's operator_roles as an OpenStack cloud sets them for its members
    # (Swift's own default is admin and swiftoperator): tests/backends/swift.py uses the
    # same.
    operator_roles=frozenset({"admin", "swiftoperator", "member"}),
    records_project_domain_id=True,
    referrer_acl_grants_listing=False,
    write_acl_covers_container=False,
    acl_headers_shown_to_owner_only=True,
    missing_container_for_others_not_found=False,
    temp_url_digests=("sha1", "sha256", "sha512"),
    temp_url_container_keys=True,
    temp_url_prefix_signed_with_api_prefix=False,
    temp_url_bad_signature_status=401,
    temp_url_invalid_detail="401 Unauthorized: Temp URL invalid\n",
    temp_url_incomplete_is_invalid=True,
    temp_url_disposition_has_filename_star=True,
    temp_url_reply_has_expires=True,
    temp_url_hides_object_metadata=True,
    temp_url_signs_normalized_expiry=True,
    temp_url_base64_signatures=True,
    temp_url_cleans_requests=True,
    temp_url_refused_headers=("x-object-manifest", "x-symlink-target", "x-copy-from"),
    static_web=True,
    static_web_as_rgw=False,
    history_location=True,
    versions_location_kept_raw=False,
    versioned_delete_needs_archive=False,
    archive_refusal_has_epoch_date=False,
    listing_time=_swift_listing_time,
    new_trans_id=_swift_trans_id,
    archive_time=_swift_archive_time,
)

FLAVORS: dict[str, Flavor] = {flavor.name: flavor for flavor in (RGW, SWIFT)}


def get_flavor(name: str) -> Flavor:
    """The flavor called ``name`` ("rgw" or "swift")."""
    try:
        return FLAVORS[name]
    except KeyError:
        raise ValueError(f"unknown flavor {name!r}; choose one of {sorted(FLAVORS)}") from None
