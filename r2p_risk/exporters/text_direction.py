"""Which way a text runs, for the briefings that lay out right-to-left paragraphs from the right margin."""

from __future__ import annotations

import unicodedata


def right_to_left(text: str) -> bool:
    """True when the first letter with a strong direction is right-to-left (Arabic, Hebrew)."""
    for c in text:
        direction = unicodedata.bidirectional(c)
        if direction in ("L", "R", "AL"):
            return direction != "L"
    return False
