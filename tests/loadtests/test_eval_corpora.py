"""The corpus scoring of eval_detection, checked by hand on a two-line corpus (no engine is loaded)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from loadtests.eval_corpora import (
    Corpus,
    chars_outside,
    corpus_table,
    evaluate,
    exact_prf,
    overlap_prf,
    read_corpus,
    score_spans,
    scored_types,
)
from loadtests.eval_pii import Span

#          0123456789012345678901234
TEXTS = ["Ann Lee met Bob in Paris.", "Call Zed now."]
GOLD: list[list[Span]] = [
    [(0, 7, "PERSON"), (12, 15, "PERSON"), (19, 24, "LOCATION")],
    [(0, 4, "OTHER"), (5, 8, "PERSON")],
]
PRED: list[list[Span]] = [
    # exact; overlapping but too long ("Bob in"); right place, wrong type; a type the corpus doesn't annotate
    [(0, 7, "PERSON"), (12, 18, "PERSON"), (19, 24, "PERSON"), (8, 11, "EMAIL_ADDRESS")],
    # inside the OTHER span (not outside any true span); a false PERSON on "now"; misses "Zed"
    [(0, 4, "URL"), (9, 12, "PERSON")],
]


def test_exact_and_overlap_scores_per_type() -> None:
    counts = score_spans(GOLD, PRED, ["PERSON", "LOCATION"])
    person, location = counts["PERSON"], counts["LOCATION"]
    assert (person["gold"], person["pred"], person["exact"], person["found"], person["right"]) == (3, 4, 1, 2, 2)
    assert exact_prf(person) == pytest.approx((1 / 4, 1 / 3, 2 / 7))
    assert overlap_prf(person) == pytest.approx((1 / 2, 2 / 3, 4 / 7))
    # LOCATION: nothing predicted as LOCATION, but the PERSON on "Paris" overlaps it (any-type recall).
    p, r, _ = exact_prf(location)
    assert math.isnan(p)
    assert r == 0.0
    assert (location["gold"], location["any"]) == (1, 1)
    assert "EMAIL_ADDRESS" not in counts  # not annotated: never a false positive


def test_chars_outside_counts_every_type_and_respects_other_spans() -> None:
    # " in" after Bob (3) + "met" flagged as e-mail (3) + "now" (3); "Call" lies in an OTHER span.
    assert chars_outside(TEXTS, GOLD, PRED) == 9


def test_evaluate_and_table() -> None:
    corpus = Corpus("tiny", TEXTS, GOLD, frozenset({"PERSON", "LOCATION", "OTHER"}), "hand-written")
    predictions = dict(zip(TEXTS, PRED, strict=True))
    types = scored_types(corpus)
    assert types == ["PERSON", "LOCATION"]
    mine = evaluate(corpus, lambda text: predictions[text], types)
    nothing = evaluate(corpus, lambda text: [], types)
    assert (mine.outside, mine.chars, nothing.outside) == (9, 38, 0)
    assert mine.outside_annotated == 6  # the e-mail on "met" is left out: this corpus has no e-mail type
    table = corpus_table(corpus, mine, nothing)
    assert "### tiny (2 texts, 2 with spans; hand-written)" in table
    assert "| PERSON | 3 | 0.250 / 0.333 / 0.286 | n/a / 0.000 / n/a | 0.500 / 0.667 / 0.571 |" in table
    assert "aigw 23.68% (9 of 38), Presidio 0.00% (0)" in table
    assert "annotates: aigw 15.79%, Presidio 0.00%" in table


def test_scored_types_are_the_annotated_ones_but_organization_and_other() -> None:
    corpus = Corpus("c", [], [], frozenset({"ORGANIZATION", "OTHER", "STREET_ADDRESS", "PHONE_NUMBER", "PERSON"}))
    assert scored_types(corpus) == ["PERSON", "PHONE_NUMBER", "STREET_ADDRESS"]


def test_read_corpus_parses_the_documented_format(tmp_path: Path) -> None:
    lines = [
        {
            "text": "Dana in Oslo",
            "spans": [{"start": 0, "end": 4, "type": "PER"}, {"start": 8, "end": 12, "type": "GPE"}],
        },
        {"text": "id 123456789", "spans": [{"start": 3, "end": 12, "entity_type": "US_PASSPORT"}], "extra": 1},
        {"text": "nothing here", "spans": []},
    ]
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n", encoding="utf-8")
    corpus = read_corpus(path)
    assert corpus.name == "mine"
    assert corpus.texts == ["Dana in Oslo", "id 123456789", "nothing here"]
    assert corpus.gold == [[(0, 4, "PERSON"), (8, 12, "LOCATION")], [(3, 12, "PASSPORT")], []]
    assert corpus.annotated == {"PERSON", "LOCATION", "PASSPORT"}
    assert read_corpus(path, limit=1).texts == ["Dana in Oslo"]


def test_a_street_address_counts_as_a_place_where_the_corpus_has_no_street_address_type() -> None:
    from loadtests.eval_corpora import as_annotated

    found = [(0, 12, "STREET_ADDRESS"), (20, 25, "PERSON")]
    assert as_annotated(found, frozenset({"LOCATION", "PERSON"})) == [(0, 12, "LOCATION"), (20, 25, "PERSON")]
    assert as_annotated(found, frozenset({"STREET_ADDRESS", "PERSON"})) == found


def test_the_convention_free_figure_strips_titles_and_possessives_from_both_sides() -> None:
    from loadtests.eval_corpora import convention_free, convention_free_prf

    text = "Mr. Collins met Warhol's agent and Dr Ana Lee."
    gold: list[Span] = [(0, 11, "PERSON"), (16, 24, "PERSON"), (35, 45, "PERSON")]  # GUM style: titles, 's
    pred: list[Span] = [(4, 11, "PERSON"), (16, 22, "PERSON"), (38, 45, "PERSON")]  # CoNLL style
    assert convention_free(text, gold) == pred
    corpus = Corpus("gum-like", [text], [gold], frozenset({"PERSON"}))
    scores = evaluate(corpus, lambda _: pred, ["PERSON"])
    assert exact_prf(scores.counts["PERSON"]) == (0.0, 0.0, 0.0)  # strict: no span matches
    assert convention_free_prf(scores.counts["PERSON"]) == (1.0, 1.0, 1.0)
