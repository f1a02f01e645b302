"""Sentences of the examples about logins, sharing, temporary URLs and expiry.

Merged into ``messages.CATALOG``: every key has "en" and "fi".
"""

TEXTS: dict[str, dict[str, str]] = {}
