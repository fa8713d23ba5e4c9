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

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from detectors.pii_address_lexicon import (
    AFTER_NAME,
    BEFORE_NAME_NUMBER_FIRST,
    COMPOUND_SUFFIXES,
    CONNECTORS,
    COUNTRIES,
    CUES,
    MONTHS_AND_DAYS,
    NOT_A_HOUSE_NUMBER,
    NOT_COMPOUND,
    ORDINARY_WORDS,
    POSTCODE,
    SPECIAL,
    TYPE_FIRST,
    WORD_AFTER_NAME,
)
from detectors.pii_recognizers import CandidateRecognizer, Hit

ENTITY = "STREET_ADDRESS"
STRONG, WEAK, WITH_POSTCODE = 0.6, 0.35, 0.85

NUM = r"\d{1,5}[A-Za-z]?(?:[/-]\d{1,5}[A-Za-z]?)?"
NUM_START = r"(?<![\w.,:$€£¥#+&/-])"
WORD = r"[^\W\d_][\w'’.-]*|\d{1,3}(?:st|nd|rd|th|e|er|ème|º|ª)"
_KNOWN = frozenset({*AFTER_NAME, *BEFORE_NAME_NUMBER_FIRST, *TYPE_FIRST, *WORD_AFTER_NAME})


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
    r"(?<![\w@#-])(?P<word>" + trie_regex(_KNOWN | SPECIAL) + r")(?:\.|(?![\w'’]))"
    r"|(?P<suffix>" + trie_regex(s.replace("\\.", ".") for s in COMPOUND_SUFFIXES) + r")(?![\w'’-])"
)
# Numbers, with what lies between them when that is short: where street words are looked for.
NUMBER_CLUSTER = re.compile(r"\d(?:\D{0,128}\d)*")
_DASHED_BLOCK = re.compile(r"\d{1,2}-\d{1,2}-\d{1,3}(?![\w-])")  # "3-1-1 Kasumigaseki"
WINDOW_BEFORE, WINDOW_AFTER = 64, 64  # characters around a number where its street word can be


class Anchor(NamedTuple):
    """A street word (or a box or block word) found in the text."""

    start: int
    end: int
    word: str

    @property
    def key(self) -> str:
        raw = self.word.lower()
        return raw if raw in _KNOWN else raw.rstrip(".")  # "u." is Hungarian for utca, "u" alone is not


_NUMBER_BEFORE = re.compile(rf"{NUM_START}({NUM})(?:[ \t]+(?:bis|ter|quater)\b)?,?[ \t]+")
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
_BOX = re.compile(
    r"(?i:(?P<strong>p\.?\s?o\.?\s?box|post\soffice\sbox|gpo\sbox|locked\sbag|postfach|postbus|postboks"
    r"|apartado(?:\sde\scorreos)?|caixa\spostal|casella\spostale|skrytka\spocztowa|bo[iî]te\spostale|postilokero)"
    r"|(?P<weak>box|pob|bp|b\.p\.|apdo\.?|pl))[ \t]*(?:no\.?[ \t]*)?(\d{1,6}(?:[ \t]\d{2}){0,3})(?![\w]|[.,:]\d)"
)
_MILITARY = re.compile(
    r"(?:(?:USS|USNS|USCGC)[ \t]+[A-Z][\w-]*(?:[ \t][A-Z][\w-]*){0,3},?[ \t]+)?"
    r"(?:(?:PSC|CMR|UNIT|Unit)[ \t]+\d{1,5},?[ \t\n]+)?(?:(?:Box|BOX)[ \t]+\d{1,5},?[ \t\n]+)?"
    r"(?:APO|FPO|DPO)[ \t]+(?:AE|AP|AA)[ \t]+\d{5}(?:-\d{4})?"
)
_JAPANESE = re.compile(
    r"(?<![\w-])(?:\d{1,2}[-‐ ]?ch[oōô]me[-‐ ,]*\d{1,3}(?:[-‐]\d{1,3})?|\d{1,2}-\d{1,2}-\d{1,3})(?![\w-])"
    r",?[ \t]+[A-Z][a-zōū]+(?:-(?:ku|shi|cho|chō|machi|gun))?"
    r"|(?<![\w-])[A-Z][a-zōū]+,?[ \t]+\d{1,2}(?:[-‐ ]?ch[oōô]me)?[-‐ ]\d{1,3}(?:[-‐]\d{1,3})?(?![\w-])",
    re.IGNORECASE,
)
# Japanese in its own script, largest unit first: "〒150-0001 東京都渋谷区神宮前4-5-29", "…丸の内1丁目9番1号".
_KANJI = re.compile(
    r"(?:〒[ \t]?\d{3}-\d{4}[ \t\n]*)?[\u3040-\u30ff\u4e00-\u9fff]{2,}"
    r"(?:[0-9０-９]{1,4}(?:丁目|番地?|号|[-－−‐]))+[0-9０-９]{0,4}号?"
)
_CHOME = re.compile(r"ch[oōô]me", re.IGNORECASE)
_JAPANESE_CUE = re.compile(r"ch[oōô]me|-ku\b|-shi\b|\b(?:Tokyo|Osaka|Kyoto|Yokohama|Nagoya|Japan|Ward)\b|〒")
_CITY_WORD = r"(?:(?:St|Ste|Mt|Ft)\.|[^\W\d_a-z][\w'’-]*(?:/[^\W\d_a-z][\w'’-]*)?)"
_CITY = rf"(?:{_CITY_WORD})(?:[ \t]+(?:(?:am|an|der|de|del|di|la|le|sur|upon|on|im|bei)[ \t]+)?(?:{_CITY_WORD})){{0,3}}"
_STATE = r"[A-Z]{2,3}|[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?"
_SIDE = r"izq(?:da)?\.?|dcha?\.?|Esq\.?|Dto\.?|Dir\.?"  # the door's side in Spanish and Portuguese
# Flat, floor, staircase, door: "Apt 4B", "Int. 4", "lgh 1102", "/Top 9", "bloco B", "ap. 71".
_UNIT_WORD = (
    r"(?i:apt|apartment|suite|ste|unit|flat|fl|floor|room|rm|bldg|building|wohnung|whg|app|appt|apto|ap|bte|bus|lok"
    r"|m|piso|esc|puerta|pta|porta|int|interior|scala|sc|étage|etage|stiege|stg|tür|top|bloco|bl|sala|cj|dpto|depto"
    r"|lgh|as|asunto|em|level|lvl|boîte|dept|department|mail stop|ms|c/o)"
)
_UNIT = (
    rf"(?:{_UNIT_WORD}\.?[ \t]*(?:no\.?[ \t]*)?(?=[\w-]{{0,4}}\d|[A-Z]\b)[\w-]{{1,5}}|#[ \t]?[\w-]{{1,5}}"
    rf"|\d{{1,2}}[ \t]*[º°ª]\.?(?:[ \t]*(?:[A-Z]|\d{{1,2}}[ \t]*[ºª]?|{_SIDE}))?)(?![\w])"
)
# After the number, only a break, punctuation or another address part may follow: "via Slack 2 days ago" stops.
_AFTER_NUMBER_OK = re.compile(
    r"\s*(?:$|\n|[,;:)!?»\"”’'\]]|\.(?!\d)|[-–][ \t]|(?:in|a|à|w|im|i|te|på|en|and|und|et|y|e|ve)\b|[A-ZÀ-ÖØ-ÞΑ-Ω])"
    rf"|[ \t]*/?{_UNIT}"
)
# Units on the street line itself: "Hauptstr. 5/Top 9", "Kauppakatu 93 B 22", "Lange Voorhout 699-II".
_SAME_LINE_UNIT = re.compile(
    rf"(?:,?[ \t]*|/){_UNIT}|[ \t]+[A-Z][ \t]?\d{{1,3}}(?![\w])|-[IVX]{{1,4}}(?![\w])|\.(?=[ \t]*\d{{1,2}}\.[ \t]*em\.)"
    r"|[ \t]*\d{1,2}\.[ \t]*em\.[ \t]*\d{1,3}\.?"
)
# What may stand before the street line: a unit on its line ("Flat 2, 15 ...", "Unit 5/12 ..."), or the
# postcode and city first ("1052 Budapest, Váci utca 12"; "7647 Pécs" on the line above).
_BEFORE_LINE = re.compile(
    r"(?i:(?<![\w])(?:(?:Apt|Apartment|Flat|Unit|Suite|Ste|Room|Level|Floor|Shop|Office|Plot|House|H|Door|No|Sector"
    r"|Block|Phase)\.?"
    r"(?:(?:[ \t]*No\.?)?[ \t]*(?=[\w-]{0,4}\d|[A-Z]\b)[\w-]{1,5},?)?[ \t]+|\d[\w-]{0,3}/)\Z)"
    rf"|(?<![\w-]){POSTCODE}[ \t]+{_CITY_WORD}(?:,[ \t]*|[ \t]*\n[ \t]*)\Z",
)
_NOT_COUNTRY = rf"(?!(?:{COUNTRIES})[ \t]*(?:$|[,\n.;)]))"
_SEPARATOR = r"(?:,[ \t]*(?:\n[ \t]*)?|[ \t]*\n[ \t]*|[ \t]+[-–][ \t]+)"
_TAIL_PART = re.compile(
    _SEPARATOR + r"(?:"
    rf"(?P<unit>{_UNIT})"
    rf"|(?P<pc_city>{POSTCODE}[ \t]+{_NOT_COUNTRY}{_CITY}(?:[ \t]+\([A-Z]{{2}}\))?)"
    rf"|(?P<city_pc>{_NOT_COUNTRY}{_CITY},?[ \t]+(?:(?:{_STATE}),?[ \t]+)?{POSTCODE})"
    rf"|(?P<state_pc>(?:{_STATE})[ \t]+{POSTCODE})"
    rf"|(?P<country>(?:{COUNTRIES}))(?=[ \t]*(?:$|[,\n.;)]))"
    rf"|(?P<code>{POSTCODE}(?=[ \t]*(?:$|[,\n.;)]))|[A-Z]{{2,4}}(?![\w]))"
    rf"|(?P<district>(?:Col|Colonia|Bairro|Barrio)\.?[ \t]+{_CITY})"
    rf"|(?P<city>{_CITY})(?=[ \t]*(?:$|[,\n.;)]|[-–][ \t])|[ \t]+[a-z])"
    r")",
    re.MULTILINE,
)
# A street name without a type word, then the number, a postcode and a city: "Údolní 129, 094 20 Brno".
_BARE_NUMBER = re.compile(  # starts with a digit, so the regex engine skips to digits quickly
    r"\d(?<![\w.,:$€£¥#+&/-]\d)\d{0,4}[A-Za-z]?(?:[/-]\d{1,5}[A-Za-z]?)?(?:-[IVX]{1,4})?"
    rf"(?:,[ \t]*(?:\n[ \t]*)?|[ \t]*\n[ \t]*)(?=(?P<postcode>{POSTCODE})[ \t]+[^\W\d_a-z])"
)
_NAME_BEFORE = re.compile(rf"(?:(?:{WORD})[ \t]+){{1,3}}\Z")
_BARE_NAME = re.compile(rf"(?<![\w-])(?:(?:{WORD})[ \t]+){{1,4}}\Z")
# Lower-case words inside a street name ("Unter den Linden", "Rua da Prata"), not "an", "in", "to".
NAME_PARTICLES = frozenset({"de", "del", "della", "di", "da", "do", "dos", "das", "du", "des", "la", "le", "van", "von",
                            "der", "den"})  # fmt: skip
YEAR = re.compile(r"(?:19|20)\d\d")


class StreetAddressRecognizer(CandidateRecognizer):
    """Street lines, boxes and military addresses with what follows them (see the module docstring)."""

    ENTITY = ENTITY
    CANDIDATE = STREET_WORD
    CONTEXT = CUES
    CONTEXT_WINDOW = 48

    def hits(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        anchors = _anchors(text)
        bare, spans = list(_bare_streets(text)), _japanese(text, anchors)
        if not anchors and not spans and not bare:
            return  # no street word near a number, no "N, postcode", no block: the cheap exit
        spans += [span for anchor in anchors for span in _lines_around(text, anchor)]
        spans += _boxes(text, [a for a in anchors if a.key in SPECIAL])
        # A street word is better evidence of where an address starts than a run of capitalized words.
        spans += [b for b in bare if not any(b[0] < s[1] and s[0] < b[1] for s in spans)]
        for start, end, score in _longest_first(spans):
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
            start, end, score = _extend(text, name.start() + words[0].start(), end, WEAK)
            yield start, end, min(score, STRONG)


def _boxes(text: str, anchors: list[Anchor]) -> list[Hit]:
    """Post office boxes and military addresses, looked for around their words only."""
    spans: list[Hit] = []
    for anchor in anchors:
        if anchor.key in ("apo", "fpo", "dpo"):
            around = _MILITARY.finditer(text, max(0, anchor.start - 80), anchor.end + 24)
            spans += [(m.start(), m.end(), WITH_POSTCODE) for m in around]
        for match in _BOX.finditer(text, max(0, anchor.start - 24), anchor.end + 40):
            spans.append(_extend(text, match.start(), match.end(), STRONG if match["strong"] else WEAK))
    return spans


def _japanese(text: str, anchors: list[Anchor]) -> list[Hit]:
    """Japanese blocks in Latin letters near "chōme" or a dashed block number, and in Japanese script."""
    spans: list[Hit] = []
    places = [m.start() for m in _DASHED_BLOCK.finditer(text)]
    if "ch" in text and "me" in text:
        places += [m.start() for m in _CHOME.finditer(text)]
    for place in places:
        for match in _JAPANESE.finditer(text, max(0, place - 32), place + 48):
            if _JAPANESE_CUE.search(text, match.start(), match.end() + 60):
                spans.append(_extend(text, match.start(), match.end(), STRONG))
    if "〒" in text or "丁目" in text or "番" in text:
        spans += [
            (m.start(), m.end(), WITH_POSTCODE if m.group()[0] == "〒" else STRONG) for m in _KANJI.finditer(text)
        ]
    return spans


def _lines_around(text: str, anchor: Anchor) -> Iterator[Hit]:
    """The street lines a street word can be part of, extended to the whole address."""
    for line in _street_lines(text, anchor, anchor.key):
        yield _extend(text, *line)


def _street_lines(text: str, anchor: Anchor, key: str) -> Iterator[Hit]:
    """The street lines a street word can be part of, each as (start, end, score)."""
    if key in AFTER_NAME:
        yield from _number_name_type(text, anchor)
    if key in BEFORE_NAME_NUMBER_FIRST:
        yield from _number_type_name(text, anchor)
    if key in TYPE_FIRST:
        yield from _type_name_number(text, anchor, anchor.word[0].isupper())
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
    if found is None or "\n" in found.group() or not _AFTER_NUMBER_OK.match(text, found.end()):
        return
    words = found.group(1).split()
    if not _street_name(words, after_number=False):
        return
    yield anchor.start, found.end(), STRONG if capital else WEAK


def _name_type_number(text: str, anchor: Anchor, separate: bool) -> Iterator[Hit]:
    """'Hauptstraße 12', 'Kärntner Straße 5', 'Váci utca 12': name (and type), then the number."""
    number = _NUMBER_AFTER.match(text, anchor.end)
    if number is None or not _AFTER_NUMBER_OK.match(text, number.end()):
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
    yield start, number.end(), STRONG


def _street_name(words: list[str], after_number: bool) -> bool:
    """Words that can name a street: capitalized or ordinal, not a month after a number ('12 May Road')."""
    if not words or len(words) > 5:
        return False
    names = [w for w in words if not (w.islower() and w.strip(".,") in CONNECTORS)]
    if not names or names[-1] != words[-1]:
        return False
    if any(w.lower().strip(".,") in ORDINARY_WORDS for w in names):
        return False
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


def _extend(text: str, start: int, end: int, score: float) -> Hit:
    """The street line with a unit or a "postcode city," before it (Hungarian order) and units,
    postcode, city and state after it; a country name ends the span before it (see the docstring)."""
    for _ in range(3):
        before = _BEFORE_LINE.search(text, max(0, start - 48), start)
        if before is None:
            break
        start = before.start()
    for _ in range(4):
        unit = _SAME_LINE_UNIT.match(text, end)
        if unit is None:
            break
        end = unit.end()
    for _ in range(6):
        part = _TAIL_PART.match(text, end)
        if part is None or part["country"] or (part["city"] and part["city"].split()[0].lower() in ORDINARY_WORDS):
            break
        if part["code"] and part["code"].isalpha() and "\n" in part.group():
            break  # a state code stands on the city's line, not alone on the next one
        end = part.end()
        if part["pc_city"] or part["city_pc"] or part["state_pc"]:
            score = max(score, WITH_POSTCODE)
    while end > start and text[end - 1] in "'’\"":
        end -= 1  # a closing quote after the name: "'12 rue de la Paix'"
    return start, end, score


def _longest_first(spans: list[Hit]) -> list[Hit]:
    """Overlapping candidates (two street words in one address) become the longest one."""
    kept: list[Hit] = []
    for span in sorted(spans, key=lambda s: (-(s[1] - s[0]), -s[2])):
        if not any(span[0] < k[1] and k[0] < span[1] for k in kept):
            kept.append(span)
    return sorted(kept)
