"""Where the text sits in each streamed event, per API.

A streamed answer is several interleaved text streams (one per choice, content
block, output item or tool call), each identified by a key. For every event this
module says which deltas it carries, which streams it closes, which whole texts it
repeats (``.done`` and ``completed`` events), and how to make a delta event of
one's own, for text that had to be held back until a stream's end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.wire import sse
from gateway.wire.slots import Slot, response_slots

StreamKey = tuple[str | int, ...]
ALL: StreamKey = ("*",)


@dataclass(frozen=True, slots=True)
class Delta:
    key: StreamKey
    slot: Slot
    json_escaped: bool = False  # the text is a piece of a JSON document (tool arguments)


def deltas(endpoint: str, event: str | None, obj: dict[str, Any]) -> list[Delta]:
    if endpoint in ("chat.completions", "completions"):
        return list(_choice_deltas(obj))
    if endpoint == "messages" and obj.get("type") == "content_block_delta":
        delta, index = obj.get("delta"), obj.get("index", 0)
        if isinstance(delta, dict) and isinstance(delta.get("text"), str):
            return [Delta(("b", index, "text"), Slot(delta, "text"))]
        if isinstance(delta, dict) and isinstance(delta.get("partial_json"), str):
            return [Delta(("b", index, "json"), Slot(delta, "partial_json"), json_escaped=True)]
    if endpoint == "responses" and isinstance(obj.get("delta"), str):
        kind = obj.get("type")
        if kind == "response.output_text.delta":
            return [Delta(("o", obj.get("item_id", ""), obj.get("content_index", 0)), Slot(obj, "delta"))]
        if kind == "response.function_call_arguments.delta":
            return [Delta(("a", obj.get("item_id", "")), Slot(obj, "delta"), json_escaped=True)]
    return []


def closed_streams(endpoint: str, event: str | None, obj: dict[str, Any]) -> list[StreamKey]:
    """Key prefixes of the streams that end with this event: held-back text must go
    out before it. A finished choice also ends its tool-call streams."""
    if endpoint in ("chat.completions", "completions"):
        finished = [c.get("index", 0) for c in _choices(obj) if c.get("finish_reason")]
        return [key for index in finished for key in (("c", index), ("t", index))]
    kind = obj.get("type")
    if endpoint == "messages":
        if kind == "content_block_stop":
            return [("b", obj.get("index", 0))]
        return [ALL] if kind in ("message_delta", "message_stop") else []
    if endpoint == "responses":
        if kind == "response.output_text.done":
            return [("o", obj.get("item_id", ""), obj.get("content_index", 0))]
        if kind == "response.function_call_arguments.done":
            return [("a", obj.get("item_id", ""))]
        return [ALL] if kind in ("response.completed", "response.incomplete", "response.failed") else []
    return []


def whole_texts(endpoint: str, obj: dict[str, Any]) -> list[tuple[Slot, bool]]:
    """Complete texts an event repeats (restored whole), with whether each is JSON."""
    if endpoint != "responses":
        return []
    kind = obj.get("type")
    if kind == "response.output_text.done" and isinstance(obj.get("text"), str):
        return [(Slot(obj, "text"), False)]
    if kind == "response.function_call_arguments.done" and isinstance(obj.get("arguments"), str):
        return [(Slot(obj, "arguments"), True)]
    if kind == "response.content_part.done" and isinstance(obj.get("part"), dict):
        return [(s, False) for s in response_slots("responses", {"output": [{"content": [obj["part"]]}]})]
    if kind == "response.output_item.done" and isinstance(obj.get("item"), dict):
        return [(s, s.key == "arguments") for s in response_slots("responses", {"output": [obj["item"]]})]
    if isinstance(obj.get("response"), dict):
        return [(s, s.key == "arguments") for s in response_slots("responses", obj["response"])]
    return []


def delta_event(endpoint: str, key: StreamKey, text: str, template: dict[str, Any]) -> bytes:
    """An event of our own carrying ``text`` on stream ``key`` (shaped like ``template``)."""
    if endpoint == "chat.completions":
        delta: dict[str, Any] = {"content": text}
        if key[0] == "t":
            delta = {"tool_calls": [{"index": key[2], "function": {"arguments": text}}]}
        choice = {"index": key[1], "delta": delta, "logprobs": None, "finish_reason": None}
        return sse.data_event({**_head(template), "choices": [choice]})
    if endpoint == "completions":
        choice = {"index": key[1], "text": text, "logprobs": None, "finish_reason": None}
        return sse.data_event({**_head(template), "choices": [choice]})
    if endpoint == "messages":
        kind = "input_json_delta" if key[2] == "json" else "text_delta"
        body = {"type": kind, "partial_json" if kind == "input_json_delta" else "text": text}
        return sse.named_event("content_block_delta", {"type": "content_block_delta", "index": key[1], "delta": body})
    kind = "response.output_text.delta" if key[0] == "o" else "response.function_call_arguments.delta"
    where = {"item_id": key[1], "output_index": template.get("output_index", 0)}
    if key[0] == "o":
        where["content_index"] = key[2]
    return sse.named_event(kind, {"type": kind, "sequence_number": 0, **where, "delta": text})


def _head(template: dict[str, Any]) -> dict[str, Any]:
    return {k: template[k] for k in ("id", "object", "created", "model") if k in template}


def _choices(obj: dict[str, Any]) -> list[dict[str, Any]]:
    choices = obj.get("choices")
    return [c for c in choices if isinstance(c, dict)] if isinstance(choices, list) else []


def _choice_deltas(obj: dict[str, Any]) -> list[Delta]:
    out = []
    for choice in _choices(obj):
        index = choice.get("index", 0)
        if isinstance(choice.get("text"), str):  # legacy completions
            out.append(Delta(("c", index), Slot(choice, "text")))
        delta = choice.get("delta")
        if not isinstance(delta, dict):
            continue
        if isinstance(delta.get("content"), str):
            out.append(Delta(("c", index), Slot(delta, "content")))
        calls = delta.get("tool_calls")
        for call in calls if isinstance(calls, list) else ():  # a provider's wrong type is no crash
            function = call.get("function") if isinstance(call, dict) else None
            if isinstance(function, dict) and isinstance(function.get("arguments"), str):
                key = ("t", index, call.get("index", 0))
                out.append(Delta(key, Slot(function, "arguments"), json_escaped=True))
    return out


class Numbering:
    """Responses API events carry sequence numbers. An event we add takes the number
    after the last one sent and every later event shifts, so the numbers the caller
    sees stay strictly increasing."""

    def __init__(self, endpoint: str) -> None:
        self._numbered = endpoint == "responses"
        self._shift = 0
        self._last = -1

    def renumber(self, obj: dict[str, Any]) -> bool:
        """Shift a provider event's number; True when the event changed."""
        number = obj.get("sequence_number")
        if not self._numbered or not isinstance(number, int):
            return False
        obj["sequence_number"] = self._last = number + self._shift
        return self._shift > 0

    def stamp(self, event: bytes) -> bytes:
        """Number an event of our own (made with ``delta_event``)."""
        if not self._numbered:
            return event
        self._shift += 1
        self._last += 1
        return event.replace(b'"sequence_number":0', f'"sequence_number":{self._last}'.encode(), 1)
