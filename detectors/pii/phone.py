"""Phone numbers: a phone-shaped run, then libphonenumber's number plans of many countries.

How sure a run must be depends on what is around it, as in a DLP product:

* with a "+" or "00" and a country code, a number valid in its plan is a phone on its
  own, a formatted one that is only *possible* (a plausible length) still is, and near a
  phone cue even one the plan calls too short is;
* a national number without its country code is tried against the plans of ``REGIONS``
  (about 130): with a trunk 0 ("0612 48 39 57", "071 234 56 78") a formatted one valid in
  any of them is a phone; without one ("612 34 56 78", "138 0013 8000") it must also be
  grouped as that country groups its numbers, and be the whole run;
* US-shaped numbers: valid ones as before, and formatted ones with unassigned area codes
  too ("(375) 401-2288", "375-401-2288"): in real text (the e-mails of UNER English-EWT,
  GUM, WNUT) every NXX-NXX-XXXX is a phone number, and a made-up or mistyped number in a
  prompt is still personal data;
* near a phone cue ("Mobile:", "Tel.", "Fax", "Desk:", "Telefon", "portable", "τηλ") a
  number only needs to be *possible* in one of the plans ("47-2193-04" near "phone");
* extensions ("x42", "ext. 7", "(ext. 4417)") belong to the number's span;
* full-width, Arabic-Indic and other digits, and other scripts' separators, are read as ASCII;
  labelled numbers of 2-6 digits (extensions, small countries' numbers) are in ``pii_phone_short``.

Not phones: a number right after a label (order, invoice, ref, MRN, PIN...), dates, times,
IPs, SSN shapes, decimals and coordinates, versions, money, ISBN-13, card-shaped runs, year
ranges, and without a cue thousands, ranges and ZIP+4 codes.

Numbers are never parsed from text twice: the national significant number is built from
the digits and each region's trunk prefix, only plans that have numbers of its length are
tried, and ``is_possible_number`` filters them before the costly ``is_valid_number``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import NamedTuple

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumber, PhoneNumberFormat
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.pii.phone_short import short_numbers
from detectors.pii.recognizers import CandidateRecognizer, Hit, groups_of, inside_iban, longest_valid

NATIONAL = PhoneNumberFormat.NATIONAL

# Regions whose plans national numbers are tried against (about 130: the Americas, Europe, the Middle
# East, most of Asia and Africa; small territories are left out: their 5-6 digit numbers look like
# anything). Most plans are ruled out by a number's length alone, before libphonenumber is asked.
_REGION_CODES = (  # ISO 3166 codes, space-separated: a table the formatter leaves as it is
    "US GB FR DE IT ES NL BE CH AT IE PT LU DK NO SE FI IS PL CZ SK HU RO BG GR HR SI RS UA RU "
    "TR EE LV LT IN AU NZ CA MX BR AR CL CO PE CN HK TW JP KR SG MY TH VN PH ID PK BD IL AE SA "
    "EG ZA NG KE MA MT CY AL BA ME MK MD BY GE AM AZ KZ UZ KG TJ TM MN EC VE BO PY UY CR PA GT "
    "HN SV NI DO CU JM TT LK NP MM KH LA AF IR IQ JO LB SY KW QA BH OM YE DZ TN LY SD ET TZ UG "
    "RW GH CI SN CM ZW ZM MZ AO NA BW MG MU"
)
REGIONS = tuple(_REGION_CODES.split())


# Separators and signs written with other characters, each replaced by one character so offsets stay those
# of the text: no-break, figure, thin and ideographic spaces; hyphens, figure dash, minus (not the en dash:
# "01001\u201399998" is a range); full-width + ( ) - . / : , % and currency signs.
OTHER_SEPARATORS = (
    "\u00a0\u2007\u2009\u202f\u3000\u2010\u2011\u2012\u2212"
    "\uff0b\uff08\uff09\uff0d\uff0e\uff0f\uff1a\uff0c\uff05\uffe5\uff04\uffe1"
)
ASCII_SEPARATORS = "     ----+()-./:,%¥$£"
# Digits other than 0-9 ("\d" is Unicode: full-width, Arabic-Indic, Devanagari...) and those separators.
NOT_ASCII = re.compile(rf"[^\D0-9]|[{OTHER_SEPARATORS}]")


def _ascii_char(match: re.Match[str]) -> str:
    ch = match.group()
    at = OTHER_SEPARATORS.find(ch)
    return ASCII_SEPARATORS[at] if at >= 0 else str(unicodedata.decimal(ch))


def ascii_digits(text: str) -> str:
    """The text with every digit and phone separator in ASCII, one character for one (full-width
    "090-1234" is ASCII "090-1234"), so number plans can read it and offsets found in it point into the original."""
    if text.isascii() or NOT_ASCII.search(text) is None:
        return text
    return NOT_ASCII.sub(_ascii_char, text)


class Plan(NamedTuple):
    region: str
    code: int  # country calling code
    trunk: str  # national (trunk) prefix, "" where there is none
    lengths: frozenset[int]  # possible lengths of a national significant number


def _plans() -> tuple[Plan, ...]:
    plans = []
    for region in REGIONS:
        meta = PhoneMetadata.metadata_for_region(region)
        if meta is not None and meta.country_code is not None and meta.general_desc is not None:
            lengths = frozenset(meta.general_desc.possible_length or ())
            plans.append(Plan(region, int(meta.country_code), meta.national_prefix or "", lengths))
    return tuple(plans)


def by_length(plans: tuple[Plan, ...]) -> dict[int, tuple[Plan, ...]]:
    """Plans by the number of national digits they can read (with or without their trunk prefix),
    so a number is only tried against plans of its length."""
    index: dict[int, list[Plan]] = {}
    for plan in plans:
        for size in sorted({n + extra for n in plan.lengths for extra in {0, len(plan.trunk)}}):
            index.setdefault(size, []).append(plan)
    return {size: tuple(group) for size, group in index.items()}


def national_numbers(digits: str, plans: tuple[Plan, ...], with_trunk: bool) -> Iterator[tuple[Plan, PhoneNumber]]:
    """(plan, number) for each plan that could read the national digits (trunk prefix stripped).

    ``with_trunk``: in plans with a trunk prefix, read only numbers written with it (Germans
    write "030 1234567"; "92 27 79 46" is no German number, even if "092277946" would be).
    A plan's possible lengths are checked here, before a ``PhoneNumber`` is built: most
    plans are ruled out by length alone, and libphonenumber's checks cost microseconds each."""
    for plan in plans:
        trunk = plan.trunk
        if trunk == "1":
            continue  # NANP numbers are handled by their own shape
        has_trunk = bool(trunk) and digits.startswith(trunk)
        if trunk and not has_trunk and (with_trunk or digits.startswith("0")):
            continue  # a leading 0 in a plan with a trunk 0 must be the trunk prefix
        nsn = digits[len(trunk) :] if has_trunk else digits
        if len(nsn) not in plan.lengths or not nsn.lstrip("0"):
            continue
        zeros = len(nsn) - len(nsn.lstrip("0"))
        number = PhoneNumber(country_code=plan.code, national_number=int(nsn))
        if zeros:
            number.italian_leading_zero = True
            number.number_of_leading_zeros = zeros if zeros > 1 else None
        yield plan, number


def group_sizes(value: str) -> list[int]:
    return [len(g) for g in re.findall(r"\d+", value)]


def national_grouping(number: PhoneNumber, trunk: str, digits: int) -> list[int]:
    """Group sizes of the country's national format, less a trunk prefix the writer left out
    (Turks write "532 123 45 67" for "0532 123 45 67")."""
    sizes = group_sizes(phonenumbers.format_number(number, NATIONAL))
    if trunk and sum(sizes) == digits + len(trunk) and sizes[0] > len(trunk):
        sizes[0] -= len(trunk)
    return sizes


PHONE_CUE = (
    r"phone|tel(?:e(?:phone|fon|fono|fone|foon))?(?:[.:]|\b)|tél(?:[.:]|\b)|téléphone|mob(?:ile?|il)?(?:[.:]|\b)"
    r"|cell(?:ular|phone)?\b|fax|office\b|desk\b|direct(?: line| dial)?\b|landline|whats ?app|sms|text me"
    r"|call me|call us|call him|call her|call them|ring me|reach me|contact\b|hotline|switchboard|helpline"
    r"|handy|rufnummer|festnetz|durchwahl|portable|fixe|telefono|cellulare|cel\.|teléfono|móvil|movil|celular"
    r"|telefone|telemóvel|puhelin|puh\.|gsm|mobiel|tlf|tfn|telefonnummer|mobilnummer|τηλ|κινητό|тел|моб"
    r"|телефон|電話|携帯|手机|电话|전화|telp|number to call|voicemail|dial(?:-in| in)?\b|bridge|conference line"
    r"|(?:support|help|service|sales|phone|hot|direct|land) ?line"
)
# Labels that make a number something else: an order, an account, a version.
NOT_PHONE_CUE = (
    r"order|invoice|inv|ref(?:erence)?|ticket|case|tracking|account|acct|iban|isbn|issn|sku|serial|batch|lot"
    r"|version|build|release|model|part|po|receipt|transaction|txn|id|zip|postcode|postal code|debit|mandate"
    r"|pass ?code|(?<!area )code|parcel|package|shipment|consignment|waybill|awb|tracking number"
    r"|plz|amount|total|price|balance|coordinates|lat|lon|latitude|longitude|card|ssn|passport|licen[cs]e"
    r"|mrn|medical record|record|chart|policy|patient id|claim|dob|date|born|hospital|pin|nhs|npi|ein|tin|vat"
    r"|tax id|sort code|routing|aba|swift|bic|vin|imei|bsn|cpr|personnummer|steuer-id"
)
# Chinese, Japanese and Korean words are written without spaces: their cues need no word boundary ("我的电话").
CUE_BEFORE = re.compile(rf"(?<![^\W_])(?:{PHONE_CUE})|電話|携帯|手机|电话|전화|연락처|联系|聯絡", re.IGNORECASE)
# Such a label right before the number: "order 0612 48 39 57", "Ref. no.: 071 234 56 78", or before a code
# the number continues: "Parcel 1Z 780 UBM 07 9300 5177" (upper-case letters and digits in between).
LABEL_BEFORE = re.compile(
    rf"(?<![^\W_])(?:{NOT_PHONE_CUE})(?:[ \t]*(?:no\.?|nr\.?|number|num\.?|id|#|:|-|\.))*[ \t]*"
    r"(?:(?-i:[A-Z\d]{1,6})[ \t]+)*$",
    re.IGNORECASE,
)
CUE_AFTER = re.compile(
    r"[ \t]*[(\[]?[ \t]*(?:mobile|cell|home|work|office|fax|phone|tel|landline|whatsapp|direct|handy|portable"
    r"|privat|büro|bureau|ufficio|oficina)\b",
    re.IGNORECASE,
)
# A break the context of a value does not cross: a blank line or the end of a sentence.
CONTEXT_BREAK = re.compile(r"\n[ \t]*\n|[!?](?:\s|$)|(?<=[^\W\d_]{4})\.\s+(?=[A-Z])")
MONEY_OR_UNIT_AFTER = re.compile(r"[ \t]?(?:€|\$|£|¥|%|‰|eur\b|usd\b|gbp\b|chf\b|kr\b|zł|kg\b|km\b|mb\b|gb\b)", re.I)
MONEY_BEFORE = re.compile(r"(?:[€$£¥]|\b(?:eur|usd|gbp|chf|rs|inr))[ \t]?$", re.IGNORECASE)
SSN_SHAPE = re.compile(r"\d{3}([- ])\d{2}\1\d{4}")  # grouped 3-2-4: an SSN (spaced: unless a phone cue is near)
SSN_DASHED = re.compile(r"\d{3}-\d{2}-\d{4}")
NANP = re.compile(r"(?:\+?1[ .-]?)?(\()?[2-9]\d{2}(?(1)\)[ ]?|[ .-]?)[2-9]\d{2}[ .-]?\d{4}")
DECIMAL = re.compile(r"(?:^|\s)-?\d{1,3}\.\d{4,}(?:\s|$)")  # 48.856613: a coordinate or a measure
AMOUNT = re.compile(r"\d+\.\d\d")  # 12345.67: one dot, then cents
ISBN_13 = re.compile(r"97[89]")
# "(536) 2287-26": an area code in parentheses, then a local part with a dash or a dot, as only phones are
# written (not a year: "(2019) 2287-26").
PAREN_AREA = re.compile(r"\((?!19\d\d\)|20\d\d\))\d{2,4}\) ?\d{2,5}[-.]\d{2,5}(?:[-. ]\d{2,4})?")
TIME_BEFORE = re.compile(r"\d ?: ?$")
YEAR_FIRST = re.compile(r"\((?:19|20)\d\d\)")
YEAR_RANGE = re.compile(r"(?:1[5-9]|20)\d\d ?[-–/] ?(?:1[5-9]|20)\d\d")  # "in office 2010 - 2012", even after a cue
# Without a phone cue: thousands ("164.689.383", "10 000 000"), ranges ("700-1000", "2010 - 2012"), ZIP+4.
NOT_PHONE_SHAPE = re.compile(r"\d{1,3}(?:\.\d{3})+|[1-9]\d?(?: \d{3})+|\d{1,4} ?-+ ?\d{1,4}|\d{5}-\d{4}")
VERSION = re.compile(r"(?<!^1)\.\d(?:\.|$)|\d\.\d\.")  # 10.0.19045, 2.1.4: phones have no one-digit groups
# A letter, digit or "_" that is not an ideograph, kana or hangul (those are words written without spaces).
LETTER = r"[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]"
CARD_SHAPE = re.compile(r"\d{4}([ -])(?:\d{4}(?:\1\d{4})+(?:\1\d{1,4})?|\d{6}\1\d{4,5})")


def _isbn13(digits: str) -> bool:
    return (
        len(digits) == 13
        and ISBN_13.match(digits) is not None
        and sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0
    )


class PhoneNumberRecognizer(CandidateRecognizer):
    """Phone-shaped runs validated against libphonenumber's number plans (no regex can know them)."""

    ENTITY = "PHONE_NUMBER"
    # Bounded by anything but a letter or a digit of a word, except ideographs, kana and hangul: Japanese,
    # Chinese and Korean put no space between words ("電話 090-1234-5678です"). A "/" inside a number
    # ("030/1234567") has no space around it; " / " separates the items of a list.
    CANDIDATE = re.compile(
        rf"(?<![@#+/=.-])(?<!{LETTER})(?:\+|00)?\(?\d(?:[\d ().\-]|(?<! )/(?! )){{5,28}}\d"
        r"(?P<ext>[ \t]*,?[ \t]*(\()?[ \t]*(?P<mark>x|ext\.?|extn\.?|extension|poste|durchwahl)[ \t]*[-:.]?[ \t]*"
        r"\d{1,6}(?(2)\)))?"
        rf"(?!{LETTER}|@|[.-]\d)",
        re.IGNORECASE,
    )
    # Words the context enhancer looks for: they raise a valid but unformatted number over the threshold.
    _CONTEXT_WORDS = "phone tel call mobile cell fax whatsapp landline ring reach contact mob"
    CONTEXT = (*_CONTEXT_WORDS.split(), "text me")
    CUE_WINDOW = 48
    # Regions tried for an unformatted national number with a leading trunk 0 (the enhancer needs a context word).
    BARE_TRUNK_REGIONS = ("GB", "DE", "FR", "IT", "NL", "ES", "IN", "AU")
    # A run that starts with a date ("07/10/2026 09:14") or is an IPv4 address is not a phone number.
    DATE_START = re.compile(r"(?:\d{4}([./-])\d{1,2}\1\d{1,2}|\d{1,2}([./-])\d{1,2}\2(?:\d{4}|\d{2}))(?![\d./-])")
    IPV4 = re.compile(r"(?:\d{1,3}\.){3}\d{1,3}")

    def __init__(self) -> None:
        super().__init__()
        # libphonenumber compiles its metadata's patterns through ``re.compile``, whose cache holds 512:
        # 130 regions' patterns thrash it and every check recompiles (10x slower). Its own cache keeps
        # them; it is bounded by the metadata (about 1,000 patterns) and shared by the process.
        phonenumbers.enable_pattern_cache()
        self.plans = _plans()
        self.by_length = by_length(self.plans)
        self.bare_by_length = by_length(tuple(p for p in self.plans if p.region in self.BARE_TRUNK_REGIONS))

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        return super().analyze(ascii_digits(text), entities, nlp_artifacts)

    def hits(self, text: str) -> Iterator[tuple[str, int, int, float]]:
        found = list(super().hits(text))
        yield from found
        for start, end, score in short_numbers(text):  # labelled extensions and short national numbers
            if not any(s < end and start < e for _, s, e, _ in found):
                yield self.ENTITY, start, end, score

    def check(self, text: str, match: re.Match[str]) -> Hit | None:
        ext_start = match.start("ext") if match.group("ext") else match.end()
        value = text[match.start() : ext_start]
        if self._not_a_phone(text, match.start(), ext_start, value):
            return None
        # looked for once, and only when a number's score depends on it; a written-out extension is a cue
        cue: list[bool] = [True] if (match.group("mark") or "x").lower() != "x" else []

        def cued() -> bool:
            if not cue:
                cue.append(self._cued(text, match.start(), match.end()))
            return cue[0]

        runs = groups_of(match, " .-/")
        runs = [(s, min(e, ext_start)) for s, e in runs if s < ext_start]
        if value.startswith("(") and ")" not in value:  # "(069 4225 9920)": the closing one is outside
            runs[0] = (runs[0][0] + 1, runs[0][1])
        hit = self._longest(text, runs, cued, runs[-1][1] - runs[0][0])
        for i in range(1, len(runs)):
            if hit is not None:
                break
            gap = text[runs[i - 1][1] : runs[i][0]]
            if " " in gap and not gap.strip(" "):  # glued to a neighbour by a space: "MA 01040-2841 (413) 535-4000"
                hit = self._longest(text, runs[i:], cued, 0)  # never whole: only valid numbers
        if hit is None or (
            not value.startswith(("+", "00")) and LABEL_BEFORE.search(text, max(0, match.start() - 32), match.start())
        ):
            return None
        if hit[1] == runs[-1][1] and match.group("ext"):
            return hit[0], match.end(), hit[2]  # the extension belongs to the number
        return hit

    def _longest(self, text: str, runs: list[tuple[int, int]], cued: Callable[[], bool], width: int) -> Hit | None:
        """The longest valid prefix of the runs; ``width``: the length of the whole run (see ``_score``)."""
        return longest_valid(text, runs, lambda v: self._score(v, cued, whole=len(v) == width))

    def _not_a_phone(self, text: str, start: int, end: int, value: str) -> bool:
        """Dates, times, IPs, SSNs, decimals, money, ISBNs and IBAN groups have phone-like digits."""
        value = value.lstrip("(")
        if "  " in value or self.DATE_START.match(value) or self.IPV4.fullmatch(value) or SSN_DASHED.fullmatch(value):
            return True
        digits = "".join(ch for ch in value if ch.isdigit())
        if DECIMAL.search(value) or AMOUNT.fullmatch(value) or VERSION.search(value) or YEAR_RANGE.fullmatch(value):
            return True
        if _isbn13(digits):
            return True
        if len(digits) >= 14 and CARD_SHAPE.fullmatch(value):
            return True  # 4-4-4-4(-3), 4-6-5: a card number (valid or not), not a phone and a count
        if TIME_BEFORE.search(text, max(0, start - 5), start):
            return True  # the seconds of a time and a year: "16:04:07 2025 -0500", tokenized "00 : 11 . 530490"
        if MONEY_BEFORE.search(text, max(0, start - 6), start) or MONEY_OR_UNIT_AFTER.match(text, end):
            return True
        return inside_iban(text, start)

    def _cued(self, text: str, start: int, end: int) -> bool:
        """A phone word before the number (in its sentence) or a type label right after it."""
        window_start = max(0, start - self.CUE_WINDOW)
        for brk in CONTEXT_BREAK.finditer(text, window_start, start):
            window_start = brk.end()
        return CUE_BEFORE.search(text, window_start, start) is not None or CUE_AFTER.match(text, end) is not None

    def _score(self, value: str, cued: Callable[[], bool], whole: bool) -> float | None:
        """``whole``: the value is the entire run, not a prefix left after dropping a trailing group."""
        digits = "".join(ch for ch in value if ch.isdigit())
        if not 7 <= len(digits) <= 15 or value.count("(") != value.count(")") or set(digits) <= {"0", "1"}:
            return None  # "01110101 01101": bits
        if (NOT_PHONE_SHAPE.fullmatch(value) or SSN_SHAPE.fullmatch(value)) and not cued():
            return None
        if YEAR_FIRST.match(value) and not cued():
            return None  # "(1998) 345-678": a year in parentheses, then a number
        if value.endswith(")") and not value.startswith("("):
            return None  # "01040-2841 (413)": the "(413)" opens the next number
        formatted = not value.isdigit()
        if value.startswith(("+", "00")):
            return self._international(value, formatted and whole, cued)
        if NANP.fullmatch(value):
            return self._nanp(value, digits, formatted, cued)
        plans = (self.by_length if formatted else self.bare_by_length).get(len(digits), ())
        if self._valid_national(value, digits, plans, whole):
            return 0.65 if formatted else (0.55 if cued() else 0.35)
        if whole and (cued() or PAREN_AREA.fullmatch(value)) and self._possible_national(digits):
            return 0.55
        return None

    @staticmethod
    def _international(value: str, lenient: bool, cued: Callable[[], bool]) -> float | None:
        """``lenient``: a formatted, whole run. A "+" and a country code are strong evidence even where
        the plan says "unallocated" (possible is enough), and near a phone cue even where it says "too short"."""
        try:
            number = phonenumbers.parse("+" + value[2:] if value.startswith("00") else value, None)
        except phonenumbers.NumberParseException:
            return None
        if number.country_code == 52 and str(number.national_number).startswith("1"):
            number.national_number = int(str(number.national_number)[1:])  # Mexico's retired mobile "1"
        if phonenumbers.is_valid_number(number):
            return 0.75
        if lenient and phonenumbers.is_possible_number(number):
            return 0.6
        known_code = phonenumbers.region_code_for_country_code(number.country_code or 0) != phonenumbers.UNKNOWN_REGION
        return 0.55 if lenient and known_code and cued() else None

    @staticmethod
    def _nanp(value: str, digits: str, formatted: bool, cued: Callable[[], bool]) -> float | None:
        national = digits[1:] if len(digits) == 11 else digits
        number = PhoneNumber(country_code=1, national_number=int(national))
        if phonenumbers.is_valid_number(number):
            return 0.65 if formatted else (0.55 if cued() else 0.35)
        if "(" in value or cued():
            return 0.55  # "(375) 401-2288": possible, written as only phone numbers are
        # "375-401-2288": in real text (EWT's e-mails, GUM, WNUT) every NXX-NXX-XXXX is a phone number.
        return 0.55 if formatted else None

    def _valid_national(self, value: str, digits: str, plans: tuple[Plan, ...], whole: bool) -> bool:
        """Valid in a plan; without a trunk prefix the digits must also be grouped as that country
        groups them ("92 27 79 46" in Denmark, not "92-277946", a record number), and be the whole
        run ("2048 1024" of "2048 1024 512" is no number)."""
        trunk_zero = digits.startswith("0")
        if not trunk_zero and not whole:
            return False
        sizes = group_sizes(value)
        for plan, number in national_numbers(digits, plans, with_trunk=trunk_zero):
            # for the plan's own region: is_valid_number would first look the region up among all sharing the code
            if not (
                phonenumbers.is_possible_number(number) and phonenumbers.is_valid_number_for_region(number, plan.region)
            ):
                continue
            if trunk_zero or sizes == national_grouping(number, plan.trunk, len(digits)):
                return True
        return False

    def _possible_national(self, digits: str) -> bool:
        return any(
            phonenumbers.is_possible_number(number)
            for _, number in national_numbers(digits, self.by_length.get(len(digits), ()), with_trunk=False)
        )
