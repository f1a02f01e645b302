"""Sentences about faults: retries, timeouts, interrupted transfers and what is left behind.

Merged into ``messages.CATALOG``: every key has "en" and "fi".
"""

TEXTS: dict[str, dict[str, str]] = {}
