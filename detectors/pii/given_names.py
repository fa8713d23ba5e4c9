"""Given names that spaCy's small model misses: a capitalised common given name starts a name.

en_core_web_sm misses many people named once in a sentence ("Holt became only the second ...",
"Debbie developed severe eczema", "Vince, please call me"): on the tuning corpora of
tests/data/ner about one missed PERSON in ten is a common US given name. A capitalised word
that is a given name of the US Census 1990 (``pii_names_places.census_names``) starts a name
here, with the capitalised words that follow it ("Jenna Ortega"), unless:

* it is also a lowercase English word ("Will", "Grace", "Mark": ``[given_word]``), a known
  product, month or language (``data/not_names.txt``), or a place ("Austin", "Florence");
* a capitalised word comes right before it ("San Francisco", "St. Louis", "Lake Tahoe"): then
  it is part of another name, which NER judges; or the text says place ("in Lawrence, KS");
* what follows is an acronym or a product word ("Travis CI", "Julia REPL").

The score is below NER's, so where spaCy calls the same words a place or an organisation, the
overlap goes to spaCy.
"""

from __future__ import annotations

import re
from functools import cache

from presidio_analyzer import AnalysisExplanation, LocalRecognizer
from presidio_analyzer import RecognizerResult as Result
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

from detectors.pii.name_words import GATE_COMMON, NOT_NAME_WORDS, NOT_NAMES, paragraphs
from detectors.pii.names_places import all_surnames, census_names, place_names
from detectors.pii.ner_spans import ENDS_IN_STREET, ORG_SUFFIX, PLACE_AFTER, PLACE_BEFORE, PRODUCT_NOUN_AFTER

ID_KEY = Result.RECOGNIZER_IDENTIFIER_KEY
GIVEN_NAME_SCORE = 0.6
MIN_ALONE = 3
# Words of any script's letters ("Fernández", "O'Brien", "Öztürk"); names are capitalised ones.
TOKEN = re.compile(r"[^\W\d_]+(?:['’-](?![sS]\b)[^\W\d_]+)*")  # without a possessive "'s"
# What a TOKEN that is a census given name looks like ("Debbie", not "McDonald", "Jean-Paul", "Émile"):
# matching only these skips the other ~90% of a text's words (0.1 ms per 2,000 characters).
GIVEN_SHAPED = re.compile(r"[A-Z][a-z]+(?![^\W\d_]|['’-](?![sS]\b)[^\W\d_])")
GAP = re.compile(r"[ \t]+")
INITIAL = re.compile(r"[A-Z]\.[ \t]*")
BOUNDARY_BEFORE = re.compile(r"[\w@#.'’-]$")  # inside an address, handle, hashtag or word
BOUNDARY_AFTER = re.compile(r"[.@-]\w|['’]\w\w")  # "Kevin.A.Boone@", "Al-Qaeda"; not "Debbie's"
WORD_BEFORE = re.compile(r"(?:[A-Z][\w'’-]*|St|Mt|Ft)\.?[ \t]+$")
NOT_A_NAME_AFTER = re.compile(r"[ \t]+(?:[A-Z]{2,}|[a-z]+\.[a-z]|\d)")
AMPERSAND_BEFORE = re.compile(r"([A-Z][\w'’-]*)\s*&\s*$")
AMPERSAND_AFTER = re.compile(r"\s*&\s*([A-Z][\w'’-]*)")
BRAND_POSSESSIVE = re.compile(r"['’]s\s+(?:#|\d|[A-Z])")
BRANDS = frozenset({"Morgan Stanley", "Tim Hortons", "Stella Artois", "Marshall Plan", "John Deere", "Tiffany"})
# Words that look like given names in workplace text but are not people there.
NOT_PEOPLE = frozenset(
    {"Christian", "Julia", "Ada", "Alexa", "Siri", "Cortana", "Jasper", "Katrina", "Chelsea", "Monte", "Shannon"}
    | {"Claude", "Darwin"}  # the AI model, the operating system
)


EXCLUDED = NOT_NAME_WORDS | NOT_NAMES
# Lowercase chat ("tell sarah the build is green", "thank you kevin smith"): a paragraph with few
# capitalised words, where a lowercase given name is as good a cue as a capitalised one elsewhere.
# Not quoted or part of code ("sys.platform == 'darwin'", alias="douglas", `claude-*`, path/mona).
LOWER_TOKEN = re.compile(r"(?<![\w@#.'’\"`/\\=-])[a-z]{4,}\b(?![.@/\"`(=-]|['’](?![sS]\b))")
LOWER_SURNAME = re.compile(r"[ \t]+([a-z]{2,})\b(?![.@-]\w)")
LOWER_PLACE_BEFORE = re.compile(r"\b(?:san|santa|st|saint|los|las|el|port|fort|lake|mount|new)\s+$")
MAX_CAPITALISED = 0.15  # share of a paragraph's words, "I" not counted
# English function words, as a share of a paragraph's words: lowercase chat is prose; code, data
# and other languages' text ("della", "alma", "santiago") are not read this way.
MIN_ENGLISH = 0.15


@cache
def given_names() -> frozenset[str]:
    names = census_names()
    return names["given"] - names["given_word"] - NOT_PEOPLE


def name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of names that start with a common given name (module docstring)."""
    given, places = given_names(), place_names()
    spans = []
    for m in GIVEN_SHAPED.finditer(text):
        first = m.group()
        if first not in given or first.lower() in EXCLUDED or first in places:
            continue
        before = text[max(0, m.start() - 24) : m.start()]
        if BOUNDARY_BEFORE.search(before) or WORD_BEFORE.search(before) or PLACE_BEFORE.search(before):
            continue  # part of a word or of another name ("San Francisco"), a place ("in Lawrence")
        end = _name_end(text, m.end())
        if BOUNDARY_AFTER.match(text, end) or NOT_A_NAME_AFTER.match(text, end) or PLACE_AFTER.match(text, end):
            continue  # "Kevin.A.Boone@", "Travis CI", "Lawrence, KS"
        if ORG_SUFFIX.search(text, m.start(), end) or ENDS_IN_STREET.search(text, m.start(), end):
            continue  # "Wayne Retail", "Willis Street"
        if PRODUCT_NOUN_AFTER.match(text, end) or _company_partner(text, m.start(), end, census_names()["given"]):
            continue  # "Travis build", "the Harvey pilot"; "Allen & Overy", "Marks & Spencer"
        if BRAND_POSSESSIVE.match(text, end) or text[m.start() : end] in BRANDS:
            continue  # "Wendy's #4411", "Nathan's Famous"; "Morgan Stanley"
        if end == m.end() and len(first) < MIN_ALONE:
            continue  # "Al", "Jo" alone are too often something else
        spans.append((m.start(), end))
    return sorted([*spans, *_lowercase_names(text)])


def _lowercase_names(text: str) -> list[tuple[int, int]]:
    """Lowercase given names (and a lowercase surname after one) in lowercase chat paragraphs."""
    given, surnames = lowercase_given_names(), all_surnames()
    spans = []
    for lo, hi in paragraphs(text):
        words = text[lo:hi].split()
        capitalised = sum(1 for w in words if w[:1].isupper() and w != "I")
        english = sum(1 for w in words if w.lower() in STOP_WORDS)
        if words and capitalised <= MAX_CAPITALISED * len(words) and english >= MIN_ENGLISH * len(words):
            for m in LOWER_TOKEN.finditer(text, lo, hi):
                if m.group() not in given or LOWER_PLACE_BEFORE.search(text, max(0, m.start() - 8), m.start()):
                    continue
                end = m.end()
                if (last := LOWER_SURNAME.match(text, end, hi)) and last.group(1).capitalize() in surnames:
                    end = last.end() if last.group(1) not in GATE_COMMON else end  # "kevin smith", not "kevin will"
                spans.append((m.start(), end))
    return spans


@cache
def lowercase_given_names() -> frozenset[str]:
    """``given_names`` in lowercase, without common words ("will" is already out; "june" is a month)."""
    return frozenset(n.lower() for n in given_names()) - GATE_COMMON - EXCLUDED


def _company_partner(text: str, start: int, end: int, given: frozenset[str]) -> bool:
    """A capitalised word that is no given name across an "&": a firm ("Allen & Overy", "Marks &
    Spencer"); "Jenna & Bob" are two people."""
    before = AMPERSAND_BEFORE.search(text, max(0, start - 30), start)
    after = AMPERSAND_AFTER.match(text, end)
    return any(m is not None and m.group(1) not in given for m in (before, after))


def _name_end(text: str, end: int) -> int:
    """Where a name that starts with a given name ending at ``end`` ends: an optional initial and
    one more capitalised word ("Olivia S. Fernández"); longer runs of capitals are names with titles
    or companies ("Janette Elbertson Administrative Coordinator"), which NER judges."""
    gap = GAP.match(text, end)
    if gap is None:
        return end
    at = gap.end()
    if initial := INITIAL.match(text, at):
        at = initial.end()
    word = TOKEN.match(text, at)
    if word is None or not word.group()[0].isupper() or word.group().isupper():
        return end
    if word.group().lower() in EXCLUDED:
        return end  # "Jenna Monday"
    return word.end()


class GivenNameRecognizer(LocalRecognizer):
    """PERSON for names that start with a common given name."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON"], name="GivenNameRecognizer")

    def load(self) -> None:
        given_names()
        place_names()

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[Result]:
        explanation = AnalysisExplanation("GivenNameRecognizer", GIVEN_NAME_SCORE, textual_explanation="given name")
        return [
            Result("PERSON", start, end, GIVEN_NAME_SCORE, explanation, {ID_KEY: self.id})
            for start, end in name_spans(text)
        ]
