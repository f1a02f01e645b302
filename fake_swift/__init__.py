"""An in-memory fake of CSC's Allas (Swift API + Keystone v3 login) built on `responses`.

    with mock_allas() as allas:
        conn = swiftclient.Connection(authurl=AUTH_URL, user="John", key="John1234", ...)

Requests to ``pouta.csc.fi:5001`` and ``a3s.fi`` are answered by the fake; any other
host fails at once with ``requests.ConnectionError``.

For tests of your own code, the handle also injects faults and records what it answered:

    with mock_allas() as allas:
        allas.fail_next(2, path="^/swift/")   # two 503s on storage requests
        allas.expire_tokens()                 # every token so far: 401 from now on
        ...
        assert [r.status for r in allas.requests] == [503, 503, 201]
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .faults import Faults, RequestRecord
from .flavors import Flavor, get_flavor
from .keystone import AUTH_URL, STORAGE_ROOT, Keystone, storage_url_for
from .state import (
    DEFAULT_DOMAIN_NAME,
    TOKEN_LIFETIME,
    FakeState,
    User,
    domain_id_for,
    project_id_for,
    reset_state,
)
from .swift import Swift

if TYPE_CHECKING:
    from typing_extensions import Self

    from .transport import ResponsesTransport

__all__ = [
    "AUTH_URL",
    "STORAGE_ROOT",
    "MockAllas",
    "RequestRecord",
    "mock_allas",
    "reset_state",
]

_Function = TypeVar("_Function", bound=Callable[..., Any])
# Every fake answers the same two hosts, so only one may be active in a process.
_activation_lock = threading.Lock()
_active: MockAllas | None = None


class MockAllas:
    """The fake Allas: a context manager, a decorator, and the handle tests talk to.

    Each ``with`` block (or each call of a decorated function) starts from the saved
    state in ``state_dir``, or from an empty store with only the example user John.
    """

    def __init__(self, flavor: str = "rgw", state_dir: str | os.PathLike[str] | None = None):
        self.flavor: Flavor = get_flavor(flavor)
        self.state_dir = Path(state_dir) if state_dir is not None else None
        self.state: FakeState | None = None
        self._transport: ResponsesTransport | None = None
        self._faults: Faults | None = None

    # context manager and decorator

    def __enter__(self) -> Self:
        global _active
        with _activation_lock:
            if _active is not None:
                raise RuntimeError("another mock_allas() is already active in this process")
            _active = self
        # Imported here, not above: server mode (fake_swift.server) uses this package but
        # not requests or responses, a tenth of a second to import at every start.
        from .transport import ResponsesTransport

        try:
            self.state = FakeState(self.state_dir)
            keystone = Keystone(self.state)
            swift = Swift(self.state, self.flavor)
            self._faults = Faults(expire_tokens=self.state.expire_tokens)
            self._transport = ResponsesTransport(keystone.handle, swift.handle, self._faults)
            self._transport.start()
        except BaseException:
            if self.state is not None:
                self.state.close()
            self.state = self._transport = self._faults = None
            _active = None
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        global _active
        assert self.state is not None and self._transport is not None
        try:
            self._transport.stop()
            if self.state_dir is not None:
                self.state.save()
        finally:
            self.state.close()
            self.state = None
            self._transport = None
            self._faults = None
            _active = None

    def __call__(self, function: _Function) -> _Function:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    # the handle

    @property
    def _active_state(self) -> FakeState:
        if self.state is None:
            raise RuntimeError("mock_allas() is not active; use it in a with block")
        return self.state

    @property
    def responses(self) -> Any:
        """The active ``responses.RequestsMock`` (its ``calls`` list every request)."""
        if self._transport is None:
            raise RuntimeError("mock_allas() is not active; use it in a with block")
        return self._transport.mock

    def add_user(
        self,
        username: str,
        password: str,
        project_name: str,
        user_domain: str = DEFAULT_DOMAIN_NAME,
        project_domain: str = DEFAULT_DOMAIN_NAME,
        roles: tuple[str, ...] = ("member",),
    ) -> None:
        """Register a user who can log in to ``project_name`` (replaces a same-named user).

        ``roles`` are the Keystone roles the user holds there: Keystone's own ``admin``,
        ``manager``, ``member``, ``reader`` (each implies the next, and tokens list them
        all) and ``service``, or any other name. The rgw flavor lets in tokens holding
        ``member``, ``object_store_user`` or ``admin`` (RGW's accepted roles): a
        ``reader``-only user logs in, and storage answers 401 to it.
        """
        self._active_state.add_user(
            username, password, project_name, user_domain, project_domain, tuple(roles)
        )

    def environ(self, username: str = "John") -> dict[str, str]:
        """The ``OS_*`` variables that log ``username`` in to its project."""
        state = self._active_state
        user = self._user(username)
        project = state.projects[user.default_project_id]
        return {
            "OS_AUTH_URL": AUTH_URL,
            "OS_IDENTITY_API_VERSION": "3",
            "OS_USERNAME": user.name,
            "OS_PASSWORD": user.password,
            "OS_USER_DOMAIN_NAME": state.domains[user.domain_id].name,
            "OS_PROJECT_DOMAIN_NAME": state.domains[project.domain_id].name,
            "OS_PROJECT_NAME": project.name,
        }

    def storage_url(
        self, project_name: str = "project_123456", project_domain: str = DEFAULT_DOMAIN_NAME
    ) -> str:
        """The Swift account URL of a project (``{STORAGE_ROOT}/AUTH_<project id>``)."""
        return storage_url_for(project_id_for(project_name, domain_id_for(project_domain)))

    def token_for(self, username: str = "John", expires_in: float = TOKEN_LIFETIME) -> str:
        """A token for the user's project, as ``OS_AUTH_TOKEN``; a negative ``expires_in``
        gives one that has already expired."""
        user = self._user(username)
        token = self._active_state.issue_token(
            user, user.default_project_id, ("password",), expires_in
        )
        return token.id

    # application credentials

    def add_application_credential(
        self,
        username: str = "John",
        name: str = "allas-examples",
        secret: str | None = None,
        roles: list[str] | tuple[str, ...] | None = None,
    ) -> tuple[str, str]:
        """Create an application credential of ``username`` for the user's project.

        Returns ``(credential id, secret)``; a secret is generated when ``secret`` is None.
        A credential of the same user and name is replaced. Log in with
        ``methods=["application_credential"]`` by id and secret, or by name, secret and
        user. ``roles`` restricts it to some of the user's roles (e.g. ``["reader"]``);
        None gives it all of them. The fake keeps only a hash of the secret and never
        saves credentials.
        """
        state = self._active_state
        user = self._user(username)
        restricted = tuple(roles) if roles is not None else None
        credential, secret = state.add_application_credential(user, name, secret, restricted)
        return credential.id, secret

    def environ_for_application_credential(self, credential_id: str, secret: str) -> dict[str, str]:
        """The ``OS_*`` variables of an application-credential RC file:
        ``OS_AUTH_TYPE=v3applicationcredential``, ``OS_AUTH_URL``,
        ``OS_IDENTITY_API_VERSION``, ``OS_APPLICATION_CREDENTIAL_ID`` and ``_SECRET``.

        Raises KeyError for an unknown id and ValueError when the secret does not match.
        """
        credential = self._active_state.find_application_credential(id=credential_id)
        if credential is None:
            raise KeyError(f"no fake Allas application credential {credential_id!r}")
        if not credential.secret_matches(secret):
            raise ValueError("that is not the secret of this application credential")
        return {
            "OS_AUTH_TYPE": "v3applicationcredential",
            "OS_AUTH_URL": AUTH_URL,
            "OS_IDENTITY_API_VERSION": "3",
            "OS_APPLICATION_CREDENTIAL_ID": credential.id,
            "OS_APPLICATION_CREDENTIAL_SECRET": secret,
        }

    # faults and observation (at the transport: they apply to every request answered)

    def fail_next(
        self,
        n: int = 1,
        status: int = 503,
        method: str | None = None,
        path: str | None = None,
        after: int = 0,
    ) -> None:
        """Answer the next ``n`` matching requests with ``status`` and a one-line text
        body (``Service Unavailable`` for 503), without reaching Swift or Keystone.

        ``method`` matches exactly ("PUT"); ``path`` is a regular expression searched
        (``re.search``) in the URL path as sent, e.g. ``"^/swift/"`` for storage
        requests, ``"/auth/tokens$"`` for logins; None matches any. ``after`` lets that
        many matching requests through first. Returns None; see :attr:`requests`.
        """
        self._active_faults.add("fail", n, method, path, after, status=status)

    def drop_next(
        self, n: int = 1, method: str | None = None, path: str | None = None, after: int = 0
    ) -> None:
        """Drop the connection of the next ``n`` matching requests: the client gets
        ``requests.ConnectionError`` (swiftclient retries it). Matching as in
        :meth:`fail_next`; a dropped request is logged with status None."""
        self._active_faults.add("drop", n, method, path, after)

    def delay_next(
        self,
        n: int,
        seconds: float,
        method: str | None = None,
        path: str | None = None,
        after: int = 0,
    ) -> None:
        """Sleep ``seconds`` before answering each of the next ``n`` matching requests
        (in the thread that sent it). Matching as in :meth:`fail_next`. A client whose read
        timeout is shorter gets ``requests.ReadTimeout`` once it has passed (logged with
        status None), as from a server that stopped answering."""
        self._active_faults.add("delay", n, method, path, after, seconds=seconds)

    def expire_tokens(
        self, after: int | None = None, method: str | None = None, path: str | None = None
    ) -> None:
        """Make every token issued so far expire: Swift answers it 401, token
        validation 404; logging in again works.

        With ``after=None`` (the default) this happens now. With ``after=k`` it happens
        just before the request that follows ``k`` matching requests is answered
        (``after=0``: before the next matching one), and tokens issued until then expire.
        """
        if after is None:
            self._active_state.expire_tokens()
        else:
            self._active_faults.add("expire", 1, method, path, after)

    def clear_faults(self) -> None:
        """Cancel every fault still waiting for its requests."""
        self._active_faults.clear()

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request answered so far, oldest first: a new list of
        :class:`RequestRecord` (``method``, ``path``, ``query`` dict, ``status``;
        status None for a dropped connection). Bodies are not kept."""
        return self._active_faults.log()

    def clear_log(self) -> None:
        """Empty :attr:`requests`."""
        self._active_faults.clear_log()

    @property
    def _active_faults(self) -> Faults:
        if self._faults is None:
            raise RuntimeError("mock_allas() is not active; use it in a with block")
        return self._faults

    def _user(self, username: str) -> User:
        return self._active_state.find_user_by_name(username)


def mock_allas(flavor: str = "rgw", state_dir: str | os.PathLike[str] | None = None) -> MockAllas:
    """A fake Allas, used as ``with mock_allas() as allas:`` or ``@mock_allas()``.

    ``flavor`` is "rgw" (Allas runs Ceph RGW) or "swift" (OpenStack Swift).
    ``state_dir`` keeps the store in that folder between runs and processes.
    """
    return MockAllas(flavor=flavor, state_dir=state_dir)
