"""pii_given_names: a capitalised common given name starts a name that spaCy may have missed."""

from __future__ import annotations

import pytest

from detectors.pii.given_names import GivenNameRecognizer, given_names, name_spans


def spans(text: str) -> list[str]:
    return [text[s:e] for s, e in name_spans(text)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Debbie developed severe eczema at four months.", ["Debbie"]),
        ("Vince, please call me back.", ["Vince"]),
        ("Hello, my name is Olivia S. Fernández.", ["Olivia S. Fernández"]),  # an initial, any script's letters
        ("Why did Marcus O'Brien's claim fail?", ["Marcus O'Brien"]),  # without the possessive
        ("Janette Elbertson Administrative Coordinator", ["Janette Elbertson"]),  # two words at most
        ("Jenna & Bob went home", ["Jenna"]),  # two people across an ampersand ("Bob" is also a word)
    ],
)
def test_names_that_start_with_a_given_name(text: str, names: list[str]) -> None:
    assert spans(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "We flew to San Francisco and St. Louis.",  # part of another name
        "Will you grant Grace a period?",  # given names that are English words
        "Absolutely my favorite store in Lawrence, KS",  # the text says place
        "Set up Travis CI for the repo",  # an acronym after it
        "mail Kevin.A.Boone@accenture.com",  # inside an address
        "Al-Qaeda and Al",  # a hyphenated word; two letters alone
        "Our vendor Wayne Retail sent an invoice",  # a company
        "Lunch at 12 Willis Street",  # a street
        "Write it in Julia with Monte Carlo sampling",  # a language, a method
        "The meeting moved to Monday",  # not a given name
        "Travis build cache is stale",  # a product noun after it
        "the Harvey pilot starts next week",
        "Allen & Overy advised; Marks & Spencer sales",  # firms across an ampersand
        "Wendy's #4411 closed early",  # a brand's possessive
        "Morgan Stanley upgraded the stock",
    ],
)
def test_no_name(text: str) -> None:
    assert spans(text) == []


def test_given_names_leave_out_words_and_products() -> None:
    names = given_names()
    assert {"Debbie", "Vince", "Olivia", "Marcus"} <= names
    assert not {"Will", "Grace", "Mark", "Julia", "Christian"} & names


def test_the_recognizer_scores_below_ner() -> None:
    results = GivenNameRecognizer().analyze("Debbie called.", ["PERSON"])
    assert [(r.entity_type, r.start, r.end) for r in results] == [("PERSON", 0, 6)]
    assert results[0].score < 0.85  # where spaCy calls the same words something else, spaCy wins


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("tell sarah the build is green and thank you kevin smith", ["sarah", "kevin smith"]),
        ("my eyes are dark today, john says its cuz im tired", []),  # "john" is also a word (SCOWL)
        ("i think kevin will come to the party tonight", ["kevin"]),  # "will" is no surname here
        ("we drove to san jose and then to the office", []),  # a place
    ],
)
def test_lowercase_names_in_lowercase_chat(text: str, names: list[str]) -> None:
    assert spans(text) == names


@pytest.mark.parametrize(
    "text",
    [
        'if sys.platform == "darwin": alias="douglas"',  # code and quoted strings
        "la casa della nonna è alla fine della strada",  # another language
        "Kevin Smith Wrote This Title In Capitals and sarah",  # not a lowercase paragraph
        "ask claude to summarise the thread for me please",  # the AI model
    ],
)
def test_no_lowercase_name(text: str) -> None:
    assert [n for n in spans(text) if n.islower()] == []
