"""pytest fixtures for the fake Allas (registered through the ``pytest11`` entry point).

- ``fake_allas``: the active :class:`fake_swift.MockAllas` handle.
- ``allas_env``: the same handle, with John's ``OS_*`` variables set through monkeypatch
  (and variables that would log in another way removed).

Mark a test ``@pytest.mark.fake_allas(flavor="swift")`` to pass options to ``mock_allas``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from . import MockAllas, mock_allas

# Variables that would make a client skip or change the password login.
_CONFLICTING_VARIABLES = (
    "OS_AUTH_TOKEN",
    "OS_STORAGE_URL",
    "OS_AUTH_TYPE",
    "OS_APPLICATION_CREDENTIAL_ID",
    "OS_APPLICATION_CREDENTIAL_SECRET",
    "OS_USER_ID",
    "OS_PROJECT_ID",
    "OS_TENANT_ID",
    "OS_TENANT_NAME",
    "OS_USER_DOMAIN_ID",
    "OS_PROJECT_DOMAIN_ID",
    "OS_REGION_NAME",
    "ST_AUTH",
    "ST_USER",
    "ST_KEY",
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fake_allas(flavor='rgw', state_dir=None): options for the fake_allas fixture"
    )


@pytest.fixture
def fake_allas(request: pytest.FixtureRequest) -> Iterator[MockAllas]:
    """A fresh fake Allas for one test; yields the active handle."""
    marker = request.node.get_closest_marker("fake_allas")
    options = dict(marker.kwargs) if marker else {}
    with mock_allas(**options) as allas:
        yield allas


@pytest.fixture
def allas_env(fake_allas: MockAllas, monkeypatch: pytest.MonkeyPatch) -> MockAllas:
    """The ``fake_allas`` handle, with John's ``OS_*`` login variables set in the environment."""
    for name in _CONFLICTING_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in fake_allas.environ().items():
        monkeypatch.setenv(name, value)
    return fake_allas
