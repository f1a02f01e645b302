"""The differential conformance suite: the same short request sequences (the cases) sent
to a real server and to the fake, and what clients read from both compared.

A case is a function of a :class:`~fake_swift.conformance.probe.Probe`; ``CASES`` names
them all (add a new case to one of the ``cases_*`` modules and to ``CASES``).
``observe(case, server)`` runs one and returns its records; ``differences(real, fake)``
lists where two lists of records differ. tests/test_conformance.py runs every case on
the real servers of the tests and on ``mock_allas(flavor=...)``.
"""

from __future__ import annotations

from collections.abc import Callable

from .cases_core import (
    access,
    account_listing,
    account_without_prefix,
    bulk_delete,
    bulk_delete_by_delete,
    container_lifecycle,
    copies,
    cross_project_create,
    guessed_content_types,
    info,
    large_objects,
    listings,
    object_failures,
    object_lifecycle,
    ranges_and_conditions,
    short_container_name,
    storage_policies,
)
from .cases_proxy import (
    account_quotas,
    bulk_upload,
    container_last_modified,
    container_quotas,
    copy_details,
    dlo_manifests,
    etag_quoter,
    expiry_details,
    listing_and_naming_edges,
    object_versioning,
    options_and_cors,
    slo_ranges,
    static_web,
    symlinks,
    temp_url_details,
    versioned_writes,
)
from .cases_sharing import container_acls, temp_urls
from .cases_surface import (
    account_listing_formats,
    conditions,
    expiry,
    listing_formats,
    malformed,
    metadata,
    metadata_limits,
    multiple_ranges,
    names,
    slo_limits,
)
from .probe import Probe, Server, difference_rows, differences, flatten, observe

__all__ = ["CASES", "Probe", "Server", "difference_rows", "differences", "flatten", "observe"]

CASES: dict[str, Callable[[Probe], None]] = {
    "container_lifecycle": container_lifecycle,
    "object_lifecycle": object_lifecycle,
    "object_failures": object_failures,
    "short_container_name": short_container_name,
    "listings": listings,
    "account_listing": account_listing,
    "ranges_and_conditions": ranges_and_conditions,
    "copies": copies,
    "slo": large_objects(use_slo=True),
    "dlo": large_objects(use_slo=False),
    "info": info,
    "bulk_delete": bulk_delete,
    "bulk_delete_by_delete": bulk_delete_by_delete,
    "access": access,
    "cross_project_create": cross_project_create,
    "account_without_prefix": account_without_prefix,
    "guessed_content_types": guessed_content_types,
    "storage_policies": storage_policies,
    "listing_formats": listing_formats,
    "account_listing_formats": account_listing_formats,
    "metadata": metadata,
    "metadata_limits": metadata_limits,
    "conditions": conditions,
    "multiple_ranges": multiple_ranges,
    "names": names,
    "malformed": malformed,
    "expiry": expiry,
    "slo_limits": slo_limits,
    "container_acls": container_acls,
    "temp_urls": temp_urls,
    "slo_ranges": slo_ranges,
    "dlo_manifests": dlo_manifests,
    "temp_url_details": temp_url_details,
    "copy_details": copy_details,
    "expiry_details": expiry_details,
    "options_and_cors": options_and_cors,
    "account_quotas": account_quotas,
    "container_quotas": container_quotas,
    "symlinks": symlinks,
    "container_last_modified": container_last_modified,
    "listing_and_naming_edges": listing_and_naming_edges,
    "object_versioning": object_versioning,
    "versioned_writes": versioned_writes,
    "static_web": static_web,
    "bulk_upload": bulk_upload,
    "etag_quoter": etag_quoter,
}
