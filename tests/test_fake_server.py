"""``python -m fake_swift serve``: the fake over real HTTP, driven as users drive it.

The server runs as a process of its own on 127.0.0.1 with a free port (``--port 0``,
read back from what it prints) and is stopped by its pid (tests/server_mode.py). Tests
that take ``server`` share one per module, brought back to how a new one starts before
each; tests of starting, stopping and the command line start their own.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import wsgiref.util
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
import swiftclient
from keystoneauth1 import exceptions as ksa_exceptions
from keystoneauth1 import session as ksa_session

from allas_examples import messages, script
from allas_examples.connection import connect
from allas_examples.course import EXAMPLES
from conftest import ROOT, clean_environment, expected, password_auth
from server_mode import Server, admin, reset, running_server

SWIFT_CLI = Path(sys.executable).with_name("swift")
SAMPLE = script.SAMPLE_TEXT.encode("utf-8")


def swift_cli(server: Server, cwd: Path, *args: str, input: bytes | None = None):
    """Run the ``swift`` command with the server's exported OS_* variables."""
    done = subprocess.run(
        [str(SWIFT_CLI), *args],
        cwd=cwd,
        env=clean_environment(**server.env),
        input=input,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert b"Traceback" not in done.stderr
    return done.stdout.decode("utf-8")


def get(origin: str, path: str, method: str = "GET", headers: dict | None = None):
    host, _, port = origin.removeprefix("http://").rpartition(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


# --- what it prints, and logging in with it -------------------------------------------


def test_prints_the_exports_of_john(server):
    assert server.env == {
        "OS_AUTH_URL": f"{server.origin}/v3",
        "OS_IDENTITY_API_VERSION": "3",
        "OS_USERNAME": "John",
        "OS_PASSWORD": "John1234",
        "OS_USER_DOMAIN_NAME": "Default",
        "OS_PROJECT_DOMAIN_NAME": "Default",
        "OS_PROJECT_NAME": "project_123456",
    }
    assert server.origin.startswith("http://127.0.0.1:")
    assert server.storage_url.startswith(f"{server.origin}/swift/v1/AUTH_")
    assert server.stdout[-2] == f"# Storage URL: {server.storage_url}"
    assert server.stdout[-1] == f"Serving on {server.origin} (Ctrl-C stops)"


def test_exports_work_with_keystoneauth_and_swiftclient(server):
    env = server.env
    auth = password_auth(env)
    session = ksa_session.Session(auth=auth)
    # The catalog points at the server itself, not at Allas.
    assert session.get_endpoint(service_type="object-store") == server.storage_url
    assert session.get_endpoint(service_type="identity") == f"{server.origin}/v3"
    conn = swiftclient.Connection(session=session, retries=0)
    conn.put_container("snakebucket")
    conn.put_object("snakebucket", "hello.txt", b"hello", headers={"X-Object-Meta-Kieli": "ä"})
    headers, body = conn.get_object("snakebucket", "hello.txt")
    assert body == b"hello"
    assert headers["x-object-meta-kieli"] == "ä"
    # The project's own connection module gets there too.
    assert [c["name"] for c in connect(env).get_account()[1]] == ["snakebucket"]


def test_added_users_log_in_and_the_first_is_printed(tmp_path):
    with running_server(
        tmp_path, "--user", "Alice:pa:ss@word@project_2001", "--user", "Bob:Bob1@project_2002"
    ) as running:
        assert running.env["OS_USERNAME"] == "Alice"
        assert running.env["OS_PASSWORD"] == "pa:ss@word"
        assert running.env["OS_PROJECT_NAME"] == "project_2001"
        alice = connect(running.env)
        alice.put_container("alices-bucket")
        assert [c["name"] for c in alice.get_account()[1]] == ["alices-bucket"]
        for name, password, project in [
            ("Bob", "Bob1", "project_2002"),
            ("John", "John1234", "project_123456"),
        ]:
            other = connect(
                {
                    **running.env,
                    "OS_USERNAME": name,
                    "OS_PASSWORD": password,
                    "OS_PROJECT_NAME": project,
                }
            )
            assert other.get_account()[1] == []  # each project has its own account


@pytest.mark.usefixtures("no_backoff")  # swiftclient logs in again after a 401; not slept here
def test_added_users_may_name_their_domain_and_roles(tmp_path):
    with running_server(
        tmp_path,
        "--user",
        "Tester4:secret4@test4,domain=Domain4,role=admin",
        "--user",
        "Reader:secret5@test4,domain=Domain4,role=reader",
    ) as running:
        # The domain is the user's and the project's; the exports name it.
        assert running.env["OS_USER_DOMAIN_NAME"] == "Domain4"
        assert running.env["OS_PROJECT_DOMAIN_NAME"] == "Domain4"
        tester = connect(running.env)
        tester.put_container("domain4-bucket")
        assert [c["name"] for c in tester.get_account()[1]] == ["domain4-bucket"]
        # The default rgw flavor lets in member, object_store_user and admin only.
        reader_env = {**running.env, "OS_USERNAME": "Reader", "OS_PASSWORD": "secret5"}
        reader = connect(reader_env)
        with pytest.raises(swiftclient.ClientException) as refused:
            reader.head_account()
        assert refused.value.http_status == 401
        # The same names in the Default domain are nobody: Keystone refuses the login.
        with pytest.raises(ksa_exceptions.Unauthorized):
            connect({**running.env, "OS_USER_DOMAIN_NAME": "Default"}).head_account()


@pytest.mark.parametrize("spec", ["a:b@p,domain=", "a:b@p,colour=red", "a:b@p,role"])
def test_user_options_must_be_known_and_set(run_fake_swift, spec):
    done = run_fake_swift("serve", "--lang", "en", "--user", spec)
    assert done.returncode == 2
    assert expected("en", "serve_bad_user", value=spec) in done.stderr


def test_discovery_and_challenge_name_the_server(server):
    status, _, body = get(server.origin, "/")
    assert status == 300
    assert b"pouta.csc.fi" not in body and b"a3s.fi" not in body
    links = json.loads(body)["versions"]["values"][0]["links"]
    assert links == [{"rel": "self", "href": f"{server.origin}/v3/"}]
    status, headers, _ = get(server.origin, "/v3/auth/tokens")
    assert status == 401
    assert headers["WWW-Authenticate"] == f'Keystone uri="{server.origin}/v3"'


# --- the swift command ---------------------------------------------------------------


@pytest.mark.clients  # an everyday client, as in test_everyday_clients.py: a slow tier
def test_swift_cli_round_trip(server, tmp_path):
    work = tmp_path / "cli"
    work.mkdir()
    data = os.urandom(2 * 1024 * 1024 + 12345)  # bigger than the fake keeps in memory
    (work / "data.bin").write_bytes(data)

    stat = swift_cli(server, work, "stat")
    assert f"Account: {server.storage_url.rsplit('/', 1)[1]}" in stat
    assert "Containers: 0" in stat

    uploaded = swift_cli(
        server, work, "upload", "--segment-size", str(1024 * 1024), "cli-bucket", "data.bin"
    )
    assert "data.bin segment 2" in uploaded
    segments = swift_cli(server, work, "list", "cli-bucket_segments").split()
    assert len(segments) == 3
    # Chunked transfer coding (no Content-Length): an upload from standard input.
    swift_cli(server, work, "upload", "cli-bucket", "-", "--object-name", "stdin.txt", input=SAMPLE)

    assert swift_cli(server, work, "list").split() == ["cli-bucket", "cli-bucket_segments"]
    assert swift_cli(server, work, "list", "cli-bucket").split() == ["data.bin", "stdin.txt"]

    swift_cli(server, work, "download", "cli-bucket", "data.bin", "-o", "copy.bin")
    assert (work / "copy.bin").read_bytes() == data
    swift_cli(server, work, "download", "cli-bucket", "stdin.txt", "-o", "stdin.copy")
    assert (work / "stdin.copy").read_bytes() == SAMPLE

    swift_cli(server, work, "post", "-m", "Color:blue", "cli-bucket", "data.bin")
    swift_cli(server, work, "post", "-m", "Owner:John", "cli-bucket")
    assert "Meta Color: blue" in swift_cli(server, work, "stat", "cli-bucket", "data.bin")
    assert "Meta Owner: John" in swift_cli(server, work, "stat", "cli-bucket")

    # The command only signs the URL, with a key the account does not hold: not fetched.
    url = swift_cli(
        server, work, "tempurl", "GET", "3600", f"{server.storage_url}/cli-bucket/data.bin", "k"
    ).strip()
    assert url.startswith(f"{server.storage_url}/cli-bucket/data.bin?temp_url_sig=")
    assert "temp_url_expires=" in url

    swift_cli(server, work, "delete", "cli-bucket")
    assert swift_cli(server, work, "list", "cli-bucket_segments").split() == []
    swift_cli(server, work, "delete", "cli-bucket_segments")
    assert swift_cli(server, work, "list") == ""
    stat = swift_cli(server, work, "stat")
    assert "Containers: 0" in stat and "Objects: 0" in stat


# --- the HTTP server under it ---------------------------------------------------------


def token_of(server: Server) -> str:
    session = ksa_session.Session(auth=password_auth(server.env))
    return session.get_token()


def test_expect_100_continue_is_answered_before_the_body(server):
    # Clients that send Expect: 100-continue (rclone, curl) wait for this line, or for a
    # timeout of their own, before they send the body.
    path = urlsplit(server.storage_url).path
    host, port = urlsplit(server.origin).hostname, urlsplit(server.origin).port
    token = token_of(server)
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(f"PUT {path}/continued HTTP/1.1\r\nHost: x\r\nX-Auth-Token: {token}\r\n"
                     "Content-Length: 0\r\n\r\n".encode())  # fmt: skip
        assert sock.recv(65536).startswith(b"HTTP/1.1 201")
        sock.sendall(f"PUT {path}/continued/o HTTP/1.1\r\nHost: x\r\nX-Auth-Token: {token}\r\n"
                     "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n".encode())  # fmt: skip
        assert sock.recv(65536) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"hello")
        reply = sock.recv(65536)
    assert reply.startswith(b"HTTP/1.1 201"), reply
    assert connect(server.env).get_object("continued", "o")[1] == b"hello"


def test_connections_are_kept_alive(server):
    token = token_of(server)
    host, port = urlsplit(server.origin).hostname, urlsplit(server.origin).port
    path = urlsplit(server.storage_url).path
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request("PUT", f"{path}/kept-alive", headers={"X-Auth-Token": token})
        first = connection.getresponse()
        first.read()
        sock = connection.sock
        # A chunked body (no Content-Length) on the same connection.
        connection.request(
            "PUT",
            f"{path}/kept-alive/chunked",
            body=iter([b"chun", b"ked"]),
            headers={"X-Auth-Token": token},
            encode_chunked=True,
        )
        second = connection.getresponse()
        second.read()
        assert (first.version, first.status, second.status) == (11, 201, 201)
        assert connection.sock is sock and not second.will_close
    finally:
        connection.close()
    assert connect(server.env).get_object("kept-alive", "chunked")[1] == b"chunked"


def test_many_connections_at_once(server):
    # Far more connections than socketserver's listen backlog of 5, 64 at a time.
    token = token_of(server)
    host, port = urlsplit(server.origin).hostname, urlsplit(server.origin).port
    path = urlsplit(server.storage_url).path
    connect(server.env).put_container("crowded")
    # Each client connects when it is about to send, as clients do: cheroot hands a new
    # connection to a worker thread that waits for its first request.
    connections = [http.client.HTTPConnection(host, port, timeout=60) for _ in range(128)]

    def use(index: int) -> list[int]:
        connection = connections[index]
        statuses = []
        for method in ("PUT", "GET", "DELETE"):
            body = b"x" if method == "PUT" else None
            connection.request(
                method, f"{path}/crowded/{index}", body=body, headers={"X-Auth-Token": token}
            )
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
        return statuses

    try:
        with ThreadPoolExecutor(64) as pool:
            answered = list(pool.map(use, range(len(connections))))
    finally:
        for connection in connections:
            connection.close()
    assert answered == [[201, 200, 204]] * len(connections)


# --- the repository's examples -------------------------------------------------------


@pytest.mark.lengthy  # every example, with the expiry's wait
@pytest.mark.parametrize("lang", ["en", "fi"])
def test_examples_in_course_order(server, workdir, run_script, lang):
    (workdir / "my_snake.txt").write_bytes(SAMPLE)  # --fake would create these; here we do
    (workdir / "snake_folder").mkdir()
    (workdir / "snake_folder" / "notes.txt").write_bytes(SAMPLE)
    outputs = {}
    # Small segments, and an expiry of one second rather than the ten a real server gets
    extra = {
        "upload_large_object": ["--segment-size", "10"],
        "upload_with_expiry": ["--after", "1"],
    }
    for name in EXAMPLES:
        done = run_script(name, "--lang", lang, *extra.get(name, []), env=server.env)
        assert done.returncode == 0, (name, done.output)
        assert "Traceback" not in done.output and "John1234" not in done.output
        outputs[name] = done.stdout
    assert expected(lang, "connected", url=server.storage_url) in outputs["create_connection"]
    assert expected(lang, "bucket_created", bucket="snakebucket") in outputs["create_bucket"]
    assert (workdir / "new_name_for_file.txt").read_bytes() == SAMPLE
    removed = outputs["remove_buckets_and_objects"]
    assert expected(lang, "bucket_removed", bucket="snakebucket_segments") in removed
    assert connect(server.env).get_account()[1] == []


# --- the command line ----------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::", "example.org"])
def test_non_loopback_host_is_refused(run_fake_swift, host):
    done = run_fake_swift("serve", "--host", host, "--port", "0")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == expected("en", "serve_refused_host", host=host) + "\n"
    assert "--public" in done.stderr and host in done.stderr
    assert "Traceback" not in done.stderr


# --- the language of what it says ----------------------------------------------------


@pytest.mark.parametrize(
    ("options", "environ", "lang"),
    [
        (["--lang", "fi"], {}, "fi"),
        (["--lang", "en"], {"ALLAS_EXAMPLES_LANG": "fi"}, "en"),
        ([], {"ALLAS_EXAMPLES_LANG": "fi"}, "fi"),
        ([], {"LANG": "fi_FI.UTF-8"}, "fi"),
        ([], {}, "en"),
    ],
)
def test_refusal_is_in_the_chosen_language(run_fake_swift, options, environ, lang):
    done = run_fake_swift("serve", "--host", "0.0.0.0", *options, env=environ)
    assert done.returncode == 2
    assert done.stderr == expected(lang, "serve_refused_host", host="0.0.0.0") + "\n"


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_serving_and_stopping_lines_are_in_the_chosen_language(tmp_path, lang):
    with running_server(tmp_path, "--lang", lang) as running:
        # The exports are shell and stay as they are; the sentences follow --lang.
        assert running.env["OS_USERNAME"] == "John"
        assert running.stdout[-2] == expected(lang, "serve_storage_url", url=running.storage_url)
        assert running.stdout[-1] == expected(lang, "serve_serving", origin=running.origin)
        assert running.stop(signal.SIGINT) == 0
        assert running.rest_of_stdout() == [expected(lang, "serve_stopped")]


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_help_and_usage_errors_are_in_the_chosen_language(run_fake_swift, lang):
    def run(*args: str):
        return run_fake_swift("serve", "--lang", lang, *args)

    helped = run("--help")
    assert helped.returncode == 0
    for key in ("serve_help_description", "serve_help_public"):
        assert " ".join(expected(lang, key).split()[:3]) in " ".join(helped.stdout.split())
    refused = run("--user", "nobody")
    assert refused.returncode == 2
    detail = "argument --user: " + expected(lang, "serve_bad_user", value="nobody")
    assert refused.stderr == expected(lang, "usage_error", detail=detail) + "\n"


def test_every_serve_key_the_server_uses_is_in_the_catalog():
    source = (ROOT / "fake_swift" / "server.py").read_text(encoding="utf-8")
    used = set(re.findall(r"""\btext\(\s*["']([a-z_]+)["']""", source))
    assert {"serve_refused_host", "serve_serving", "serve_stopped"} <= used
    assert used - set(messages.CATALOG) == set()
    assert not re.search(r"""print\(\s*f?["'][A-Z]""", source), "a sentence outside the catalog"


# --- faults over HTTP: the /_fake/ endpoints ------------------------------------------


def login(server: Server, **options) -> swiftclient.Connection:
    """A keystoneauth session and swiftclient connection, as the examples make, with
    short backoffs so that retries are quick."""
    env = server.env
    auth = password_auth(env)
    options = {"retries": 3, "starting_backoff": 0.01, "max_backoff": 0.05, **options}
    return swiftclient.Connection(session=ksa_session.Session(auth=auth), **options)


def log(server: Server, path: str = "") -> list[tuple[str, str, int | None]]:
    """(method, path, status) of each logged request whose path contains ``path``."""
    status, records = admin(server, "GET", "requests")
    assert status == 200
    return [(r["method"], r["path"], r["status"]) for r in records if path in r["path"]]


def test_a_burst_of_503s_is_retried(server):
    conn = login(server)
    conn.put_container("retried")
    rule = {"kind": "fail", "n": 2, "status": 503, "method": "PUT", "path": "/retried/"}
    assert admin(server, "POST", "faults", rule) == (
        201,
        {**rule, "after": 0, "seconds": 0.0},
    )
    # From a file: swiftclient rewinds it to send it again (bytes it cannot retry).
    conn.put_object("retried", "o.txt", io.BytesIO(b"made it"))
    assert conn.get_object("retried", "o.txt")[1] == b"made it"
    puts = [entry for entry in log(server, "/retried/o.txt") if entry[0] == "PUT"]
    assert [status for _, _, status in puts] == [503, 503, 201]


def test_a_dropped_connection_is_retried(server):
    conn = login(server)
    conn.put_container("dropped")
    conn.put_object("dropped", "o.txt", b"still here")
    admin(server, "POST", "faults", {"kind": "drop", "method": "GET", "path": "/dropped/o.txt"})
    assert conn.get_object("dropped", "o.txt")[1] == b"still here"
    assert [status for _, _, status in log(server, "/dropped/o.txt")] == [201, None, 200]
    assert '"GET /swift/v1/' in server.stderr and '/dropped/o.txt" dropped' in server.stderr


def test_a_dropped_connection_closes_without_a_reply(server):
    admin(server, "POST", "faults", {"kind": "drop", "path": "^/v3$"})
    with pytest.raises(http.client.RemoteDisconnected):
        get(server.origin, "/v3")
    assert get(server.origin, "/v3")[0] == 200  # one drop only


def test_expired_tokens_lead_to_a_new_login(server):
    conn = login(server)
    conn.put_container("expiring")
    assert [entry[0] for entry in log(server, "/auth/tokens")] == ["POST"]
    assert admin(server, "POST", "expire-tokens") == (204, "")
    assert conn.head_container("expiring")["x-container-object-count"] == "0"
    assert log(server, "/expiring")[-2:] == [
        ("HEAD", f"{urlsplit(server.storage_url).path}/expiring", 401),
        ("HEAD", f"{urlsplit(server.storage_url).path}/expiring", 204),
    ]
    assert [entry[0] for entry in log(server, "/auth/tokens")] == ["POST", "POST"]


def test_expiry_after_some_requests_and_clearing(server):
    conn = login(server)
    conn.put_container("later")
    admin(server, "POST", "faults", {"kind": "expire", "after": 1, "path": "/later"})
    admin(server, "POST", "faults", {"kind": "fail", "n": 5, "path": "^/nothing-matches"})
    assert admin(server, "DELETE", "faults") == (204, "")
    conn.head_container("later")  # the expiry was cancelled with the rest
    assert [status for _, _, status in log(server, "/later")] == [201, 204]


def test_the_log_lists_the_requests(server):
    conn = login(server)
    conn.put_container("logged")
    conn.put_object("logged", "a b.txt", b"x")
    conn.get_container("logged", prefix="a")
    account = urlsplit(server.storage_url).path
    status, records = admin(server, "GET", "requests")
    assert status == 200
    assert records == [
        {"method": "POST", "path": "/v3/auth/tokens", "query": {}, "status": 201},
        {"method": "PUT", "path": f"{account}/logged", "query": {}, "status": 201},
        {"method": "PUT", "path": f"{account}/logged/a%20b.txt", "query": {}, "status": 201},
        {
            "method": "GET",
            "path": f"{account}/logged",
            "query": {"format": "json", "prefix": "a"},
            "status": 200,
        },
    ]
    assert admin(server, "DELETE", "requests") == (204, "")
    assert admin(server, "GET", "requests") == (200, [])  # its own requests are not logged


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        ({"kind": "explode"}, "'kind' must be one of"),
        ({"n": 2}, "'kind' must be one of"),
        ({"kind": "fail", "count": 2}, "unknown fields ['count']"),
        ({"kind": "fail", "status": 700}, "not an HTTP status: 700"),
        ({"kind": "fail", "n": "2"}, "'n' has the wrong type"),
        ({"kind": "fail", "path": "("}, ""),
        (["kind", "fail"], "expected a JSON object"),
    ],
)
def test_bad_fault_documents_are_refused(server, document, complaint):
    status, body = admin(server, "POST", "faults", document)
    assert status == 400 and complaint in body


def test_reset_brings_the_server_back_to_how_a_new_one_starts(server):
    """What the tests sharing one server rely on (server_mode.reset)."""
    conn = login(server, retries=0)
    conn.put_container("left")
    conn.put_object("left", "o.txt", b"left behind")
    conn.post_account({"X-Account-Meta-Left": "1", "X-Account-Meta-Temp-URL-Key": "k"})
    rule = {"kind": "fail", "n": 1, "status": 503, "method": "PUT", "path": "/after-reset"}
    assert admin(server, "POST", "faults", rule)[0] == 201
    reset(server)
    assert admin(server, "GET", "requests") == (200, [])
    headers, containers = conn.get_account()
    assert containers == []
    assert [name for name in headers if name.startswith("x-account-meta-")] == []
    conn.put_container("after-reset")  # the pending 503 went with the reset


def test_unknown_endpoints_and_methods(server):
    assert admin(server, "GET", "nothing")[0] == 404
    response = requests.get(f"{server.origin}/_fake/faults", timeout=30)
    assert response.status_code == 405 and response.headers["Allow"] == "POST, DELETE"


def test_the_endpoints_answer_loopback_clients_only():
    from fake_swift.state import FakeState
    from fake_swift.wsgi import create_app

    state = FakeState(None)
    try:
        app = create_app(state)

        def call(remote: str) -> str:
            environ: dict = {"REMOTE_ADDR": remote, "REQUEST_METHOD": "GET"}
            wsgiref.util.setup_testing_defaults(environ)
            environ["PATH_INFO"] = "/_fake/requests"
            answered: list[str] = []
            b"".join(app(environ, lambda status, headers: answered.append(status)))
            return answered[0]

        assert call("127.0.0.1").startswith("200")
        assert call("::ffff:127.0.0.1").startswith("200")
        assert call("192.0.2.10").startswith("403")
    finally:
        state.close()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_it_cleanly(tmp_path, signum):
    with running_server(tmp_path) as running:
        assert get(running.origin, "/v3")[0] == 200
        assert running.stop(signum) == 0
        assert running.rest_of_stdout() == ["Stopped."]
        assert "Traceback" not in running.stderr


@pytest.mark.lengthy  # three servers, one after another
def test_state_persists_across_runs(tmp_path):
    state = tmp_path / "state"
    with running_server(tmp_path, "--state", str(state)) as first:
        conn = connect(first.env)
        conn.put_container("kept-bucket")
        conn.put_object("kept-bucket", "kept.txt", SAMPLE)
        assert first.stop(signal.SIGINT) == 0
    with running_server(tmp_path, "--state", str(state)) as second:
        conn = connect(second.env)
        assert conn.get_object("kept-bucket", "kept.txt")[1] == SAMPLE
        # Saved after every write: even a killed server keeps what it acknowledged.
        conn.put_container("after-kill")
        second.stop(signal.SIGKILL)
    with running_server(tmp_path, "--state", str(state)) as third:
        names = [c["name"] for c in connect(third.env).get_account()[1]]
        assert names == ["after-kill", "kept-bucket"]


@pytest.mark.parametrize(
    ("flavor", "answering", "missing"),
    [("rgw", ["/swift/info"], ["/info"]), ("swift", ["/info", "/swift/info"], [])],
)
def test_each_flavor_answers_its_info_paths(tmp_path, flavor, answering, missing):
    with running_server(tmp_path, "--flavor", flavor) as running:
        for path in answering:
            status, headers, body = get(running.origin, path)
            assert status == 200, path
            assert "swift" in json.loads(body)
        for path in missing:
            assert get(running.origin, path)[0] == 404, path


def test_module_runs_from_the_repository_root():
    # The documented command, `python -m fake_swift serve --help`, from a checkout.
    done = subprocess.run(
        [sys.executable, "-m", "fake_swift", "serve", "--help"],
        cwd=ROOT,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "--public" in done.stdout
