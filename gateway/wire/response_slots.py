"""The text of an answer, whole or in one streamed event, as writable slots.

The answer's own text fields (content, reasoning, thinking, refusals, tool names and
arguments, transcripts, summaries) are found by each endpoint's dialect
(gateway.wire.dialects), from the shapes below (``chat_message_slots``, ``block_slots``,
``item_slots``): the pseudonym restorer and the prompt log read those. ``answer_strings`` is what screening reads: every
string of the answer, so a field a provider adds tomorrow (or an error message) is
screened too. Three parts are read their own way:

- the API's ids and enums (``NON_TEXT_KEYS``) are not text, but a provider can put anything
  in ``system_fingerprint``: they are screened apart, all of an event's in one text
  (``gateway.screening.answer_ids``), so a stream that repeats them in every event pays once;
- a tool's input or arguments given as a JSON value (Anthropic ``tool_use.input``) is
  model text throughout: every string whatever its key, every key name, every number
  (as its JSON text: a card is a number too);
- logprobs are read as the text they spell (``gateway.wire.logprobs``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gateway.wire.json_lex import JsonTextSlot
from gateway.wire.logprobs import LOGPROBS_KEY, LogprobSlot
from gateway.wire.slot import KeySlot, Slot

# Keys whose string values are the API's ids, enums and opaque tokens, never model or caller
# text. Reviewed: anything else is screened as text. Their values are screened too (see
# ``gateway.screening.answer_ids``), which finds what a detector finds; on a real id or enum, nothing.
_NON_TEXT_KEYS_TABLE = (
    "id object type model role created created_at completed_at expires_at "
    "finish_reason stop_reason status system_fingerprint service_tier item_id call_id "
    "tool_call_id tool_use_id previous_response_id signature encrypted_content data "
    "truncation tool_choice effort verbosity prompt_cache_key prompt_cache_retention "
    "media_type format container_id"
)
NON_TEXT_KEYS = frozenset(_NON_TEXT_KEYS_TABLE.split())
# Opaque binaries (audio ``data``, encrypted reasoning, thinking signatures) cannot be screened:
# a long one is relayed (the model's text about it is screened); a short one is no binary.
OPAQUE_KEYS = frozenset({"signature", "encrypted_content", "data"})
OPAQUE_MIN_CHARS = 256
# The enum values of the APIs' own vocabulary, relayed without a scan (a closed, reviewed set:
# they cannot hold a value, and every event repeats them). Anything else under an id key is scanned.
_KNOWN_VALUES_TABLE = (
    "assistant user system developer tool chat.completion chat.completion.chunk "
    "text_completion response message list embedding stop length tool_calls "
    "content_filter function_call end_turn max_tokens stop_sequence tool_use pause_turn "
    "refusal completed in_progress incomplete failed queued cancelled text function "
    "text_delta input_json_delta thinking_delta signature_delta citations_delta thinking "
    "redacted_thinking server_tool_use tool_result output_text reasoning summary_text "
    "reasoning_text function_call_output message_start message_delta message_stop "
    "content_block_start content_block_delta content_block_stop ping error auto none "
    "required default flex scale priority disabled low medium high minimal "
    "json_object json_schema image audio document base64 url server_error "
    "invalid_request_error api_error rate_limit_error authentication_error permission_error "
    "not_found_error overloaded_error request_too_large insufficient_quota"
)
KNOWN_VALUES = frozenset(_KNOWN_VALUES_TABLE.split())
# Keys under which a JSON value (not a string) is a tool's input, written by the model.
TOOL_INPUT_KEYS = frozenset({"input", "arguments"})
_ANSWER_TEXT_KEYS = ("content", "refusal", "reasoning_content", "reasoning")


@dataclass(frozen=True, slots=True)
class NumberSlot(Slot):
    """A number in a tool's input, read as its JSON text; a rewrite makes it a string."""

    @property
    def text(self) -> str:
        return json.dumps(self.container[self.key])  # type: ignore[index]


def answer_strings(node: Any) -> Iterator[Slot]:
    """Every place of a JSON answer that can hold text, as above (ids: ``answer_ids``)."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if isinstance(value, str):
            if value and (key not in NON_TEXT_KEYS or "\n" in value):  # a value on lines is no id
                yield JsonTextSlot(node, key) if key == "arguments" else Slot(node, key)
        elif key == LOGPROBS_KEY and value:
            yield LogprobSlot(node, key)
        elif key in TOOL_INPUT_KEYS and isinstance(value, dict | list):
            yield from tool_input(value)
        elif isinstance(value, dict | list):
            yield from answer_strings(value)


def id_places(node: Any) -> list[tuple[Any, str]]:
    """Where an answer holds the API's ids and enums that need screening (``answer_strings`` reads
    the rest): not in a tool's input or logprobs, not a known enum value, not a long binary. A
    loop, not a recursion: it runs on every streamed event."""
    places: list[tuple[Any, str]] = []
    todo = [node]
    while todo:
        at = todo.pop()
        for key, value in at.items() if isinstance(at, dict) else enumerate(at):
            if isinstance(value, str):
                if value and key in NON_TEXT_KEYS and "\n" not in value and _screened_id(key, value):
                    places.append((at, key))
            elif isinstance(value, dict | list) and key != LOGPROBS_KEY and key not in TOOL_INPUT_KEYS:
                todo.append(value)
    return places


def _screened_id(key: str | int, value: str) -> bool:
    if key in OPAQUE_KEYS:
        return len(value) < OPAQUE_MIN_CHARS
    return value not in KNOWN_VALUES


def tool_input(node: dict[str, Any] | list[Any]) -> Iterator[Slot]:
    """Every string, key name and number of a tool input; a key after its value (a rename
    moves the value, so the value is rewritten under the old name first)."""
    items: list[tuple[str | int, Any]] = list(node.items() if isinstance(node, dict) else enumerate(node))
    for key, value in items:
        if isinstance(value, str):
            if value:
                yield Slot(node, key)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield NumberSlot(node, key)
        elif isinstance(value, dict | list):
            yield from tool_input(value)
        if isinstance(key, str) and key:
            yield KeySlot(node, key)


def dict_items(value: object) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        yield from (v for v in value if isinstance(v, dict))


def string_slots(node: dict[str, Any], *keys: str) -> Iterator[Slot]:
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


def chat_message_slots(message: object) -> Iterator[Slot]:
    if not isinstance(message, dict):
        return
    for key in _ANSWER_TEXT_KEYS:
        if isinstance(message.get(key), list):
            yield from block_slots(message[key])
        else:
            yield from string_slots(message, key)
    calls = [c["function"] for c in dict_items(message.get("tool_calls")) if isinstance(c.get("function"), dict)]
    if isinstance(message.get("function_call"), dict):  # the legacy single call
        calls.append(message["function_call"])
    for function in calls:
        yield from string_slots(function, "name", "arguments")
    if isinstance(message.get("audio"), dict):
        yield from string_slots(message["audio"], "transcript")


def block_slots(value: object) -> Iterator[Slot]:
    """Content blocks: text, thinking, refusals, tool calls (name, input), nested results."""
    for block in dict_items(value):
        yield from string_slots(block, "text", "thinking", "refusal", "name")
        if isinstance(block.get("input"), dict | list):  # Anthropic tool_use
            yield from _leaves(block["input"])
        elif isinstance(block.get("input"), str):  # Responses custom tool call
            yield Slot(block, "input")
        if "content" in block:  # Anthropic tool results, Responses reasoning text
            content = block["content"]
            yield from [Slot(block, "content")] if isinstance(content, str) else block_slots(content)


def item_slots(items: object) -> Iterator[Slot]:
    """Responses API output items: messages, reasoning (summaries and text), tool calls."""
    for item in dict_items(items):
        yield from block_slots([item])
        yield from string_slots(item, "arguments", "output")
        yield from block_slots(item.get("summary"))
