"""The labelled PII corpus is what its generator writes, byte for byte: the generator's modules
(tables, values, fields, templates) can be reorganised, never silently changed."""

from __future__ import annotations

import json
import random

from loadtests import make_pii_corpus
from loadtests.pii_corpus_values import iban_check, luhn_ok


def test_the_generator_rewrites_the_committed_corpus_byte_for_byte() -> None:
    rows = make_pii_corpus.build(random.Random(make_pii_corpus.SEED))
    written = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    assert written == make_pii_corpus.OUT.read_text(encoding="utf-8")


def test_labelled_spans_cover_their_values() -> None:
    rows = make_pii_corpus.build(random.Random(make_pii_corpus.SEED))
    cards = []
    for row in rows:
        text = str(row["text"])
        for span in row["spans"]:  # type: ignore[attr-defined]
            value = text[span["start"] : span["end"]]
            assert value
            assert value == value.strip()
            if span["entity_type"] == "CREDIT_CARD":
                cards.append(value)
    assert cards
    assert all(luhn_ok("".join(c for c in card if c.isdigit())) for card in cards)


def test_the_checksums_are_the_published_ones() -> None:
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")
    assert iban_check("GB", "WEST12345698765432") == "82"  # GB82 WEST 1234 5698 7654 32, the ISO 13616 example
