"""How long the scripts wait for each answer from Allas: ``ALLAS_TIMEOUT`` seconds, else 60.

A leaf module (it imports nothing of this package), so that both the connection, which
sets the timeout, and the error descriptions, which name it, can read it.
"""

from __future__ import annotations

import math
import os

TIMEOUT_VARIABLE = "ALLAS_TIMEOUT"
# Long enough for Allas to store a 5 GiB segment after its last byte, short enough that
# a stalled transfer ends within minutes (each request is tried up to 6 times).
DEFAULT_TIMEOUT = 60.0


def configured_timeout() -> tuple[float | None, str]:
    """The timeout ``ALLAS_TIMEOUT`` asks for and the raw value; None when the value is
    not a positive number (an empty or missing variable gives the default)."""
    raw = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT, raw
    try:
        seconds = float(raw)
    except ValueError:
        return None, raw
    if not (math.isfinite(seconds) and seconds > 0):
        return None, raw
    return seconds, raw
