"""Turn what can go wrong into one sentence in the user's language and an exit code.

Exit codes: 0 done; 1 the service refused or failed; 2 bad usage or configuration.
"""

from __future__ import annotations

import errno
import json
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus, unquote, urlparse

import requests
import urllib3
from keystoneauth1 import exceptions as ksa_exceptions
from swiftclient.exceptions import ClientException
from swiftclient.service import SwiftError

from allas_examples.messages import text
from allas_examples.timeouts import DEFAULT_TIMEOUT, configured_timeout

EXIT_OK = 0
EXIT_SERVICE = 1
EXIT_USAGE = 2


class AllasExampleError(Exception):
    """An error whose message is a catalog sentence; the service's side by default."""

    exit_code = EXIT_SERVICE

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def message(self) -> str:
        return text(self.key, **self.values)


class ConfigurationError(AllasExampleError):
    """Bad usage or configuration: missing variables, bad options, missing local files."""

    exit_code = EXIT_USAGE


# How a body that breaks off mid-transfer surfaces, after swiftclient's own retries
# from the offset reached.
_BROKEN_TRANSFER = (
    requests.exceptions.ChunkedEncodingError,
    urllib3.exceptions.ProtocolError,
    ConnectionError,
)


def _timed_out(error: BaseException) -> bool:
    """Whether ``error`` says that an answer did not come within the timeout."""
    if isinstance(error, requests.ConnectionError) and error.args:
        error = error.args[0]  # a body that stopped coming: requests wraps urllib3's timeout
    return isinstance(
        error,
        (
            requests.Timeout,
            ksa_exceptions.ConnectTimeout,
            urllib3.exceptions.TimeoutError,
            TimeoutError,
        ),
    )


def describe(error: BaseException, by_keystone: bool = False) -> tuple[str, int]:
    """One translated sentence and the exit code for ``error``.

    ``by_keystone``: the connection logged in at Keystone itself (a password or an
    application credential) rather than with a token it was given."""
    if isinstance(error, AllasExampleError):
        return error.message(), error.exit_code
    if isinstance(error, SwiftError):
        # SwiftService wraps the real cause; describe that when there is one.
        if isinstance(error.exception, BaseException):
            return describe(error.exception, by_keystone)
        return text("service_error", detail=error.value), EXIT_SERVICE
    if isinstance(error, ClientException):
        return _describe_swift(error, by_keystone), EXIT_SERVICE
    if isinstance(error, ksa_exceptions.Unauthorized):
        return text("login_refused"), EXIT_SERVICE
    if isinstance(error, ksa_exceptions.Forbidden):
        return text("forbidden"), EXIT_SERVICE
    if isinstance(error, ksa_exceptions.EndpointNotFound):
        return text("no_object_store"), EXIT_SERVICE
    if _timed_out(error):
        # A timeout came, so the configured value was good (the default otherwise).
        seconds = configured_timeout()[0] or DEFAULT_TIMEOUT
        return text("timed_out", host=_host_in(str(error)), seconds=seconds), EXIT_SERVICE
    if isinstance(error, _BROKEN_TRANSFER):
        return text("transfer_broken"), EXIT_SERVICE
    if isinstance(
        error, (ksa_exceptions.ConnectionError, requests.ConnectionError, requests.Timeout)
    ):
        return text("connection_failed", host=_host_in(str(error))), EXIT_SERVICE
    if isinstance(error, ksa_exceptions.HttpError):
        return text("http_error", status=error.http_status, reason=error.message), EXIT_SERVICE
    if isinstance(error, ksa_exceptions.ClientException):
        return text("service_error", detail=str(error)), EXIT_SERVICE
    if isinstance(error, FileNotFoundError):
        return text("local_missing", path=error.filename), EXIT_USAGE
    if isinstance(error, IsADirectoryError):
        return text("local_is_directory", path=error.filename), EXIT_USAGE
    if isinstance(error, PermissionError):
        return text("local_permission", path=error.filename), EXIT_USAGE
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return text("disk_full", path=error.filename), EXIT_SERVICE
    if isinstance(error, OSError):
        return text("local_os_error", path=error.filename, reason=error.strerror), EXIT_SERVICE
    if isinstance(error, KeyboardInterrupt):
        return text("interrupted"), EXIT_SERVICE
    return text("service_error", detail=f"{type(error).__name__}: {error}"), EXIT_SERVICE


def _describe_swift(error: ClientException, by_keystone: bool) -> str:
    status = error.http_status
    bucket, name = _bucket_and_object(error.http_path or "")
    body = _body_text(error.http_response_content)
    if status is None:
        # swiftclient reports Keystone refusals (user/key login) without a status.
        if error.msg.startswith("Unauthorized"):
            return text("login_refused")
        if error.msg.startswith("Endpoint for"):
            return text("no_object_store")
        return text("service_error", detail=error.msg)
    if status == 401:
        # A connection that logs in at Keystone logs in again when its token expires: a
        # token it got moments ago was refused for the user's role. A token brought in
        # from elsewhere (allas-conf) may simply have expired.
        return text("role_refused" if by_keystone else "token_refused")
    if status == 403:
        return text("forbidden")
    if status == 404:
        if name is None or "NoSuchBucket" in body:
            return text("no_such_bucket", bucket=bucket)
        return text("no_such_object", bucket=bucket, object=name)
    if status == 409 and name is None:
        if "BucketAlreadyExists" in body:
            return text("bucket_name_taken", bucket=bucket)
        return text("bucket_not_empty", bucket=bucket)
    # Ceph RGW (Allas) refuses an upload declared over 5 GiB with 400 EntityTooLarge.
    if status == 413 or (status == 400 and "EntityTooLarge" in body):
        return text("too_large")
    if status == 422:
        return text("checksum_refused")
    # The scripts send no conditions of their own: a 412 on an object GET is Allas
    # refusing swiftclient's resume of a segmented object whose transfer broke off.
    if status == 412 and name is not None and error.msg.startswith("Object GET failed"):
        return text("transfer_broken")
    if status == 400 and "InvalidBucketName" in body:
        return text("bucket_name_refused", bucket=bucket)
    if status == 400:
        return text("bad_request", detail=body or error.http_reason)
    return text("http_error", status=status, reason=error.http_reason)


def _bucket_and_object(path: str) -> tuple[str | None, str | None]:
    """Split ``/swift/v1/AUTH_x/bucket/object/name`` after the account part."""
    parts = path.split("/")
    for index, part in enumerate(parts):
        if part.startswith("AUTH_"):
            rest = parts[index + 1 :]
            bucket = unquote(rest[0]) if rest and rest[0] else None
            name = unquote("/".join(rest[1:])) if len(rest) > 1 else None
            return bucket, name or None
    return None, None


def _body_text(content: object) -> str:
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    return str(content or "").strip()[:200]


def _host_in(message: str) -> str:
    match = re.search(r"https?://[^\s'\"]+", message)
    if match:
        return urlparse(match.group(0)).hostname or "Allas"
    pool = re.search(r"host='([^']+)'", message)  # urllib3: HTTPSConnectionPool(host='a3s.fi', ...)
    return pool.group(1) if pool else "Allas"


# Secrets this process has been given or has received (passwords typed at a prompt,
# application-credential secrets, tokens), so that no report can show them.
_REMEMBERED_SECRETS: set[str] = set()


def remember_secret(secret: str | None) -> None:
    """Keep ``secret`` out of every message that ``redact`` sees from now on."""
    if secret:
        _REMEMBERED_SECRETS.add(secret)


def redact(message: str, secrets: Iterable[str] = ()) -> str:
    """``message`` with every secret (password, token) replaced by asterisks, also where
    it appears URL-encoded or escaped for JSON, as request logs show it."""
    forms = {form for secret in {*secrets, *_REMEMBERED_SECRETS} for form in _forms(secret)}
    for form in sorted(forms, key=len, reverse=True):
        message = message.replace(form, "***")
    return message


def _forms(secret: str) -> set[str]:
    if not secret or len(secret) < 4:
        return set()  # too short to find without blanking ordinary words
    return {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}
