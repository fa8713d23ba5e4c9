"""Every text field of a request or a response, as a writable slot.

Requests are walked whole: ``request_slots`` lives in gateway.wire.request_slots and is
re-exported here; this module finds the text fields of answers.

Detection reads the slots; redaction and pseudonymization write them back in
place, so what goes upstream (or back to the caller) keeps the API's exact shape.
Covered: every message role, multimodal text parts, Anthropic content blocks and
system prompts, tool definitions, tool results, tool-call arguments, completions
prompts, embeddings inputs and Responses API input and output.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gateway.wire.request_slots import request_slots as request_slots
from gateway.wire.slot import Container as Container
from gateway.wire.slot import Slot as Slot


def response_slots(endpoint: str, body: dict[str, Any]) -> list[Slot]:
    """Text in a whole (non-streamed) response."""
    if endpoint == "chat.completions":
        return [s for c in _dicts(body.get("choices")) for s in _messages([c.get("message")])]
    if endpoint == "completions":
        return [s for c in _dicts(body.get("choices")) for s in _strings(c, "text")]
    if endpoint == "messages":
        return list(_content(body, "content"))
    if endpoint == "responses":
        return list(_items(body.get("output")))
    return []


def _dicts(value: object) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        yield from (v for v in value if isinstance(v, dict))


def _strings(node: dict[str, Any], key: str) -> Iterator[Slot]:
    """A string at node[key], or each string of a list there."""
    value = node.get(key)
    if isinstance(value, str):
        yield Slot(node, key)
    elif isinstance(value, list):
        yield from (Slot(value, i) for i, v in enumerate(value) if isinstance(v, str))


def _leaves(node: Any) -> Iterator[Slot]:
    """Every string inside a JSON value (tool inputs given as objects)."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if isinstance(value, str):
            yield Slot(node, key)
        else:
            yield from _leaves(value)


def _messages(messages: object) -> Iterator[Slot]:
    for message in _dicts(messages):
        yield from _content(message, "content")
        for call in _dicts(message.get("tool_calls")):  # OpenAI assistant tool calls
            if isinstance(call.get("function"), dict):
                yield from _strings(call["function"], "arguments")


def _content(node: dict[str, Any], key: str) -> Iterator[Slot]:
    """A content field: a string, or typed blocks (text, tool_use, tool_result...)."""
    value = node.get(key)
    if isinstance(value, str):
        yield Slot(node, key)
        return
    for block in _dicts(value):
        if isinstance(block.get("text"), str):
            yield Slot(block, "text")
        if "input" in block and isinstance(block["input"], dict | list):  # Anthropic tool_use
            yield from _leaves(block["input"])
        if "content" in block:  # Anthropic tool_result
            yield from _content(block, "content")


def _items(items: object) -> Iterator[Slot]:
    """Responses API input/output items: messages, function calls and their outputs."""
    for item in _dicts(items):
        if "content" in item:
            yield from _content(item, "content")
        yield from _strings(item, "arguments") if "arguments" in item else ()
        yield from _strings(item, "output") if isinstance(item.get("output"), str) else ()
