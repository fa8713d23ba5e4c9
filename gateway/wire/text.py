"""Echo helpers: a token estimate, and text cut in pieces to stream.

(A request's texts, ``request_texts``, are in gateway.wire.slots.)
"""

from __future__ import annotations

import re

_PIECES = re.compile(r"\s*\S+\s*|\s+")


def approx_tokens(text: str) -> int:
    """A cheap token estimate (about four characters a token) for echo and mock usage blocks."""
    return max(1, (len(text) + 3) // 4) if text else 0


def stream_pieces(text: str) -> list[str]:
    """Split text into word-sized chunks for streaming, losing no character."""
    return _PIECES.findall(text) or [""]
