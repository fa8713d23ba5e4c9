"""Mutation classes: each turns a valid seed request into a hostile one, deterministically.

A mutator gets the random generator, the seed and its own call counter ``k``; it cycles
through its variants by ``k`` (so that a short run still covers each of them) and picks
positions in the body at random. Values JSON cannot express through ``json.dumps`` (deep
nesting, ``-0``, literal ``NaN``, duplicate keys) are spliced into the encoded text.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from loadtests.fuzz_seeds import SEEDS, Seed, encode, headers_for
from loadtests.mock_faults import MODES

MAX_WALK = 100_000  # positions considered in one body (bodies here are far smaller)
RAW_TOKEN = "@@RAW{}@@"
SURROGATES = ("\ud800", "\udfff", "\ud83d", "\ude00\ud83d", "x\udbff")
DEPTHS = (100, 1_000, 10_000)
HUGE = (
    "9223372036854775808",
    "18446744073709551616",
    "1e308",
    "-0",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "123456789012345678901234567890",
    "1e-400",
    "-9223372036854775809",
    "0.0000000000000000000001",
)
ODD_VALUES: tuple[Any, ...] = (0, -1, 1.5, True, False, None, {}, [], "", "x", {"a": [1, {"b": None}]}, [[[]]], [1])
UTF8_GARBAGE = (b"\xff", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80\x80", b"\xe2\x82")
CONTENT_TYPES = (
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=zz",
    "application/json; charset=latin-1",
    "application/xml",
    "",
    "application/json; charset=utf-16",
)


@dataclass(frozen=True)
class FuzzRequest:
    index: int
    mutation: str  # the class reported on
    detail: str  # the variant, for the failure list
    seed: str
    path: str
    headers: dict[str, str]
    body: bytes
    fault: str | None = None  # the provider misbehaviour asked for


@dataclass
class Draft:
    """A request being mutated: its body as data, raw splices, and its headers."""

    body: Any
    headers: dict[str, str]
    raws: list[str]
    seed: Seed
    detail: str = ""
    fault: str | None = None
    raw_bytes: bytes | None = None  # set by mutators that work on the encoded bytes

    def raw(self, text: str) -> str:
        """A placeholder string that ``encoded`` replaces with ``text`` as it is, unquoted."""
        self.raws.append(text)
        return RAW_TOKEN.format(len(self.raws) - 1)

    def encoded(self) -> bytes:
        if self.raw_bytes is not None:
            return self.raw_bytes
        text = json.dumps(self.body, separators=(",", ":"))  # ensure_ascii: lone surrogates become \udxxx escapes
        for i, raw in enumerate(self.raws):
            text = text.replace(json.dumps(RAW_TOKEN.format(i)), raw)
        return text.encode()


Position = tuple[Any, Any]  # (container, key or index)


def positions(body: Any) -> list[Position]:
    """Every (container, key) in the body, parents before children."""
    out: list[Position] = []
    stack: list[Any] = [body]
    while stack and len(out) < MAX_WALK:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            out.append((node, key))
            if isinstance(value, dict | list):
                stack.append(value)
    return out


def string_positions(body: Any) -> list[Position]:
    return [(c, k) for c, k in positions(body) if isinstance(c[k], str)]


def _pick(rng: random.Random, items: list[Position], fallback: Any) -> Position:
    return rng.choice(items) if items else (fallback, "model")


def _named(d: Draft, name: str) -> list[Position]:
    return [(c, k) for c, k in positions(d.body) if k == name]


def m_valid(rng: random.Random, d: Draft, k: int) -> None:
    d.detail = "unchanged"


def m_surrogate(rng: random.Random, d: Draft, k: int) -> None:
    where = ("model", "text", "key", "tool-name", "any", "raw-utf8")[k % 6]
    lone = SURROGATES[rng.randrange(len(SURROGATES))]
    d.detail = f"{where} {lone.encode('unicode_escape').decode()}"
    if where == "key":
        dicts = [c for c, _ in positions(d.body) if isinstance(c, dict) and c] or [d.body]
        target = rng.choice(dicts)
        old = rng.choice(list(target))
        target[old + lone] = target.pop(old)
        return
    spots = {"model": _named(d, "model"), "tool-name": _named(d, "name")}.get(where) or string_positions(d.body)
    container, key = _pick(rng, spots, d.body)
    container[key] = f"{container.get(key, '') if isinstance(container, dict) else container[key]}{lone}"
    if where == "raw-utf8":  # the surrogate as raw UTF-8-style bytes (what surrogatepass writes), not an escape
        d.raw_bytes = json.dumps(d.body, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _deep_text(depth: int, kind: int) -> str:
    if kind == 0:
        return "[" * depth + "1" + "]" * depth
    if kind == 1:
        return '{"a":' * depth + "null" + "}" * depth
    return '[{"type":"text","text":' * depth + '"x"' + "}]" * depth


def m_deep(rng: random.Random, d: Draft, k: int) -> None:
    depth, kind = DEPTHS[k % 3], (k // 3) % 3
    field = ("any", "messages", "content", "tools", "extra")[(k // 9) % 5]
    d.detail = f"depth {depth} kind {kind} in {field}"
    spots = _named(d, field) if field in ("messages", "content", "tools") else []
    if field == "extra":
        d.body["metadata"] = d.raw(_deep_text(depth, kind))
        return
    container, key = _pick(rng, spots or positions(d.body), d.body)
    container[key] = d.raw(_deep_text(depth, kind))


SPECIAL_ODD: tuple[tuple[str, Any], ...] = (
    ("messages", "hello as a string"),
    ("messages", {"role": "user"}),
    ("messages", [5, None, "x"]),
    ("content", 42),
    ("content", [{"type": "hologram", "data": 1}]),
    ("content", [{"type": "text", "text": 5}]),
    ("content", [{"type": "image_url", "image_url": 7}]),
    ("role", 3),
    ("tools", {"name": "x"}),
    ("tools", "all"),
    ("stream", "true"),
    ("stream", 1),
    ("max_tokens", "64"),
    ("model", ["gpt-4o"]),
    ("model", 4),
    ("input", {"text": "x"}),
    ("input", [[1, 2, 3]]),
    ("prompt", [1, 2]),
    ("system", 9),
    ("stream_options", "yes"),
    ("function", None),
    ("text", ["a", "b"]),
    ("tool_calls", 5),
    ("instructions", []),
    ("name", {"first": "x"}),
)


def m_odd_types(rng: random.Random, d: Draft, k: int) -> None:
    if k % 2 == 0:
        name, value = SPECIAL_ODD[(k // 2) % len(SPECIAL_ODD)]
        spots = _named(d, name)
        d.detail = f"{name}={json.dumps(value)[:40]}"
        if not spots:
            d.body[name] = value
            return
        container, key = rng.choice(spots)
        container[key] = copy.deepcopy(value)
        return
    container, key = _pick(rng, positions(d.body), d.body)
    value = copy.deepcopy(ODD_VALUES[rng.randrange(len(ODD_VALUES))])
    d.detail = f"random {key}={json.dumps(value)}"
    container[key] = value


def m_huge_numbers(rng: random.Random, d: Draft, k: int) -> None:
    literal = HUGE[k % len(HUGE)]
    numeric = [(c, key) for c, key in positions(d.body) if isinstance(c[key], int | float) and c[key] is not True]
    field = ("max_tokens", "temperature", "n", "top_p", "any")[(k // len(HUGE)) % 5]
    d.detail = f"{field}={literal}"
    if field == "any":
        container, key = _pick(rng, numeric or positions(d.body), d.body)
        container[key] = d.raw(literal)
    else:
        d.body[field] = d.raw(literal)


def m_strings(rng: random.Random, d: Draft, k: int) -> None:
    size = (0, 1, 100_000, 1_000_000, 11_000_000)[k % 5]  # the last is over the 10 MiB body limit
    where = ("model", "text", "any")[(k // 5) % 3]
    d.detail = f"{where} len {size}"
    spots = _named(d, "model") if where == "model" else string_positions(d.body)
    container, key = _pick(rng, spots, d.body)
    container[key] = ("ab c " * (size // 5 + 1))[:size]


def m_duplicate_keys(rng: random.Random, d: Draft, k: int) -> None:
    variants = (
        '"model":"claude-sonnet-5-5"',
        '"model":5',
        '"stream":true',
        '"stream":false',
        '"messages":"x"',
        '"model":"gpt-4o"',
        '"max_tokens":-1',
        '"input":null',
    )
    dup = variants[k % len(variants)]
    d.detail = dup
    text = d.encoded().decode()
    d.raw_bytes = ("{" + dup + "," + text[1:] if k % 2 else text[:-1] + "," + dup + "}").encode()


def m_invalid_utf8(rng: random.Random, d: Draft, k: int) -> None:
    garbage = UTF8_GARBAGE[k % len(UTF8_GARBAGE)]
    data = d.encoded()
    quote = [i for i, b in enumerate(data) if b == ord('"')]
    at = rng.choice(quote) + 1 if quote else 0
    d.detail = f"{garbage!r} at {at}"
    d.raw_bytes = data[:at] + garbage + data[at:]


def m_truncated(rng: random.Random, d: Draft, k: int) -> None:
    data = d.encoded()
    cut = (0, 1, len(data) // 2, len(data) - 1, rng.randrange(len(data)))[k % 5]
    d.detail = f"cut at {cut} of {len(data)}"
    d.raw_bytes = data[:cut]


def m_unknown_fields(rng: random.Random, d: Draft, k: int) -> None:
    names = ("__proto__", "", "x" * 10_000, "constructor", "model ", "MODEL", "stream\u0000", "🙂", "$ref")
    dicts = [c for c, _ in positions(d.body) if isinstance(c, dict)] or [d.body]
    target = d.body if k % 2 == 0 else rng.choice(dicts)
    name = names[k % len(names)]
    target[name] = copy.deepcopy(ODD_VALUES[rng.randrange(len(ODD_VALUES))])
    d.detail = f"{name[:20]!r}"


def m_many_parts(rng: random.Random, d: Draft, k: int) -> None:
    count = (1_000, 5_000, 20_000)[k % 3]
    d.detail = f"{count} parts"
    if d.seed.path == "/v1/responses":
        d.body["input"] = [{"role": "user", "content": [{"type": "input_text", "text": "a"}] * count}]
    elif d.seed.path in ("/v1/completions", "/v1/embeddings"):
        d.body["prompt" if "prompt" in d.body else "input"] = ["a"] * count
    elif k % 2:
        d.detail = f"{count} messages"
        d.body["messages"] = [{"role": "user", "content": "a"}] * count
    else:
        d.body["messages"] = [{"role": "user", "content": [{"type": "text", "text": "a"}] * count}]


def m_content_type(rng: random.Random, d: Draft, k: int) -> None:
    variant = k % (len(CONTENT_TYPES) + 3)
    if variant < len(CONTENT_TYPES):
        d.headers["content-type"] = CONTENT_TYPES[variant]
        d.detail = f"content-type {CONTENT_TYPES[variant]!r}"
    elif variant == len(CONTENT_TYPES):
        d.headers["content-encoding"] = "gzip"  # not gzip at all
        d.detail = "content-encoding gzip, plain body"
    elif variant == len(CONTENT_TYPES) + 1:
        d.headers["anthropic-version"] = "2023-06-01"  # an Anthropic header on any route
        d.detail = "anthropic-version header"
    else:
        d.headers.pop("anthropic-version", None)
        d.detail = "no anthropic-version"


def m_provider_fault(rng: random.Random, d: Draft, k: int) -> None:
    mode = MODES[k % len(MODES)]
    if (k + k // len(MODES)) % 2:  # every mode both ways, whatever the parity of len(MODES)
        d.body["stream"] = True
    d.body["model"] = f"{d.seed.model}-fault-{mode}"
    d.fault = mode
    d.detail = f"{mode}{' stream' if d.body.get('stream') is True else ''}"


Mutator = Callable[[random.Random, Draft, int], None]
MUTATORS: dict[str, Mutator] = {
    "valid": m_valid,
    "surrogate": m_surrogate,
    "deep": m_deep,
    "odd-types": m_odd_types,
    "huge-numbers": m_huge_numbers,
    "strings": m_strings,
    "duplicate-keys": m_duplicate_keys,
    "invalid-utf8": m_invalid_utf8,
    "truncated": m_truncated,
    "unknown-fields": m_unknown_fields,
    "many-parts": m_many_parts,
    "content-type": m_content_type,
    "provider-fault": m_provider_fault,
}
# Body-level mutators a "mixed" request combines (byte-level ones would undo each other).
MIXABLE = ("surrogate", "deep", "odd-types", "huge-numbers", "unknown-fields", "provider-fault")
CLASSES = (*MUTATORS, "mixed")
# The order classes take turns in; provider faults twice a round, as they have the most variants.
ROTATION = (*CLASSES, "provider-fault")


def generate(index: int, seed: int, key: str) -> FuzzRequest:
    """Request number ``index`` of run ``seed``, the same whatever order requests are made in.

    Classes take turns, so that every class gets its share of a short run; ``k`` counts the
    class's own requests, so that its variants take turns too."""
    rng = random.Random(seed * 1_000_003 + index)
    turn, at = divmod(index, len(ROTATION))
    mutation = ROTATION[at]
    k = turn * ROTATION.count(mutation) + ROTATION[:at].count(mutation)
    base = SEEDS[rng.randrange(len(SEEDS))]
    d = Draft(base.fresh(), headers_for(base, key), [], base)
    if mutation == "mixed":
        details = []
        for name in rng.sample(MIXABLE, 2):
            MUTATORS[name](rng, d, rng.randrange(1_000))
            details.append(f"{name}: {d.detail}")
        d.detail = "; ".join(details)
    else:
        MUTATORS[mutation](rng, d, k)
    return FuzzRequest(index, mutation, d.detail, base.name, base.path, d.headers, d.encoded(), d.fault)


__all__ = ["CLASSES", "FuzzRequest", "encode", "generate"]
