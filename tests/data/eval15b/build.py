"""Build prose_blind2.jsonl from the hand-written marked-up texts in texts_*.py.

Markup: ``[[TYPE:value]]`` where TYPE is a full type name or a short alias (P, L, A, PH, E, CC).
The markup is removed and a span is recorded for ``value``; every span is checked with
``text[start:end] == value``. Output is deterministic: texts are interleaved round-robin by genre
so that neighbouring lines come from different genres.

Run: ``python tests/data/eval15b/build.py``
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import texts_a  # noqa: E402
import texts_b  # noqa: E402
import texts_c  # noqa: E402
import texts_d  # noqa: E402

ALIASES = {
    "P": "PERSON",
    "L": "LOCATION",
    "A": "STREET_ADDRESS",
    "PH": "PHONE_NUMBER",
    "E": "EMAIL_ADDRESS",
    "CC": "CREDIT_CARD",
}
TYPES = ("PERSON", "LOCATION", "STREET_ADDRESS", "PHONE_NUMBER", "EMAIL_ADDRESS", "CREDIT_CARD")
GENRES = (
    "news",
    "email",
    "chat",
    "minutes",
    "hr",
    "support",
    "crm",
    "academic",
    "legal",
    "medical",
    "code",
    "letter",
    "travel",
)
MARK = re.compile(r"\[\[([A-Z_]+):(.+?)\]\]", re.DOTALL)
DIGIT_RUN = re.compile(r"\d(?:[ -]?\d){11,18}")
OUT = HERE / "prose_blind2.jsonl"


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def parse(markup: str) -> tuple[str, list[dict[str, object]]]:
    """Strip the markup and return the plain text and its spans."""
    markup = markup.strip("\n")
    parts: list[str] = []
    spans: list[dict[str, object]] = []
    pos = 0
    length = 0
    for m in MARK.finditer(markup):
        before = markup[pos : m.start()]
        parts.append(before)
        length += len(before)
        kind = ALIASES.get(m.group(1), m.group(1))
        assert kind in TYPES, f"unknown type {m.group(1)!r}"
        value = m.group(2)
        spans.append({"start": length, "end": length + len(value), "type": kind})
        parts.append(value)
        length += len(value)
        pos = m.end()
    parts.append(markup[pos:])
    text = "".join(parts)
    assert "[[" not in text, text[:80]
    assert "]]" not in text, text[:80]
    return text, spans


def check(text: str, spans: list[dict[str, object]], values: list[str]) -> None:
    for span, value in zip(spans, values, strict=True):
        start, end = span["start"], span["end"]
        assert isinstance(start, int)
        assert isinstance(end, int)
        assert text[start:end] == value, (text[start:end], value)
        assert value == value.strip(), f"span has outer whitespace: {value!r}"
        if span["type"] == "CREDIT_CARD":
            digits = re.sub(r"[ -]", "", value)
            assert luhn_ok(digits), f"card fails Luhn: {value}"
    # No unannotated digit run may look like a valid card number.
    covered = [(s["start"], s["end"]) for s in spans if s["type"] == "CREDIT_CARD"]
    for m in DIGIT_RUN.finditer(text):
        digits = re.sub(r"[ -]", "", m.group())
        inside = any(a <= m.start() and m.end() <= b for a, b in covered)  # type: ignore[operator]
        if not inside and 13 <= len(digits) <= 19:
            assert not luhn_ok(digits), f"unannotated Luhn-valid run: {m.group()}"


def collect() -> list[tuple[str, str]]:
    items = texts_a.TEXTS + texts_b.TEXTS + texts_c.TEXTS + texts_d.TEXTS
    by_genre: dict[str, list[str]] = {g: [] for g in GENRES}
    for genre, markup in items:
        by_genre[genre].append(markup)
    # Round-robin interleave keeps the order fixed while mixing genres.
    ordered: list[tuple[str, str]] = []
    longest = max(len(v) for v in by_genre.values())
    for i in range(longest):
        for genre in GENRES:
            if i < len(by_genre[genre]):
                ordered.append((genre, by_genre[genre][i]))
    return ordered


def main() -> None:
    ordered = collect()
    type_counts: Counter[str] = Counter()
    genre_counts: Counter[str] = Counter()
    genre_empty: Counter[str] = Counter()
    cell: Counter[tuple[str, str]] = Counter()
    lines: list[str] = []
    texts_seen: set[str] = set()
    lengths: list[int] = []
    for n, (genre, markup) in enumerate(ordered, start=1):
        text, spans = parse(markup)
        values = [m.group(2) for m in MARK.finditer(markup.strip("\n"))]
        check(text, spans, values)
        assert text not in texts_seen, f"duplicate text {n}"
        texts_seen.add(text)
        lengths.append(len(text))
        genre_counts[genre] += 1
        if not spans:
            genre_empty[genre] += 1
        for s in spans:
            type_counts[str(s["type"])] += 1
            cell[(genre, str(s["type"]))] += 1
        record = {"text": text, "spans": spans, "source": f"eval15b:prose_blind2:{n}"}
        lines.append(json.dumps(record, ensure_ascii=False))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"texts: {len(ordered)}  no entity: {sum(genre_empty.values())}  length: {min(lengths)}-{max(lengths)}")
    print("spans: " + ", ".join(f"{t}={type_counts[t]}" for t in TYPES) + f", all={sum(type_counts.values())}")
    print("| genre | texts | no entity | " + " | ".join(TYPES) + " |")
    print("|---" * (len(TYPES) + 3) + "|")
    for g in GENRES:
        row = " | ".join(str(cell[(g, t)]) for t in TYPES)
        print(f"| {g} | {genre_counts[g]} | {genre_empty[g]} | {row} |")


if __name__ == "__main__":
    main()
