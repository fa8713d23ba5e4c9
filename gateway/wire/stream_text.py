"""Where the text sits in each streamed event, per API.

A streamed answer is several interleaved text streams (one per choice, content
block, output part or tool call), each identified by a key. For every event this
module says which deltas it carries, which streams it closes, which whole texts it
repeats (``.done`` and ``completed`` events), and how to make a delta event of
one's own, for text that had to be held back until a stream's end.

Keys are what a client keys on, not what the provider wrote: an ``index`` of "00" is
choice 0 to a client (it coerces it), and the SDKs key Responses text by output and
content index, not by ``item_id``. Each delta also names its *channel*: the text a
client joins. Anthropic's SDK joins every text block (``text_stream``; blocks are split
at citations), the Responses SDK every ``output_text`` part (``output_text``), so a
value split across blocks or parts is one text to screen. Tool arguments are parsed
per call: their channel is their own key. A delta field or event this module does not
know is still a text stream (keyed by its field or event type), never a whole string.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.wire import sse
from gateway.wire.response_slots import response_slots
from gateway.wire.slots import Slot
from gateway.wire.stream_keys import choice_deltas, choices, index, not_text

StreamKey = tuple[str | int, ...]
ALL: StreamKey = ("*",)


@dataclass(frozen=True, slots=True)
class Delta:
    key: StreamKey
    slot: Slot
    json_escaped: bool = False  # the text is a piece of a JSON document (tool arguments)
    channel: StreamKey = ()  # the text a client joins this delta into (() = its own key)

    @property
    def joined(self) -> StreamKey:
        return self.channel or self.key


# Anthropic delta fields: the text a client joins across blocks, and the JSON pieces of a tool's input.
_JOINED_BLOCKS = ("text", "thinking")
_BLOCK_DELTA_TYPES = {"text": "text_delta", "partial_json": "input_json_delta", "thinking": "thinking_delta"}
# Responses delta events whose text the SDK joins across parts and items (one channel per event type).
_JOINED_EVENTS = ("response.output_text.delta", "response.refusal.delta", "response.reasoning_text.delta",
                  "response.reasoning_summary_text.delta", "response.audio.transcript.delta")  # fmt: skip
_PART_FIELD = {"response.output_text.delta": "content_index", "response.refusal.delta": "content_index",
               "response.reasoning_text.delta": "content_index",
               "response.reasoning_summary_text.delta": "summary_index"}  # fmt: skip
# The field of a ``.done`` event repeating its stream's whole text.
_DONE_FIELDS = ("text", "refusal", "arguments", "input", "code", "transcript", "delta")
_JSON_EVENTS = ("response.function_call_arguments.delta", "response.mcp_call_arguments.delta")


def deltas(endpoint: str, event: str | None, obj: dict[str, Any]) -> list[Delta]:
    if endpoint in ("chat.completions", "completions"):
        return [
            Delta(key, slot, json_escaped=key[0] == "t" and key[-1] == "arguments") for key, slot in choice_deltas(obj)
        ]
    if endpoint == "messages" and obj.get("type") == "content_block_delta":
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
    kind = obj.get("type")
    if (
        endpoint == "responses"
        and isinstance(kind, str)
        and kind.endswith(".delta")
        and isinstance(obj.get("delta"), str)
    ):
        key = _item_key(kind, obj)
        return [Delta(key, Slot(obj, "delta"), kind in _JSON_EVENTS, (kind,) if kind in _JOINED_EVENTS else ())]
    return []


def tool_name(key: StreamKey) -> bool:
    """A chat tool call's name (or a legacy ``function_call``'s): clients read it from the call's
    first chunk, so it cannot wait for a window."""
    return len(key) == 4 and key[0] == "t" and key[3] == "name"


def _item_key(kind: str, obj: dict[str, Any]) -> StreamKey:
    part = _PART_FIELD.get(kind)
    output = index(obj.get("output_index", 0))
    return (kind, output, index(obj.get(part, 0))) if part else (kind, output)


def closed_streams(endpoint: str, event: str | None, obj: dict[str, Any]) -> list[StreamKey]:
    """Key prefixes of the streams that end with this event: held-back text must go
    out before it. A finished choice also ends its tool-call streams."""
    if endpoint in ("chat.completions", "completions"):
        finished = [index(c.get("index", 0)) for c in choices(obj) if c.get("finish_reason")]
        return [key for n in finished for key in (("c", n), ("t", n))]
    kind = obj.get("type")
    if endpoint == "messages":
        if kind == "content_block_stop":
            return [("b", index(obj.get("index", 0)))]
        return [ALL] if kind in ("message_delta", "message_stop") else []
    if endpoint == "responses" and isinstance(kind, str):
        if kind.endswith(".done"):
            return [_item_key(kind.removesuffix(".done") + ".delta", obj)]
        return [ALL] if kind in ("response.completed", "response.incomplete", "response.failed") else []
    return []


def done_key(endpoint: str, obj: dict[str, Any]) -> tuple[StreamKey, Slot] | None:
    """A Responses ``.done`` event's stream key and the field repeating that stream's text."""
    kind = obj.get("type")
    if endpoint != "responses" or not isinstance(kind, str) or not kind.endswith(".done"):
        return None
    for field in _DONE_FIELDS:
        if isinstance(obj.get(field), str):
            return _item_key(kind.removesuffix(".done") + ".delta", obj), Slot(obj, field)
    return None


def whole_texts(endpoint: str, obj: dict[str, Any]) -> list[tuple[Slot, bool]]:
    """Complete texts an event repeats (restored whole), with whether each is JSON."""
    if endpoint != "responses":
        return []
    kind = obj.get("type")
    done = done_key(endpoint, obj)
    if done is not None:
        return [(done[1], str(done[0][0]) in _JSON_EVENTS)]
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
    """An event of our own carrying ``text`` on stream ``key`` (shaped like ``template``,
    the stream's last delta event when there is one)."""
    if endpoint == "chat.completions":
        choice = {"index": key[1], "delta": _chat_delta(key, text), "logprobs": None, "finish_reason": None}
        return sse.data_event({**_head(template), "choices": [choice]})
    if endpoint == "completions":
        choice = {"index": key[1], "text": text, "logprobs": None, "finish_reason": None}
        return sse.data_event({**_head(template), "choices": [choice]})
    if endpoint == "messages":
        field = str(key[2])
        given = template.get("delta")
        kind = given.get("type") if isinstance(given, dict) and isinstance(given.get("type"), str) else None
        body = {"type": kind or _BLOCK_DELTA_TYPES.get(field, f"{field}_delta"), field: text}
        return sse.named_event("content_block_delta", {"type": "content_block_delta", "index": key[1], "delta": body})
    kind = str(key[0])
    where: dict[str, Any] = {"item_id": template.get("item_id", "")} if "item_id" in template else {}
    where["output_index"] = key[1]
    if len(key) > 2:
        where[_PART_FIELD.get(kind, "content_index")] = key[2]
    return sse.named_event(kind, {"type": kind, "sequence_number": 0, **where, "delta": text})


def _chat_delta(key: StreamKey, text: str) -> dict[str, Any]:
    if key[0] == "t":  # ("t", choice, call index or "fc", field)
        function = {str(key[3]): text}
        return (
            {"function_call": function} if key[2] == "fc" else {"tool_calls": [{"index": key[2], "function": function}]}
        )
    field = str(key[2])
    if field == "audio":
        return {"audio": {"transcript": text}}
    if field == "reasoning_details":
        return {"reasoning_details": [{"type": "reasoning.text", "text": text}]}
    return {field: text}


def _head(template: dict[str, Any]) -> dict[str, Any]:
    return {k: template[k] for k in ("id", "object", "created", "model") if k in template}


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
