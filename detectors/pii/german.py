"""German paragraphs: every noun is capitalised, and spaCy's English model calls many of them people.

"Die Rechnung für die Wartung der Heizungsanlage ..." gives PERSON "Rechnung" and "Wartung der
Heizungsanlage" from en_core_web_sm; pseudonymising them would garble every German prompt. In a
paragraph that reads as German (``german_paragraph``: its function words), a NER span is kept
only if it can be a name on its own evidence (``holds_in_german``):

* no word of it is shaped like a German common noun (``-ung``, ``-heit``, ``-keit``,
  ``-schaft``, ``-tät``, ``-ismus`` ...) or is a lowercase word other than a name particle
  ("zur Lieferzeit", "Geschäftsführung wurde");
* a single word is a title's name ("Herr Weber", "Frau Dr. Schulz"), a common given name or
  surname (US Census), or, for LOCATION, a known place.

Two or more capitalised words that pass the first test stay ("Jürgen Hoffmann"), as do names
the cue recognizers find ("Mit freundlichen Grüßen, Jürgen Hoffmann").
"""

from __future__ import annotations

import re

from detectors.pii.name_words import paragraphs, words
from detectors.pii.names_places import census_names, common_person_names, place_names

WORD = re.compile(r"[^\W\d_]+")
# Words that are German and not English ("die", "will", "was", "an", "in" are both: left out).
GERMAN_FUNCTION_WORDS = words(
    """
    der das und ist nicht mit für den dem des zur zum auf wir ich ein eine einen einem einer wurde werden
    bei von im auch sich oder aber wie noch nach bis über durch sind haben hat wird bitte sie uns ihr ihre
    ihnen kann können könnten müssen soll sollen dass wenn weil schon nur sehr mehr keine kein diese dieser
    dieses unsere unser euch mich dich ihm ihn hier heute morgen gestern leider danke gibt gab zwischen während
    """
)
MIN_FUNCTION_WORDS = 3  # distinct ones: two could be a quoted phrase in English text
MIN_SHARE = 0.12  # of the paragraph's words
# Endings of German common nouns that names (almost) never have.
NOUN_ENDING = re.compile(
    r"(?:ung|ungen|heit|heiten|keit|keiten|schaft|schaften|tät|täten|ismus|nisse|nis|tion|tionen|ment|mente"
    r"|anlage|anlagen|zeit|zeiten|stelle|stellen|gruppe|leitung|planung|partner|lage|lagen|kosten|bericht|vertrag"
    r"|vertrieb|abteilung|unterlagen|angaben)$",
    re.IGNORECASE,
)
STRONG_NOUN_ENDING = re.compile(r"(?:ung|ungen|heit|keit|schaft|lagen|nisse|täten)$")
MIN_NOUN_LENGTH = 8
MIN_ENDING_LENGTH = 7
NAME_PARTICLES = frozenset({"von", "van", "der", "den", "de", "ter", "ten", "zu", "vom", "di", "da", "du", "la", "le"})
TITLE_BEFORE = re.compile(r"\b(?:herr|herrn|frau|dr|prof|hr|fr)\.?\s+(?:(?:dr|prof)\.?\s+)*$", re.IGNORECASE)


def german_paragraph(text: str, start: int, end: int, german: tuple[tuple[int, int], ...] | None = None) -> bool:
    """Whether the paragraph around text[start:end] reads as German (``german``: the text's
    ``german_paragraphs``, computed once by a caller checking many spans)."""
    bounds = german_paragraphs(text) if german is None else german
    return any(lo <= start and end <= hi for lo, hi in bounds)


def german_paragraphs(text: str) -> tuple[tuple[int, int], ...]:
    """The bounds of the text's paragraphs that read as German."""
    bounds = []
    for lo, hi in paragraphs(text):
        tokens = [w.lower() for w in WORD.findall(text, lo, hi)]
        hits = [w for w in tokens if w in GERMAN_FUNCTION_WORDS]
        if len(set(hits)) >= MIN_FUNCTION_WORDS and len(hits) >= MIN_SHARE * len(tokens):
            bounds.append((lo, hi))
    return tuple(bounds)


def german_noun(word: str) -> bool:
    """A word any text may hold that is a German noun by its ending ("Rechnung", "Unterlagen"), long
    enough not to be a surname ("Jung", "Leung", "Hartung" are kept) and no common name."""
    return len(word) >= MIN_NOUN_LENGTH and bool(STRONG_NOUN_ENDING.search(word)) and word not in common_person_names()


def holds_in_german(text: str, start: int, end: int, kind: str) -> bool:
    """Whether a PERSON or LOCATION span found in a German paragraph can stand (module docstring)."""
    parts = WORD.findall(text, start, end)
    if len(parts) > 1 and parts[0] in census_names()["given"]:
        return True  # "Clement Hartung": a given name vouches for the rest
    for word in parts:
        lower = word.lower()
        if lower in NAME_PARTICLES and word[0].islower():
            continue  # "Ursula von der Leyen"
        noun = len(word) >= MIN_ENDING_LENGTH and NOUN_ENDING.search(word)  # not "Cheung", "Leung", "Jung"
        if noun or lower in GERMAN_FUNCTION_WORDS or word[0].islower():
            return False  # "Rechnung", "Könnten Sie", "zur Lieferzeit"
    if len(parts) > 1:
        return True
    value = parts[0] if parts else ""
    if kind == "LOCATION":
        return value in place_names()
    return bool(TITLE_BEFORE.search(text, max(0, start - 20), start)) or value in common_person_names()
