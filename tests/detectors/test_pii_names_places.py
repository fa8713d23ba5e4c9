"""pii_names_places: GeoNames place names turn spaCy's PERSON guesses for cities into LOCATION."""

from __future__ import annotations

import pytest

from detectors.pii_names_places import fold, place_names
from detectors.pii_ner import NerSpan, clean_span


def test_cities_countries_and_states_with_and_without_accents() -> None:
    names = place_names()
    assert {"Mérida", "Merida", "Kraków", "Krakow", "Sharjah", "Manchester", "France", "Ohio", "Europe"} <= names
    assert not {"Michael", "Warhol", "Byron", "Obama"} & names  # Obama, Japan, has fewer than 100,000 people
    assert fold("Łódź Cancún") == "Łodz Cancun"  # "Ł" has no combining mark: only accents go


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("Mérida is a city of contrasts.", "Mérida", "LOCATION"),
        ("There are also flights from Sharjah via Al Mukalla.", "Sharjah", "LOCATION"),
        ("Jordan said the build is green.", "Jordan", "PERSON"),  # a verb of speech: a person
        ("ask Dr. Austin about it", "Austin", "PERSON"),  # a title: a person
        ("Sophie Petrov joined", "Sophie Petrov", "PERSON"),
    ],
)
def test_a_person_named_like_a_city_needs_a_person_cue(text: str, value: str, kind: str) -> None:
    start = text.index(value)
    assert clean_span(text, NerSpan(start, start + len(value), "PERSON")) == NerSpan(start, start + len(value), kind)
