"""Chat completions stream keys: which delta fields carry text, under the key a client uses.

A client joins ``choices[i].delta.content`` per choice index, coercing the index ("00" is
0); a tool call's arguments and name per call index; a legacy ``function_call`` per
choice. Content given as a list of parts, ``reasoning_details`` and any string field a
provider adds to a delta are text streams too: screened as one text across events, never
event by event.
"""

from __future__ import annotations

from typing import Any

from gateway.wire.response_slots import OPAQUE_KEYS
from gateway.wire.slot import Slot

Key = tuple[str | int, ...]
# A delta's enums, and opaque values (a thinking block's signature): screened whole with the event's
# other strings, as response_slots says, and joined across events there.
_NOT_TEXT = frozenset({"role", "type"}) | OPAQUE_KEYS


def index(value: object) -> str | int:
    """An index as a client reads it: the digits of a string, or a whole float, are its number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        return int(value.strip())
    return str(value)


def not_text(field: str) -> bool:
    return field in _NOT_TEXT


def choices(obj: dict[str, Any]) -> list[dict[str, Any]]:
    found = obj.get("choices")
    return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []


def choice_deltas(obj: dict[str, Any]) -> list[tuple[Key, Slot]]:
    out: list[tuple[Key, Slot]] = []
    for choice in choices(obj):
        n = index(choice.get("index", 0))
        if isinstance(choice.get("text"), str):  # legacy completions
            out.append((("c", n, "text"), Slot(choice, "text")))
        delta = choice.get("delta")
        if isinstance(delta, dict):
            out += _delta_fields(n, delta)
    return out


def _delta_fields(n: str | int, delta: dict[str, Any]) -> list[tuple[Key, Slot]]:
    out: list[tuple[Key, Slot]] = []
    for field, value in delta.items():
        if isinstance(value, str) and field not in _NOT_TEXT:
            out.append((("c", n, field), Slot(delta, field)))
        elif field == "content" and isinstance(value, list):  # content as a list of parts
            out += [(("c", n, "content"), Slot(part, "text")) for part in _texts(value)]
        elif field == "reasoning_details" and isinstance(value, list):
            out += [(("c", n, "reasoning_details"), Slot(part, "text")) for part in _texts(value)]
        elif field == "audio" and isinstance(value, dict) and isinstance(value.get("transcript"), str):
            out.append((("c", n, "audio"), Slot(value, "transcript")))
        elif field == "function_call" and isinstance(value, dict):
            out += _function(n, "fc", value)
        elif field == "tool_calls" and isinstance(value, list):
            for call in value:
                if isinstance(call, dict) and isinstance(call.get("function"), dict):
                    call_index = index(call.get("index", 0))
                    out += _function(
                        n, call_index if isinstance(call_index, str | int) else str(call_index), call["function"]
                    )
    return out


def _function(n: str | int, call: str | int, function: dict[str, Any]) -> list[tuple[Key, Slot]]:
    return [(("t", n, call, f), Slot(function, f)) for f in ("name", "arguments") if isinstance(function.get(f), str)]


def _texts(parts: list[Any]) -> list[dict[str, Any]]:
    return [p for p in parts if isinstance(p, dict) and isinstance(p.get("text"), str)]
