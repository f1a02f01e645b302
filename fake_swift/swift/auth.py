"""Who may do what: the token a request carries (checked at the fake's Keystone) and the
container ACLs that let other projects and anonymous readers in, as Swift's
``keystoneauth`` middleware (and RGW's Keystone engine) decide.
"""

from __future__ import annotations

from ..access import AclError, Requester, acl_allows, clean_acl
from ..messages import Reply, Request
from ..state import Container, Token
from .common import ACCESS, Access, Layer, Refusal, target_of

# Headers only the owner of a container is shown (Swift).
OWNER_ONLY_HEADERS = (
    "X-Container-Read",
    "X-Container-Write",
    "X-Container-Meta-Temp-Url-Key",
    "X-Container-Meta-Temp-Url-Key-2",
)


def sent_acls(layer: Layer, request: Request) -> dict[str, str]:
    """The ACL headers a container PUT or POST sends, cleaned ("" removes one)."""
    acls = {}
    for header, attribute in (
        ("x-container-read", "read_acl"),
        ("x-container-write", "write_acl"),
    ):
        value = request.headers.get(header)
        if value is None:
            continue
        try:
            acls[attribute] = clean_acl(header, value, layer.flavor.acl_kept_as_grants)
        except AclError as refused:
            detail = None if layer.s3 else str(refused)
            raise Refusal(layer.error(400, "InvalidArgument", detail)) from None
    return acls


def apply_acls(container: Container, acls: dict[str, str]) -> None:
    for attribute, value in acls.items():
        setattr(container, attribute, value)


class AuthMiddleware(Layer):
    """Finds whose account a request works on, and refuses it when it may not."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The tokens storage has checked at Keystone, kept until they expire (RGW's cache).
        self._checked_tokens: set[str] = set()

    def handle(self, request: Request) -> Reply:
        access = request.environ.get(ACCESS)
        if access is None:  # not let in by a temp URL
            holder, owner = self._authorize(request)
            access = Access(self.state.account(holder), owner=owner)
            request.environ[ACCESS] = access
        reply = self.app(request)
        if not access.owner and self.flavor.acl_headers_shown_to_owner_only:
            for name in OWNER_ONLY_HEADERS:
                reply.headers.pop(name, None)
        return reply

    def _authorize(self, request: Request) -> tuple[str, bool]:
        """Whose account the request works on, and whether as its owner; a refusal when
        it may not."""
        target = target_of(request)
        container_name, object_name = target.container, target.object
        token_id = request.headers.get("x-auth-token") or request.headers.get("x-storage-token")
        requester = None
        if not token_id:
            if container_name and self.flavor.anonymous_container_requests_not_found:
                raise self.not_found("container")
        else:
            token = self._checked_token(token_id)
            accepted = self.flavor.accepted_roles
            if token is None or (accepted is not None and not accepted & set(token.roles)):
                raise Refusal(self.error(401, "AccessDenied"))
            requester = self._requester(token.user_id, token.project_id)
        holder = target.project_id
        if container_name and self.flavor.container_names_are_global:
            holder = self.state.container_owner(container_name) or target.project_id
        if requester is not None and requester.project_id == holder:
            return holder, True
        if not container_name:
            raise self._denied(requester)
        if not object_name and self._others_put_reaches(request, requester, holder):
            return holder, False
        self._check_acls(request, holder, requester)
        return holder, False

    def _checked_token(self, token_id: str) -> Token | None:
        """The token as storage sees it. RGW keeps the tokens it has checked in a cache
        until they expire: revoking one at Keystone does not end it there."""
        token = self.state.valid_token(token_id)
        if token is not None:
            if self.flavor.caches_checked_tokens:
                self._checked_tokens.add(token_id)
            return token
        if token_id in self._checked_tokens:
            return self.state.unexpired_token(token_id)
        return None

    def _others_put_reaches(
        self, request: Request, requester: Requester | None, holder: str
    ) -> bool:
        """Whether another project's PUT of an existing container, at its owner's URL,
        goes through as on RGW (see the flavor field)."""
        target = target_of(request)
        return (
            self.flavor.others_put_updates_container_metadata
            and requester is not None
            and request.method == "PUT"
            and target.project_id == holder
            and self.state.container_owner(target.container) == holder
            and not sent_acls(self, request)
            and not self._has_grants(holder, target.container)
        )

    def _has_grants(self, holder: str, container_name: str) -> bool:
        with self.state.lock:
            container = self.state.accounts[holder].containers[container_name]
            return bool(container.read_acl or container.write_acl)

    def _requester(self, user_id: str, project_id: str | None) -> Requester:
        with self.state.lock:
            user = self.state.users.get(user_id)
            project = self.state.projects.get(project_id or "")
        return Requester(
            project_id=project_id or "",
            project_name=project.name if project else "",
            user_id=user_id,
            user_name=user.name if user else "",
        )

    def _denied(self, requester: Requester | None) -> Refusal:
        if requester is None:
            return Refusal(self.error(self.flavor.status_without_token, "AccessDenied"))
        return Refusal(self.error(403, "AccessDenied"))

    def _check_acls(self, request: Request, holder: str, requester: Requester | None) -> None:
        """Another project's (or an anonymous) request, let in by the container's ACLs."""
        target = target_of(request)
        object_name = target.object
        with self.state.lock:
            account = self.state.accounts.get(holder)
            container = account.containers.get(target.container) if account else None
            read_acl = container.read_acl if container else ""
            write_acl = container.write_acl if container else ""
        method = request.method
        if container is None:
            if (
                not object_name
                and method == "PUT"
                and requester is not None
                and self.flavor.others_create_containers_in_any_account
            ):
                return
            if self.flavor.missing_container_for_others_not_found and requester is not None:
                raise self.not_found("container")
            raise self._denied(requester)
        if not object_name and method == "PUT":
            if self.flavor.container_names_are_global:
                raise Refusal(self.error(409, "BucketAlreadyExists"))
            raise self._denied(requester)
        forms = self.flavor.acl_grantee_forms
        referer = request.headers.get("referer")
        if method in ("GET", "HEAD"):
            acl, listing = read_acl, not object_name
        elif object_name and method in ("PUT", "POST", "DELETE", "COPY"):
            acl, listing = write_acl, False
        elif method in ("POST", "DELETE") and self.flavor.write_acl_covers_container:
            acl, listing = write_acl, False
        else:
            raise self._denied(requester)
        grants_listing = self.flavor.referrer_acl_grants_listing
        if not acl_allows(acl, requester, forms, referer, listing, grants_listing):
            raise self._denied(requester)
