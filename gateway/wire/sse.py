"""Server-sent events framing."""

from __future__ import annotations

from collections.abc import Mapping

from gateway.json_input import encode_json

DONE = b"data: [DONE]\n\n"


def dumps(obj: object) -> str:
    return encode_json(obj, separators=(",", ":"))


def data_event(obj: Mapping[str, object]) -> bytes:
    return f"data: {dumps(obj)}\n\n".encode()


def named_event(event: str, obj: Mapping[str, object]) -> bytes:
    return f"event: {event}\ndata: {dumps(obj)}\n\n".encode()
