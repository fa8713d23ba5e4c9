"""OpenAI Responses (``/v1/responses``): output items out, streamed as typed, numbered events.

Each ``*.delta`` event is a stream keyed by its type and output index (and part index where it has
one). The SDK keys text by output and content index, not by ``item_id``, and joins every
``output_text`` part (``output_text``): each joined event type is one channel. ``.done`` events and
``response.completed`` repeat whole texts; events carry ``sequence_number``s.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any, ClassVar

from gateway.wire import sse
from gateway.wire.dialects.base import ALL, Delta, Dialect, Reply, StreamKey, new_id
from gateway.wire.response_slots import item_slots
from gateway.wire.slot import Slot
from gateway.wire.stream_keys import index
from gateway.wire.text import stream_pieces

# Delta events whose text the SDK joins across parts and items (one channel per event type).
_JOINED_EVENTS = (
    "response.output_text.delta",
    "response.refusal.delta",
    "response.reasoning_text.delta",
    "response.reasoning_summary_text.delta",
    "response.audio.transcript.delta",
)
_PART_FIELD: Mapping[str, str] = MappingProxyType(
    {
        "response.output_text.delta": "content_index",
        "response.refusal.delta": "content_index",
        "response.reasoning_text.delta": "content_index",
        "response.reasoning_summary_text.delta": "summary_index",
    }
)
# The field of a ``.done`` event repeating its stream's whole text.
_DONE_FIELDS = ("text", "refusal", "arguments", "input", "code", "transcript", "delta")
_JSON_EVENTS = ("response.function_call_arguments.delta", "response.mcp_call_arguments.delta")
_ENDS = ("response.completed", "response.incomplete", "response.failed")


class Responses(Dialect):
    __slots__ = ()

    streams: ClassVar[bool] = True
    numbered_events: ClassVar[bool] = True

    def response_slots(self, body: dict[str, Any]) -> list[Slot]:
        return list(item_slots(body.get("output")))

    def deltas(self, event: str | None, obj: dict[str, Any]) -> list[Delta]:
        kind = obj.get("type")
        if not isinstance(kind, str) or not kind.endswith(".delta") or not isinstance(obj.get("delta"), str):
            return []
        key = _item_key(kind, obj)
        return [Delta(key, Slot(obj, "delta"), kind in _JSON_EVENTS, (kind,) if kind in _JOINED_EVENTS else ())]

    def closed_streams(self, event: str | None, obj: dict[str, Any]) -> list[StreamKey]:
        kind = obj.get("type")
        if not isinstance(kind, str):
            return []
        if kind.endswith(".done"):
            return [_item_key(kind.removesuffix(".done") + ".delta", obj)]
        return [ALL] if kind in _ENDS else []

    def done_key(self, obj: dict[str, Any]) -> tuple[StreamKey, Slot] | None:
        kind = obj.get("type")
        if not isinstance(kind, str) or not kind.endswith(".done"):
            return None
        for field in _DONE_FIELDS:
            if isinstance(obj.get(field), str):
                return _item_key(kind.removesuffix(".done") + ".delta", obj), Slot(obj, field)
        return None

    def whole_texts(self, obj: dict[str, Any]) -> list[tuple[Slot, bool]]:
        kind = obj.get("type")
        done = self.done_key(obj)
        if done is not None:
            return [(done[1], str(done[0][0]) in _JSON_EVENTS)]
        if kind == "response.reasoning_summary_part.done" and isinstance(obj.get("part"), dict):
            return [(s, False) for s in self.response_slots({"output": [{"summary": [obj["part"]]}]})]
        if kind == "response.content_part.done" and isinstance(obj.get("part"), dict):
            return [(s, False) for s in self.response_slots({"output": [{"content": [obj["part"]]}]})]
        if kind == "response.output_item.done" and isinstance(obj.get("item"), dict):
            return [(s, s.key == "arguments") for s in self.response_slots({"output": [obj["item"]]})]
        if isinstance(obj.get("response"), dict):
            return [(s, s.key == "arguments") for s in self.response_slots(obj["response"])]
        return []

    def delta_event(self, key: StreamKey, text: str, template: dict[str, Any]) -> bytes:
        kind = str(key[0])
        where: dict[str, Any] = {"item_id": template.get("item_id", "")} if "item_id" in template else {}
        where["output_index"] = key[1]
        if len(key) > 2:
            where[_PART_FIELD.get(kind, "content_index")] = key[2]
        return sse.named_event(kind, {"type": kind, "sequence_number": 0, **where, "delta": text})

    def render(self, reply: Reply, body: Mapping[str, Any]) -> dict[str, Any]:
        return _response(reply, "completed")

    def render_stream(self, reply: Reply, body: Mapping[str, Any]) -> Iterator[bytes]:
        rid, mid = new_id("resp_"), new_id("msg_")
        seq = iter(range(1_000_000))
        where = {"item_id": mid, "output_index": 0, "content_index": 0}

        def event(kind: str, **fields: Any) -> bytes:
            return sse.named_event(kind, {"type": kind, "sequence_number": next(seq), **fields})

        started = _response(reply, "in_progress", rid=rid, mid=mid, with_output=False)
        yield event("response.created", response=started)
        yield event("response.in_progress", response=started)
        item = {"type": "message", "id": mid, "status": "in_progress", "role": "assistant", "content": []}
        yield event("response.output_item.added", output_index=0, item=item)
        yield event("response.content_part.added", **where, part={"type": "output_text", "text": "", "annotations": []})
        for piece in stream_pieces(reply.text):
            yield event("response.output_text.delta", **where, delta=piece, logprobs=[])
        yield event("response.output_text.done", **where, text=reply.text, logprobs=[])
        part = {"type": "output_text", "text": reply.text, "annotations": []}
        yield event("response.content_part.done", **where, part=part)
        done_item = {**item, "status": "completed", "content": [part]}
        yield event("response.output_item.done", output_index=0, item=done_item)
        yield event("response.completed", response=_response(reply, "completed", rid=rid, mid=mid))


def _item_key(kind: str, obj: dict[str, Any]) -> StreamKey:
    part = _PART_FIELD.get(kind)
    output = index(obj.get("output_index", 0))
    return (kind, output, index(obj.get(part, 0))) if part else (kind, output)


def _response(reply: Reply, status: str, *, rid: str = "", mid: str = "", with_output: bool = True) -> dict[str, Any]:
    part = {"type": "output_text", "text": reply.text, "annotations": []}
    item = {
        "type": "message",
        "id": mid or new_id("msg_"),
        "status": "completed",
        "role": "assistant",
        "content": [part],
    }
    usage = {
        "input_tokens": reply.input_tokens,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": reply.output_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": reply.input_tokens + reply.output_tokens,
    }
    return {
        "id": rid or new_id("resp_"),
        "object": "response",
        "created_at": int(time.time()),
        "status": status,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "metadata": {},
        "model": reply.model,
        "output": [item] if with_output else [],
        "parallel_tool_calls": True,
        "temperature": 1.0,
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "text": {"format": {"type": "text"}},
        "usage": usage if with_output else None,
    }
