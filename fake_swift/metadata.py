"""User metadata (``X-<Account|Container|Object>-Meta-*``): reading it from headers,
applying updates, and the limits each kind of server puts on it. No HTTP here."""

from __future__ import annotations

from dataclasses import dataclass

from .flavors import Flavor


@dataclass(frozen=True)
class MetadataProblem:
    """Why a request's metadata is refused: an S3-style code and Swift's own words."""

    code: str
    message: str


def meta_header_name(prefix: str, key: str) -> str:
    """``X-Object-Meta-`` and ``colour-name`` as ``X-Object-Meta-Colour-Name``."""
    return prefix + "-".join(part.capitalize() for part in key.split("-"))


def update_metadata(metadata: dict[str, str], headers: dict[str, str], kind: str) -> None:
    """Apply ``X-<kind>-Meta-*`` (empty value removes) and ``X-Remove-<kind>-Meta-*``."""
    set_prefix = f"x-{kind}-meta-"
    remove_prefix = f"x-remove-{kind}-meta-"
    for name, value in headers.items():
        if name.startswith(set_prefix):
            key = name[len(set_prefix) :]
            if value:
                metadata[key] = value
            else:
                metadata.pop(key, None)
        elif name.startswith(remove_prefix):
            metadata.pop(name[len(remove_prefix) :], None)


def object_metadata(headers: dict[str, str]) -> dict[str, str]:
    """The user metadata an object PUT or POST sets (empty values set nothing)."""
    prefix = "x-object-meta-"
    return {
        name[len(prefix) :]: value
        for name, value in headers.items()
        if name.startswith(prefix) and value
    }


def metadata_problem(flavor: Flavor, headers: dict[str, str], kind: str) -> MetadataProblem | None:
    """The first limit the request's ``X-<kind>-Meta-*`` headers break, in header order
    (Swift's constraints.check_metadata; RGW only limits the name)."""
    prefix = f"x-{kind}-meta-"
    count = size = 0
    for name, value in headers.items():
        if not name.startswith(prefix):
            continue
        # Swift names the header as its title-cased form, after a lower-case prefix.
        key = name.title()[len(prefix) :]
        if not key:
            return MetadataProblem("InvalidArgument", "Metadata name cannot be empty")
        count += 1
        size += len(key) + len(value)
        if len(key.encode()) > flavor.max_meta_name_length:
            return MetadataProblem("MetadataNameTooLong", f"Metadata name too long: {prefix}{key}")
        limit = flavor.max_meta_value_length
        if limit is not None and len(value.encode()) > limit:
            message = f"Metadata value longer than {limit}: {prefix}{key}"
            return MetadataProblem("MetadataValueTooLong", message)
        problem = _overall_problem(flavor, count, size)
        if problem is not None:
            return problem
    return None


def stored_metadata_problem(flavor: Flavor, metadata: dict[str, str]) -> MetadataProblem | None:
    """What Swift's account or container server says when the metadata it would keep
    (what it had, updated by the request) is over the limits."""
    size = sum(len(key) + len(value) for key, value in metadata.items())
    return _overall_problem(flavor, len(metadata), size)


def _overall_problem(flavor: Flavor, count: int, size: int) -> MetadataProblem | None:
    if flavor.max_meta_count is not None and count > flavor.max_meta_count:
        message = f"Too many metadata items; max {flavor.max_meta_count}"
        return MetadataProblem("TooManyMetadataItems", message)
    if flavor.max_meta_overall_size is not None and size > flavor.max_meta_overall_size:
        message = f"Total metadata too large; max {flavor.max_meta_overall_size}"
        return MetadataProblem("MetadataTooLarge", message)
    return None
