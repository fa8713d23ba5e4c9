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
from gateway.wire.response_slots import response_slots
from gateway.wire.slots import Slot

StreamKey = tuple[str | int, ...]
ALL: StreamKey = ("*",)


@dataclass(frozen=True, slots=True)
class Delta:
    key: StreamKey
    slot: Slot
    json_escaped: bool = False  # the text is a piece of a JSON document (tool arguments)


# Streamed delta text per API: (event type or delta type, field, stream key tag). Anthropic's
# deltas are keyed by the content block; Responses events by item and part.
_BLOCK_DELTAS = {"text_delta": ("text", "text"), "input_json_delta": ("partial_json", "json"),
                 "thinking_delta": ("thinking", "thinking")}  # fmt: skip
_ITEM_DELTAS = {
    "response.output_text.delta": ("o", "content_index"),
    "response.refusal.delta": ("f", "content_index"),
    "response.reasoning_text.delta": ("x", "content_index"),
    "response.reasoning_summary_text.delta": ("r", "summary_index"),
    "response.function_call_arguments.delta": ("a", None),
    "response.custom_tool_call_input.delta": ("i", None),
    "response.audio.transcript.delta": ("u", None),
}
_ITEM_EVENTS = {tag: kind for kind, (tag, _) in _ITEM_DELTAS.items()}
_JSON_TAGS = ("a",)
# The ``.done`` event of each Responses delta stream, with the field repeating its whole text.
_ITEM_DONE = {
    "response.output_text.done": ("o", "content_index", "text"),
    "response.refusal.done": ("f", "content_index", "refusal"),
    "response.reasoning_text.done": ("x", "content_index", "text"),
    "response.reasoning_summary_text.done": ("r", "summary_index", "text"),
    "response.function_call_arguments.done": ("a", None, "arguments"),
    "response.custom_tool_call_input.done": ("i", None, "input"),
    "response.audio.transcript.done": ("u", None, ""),
}
_CHOICE_FIELDS = ("content", "reasoning_content", "reasoning", "refusal")


def deltas(endpoint: str, event: str | None, obj: dict[str, Any]) -> list[Delta]:
    if endpoint in ("chat.completions", "completions"):
        return list(_choice_deltas(obj))
    if endpoint == "messages" and obj.get("type") == "content_block_delta":
        delta, index = obj.get("delta"), obj.get("index", 0)
        for field, tag in _BLOCK_DELTAS.values():
            if isinstance(delta, dict) and isinstance(delta.get(field), str):
                return [Delta(("b", index, tag), Slot(delta, field), json_escaped=tag == "json")]
    if endpoint == "responses" and isinstance(obj.get("delta"), str) and obj.get("type") in _ITEM_DELTAS:
        tag, part = _ITEM_DELTAS[obj["type"]]
        key = _item_key(tag, obj, part)
        return [Delta(key, Slot(obj, "delta"), json_escaped=tag in _JSON_TAGS)]
    return []


def _item_key(tag: str, obj: dict[str, Any], part: str | None) -> StreamKey:
    if tag == "u":  # audio transcript events name no item
        return ("u",)
    return (tag, obj.get("item_id", ""), obj.get(part, 0)) if part else (tag, obj.get("item_id", ""))


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
        if kind in _ITEM_DONE:
            tag, part, _ = _ITEM_DONE[kind]
            return [_item_key(tag, obj, part)]
        return [ALL] if kind in ("response.completed", "response.incomplete", "response.failed") else []
    return []


def whole_texts(endpoint: str, obj: dict[str, Any]) -> list[tuple[Slot, bool]]:
    """Complete texts an event repeats (restored whole), with whether each is JSON."""
    if endpoint != "responses":
        return []
    kind = obj.get("type")
    if kind in _ITEM_DONE and _ITEM_DONE[kind][2] and isinstance(obj.get(_ITEM_DONE[kind][2]), str):
        tag, _, field = _ITEM_DONE[kind]
        return [(Slot(obj, field), tag in _JSON_TAGS)]
    if kind == "response.reasoning_summary_part.done" and isinstance(obj.get("part"), dict):
        return [(s, False) for s in response_slots("responses", {"output": [{"summary": [obj["part"]]}]})]
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
        delta: dict[str, Any] = {str(key[2]): text}
        if key[0] == "t":
            delta = {"tool_calls": [{"index": key[2], "function": {"arguments": text}}]}
        elif key[2] == "audio":
            delta = {"audio": {"transcript": text}}
        choice = {"index": key[1], "delta": delta, "logprobs": None, "finish_reason": None}
        return sse.data_event({**_head(template), "choices": [choice]})
    if endpoint == "completions":
        choice = {"index": key[1], "text": text, "logprobs": None, "finish_reason": None}
        return sse.data_event({**_head(template), "choices": [choice]})
    if endpoint == "messages":
        field, kind = {"json": ("partial_json", "input_json_delta"), "thinking": ("thinking", "thinking_delta")}.get(
            str(key[2]), ("text", "text_delta")
        )
        body = {"type": kind, field: text}
        return sse.named_event("content_block_delta", {"type": "content_block_delta", "index": key[1], "delta": body})
    kind = _ITEM_EVENTS[str(key[0])]
    where: dict[str, Any] = {"output_index": template.get("output_index", 0)}
    if len(key) > 1:
        where["item_id"] = key[1]
    if len(key) > 2:
        where[_ITEM_DELTAS[kind][1] or "content_index"] = key[2]
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
            out.append(Delta(("c", index, "text"), Slot(choice, "text")))
        delta = choice.get("delta")
        if not isinstance(delta, dict):
            continue
        out += [Delta(("c", index, f), Slot(delta, f)) for f in _CHOICE_FIELDS if isinstance(delta.get(f), str)]
        audio = delta.get("audio")
        if isinstance(audio, dict) and isinstance(audio.get("transcript"), str):
            out.append(Delta(("c", index, "audio"), Slot(audio, "transcript")))
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
