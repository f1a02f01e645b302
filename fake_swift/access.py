"""Container ACLs and temp URL signatures, as pure functions. No state, no HTTP here.

Two ACL syntaxes (see :class:`~fake_swift.flavors.Flavor`): Swift's ``clean_acl``, which
keeps the entries in order, and RGW's, which turns the header into grants and shows them
back with the referrer grants first and the grantees sorted.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

REFERRER_DESIGNATORS = (".r", ".ref", ".referer", ".referrer")
DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}
# The length of a hex signature names its digest.
_HEX_LENGTHS = {40: "sha1", 64: "sha256", 128: "sha512"}


class AclError(ValueError):
    """An ACL header the server refuses (400); the message is Swift's sentence."""


# --- ACLs ----------------------------------------------------------------------------


def clean_acl(header: str, value: str, as_grants: bool) -> str:
    """The ACL ``value`` of ``header`` (X-Container-Read or -Write) as the server keeps
    and shows it; AclError when it is refused. ``as_grants``: RGW's way."""
    if as_grants:
        return _rgw_acl(header, value)
    return _swift_acl(header, value)


def _swift_acl(header: str, value: str) -> str:
    """swift.common.middleware.acl.clean_acl."""
    values = []
    for raw in value.split(","):
        raw = raw.strip()
        if not raw:
            continue
        if ":" not in raw:
            values.append(raw)
            continue
        first, second = (part.strip() for part in raw.split(":", 1))
        if not first or not first.startswith("."):
            values.append(raw)
        elif first in REFERRER_DESIGNATORS:
            if "write" in header.lower():
                raise AclError(f"Referrers not allowed in write ACL: {raw!r}")
            negate = second.startswith("-")
            if negate:
                second = second[1:].strip()
            if second and second != "*" and second.startswith("*"):
                second = second[1:].strip()
            if not second or second == ".":
                raise AclError(f"No host/domain value after referrer designation in ACL: {raw!r}")
            values.append(f".r:{'-' if negate else ''}{second}")
        else:
            raise AclError(f"Unknown designator {first!r} in ACL: {raw!r}")
    return ",".join(values)


def _rgw_acl(header: str, value: str) -> str:
    """RGWAccessControlPolicy_SWIFT: entries split on spaces and commas, referrers
    (read only) first in the order sent, then the grantees sorted."""
    referrers: list[str] = []
    grantees: list[str] = []
    for entry in (part for part in re.split(r"[ ,]", value) if part):
        designator, colon, designatee = entry.partition(":")
        if not colon or not designator.startswith("."):
            grantees.append(entry)
            continue
        if designator not in REFERRER_DESIGNATORS or "write" in header.lower():
            raise AclError(f"Invalid ACL entry: {entry!r}")
        negate = designatee.startswith("-")
        if negate:
            designatee = designatee[1:]
        if designatee != "*" and designatee.startswith("*"):
            designatee = designatee[1:]
        if not designatee or designatee == ".":
            raise AclError(f"Invalid ACL entry: {entry!r}")
        referrers.append(f".r:{'-' if negate else ''}{designatee}")
    return ",".join(referrers + sorted(grantees))


def parse_acl(value: str) -> tuple[list[str], list[str]]:
    """A cleaned ACL as its referrer designations (without ``.r:``) and its grantees."""
    referrers, grantees = [], []
    for entry in value.split(",") if value else ():
        if entry.startswith(".r:"):
            referrers.append(entry[3:])
        else:
            grantees.append(entry)
    return referrers, grantees


def referrer_allowed(referer: str | None, referrers: list[str]) -> bool:
    """Whether an HTTP Referer passes the referrer designations (Swift's rules)."""
    allowed = False
    host = urlsplit(referer or "").hostname or "unknown"
    for rule in referrers:
        if rule.startswith("-"):
            rule = rule[1:]
            if rule == host or (rule.startswith(".") and host.endswith(rule)):
                allowed = False
        elif rule == "*" or rule == host or (rule.startswith(".") and host.endswith(rule)):
            allowed = True
    return allowed


@dataclass(frozen=True)
class Requester:
    """Who sends a request that is not its account's own: the names a grant may use."""

    project_id: str
    project_name: str
    user_id: str
    user_name: str
    user_domain_id: str = "default"
    project_domain_id: str = "default"
    roles: tuple[str, ...] = ()

    def names(self, forms: tuple[str, ...]) -> set[str]:
        """The grantee names that mean this requester, in the flavor's ``forms``."""
        return {
            form.format(
                project=self.project_id,
                project_name=self.project_name,
                user=self.user_id,
                user_name=self.user_name,
            )
            for form in forms
        }


def acl_allows(
    acl: str,
    requester: Requester | None,
    forms: tuple[str, ...],
    referer: str | None,
    listing: bool,
    referrers_grant_listing: bool,
    role_names: frozenset[str] = frozenset(),
) -> bool:
    """Whether a cleaned read or write ACL lets ``requester`` (None: anonymous) in.

    ``listing``: a container GET/HEAD, which referrers allow only with ``.rlistings``
    (unless ``referrers_grant_listing``, RGW's public-read). ``role_names``: roles whose
    names in the ACL let the requester in too (keystoneauth, in the requester's project)."""
    referrers, grantees = parse_acl(acl)
    if referrer_allowed(referer, referrers) and (
        not listing or referrers_grant_listing or ".rlistings" in grantees
    ):
        return True
    names = requester.names(forms) | set(role_names) if requester is not None else set()
    return bool(names & set(grantees))


# --- temp URLs -----------------------------------------------------------------------


@dataclass(frozen=True)
class TempUrl:
    """The temp URL parameters of a request's query string."""

    signature: str | None
    expires: str | None
    prefix: str | None
    inline: bool
    filename: str | None

    @property
    def complete(self) -> bool:
        return self.signature is not None and self.expires is not None

    @property
    def present(self) -> bool:
        return self.signature is not None or self.expires is not None


def temp_url_query(query: dict[str, str]) -> TempUrl:
    return TempUrl(
        signature=query.get("temp_url_sig"),
        expires=query.get("temp_url_expires"),
        prefix=query.get("temp_url_prefix"),
        inline="inline" in query,
        filename=query.get("filename"),
    )


def expiry_time(value: str) -> int | None:
    """``temp_url_expires`` as a Unix time: an integer or ISO 8601 ``%Y-%m-%dT%H:%M:%SZ``."""
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return calendar.timegm(time.strptime(value, "%Y-%m-%dT%H:%M:%SZ"))
    except ValueError:
        return None


def signature_digest(signature: str) -> tuple[str, str] | None:
    """The digest a signature was made with and its hex value (None: not a signature).

    Hex of 40, 64 or 128 digits, or ``<digest>:<base64>`` as swiftclient writes sha512."""
    if ":" in signature:
        name, _, encoded = signature.partition(":")
        if name not in DIGESTS:
            return None
        try:
            raw = base64.b64decode(encoded + "=" * (-len(encoded) % 4), altchars=b"-_")
        except (binascii.Error, ValueError):
            return None
        return name, raw.hex()
    name = _HEX_LENGTHS.get(len(signature))
    if name is None or not re.fullmatch(r"[0-9a-fA-F]+", signature):
        return None
    return name, signature.lower()


def signature_matches(
    signature: str,
    digests: tuple[str, ...],
    keys: list[str],
    methods: list[str],
    paths: list[str],
    expires: str,
    base64_allowed: bool = True,
) -> bool:
    """Whether ``signature`` is the HMAC of ``METHOD\\nexpires\\npath`` under one key,
    method and path (a prefix URL's path is ``prefix:<path>``); ``base64_allowed``: also
    in swiftclient's ``<digest>:<base64>`` form."""
    if ":" in signature and not base64_allowed:
        return False
    found = signature_digest(signature)
    if found is None or found[0] not in digests:
        return False
    name, wanted = found
    for key in keys:
        for method in methods:
            for path in paths:
                body = f"{method}\n{expires}\n{path}".encode()
                computed = hmac.new(key.encode(), body, DIGESTS[name]).hexdigest()
                if hmac.compare_digest(computed, wanted):
                    return True
    return False


def signing_methods(method: str) -> list[str]:
    """The methods whose signature lets ``method`` in: a HEAD also takes GET and PUT ones."""
    return ["HEAD", "GET", "PUT"] if method == "HEAD" else [method]


def content_disposition(
    temp_url: TempUrl, object_name: str, kept: str | None, with_filename_star: bool
) -> str:
    """The Content-Disposition of a temp URL GET or HEAD.

    Swift (``with_filename_star``) quotes the filename and adds ``filename*``, also for
    ``inline``; RGW writes the filename as the query had it, and ``inline`` alone."""
    filename = temp_url.filename
    if temp_url.inline:
        if filename and with_filename_star:
            return _disposition("inline", filename)
        return "inline"
    if filename is not None:
        if with_filename_star:
            return _disposition("attachment", filename)
        return f'attachment; filename="{quote(filename)}"'  # as the query string had it
    if kept:
        return kept
    name = object_name.rstrip("/").rsplit("/", 1)[-1]
    if with_filename_star:
        return _disposition("attachment", name)
    return f'attachment; filename="{name}"'


def _disposition(kind: str, filename: str) -> str:
    escaped = filename.replace('"', '\\"')
    return f"{kind}; filename=\"{escaped}\"; filename*=UTF-8''{quote(filename)}"
