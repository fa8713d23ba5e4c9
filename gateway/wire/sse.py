"""Server-sent events framing."""

from __future__ import annotations

import json
from collections.abc import Mapping

DONE = b"data: [DONE]\n\n"


def dumps(obj: object) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def data_event(obj: Mapping[str, object]) -> bytes:
    return f"data: {dumps(obj)}\n\n".encode()


def named_event(event: str, obj: Mapping[str, object]) -> bytes:
    return f"event: {event}\ndata: {dumps(obj)}\n\n".encode()
