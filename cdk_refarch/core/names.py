"""Construct IDs derived from user input."""

from __future__ import annotations

import re


def pascal(text: str) -> str:
    """``/items/{id}`` -> ``ItemsId``; ``items`` -> ``Items``: names for construct IDs."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    return "".join(word[:1].upper() + word[1:] for word in words) or "Root"
