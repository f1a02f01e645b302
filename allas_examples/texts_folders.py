"""Sentences of the examples about folder transfers, large downloads, progress and integrity checks.

Merged into ``messages.CATALOG``: every key has "en" and "fi".
"""

TEXTS: dict[str, dict[str, str]] = {}
