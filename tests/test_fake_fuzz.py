"""Fuzzing the fake's request parsing: whatever comes in, the answer is never a 500.

Hypothesis builds requests (names with any characters or broken percent-encoding,
odd headers, query strings, JSON and bulk-delete bodies, login documents) and sends
them straight to the WSGI application, as a server would hand them over. The app must
answer every one with a status below 500 and never raise; the whole reply body is read,
since a streamed reply could fail only then. Inputs that once made the fake fail are
kept as explicit examples.

For a long run: ``HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/test_fake_fuzz.py``.
"""

from __future__ import annotations

import io
import json
import wsgiref.util
from typing import Any
from urllib.parse import quote, unquote_to_bytes, urlencode

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from fake_swift.state import FakeState
from fake_swift.wsgi import create_app

CONTAINER = "fuzz-bucket"
OBJECT = "seed.txt"
SEGMENT = "segments/0001"

METHODS = st.sampled_from(["GET", "HEAD", "PUT", "POST", "DELETE", "COPY", "OPTIONS", "PATCH"])
LATIN1 = st.text(alphabet=st.characters(max_codepoint=255), max_size=40)
# Numbers as text, with digits int() reads ("١") and digits it does not ("²").
NUMBERS = st.sampled_from(
    ["0", "-1", "1", "5", "1e3", " 7 ", "99999999999999999999999", "0x10", "²", "١٢"]
)

# Names: any text, names made of dots and slashes, very long ones.
NAMES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", ".", "..", "a/../b", "a//b", "/", "//", "%", "x" * 1100, "ä" * 600]),
    st.text(alphabet="./%a\x00\x7f\n\r\t ", max_size=10),
)
# Path segments: a name percent-encoded, or raw text with broken escapes left in.
SEGMENTS = st.one_of(
    NAMES.map(lambda name: quote(name, safe="")),
    NAMES.map(lambda name: quote(name, safe="/")),
    st.text(alphabet="%0123456789abcdefgzAF/.", max_size=12),
    st.sampled_from(["%ff", "%c3", "%00", "%zz", "%c3%28", "%ed%a0%80"]),
)

RANGES = st.one_of(
    LATIN1,
    st.builds(
        "bytes={}-{}".format,
        st.one_of(st.integers(-5, 70), st.just(""), NUMBERS),
        st.one_of(st.integers(-5, 70), st.just(""), NUMBERS),
    ),
    st.sampled_from(["bytes=0-0,1-1,2-2", "bytes=-0", "bytes=", "bytes=a-b", "b=1-2", "=-"]),
)
DATES = st.one_of(LATIN1, st.sampled_from(["Thu, 01 Jan 1970 00:00:00 GMT", "Mon, 99 Foo"]))
PATHS = st.one_of(LATIN1, st.builds("/{}/{}".format, SEGMENTS, SEGMENTS), st.just(CONTAINER))

HEADER_VALUES: dict[str, st.SearchStrategy[str]] = {
    "Range": RANGES,
    "If-Match": st.one_of(LATIN1, st.just("*")),
    "If-None-Match": st.one_of(LATIN1, st.just("*")),
    "If-Modified-Since": DATES,
    "If-Unmodified-Since": DATES,
    "X-Copy-From": PATHS,
    "Destination": PATHS,
    "X-Delete-At": st.one_of(LATIN1, NUMBERS),
    "X-Delete-After": st.one_of(LATIN1, NUMBERS),
    "Content-Length": st.one_of(LATIN1, NUMBERS),
    "Transfer-Encoding": st.sampled_from(["chunked", "gzip, chunked", "identity", "bogus"]),
    "X-Container-Read": st.one_of(LATIN1, st.sampled_from([".r:*", ".r:-x,.rlistings", "*:*"])),
    "X-Container-Write": LATIN1,
    "X-Object-Manifest": PATHS,
    "X-Fresh-Metadata": LATIN1,
    "Etag": LATIN1,
    "Content-Type": LATIN1,
    "Accept": st.sampled_from(["application/json", "application/xml", "text/plain", "*/*"]),
    "X-Account-Meta-Temp-Url-Key": LATIN1,
    "X-Container-Meta-Temp-Url-Key": LATIN1,
    "Referer": LATIN1,
}
META_HEADERS = st.builds(
    "X-{}-Meta-{}".format,
    st.sampled_from(["Object", "Container", "Account", "Remove-Object", "Remove-Container"]),
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=255), max_size=140),
)
HEADERS = st.one_of(
    st.fixed_dictionaries({}, optional=HEADER_VALUES),
    st.dictionaries(META_HEADERS, st.one_of(LATIN1, st.just("v" * 300)), max_size=4),
)

QUERY_KEYS = [
    "limit",
    "marker",
    "end_marker",
    "prefix",
    "delimiter",
    "reverse",
    "format",
    "multipart-manifest",
    "bulk-delete",
    "temp_url_sig",
    "temp_url_expires",
    "temp_url_prefix",
    "filename",
    "inline",
    "symlink",
]
QUERY_VALUES = st.one_of(
    st.text(max_size=20),
    NUMBERS,
    st.sampled_from(
        ["json", "xml", "plain", "put", "get", "delete", "true", "2030-01-01T00:00:00Z"]
    ),
    st.sampled_from(["sha512:AAAA", "sha1:", "0" * 40, "f" * 64]),
)
QUERIES = st.one_of(
    st.dictionaries(st.sampled_from(QUERY_KEYS), QUERY_VALUES, max_size=5).map(urlencode),
    st.text(alphabet="=&%;+?ab09", max_size=20),
)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
SEGMENT_PATHS = st.sampled_from(
    [f"/{CONTAINER}/{SEGMENT}", f"{CONTAINER}/{SEGMENT}", f"{CONTAINER}/", "/x/", "/x", ""]
)
MANIFEST_ENTRIES = st.fixed_dictionaries(
    {},
    optional={
        "path": st.one_of(SEGMENT_PATHS, JSON),
        "etag": st.one_of(st.none(), st.text(max_size=33), JSON),
        "size_bytes": st.one_of(st.none(), st.integers(-1, 10), JSON),
        "range": JSON,
    },
)
MANIFESTS = st.one_of(st.lists(MANIFEST_ENTRIES, max_size=4), JSON).map(json.dumps)
BULK_DELETES = st.lists(
    st.one_of(SEGMENTS, SEGMENT_PATHS, st.builds("/{}/{}".format, SEGMENTS, SEGMENTS)),
    max_size=5,
).map("\n".join)
BODIES = st.one_of(
    st.binary(max_size=200),
    MANIFESTS.map(str.encode),
    BULK_DELETES.map(lambda text: text.encode("utf-8", "surrogatepass")),
)


class FakeServer:
    """The WSGI app of one flavor over a state with a container, an object and a segment."""

    def __init__(self, flavor: str) -> None:
        self.state = FakeState()
        self.app = create_app(self.state, flavor)
        user = self.state.find_user_by_name("John")
        self.project_id = user.default_project_id
        self.token = self.state.issue_token(user, user.default_project_id).id
        self.account = f"/swift/v1/AUTH_{self.project_id}"
        for path, body in (
            (f"/{CONTAINER}", b""),
            (f"/{CONTAINER}/{OBJECT}", b"0123456789" * 5),
            (f"/{CONTAINER}/{SEGMENT}", b"segment"),
        ):
            status, _ = self.call("PUT", self.account + path, body=body)
            assert status in (201, 202)

    def call(
        self,
        method: str,
        path: str,
        query: str = "",
        headers: dict[str, str] | None = None,
        body: bytes = b"",
        chunked: bool = False,
    ) -> tuple[int, bytes]:
        """Send one request as wsgiref would hand it over; the status and the whole body."""
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "RAW_URI": path + (f"?{query}" if query else ""),
            "QUERY_STRING": query,
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_X_AUTH_TOKEN": self.token,
        }
        wsgiref.util.setup_testing_defaults(environ)
        for name, value in (headers or {}).items():
            key = name.upper().replace("-", "_")
            environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
        if chunked:
            environ["HTTP_TRANSFER_ENCODING"] = "chunked"
            body = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n" if body else b"0\r\n\r\n"
        elif "CONTENT_LENGTH" not in environ and "HTTP_TRANSFER_ENCODING" not in environ:
            environ["CONTENT_LENGTH"] = str(len(body))
        environ["wsgi.input"] = io.BytesIO(body)
        started: list[str] = []

        def start_response(status: str, response_headers: list, exc_info: Any = None) -> None:
            for name, value in response_headers:
                assert isinstance(name, str) and isinstance(value, str)
                value.encode("latin-1")  # PEP 3333: header values are latin-1
            started.append(status)

        reply = self.app(environ, start_response)
        try:
            content = b"".join(reply)
        finally:
            reply.close()
        return int(started[0].split()[0]), content

    def assert_answers(self, method: str, path: str, **kwargs: Any) -> int:
        status, content = self.call(method, path, **kwargs)
        assert status < 500, (method, path, kwargs, status, content[:300])
        return status


@pytest.fixture(scope="module", params=["rgw", "swift"])
def server(request):
    running = FakeServer(request.param)
    yield running
    running.state.close()


@given(method=METHODS, container=SEGMENTS, name=SEGMENTS, query=QUERIES)
@example(method="GET", container="%ff", name="", query="").via("invalid UTF-8")
@example(method="GET", container=CONTAINER, name="", query="limit=%C2%B2").via(
    "a limit of digits int() cannot read"
)
@example(method="GET", container="", name="", query="limit=%C2%B2").via(
    "an account listing's limit of digits int() cannot read"
)
def test_names_and_queries(server, method, container, name, query):
    path = f"{server.account}/{container}" + (f"/{name}" if name else "")
    server.assert_answers(method, path, query=query)


@given(
    method=METHODS,
    level=st.sampled_from(["account", "container", "object", "missing"]),
    headers=HEADERS,
    body=BODIES,
    chunked=st.booleans(),
)
@example(method="GET", level="object", headers={"Range": "bytes=0-²"}, body=b"", chunked=False).via(
    "a range end of digits int() cannot read"
)
def test_headers_and_bodies(server, method, level, headers, body, chunked):
    path = {
        "account": server.account,
        "container": f"{server.account}/{CONTAINER}",
        "object": f"{server.account}/{CONTAINER}/{OBJECT}",
        "missing": f"{server.account}/{CONTAINER}/not-there",
    }[level]
    server.assert_answers(method, path, headers=headers, body=body, chunked=chunked)


@given(manifest=MANIFESTS, query=st.sampled_from(["multipart-manifest=put", ""]))
@example(manifest=json.dumps([{"path": f"{CONTAINER}/"}]), query="multipart-manifest=put").via(
    "a segment path without an object name"
)
@example(
    manifest=json.dumps([{"path": f"{CONTAINER}/{OBJECT}", "etag": "\u00e4"}]),
    query="multipart-manifest=put",
).via("a segment ETag that is not ASCII (RGW keeps it unchecked)")
def test_large_object_manifests(server, manifest, query):
    path = f"{server.account}/{CONTAINER}/manifest"
    server.assert_answers("PUT", path, query=query, body=manifest.encode())
    server.assert_answers("GET", path)
    server.assert_answers("DELETE", path, query="multipart-manifest=delete")


@given(body=BULK_DELETES, accept=st.sampled_from(["application/json", "text/plain"]))
def test_bulk_deletes(server, body, accept):
    server.assert_answers(
        "POST",
        server.account,
        query="bulk-delete",
        headers={"Accept": accept, "Content-Type": "text/plain"},
        body=body.encode("utf-8", "surrogatepass"),
    )


# Login documents: Keystone's shape, with any JSON where a field's value goes.
FIELDS = JSON | st.sampled_from(["John", "John1234", "Default", "project_123456"])
DOMAINS = st.one_of(JSON, st.fixed_dictionaries({}, optional={"id": FIELDS, "name": FIELDS}))
USERS = st.one_of(
    JSON,
    st.fixed_dictionaries(
        {}, optional={"id": FIELDS, "name": FIELDS, "password": FIELDS, "domain": DOMAINS}
    ),
)
IDENTITIES = st.fixed_dictionaries(
    {"methods": st.sampled_from([["password"], ["token"], ["application_credential"]]) | JSON},
    optional={
        "password": st.fixed_dictionaries({}, optional={"user": USERS}) | JSON,
        "token": st.fixed_dictionaries({}, optional={"id": FIELDS}) | JSON,
        "application_credential": st.one_of(
            JSON,
            st.fixed_dictionaries(
                {},
                optional={"id": FIELDS, "name": FIELDS, "secret": FIELDS, "user": USERS},
            ),
        ),
    },
)
PROJECTS = st.fixed_dictionaries({}, optional={"id": FIELDS, "name": FIELDS, "domain": DOMAINS})
SCOPES = st.one_of(JSON, st.just("unscoped"), st.fixed_dictionaries({"project": PROJECTS | JSON}))
LOGINS = st.one_of(
    JSON,
    st.fixed_dictionaries(
        {"auth": st.fixed_dictionaries({"identity": IDENTITIES}, optional={"scope": SCOPES})}
    ),
)
JOHN = {"name": "John", "domain": {"name": "Default"}, "password": "John1234"}


@given(document=LOGINS, subject=st.one_of(LATIN1, st.none()))
@example(
    document={"auth": {"identity": {"methods": ["password"], "password": {"user": {"id": [1]}}}}},
    subject=None,
).via("a user id that is not a string")
@example(
    document={"auth": {"identity": {"methods": ["token"], "token": {"id": [1]}}}},
    subject=None,
).via("a token id that is not a string")
@example(
    document={
        "auth": {
            "identity": {"methods": ["password"], "password": {"user": JOHN}},
            "scope": {"project": {"id": {}}},
        }
    },
    subject=None,
).via("a project id that is not a string")
@example(
    document={
        "auth": {
            "identity": {
                "methods": ["application_credential"],
                "application_credential": {"name": "x", "secret": "s", "user": {"id": {}}},
            }
        }
    },
    subject=None,
).via("an application credential's user id that is not a string")
def test_keystone_logins_and_tokens(server, document, subject):
    server.assert_answers("POST", "/v3/auth/tokens", body=json.dumps(document).encode())
    headers = {} if subject is None else {"X-Subject-Token": subject}
    for method in ("GET", "HEAD", "DELETE"):
        server.assert_answers(method, "/v3/auth/tokens", headers=headers)
