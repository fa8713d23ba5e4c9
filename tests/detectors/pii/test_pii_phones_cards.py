"""Phone numbers and payment cards: national formats, cues, extensions, every card scheme and
length, and the numbers that only look like them (dates, money, versions, IDs, IBANs)."""

from __future__ import annotations

import random

import pytest

from detectors.pii.card import known_issuer, luhn_ok
from detectors.pii.detector import PII_ENTITIES, PiiConfig, PiiDetector
from detectors.pii.phone import PhoneNumberRecognizer, national_numbers


@pytest.fixture(scope="module")
def detector() -> PiiDetector:
    """Every type but the NER ones: names never win over a structured value, so phones and
    cards come out as in the full detector, without loading spaCy."""
    return PiiDetector.from_config(PiiConfig(entities=sorted(PII_ENTITIES - {"PERSON", "LOCATION"})))


def found(detector: PiiDetector, text: str, kind: str) -> list[str]:
    return [text[f.start : f.end] for f in detector.detect(text) if f.entity_type == kind]


def card(prefix: str, length: int) -> str:
    """A Luhn-valid number: the prefix, 1s, then the check digit."""
    body = prefix + "1" * (length - len(prefix) - 1)
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


def grouped(digits: str, sizes: tuple[int, ...], sep: str = " ") -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(digits[at : at + size])
        at += size
    return sep.join(parts)


PHONES = [
    ("her phone is (375) 401-2288", "(375) 401-2288"),  # unassigned area code: possible, formatted
    ("write to (375) 401-2288 by Friday", "(375) 401-2288"),  # the parenthesised shape needs no cue
    ("Mobile: 0612 48 39 57", "0612 48 39 57"),
    ("Tel. 071 234 56 78", "071 234 56 78"),
    ("phone 47 21 93 04", "47 21 93 04"),
    ("ring 47 21 93 04", "47 21 93 04"),  # valid and grouped as Denmark groups its numbers: no cue needed
    ("phone 47-2193-04", "47-2193-04"),  # possible only near a cue
    ("Desk: 0161 496 0018", "0161 496 0018"),
    ("Fax: 030 1234567", "030 1234567"),
    ("call me at 212.555.0199x42", "212.555.0199x42"),
    ("Office (212) 555-0199 ext. 7 today", "(212) 555-0199 ext. 7"),
    ("direct line +1 212 555 0199 x 123", "+1 212 555 0199 x 123"),
    ("Telefon 030 12345678, Handy 0151 23456789", "0151 23456789"),
    ("téléphone 01 42 68 53 00", "01 42 68 53 00"),
    ("portable : 06 12 48 39 57", "06 12 48 39 57"),
    ("cellulare 347 123 4567", "347 123 4567"),
    ("móvil 612 34 56 78", "612 34 56 78"),
    ("celular (11) 91234-5678", "(11) 91234-5678"),
    ("puhelin 040 1234567", "040 1234567"),
    ("τηλ 210 123 4567", "210 123 4567"),
    ("landline 02 9374 4000 after six", "02 9374 4000"),
    ("reach her on 0612 48 39 57 tomorrow", "0612 48 39 57"),  # trunk 0 and valid in France: no cue needed
    ("numbers: 138 0013 8000 and more", "138 0013 8000"),  # grouped as China groups mobiles
    ("0532 123 45 67 (mobile)", "0532 123 45 67"),
    ("whatsapp 20 7946 0958", "20 7946 0958"),  # only possible without its trunk 0: a cue is near
    # Every NXX-NXX-XXXX in the real e-mails of UNER English-EWT is a phone: no cue needed, unassigned or not.
    ("count 375-401-2288", "375-401-2288"),
    ("from 1-933-357-7767 about the order", "1-933-357-7767"),
    ("Holyoke, MA 01040-2841 (413) 535-4000", "(413) 535-4000"),  # a ZIP+4 glued before it
    ("Phone (work): 12 034 22 76 (ext. 4417)", "12 034 22 76 (ext. 4417)"),
    ("Phone: 030 28536416 (Durchwahl -22)", "030 28536416 (Durchwahl -22)"),
    ("Phone: +234 1 350 5519 x42", "+234 1 350 5519 x42"),  # too short for the plan, but "+234" and a cue
    ("Reservations: +52 1 55 0722 8294", "+52 1 55 0722 8294"),  # Mexico's retired mobile "1"
    ("Conference bridge: 499 14 547, PIN 830459#", "499 14 547"),
    ("numbers 02 123 456 and 3312 3456", "02 123 456"),  # Bulgaria's trunk 0; not thousands
    ("numbers 02 123 456 and 3312 3456", "3312 3456"),  # Qatar, grouped as Qatar groups it
    ("Mobile: 372 12 3456", "372 12 3456"),  # SSN-shaped, but a phone cue is nearer
]


@pytest.mark.parametrize(("text", "value"), PHONES)
def test_phone_numbers_of_many_countries_with_cues_and_extensions(detector: PiiDetector, text: str, value: str) -> None:
    assert value in found(detector, text, "PHONE_NUMBER")


NOT_PHONES = [
    "the meeting is on 2024-03-15 10:22",
    "HR case note (23.05.2025) attached",
    "laptop (203.184.235.122) keeps dropping",
    "order 0612 48 39 57 shipped",
    "invoice no. 071 234 56 78 is overdue",
    "Ref. 47 21 93 04",
    "ISBN 978-3-16-148410-0",
    "the flat costs 1 234 567 € in Paris",
    "coordinates 48.856613 2.352222",
    "Windows 10.0.19045.3693 needs a patch",
    "SSN 536-90-4399",
    "medical record number 92-277946",
    "postcode 10115 Berlin, 75008 Paris",
    "Is 3781-485492-82143 a valid card number?",  # an Amex-shaped run, Luhn-invalid
    "UnionPay 6212 3456 7890 1234 560 declined",  # a card-shaped run is not a phone and a count
    "the job took 2048 1024 512 ms",
    "values 12 34 56 78 90 12 34",  # pairs of digits, no country's grouping
    "01110101 01101000 01100101",  # bits
    "Bangladesh 164.689.383, Pakistan 10.000.000",  # thousands separators
    "roughly 700-1000 calories",  # a range
    "in office 2010 - 2012 and 1710 - 1774",  # year ranges
    "Holyoke, MA 01040-2841",  # ZIP+4
    "Conference bridge PIN 830459 12",
    "EIN 12-3456789 and VAT 123 456 789",
]


@pytest.mark.parametrize("text", NOT_PHONES)
def test_numbers_that_are_not_phones(detector: PiiDetector, text: str) -> None:
    assert found(detector, text, "PHONE_NUMBER") == []


SCHEMES = [  # (scheme, prefix, length, grouping as printed)
    ("Visa 13", "4", 13, (4, 4, 5)),
    ("Visa 16", "4", 16, (4, 4, 4, 4)),
    ("Visa 19", "4", 19, (4, 4, 4, 4, 3)),
    ("Mastercard", "53", 16, (4, 4, 4, 4)),
    ("Mastercard 2-series", "2720", 16, (4, 4, 4, 4)),
    ("Amex", "37", 15, (4, 6, 5)),
    ("Discover", "6011", 16, (4, 4, 4, 4)),
    ("Discover 19", "65", 19, (4, 4, 4, 4, 3)),
    ("Diners 14", "305", 14, (4, 6, 4)),
    ("Diners 36", "36", 14, (4, 6, 4)),
    ("JCB 16", "3530", 16, (4, 4, 4, 4)),
    ("JCB 15", "2131", 15, (4, 4, 4, 3)),
    ("JCB 15 1800", "1800", 15, (4, 6, 5)),
    ("UnionPay 16", "62", 16, (4, 4, 4, 4)),
    ("UnionPay 19", "62", 19, (6, 13)),
    ("Maestro 12", "50", 12, (4, 4, 4)),
    ("Maestro 19", "6759", 19, (4, 4, 4, 4, 3)),
    ("Maestro 17", "5020", 17, (4, 4, 4, 5)),
    ("UnionPay 18", "6250", 18, (4, 4, 4, 6)),
    ("Mir", "2201", 16, (4, 4, 4, 4)),
]


@pytest.mark.parametrize(("scheme", "prefix", "length", "sizes"), SCHEMES)
@pytest.mark.parametrize("way", ["grouped", "dashed", "bare"])
def test_cards_of_every_scheme_and_length_without_card_words(
    detector: PiiDetector, scheme: str, prefix: str, length: int, sizes: tuple[int, ...], way: str
) -> None:
    number = card(prefix, length)
    value = number if way == "bare" else grouped(number, sizes, "-" if way == "dashed" else " ")
    assert found(detector, f"please charge {value} today", "CREDIT_CARD") == [value]
    # 12 bare digits are too often an ID: only a payment word ("charge" above) makes them a card.
    expected = [] if way == "bare" and length == 12 else [value]
    assert found(detector, f"ticket {value} today", "CREDIT_CARD") == expected


def test_card_words_count_a_luhn_valid_number_of_any_prefix(detector: PiiDetector) -> None:
    unknown = card("7", 16)  # no scheme issues 7...
    assert not known_issuer(unknown)
    assert found(detector, f"my card is {grouped(unknown, (4, 4, 4, 4))}", "CREDIT_CARD")
    assert found(detector, f"Kreditkarte {unknown}", "CREDIT_CARD") == [unknown]
    assert found(detector, f"tracking {unknown} in the system", "CREDIT_CARD") == []
    maestro = card("50", 12)
    assert found(detector, f"Maestro card {maestro}", "CREDIT_CARD") == [maestro]


@pytest.mark.parametrize("word", ["card", "tarjeta", "Kreditkarte", "Maestro"])
def test_card_words_raise_the_score(detector: PiiDetector, word: str) -> None:
    number = card("4", 16)
    scores = [f.score for text in (f"ref {number}", f"{word} {number}") for f in detector.detect(text)]
    assert scores[1] > scores[0] >= 0.5


NOT_CARDS = [
    "the card number 2664 5937 5728 0954 was declined",  # Luhn-invalid: no 12-digit prefix of it either
    "IMEI 356938035643809 of the phone",  # Luhn-valid 15 digits, 35 is JCB only at 16-19
    "IBAN DE89 3704 0044 0532 0130 00, thanks",
    "London +44 20 7946 0958 or 0044 20 7946 0958",
    "0000 0000 0000 0000 is a placeholder",
    "Order #4111111111111112 shipped",
]


@pytest.mark.parametrize("text", NOT_CARDS)
def test_numbers_that_are_not_cards(detector: PiiDetector, text: str) -> None:
    assert found(detector, text, "CREDIT_CARD") == []


def test_card_next_to_an_expiry_date_keeps_its_span(detector: PiiDetector) -> None:
    assert found(detector, "Card 4111111111111111 1227", "CREDIT_CARD") == ["4111111111111111"]


def test_phone_regions_are_loaded_from_the_metadata() -> None:
    plans = {plan.region: plan for plan in PhoneNumberRecognizer().plans}
    assert len(plans) >= 60
    assert (plans["FR"].code, plans["FR"].trunk, plans["FR"].lengths) == (33, "0", frozenset({9}))
    assert (plans["DK"].code, plans["DK"].trunk) == (45, "")


def test_plans_by_length_lose_no_plan_that_could_read_a_number() -> None:
    """The length index is a shortcut: it must offer every plan the full scan would accept."""
    recognizer = PhoneNumberRecognizer()
    rng = random.Random(15)
    for _ in range(2000):
        digits = rng.choice(["0", "", "8", "06"]) + "".join(rng.choice("0123456789") for _ in range(rng.randint(6, 14)))
        for with_trunk in (True, False):
            full = [(p.region, n) for p, n in national_numbers(digits, recognizer.plans, with_trunk)]
            indexed = national_numbers(digits, recognizer.by_length.get(len(digits), ()), with_trunk)
            assert [(p.region, n) for p, n in indexed] == full
