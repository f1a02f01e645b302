"""Who may do what: the token a request carries (checked at the fake's Keystone) and the
container ACLs that let other projects and anonymous readers in, as Swift's
``keystoneauth`` middleware (and RGW's Keystone engine) decide.
"""

from __future__ import annotations

from ..access import AclError, Requester, acl_allows, clean_acl
from ..messages import Reply, Request
from ..state import DEFAULT_DOMAIN_ID, Container, Token
from .common import ACCESS, AUTHORIZE, TEMP_URL_SCOPE, Access, Layer, Refusal, target_of

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
        request.environ[AUTHORIZE] = self.authorize
        access = request.environ[ACCESS] = self.authorize(request)
        reply = self.app(request)
        if not access.owner and self.flavor.acl_headers_shown_to_owner_only:
            for name in OWNER_ONLY_HEADERS:
                reply.headers.pop(name, None)
        return reply

    def authorize(self, request: Request) -> Access:
        """Whose account ``request`` works on and in what right; a refusal when it may not.
        A request let in by a temp URL stays inside what the URL's key reaches."""
        scope = request.environ.get(TEMP_URL_SCOPE)
        if scope is not None:
            project_id, container_name = scope
            target = target_of(request)
            if target.project_id != project_id or container_name not in (
                None,
                target.container,
            ):
                raise Refusal(self.error(401, "AccessDenied"))
            return Access(self.state.account(project_id), owner=False)
        holder, owner = self._authorize(request)
        return Access(self.state.account(holder), owner=owner)

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
            requester = self._requester(token)
        holder = target.project_id
        if container_name and self.flavor.container_names_are_global:
            holder = self.state.container_owner(container_name) or target.project_id
        if requester is not None and requester.project_id == holder and self._operates(requester):
            self._record_domain(request, requester, holder)
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

    def _record_domain(self, request: Request, requester: Requester, holder: str) -> None:
        """keystoneauth records the project's domain on the account when the project's
        own token creates or updates it (a POST or PUT of it, or a container PUT)."""
        if not self.flavor.records_project_domain_id:
            return
        target = target_of(request)
        if target.object or request.method not in ("PUT", "POST"):
            return
        if target.container and request.method != "PUT":
            return
        account = self.state.account(holder)
        with self.state.lock:
            if account.project_domain_id is None:
                account.project_domain_id = requester.project_domain_id

    def _operates(self, requester: Requester) -> bool:
        """Whether a token of the account's own project owns it (keystoneauth's
        operator_roles; RGW: any role it lets in)."""
        roles = self.flavor.operator_roles
        return roles is None or bool(roles & set(requester.roles))

    def _requester(self, token: Token) -> Requester:
        with self.state.lock:
            user = self.state.users.get(token.user_id)
            project = self.state.projects.get(token.project_id or "")
        return Requester(
            project_id=token.project_id or "",
            project_name=project.name if project else "",
            user_id=token.user_id,
            user_name=user.name if user else "",
            user_domain_id=user.domain_id if user else "",
            project_domain_id=project.domain_id if project else "",
            roles=token.roles,
        )

    def _grantee_forms(self, requester: Requester | None, holder: str) -> tuple[str, ...]:
        """The grantee forms that name ``requester``: ids always, names only where
        keystoneauth allows them (user and projects in the default domain)."""
        forms = self.flavor.acl_grantee_forms
        if requester is None or not self.flavor.acl_name_grantee_forms:
            return forms
        if {requester.user_domain_id, requester.project_domain_id} != {DEFAULT_DOMAIN_ID}:
            return forms
        if requester.project_id != holder:
            with self.state.lock:
                project = self.state.projects.get(holder)
            if project is None or project.domain_id != DEFAULT_DOMAIN_ID:
                return forms
        return forms + self.flavor.acl_name_grantee_forms

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
        forms = self._grantee_forms(requester, holder)
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
        roles = frozenset()
        if requester is not None and requester.project_id == holder:
            if self.flavor.acl_role_names_grant_own_project:
                roles = frozenset(requester.roles)
        if not acl_allows(acl, requester, forms, referer, listing, grants_listing, roles):
            raise self._denied(requester)
