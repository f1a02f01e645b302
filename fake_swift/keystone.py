"""Keystone v3, as much as logging in to Allas needs: discovery, password, token and
application-credential login, token validation and revocation."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import Any

from .messages import Reply, Request, json_reply
from .state import (
    DEFAULT_DOMAIN_ID,
    ROLE_NAMES,
    ApplicationCredential,
    FakeState,
    Project,
    Token,
    User,
    stable_id,
)

AUTH_ORIGIN = "https://pouta.csc.fi:5001"
AUTH_URL = f"{AUTH_ORIGIN}/v3"
STORAGE_ROOT = "https://a3s.fi:443/swift/v1"
REGION = "regionOne"
ROLE_IDS = {name: stable_id("role", name) for name in ROLE_NAMES}
_VERSION_UPDATED = "2020-04-07T00:00:00Z"
# Keystone (Flask) sends JSON as plain application/json; errors in compact JSON.
CONTENT_TYPE = "application/json"
_ASSUMED = (
    " The server could not comply with the request since it is either malformed or"
    " otherwise incorrect. The client is assumed to be in error."
)
_NOT_FOUND_PAGE = (
    b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
    b"<p>The requested URL was not found on the server. If you entered the URL manually"
    b" please check your spelling and try again.</p>\n"
)
TOKEN_METHODS_ALLOWED = "GET, POST, HEAD, OPTIONS, DELETE"


def storage_url_for(project_id: str) -> str:
    """The Swift account URL of a project."""
    return f"{STORAGE_ROOT}/AUTH_{project_id}"


def keystone_time(timestamp: float) -> str:
    """Keystone's timestamp format, e.g. ``2026-11-21T17:43:17.000000Z``."""
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _version_document() -> dict[str, Any]:
    return {
        "id": "v3.14",
        "status": "stable",
        "updated": _VERSION_UPDATED,
        "links": [{"rel": "self", "href": f"{AUTH_URL}/"}],
        "media-types": [
            {"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}
        ],
    }


def _reply(status: int, document: Any, headers: dict[str, str] | None = None) -> Reply:
    return json_reply(status, document, headers, content_type=CONTENT_TYPE)


def _error(status: int, title: str, message: str, **extra: Any) -> Reply:
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = f'Keystone uri="{AUTH_URL}"'
    error = {"code": status, **extra, "message": message, "title": title}
    return json_reply(
        status, {"error": error}, headers, separators=(",", ":"), content_type=CONTENT_TYPE
    )


def _unauthorized(message: str = "The request you have made requires authentication.") -> Reply:
    return _error(401, "Unauthorized", message)


def _forbidden(action: str) -> Reply:
    return _error(
        403, "Forbidden", f"You are not authorized to perform the requested action: {action}."
    )


def _not_found(message: str) -> Reply:
    return _error(404, "Not Found", message)


def _bad_request(message: str) -> Reply:
    return _error(400, "Bad Request", message)


def _expecting(attribute: str, target: str) -> str:
    """Keystone's words for a login body that misses something."""
    return f"Expecting to find {attribute} in {target}.{_ASSUMED}"


class _LoginFailed(Exception):
    """Credentials, or the scope asked for, did not check out."""

    def __init__(self, message: str = "The request you have made requires authentication."):
        super().__init__(message)


class _Malformed(Exception):
    """The login request misses something Keystone requires (the message says what)."""


class _NotFound(Exception):
    """Something the login names does not exist (Keystone answers 404)."""


def _login_request(raw: bytes) -> tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]:
    """The login body's ``auth``, ``auth.identity`` and methods, or _Malformed in
    Keystone's words (its schema errors give their first line only)."""
    try:
        document = json.loads(raw) if raw.strip() else {}
    except ValueError:
        raise _Malformed(f"Expecting to find valid JSON in request body.{_ASSUMED}") from None
    if not isinstance(document, dict) or "auth" not in document:
        raise _Malformed(f"Expecting to find auth in request body.{_ASSUMED}")
    auth = document["auth"]
    if not isinstance(auth, dict):
        raise _Malformed(f"{json.dumps(auth)} is not of type 'object'")
    identity = auth.get("identity")
    if not isinstance(identity, dict):
        raise _Malformed("'identity' is a required property")
    methods = identity.get("methods")
    if methods is None:
        raise _Malformed("Invalid input for field 'identity': 'methods' is a required property")
    if not isinstance(methods, list) or not all(isinstance(m, str) for m in methods):
        shown = f"'{methods}'" if isinstance(methods, str) else json.dumps(methods)
        raise _Malformed(
            f"Invalid input for field 'identity/methods': {shown} is not of type 'array'"
        )
    return auth, identity, tuple(methods)


class Keystone:
    """The identity service of the fake."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    def handle(self, request: Request) -> Reply:
        """Answer one request addressed to the identity host."""
        path = request.path.rstrip("/")
        reply = self._route(request, path)
        reply.headers.setdefault("Vary", "X-Auth-Token")
        reply.headers.setdefault("X-Openstack-Request-Id", f"req-{uuid.uuid4()}")
        return reply

    def _route(self, request: Request, path: str) -> Reply:
        method = request.method
        if path == "" and method in ("GET", "HEAD"):
            document = {"versions": {"values": [_version_document()]}}
            return _reply(300, document, {"Location": f"{AUTH_URL}/"})
        if path == "/v3" and method in ("GET", "HEAD"):
            return _reply(200, {"version": _version_document()})
        if path == "/v3/auth/tokens":
            if method == "POST":
                return self._login(request)
            if method in ("GET", "HEAD"):
                return self._validate(request)
            if method == "DELETE":
                return self._revoke(request)
            document = {"message": "The method is not allowed for the requested URL."}
            return _reply(405, document, {"Allow": TOKEN_METHODS_ALLOWED})
        # Paths Keystone has no route for get Flask's own page.
        return Reply(404, {"Content-Type": "text/html; charset=utf-8"}, _NOT_FOUND_PAGE)

    # POST /v3/auth/tokens

    def _login(self, request: Request) -> Reply:
        try:
            auth, identity, methods = _login_request(request.read_body())
        except _Malformed as error:
            return _bad_request(str(error))
        credential: ApplicationCredential | None = None
        rescoped: Token | None = None
        try:
            if "application_credential" in methods:
                if auth.get("scope") is not None:
                    return _error(
                        401,
                        "Unauthorized",
                        "Error authenticating with application credential: Application"
                        " credentials cannot request a scope.",
                        identity={},
                    )
                credential = self._application_credential(identity)
                user = self.state.users[credential.user_id]
                project = self.state.projects.get(credential.project_id)
            else:
                user, rescoped = self._authenticate(identity, methods)
                project = self._scope(auth.get("scope"), user)
        except _Malformed as error:
            return _bad_request(str(error))
        except _NotFound as error:
            return _not_found(str(error))
        except _LoginFailed as error:
            return _unauthorized(str(error))
        token = self.state.issue_token(
            user,
            project.id if project else None,
            methods,
            application_credential=credential,
            rescoped=rescoped,
        )
        return _reply(201, self._token_document(token), {"X-Subject-Token": token.id})

    def _authenticate(
        self, identity: dict[str, Any], methods: tuple[str, ...]
    ) -> tuple[User, Token | None]:
        """The user the login proves, and the token it rescopes (token method)."""
        if "password" in methods:
            password_ref = identity.get("password")
            user_ref = password_ref.get("user") if isinstance(password_ref, dict) else None
            if not isinstance(user_ref, dict):
                raise _Malformed(_expecting("user", "None"))
            user = self._find_user(user_ref)
            if user is None or user.password != user_ref.get("password"):
                raise _LoginFailed()
            return user, None
        if "token" in methods:
            token_ref = identity.get("token")
            token_id = token_ref.get("id") if isinstance(token_ref, dict) else None
            if not isinstance(token_id, str):
                raise _Malformed(
                    "Invalid input for field 'identity/token': 'id' is a required property"
                )
            token = self._known_token(token_id)
            if token.user_id not in self.state.users:
                raise _LoginFailed()
            return self.state.users[token.user_id], token
        raise _LoginFailed()

    def _known_token(self, token_id: str | None) -> Token:
        """A valid token; _NotFound in Keystone's words for a revoked or expired one, and
        for one that is no token at all."""
        token = self.state.valid_token(token_id)
        if token is not None:
            return token
        if token_id and self.state.was_issued(token_id):
            raise _NotFound("Failed to validate token")
        raise _NotFound("Could not recognize Fernet token")

    def _application_credential(self, identity: dict[str, Any]) -> ApplicationCredential:
        """The credential named by id, or by name and its user, if its secret matches."""
        ref = identity.get("application_credential")
        if not isinstance(ref, dict) or not isinstance(ref.get("secret"), str):
            raise _Malformed("auth.identity.application_credential.secret")
        if "id" in ref:
            if not isinstance(ref["id"], str):
                raise _Malformed("auth.identity.application_credential.id")
            credential = self.state.find_application_credential(id=ref["id"])
        elif isinstance(ref.get("name"), str):
            user_ref = ref.get("user")
            if not isinstance(user_ref, dict):
                raise _Malformed("auth.identity.application_credential.user")
            user = self._find_user(user_ref, "auth.identity.application_credential.user")
            credential = (
                self.state.find_application_credential(name=ref["name"], user_id=user.id)
                if user is not None
                else None
            )
        else:
            raise _Malformed("auth.identity.application_credential.id")
        if credential is None and "id" in ref:
            raise _NotFound(f"Could not find Application Credential: {ref['id']}.")
        if (
            credential is None
            or not credential.secret_matches(ref["secret"])
            or credential.user_id not in self.state.users
        ):
            raise _LoginFailed()
        return credential

    def _find_user(
        self, user_ref: dict[str, Any], field: str = "auth.identity.password.user"
    ) -> User | None:
        if "id" in user_ref:
            if not isinstance(user_ref["id"], str):
                raise _Malformed(f"{field}.id")
            return self.state.users.get(user_ref["id"])
        if "name" not in user_ref:
            raise _Malformed(_expecting("id or name", "user"))
        domain_id = self._domain_id(user_ref.get("domain"), "user")
        return self.state.find_user(user_ref["name"], domain_id)

    def _domain_id(self, domain_ref: Any, owner: str) -> str:
        if not isinstance(domain_ref, dict):
            raise _Malformed(_expecting("domain", owner))
        if "id" in domain_ref:
            return domain_ref["id"]
        domain = self.state.find_domain(name=domain_ref.get("name"))
        if domain is None:
            raise _LoginFailed()
        return domain.id

    def _scope(self, scope: Any, user: User) -> Project | None:
        if scope == "unscoped":
            return None
        if scope is None:
            # Keystone scopes to the user's default project when no scope is asked.
            return self.state.projects.get(user.default_project_id)
        project_ref = scope.get("project") if isinstance(scope, dict) else None
        if not isinstance(project_ref, dict):
            raise _LoginFailed()  # domain and system scopes are not offered
        if "id" in project_ref:
            if not isinstance(project_ref["id"], str):
                raise _Malformed("scope.project.id")
            project = self.state.projects.get(project_ref["id"])
        elif "name" in project_ref:
            domain_id = self._domain_id(project_ref.get("domain"), "scope.project")
            project = self.state.find_project(project_ref["name"], domain_id)
        else:
            raise _Malformed("scope.project")
        if project is None or project.id != user.default_project_id:
            raise _LoginFailed()
        return project

    # GET/HEAD/DELETE /v3/auth/tokens

    def _validate(self, request: Request) -> Reply:
        subject = self._subject(request, "identity:validate_token")
        if isinstance(subject, Reply):
            return subject
        return _reply(200, self._token_document(subject), {"X-Subject-Token": subject.id})

    def _revoke(self, request: Request) -> Reply:
        subject = self._subject(request, "identity:revoke_token")
        if isinstance(subject, Reply):
            return subject
        self.state.revoke_token(subject.id)
        return Reply(204, {"Content-Length": "0"})

    def _subject(self, request: Request, action: str) -> Token | Reply:
        """The token named by X-Subject-Token, or the error reply: 401 without a valid
        X-Auth-Token, 404 for a missing or expired subject, 403 for another user's token
        (Keystone's policy lets a user look at their own tokens only)."""
        caller = self.state.valid_token(request.headers.get("x-auth-token"))
        if caller is None:
            return _unauthorized()
        try:
            subject = self._known_token(request.headers.get("x-subject-token"))
        except _NotFound as error:
            return _not_found(str(error))
        if subject.user_id != caller.user_id:
            return _forbidden(action)
        return subject

    # the token document

    def _token_document(self, token: Token) -> dict[str, Any]:
        user = self.state.users[token.user_id]
        body: dict[str, Any] = {
            "methods": list(token.methods),
            "user": {
                "id": user.id,
                "name": user.name,
                "domain": self._domain_document(user.domain_id),
                "password_expires_at": None,
            },
            "audit_ids": list(token.audit_ids),
            "issued_at": keystone_time(token.issued_at),
            "expires_at": keystone_time(token.expires_at),
        }
        if token.project_id is not None:
            project = self.state.projects[token.project_id]
            body["project"] = {
                "id": project.id,
                "name": project.name,
                "domain": self._domain_document(project.domain_id),
            }
            body["is_domain"] = False
            body["roles"] = [{"id": stable_id("role", name), "name": name} for name in token.roles]
            body["catalog"] = _catalog(project.id)
        credential = self.state.application_credentials.get(token.application_credential_id or "")
        if credential is not None:
            body["application_credential"] = {
                "id": credential.id,
                "name": credential.name,
                "restricted": True,
            }
        return {"token": body}

    def _domain_document(self, domain_id: str) -> dict[str, str]:
        domain = self.state.domains.get(domain_id)
        name = domain.name if domain else DEFAULT_DOMAIN_ID
        return {"id": domain_id, "name": name}


def _catalog(project_id: str) -> list[dict[str, Any]]:
    """Identity and object storage, each at its public, internal and admin interface."""

    def service(kind: str, name: str, url: str) -> dict[str, Any]:
        return {
            "endpoints": [
                {
                    "id": stable_id("endpoint", kind, interface),
                    "interface": interface,
                    "region_id": REGION,
                    "url": url,
                    "region": REGION,
                }
                for interface in ("public", "internal", "admin")
            ],
            "id": stable_id("service", kind),
            "type": kind,
            "name": name,
        }

    return [
        service("identity", "keystone", AUTH_URL),
        service("object-store", "swift", storage_url_for(project_id)),
    ]
