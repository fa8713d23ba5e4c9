"""STREET_ADDRESS: postal addresses in many countries' formats, by a grammar and a lexicon of street types.

Why not a library: the address parsers on PyPI either cover one to three countries (``usaddress``:
US only, a CRF over a string already known to be an address; ``pyap``/``pyap2``: regexes for US,
Canada and the UK), need a C library and about 2 GB of model data (``postal``/libpostal), or
torch (``deepparse``): too narrow, too heavy to install, or too slow for a detector that runs on
every prompt. They also parse a given address rather than find one inside prose. So this module
is a small grammar over a lexicon of street-type words in 20-odd languages.

What is found (the span convention):

* The street line: a house number with a street name and a street-type word, in the order the
  country writes them. Number first with the type after the name ("221B Baker Street", "12 Nehru
  Marg") or before it ("12 rue de la Paix"); the type first and the number last ("Via Roma 15",
  "Calle Mayor 5", "Rua Augusta, 100", "ul. Marszałkowska 84/92", "Λεωφ. Κηφισίας 124", "Rue de
  la Loi 16"); a name compounded with, or followed by, its type and then the number
  ("Hauptstraße 12", "Kärntner Straße 5", "Kalverstraat 92", "Drottninggatan 10", "Váci utca 12");
  Japanese blocks ("1-chōme-9-1 Marunouchi", "3-1-1 Kasumigaseki, Chiyoda-ku"). A street name
  without a number is a place, not an address: every span holds a digit (the PII detector's
  cheap exit for texts without digits relies on it).
* Post office boxes ("P.O. Box 123", "Postfach 10 20 30", "BP 45" when a postcode follows)
  and US military addresses ("PSC 1234, Box 5678, APO AE 09204").
* One span per address. It starts at a unit written before the number ("Flat 2, 15 ...", "House
  No. 221, Sector 15, ..."), at a postcode and city written first (Hungarian "1052 Budapest, Váci
  utca 12"), or else at the number or the first street word; it runs on through what follows
  the street line after a comma, a dash or a line break: unit parts ("Apt 4B", "3º B", "lgh 1102",
  "/Top 9"), a district, postcode and city in either order, a state or province code ("IL 62704",
  "NSW 2000", "(FI)"); a city alone when no postcode follows ("221B Baker Street, London"). It stops
  before a country name (a LOCATION of its own) and never takes in the recipient's name or a
  company line above the street. This is the convention of tests/data/eval15 (its README).

An address is STREET_ADDRESS only, never also LOCATION: the PII detector drops NER places that
overlap a structured finding, so "London" inside "221B Baker Street, London" is no second finding.

Scores: a complete street line or an unambiguous box scores 0.6; with a postcode after it 0.85.
Shapes that occur in prose ("via Slack 2", "Box 12", all-lowercase lines) score 0.35 and are
reported only when an address cue ("address", "live at", "Adresse", "dirección"...) is just
before them.

Speed: the recognizer skips a text with no digit (``REQUIRED_CHARS``). Otherwise street words
are looked for only within 64 characters of a number, in the lower-cased text, with one regex
whose alternation is a trie; the grammar runs only around the words found. About 0.1 ms on a
200-character text with numbers and 1 ms on 2,000 characters dense with numbers (2 shared CPUs).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator
from typing import Any

from detectors.pii.address_lexicon import (
    AFTER_NAME,
    BEFORE_NAME_NUMBER_FIRST,
    COMPOUND_SUFFIXES,
    CONNECTORS,
    COUNTED,
    CUES,
    MONTHS_AND_DAYS,
    NOT_A_HOUSE_NUMBER,
    NOT_COMPOUND,
    ORDINARY_WORDS,
    POSTCODE,
    SPECIAL,
    TYPE_FIRST,
    TYPE_FIRST_ANY_CASE,
    WORD_AFTER_NAME,
)
from detectors.pii.address_parts import (
    AFTER_NUMBER_OK,
    KNOWN,
    PC_LABEL,
    STRONG,
    WEAK,
    Anchor,
    boxes,
    extend,
    japanese,
)
from detectors.pii.recognizers import CandidateRecognizer, Hit

ENTITY = "STREET_ADDRESS"

NUM = r"\d{1,5}[A-Za-z]?(?:[/-](?:\d{1,5}[A-Za-z]?|[A-Za-z](?!\w)))?"  # 12, 221B, 84/92, 12/B
NUM_START = r"(?<![\w.,:$€£¥#+&/-])"
WORD = r"[^\W\d_][\w'’.-]*|\d{1,3}(?:st|nd|rd|th|e|er|ème|º|ª)"


def trie_regex(words: Iterable[str]) -> str:
    """One alternation as a trie ("st(?:r(?:eet|asse))?..."): the regex engine tries the branches of a
    position's first letter only, several times faster than a flat list of 200 words."""
    root: dict[str, dict[str, Any]] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and "" not in node else "(?:" + "|".join(branches) + ")"
        return body + ("?" if "" in node else "")

    return emit(root)


# Street words, box words and Japanese block words; compound suffixes at a word's end ("...straße"). Both
# are matched against the lower-cased text: case-insensitive matching is four times slower.
_SUFFIXES = tuple(s.replace("\\.", "") for s in COMPOUND_SUFFIXES)
STREET_WORD = re.compile(
    r"(?<![\w@#-])(?P<word>" + trie_regex(KNOWN | SPECIAL) + r")(?:\.|(?![\w'’]))"
    r"|(?P<suffix>" + trie_regex(s.replace("\\.", ".") for s in COMPOUND_SUFFIXES) + r")(?![\w'’-])"
)
# Numbers, with what lies between them when that is short: where street words are looked for.
NUMBER_CLUSTER = re.compile(r"\d(?:\D{0,128}\d)*")

WINDOW_BEFORE, WINDOW_AFTER = 64, 64  # characters around a number where its street word can be


# A house number as NUM with NUM_START, written to start with a digit: the regex engine skips to digits quickly.
HOUSE_NUMBER = r"\d(?<![\w.,:$€£¥#+&/-]\d)\d{0,4}[A-Za-z]?(?:[/-](?:\d{1,5}[A-Za-z]?|[A-Za-z](?!\w)))?"
_NUMBER_BEFORE = re.compile(rf"({HOUSE_NUMBER})(?:[ \t]+(?:bis|ter|quater)\b)?,?[ \t]+")
_NAME_THEN_NUMBER = re.compile(
    rf"\.?[ \t]*((?:(?:{WORD})[ \t]+){{0,5}}?(?:{WORD}))\.?,?[ \t]+"
    r"(?:(?:n[º°o]\.?|nr\.?|no\.?:?|núm\.?|num\.?|n\.|№|Nr\.?|No:)[ \t]*)?"
    rf"({NUM})(?![\w]|[.,:]\d)"
)
_SECTOR = re.compile(r"[ \t]+\d{1,3}[A-Z]?(?![\w])")
_NAME_AFTER = re.compile(rf"\.?[ \t]+((?:(?:{WORD})[ \t]+){{0,5}}(?:{WORD}))")
_NUMBER_AFTER = re.compile(rf"\.?,?[ \t]+(?:(?:Nr\.?|No[.:]?|n[º°o]\.?)[ \t]*)?({NUM})(?![\w]|[.,:]\d)")
_DIRECTION = re.compile(
    r"\.?(?:[ \t]+(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West|Ouest|Est|Nord|Sud)\b\.?|,?[ \t]+[NS]\.[EW]\.)?"
)
# A street name without a type word, then the number, a postcode and a city: "Údolní 129, 094 20 Brno".
_BARE_NUMBER = re.compile(
    rf"{HOUSE_NUMBER}(?:-[IVX]{{1,4}})?"
    rf"(?:,[ \t]*(?:\n[ \t]*)?|[ \t]*\n[ \t]*)(?={PC_LABEL}(?P<postcode>{POSTCODE})[ \t]+[^\W\d_a-z])"
)
HUNGARIAN = frozenset({"utca", "u.", "út", "tér", "körút", "köz", "krt", "sétány", "rakpart"})
_NAME_BEFORE = re.compile(rf"(?:(?:{WORD})[ \t]+){{1,3}}\Z")
_BARE_NAME = re.compile(rf"(?<![\w-])(?:(?:{WORD})[ \t]+){{1,4}}\Z")
# Lower-case words inside a street name ("Unter den Linden", "Rua da Prata"), not "an", "in", "to".
NAME_PARTICLES = frozenset(
    {"de", "del", "della", "di", "da", "do", "dos", "das", "du", "des", "la", "le", "van", "von", "der", "den"}
)
YEAR = re.compile(r"(?:19|20)\d\d")


class StreetAddressRecognizer(CandidateRecognizer):
    """Street lines, boxes and military addresses with what follows them (see the module docstring)."""

    ENTITY = ENTITY
    CANDIDATE = STREET_WORD
    CONTEXT = CUES
    CONTEXT_WINDOW = 48

    def hits(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        anchors = _anchors(text)
        bare, spans = list(_bare_streets(text)), japanese(text, anchors)
        if not anchors and not spans and not bare:
            return  # no street word near a number, no "N, postcode", no block: the cheap exit
        spans += [span for anchor in anchors for span in _lines_around(text, anchor)]
        spans += boxes(text, [a for a in anchors if a.key in SPECIAL])
        # A street word is better evidence of where an address starts than a run of capitalized words.
        for start, end, score in _longest_first(spans, bare):
            yield self.ENTITY, start, end, score


def _windows(text: str) -> Iterator[tuple[int, int]]:
    """Stretches of text around numbers: every address has a number near its street word."""
    for cluster in NUMBER_CLUSTER.finditer(text):
        start, end = max(0, cluster.start() - WINDOW_BEFORE), cluster.end() + WINDOW_AFTER
        while end < len(text) and text[end].isalnum():
            end += 1  # never cut a word: "Streets" is no "Street"
        yield start, min(end, len(text))


def _anchors(text: str) -> list[Anchor]:
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer ("İ"): offsets would shift
        lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    anchors: list[Anchor] = []
    for start, end in _windows(lowered):
        for match in STREET_WORD.finditer(lowered, start, end):
            if match["word"]:
                anchors.append(Anchor(match.start(), match.end(), text[match.start() : match.end()]))
                continue
            word_start = match.start()
            while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "-"):
                word_start -= 1
            if match.start() - word_start >= 3 and text[word_start - 1 : word_start] not in ("@", "#"):
                anchors.append(Anchor(word_start, match.end(), text[word_start : match.end()]))
    return anchors


def _bare_streets(text: str) -> Iterator[Hit]:
    """A capitalized name, a number, a comma, then a postcode and a city (not a year: "Windows 10, 2019 ...")."""
    for number in _BARE_NUMBER.finditer(text):
        if YEAR.fullmatch(number["postcode"]):
            continue
        name = _BARE_NAME.search(text, max(0, number.start() - 48), number.start())
        words = list(re.finditer(r"\S+", name.group())) if name else []
        for i in range(len(words) - 1, -1, -1):
            if not (words[i].group()[0].isupper() or words[i].group() in NAME_PARTICLES):
                words = words[i + 1 :]
                break
        while words and not words[0].group()[0].isupper():
            words.pop(0)
        names = [w.group() for w in words]
        if name and names and _street_name(names, after_number=False) and names[0].lower() not in ORDINARY_WORDS:
            end = number.start() + len(re.match(NUM, text[number.start() :]).group())  # type: ignore[union-attr]
            start, end, score = extend(text, name.start() + words[0].start(), end, WEAK)
            yield start, end, min(score, STRONG)


def _lines_around(text: str, anchor: Anchor) -> Iterator[Hit]:
    """The street lines a street word can be part of, extended to the whole address."""
    for line in _street_lines(text, anchor, anchor.key):
        yield extend(text, *line)


def _street_lines(text: str, anchor: Anchor, key: str) -> Iterator[Hit]:
    """The street lines a street word can be part of, each as (start, end, score)."""
    if key in AFTER_NAME:
        yield from _number_name_type(text, anchor)
    if key in BEFORE_NAME_NUMBER_FIRST:
        yield from _number_type_name(text, anchor)
    if key in TYPE_FIRST:
        yield from _type_name_number(text, anchor, anchor.word[0].isupper() or key in TYPE_FIRST_ANY_CASE)
    if key in WORD_AFTER_NAME or (key not in NOT_COMPOUND and _is_compound(key)):
        yield from _name_type_number(text, anchor, key in WORD_AFTER_NAME)


def _is_compound(key: str) -> bool:
    return len(key) > 4 and key.endswith(_SUFFIXES)


def _number_name_type(text: str, anchor: Anchor) -> Iterator[Hit]:
    """'221B Baker Street': the nearest house number before the name words."""
    window_start = max(0, anchor.start - 60)
    numbers = list(_NUMBER_BEFORE.finditer(text, window_start, anchor.start))
    for number in reversed(numbers):
        words = text[number.end() : anchor.start].split()
        if "\n" in text[number.start() : anchor.start] or not _street_name(words, after_number=True):
            continue
        if number.group(1).startswith("0"):
            return  # house numbers have no leading zero: "281 / 02 Microwave St..." is a product
        if _not_a_house_number(text, number.start()):
            return
        end = _DIRECTION.match(text, anchor.end)
        capitals = all(w[0].isupper() or w[0].isdigit() or w.lower() in CONNECTORS for w in words)
        yield number.start(), end.end() if end else anchor.end, STRONG if capitals else WEAK
        return


def _number_type_name(text: str, anchor: Anchor) -> Iterator[Hit]:
    """'12 rue de la Paix': a house number right before the type, a name after it."""
    before = text[max(0, anchor.start - 24) : anchor.start]
    number = re.search(rf"{NUM_START}{NUM}(?:[ \t]*(?:bis|ter|quater)\b)?,?[ \t]+\Z", before)
    name = _NAME_AFTER.match(text, anchor.end)
    if number is None or name is None:
        return
    start = anchor.start - len(before) + number.start()
    words = _name_words(name.group(1).split())
    if not words or _not_a_house_number(text, start):
        return
    yield start, name.start(1) + len(" ".join(words)), STRONG


def _type_name_number(text: str, anchor: Anchor, capital: bool) -> Iterator[Hit]:
    """'Via Roma 15', 'Calle Mayor 5', 'ul. Marszałkowska 84/92': type, name, then the number."""
    if anchor.word.lower() == "sector":  # Indian "Sector 15, Noida 201301": reported with a postcode after it
        sector = _SECTOR.match(text, anchor.end)
        yield from [(anchor.start, sector.end(), WEAK)] if sector else []
        return
    found = _NAME_THEN_NUMBER.match(text, anchor.end)
    if found is None or "\n" in found.group() or not AFTER_NUMBER_OK.match(text, found.end()):
        return
    words = found.group(1).split()
    if not _street_name(words, after_number=False):
        return
    yield anchor.start, found.end(), STRONG if capital else WEAK


def _name_type_number(text: str, anchor: Anchor, separate: bool) -> Iterator[Hit]:
    """'Hauptstraße 12', 'Kärntner Straße 5', 'Váci utca 12': name (and type), then the number."""
    number = _NUMBER_AFTER.match(text, anchor.end)
    if number is None or not AFTER_NUMBER_OK.match(text, number.end()):
        return
    start = anchor.start
    if separate:  # the capitalized words right before the type: "Lieferung an Kärntner Straße 5" -> "Kärntner"
        window = max(0, start - 48)
        name = _NAME_BEFORE.search(text, window, start)
        words = list(re.finditer(r"\S+", name.group())) if name else []
        run = list(itertools.takewhile(lambda w: w.group()[0].isupper(), reversed(words)))
        if name is None or not run:
            return
        start = name.start() + run[-1].start()
    elif not anchor.word[0].isupper():
        return
    end = number.end()
    if anchor.key in HUNGARIAN and text[end : end + 1] == ".":
        end += 1  # Hungarian writes the house number with a dot: "Andrássy út 63."
    yield start, end, STRONG


def _street_name(words: list[str], after_number: bool) -> bool:
    """Words that can name a street: capitalized or ordinal, not a month after a number ('12 May Road')."""
    if not words or len(words) > 5:
        return False
    names = [w for w in words if not (w.islower() and w.strip(".,") in CONNECTORS)]
    if not names or names[-1] != words[-1]:
        return False
    if any(w.lower().strip(".,") in ORDINARY_WORDS for w in names):
        return False
    if after_number and words[0].lower() in COUNTED:
        return False  # "5 Things Wall Street Got Wrong"
    if after_number and words[0].islower() and words[0] in CONNECTORS:
        return False  # "19, of Eclipse Avenue": an age, then where
    if after_number and len(names) == 1 and names[0].lower().strip(".") in MONTHS_AND_DAYS:
        return False
    lower = [w for w in names if not (w[0].isupper() or w[0].isdigit())]
    return not lower or len(lower) == len(names)


def _name_words(words: list[str]) -> list[str]:
    """The name after a French-style type: particles and capitalized words, at least one of them."""
    kept: list[str] = []
    for word in words:
        if (
            word[0].isupper()
            or word[0].isdigit()
            or word.lower() in CONNECTORS
            or word.lower().startswith(("d'", "l'", "d’", "l’"))
        ):
            kept.append(word)
        else:
            break
    while kept and not (kept[-1][0].isupper() or kept[-1][0].isdigit() or kept[-1][2:3].isupper()):
        kept.pop()
    if kept and kept[0].lower() in {"of", "the", "on", "to", "and"}:
        return []
    return kept if any(w[0].isupper() or w[2:3].isupper() for w in kept) else []


def _not_a_house_number(text: str, start: int) -> bool:
    return bool(NOT_A_HOUSE_NUMBER.search(text, max(0, start - 16), start))


def _longest_first(spans: list[Hit], fallback: list[Hit]) -> list[Hit]:
    """Disjoint spans: of overlapping candidates (two street words in one address) the longest, and
    ``fallback`` spans only where no span overlaps them. Kept spans are disjoint, so sorted by start
    they are sorted by end too: a candidate is checked against its two neighbours only (a hostile
    prompt can hold thousands of addresses)."""
    starts: list[int] = []
    kept: list[Hit] = []
    for group in (spans, fallback):
        for span in sorted(group, key=lambda s: (-(s[1] - s[0]), -s[2])):
            i = bisect.bisect_left(starts, span[0])
            if (i < len(kept) and kept[i][0] < span[1]) or (i > 0 and kept[i - 1][1] > span[0]):
                continue
            starts.insert(i, span[0])
            kept.insert(i, span)
    return kept
