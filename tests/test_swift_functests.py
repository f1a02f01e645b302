"""OpenStack Swift's own functional suite as the fake's yardstick.

``.ci/get-swift-functests`` puts ``test/functional/`` of the swift 2.38.3 sdist in
``.cache/swift-functests/`` (nothing of it is in this repository; its one adaptation, a
storage path with a prefix, is made there). The suite logs in with Keystone v3 as the
users its config asks for (``FUNCTEST_IDENTITIES``: owners of two projects, a reader of
the first project who owns nothing, an owner in a second domain) and runs against:

- server mode (``python -m fake_swift serve``) in each flavor, with those users;
- real OpenStack Swift with a real Keystone, and real Ceph RGW with a real Keystone (how
  Allas runs), in the ``real`` tier. Their outcomes are kept in ``RECORD``; a real run
  that ends any test differently fails until the record is written again
  (``UPDATE_SWIFT_FUNCTESTS=1``).

Each flavor must end every test as its real server does: what the server passes, the
flavor passes; what it fails, the flavor fails; what it skips (a feature it does not
announce in ``/info``), the flavor skips. Every exception is in ``FAKE_DIFFERS`` with its
reason and the outcome the fake has instead, so that a test leaving the list (the fake
got better, or worse) fails too. A test whose outcome depends on a random draw of its own
(``ENDS_BY_CHANCE``) counts either way, on the real server and on the fake.
"""

from __future__ import annotations

import collections
import fnmatch
import json
import os
from pathlib import Path

import pytest

from backends.keystone import FUNCTEST_IDENTITIES
from conftest import ROOT, func_test_config, run_functional_tests, scratch_folder
from server_mode import serving_fake

pytestmark = pytest.mark.thirdparty

FUNCTESTS = ROOT / ".cache" / "swift-functests"
FETCH = ".ci/get-swift-functests"
RECORD = Path(__file__).with_name("swift_functests.json")
RUN_TIMEOUT = 3600
# The config keys of each user, by their suffix in test.conf.
CONFIG_USERS = {"": "tester", "2": "tester2", "3": "tester3", "4": "tester4"}
# Real RGW 16.2.15 crashes (segfault in TempURLEngine::get_owner_info after
# "parse_iso8601 failed") on this class's container temp URLs with an ISO 8601 expiry:
# it is not run there, so it has no recorded outcome on RGW.
NOT_RUN_ON = {"rgw": ["test_staticweb.py::TestStaticWebTempurl::*"]}
# Tests whose outcome on a server depends on a random draw in the test itself: either
# outcome is accepted there, from the real server and from the fake.
TWO_LETTER_CONTAINER = (
    "the test puts a slash at a random place of a new container's 32-letter name and wants "
    "404; when the slash lands third (1 run in 29), the container part has two letters, and "
    "RGW answers 400 InvalidBucketName to every request on such a container, as the fake "
    "does (the check's short_container_name case compares them)"
)
ENDS_BY_CHANCE = {"rgw": [("tests.py::TestContainer::testSlashInName", TWO_LETTER_CONTAINER)]}

# Where a flavor ends a test otherwise than its real server: (test id pattern, the
# fake's outcome, why). Patterns are fnmatch patterns over "<file>::<class>::<test>"; the
# first that matches counts. Features the fake lacks are not announced in its /info, so
# the suite skips their tests, as it does on a server without them.
EXT4_XATTRS = (
    "real Swift here keeps metadata in extended attributes on ext4, which holds about "
    "4 KiB of them per file: a PUT with the most metadata Swift allows answers 503 (Swift "
    "asks for XFS in production); the fake stores it"
)
RGW_COPY_403 = (
    "RGW answers 403 when the test reads back (or makes) a copy named with "
    "Destination-Account or X-Copy-From-Account; the same requests sent one by one (own "
    "account, the test's object name and metadata) answer 201 and 200 on RGW and on the "
    "fake, so what RGW refuses in the test is not known"
)
FAKE_DIFFERS: dict[str, list[tuple[str, str, str]]] = {
    "swift": [
        *[
            (f"tests.py::TestFile*::testMetadata{name}", "passed", EXT4_XATTRS)
            for name in ("NumberLimit", "OnPost")
        ],
        (
            "test_protocol.py::TestHttpProtocol::test_invalid_path_info",
            "failed",
            "the test sends a path of its own under /v1, which Swift serves; the fake, like "
            "Allas, serves storage under /swift/v1 only and answers 404",
        ),
    ],
    "rgw": [
        (
            "tests.py::TestFile*::testBadHeaders",
            "passed",
            "RGW answers Transfer-Encoding: gzip,chunked with 411; server mode's HTTP server "
            "answers 501 before the fake sees the request, as Swift does",
        ),
        *[
            (f"tests.py::TestFile*::{name}", "passed", RGW_COPY_403)
            for name in ("testCopyAccount", "testCopyFromAccountHeader")
        ],
        (
            "test_protocol.py::TestHttpProtocol::test_path_missing_*",
            "passed",
            "RGW takes a path outside /swift for its S3 API, whose 404 has no X-Trans-Id; "
            "the fake answers every path as its Swift API does",
        ),
    ],
}


def functests_missing() -> str | None:
    """None when the suite is fetched and Swift (which it imports) is installed."""
    if not (FUNCTESTS / "test" / "functional" / "tests.py").is_file():
        return f"OpenStack Swift's functional tests are not downloaded: run {FETCH}"
    from backends.swift import swift_missing

    return swift_missing()


def config_lines() -> list[str]:
    """The users of the [func_test] section (Keystone v3)."""
    lines = []
    for suffix, key in CONFIG_USERS.items():
        identity = FUNCTEST_IDENTITIES[key]
        if suffix != "3":  # the third user's project is the first user's
            lines.append(f"account{suffix} = {identity.project}")
        lines.append(f"username{suffix} = {identity.username}")
        lines.append(f"password{suffix} = {identity.password}")
        if identity.domain != "Default":
            lines.append(f"domain{suffix} = {identity.domain}")
    return lines


def run_suite(auth_root: str, folder: Path, deselect: list[str] = ()) -> dict[str, str]:
    """Run the whole suite against the Keystone at ``auth_root`` and the storage its
    catalog names; return each test's outcome."""
    config = folder / "test.conf"
    func_test_config(config, auth_root, config_lines())
    # Its core tests are in tests.py, which pytest's default pattern leaves out (Swift's
    # own runner, stestr, takes every test*.py).
    options = ["-o", "python_files=test_*.py tests.py"]
    for pattern in deselect:
        options += ["--deselect", "test/functional/" + pattern.removesuffix("::*")]
    ran, output = run_functional_tests(FUNCTESTS, config, options, RUN_TIMEOUT)
    results = {test_id: outcome for test_id, (outcome, _) in ran.items()}
    # A config the suite cannot read skips everything: make sure it really ran.
    assert len(results) > 500 and "passed" in results.values(), output
    return results


def fake_differs(flavor: str, test_id: str) -> tuple[str, str] | None:
    """(the fake's outcome, why) when FAKE_DIFFERS lists the test for the flavor."""
    for pattern, outcome, reason in FAKE_DIFFERS[flavor]:
        if fnmatch.fnmatchcase(test_id, pattern):
            return outcome, reason
    return None


def not_run(flavor: str, test_id: str) -> bool:
    return any(fnmatch.fnmatchcase(test_id, p) for p in NOT_RUN_ON.get(flavor, ()))


def by_chance(target: str, test_id: str) -> bool:
    """Whether ENDS_BY_CHANCE lists the test for the flavor or real server ``target``."""
    return any(fnmatch.fnmatchcase(test_id, p) for p, _ in ENDS_BY_CHANCE.get(target, ()))


def compare(flavor: str, fake: dict[str, str], real: dict[str, str]) -> list[str]:
    """Every test the flavor ends otherwise than the record says it should."""
    problems = []
    for test_id in sorted(set(fake) | set(real)):
        if by_chance(flavor, test_id):
            continue
        got = fake.get(test_id, "not run")
        listed = fake_differs(flavor, test_id)
        if listed is not None:
            if got != listed[0]:
                problems.append(
                    f"{test_id}: listed as {listed[0]} on the fake ({listed[1]}), but {got}"
                )
            continue
        if not_run(flavor, test_id):
            continue
        want = real.get(test_id, "not recorded")
        if got != want:
            problems.append(f"{test_id}: {want} on the real server, {got} on the fake")
    return problems


def figures(results: dict[str, str]) -> str:
    counts = collections.Counter(results.values())
    return ", ".join(f"{counts[k]} {k}" for k in ("passed", "failed", "skipped"))


def read_record() -> dict[str, dict[str, str]]:
    return json.loads(RECORD.read_text(encoding="utf-8"))


def write_record(target: str, results: dict[str, str]) -> None:
    record = read_record() if RECORD.is_file() else {}
    record[target] = dict(sorted(results.items()))
    text = json.dumps(dict(sorted(record.items())), indent=1, ensure_ascii=False)
    RECORD.write_text(text + "\n", encoding="utf-8")


def skip_unless_ready() -> None:
    reason = functests_missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run OpenStack Swift's functional tests: {reason}")
        pytest.skip(reason)


# --- the fake, in server mode ---------------------------------------------------------


def user_option(key: str) -> str:
    identity = FUNCTEST_IDENTITIES[key]
    spec = f"{identity.username}:{identity.password}@{identity.project}"
    if identity.domain != "Default":
        spec += f",domain={identity.domain}"
    return spec + "".join(f",role={role}" for role in identity.roles)


def fake_server(flavor: str, folder: Path):
    """Server mode with the suite's users; yields its origin."""
    return serving_fake(flavor, folder, [user_option(key) for key in FUNCTEST_IDENTITIES])


@pytest.mark.parametrize("flavor", ["swift", "rgw"])
def test_each_flavor_ends_the_suite_as_its_real_server(flavor: str, tmp_path: Path) -> None:
    skip_unless_ready()
    with fake_server(flavor, tmp_path) as origin:
        results = run_suite(origin, tmp_path)
    real = read_record()[flavor]
    problems = compare(flavor, results, real)
    summary = f"{flavor} flavor: {figures(results)}; real: {figures(real)}"
    assert not problems, f"{summary}\n{len(problems)} differ:\n" + "\n".join(problems)


# --- the real servers -----------------------------------------------------------------


def check_record(target: str, results: dict[str, str]) -> None:
    if os.environ.get("UPDATE_SWIFT_FUNCTESTS"):
        write_record(target, results)
        return
    recorded = read_record().get(target, {})
    changed = [
        f"{test_id}: recorded {recorded.get(test_id, 'nothing')}, now {outcome}"
        for test_id, outcome in sorted(results.items())
        if recorded.get(test_id) != outcome and not by_chance(target, test_id)
    ]
    changed += [f"{test_id}: recorded, not run" for test_id in sorted(set(recorded) - set(results))]
    assert not changed, (
        f"real {target} ({figures(results)}) ends tests otherwise than {RECORD.name} says;"
        " run again with UPDATE_SWIFT_FUNCTESTS=1 if the server changed:\n" + "\n".join(changed)
    )


@pytest.mark.real
def test_real_swift_ends_the_suite_as_recorded() -> None:
    skip_unless_ready()
    from backends.swift import running_swift_with_keystone

    with scratch_folder("swift-functests") as folder:
        with running_swift_with_keystone(folder) as server:
            results = run_suite(server.keystone.root_url, folder)
    check_record("swift", results)


@pytest.mark.real
def test_real_rgw_ends_the_suite_as_recorded() -> None:
    skip_unless_ready()
    from backends.allas import allas_missing, running_allas

    reason = allas_missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the RGW tests: {reason}")
        pytest.skip(reason)
    with scratch_folder("rgw-functests") as folder:
        with running_allas(folder) as server:
            results = run_suite(server.keystone.root_url, folder, NOT_RUN_ON["rgw"])
    check_record("rgw", results)
