"""Swift API semantics: a :class:`~fake_swift.messages.Request` in, a
:class:`~fake_swift.messages.Reply` out, through a pipeline shaped like OpenStack Swift's
proxy (see :mod:`fake_swift.swift.pipeline`). No HTTP library here."""

from .pipeline import Swift

__all__ = ["Swift"]
