"""Values from outside the gateway made safe to store, hash and encode.

Python strings may hold lone UTF-16 surrogates (a JSON ``\\ud800`` escape, a header
decoded with ``surrogateescape``, half an emoji cut by JavaScript) that no UTF-8 encoder
accepts, and ints of any size that no database column takes. Either one, reaching a
database driver, an encoder or a hash, raises far from where it came in. Requests carrying
them are refused at parse time (``gateway.json_input``); what still reaches the logs from
elsewhere (a provider's answer, a header) is repaired here: a lone surrogate becomes
U+FFFD, an out-of-range int becomes None.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from typing import Any, TypeVar

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Counts a provider reports (tokens): anything beyond this is not a real count, and it
# stays exact as a float (metrics, JSON readers in other languages).
MAX_COUNT = 2**53
D = TypeVar("D")


def is_utf8_safe(text: str) -> bool:
    """True when ``text`` encodes as UTF-8 (no lone surrogate)."""
    return text.isascii() or LONE_SURROGATE.search(text) is None


def scrub(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (unchanged, and cheap, when it has none)."""
    return text if is_utf8_safe(text) else LONE_SURROGATE.sub("\ufffd", text)


def bounded_count(value: object) -> int | None:
    """A non-negative count from outside, or None when it is not one (bool, negative, absurdly large)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT:
        return value
    return None


def scrub_json(value: Any) -> Any:
    """A JSON-like value (dicts, lists, tuples, strings, numbers) with strings scrubbed and ints
    outside 64 bits replaced by None; for small structures (incident facts, log rows)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, bool) or value is None or isinstance(value, float | bytes):
        return value
    if isinstance(value, int):
        return value if INT64_MIN <= value <= INT64_MAX else None
    if isinstance(value, dict):
        return {scrub_json(k): scrub_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub_json(v) for v in value)
    if isinstance(value, frozenset | set):
        return type(value)(scrub_json(v) for v in value)
    return value


def json_safe(value: Any) -> bool:
    """True when ``scrub_json`` would change nothing."""
    if isinstance(value, str):
        return is_utf8_safe(value)
    if isinstance(value, bool) or value is None or isinstance(value, float | bytes):
        return True
    if isinstance(value, int):
        return INT64_MIN <= value <= INT64_MAX
    if isinstance(value, dict):
        return all(json_safe(k) and json_safe(v) for k, v in value.items())
    if isinstance(value, list | tuple | frozenset | set):
        return all(json_safe(v) for v in value)
    return True


def scrub_dataclass(obj: D) -> D:
    """A copy of a dataclass instance (nested ones included) whose fields ``scrub_json`` made
    safe; ``obj`` itself when every field already is."""
    changes: dict[str, Any] = {}
    for spec in dataclasses.fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, spec.name)
        if not spec.init or isinstance(value, enum.Enum):
            continue
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fixed = scrub_dataclass(value)
            if fixed is not value:
                changes[spec.name] = fixed
        elif not json_safe(value):
            changes[spec.name] = scrub_json(value)
    return dataclasses.replace(obj, **changes) if changes else obj  # type: ignore[type-var]


__all__ = ["bounded_count", "is_utf8_safe", "json_safe", "scrub", "scrub_dataclass", "scrub_json"]
