"""What stands around a street line: units, postcode, city and state; and the addresses that have no
street line (post office boxes, US military addresses, Japanese blocks). See ``pii_address``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from detectors.pii.address_lexicon import (
    AFTER_NAME,
    BEFORE_NAME_NUMBER_FIRST,
    COUNTRIES,
    ORDINARY_WORDS,
    POSTCODE,
    TYPE_FIRST,
    WORD_AFTER_NAME,
    words,
)
from detectors.pii.recognizers import Hit

STRONG, WEAK, WITH_POSTCODE = 0.6, 0.35, 0.85
KNOWN = frozenset({*AFTER_NAME, *BEFORE_NAME_NUMBER_FIRST, *TYPE_FIRST, *WORD_AFTER_NAME})
DASHED_BLOCK = re.compile(r"\d{1,2}-\d{1,2}-\d{1,3}(?![\w-])")  # "3-1-1 Kasumigaseki"


class Anchor(NamedTuple):
    """A street word (or a box or block word) found in the text."""

    start: int
    end: int
    word: str

    @property
    def key(self) -> str:
        raw = self.word.lower()
        return raw if raw in KNOWN else raw.rstrip(".")  # "u." is Hungarian for utca, "u" alone is not


_BOX = re.compile(
    r"(?i:(?P<strong>p\.?\s?o\.?\s?box|post\soffice\sbox|gpo\sbox|locked\sbag|postfach|postbus|postboks"
    r"|apartado(?:\s(?:de\scorreos|postal))?|casilla(?:\sde\scorreos?)?|private\smail\sbag|p\.m\.b\.|caixa\spostal|casella\spostale|skrytka\spocztowa|bo[iî]te\spostale|postilokero)"
    r"|(?P<weak>box|pob|bp|b\.p\.|apdo\.?|pl))[ \t]*(?:no\.?[ \t]*)?(\d{1,6}(?:[ \t]\d{2}){0,3})(?![\w]|[.,:]\d)"
)
_MILITARY = re.compile(
    r"(?:(?:USS|USNS|USCGC)[ \t]+[A-Z][\w-]*(?:[ \t][A-Z][\w-]*){0,3},?[ \t]+)?"
    r"(?:(?:PSC|CMR|UNIT|Unit)[ \t]+\d{1,5},?[ \t\n]+)?(?:(?:Box|BOX)[ \t]+\d{1,5},?[ \t\n]+)?"
    r"(?:APO|FPO|DPO)[ \t]+(?:AE|AP|AA)[ \t]+\d{5}(?:-\d{4})?"
)
_JAPANESE = re.compile(
    r"(?<![\w-])(?:\d{1,2}[-‐ ]?ch[oōô]me[-‐ ,]*\d{1,3}(?:[-‐]\d{1,3})?|\d{1,2}-\d{1,2}-\d{1,3})(?![\w-])"
    r",?[ \t]+[A-Z][a-zōū]+(?:-[a-zōū]+){0,2}"  # "Marunouchi", "Nishi-Shinjuku", "Chiyoda-ku"
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
UNIT_WORDS = words(
    "apt apartment suite ste unit flat fl floor room rm bldg building wohnung whg app appt apto ap bte bus lok "
    "m piso esc puerta pta porta int interior scala sc étage etage stiege stg tür top bloco bl sala cj dpto depto "
    "lgh as asunto em level lvl boîte dept department mail_stop ms c/o conj casa sl"
)
_UNIT_WORD = "(?i:" + "|".join(word.replace("_", " ") for word in UNIT_WORDS) + ")"
_UNIT = (
    rf"(?:{_UNIT_WORD}\.?[ \t]*(?:no\.?[ \t]*)?(?=[\w-]{{0,4}}\d|[A-Z]\b)[\w-]{{1,5}}|#[ \t]?[\w-]{{1,5}}"
    rf"|\d{{1,2}}[ \t]*[º°ª]\.?(?:[ \t]*(?:[A-Z]|\d{{1,2}}[ \t]*[ºª]?|{_SIDE}))?)(?![\w])"
)
# After the number, only a break, punctuation or another address part may follow: "via Slack 2 days ago" stops.
AFTER_NUMBER_OK = re.compile(
    r"\s*(?:$|\n|[,;:)!?»\"”’'\]]|\.(?!\d)|[-–][ \t]|(?:in|a|à|w|im|i|te|på|en|and|und|et|y|e|ve)\b|[A-ZÀ-ÖØ-ÞΑ-Ω])"
    rf"|[ \t]*/?{_UNIT}"
)
# Units on the street line itself: "Hauptstr. 5/Top 9", "Kauppakatu 93 B 22", "Lange Voorhout 699-II".
_SAME_LINE_UNIT = re.compile(
    rf"(?:,?[ \t]*|/){_UNIT}|[ \t]+[A-Z][ \t]?\d{{1,3}}(?![\w])|-[IVX]{{1,4}}(?![\w])|\.(?=[ \t]*\d{{1,2}}\.[ \t]*em\.)"
    r"|[ \t]*\d{1,2}\.[ \t]*em\.[ \t]*\d{1,3}\.?"
)
# What may stand before the street line: a unit on its line ("Flat 2, 15 ...", "Unit 5/12 ...").
_UNIT_BEFORE = re.compile(
    r"(?i:(?<![\w])(?:(?:Apt|Apartment|Flat|Unit|Suite|Ste|Room|Level|Floor|Shop|Office|Plot|House|H|Door|No|Sector"
    r"|Block|Phase)\.?"
    r"(?:(?:[ \t]*No\.?)?[ \t]*(?=[\w-]{0,4}\d|[A-Z]\b)[\w-]{1,5},?)?[ \t]+|\d[\w-]{0,3}/)\Z)"
)
# Or postcode and city first, when none follows ("1052 Budapest, Váci utca 12"; "7647 Pécs" on the line above).
_PLACE_BEFORE = re.compile(rf"(?<![\w-]){POSTCODE}[ \t]+{_CITY_WORD}(?:,[ \t]*|[ \t]*\n[ \t]*)\Z")
_NOT_COUNTRY = rf"(?!(?:{COUNTRIES})[ \t]*(?:$|[,\n.;)]))"
_SEPARATOR = r"(?:,[ \t]*(?:\n[ \t]*)?|[ \t]*\n[ \t]*|[ \t]+[-–][ \t]+)"
# A word for "postcode" written before it: "C.P. 06600", "CEP 01310-200", "PLZ 10115", Greek "T.K. 105 57".
PC_LABEL = r"(?:(?:C\.P\.|CP|CEP|CAP|PLZ|NPA|T\.K\.|Τ\.Κ\.|ΤΚ)[ \t]*)?"
_TAIL_PART = re.compile(
    _SEPARATOR + r"(?:"
    rf"(?P<unit>{_UNIT})"
    rf"|(?P<pc_city>{PC_LABEL}{POSTCODE}[ \t]+{_NOT_COUNTRY}{_CITY}(?:[ \t]+\([A-Z]{{2}}\))?)"
    rf"|(?P<city_pc>{_NOT_COUNTRY}{_CITY},?[ \t]+(?:(?:{_STATE}),?[ \t]+)?{POSTCODE})"
    rf"|(?P<state_pc>(?:{_STATE})[ \t]+{POSTCODE})"
    rf"|(?P<country>(?:{COUNTRIES}))(?=[ \t]*(?:$|[,\n.;)]))"
    rf"|(?P<code>{PC_LABEL}{POSTCODE}(?=[ \t]*(?:$|[,\n.;)]))|[A-Z]{{2,4}}(?![\w]))"
    rf"|(?P<district>(?:Col|Colonia|Bairro|Barrio)\.?[ \t]+{_CITY})"
    rf"|(?P<city>{_CITY})(?=[ \t]*(?:$|[,\n.;)]|[-–][ \t])|[ \t]+[a-z])"
    r")",
    re.MULTILINE,
)


def boxes(text: str, anchors: list[Anchor]) -> list[Hit]:
    """Post office boxes and military addresses, looked for around their words only."""
    spans: list[Hit] = []
    for anchor in anchors:
        if anchor.key in ("apo", "fpo", "dpo"):
            around = _MILITARY.finditer(text, max(0, anchor.start - 80), anchor.end + 24)
            spans += [(m.start(), m.end(), WITH_POSTCODE) for m in around]
        for match in _BOX.finditer(text, max(0, anchor.start - 24), anchor.end + 40):
            spans.append(extend(text, match.start(), match.end(), STRONG if match["strong"] else WEAK))
    return spans


def japanese(text: str, anchors: list[Anchor]) -> list[Hit]:
    """Japanese blocks in Latin letters near "chōme" or a dashed block number, and in Japanese script."""
    spans: list[Hit] = []
    places = [m.start() for m in DASHED_BLOCK.finditer(text)] if "-" in text else []
    if "ch" in text and "me" in text:
        places += [m.start() for m in _CHOME.finditer(text)]
    for place in places:
        for match in _JAPANESE.finditer(text, max(0, place - 32), place + 48):
            if _JAPANESE_CUE.search(text, match.start(), match.end() + 60):
                spans.append(extend(text, match.start(), match.end(), STRONG))
    if "〒" in text or "丁目" in text or "番" in text:
        spans += [
            (m.start(), m.end(), WITH_POSTCODE if m.group()[0] == "〒" else STRONG) for m in _KANJI.finditer(text)
        ]
    return spans


def extend(text: str, start: int, end: int, score: float) -> Hit:
    """The street line with units before and after it, then postcode, city and state after it, or
    a "postcode city," before it when none follows (Hungarian order); a country name ends the span
    before it (see ``pii_address``)."""
    for _ in range(3):
        before = _UNIT_BEFORE.search(text, max(0, start - 48), start)
        if before is None:
            break
        start = before.start()
    for _ in range(4):
        unit = _SAME_LINE_UNIT.match(text, end)
        if unit is None:
            break
        end = unit.end()
    end, postcode = _tail(text, end)
    if postcode:
        score = max(score, WITH_POSTCODE)
    elif place := _PLACE_BEFORE.search(text, max(0, start - 48), start):
        start, score = place.start(), max(score, WITH_POSTCODE)
    while end > start and text[end - 1] in "'’\"":
        end -= 1  # a closing quote after the name: "'12 rue de la Paix'"
    return start, end, score


def _tail(text: str, end: int) -> tuple[int, bool]:
    """Where the parts after the street line end, and whether a postcode was among them."""
    postcode = False
    for _ in range(6):
        part = _TAIL_PART.match(text, end)
        if part is None or part["country"] or (part["city"] and part["city"].split()[0].lower() in ORDINARY_WORDS):
            break
        if part["code"] and part["code"].isalpha() and "\n" in part.group():
            break  # a state code stands on the city's line, not alone on the next one
        end = part.end()
        postcode = postcode or bool(part["pc_city"] or part["city_pc"] or part["state_pc"])
    return end, postcode
