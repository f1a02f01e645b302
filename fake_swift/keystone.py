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
ROLES = ("member", "object_store_user")
_VERSION_UPDATED = "2023-02-22T00:00:00Z"


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


def _error(status: int, title: str, message: str) -> Reply:
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = f'Keystone uri="{AUTH_ORIGIN}"'
    return json_reply(
        status, {"error": {"code": status, "title": title, "message": message}}, headers
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
    return _error(400, "Bad Request", f"Invalid input for field: {message}")


class _LoginFailed(Exception):
    """Credentials, or the scope asked for, did not check out."""

    def __init__(self, message: str = "The request you have made requires authentication."):
        super().__init__(message)


class _Malformed(Exception):
    """The login request misses something Keystone requires."""


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
            return json_reply(300, {"versions": {"values": [_version_document()]}})
        if path == "/v3" and method in ("GET", "HEAD"):
            return json_reply(200, {"version": _version_document()})
        if path == "/v3/auth/tokens":
            if method == "POST":
                return self._login(request)
            if method in ("GET", "HEAD"):
                return self._validate(request)
            if method == "DELETE":
                return self._revoke(request)
            return _error(405, "Method Not Allowed", "The method is not allowed.")
        return _not_found("The resource could not be found.")

    # POST /v3/auth/tokens

    def _login(self, request: Request) -> Reply:
        try:
            document = json.loads(request.read_body() or b"{}")
            identity = document["auth"]["identity"]
            methods = tuple(identity["methods"])
        except (ValueError, KeyError, TypeError):
            return _bad_request("auth.identity.methods")
        credential: ApplicationCredential | None = None
        try:
            if "application_credential" in methods:
                if document["auth"].get("scope") is not None:
                    raise _LoginFailed("Application credentials cannot request a scope.")
                credential = self._application_credential(identity)
                user = self.state.users[credential.user_id]
                project = self.state.projects.get(credential.project_id)
            else:
                user = self._authenticate(identity, methods)
                project = self._scope(document["auth"].get("scope"), user)
        except _Malformed as error:
            return _bad_request(str(error))
        except _LoginFailed as error:
            return _unauthorized(str(error))
        token = self.state.issue_token(
            user,
            project.id if project else None,
            methods,
            application_credential_id=credential.id if credential else None,
        )
        return json_reply(201, self._token_document(token), {"X-Subject-Token": token.id})

    def _authenticate(self, identity: dict[str, Any], methods: tuple[str, ...]) -> User:
        if "password" in methods:
            try:
                user_ref = identity["password"]["user"]
                password = user_ref["password"]
            except (KeyError, TypeError):
                raise _Malformed("auth.identity.password.user") from None
            user = self._find_user(user_ref)
            if user is None or user.password != password:
                raise _LoginFailed()
            return user
        if "token" in methods:
            try:
                token_id = identity["token"]["id"]
            except (KeyError, TypeError):
                raise _Malformed("auth.identity.token.id") from None
            if not isinstance(token_id, str):
                raise _Malformed("auth.identity.token.id")
            token = self.state.valid_token(token_id)
            if token is None or token.user_id not in self.state.users:
                raise _LoginFailed()
            return self.state.users[token.user_id]
        raise _LoginFailed()

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
            raise _Malformed(f"{field}.name")
        domain_id = self._domain_id(user_ref.get("domain"), "user")
        return self.state.find_user(user_ref["name"], domain_id)

    def _domain_id(self, domain_ref: Any, owner: str) -> str:
        if not isinstance(domain_ref, dict):
            raise _Malformed(f"{owner}.domain")
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
        return json_reply(200, self._token_document(subject), {"X-Subject-Token": subject.id})

    def _revoke(self, request: Request) -> Reply:
        subject = self._subject(request, "identity:revoke_token")
        if isinstance(subject, Reply):
            return subject
        with self.state.lock:
            self.state.tokens.pop(subject.id, None)
        return Reply(204, {"Content-Length": "0"})

    def _subject(self, request: Request, action: str) -> Token | Reply:
        """The token named by X-Subject-Token, or the error reply: 401 without a valid
        X-Auth-Token, 404 for a missing or expired subject, 403 for another user's token
        (Keystone's policy lets a user look at their own tokens only)."""
        caller = self.state.valid_token(request.headers.get("x-auth-token"))
        if caller is None:
            return _unauthorized()
        subject_id = request.headers.get("x-subject-token")
        subject = self.state.valid_token(subject_id)
        if subject is None:
            # Keystone names the token here; the fake does not echo tokens anywhere.
            return _not_found("Could not find token.")
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
            "audit_ids": [token.audit_id],
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
            body["roles"] = [{"id": stable_id("role", name), "name": name} for name in ROLES]
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
    def service(kind: str, name: str, url: str) -> dict[str, Any]:
        return {
            "id": stable_id("service", kind),
            "type": kind,
            "name": name,
            "endpoints": [
                {
                    "id": stable_id("endpoint", kind, project_id),
                    "interface": "public",
                    "region": REGION,
                    "region_id": REGION,
                    "url": url,
                }
            ],
        }

    return [
        service("object-store", "swift", storage_url_for(project_id)),
        service("identity", "keystone", AUTH_URL),
    ]
