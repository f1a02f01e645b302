"""The Range header as each kind of server reads it. No HTTP and no state here."""

from __future__ import annotations

import itertools
import re

# Swift's limits on "egregious" range sets (swob.Range.ranges_for_length): past them
# the ranges are unsatisfiable.
MAX_RANGES = 50
MAX_RANGE_OVERLAPS = 2
MAX_NONASCENDING_RANGES = 8

UNSATISFIABLE = "unsatisfiable"
Ranges = list[tuple[int, int]]  # (start, stop) pairs, stop exclusive


def parse_ranges(header: str | None, size: int, rgw_style: bool) -> Ranges | str | None:
    """The byte ranges a GET serves: a list, UNSATISFIABLE (416), or None (the whole
    object, as if no Range had been sent)."""
    if not header:
        return None
    return _rgw_range(header, size) if rgw_style else _swift_ranges(header, size)


RangeSpecs = list[tuple[int | None, int | None]]


def swift_range_specs(header: str) -> RangeSpecs | None:
    """swob.Range's parse: (first, last) pairs, either may be None; None when invalid."""
    value = header.replace(" ", "")
    if not value.lower().startswith("bytes="):
        return None
    specs: RangeSpecs = []
    for spec in value[len("bytes=") :].split(","):
        first, dash, last = spec.partition("-")
        if not dash:
            return None
        try:
            start = int(first) if first else None
        except ValueError:
            return None
        if last and not (last.isascii() and last.isdigit()):
            return None
        end = int(last) if last else None
        if (start is None and end is None) or (
            start is not None and end is not None and end < start
        ):
            return None
        specs.append((start, end))
    return specs


def satisfiable_ranges(specs: RangeSpecs, size: int) -> Ranges:
    """The (start, stop) pairs of ``specs`` that an object of ``size`` bytes satisfies."""
    ranges: Ranges = []
    for start, end in specs:
        if start is None:
            if end:
                ranges.append((max(size - end, 0), size))
        elif start < size:
            ranges.append((start, size if end is None else min(end + 1, size)))
    return ranges


def _swift_ranges(header: str, size: int) -> Ranges | str | None:
    """swob.Range: any invalid spec voids the header; unsatisfiable specs are dropped."""
    specs = swift_range_specs(header)
    if specs is None:
        return None
    ranges = satisfiable_ranges(specs, size)
    if not ranges or len(ranges) > MAX_RANGES:
        return UNSATISFIABLE
    overlaps = sum(
        1
        for (s1, e1), (s2, e2) in itertools.combinations(ranges, 2)
        if s1 < s2 < e1 or s1 < e2 < e1 or s2 < s1 < e2 or s2 < e1 < e2
    )
    if overlaps > MAX_RANGE_OVERLAPS:
        return UNSATISFIABLE
    ascending = all(a <= b for a, b in itertools.pairwise(ranges))
    if not ascending and len(ranges) >= MAX_NONASCENDING_RANGES:
        return UNSATISFIABLE
    return ranges


def _atoll(text: str) -> int:
    """C's atoll: the leading integer, 0 when there is none."""
    match = re.match(r"\s*([+-]?\d+)", text)
    return int(match.group(1)) if match else 0


def _rgw_range(header: str, size: int) -> Ranges | str | None:
    """RGWGetObj::parse_range: the first range only, numbers read as atoll does."""
    found = header.find("bytes=")
    if found >= 0:
        spec = header[found + len("bytes=") :]
    else:
        match = re.match(r"\s*([A-Za-z]*)\s*=", header)
        if not match or match.group(1).lower() != "bytes"[: len(match.group(1))]:
            return None
        spec = header[match.end() :]
    first, dash, last = spec.partition("-")
    if not dash:
        return UNSATISFIABLE
    end = _atoll(last) if last else -1
    if last and end < 0:
        return UNSATISFIABLE
    if first:
        start = _atoll(first)
    else:  # a suffix: the last `end` bytes
        start, end = -end, -1
    if end >= 0 and end < start:
        return UNSATISFIABLE
    if start < 0:
        start = max(start + size, 0)
        end = -1
    if start >= size:
        return UNSATISFIABLE
    stop = size if end < 0 else min(end + 1, size)
    return [(start, stop)]
