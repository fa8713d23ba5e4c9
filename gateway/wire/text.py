"""The text of a request body (every string the provider reads), and echo helpers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gateway.wire.slots import request_slots

_PIECES = re.compile(r"\s*\S+\s*|\s+")


def request_texts(endpoint: str, body: Mapping[str, Any]) -> list[str]:
    """Every string of a request the provider reads, in reading order (gateway.wire.request_slots):
    what is screened, what the prompt log keeps and what the echo providers replay."""
    return [slot.text for slot in request_slots(endpoint, dict(body))]


def approx_tokens(text: str) -> int:
    """A cheap token estimate (about four characters a token) for echo and mock usage blocks."""
    return max(1, (len(text) + 3) // 4) if text else 0


def stream_pieces(text: str) -> list[str]:
    """Split text into word-sized chunks for streaming, losing no character."""
    return _PIECES.findall(text) or [""]
