"""The account controller: HEAD and GET (the listing of containers) and POST (metadata)
of a project's account."""

from __future__ import annotations

import time

from ..listings import listing_reply, select_names, wants_reverse
from ..messages import Reply, Request
from ..metadata import meta_header_name
from ..state import Account, Project
from .common import Layer, access_of, x_timestamp
from .object_versioning import RESERVED, bytes_with_versions


class AccountController(Layer):
    """A project's account, as the account server keeps it."""

    def handle(self, request: Request) -> Reply:
        handler = {
            "GET": self.get,
            "HEAD": self.head,
            "POST": self.post,
        }.get(request.method)
        if handler is None:
            return self.error(405, "MethodNotAllowed")
        return handler(request, access_of(request).account)

    def is_made_up(self, account: Account) -> bool:
        """Whether Swift would answer for this account without having stored it yet."""
        return not account.written and not self.flavor.accounts_exist_before_first_write

    def account_headers(self, account: Account) -> dict[str, str]:
        if self.is_made_up(account):
            # Swift's made-up answer for an account with no database yet.
            now = x_timestamp(time.time())
            return {
                "X-Account-Container-Count": "0",
                "X-Account-Object-Count": "0",
                "X-Account-Bytes-Used": "0",
                "X-Timestamp": now,
                "X-Put-Timestamp": now,
            }
        flavor = self.flavor
        with self.state.lock:
            counts = {
                "Container-Count": len(account.containers),
                "Object-Count": account.object_count,
                "Bytes-Used": account.bytes_used,
            }
            if flavor.reports_actual_bytes:
                counts["Bytes-Used-Actual"] = account.bytes_used_actual
            headers = {f"X-Account-{name}": str(value) for name, value in counts.items()}
            if account.containers or flavor.policy_headers_on_empty_account:
                policy = f"X-Account-Storage-Policy-{flavor.storage_policy_title}"
                headers.update({f"{policy}-{k}": str(v) for k, v in counts.items()})
            headers["X-Timestamp"] = x_timestamp(account.created)
            headers["Accept-Ranges"] = "bytes"
            if account.project_domain_id is not None:
                headers["X-Account-Project-Domain-Id"] = account.project_domain_id
            for key, value in account.metadata.items():
                headers[meta_header_name("X-Account-Meta-", key)] = value
        return headers

    def head(self, request: Request, account: Account) -> Reply:
        headers = self.account_headers(account)
        headers["Content-Type"] = self.head_listing_type(request)
        # Swift's made-up answer for an account not yet written is a 200.
        return Reply(200 if self.is_made_up(account) else 204, headers)

    def get(self, request: Request, account: Account) -> Reply:
        query = dict(request.query)
        if not self.flavor.account_listing_honours_delimiter:
            query.pop("delimiter", None)
        headers = self.account_headers(account)
        limit = self.listing_limit(request, "account", headers)
        with self.state.lock:
            # Containers in the reserved namespace (versions) are not listed.
            names = [name for name in account.order.names if not name.startswith(RESERVED)]
            reverse = wants_reverse(self.flavor, query, "account")
            selection = select_names(names, query, limit, reverse)
            entries = []
            for kind, name in selection:
                if kind == "subdir":
                    entries.append({"subdir": name})
                    continue
                container = account.containers[name]
                entry = {
                    "name": name,
                    "count": len(container.objects),
                    "bytes": bytes_with_versions(account, container),
                }
                if self.flavor.account_listing_has_last_modified:
                    entry["last_modified"] = self.flavor.listing_time(container.last_modified)
                if self.flavor.account_listing_storage_policy is not None:
                    entry["storage_policy"] = self.flavor.account_listing_storage_policy
                entries.append(entry)
        project = self.state.projects.get(account.project_id)
        name = self.flavor.xml_account_name(project or Project(account.project_id, "", ""))
        return listing_reply(self.flavor, request, entries, headers, ("account", name))

    def post(self, request: Request, account: Account) -> Reply:
        self.check_metadata(request, "account")
        with self.state.lock:
            account.metadata = self.updated_metadata(account.metadata, request, "account")
            account.written = True
        return Reply(204, {"Content-Type": self.flavor.write_reply_content_type})
