"""Where the human-written text sits in each endpoint's request body."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gateway.wire.slots import request_slots

_PIECES = re.compile(r"\s*\S+\s*|\s+")


def request_texts(endpoint: str, body: Mapping[str, Any]) -> list[str]:
    """The text fields of a request, in the order a model reads them (see ``slots``)."""
    return [slot.text for slot in request_slots(endpoint, dict(body))]


def approx_tokens(text: str) -> int:
    """A cheap token estimate (about four characters a token) for echo and mock usage blocks."""
    return max(1, (len(text) + 3) // 4) if text else 0


def stream_pieces(text: str) -> list[str]:
    """Split text into word-sized chunks for streaming, losing no character."""
    return _PIECES.findall(text) or [""]
