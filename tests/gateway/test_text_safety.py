"""Values from outside made safe to encode and store."""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass, field
from typing import Any

from gateway.text_safety import (
    bounded_count,
    json_safe,
    scrub,
    scrub_dataclass,
    scrub_json,
    scrub_stored,
    scrub_stored_dataclass,
)


def test_scrub_replaces_only_lone_surrogates() -> None:
    assert scrub("ok \U0001f600") == "ok \U0001f600"
    assert scrub("a\ud800b\udfff") == "a\ufffdb\ufffd"
    assert scrub("a\ud800b").encode() == "a\ufffdb".encode()


def test_bounded_count() -> None:
    assert [bounded_count(v) for v in (5, 0, -1, 2**63, True, "12", 1.0)] == [5, 0, None, None, None, None, None]


def test_scrub_json_fixes_strings_keys_and_64_bit_overflow() -> None:
    value = {"k\udc80": ["\ud800", 2**64, -(2**63), 1.5, None, (True, "x")]}
    assert not json_safe(value)
    fixed = scrub_json(value)
    assert fixed == {"k\ufffd": ["\ufffd", None, -(2**63), 1.5, None, (True, "x")]}
    assert json_safe(fixed)


@dataclass
class Inner:
    names: tuple[str, ...] = ()


@dataclass
class Outer:
    user: str
    count: int = 0
    inner: Inner = field(default_factory=Inner)


def test_scrub_dataclass_copies_only_when_needed() -> None:
    clean = Outer("ann", 3, Inner(("a",)))
    assert scrub_dataclass(clean) is clean
    dirty = Outer("a\ud800", 2**70, Inner(("\udfff",)))
    assert scrub_dataclass(dirty) == Outer("a\ufffd", None, Inner(("\ufffd",)))  # type: ignore[arg-type]
    assert dirty.user == "a\ud800"  # the original is left alone


def test_nul_is_replaced_only_by_the_store_repair() -> None:
    assert scrub("a\x00b") == "a\x00b"  # the request parser's scrub: surrogates only
    assert json_safe({"model": "gpt-6\x00x"})  # and no reason to repair at seal time (SQLite takes it)
    assert scrub_stored("a\x00b\ud800") == "a\ufffdb\ufffd"
    assert scrub_json({"k\x00": ["\x00", 2**64]}) == {"k\ufffd": ["\ufffd", None]}
    assert scrub_dataclass(Outer("a\x00")) == Outer("a\x00")
    clean = Outer("ann")
    assert scrub_stored_dataclass(clean) is clean
    assert scrub_stored_dataclass(Outer("a\x00", 1, Inner(("\x00",)))) == Outer("a\ufffd", 1, Inner(("\ufffd",)))


def _reference_json_safe(value: Any) -> bool:
    """json_safe's rules written plainly (isinstance only): the fast path must agree with it."""
    if isinstance(value, str):
        return all(not 0xD800 <= ord(ch) <= 0xDFFF for ch in value)
    if isinstance(value, bool) or value is None or isinstance(value, float | bytes):
        return True
    if isinstance(value, int):
        return -(2**63) <= value <= 2**63 - 1
    if isinstance(value, dict):
        return all(_reference_json_safe(k) and _reference_json_safe(v) for k, v in value.items())
    if isinstance(value, list | tuple | frozenset | set):
        return all(_reference_json_safe(v) for v in value)
    return True


class _Colour(enum.StrEnum):
    RED = "red"


class _Count(enum.IntEnum):
    BIG = 2**40


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    leaves: list[Any] = [
        "plain",
        "naïve café",
        "lone \ud800 surrogate",
        "\udfff",
        "",
        2**63 - 1,
        2**63,
        -(2**63) - 1,
        -5,
        True,
        None,
        1.5,
        b"\xff",
        _Colour.RED,
        _Count.BIG,
    ]
    if depth >= 3 or rng.random() < 0.4:
        return rng.choice(leaves)
    kind = rng.choice(["dict", "list", "tuple", "set"])
    items = [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if kind == "dict":
        return {rng.choice(["k", "lone \udc00 key", "é"]) + str(n): item for n, item in enumerate(items)}
    if kind == "set":
        return {item for item in items if isinstance(item, str | int | float | bytes | type(None))}
    return items if kind == "list" else tuple(items)


def test_json_safe_agrees_with_its_plain_rules_on_random_structures() -> None:
    rng = random.Random(17)
    values = [_random_value(rng) for _ in range(3000)]
    verdicts = [json_safe(value) for value in values]
    assert verdicts == [_reference_json_safe(value) for value in values]
    assert True in verdicts
    assert False in verdicts
