"""Presidio recognizers for structured PII: a cheap candidate regex, then a validator.

Each recognizer finds candidates with one compiled regex and decides on each in Python
(checksums, number plans, trimming trailing groups that are not part of the value), so
spans are exact and checks Presidio's ``PatternRecognizer`` can't express (a Luhn-valid
*prefix* of a digit run, an IBAN of its country's length) are possible. Phone numbers and
cards, which need number plans and issuer tables, live in ``pii_phone`` and ``pii_card``. Scores are set
relative to the default threshold 0.5: values that are PII on their own (valid cards,
IBANs, e-mails) score above it; ambiguous shapes (9 digits, a date) score below it and
only pass when ``WindowContextEnhancer`` finds a context word just before them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator, Sequence
from typing import ClassVar

from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.pii.ner import NOT_NAME_WORDS

Hit = tuple[int, int, float]  # start, end, score
ID_KEY = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY


def context_regex(words: Sequence[str]) -> re.Pattern[str]:
    """Context words as one case-insensitive regex; a word must start at a word boundary."""
    return re.compile(r"(?<![^\W_])(?:" + "|".join(words) + ")", re.IGNORECASE)


class CandidateRecognizer(LocalRecognizer):
    """Base: ``CANDIDATE`` finds spans, ``check`` validates and scores each (None = reject)."""

    ENTITY: ClassVar[str]
    CANDIDATE: ClassVar[re.Pattern[str]]
    CONTEXT: ClassVar[Sequence[str]] = ()
    CONTEXT_WINDOW: ClassVar[int] = 40  # characters before a value searched for context words
    REQUIRED_CHARS: ClassVar[str] = "0123456789"  # skip the regex when none of these is in the text

    def __init__(self, entities: Sequence[str] | None = None) -> None:
        self.context_pattern = context_regex(self.CONTEXT) if self.CONTEXT else None
        super().__init__(supported_entities=list(entities or [self.ENTITY]), context=list(self.CONTEXT))

    def load(self) -> None:
        """Nothing to load: the regexes are compiled at class creation."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if not any(ch in text for ch in self.REQUIRED_CHARS):
            return []
        return [
            RecognizerResult(kind, start, end, score, recognition_metadata={ID_KEY: self.id})
            for kind, start, end, score in self.hits(text)
            if kind in entities
        ]

    def hits(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        for match in self.CANDIDATE.finditer(text):
            if (hit := self.check(text, match)) is not None:
                yield (self.ENTITY, *hit)

    def check(self, text: str, match: re.Match[str]) -> Hit | None:
        raise NotImplementedError


def groups_of(match: re.Match[str], separators: str) -> list[tuple[int, int]]:
    """Offsets of the runs between separator characters inside a match."""
    runs = re.finditer(f"[^{re.escape(separators)}]+", match.group())
    return [(match.start() + r.start(), match.start() + r.end()) for r in runs]


def longest_valid(text: str, runs: list[tuple[int, int]], valid: Callable[[str], float | None]) -> Hit | None:
    """The longest prefix of the runs that validates: a greedy candidate may have swallowed
    a neighbouring number (an expiry date after a card, a count after a phone number)."""
    for n in range(len(runs), 0, -1):
        start, end = runs[0][0], runs[n - 1][1]
        if (score := valid(text[start:end])) is not None:
            return start, end, score
    return None


IBAN_BEFORE = re.compile(r"\b[A-Z]{2}\d{2}(?: [A-Z0-9]{4})* $")


def inside_iban(text: str, start: int) -> bool:
    """Digit groups continuing an IBAN-shaped run (one that failed its checksum) are no card or phone."""
    return IBAN_BEFORE.search(text, max(0, start - 40), start) is not None


# Country code -> IBAN length (SWIFT IBAN registry).
_IBAN_TABLE = (
    "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 EG29 ES24 "
    "FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 "
    "LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 "
    "SA24 SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20"
)
IBAN_LENGTHS = {code[:2]: int(code[2:]) for code in _IBAN_TABLE.split()}


class IbanChecksumRecognizer(CandidateRecognizer):
    ENTITY = "IBAN_CODE"
    CANDIDATE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}", re.IGNORECASE)
    CONTEXT = ("iban", "bank", "account", "transfer", "wire", "sepa")

    def hits(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        # The candidate runs on over spaced groups and words ("... 1399 9 to AT67..."), so it can
        # swallow the next IBAN: the search resumes where the IBAN found ends, not where the run did.
        at = 0
        while (match := self.CANDIDATE.search(text, at)) is not None:
            hit = self.check(text, match)
            if hit is not None:
                yield (self.ENTITY, *hit)
            at = hit[1] if hit is not None else match.start() + 1

    def check(self, text: str, match: re.Match[str]) -> Hit | None:
        value = match.group().upper()
        length = IBAN_LENGTHS.get(value[:2])
        if length is None:
            return None
        # Take exactly the country's length in alphanumerics; the regex may have run on.
        positions = [i for i, ch in enumerate(value) if ch != " "][:length]
        if len(positions) < length:
            return None
        end = match.start() + positions[-1] + 1
        if end < len(text) and text[end].isalnum():
            return None  # the run goes on without a space: a longer token, not this IBAN
        compact = value[: positions[-1] + 1].replace(" ", "")
        if int("".join(str(int(ch, 36)) for ch in compact[4:] + compact[:4])) % 97 != 1:
            return None
        return match.start(), end, 0.95


class SsnRecognizer(CandidateRecognizer):
    ENTITY = "US_SSN"
    CANDIDATE = re.compile(r"(?<![\w.-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\w-]|\.\d)")
    CONTEXT = ("ssn", "social security", "ss#", "ss no", "social sec", "taxpayer id")

    def check(self, text: str, match: re.Match[str]) -> Hit | None:
        area, sep, group, serial = match.groups()
        if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
            return None
        if len(set(area + group + serial)) == 1 or area + group + serial in ("123456789", "078051120"):
            return None  # repeated digits and famous examples are placeholders
        return match.start(), match.end(), {"-": 0.6, " ": 0.5}.get(sep, 0.3)


class NinoRecognizer(CandidateRecognizer):
    ENTITY = "UK_NINO"
    # Prefix letters D, F, I, Q, U, V never occur, O not second; BG GB KN NK NT TN ZZ are not allocated.
    CANDIDATE = re.compile(
        r"(?<![\w-])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]( ?)\d{2}\1\d{2}\1\d{2}\1[A-D](?![\w-])"
    )
    CONTEXT = ("national insurance", "nino", "ni number", "ni no", "nin", "insurance number")

    def check(self, text: str, match: re.Match[str]) -> Hit | None:
        return match.start(), match.end(), 0.6


class IpAddressRecognizer(CandidateRecognizer):
    ENTITY = "IP_ADDRESS"
    CANDIDATE = re.compile(
        r"(?<![\w.:])(?:(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)|(?=[0-9a-f]*:[0-9a-f]*:)[0-9a-f:]{3,39}(?![\w:]))",
        re.IGNORECASE,
    )
    CONTEXT = ("ip", "address", "host", "server", "client", "from", "src", "dst")
    # "version 1.2.3.4" is a version, not an address.
    VERSION_CUE = re.compile(
        r"(?:\b(?:v|ver|versi[oó]n|release|build|rev|revision)[./]?|\b(?:up|down)(?:grade|date)d? to|\brollback of"
        r"|\broll(?:ed)? back to|[-@]|^#+)\s*$",
        re.IGNORECASE | re.MULTILINE,
    )
    # "Kafka 3.7.1.2", "Kubernetes 1.29.0.1": a product name right before the number.
    PRODUCT_BEFORE = re.compile(r"([^\W\d_][\w.+-]*) $")
    # "Bump PostgreSQL from 11.9.64.72", "upgrades the React client to 4.7.97.16".
    BUMP_BEFORE = re.compile(
        r"\b(?:bump|upgrad|downgrad|updat|pinn?)(?:e|es|ed|ing|s)?\b[^\n]{0,40}\b(?:from|to) $", re.IGNORECASE
    )
    VERSION_AFTER = re.compile(r"\s*(?:style\s+)?(?:versions?|release|build)\b|\s+to\s+v?\d", re.IGNORECASE)
    REQUIRED_CHARS = ".:"

    def check(self, text: str, match: re.Match[str]) -> Hit | None:
        try:
            address = ipaddress.ip_address(match.group())
        except ValueError:
            return None
        if self.VERSION_CUE.search(text, max(0, match.start() - 16), match.start()) or self.VERSION_AFTER.match(
            text, match.end()
        ):
            return None
        product = self.PRODUCT_BEFORE.search(text, max(0, match.start() - 32), match.start())
        if (product and product.group(1).lower() in NOT_NAME_WORDS) or self.BUMP_BEFORE.search(
            text, max(0, match.start() - 64), match.start()
        ):
            return None
        return match.start(), match.end(), 0.6 if address.version == 4 else 0.7


MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)


class DobRecognizer(CandidateRecognizer):
    """A date is only a date of birth near "born", "DOB", "birth": the base score needs context."""

    ENTITY = "DATE_OF_BIRTH"
    CANDIDATE = re.compile(
        r"(?<![\w./-])(?:(?P<y1>\d{4})([-/.])(?P<m1>\d{1,2})\2(?P<d1>\d{1,2})"
        r"|(?P<a>\d{1,2})([-/.])(?P<b>\d{1,2})\6(?P<y2>\d{4}|\d{2})"
        rf"|(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?(?: of)? {MONTH},? (?P<y3>\d{{4}})"
        rf"|{MONTH} (?P<d4>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<y4>\d{{4}}))(?![\w/-]|\.\d)",
        re.IGNORECASE,
    )
    CONTEXT = ("born", "birth", "dob", "d\\.o\\.b", "birthday", "birthdate", "date of birth", "b\\. ")
    CONTEXT_WINDOW = 32

    def check(self, text: str, match: re.Match[str]) -> Hit | None:
        g = match.groupdict()
        if g["y1"]:
            plausible = 1 <= int(g["m1"]) <= 12 and 1 <= int(g["d1"]) <= 31
        elif g["a"]:
            a, b = int(g["a"]), int(g["b"])  # 05/17/1990 or 17/05/1990: one of them is the month
            plausible = 1 <= min(a, b) <= 12 and max(a, b) <= 31
        else:
            plausible = 1 <= int(g["d3"] or g["d4"]) <= 31
        return (match.start(), match.end(), 0.3) if plausible else None


class PassportNumberRecognizer(CandidateRecognizer):
    """US (9 digits, or a letter and 8 digits) and UK (9 digits, or 2 letters and 7) passports."""

    ENTITY = "US_PASSPORT"
    CANDIDATE = re.compile(r"(?<![\w-])(?:[A-Z]{1,2}\d{7,8}|\d{9})(?![\w-])")
    CONTEXT = ("passport",)
    UK_CUE = re.compile(r"\b(?:uk|u\.k\.|british|hmpo|gbr?|united kingdom)\b", re.IGNORECASE)

    def __init__(self) -> None:
        super().__init__(["US_PASSPORT", "UK_PASSPORT"])

    def hits(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        for m in self.CANDIDATE.finditer(text):
            letters = sum(ch.isalpha() for ch in m.group())
            if len(m.group()) != 9:
                continue  # 9 digits, a letter and 8 digits (US), or 2 letters and 7 digits (UK)
            uk = letters == 2 or (letters == 0 and self.UK_CUE.search(text, max(0, m.start() - 48), m.start()))
            yield ("UK_PASSPORT" if uk else "US_PASSPORT"), m.start(), m.end(), 0.2


class DriverLicenseRecognizer(CandidateRecognizer):
    ENTITY = "US_DRIVER_LICENSE"
    CANDIDATE = re.compile(
        r"(?<![\w-])(?:[A-Z]\d{3}-\d{3}-\d{2}-\d{3}-\d|[A-Z]\d{3}-\d{4}-\d{4}|\d{3} \d{3} \d{3}|[A-Z]{1,2}\d{5,12}"
        r"|\d{7,9})(?![\w-])"
    )
    CONTEXT = ("driver", "driving", "licen[cs]e", "dl", "dln", "lic\\b")

    def check(self, text: str, match: re.Match[str]) -> Hit | None:
        return match.start(), match.end(), 0.2


class MrnRecognizer(CandidateRecognizer):
    ENTITY = "MEDICAL_RECORD_NUMBER"
    CANDIDATE = re.compile(r"(?<![\w-])(?:[A-Z]{1,3}-?\d{6,10}|\d{6,10}|\d{2}-\d{6})(?![\w-])")
    CONTEXT = (
        "mrn",
        "medical record",
        "med rec",
        "patient id",
        "patient no",
        "patient number",
        "chart",
        "mr#",
        "mr no",
        "hospital number",
        "hospital no",
        "health record",
    )

    def check(self, text: str, match: re.Match[str]) -> Hit | None:
        return match.start(), match.end(), 0.2
