"""Sentences of the examples on pseudo-folders, metadata, copy and move, and the course mode.

Merged into ``messages.CATALOG``: every key has "en" and "fi".
"""

TEXTS: dict[str, dict[str, str]] = {}
