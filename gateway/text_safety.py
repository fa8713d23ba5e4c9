"""Values from outside the gateway made safe to store, hash and encode.

Python strings may hold lone UTF-16 surrogates (a JSON ``\\ud800`` escape, a header
decoded with ``surrogateescape``, half an emoji cut by JavaScript) that no UTF-8 encoder
accepts, and ints of any size that no database column takes. Either one, reaching a
database driver, an encoder or a hash, raises far from where it came in. Requests carrying
them are refused at parse time (``gateway.json_input``); what still reaches the logs from
elsewhere (a provider's answer, a header) is repaired here: a lone surrogate becomes
U+FFFD, an out-of-range int becomes None.

NUL (U+0000) is a third case, for the stores only: PostgreSQL text cannot hold it, SQLite
can. It is replaced only when a store has refused a row (``scrub_json``), so a record
that some store takes as it is, is stored unchanged there.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Callable
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
    """A JSON-like value (dicts, lists, tuples, strings, numbers) with strings scrubbed, NUL
    included, and ints outside 64 bits replaced by None; the repair for a row a store refused
    (small structures: incident facts, log rows)."""
    return _fixed(value, scrub_stored)


def scrub_stored(text: str) -> str:
    """``scrub`` and every NUL replaced by U+FFFD too: text any database column takes."""
    return scrub(text).replace("\x00", "\ufffd")


def _fixed(value: Any, fix: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fix(value)
    if isinstance(value, bool) or value is None or isinstance(value, float | bytes):
        return value
    if isinstance(value, int):
        return value if INT64_MIN <= value <= INT64_MAX else None
    if isinstance(value, dict):
        return {_fixed(k, fix): _fixed(v, fix) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_fixed(v, fix) for v in value)
    if isinstance(value, frozenset | set):
        return type(value)(_fixed(v, fix) for v in value)
    return value


def json_safe(value: Any) -> bool:
    """True when no string holds a lone surrogate and no int exceeds 64 bits: ``scrub_dataclass``
    would change nothing (NUL is no concern here: only a store refuses it, see ``scrub_json``)."""
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
    """A copy of a dataclass instance (nested ones included) with lone surrogates replaced and
    ints outside 64 bits set to None; ``obj`` itself when every field already is safe."""
    return _fixed_dataclass(obj, scrub, json_safe)


def scrub_stored_dataclass(obj: D) -> D:
    """``scrub_dataclass``, NUL replaced too: the repair for a dataclass a store refused."""
    return _fixed_dataclass(obj, scrub_stored, lambda value: _fixed(value, scrub_stored) == value)


def _fixed_dataclass(obj: D, fix: Callable[[str], str], safe: Callable[[Any], bool]) -> D:
    changes: dict[str, Any] = {}
    for spec in dataclasses.fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, spec.name)
        if not spec.init or isinstance(value, enum.Enum):
            continue
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fixed = _fixed_dataclass(value, fix, safe)
            if fixed is not value:
                changes[spec.name] = fixed
        elif not safe(value):
            changes[spec.name] = _fixed(value, fix)
    return dataclasses.replace(obj, **changes) if changes else obj  # type: ignore[type-var]


__all__ = [
    "bounded_count",
    "is_utf8_safe",
    "json_safe",
    "scrub",
    "scrub_dataclass",
    "scrub_json",
    "scrub_stored",
    "scrub_stored_dataclass",
]
