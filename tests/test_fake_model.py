"""The fake against a model: random operation sequences, every answer predicted.

A hypothesis state machine sends random sequences of Swift requests to the fake (over
its ``responses`` transport, as ``requests`` sends them) and keeps a plain dict of what
the account should hold. Every reply is compared with what the model predicts: status
codes, bodies, ETags, metadata, listings (prefix, delimiter, marker, end_marker, limit,
reverse) and the counts and bytes of the account and its containers. It runs once per
flavor; where RGW and Swift answer differently the model says so by name.

The default run is short. For a long one:
``HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/test_fake_model.py``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
import requests
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from fake_swift import mock_allas

CONTAINERS = ("alpha", "beta", "gämma")
# Names that often meet (overwrites, copies onto existing objects, shared "folders"),
# and now and then another one from the same few letters.
NAME_POOL = ("a", "a/", "a/b", "a/ä", "aa", "b", "b/a/b", "ä")
OBJECT_NAMES = st.sampled_from(NAME_POOL) | st.text(alphabet="ab/ä", min_size=1, max_size=5)
PREFIXES = st.text(alphabet="ab/ä", max_size=3)
META_KEYS = ("colour", "size-class")
META_VALUES = st.text(alphabet="xyzäö-", min_size=1, max_size=6)
BODIES = st.binary(max_size=64)
LIMITS = st.none() | st.integers(min_value=0, max_value=6)


def listed(reply: requests.Response) -> list[tuple[str, str]]:
    """A JSON listing as ("name", ...) and ("subdir", ...) pairs, in its order."""
    return [
        ("subdir", entry["subdir"]) if "subdir" in entry else ("name", entry["name"])
        for entry in reply.json()
    ]


def entries(reply: requests.Response) -> list[dict]:
    """The named entries of a JSON listing (its subdirs left out)."""
    return [entry for entry in reply.json() if "subdir" not in entry]


@dataclass
class ModelObject:
    body: bytes
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def etag(self) -> str:
        return hashlib.md5(self.body).hexdigest()


def header_text(value: str) -> str:
    """A reply header as the UTF-8 text the fake meant (HTTP carries it as latin-1)."""
    return value.encode("latin-1").decode("utf-8")


def meta_headers(kind: str, metadata: dict[str, str]) -> dict[str, bytes]:
    # UTF-8 bytes, as swiftclient sends them.
    return {f"X-{kind}-Meta-{key}": value.encode() for key, value in metadata.items()}


def meta_from(reply: requests.Response, kind: str) -> dict[str, str]:
    prefix = f"x-{kind}-meta-"
    return {
        name.lower()[len(prefix) :]: header_text(value)
        for name, value in reply.headers.items()
        if name.lower().startswith(prefix)
    }


def select(
    names: list[str],
    prefix: str,
    delimiter: str,
    marker: str,
    end_marker: str,
    limit: int | None,
    reverse: bool,
    bare_delimiter_left_out: bool = False,
) -> list[tuple[str, str]]:
    """The ("name", n) and ("subdir", s) entries a listing holds, as Swift defines them
    (RGW leaves out the names under a subdir that is the delimiter alone)."""
    chosen = [n for n in sorted(names) if n.startswith(prefix)]
    if reverse:
        chosen = [n for n in reversed(chosen) if (not marker or n < marker)]
        chosen = [n for n in chosen if not end_marker or n > end_marker]
    else:
        chosen = [n for n in chosen if n > marker and (not end_marker or n < end_marker)]
    entries: list[tuple[str, str]] = []
    for name in chosen:
        cut = name.find(delimiter, len(prefix)) if delimiter else -1
        if cut < 0:
            entries.append(("name", name))
            continue
        subdir = name[: cut + len(delimiter)]
        if bare_delimiter_left_out and subdir == delimiter:
            continue
        if subdir != marker and (not entries or entries[-1] != ("subdir", subdir)):
            entries.append(("subdir", subdir))
    return entries[: 10_000 if limit is None else limit]


class FakeAgainstModel(RuleBasedStateMachine):
    flavor = "rgw"

    def __init__(self) -> None:
        super().__init__()
        self.allas = mock_allas(self.flavor).__enter__()
        self.session = requests.Session()
        self.session.headers["X-Auth-Token"] = self.allas.token_for("John")
        self.url = self.allas.storage_url()
        self.containers: dict[str, dict[str, ModelObject]] = {}
        self.container_meta: dict[str, dict[str, str]] = {}
        self.account_written = False

    def teardown(self) -> None:
        self.session.close()
        self.allas.__exit__(None, None, None)

    # talking to the fake

    def send(
        self,
        method: str,
        container: str = "",
        name: str = "",
        *,
        params: dict | None = None,
        headers: dict | None = None,
        data: bytes | None = None,
    ) -> requests.Response:
        url = self.url
        if container:
            url += "/" + quote(container, safe="")
        if name:
            url += "/" + quote(name, safe="/")
        reply = self.session.request(method, url, params=params, headers=headers, data=data)
        assert reply.status_code < 500, (method, url, reply.status_code, reply.text)
        assert reply.headers["X-Trans-Id"] == reply.headers["X-Openstack-Request-Id"]
        return reply

    def expect(self, reply: requests.Response, status: int) -> None:
        assert reply.status_code == status, (
            reply.request.method,
            reply.request.url,
            reply.status_code,
            status,
            reply.text,
        )

    def find(self, container: str, name: str) -> ModelObject | None:
        return self.containers.get(container, {}).get(name)

    # containers

    @rule(
        container=st.sampled_from(CONTAINERS),
        metadata=st.dictionaries(st.sampled_from(META_KEYS), META_VALUES, max_size=1),
    )
    def create_container(self, container, metadata) -> None:
        reply = self.send("PUT", container, headers=meta_headers("Container", metadata))
        self.expect(reply, 202 if container in self.containers else 201)
        self.containers.setdefault(container, {})
        self.container_meta.setdefault(container, {}).update(metadata)
        self.account_written = True

    @rule(container=st.sampled_from(CONTAINERS))
    def delete_container(self, container) -> None:
        reply = self.send("DELETE", container)
        if container not in self.containers:
            self.expect(reply, 404)
        elif self.containers[container]:
            self.expect(reply, 409)
        else:
            self.expect(reply, 204)
            del self.containers[container]
            del self.container_meta[container]

    @rule(
        container=st.sampled_from(CONTAINERS),
        key=st.sampled_from(META_KEYS),
        value=META_VALUES,
    )
    def post_container_metadata(self, container, key, value) -> None:
        reply = self.send("POST", container, headers=meta_headers("Container", {key: value}))
        if container not in self.containers:
            self.expect(reply, 404)
            return
        self.expect(reply, 204)
        self.container_meta[container][key] = value

    @rule(container=st.sampled_from(CONTAINERS))
    def head_container(self, container) -> None:
        reply = self.send("HEAD", container)
        if container not in self.containers:
            self.expect(reply, 404)
            return
        self.expect(reply, 204)
        objects = self.containers[container].values()
        assert int(reply.headers["X-Container-Object-Count"]) == len(objects)
        assert int(reply.headers["X-Container-Bytes-Used"]) == sum(len(o.body) for o in objects)
        assert meta_from(reply, "container") == self.container_meta[container]

    # objects

    @rule(
        container=st.sampled_from(CONTAINERS),
        name=OBJECT_NAMES,
        body=BODIES,
        metadata=st.dictionaries(st.sampled_from(META_KEYS), META_VALUES, max_size=2),
    )
    def put_object(self, container, name, body, metadata) -> None:
        reply = self.send(
            "PUT", container, name, headers=meta_headers("Object", metadata), data=body
        )
        if container not in self.containers:
            self.expect(reply, 404)
            return
        self.expect(reply, 201)
        assert reply.headers["Etag"] == hashlib.md5(body).hexdigest()
        self.containers[container][name] = ModelObject(body, dict(metadata))
        self.read_back(container, name)

    @rule(
        source=st.tuples(st.sampled_from(CONTAINERS), OBJECT_NAMES),
        destination=st.tuples(st.sampled_from(CONTAINERS), OBJECT_NAMES),
        with_copy_method=st.booleans(),
        fresh_metadata=st.booleans(),
        metadata=st.dictionaries(st.sampled_from(META_KEYS), META_VALUES, max_size=1),
    )
    def copy_object(self, source, destination, with_copy_method, fresh_metadata, metadata) -> None:
        target = destination
        headers: dict = meta_headers("Object", metadata)
        if fresh_metadata:
            headers["X-Fresh-Metadata"] = "true"
        path = "/" + quote(source[0], safe="") + "/" + quote(source[1], safe="/")
        target_path = "/" + quote(target[0], safe="") + "/" + quote(target[1], safe="/")
        if with_copy_method:
            headers["Destination"] = target_path
            reply = self.send("COPY", *source, headers=headers)
        else:
            headers["X-Copy-From"] = path
            reply = self.send("PUT", *target, headers=headers, data=b"")
        original = self.find(*source)
        if original is None or target[0] not in self.containers:
            self.expect(reply, 404)
            return
        self.expect(reply, 201)
        kept = {} if fresh_metadata else dict(original.metadata)
        self.containers[target[0]][target[1]] = ModelObject(original.body, {**kept, **metadata})
        self.read_back(*target)

    @rule(container=st.sampled_from(CONTAINERS), name=OBJECT_NAMES)
    def delete_object(self, container, name) -> None:
        reply = self.send("DELETE", container, name)
        if self.find(container, name) is None:
            self.expect(reply, 404)
            return
        self.expect(reply, 204)
        del self.containers[container][name]

    @precondition(lambda self: any(self.containers.values()))
    @rule(data=st.data())
    def delete_a_stored_object(self, data) -> None:
        """Deletes one that exists (random names rarely meet a stored one)."""
        container, name = data.draw(st.sampled_from(self.stored_names()))
        self.delete_object(container, name)

    @rule(
        container=st.sampled_from(CONTAINERS),
        name=OBJECT_NAMES,
        metadata=st.dictionaries(st.sampled_from(META_KEYS), META_VALUES, max_size=2),
    )
    def post_object_metadata(self, container, name, metadata) -> None:
        reply = self.send("POST", container, name, headers=meta_headers("Object", metadata))
        stored = self.find(container, name)
        if stored is None:
            self.expect(reply, 404)
            return
        self.expect(reply, 202)
        stored.metadata = dict(metadata)  # a POST replaces the user metadata
        self.read_back(container, name)

    def read_back(self, container: str, name: str) -> None:
        """What was just written reads back as the model has it."""
        stored = self.containers[container][name]
        reply = self.send("GET", container, name)
        self.expect(reply, 200)
        assert (reply.content, reply.headers["Etag"]) == (stored.body, stored.etag)
        assert meta_from(reply, "object") == stored.metadata

    def stored_names(self) -> list[tuple[str, str]]:
        return sorted((c, n) for c, objects in self.containers.items() for n in objects)

    @precondition(lambda self: any(self.containers.values()))
    @rule(data=st.data(), method=st.sampled_from(["GET", "HEAD"]))
    def get_stored_object(self, data, method) -> None:
        container, name = data.draw(st.sampled_from(self.stored_names()))
        stored = self.containers[container][name]
        size = len(stored.body)
        range_header, status, expected = None, 200, stored.body
        if size and data.draw(st.booleans()):
            range_header, status, expected = self.draw_range(data, stored.body)
        if method == "HEAD" and self.flavor == "swift":
            status, expected = 200, stored.body  # Swift's HEAD ignores Range
        headers = {"Range": range_header} if range_header else {}
        reply = self.send(method, container, name, headers=headers)
        self.expect(reply, status)
        if status == 416:
            return
        assert reply.headers["Etag"] == stored.etag
        assert meta_from(reply, "object") == stored.metadata
        assert int(reply.headers["Content-Length"]) == len(expected)
        if method == "GET":
            assert reply.content == expected

    def draw_range(self, data, body: bytes) -> tuple[str, int, bytes]:
        """A Range header, and the status and bytes the flavor answers it with."""
        size = len(body)
        kind = data.draw(st.sampled_from(["closed", "open", "suffix", "backwards"]))
        start = data.draw(st.integers(min_value=0, max_value=size + 2))
        if kind == "suffix":
            length = data.draw(st.integers(min_value=1, max_value=size + 2))
            return f"bytes=-{length}", 206, body[-length:]
        if kind == "backwards" and start > 0:
            # An end before the start: Swift ignores the header, RGW refuses the range.
            if self.flavor == "swift":
                return f"bytes={start}-{start - 1}", 200, body
            return f"bytes={start}-{start - 1}", 416, b""
        if start >= size:
            return f"bytes={start}-", 416, b""
        if kind == "open":
            return f"bytes={start}-", 206, body[start:]
        end = data.draw(st.integers(min_value=start, max_value=size + 2))
        return f"bytes={start}-{end}", 206, body[start : end + 1]

    @rule(container=st.sampled_from(CONTAINERS), name=OBJECT_NAMES)
    def get_object_by_name(self, container, name) -> None:
        reply = self.send("GET", container, name)
        stored = self.find(container, name)
        if stored is None:
            self.expect(reply, 404)
            return
        self.expect(reply, 200)
        assert reply.content == stored.body

    # listings and counts

    @rule(
        container=st.sampled_from(CONTAINERS),
        prefix=PREFIXES,
        delimiter=st.sampled_from(["", "/", "a"]),
        marker=PREFIXES,
        end_marker=PREFIXES,
        limit=LIMITS,
        reverse=st.booleans(),
    )
    def list_container(self, container, prefix, delimiter, marker, end_marker, limit, reverse):
        params = {"format": "json", "prefix": prefix, "delimiter": delimiter, "marker": marker}
        params.update({"end_marker": end_marker, "reverse": "true" if reverse else ""})
        if limit is not None:
            params["limit"] = str(limit)
        reply = self.send("GET", container, params=params)
        if container not in self.containers:
            self.expect(reply, 404)
            return
        self.expect(reply, 200)
        objects = self.containers[container]
        honours_reverse = reverse and self.flavor == "swift"  # RGW ignores it
        expected = select(
            list(objects),
            prefix,
            delimiter,
            marker,
            end_marker,
            limit,
            honours_reverse,
            bare_delimiter_left_out=self.flavor == "rgw",
        )
        for entry in entries(reply):
            stored = objects[entry["name"]]
            assert (entry["bytes"], entry["hash"]) == (len(stored.body), stored.etag)
        assert listed(reply) == expected

    @rule(
        prefix=st.sampled_from(["", "a", "g", "gä"]),
        delimiter=st.sampled_from(["", "l"]),
        marker=st.sampled_from(["", "alpha", "b"]),
        limit=LIMITS,
    )
    def list_account(self, prefix, delimiter, marker, limit) -> None:
        params = {"format": "json", "prefix": prefix, "delimiter": delimiter, "marker": marker}
        if limit is not None:
            params["limit"] = str(limit)
        reply = self.send("GET", params=params)
        self.expect(reply, 200)
        honoured = delimiter if self.flavor == "swift" else ""  # RGW ignores it here
        expected = select(list(self.containers), prefix, honoured, marker, "", limit, False)
        for entry in entries(reply):
            objects = self.containers[entry["name"]].values()
            assert entry["count"] == len(objects)
            assert entry["bytes"] == sum(len(o.body) for o in objects)
        assert listed(reply) == expected

    @invariant()
    def head_account(self) -> None:
        """After every step: the account's counts and bytes are the model's."""
        reply = self.send("HEAD")
        # Swift makes up a 200 for an account not written yet; RGW's exists at once.
        made_up = self.flavor == "swift" and not self.account_written
        self.expect(reply, 200 if made_up else 204)
        objects = [o for c in self.containers.values() for o in c.values()]
        assert int(reply.headers["X-Account-Container-Count"]) == len(self.containers)
        assert int(reply.headers["X-Account-Object-Count"]) == len(objects)
        assert int(reply.headers["X-Account-Bytes-Used"]) == sum(len(o.body) for o in objects)


class SwiftAgainstModel(FakeAgainstModel):
    flavor = "swift"


# Each runs many random programs of requests.
TestRgwFlavor = pytest.mark.lengthy(FakeAgainstModel.TestCase)
TestSwiftFlavor = pytest.mark.lengthy(SwiftAgainstModel.TestCase)
