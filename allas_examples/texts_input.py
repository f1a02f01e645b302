"""Sentences about bad input: names, files and folders the scripts refuse before sending or writing.

Merged into ``messages.CATALOG``: every key has "en" and "fi".
"""

TEXTS: dict[str, dict[str, str]] = {}
