"""The one error type the patterns raise for bad input, so callers can catch it."""

from __future__ import annotations


class PatternConfigError(ValueError):
    """A construct was given input it cannot build; raised at synth, before any deploy.

    Messages name the property, the value given, and what is allowed, e.g.
    ``min_capacity (5) must not exceed max_capacity (2)``.
    """


def require(condition: bool, message: str) -> None:
    """Raise PatternConfigError with ``message`` unless ``condition`` holds."""
    if not condition:
        raise PatternConfigError(message)
