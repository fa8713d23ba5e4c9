"""Values from outside made safe to encode and store."""

from __future__ import annotations

from dataclasses import dataclass, field

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
