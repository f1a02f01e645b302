"""python-swiftclient's own functional tests, written for a real Swift, run against the fake.

``.ci/get-swiftclient-functests`` puts ``test/functional/`` of the python-swiftclient sdist
(the installed version) in ``.cache/swiftclient-functests/``; nothing of it is in this
repository. Each flavor gets its own ``python -m fake_swift serve`` on 127.0.0.1, the
tests' config file (``SWIFT_TEST_CONFIG_FILE``, Keystone v3) and a pytest run of its own.

With ``--flavor swift`` every test must pass. With the default ``rgw`` flavor exactly the
tests that fail on a real Ceph RGW 16.2 must fail, for the reason they fail there: the
same tests were run against ``tests/backends/rgw.py``'s RGW (v1 login, the only one it
has), and each failure below quotes what it said. A test leaving or joining the list
fails this test, so the list cannot rot.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
from pathlib import Path

import pytest

from conftest import ROOT, func_test_config, run_functional_tests
from server_mode import serving_fake

pytestmark = pytest.mark.thirdparty

FUNCTESTS = ROOT / ".cache" / "swiftclient-functests"
FETCH = ".ci/get-swiftclient-functests"
RUN_TIMEOUT = 600

# Who the tests log in as: "account" is the project. The v3 tests (TestUsingKeystoneV3)
# want a second user with explicit domain names; the server's --user option makes users
# in the Default domain only, so domain4 is "Default" (sample.conf asks for another one).
USERS = {
    "": ("tester", "testing", "test"),
    "4": ("tester4", "testing4", "test4"),
}
DOMAIN4 = "Default"

# The three classes of test_swiftclient.py run the same test methods, logged in three ways.
CLASSES = ("TestFunctional", "TestUsingKeystone", "TestUsingKeystoneV3")

# Test method -> (why real RGW 16.2 fails it, what its failure says there and here).
RGW_FAILS_TOO = {
    "test_stat_account": (
        "RGW's 204 to HEAD of the account has no Content-Length",
        "'content-length' not found in",
    ),
    "test_stat_container": (
        "RGW's 204 to HEAD of a container has no Content-Length",
        "self.assertTrue(headers.get('content-length'))",
    ),
    "test_list_account": (
        "RGW 16 ignores ?delimiter= in account listings: the second entry is the "
        "container itself, with no 'subdir'",
        "startswith first arg must be str or a tuple of str, not NoneType",
    ),
    "test_list_container": (
        "RGW stores no type for an object sent without Content-Type: its listing entry "
        "has no content_type",
        "'application/octet-stream' != None",
    ),
    "test_upload_object": (
        "RGW shows an object sent without Content-Type as binary/octet-stream",
        "'application/octet-stream' != 'binary/octet-stream'",
    ),
    "test_post_object_unicode_header_name": (
        "RGW's HTTP front end refuses a header name that is not an HTTP token (here "
        "X-Object-Meta- and a UTF-8 emoji) with a bare 400",
        "Object POST failed",
    ),
}

# Bugs of the fake's server mode whose fix belongs in fake_swift/server.py, a file this
# test's author could not change at the time. Flavor -> test method -> (the bug, what its
# failure says, or None: it passes, though real RGW fails it). Take an entry out once the
# fix is in; this test then names the tests that pass or fail differently.
PENDING_FAKE_FIXES: dict[str, dict[str, tuple[str, str | None]]] = {"swift": {}, "rgw": {}}


def expected_failures(flavor: str) -> dict[str, tuple[str, str]]:
    """Test id -> (reason, text its failure must contain)."""
    by_method = dict(RGW_FAILS_TOO) if flavor == "rgw" else {}
    for method, (reason, text) in PENDING_FAKE_FIXES[flavor].items():
        if text is None:
            by_method.pop(method, None)
        else:
            by_method[method] = (reason, text)
    return {
        f"test_swiftclient.py::{cls}::{method}": why
        for cls in CLASSES
        for method, why in by_method.items()
    }


def functests_missing() -> str | None:
    """None when the downloaded tests match the installed python-swiftclient, else why not."""
    wanted = importlib.metadata.version("python-swiftclient")
    if not (FUNCTESTS / "test" / "functional" / "test_swiftclient.py").is_file():
        return f"python-swiftclient's functional tests are not downloaded: run {FETCH}"
    stamp = FUNCTESTS / "VERSION"
    have = stamp.read_text().strip() if stamp.is_file() else "?"
    if have != wanted:
        return f"{FUNCTESTS} has swiftclient {have}'s functional tests, not {wanted}'s: run {FETCH}"
    return None


def fake_server(flavor: str, folder: Path):
    """Server mode with the users the tests log in as; yields its origin."""
    users = [f"{name}:{password}@{project}" for name, password, project in USERS.values()]
    return serving_fake(flavor, folder, users)


def config_lines() -> list[str]:
    """The users of the [func_test] section."""
    lines = []
    for suffix, (name, password, project) in USERS.items():
        lines += [f"account{suffix} = {project}", f"username{suffix} = {name}"]
        lines += [f"password{suffix} = {password}"]
    return lines + [f"domain4 = {DOMAIN4}"]


@pytest.mark.parametrize("flavor", ["swift", "rgw"])
def test_swiftclient_functional_tests(flavor: str, tmp_path: Path) -> None:
    reason = functests_missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the third-party tests: {reason}")
        pytest.skip(reason)
    config, options = tmp_path / "test.conf", []
    if importlib.util.find_spec("openstack") is None:
        # openstacksdk is not installed; its tests need v1 login and would skip anyway.
        options += ["--ignore", "test/functional/test_openstacksdk.py"]
    with fake_server(flavor, tmp_path) as origin:
        func_test_config(config, origin, config_lines())
        results, _ = run_functional_tests(FUNCTESTS, config, options, RUN_TIMEOUT)
    swiftclient_tests = {k: v for k, v in results.items() if k.startswith("test_swiftclient.py")}
    # Every method of every class ran: a config the tests cannot read would skip them all.
    assert len(swiftclient_tests) == 3 * 18, sorted(results)
    skipped = {k: v[1] for k, v in swiftclient_tests.items() if v[0] == "skipped"}
    assert not skipped, f"skipped: {skipped}"
    others = {k: v for k, v in results.items() if k not in swiftclient_tests}
    # test_openstackclient/sdk exercise swiftclient's v1 plugin only: they skip under v3.
    assert all(outcome == "skipped" for outcome, _ in others.values()), others

    expected = expected_failures(flavor)
    failed = {k: text for k, (outcome, text) in swiftclient_tests.items() if outcome == "failed"}
    unexpected = {k: text[:1500] for k, text in failed.items() if k not in expected}
    now_pass = sorted(set(expected) - set(failed))
    other_reason = {
        k: f"expected {expected[k][1]!r} ({expected[k][0]}), got:\n{failed[k][:1500]}"
        for k in set(expected) & set(failed)
        if expected[k][1] not in failed[k]
    }
    assert not unexpected, f"{flavor}: failures not expected:\n" + "\n\n".join(
        f"{k}:\n{text}" for k, text in sorted(unexpected.items())
    )
    assert not now_pass, f"{flavor}: these now pass, take them out of the list: {now_pass}"
    assert not other_reason, f"{flavor}: failing for another reason:\n" + "\n\n".join(
        f"{k}: {text}" for k, text in sorted(other_reason.items())
    )
