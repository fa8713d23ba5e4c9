"""A test-only endpoint, ``/v1/notes``: all that registering a new endpoint takes is its dialect
(one class) and one ``Endpoint`` naming it.

Its format: a request walked like any other; an answer ``{"object": "note", "note": text}``; a
stream of ``note.delta`` events (``{"type": "note.delta", "delta": piece}``) closed by ``note.done``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from gateway.errors import ApiFormat
from gateway.wire import sse
from gateway.wire.dialects.base import ALL, Delta, Dialect, Reply, StreamKey
from gateway.wire.endpoints import Endpoint
from gateway.wire.slot import Slot
from gateway.wire.text import stream_pieces

NOTE_KEY: StreamKey = ("note",)


class Notes(Dialect):
    __slots__ = ()

    streams: ClassVar[bool] = True

    def response_slots(self, body: dict[str, Any]) -> list[Slot]:
        return [Slot(body, "note")] if isinstance(body.get("note"), str) else []

    def deltas(self, event: str | None, obj: dict[str, Any]) -> list[Delta]:
        if obj.get("type") == "note.delta" and isinstance(obj.get("delta"), str):
            return [Delta(NOTE_KEY, Slot(obj, "delta"))]
        return []

    def closed_streams(self, event: str | None, obj: dict[str, Any]) -> list[StreamKey]:
        return [ALL] if obj.get("type") == "note.done" else []

    def delta_event(self, key: StreamKey, text: str, template: dict[str, Any]) -> bytes:
        return sse.named_event("note.delta", {"type": "note.delta", "delta": text})

    def render(self, reply: Reply, body: Mapping[str, Any]) -> dict[str, Any]:
        return {"object": "note", "model": reply.model, "note": reply.text}

    def render_stream(self, reply: Reply, body: Mapping[str, Any]) -> Iterator[bytes]:
        for piece in stream_pieces(reply.text):
            yield self.delta_event(NOTE_KEY, piece, {})
        usage = {"input_tokens": reply.input_tokens, "output_tokens": reply.output_tokens}
        yield sse.named_event("note.done", {"type": "note.done", "usage": usage})


NOTES = Endpoint("notes", "/v1/notes", ApiFormat.OPENAI, Notes())
# The same format on a path no API prefix names, declared Anthropic's: its errors must be Anthropic's.
ANTHROPIC_NOTES = Endpoint("notes.anthropic", "/v1/memos", ApiFormat.ANTHROPIC, Notes())
