"""What every test runs in (tests/conftest.py): no socket leaves the machine, and no proxy
is asked for the hosts the tests reach."""

from __future__ import annotations

import socket

import pytest
from requests.utils import should_bypass_proxies

from fake_swift import AUTH_URL, STORAGE_ROOT


def test_a_socket_to_the_internet_is_refused():
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError, match="192.0.2.1"):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: reserved, never routed


@pytest.mark.parametrize(
    "url", [AUTH_URL, STORAGE_ROOT, "http://127.0.0.1:8080/swift/v1", "http://localhost:5000/"]
)
def test_no_proxy_is_asked_for_the_fake_or_loopback(url):
    assert should_bypass_proxies(url, no_proxy=None)
