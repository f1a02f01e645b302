"""What the fake Allas remembers: identities, accounts, containers, objects.

No HTTP here. One re-entrant lock guards everything; callers hold ``state.lock``
around any read-modify-write. Object bodies never change once written, so they may
be read after the lock is released.
"""

from __future__ import annotations

import base64
import bisect
import contextlib
import dataclasses
import hashlib
import hmac
import io
import json
import os
import secrets
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

DEFAULT_DOMAIN_ID = "default"
DEFAULT_DOMAIN_NAME = "Default"
SPOOL_THRESHOLD = 1024 * 1024
TOKEN_LIFETIME = 8 * 3600.0
ROLE_NAMES = ("admin", "manager", "member", "reader", "service")
STATE_FILE = "state.json"
BODIES_FOLDER = "bodies"
_FORMAT_VERSION = 1


def stable_id(*parts: str) -> str:
    """32 hex characters derived from ``parts``: the same names give the same ids."""
    return hashlib.md5("/".join(parts).encode("utf-8")).hexdigest()


def project_id_for(project_name: str, domain_id: str = DEFAULT_DOMAIN_ID) -> str:
    """The id a project gets: md5 of its name (of domain/name outside ``default``)."""
    if domain_id == DEFAULT_DOMAIN_ID:
        return stable_id(project_name)
    return stable_id(domain_id, project_name)


def domain_id_for(domain_name: str) -> str:
    """The id a domain gets; ``Default`` is ``default`` as in every Keystone."""
    if domain_name == DEFAULT_DOMAIN_NAME:
        return DEFAULT_DOMAIN_ID
    return stable_id("domain", domain_name)


class EntityTooLarge(Exception):
    """A body grew past the allowed size while it was being read."""


# Bodies ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MemoryBody:
    """A small body kept in memory."""

    data: bytes

    def open(self) -> BinaryIO:
        return io.BytesIO(self.data)


@dataclass(frozen=True)
class FileBody:
    """A body kept in a file of its own."""

    path: Path

    def open(self) -> BinaryIO:
        return open(self.path, "rb")


Body = MemoryBody | FileBody
EMPTY_BODY = MemoryBody(b"")


class BodyStore:
    """Writes bodies (memory or file) and removes the ones no longer referenced."""

    def __init__(self, folder: Path, all_in_files: bool) -> None:
        self.folder = folder
        self.all_in_files = all_in_files
        self._deferred_removals: list[Path] = []
        self._removal_lock = threading.Lock()

    def write(self, chunks: Iterable[bytes], max_size: int) -> tuple[Body, int, str]:
        """Store ``chunks``; return the body, its size and md5 hex.

        Raises EntityTooLarge (and keeps nothing) once more than ``max_size`` bytes came.
        """
        md5 = hashlib.md5()
        size = 0
        buffer = io.BytesIO()
        file: BinaryIO | None = None
        path: Path | None = None
        with contextlib.ExitStack() as stack:
            try:
                for chunk in chunks:
                    if not chunk:
                        continue
                    size += len(chunk)
                    if size > max_size:
                        raise EntityTooLarge()
                    md5.update(chunk)
                    if file is None and (self.all_in_files or size > SPOOL_THRESHOLD):
                        path = self._new_path()
                        file = stack.enter_context(open(path, "wb"))
                        file.write(buffer.getbuffer())
                        buffer = io.BytesIO()
                    (file or buffer).write(chunk)
            except BaseException:
                stack.close()
                if path is not None:
                    path.unlink(missing_ok=True)
                raise
        if path is not None:
            return FileBody(path), size, md5.hexdigest()
        if size == 0:
            return EMPTY_BODY, 0, md5.hexdigest()
        return MemoryBody(buffer.getvalue()), size, md5.hexdigest()

    def discard(self, body: Body) -> None:
        """Forget a body that no object references any more."""
        if not isinstance(body, FileBody):
            return
        if self.all_in_files:
            # The saved state may still name this file until the next save succeeds.
            with self._removal_lock:
                self._deferred_removals.append(body.path)
        else:
            body.path.unlink(missing_ok=True)

    def remove_deferred(self) -> None:
        """Delete files discarded since the last save (call after saving)."""
        with self._removal_lock:
            paths, self._deferred_removals = self._deferred_removals, []
        for path in paths:
            path.unlink(missing_ok=True)

    def _new_path(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / uuid.uuid4().hex


# Storage --------------------------------------------------------------------------


@dataclass(frozen=True)
class SloSegment:
    """One entry of a static large object's manifest: an object (or the bytes ``range``
    of it), or bytes given in the manifest itself (``data``, base64)."""

    container: str
    name: str
    etag: str  # the segment's ETag, as HEAD showed it (an SLO's ETag for a sub-manifest)
    size: int  # the whole segment object's size
    content_type: str
    last_modified: float
    # "first-last" (inclusive), when only those bytes of the object are used.
    range: str | None = None
    data: str | None = None
    # The segment is itself a static large object's manifest.
    sub_slo: bool = False

    @property
    def path(self) -> str:
        return f"/{self.container}/{self.name}"

    @property
    def raw_data(self) -> bytes:
        return base64.b64decode(self.data or "")

    @property
    def bounds(self) -> tuple[int, int]:
        """The bytes of the segment object used: (start, stop), stop exclusive."""
        if self.range is None:
            return 0, self.size
        first, _, last = self.range.partition("-")
        return int(first), int(last) + 1

    @property
    def length(self) -> int:
        """How many bytes the segment adds to the large object."""
        if self.data is not None:
            return len(self.raw_data)
        start, stop = self.bounds
        return stop - start

    @property
    def etag_token(self) -> str:
        """What the segment adds to the large object's ETag (Swift's SLO ETag)."""
        if self.data is not None:
            return hashlib.md5(self.raw_data).hexdigest()
        if self.range is not None:
            return f"{self.etag}:{self.range};"
        return self.etag


@dataclass(frozen=True)
class SymlinkTarget:
    """What a symlink points at: ``target`` is "<container>/<object>" as Swift keeps it
    (percent-encoded); a static link also names the ETag and size its target had."""

    target: str
    account: str | None = None  # as the link names it (AUTH_<id>); None: its own
    etag: str | None = None
    size: int | None = None
    slo_etag: str | None = None  # a static link to an SLO: its quoted SLO ETag
    # Object versioning's link from a container to the current version of an object in
    # its hidden versions container (see swift/object_versioning.py).
    versions: bool = False


@dataclass
class StoredObject:
    """An object's stored body and what Swift keeps about it."""

    name: str
    body: Body
    size: int  # what is stored (for a large object's manifest: the manifest's size)
    etag: str  # md5 of what is stored; the listing's hash
    content_type: str
    last_modified: float
    metadata: dict[str, str] = field(default_factory=dict)
    extra_headers: dict[str, str] = field(default_factory=dict)
    dlo_manifest: str | None = None
    slo_segments: list[SloSegment] | None = None
    # X-Delete-At: when reads start answering 404 (the listing keeps it until deleted).
    delete_at: float | None = None
    # For a symlink: what it points at (its own body is empty).
    symlink: SymlinkTarget | None = None

    def expired(self, now: float | None = None) -> bool:
        return self.delete_at is not None and self.delete_at <= (now or time.time())

    @property
    def is_slo(self) -> bool:
        return self.slo_segments is not None

    @property
    def slo_etag(self) -> str:
        """md5 of the segments' md5s, as Swift computes a static large object's ETag.
        RGW keeps the ETags a manifest names unchecked, so they may be any text."""
        joined = "".join(segment.etag_token for segment in self.slo_segments or ())
        return hashlib.md5(joined.encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def content_length(self) -> int:
        """The size a GET answers with: the segments' total for a static large object."""
        if self.slo_segments is not None:
            return sum(segment.length for segment in self.slo_segments)
        return self.size

    @property
    def content_etag(self) -> str:
        """The ETag a GET answers with (unquoted): the SLO ETag for a static large object."""
        return self.slo_etag if self.is_slo else self.etag


@dataclass
class SortedNames:
    """Names kept in Swift's listing order (UTF-8 byte order equals code point order)."""

    names: list[str] = field(default_factory=list)

    def add(self, name: str) -> None:
        index = bisect.bisect_left(self.names, name)
        if index == len(self.names) or self.names[index] != name:
            self.names.insert(index, name)

    def remove(self, name: str) -> None:
        index = bisect.bisect_left(self.names, name)
        if index < len(self.names) and self.names[index] == name:
            del self.names[index]


# RGW accounts for each object in whole blocks of 4 KiB.
BLOCK_SIZE = 4096


def in_blocks(size: int) -> int:
    """``size`` rounded up to whole blocks."""
    return -(-size // BLOCK_SIZE) * BLOCK_SIZE


@dataclass
class Container:
    """A container (a "bucket" in Allas' words) and its objects."""

    name: str
    created: float
    metadata: dict[str, str] = field(default_factory=dict)
    objects: dict[str, StoredObject] = field(default_factory=dict)
    order: SortedNames = field(default_factory=SortedNames)
    bytes_used: int = 0
    # The bytes its objects take in whole blocks of BLOCK_SIZE (RGW's "actual" bytes).
    bytes_used_actual: int = 0
    last_modified: float = 0.0
    # When a PUT or POST of the container itself last changed it (0: at its creation).
    changed: float = 0.0
    # X-Container-Read / X-Container-Write as the server keeps them ("" for none).
    read_acl: str = ""
    write_acl: str = ""
    # What middlewares keep about a container that no client sets directly (Swift's
    # system metadata): object versioning's "versions-enabled", versioned writes'
    # versions-location and versions-mode.
    sysmeta: dict[str, str] = field(default_factory=dict)

    def put(self, obj: StoredObject) -> StoredObject | None:
        """Store ``obj``; return the object it replaced, if any."""
        old = self.objects.get(obj.name)
        if old is not None:
            self.bytes_used -= old.size
            self.bytes_used_actual -= in_blocks(old.size)
        else:
            self.order.add(obj.name)
        self.objects[obj.name] = obj
        self.bytes_used += obj.size
        self.bytes_used_actual += in_blocks(obj.size)
        self.last_modified = time.time()
        return old

    def pop(self, name: str) -> StoredObject | None:
        """Remove and return the object called ``name``, if any."""
        old = self.objects.pop(name, None)
        if old is not None:
            self.order.remove(name)
            self.bytes_used -= old.size
            self.bytes_used_actual -= in_blocks(old.size)
            self.last_modified = time.time()
        return old


@dataclass
class Account:
    """The storage account of one project (``AUTH_<project id>``)."""

    project_id: str
    created: float
    metadata: dict[str, str] = field(default_factory=dict)
    containers: dict[str, Container] = field(default_factory=dict)
    order: SortedNames = field(default_factory=SortedNames)
    # False until the first write (a container made, metadata set): in Swift only
    # that creates the account's database.
    written: bool = False
    # The domain of the project that owns it, as its own token's first write recorded
    # it (keystoneauth keeps it in the account's system metadata).
    project_domain_id: str | None = None
    # What middlewares keep about the account that no client sets directly (Swift's
    # system metadata): the etag quoter's flag.
    sysmeta: dict[str, str] = field(default_factory=dict)

    @property
    def object_count(self) -> int:
        return sum(len(container.objects) for container in self.containers.values())

    @property
    def bytes_used(self) -> int:
        return sum(container.bytes_used for container in self.containers.values())

    @property
    def bytes_used_actual(self) -> int:
        return sum(container.bytes_used_actual for container in self.containers.values())


def fernet_like(length: int) -> str:
    """A random token shaped as Keystone's Fernet tokens are: ``gAAAAAB`` and URL-safe
    base64 without padding, 183 characters for a project-scoped password login, 162
    unscoped, 204 for an application credential or a rescoped token."""
    return "gAAAAAB" + secrets.token_urlsafe(length)[: length - 7]


# Identity -------------------------------------------------------------------------


@dataclass(frozen=True)
class Domain:
    id: str
    name: str


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    domain_id: str


# Keystone's own roles (keystone-manage bootstrap), each with the roles it implies.
IMPLIED_ROLES = {
    "admin": ("manager",),
    "manager": ("member",),
    "member": ("reader",),
    "reader": (),
    "service": (),
}


def effective_roles(assigned: tuple[str, ...]) -> tuple[str, ...]:
    """The assigned roles and every role they imply, as a token lists them."""
    found: list[str] = []
    waiting = list(assigned)
    while waiting:
        role = waiting.pop(0)
        if role not in found:
            found.append(role)
            waiting.extend(IMPLIED_ROLES.get(role, ()))
    return tuple(found)


@dataclass(frozen=True)
class User:
    id: str
    name: str
    password: str
    domain_id: str
    default_project_id: str
    # The roles assigned to the user on its project.
    roles: tuple[str, ...] = ("member",)


@dataclass(frozen=True)
class ApplicationCredential:
    """A user's application credential, scoped to one project.

    Only the secret's sha256 is kept, as Keystone keeps only a hash.
    """

    id: str
    name: str
    user_id: str
    project_id: str
    secret_sha256: str = field(repr=False)
    # The roles its tokens carry: the user's (with the implied ones) unless restricted.
    roles: tuple[str, ...] = ()

    def secret_matches(self, secret: str) -> bool:
        digest = hashlib.sha256(secret.encode("utf-8")).hexdigest()
        return hmac.compare_digest(digest, self.secret_sha256)


@dataclass(frozen=True)
class Token:
    id: str
    user_id: str
    project_id: str | None
    methods: tuple[str, ...]
    issued_at: float
    expires_at: float
    audit_ids: tuple[str, ...]
    application_credential_id: str | None = None
    roles: tuple[str, ...] = ()  # with the implied ones; none for an unscoped token
    revoked: bool = False

    def is_valid(self, now: float | None = None) -> bool:
        return not self.revoked and not self.has_expired(now)

    def has_expired(self, now: float | None = None) -> bool:
        return (now if now is not None else time.time()) >= self.expires_at


# The whole state ------------------------------------------------------------------


class FakeState:
    """Everything the fake stores, with one lock and optional persistence in a folder."""

    def __init__(self, state_dir: Path | None = None) -> None:
        self.lock = threading.RLock()
        self.state_dir = state_dir
        self._temp_dir: tempfile.TemporaryDirectory[str] | None = None
        if state_dir is not None:
            self.bodies = BodyStore(state_dir / BODIES_FOLDER, all_in_files=True)
        else:
            self._temp_dir = tempfile.TemporaryDirectory(prefix="fake-allas-")
            self.bodies = BodyStore(Path(self._temp_dir.name), all_in_files=False)
        self.domains: dict[str, Domain] = {}
        self.projects: dict[str, Project] = {}
        self.users: dict[str, User] = {}
        self.tokens: dict[str, Token] = {}
        self.application_credentials: dict[str, ApplicationCredential] = {}
        self.accounts: dict[str, Account] = {}
        self.add_user("John", "John1234", "project_123456")
        if state_dir is not None:
            self.load()

    # identities

    def add_domain(self, name: str) -> Domain:
        with self.lock:
            domain = Domain(domain_id_for(name), name)
            self.domains.setdefault(domain.id, domain)
            return self.domains[domain.id]

    def add_project(self, name: str, domain_name: str = DEFAULT_DOMAIN_NAME) -> Project:
        with self.lock:
            domain = self.add_domain(domain_name)
            project = Project(project_id_for(name, domain.id), name, domain.id)
            self.projects.setdefault(project.id, project)
            return self.projects[project.id]

    def add_user(
        self,
        username: str,
        password: str,
        project_name: str,
        user_domain: str = DEFAULT_DOMAIN_NAME,
        project_domain: str = DEFAULT_DOMAIN_NAME,
        roles: tuple[str, ...] = ("member",),
    ) -> User:
        """Register (or replace) a user who holds ``roles`` in ``project_name``."""
        with self.lock:
            domain = self.add_domain(user_domain)
            project = self.add_project(project_name, project_domain)
            user = User(
                id=stable_id("user", domain.id, username),
                name=username,
                password=password,
                domain_id=domain.id,
                default_project_id=project.id,
                roles=tuple(roles),
            )
            self.users[user.id] = user
            return user

    def add_application_credential(
        self,
        user: User,
        name: str,
        secret: str | None = None,
        roles: tuple[str, ...] | None = None,
    ) -> tuple[ApplicationCredential, str]:
        """Create (or replace the same-named) credential of ``user`` for its project;
        return it and its secret (generated when None). ``roles`` restricts it to some of
        the user's roles (None: all of them)."""
        held = effective_roles(user.roles)
        if roles is not None and not set(roles) <= set(held):
            raise ValueError(f"{user.name} does not hold all of the roles {tuple(roles)}")
        if secret is None:
            secret = secrets.token_urlsafe(64)
        credential = ApplicationCredential(
            id=uuid.uuid4().hex,
            name=name,
            user_id=user.id,
            project_id=user.default_project_id,
            secret_sha256=hashlib.sha256(secret.encode("utf-8")).hexdigest(),
            roles=held if roles is None else effective_roles(tuple(roles)),
        )
        with self.lock:
            for old in list(self.application_credentials.values()):
                if old.user_id == user.id and old.name == name:
                    del self.application_credentials[old.id]
            self.application_credentials[credential.id] = credential
        return credential, secret

    def find_application_credential(
        self, id: str | None = None, name: str | None = None, user_id: str | None = None
    ) -> ApplicationCredential | None:
        """A credential by id, or by name and the owning user's id."""
        with self.lock:
            if id is not None:
                return self.application_credentials.get(id)
            return next(
                (
                    c
                    for c in self.application_credentials.values()
                    if c.name == name and c.user_id == user_id
                ),
                None,
            )

    def find_domain(self, name: str | None = None, id: str | None = None) -> Domain | None:
        with self.lock:
            if id is not None:
                return self.domains.get(id)
            return next((d for d in self.domains.values() if d.name == name), None)

    def find_user(self, name: str, domain_id: str) -> User | None:
        with self.lock:
            return next(
                (u for u in self.users.values() if u.name == name and u.domain_id == domain_id),
                None,
            )

    def find_user_by_name(self, name: str) -> User:
        """The user called ``name`` (any domain); KeyError when there is none."""
        with self.lock:
            for user in self.users.values():
                if user.name == name:
                    return user
        raise KeyError(f"no fake Allas user called {name!r}")

    def find_project(self, name: str, domain_id: str) -> Project | None:
        with self.lock:
            return next(
                (p for p in self.projects.values() if p.name == name and p.domain_id == domain_id),
                None,
            )

    def issue_token(
        self,
        user: User,
        project_id: str | None,
        methods: tuple[str, ...] = ("password",),
        lifetime: float = TOKEN_LIFETIME,
        application_credential: ApplicationCredential | None = None,
        rescoped: Token | None = None,
    ) -> Token:
        """A new token. One that ``rescoped`` (a token login) keeps that token's expiry and
        methods, and adds its audit id to the chain, as Keystone does."""
        now = time.time()
        audit_ids = (secrets.token_urlsafe(16)[:22],)
        expires_at = now + lifetime
        if rescoped is not None:
            methods = tuple(dict.fromkeys(rescoped.methods + methods))
            audit_ids += rescoped.audit_ids[:1]
            expires_at = rescoped.expires_at
        if project_id is None:
            roles: tuple[str, ...] = ()
        elif application_credential is not None:
            roles = application_credential.roles
        else:
            roles = effective_roles(user.roles)
        size = 162 if project_id is None else 183
        if application_credential is not None or len(audit_ids) > 1:
            size += 21
        token = Token(
            id=fernet_like(size),
            user_id=user.id,
            project_id=project_id,
            methods=methods,
            issued_at=now,
            expires_at=expires_at,
            audit_ids=audit_ids,
            application_credential_id=application_credential.id if application_credential else None,
            roles=roles,
        )
        with self.lock:
            self.tokens[token.id] = token
        return token

    def was_issued(self, token_id: str) -> bool:
        """Whether this token was issued here (it may have expired or been revoked since)."""
        with self.lock:
            return token_id in self.tokens

    def revoke_token(self, token_id: str) -> None:
        """Revoke a token at Keystone; it stays known as one that was issued."""
        with self.lock:
            token = self.tokens.get(token_id)
            if token is not None:
                self.tokens[token_id] = dataclasses.replace(token, revoked=True)

    def unexpired_token(self, token_id: str) -> Token | None:
        """The token called ``token_id`` if it has not expired, revoked or not."""
        with self.lock:
            token = self.tokens.get(token_id)
        return token if token is not None and not token.has_expired() else None

    def valid_token(self, token_id: str | None) -> Token | None:
        """The token called ``token_id`` if it exists and has not expired."""
        if not token_id:
            return None
        with self.lock:
            token = self.tokens.get(token_id)
        return token if token is not None and token.is_valid() else None

    def expire_tokens(self) -> int:
        """Make every token issued so far expire now; return how many were still valid."""
        with self.lock:
            now = time.time()
            valid = 0
            for token_id, token in self.tokens.items():
                if token.is_valid(now):
                    valid += 1
                    self.tokens[token_id] = dataclasses.replace(token, expires_at=now)
            return valid

    # storage

    def account(self, project_id: str) -> Account:
        """The account of ``project_id``, created on first use (as account_autocreate)."""
        with self.lock:
            account = self.accounts.get(project_id)
            if account is None:
                account = self.accounts[project_id] = Account(project_id, time.time())
            return account

    def container_owner(self, container_name: str) -> str | None:
        """The project id holding a container of that name, if any."""
        with self.lock:
            for account in self.accounts.values():
                if container_name in account.containers:
                    return account.project_id
        return None

    # persistence

    def load(self) -> None:
        """Read ``state.json`` from the state folder, if there is one."""
        assert self.state_dir is not None
        path = self.state_dir / STATE_FILE
        if not path.exists():
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as error:
            raise ValueError(f"fake Allas state in {path} is unreadable: {error}") from error
        with self.lock:
            for raw in data.get("domains", []):
                self.domains[raw["id"]] = Domain(**raw)
            for raw in data.get("projects", []):
                self.projects[raw["id"]] = Project(**raw)
            for raw_account in data.get("accounts", []):
                self.accounts[raw_account["project_id"]] = self._account_from_json(raw_account)

    def save(self) -> None:
        """Write the state atomically (temporary file, then ``os.replace``).

        Users, tokens and application credentials are left out: passwords, tokens and
        credential secrets are never written to disk.
        Each run starts with the example user John and logs in again.
        """
        assert self.state_dir is not None
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with self.lock:
            data = {
                "format": _FORMAT_VERSION,
                "domains": [vars(d) for d in self.domains.values()],
                "projects": [vars(p) for p in self.projects.values()],
                "accounts": [self._account_to_json(a) for a in self.accounts.values()],
            }
        fd, temp_name = tempfile.mkstemp(prefix=".state-", suffix=".json", dir=self.state_dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(data, file)
            os.replace(temp_name, self.state_dir / STATE_FILE)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        self.bodies.remove_deferred()

    def close(self) -> None:
        """Drop temporary files (non-persistent mode)."""
        if self._temp_dir is not None:
            self._temp_dir.cleanup()
            self._temp_dir = None

    def _account_to_json(self, account: Account) -> dict:
        return {
            "project_id": account.project_id,
            "created": account.created,
            "written": account.written,
            "project_domain_id": account.project_domain_id,
            "metadata": account.metadata,
            "sysmeta": account.sysmeta,
            "containers": [
                {
                    "name": c.name,
                    "created": c.created,
                    "last_modified": c.last_modified,
                    "changed": c.changed,
                    "metadata": c.metadata,
                    "read_acl": c.read_acl,
                    "write_acl": c.write_acl,
                    "sysmeta": c.sysmeta,
                    "objects": [self._object_to_json(o) for o in c.objects.values()],
                }
                for c in account.containers.values()
            ],
        }

    def _object_to_json(self, obj: StoredObject) -> dict:
        # In persistent mode every non-empty body is a file (BodyStore.all_in_files).
        body = obj.body.path.name if isinstance(obj.body, FileBody) else None
        return {
            "name": obj.name,
            "body": body,
            "size": obj.size,
            "etag": obj.etag,
            "content_type": obj.content_type,
            "last_modified": obj.last_modified,
            "metadata": obj.metadata,
            "extra_headers": obj.extra_headers,
            "dlo_manifest": obj.dlo_manifest,
            "slo_segments": (
                None if obj.slo_segments is None else [vars(s) for s in obj.slo_segments]
            ),
            "delete_at": obj.delete_at,
            "symlink": None if obj.symlink is None else vars(obj.symlink),
        }

    def _account_from_json(self, raw: dict) -> Account:
        account = Account(
            raw["project_id"],
            raw["created"],
            raw.get("metadata", {}),
            written=raw.get("written", True),
            project_domain_id=raw.get("project_domain_id"),
            sysmeta=raw.get("sysmeta", {}),
        )
        for raw_container in raw.get("containers", []):
            container = Container(
                raw_container["name"], raw_container["created"], raw_container["metadata"]
            )
            for raw_object in raw_container["objects"]:
                container.put(self._object_from_json(raw_object))
            container.last_modified = raw_container.get("last_modified", container.created)
            container.changed = raw_container.get("changed", 0.0)
            container.read_acl = raw_container.get("read_acl", "")
            container.write_acl = raw_container.get("write_acl", "")
            container.sysmeta = raw_container.get("sysmeta", {})
            account.containers[container.name] = container
            account.order.add(container.name)
        return account

    def _object_from_json(self, raw: dict) -> StoredObject:
        body: Body = EMPTY_BODY
        if raw["body"]:
            body = FileBody(self.bodies.folder / raw["body"])
        segments = raw.get("slo_segments")
        return StoredObject(
            name=raw["name"],
            body=body,
            size=raw["size"],
            etag=raw["etag"],
            content_type=raw["content_type"],
            last_modified=raw["last_modified"],
            metadata=raw.get("metadata", {}),
            extra_headers=raw.get("extra_headers", {}),
            dlo_manifest=raw.get("dlo_manifest"),
            slo_segments=None if segments is None else [SloSegment(**s) for s in segments],
            delete_at=raw.get("delete_at"),
            symlink=SymlinkTarget(**raw["symlink"]) if raw.get("symlink") else None,
        )


def reset_state(path: str | os.PathLike[str]) -> None:
    """Empty a persistent state folder made by ``mock_allas(state_dir=...)``; safe if missing."""
    folder = Path(path)
    if not folder.is_dir():
        return
    (folder / STATE_FILE).unlink(missing_ok=True)
    shutil.rmtree(folder / BODIES_FOLDER, ignore_errors=True)
    for leftover in folder.glob(".state-*.json"):
        leftover.unlink(missing_ok=True)
