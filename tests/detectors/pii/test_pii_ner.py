"""pii_ner: where NER runs (lossless gate) and how its spans are cleaned (issue 15)."""

from __future__ import annotations

import pytest

from detectors.pii.ner import NerSpan, clean_span, name_word, ner_windows


def _clean(text: str, value: str, kind: str) -> str | None:
    start = text.index(value)
    span = clean_span(text, NerSpan(start, start + len(value), kind))
    return None if span is None else f"{text[span.start : span.end]}/{span.entity_type}"


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("Michael helped shoot the video.", True),  # a sentence-initial name: no candidate for the old windows
        ("Bush came out today and said so", True),
        ("we met in #Toronto yesterday", True),
        ("Draft a reply. Explain why it failed.", False),
        ("how do I parse JSON from an API in Python?", False),
        ("lowercase chat with no capitals at all", False),
    ],
)
def test_ner_runs_on_the_whole_text_when_any_word_can_be_a_name(text: str, runs: bool) -> None:
    assert ner_windows(text) == ([(0, len(text))] if runs else [])


def test_name_words() -> None:
    words = ("Łódź", "US", "U.S.", "B", "AKIAQWERTYUIOP", "API", "Monday", "The", "张伟")
    assert [w for w in words if name_word(w)] == ["Łódź", "US", "U.S.", "张伟"]


@pytest.mark.parametrize(
    ("text", "value", "kind", "expected"),
    [
        ("Phoenix has an arid climate", "Phoenix", "LOCATION", "Phoenix/LOCATION"),  # was relabelled PERSON
        ("one of Poland's cities", "Poland", "LOCATION", "Poland/LOCATION"),
        ("Zeynep asked for the logs", "Zeynep", "LOCATION", "Zeynep/PERSON"),  # places do not ask
        ("visas to enter the United States.", "the United States", "LOCATION", "United States/LOCATION"),
        ("Like most U.S. cities", "U.S.", "LOCATION", "U.S./LOCATION"),  # was dropped as an acronym
        ("the Tom Cruise video", "Tom Cruise", "PERSON", "Tom Cruise/PERSON"),  # two words: a name
        ("that Hillary Clinton will never be", "Hillary Clinton", "PERSON", "Hillary Clinton/PERSON"),
        ("the Jenkins upgrade failed", "Jenkins", "PERSON", None),  # one word after a determiner
        ("Zeebe cluster is down again", "Zeebe", "PERSON", None),  # a product noun after it (was never matched)
        ("Luhn validator rejects it", "Luhn", "PERSON", None),
        ("the Falcon rollout slipped", "Falcon", "PERSON", None),  # a project's code name
        ("in the Louvre.", "Louvre", "PERSON", None),  # nothing after a determiner's one word: no person
        ("amongst the Warhol Polaroids", "Warhol", "PERSON", None),
        ("lessons from the Warhol exhibit", "Warhol", "PERSON", "Warhol/PERSON"),  # a name used as a modifier
        ("The Tsar employed him", "Tsar", "PERSON", "Tsar/PERSON"),
        ("The Kelly criterion says bet less", "Kelly", "PERSON", None),  # a given name after a determiner
        ("Our Devin subscription renews", "Devin", "PERSON", None),
        ("the Bush administration", "Bush", "PERSON", "Bush/PERSON"),  # a surname: kept
        ("the DOB field", "DOB", "PERSON", None),
        ("Draft a reply", "Draft", "PERSON", None),  # no name word: also what keeps the gate lossless
        ("in toronto again", "toronto", "LOCATION", None),
    ],
)
def test_clean_span(text: str, value: str, kind: str, expected: str | None) -> None:
    assert _clean(text, value, kind) == expected


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("One of Carrie Fisher ' s roles", "Carrie Fisher '", "Carrie Fisher/PERSON"),  # tokenised text
        ("keep Vin , Dwayne , Ty", "Dwayne ,", "Dwayne/PERSON"),
        ("by Richard T. Bissen Jr.", "Richard T. Bissen Jr.", "Richard T. Bissen Jr./PERSON"),  # a suffix keeps its dot
        ("See also [ Will António Guterres be the best", "Will António Guterres", "António Guterres/PERSON"),
        ("Will Smith laughed", "Will Smith", "Will Smith/PERSON"),  # two words stay: "Will" is a first name
        ("#ZodiacFacts for today", "ZodiacFacts", None),  # a hashtag, not a person
        ("Ronald McDonald waved", "McDonald", "McDonald/PERSON"),
    ],
)
def test_person_span_boundaries(text: str, value: str, expected: str | None) -> None:
    assert _clean(text, value, "PERSON") == expected


def test_paragraphs_without_a_name_word_get_no_ner_but_lend_context() -> None:
    filler = "the parser fails on empty input and the retry loop never ends, so the queue grows without bound. " * 2
    text = f"Ask Sophie Petrov about it.\n\n{filler}\n\n{filler}\n\nthanks,\nNirosha"
    windows = [text[a:b] for a, b in ner_windows(text)]
    assert len(windows) == 2
    assert windows[0].startswith("Ask Sophie Petrov")
    assert len(windows[0]) < 150  # the paragraph and some context
    assert windows[1].endswith("thanks,\nNirosha")
    assert "the queue grows" in windows[1]  # context: the letter before the sign-off
    assert sum(map(len, windows)) < len(text) * 0.75
