"""Anthropic messages (``/v1/messages``): content blocks out, streamed as block deltas.

A streamed block's delta fields are each a stream keyed by block index and field. Anthropic's SDK
joins every text block (``text_stream``; blocks are split at citations), so text and thinking
are joined across blocks into one channel each; a tool's ``partial_json`` is its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any, ClassVar

from gateway.wire import sse
from gateway.wire.dialects.base import ALL, Delta, Dialect, Reply, StreamKey, new_id
from gateway.wire.response_slots import block_slots
from gateway.wire.slot import Slot
from gateway.wire.stream_keys import index, not_text
from gateway.wire.text import stream_pieces

# Delta fields: the text a client joins across blocks, and the JSON pieces of a tool's input.
_JOINED_BLOCKS = ("text", "thinking")
_BLOCK_DELTA_TYPES: Mapping[str, str] = MappingProxyType(
    {"text": "text_delta", "partial_json": "input_json_delta", "thinking": "thinking_delta"}
)


class Messages(Dialect):
    __slots__ = ()

    streams: ClassVar[bool] = True

    def response_slots(self, body: dict[str, Any]) -> list[Slot]:
        return list(block_slots(body.get("content")))

    def deltas(self, event: str | None, obj: dict[str, Any]) -> list[Delta]:
        if obj.get("type") != "content_block_delta":
            return []
        delta, block = obj.get("delta"), index(obj.get("index", 0))
        if not isinstance(delta, dict):
            return []
        return [
            Delta(
                ("b", block, field),
                Slot(delta, field),
                field == "partial_json",
                ("b", field) if field in _JOINED_BLOCKS else (),
            )
            for field, value in delta.items()
            if not not_text(field) and isinstance(value, str)
        ]

    def closed_streams(self, event: str | None, obj: dict[str, Any]) -> list[StreamKey]:
        kind = obj.get("type")
        if kind == "content_block_stop":
            return [("b", index(obj.get("index", 0)))]
        return [ALL] if kind in ("message_delta", "message_stop") else []

    def delta_event(self, key: StreamKey, text: str, template: dict[str, Any]) -> bytes:
        field = str(key[2])
        given = template.get("delta")
        kind = given.get("type") if isinstance(given, dict) and isinstance(given.get("type"), str) else None
        body = {"type": kind or _BLOCK_DELTA_TYPES.get(field, f"{field}_delta"), field: text}
        return sse.named_event("content_block_delta", {"type": "content_block_delta", "index": key[1], "delta": body})

    def render(self, reply: Reply, body: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": new_id("msg_"),
            "type": "message",
            "role": "assistant",
            "model": reply.model,
            "content": [{"type": "text", "text": reply.text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": reply.input_tokens, "output_tokens": reply.output_tokens},
        }

    def render_stream(self, reply: Reply, body: Mapping[str, Any]) -> Iterator[bytes]:
        start = {
            **self.render(reply, body),
            "content": [],
            "stop_reason": None,
            "usage": {"input_tokens": reply.input_tokens, "output_tokens": 1},
        }
        yield sse.named_event("message_start", {"type": "message_start", "message": start})
        block = {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
        yield sse.named_event("content_block_start", block)
        yield sse.named_event("ping", {"type": "ping"})
        for piece in stream_pieces(reply.text):
            delta = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}}
            yield sse.named_event("content_block_delta", delta)
        yield sse.named_event("content_block_stop", {"type": "content_block_stop", "index": 0})
        end = {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": reply.output_tokens},
        }
        yield sse.named_event("message_delta", end)
        yield sse.named_event("message_stop", {"type": "message_stop"})
