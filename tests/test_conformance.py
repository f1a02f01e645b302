"""The differential conformance suite: the same requests to the fake and to a real server.

Each case sends a short sequence of requests and records what clients read from the
answers: the status, the headers swiftclient looks at (their value, or their format
where the value is a time or an id), listing JSON, and bodies. A case passes when
``mock_allas(flavor=X)`` records exactly what the real server of flavor X records; the
ids name the server (``rgw`` is Ceph RGW with its own logins, ``allas`` the same RGW
checking tokens at a real Keystone as Allas does, both compared with the rgw flavor;
``swift`` is OpenStack Swift). The probe and the cases live in
:mod:`fake_swift.conformance`, which ``python -m fake_swift check`` also runs.
"""

from __future__ import annotations

import pytest

from conftest import FLAVOR_OF, fake_server
from fake_swift import mock_allas
from fake_swift.conformance import CASES, differences, observe


@pytest.mark.real
@pytest.mark.parametrize("server", list(FLAVOR_OF))
@pytest.mark.parametrize("case", list(CASES))
def test_fake_answers_as_the_real_server(case, server, request):
    flavor = FLAVOR_OF[server]
    real = observe(CASES[case], request.getfixturevalue(f"{server}_server"), flavor)
    with mock_allas(flavor=flavor) as allas:
        fake = observe(CASES[case], fake_server(allas), flavor)
    found = differences(real, fake)
    assert not found, "the fake differs from the real server:\n" + "\n".join(found)
