"""The container controller: PUT, HEAD, GET (the listing of objects), POST and DELETE of
a container ("bucket" in Allas' words)."""

from __future__ import annotations

import time

from ..listings import listing_reply, select_names, wants_reverse
from ..messages import Reply, Request
from ..metadata import meta_header_name, update_metadata
from ..state import Account, Container, StoredObject
from .auth import apply_acls, sent_acls
from .common import Layer, Refusal, access_of, http_date, target_of, x_timestamp
from .object_versioning import versions_link_entry
from .symlink import symlink_path

# The metadata names of a container's quota (see quotas.py).
QUOTA_KEYS = ("quota-bytes", "quota-count")


class ContainerController(Layer):
    """Containers, as the container servers keep them."""

    def handle(self, request: Request) -> Reply:
        handler = {
            "PUT": self.put,
            "GET": self.get,
            "HEAD": self.head,
            "POST": self.post,
            "DELETE": self.delete,
        }.get(request.method)
        if handler is None:
            return self.error(405, "MethodNotAllowed")
        return handler(request, access_of(request).account, target_of(request).container)

    def container_headers(self, container: Container) -> dict[str, str]:
        with self.state.lock:
            headers = {
                "X-Container-Object-Count": str(len(container.objects)),
                "X-Container-Bytes-Used": str(container.bytes_used),
                "X-Timestamp": x_timestamp(container.created),
                # Moved by the container's own PUTs and POSTs, not by its objects'.
                "Last-Modified": http_date(container.changed or container.created),
                "Accept-Ranges": "bytes",
            }
            if self.flavor.reports_actual_bytes:
                headers["X-Container-Bytes-Used-Actual"] = str(container.bytes_used_actual)
            headers["X-Storage-Policy"] = self.flavor.storage_policy
            if self.flavor.storage_class:
                headers["X-Storage-Class"] = self.flavor.storage_class
            for key, value in container.metadata.items():
                if key in QUOTA_KEYS and not self.flavor.container_quota_shown_as_metadata:
                    continue  # RGW keeps a bucket's quota apart from its metadata
                headers[meta_header_name("X-Container-Meta-", key)] = value
            if container.read_acl:
                headers["X-Container-Read"] = container.read_acl
            if container.write_acl:
                headers["X-Container-Write"] = container.write_acl
        return headers

    def put(self, request: Request, account: Account, name: str) -> Reply:
        self.check_container_name(name)
        self.check_metadata(request, "container")
        self._check_storage_policy(request)
        acls = sent_acls(self, request)
        with self.state.lock:
            container = account.containers.get(name)
            if container is not None:
                metadata = self.updated_metadata(container.metadata, request, "container")
                container.metadata = metadata
                apply_acls(container, acls)
                container.changed = time.time()
                return self.accepted()
            if self.flavor.container_names_are_global:
                owner = self.state.container_owner(name)
                if owner is not None and owner != account.project_id:
                    return self.error(409, "BucketAlreadyExists")
            now = time.time()
            container = Container(name, now, last_modified=now)
            update_metadata(container.metadata, request.headers, "container")
            apply_acls(container, acls)
            account.containers[name] = container
            account.order.add(name)
            account.written = True
        return Reply(201, {"Content-Type": self.flavor.write_reply_content_type})

    def _check_storage_policy(self, request: Request) -> None:
        """A container PUT may name the one storage policy there is, and no other."""
        policy = request.headers.get("x-storage-policy")
        # An empty one asks for the default, as none does.
        if policy and policy != self.flavor.storage_policy:
            if self.s3:
                raise Refusal(self.error(400, "InvalidLocationConstraint"))
            reply = self.error(
                400, "InvalidLocationConstraint", f"Invalid X-Storage-Policy {policy!r}"
            )
            reply.headers["Content-Type"] = "text/plain"
            raise Refusal(reply)

    def head(self, request: Request, account: Account, name: str) -> Reply:
        headers = self.container_headers(self.container(account, name))
        headers["Content-Type"] = self.head_listing_type(request)
        return Reply(204, headers)

    def get(self, request: Request, account: Account, name: str) -> Reply:
        container = self.container(account, name)
        limit = self.listing_limit(request, "container", {})
        reverse = wants_reverse(self.flavor, request.query, "container")
        with self.state.lock:
            left_out = self.flavor.bare_delimiter_subdir_left_out
            names = container.order.names
            selection = select_names(names, request.query, limit, reverse, left_out)
            entries = []
            for kind, object_name in selection:
                if kind == "subdir":
                    entries.append({"subdir": object_name})
                    continue
                entry = self._listing_entry(container.objects[object_name], account.project_id)
                entries.append(entry)
        headers = self.container_headers(container)
        if self.flavor.container_listing_timestamp_is_zero:
            headers["X-Timestamp"] = x_timestamp(0)
        return listing_reply(self.flavor, request, entries, headers, ("container", name))

    def _listing_entry(self, obj: StoredObject, project_id: str) -> dict:
        lists_manifest_json = obj.is_slo and self.flavor.slo_stores_manifest_json
        entry = {
            "name": obj.name,
            "hash": obj.etag,
            "bytes": obj.content_length if lists_manifest_json else obj.size,
        }
        if obj.content_type:
            entry["content_type"] = obj.content_type
        entry["last_modified"] = self.flavor.listing_time(obj.last_modified)
        if lists_manifest_json:
            entry["slo_etag"] = f'"{obj.slo_etag}"'
        if obj.symlink is not None and self.flavor.symlinks:
            entry.update(self._symlink_entry(obj, project_id))
        return entry

    def _symlink_entry(self, obj: StoredObject, project_id: str) -> dict:
        """Where a link points, as Swift lists it (and its target's SLO ETag, size and
        ETag for a static link)."""
        link = obj.symlink
        assert link is not None
        if link.versions:
            return versions_link_entry(link, obj.name, project_id)
        entry: dict = {"symlink_path": symlink_path(link, project_id)}
        if link.etag:
            if link.slo_etag:
                entry["slo_etag"] = link.slo_etag
            entry["symlink_etag"] = link.etag
            entry["symlink_bytes"] = link.size
        return entry

    def post(self, request: Request, account: Account, name: str) -> Reply:
        self.check_metadata(request, "container")
        container = self.container(account, name)
        policy = request.headers.get("x-storage-policy")
        if self.flavor.post_naming_another_policy_conflicts and policy not in (
            None,
            self.flavor.storage_policy,
        ):
            return self.error(409, "BucketAlreadyExists")
        acls = sent_acls(self, request)
        with self.state.lock:
            container.metadata = self.updated_metadata(container.metadata, request, "container")
            apply_acls(container, acls)
            container.changed = time.time()
        return Reply(204, {"Content-Type": self.flavor.write_reply_content_type})

    def delete(self, request: Request, account: Account, name: str) -> Reply:
        with self.state.lock:
            container = account.containers.get(name)
            if container is None:
                raise self.not_found("container")
            if container.objects:
                return self.error(409, "BucketNotEmpty")
            del account.containers[name]
            account.order.remove(name)
        return Reply(204, {"Content-Type": self.flavor.write_reply_content_type})
