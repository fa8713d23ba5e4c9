"""The text of an answer, whole or in one streamed event, as writable slots.

``response_slots`` names the answer's own text fields (content, reasoning, thinking,
refusals, tool names and arguments, transcripts, summaries): the pseudonym restorer
and the prompt log read those. ``answer_strings`` is what screening reads: every
string of the answer except those under keys that are the API's own identifiers and
enums, so a field a provider adds tomorrow (or an error message) is screened too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gateway.wire.slot import Slot

# Keys whose string values are the API's ids, enums and opaque tokens, never model or caller
# text. Reviewed: anything else is screened. Opaque binaries (audio ``data``, encrypted reasoning,
# thinking signatures) cannot be screened and are relayed: the model's text about them is screened.
NON_TEXT_KEYS = frozenset(
    {
        "id", "object", "type", "model", "role", "created", "created_at", "completed_at", "expires_at",
        "finish_reason", "stop_reason", "status", "system_fingerprint", "service_tier", "item_id", "call_id",
        "tool_call_id", "tool_use_id", "previous_response_id", "signature", "encrypted_content", "data",
        "truncation", "tool_choice", "effort", "verbosity", "prompt_cache_key", "prompt_cache_retention",
        "media_type", "format", "container_id",
    }
)  # fmt: skip
_ANSWER_TEXT_KEYS = ("content", "refusal", "reasoning_content", "reasoning")


def answer_strings(node: Any) -> Iterator[Slot]:
    """Every non-empty string of a JSON answer outside ``NON_TEXT_KEYS``."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if isinstance(value, str):
            if value and key not in NON_TEXT_KEYS:
                yield Slot(node, key)
        elif isinstance(value, dict | list):
            yield from answer_strings(value)


def response_slots(endpoint: str, body: dict[str, Any]) -> list[Slot]:
    """The answer's own text in a whole (non-streamed) response."""
    if endpoint == "chat.completions":
        return [s for c in _dicts(body.get("choices")) for s in _chat_message(c.get("message"))]
    if endpoint == "completions":
        return [s for c in _dicts(body.get("choices")) for s in _strings(c, "text")]
    if endpoint == "messages":
        return list(_blocks(body.get("content")))
    if endpoint == "responses":
        return list(_items(body.get("output")))
    return []


def _dicts(value: object) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        yield from (v for v in value if isinstance(v, dict))


def _strings(node: dict[str, Any], *keys: str) -> Iterator[Slot]:
    """Strings at node[key], or each string of a list there."""
    for key in keys:
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


def _chat_message(message: object) -> Iterator[Slot]:
    if not isinstance(message, dict):
        return
    for key in _ANSWER_TEXT_KEYS:
        if isinstance(message.get(key), list):
            yield from _blocks(message[key])
        else:
            yield from _strings(message, key)
    calls = [c["function"] for c in _dicts(message.get("tool_calls")) if isinstance(c.get("function"), dict)]
    if isinstance(message.get("function_call"), dict):  # the legacy single call
        calls.append(message["function_call"])
    for function in calls:
        yield from _strings(function, "name", "arguments")
    if isinstance(message.get("audio"), dict):
        yield from _strings(message["audio"], "transcript")


def _blocks(value: object) -> Iterator[Slot]:
    """Content blocks: text, thinking, refusals, tool calls (name, input), nested results."""
    for block in _dicts(value):
        yield from _strings(block, "text", "thinking", "refusal", "name")
        if isinstance(block.get("input"), dict | list):  # Anthropic tool_use
            yield from _leaves(block["input"])
        elif isinstance(block.get("input"), str):  # Responses custom tool call
            yield Slot(block, "input")
        if "content" in block:  # Anthropic tool results, Responses reasoning text
            content = block["content"]
            yield from [Slot(block, "content")] if isinstance(content, str) else _blocks(content)


def _items(items: object) -> Iterator[Slot]:
    """Responses API output items: messages, reasoning (summaries and text), tool calls."""
    for item in _dicts(items):
        yield from _blocks([item])
        yield from _strings(item, "arguments", "output")
        yield from _blocks(item.get("summary"))
