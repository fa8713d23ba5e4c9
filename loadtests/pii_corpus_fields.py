"""The PII corpus generator's placeholders (``FIELDS``): each names its entity type (or none, for an
unlabeled distractor) and its generator. Dates, ids and addresses are generated here; names, contacts,
cards and national numbers in ``loadtests.pii_corpus_values``."""

from __future__ import annotations

import random
import string

from loadtests.pii_corpus_tables import (
    CITIES,
    COMPANIES,
    COUNTRIES,
    FIRST,
    FRESH_CITIES,
    FRESH_COUNTRIES,
    FRESH_STREET_KINDS,
    FRESH_STREETS,
    LAST,
    MONTHS,
    PRODUCTS,
    STREET_KINDS,
    STREETS,
    UNSEEN_CITIES,
    UNSEEN_COUNTRIES,
    UNSEEN_EU,
    UNSEEN_STREET_KINDS,
    UNSEEN_STREETS,
    UNSEEN_UK,
    UNSEEN_US,
)
from loadtests.pii_corpus_values import Gen, bad_card, card, digits, email, iban, ip, nino, person, phone, pick, ssn


def date(rng: random.Random, _split: str, years: tuple[int, int] = (2019, 2026)) -> str:
    y, m, d = rng.randint(*years), rng.randint(1, 12), rng.randint(1, 28)
    mon = MONTHS[m - 1]
    return rng.choice(
        [
            f"{y}-{m:02d}-{d:02d}",
            f"{m:02d}/{d:02d}/{y}",
            f"{d:02d}/{m:02d}/{y}",
            f"{d:02d}.{m:02d}.{y}",
            f"{mon} {d}, {y}",
            f"{d} {mon} {y}",
            f"{mon[:3]} {d}, {y}",
        ]
    )


def dob(rng: random.Random, split: str) -> str:
    return date(rng, split, (1940, 2006))


def passport(rng: random.Random, _split: str) -> str:
    return rng.choice([digits(rng, 9), rng.choice(string.ascii_uppercase) + digits(rng, 8)])


def dl(rng: random.Random, _split: str) -> str:
    letter = rng.choice(string.ascii_uppercase)
    return rng.choice(
        [
            f"{letter}{digits(rng, 7)}",
            digits(rng, 9),
            digits(rng, 8),
            f"{letter}{digits(rng, 3)}-{digits(rng, 4)}-{digits(rng, 4)}",
            f"{letter}{digits(rng, 3)}-{digits(rng, 3)}-{digits(rng, 2)}-{digits(rng, 3)}-{digits(rng, 1)}",
        ]
    )


def mrn(rng: random.Random, _split: str) -> str:
    return rng.choice(
        [
            digits(rng, 8),
            digits(rng, 7),
            f"{rng.choice('HMK')}{digits(rng, 7)}",
            f"MR-{digits(rng, 6)}",
            f"{rng.randint(10, 99)}-{digits(rng, 6)}",
        ]
    )


def _postcode(rng: random.Random, layout: str) -> str:
    pools = {"n": string.digits, "a": string.ascii_uppercase}
    return "".join(rng.choice(pools[c]) if c in pools else c for c in layout)


def address(rng: random.Random, split: str) -> str:
    if split == "unseen":  # US, UK and continental layouts with postcodes; the whole address is one LOCATION span
        street, roll = f"{rng.choice(UNSEEN_STREETS)} {rng.choice(UNSEEN_STREET_KINDS)}", rng.random()
        if roll < 0.2:
            city, state, zip3 = rng.choice(UNSEEN_US)
            unit = rng.choice(["", f", Apt {rng.randint(1, 30)}{rng.choice('ABC')}", f", Unit {rng.randint(100, 999)}"])
            return f"{rng.randint(100, 9999)} {street}{unit}, {city}, {state} {zip3}{digits(rng, 2)}"
        if roll < 0.4:
            city, area = rng.choice(UNSEEN_UK)
            unit = rng.choice(["", "", f"Flat {rng.randint(1, 12)}, "])
            return f"{unit}{rng.randint(1, 180)} {street}, {city} {area}{rng.randint(1, 24)} {_postcode(rng, 'naa')}"
        if roll < 0.6:
            name, layout, city = rng.choice(UNSEEN_EU)
            return f"{name} {rng.randint(1, 220)}, {_postcode(rng, layout)} {city}"
        return f"{rng.randint(1, 2400)} {street}, {rng.choice(UNSEEN_CITIES)}"
    if split == "fresh":
        street = f"{rng.randint(1, 2400)} {rng.choice(FRESH_STREETS)} {rng.choice(FRESH_STREET_KINDS)}"
        unit = rng.choice(
            [
                "",
                "",
                "",
                f"Flat {rng.randint(1, 40)}, ",
                f"Apt {rng.randint(1, 40)}, ",
                f"Suite {rng.randint(100, 900)}, ",
            ]
        )
        return f"{unit}{street}, {rng.choice(FRESH_CITIES)}"
    street = f"{rng.randint(1, 2400)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}"
    return f"{street}, {rng.choice(CITIES)}"


def eur(rng: random.Random, _split: str) -> str:
    return rng.choice(
        [
            f"€{rng.randint(20, 9999)}.{digits(rng, 2)}",
            f"£{rng.randint(5, 999)}.{digits(rng, 2)}",
            f"{rng.randint(1, 99)}.{digits(rng, 3)},00 €",
            f"EUR {rng.randint(1, 99)},{digits(rng, 3)}",
        ]
    )


def timestamp(rng: random.Random, _split: str) -> str:
    h, m, sec = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    return rng.choice(
        [f"{h:02d}:{m:02d} UTC", f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {h:02d}:{m:02d}:{sec:02d}"]
    )


def gitdate(rng: random.Random, _split: str) -> str:
    day, mon = rng.choice(["Mon", "Tue", "Wed", "Thu", "Fri"]), rng.choice(MONTHS)[:3]
    clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    return f"{day} {mon} {rng.randint(1, 28)} {clock} 2025 {rng.choice(['+0000', '+0100', '-0500', '+0530'])}"


def tracking(rng: random.Random, _split: str) -> str:
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
    return rng.choice(
        [f"1Z{digits(rng, 3)}{letters}{digits(rng, 10)}", f"JD{digits(rng, 16)}", f"RR{digits(rng, 9)}GB"]
    )


# Placeholder -> (entity type or None for an unlabeled distractor, generator).
FIELDS: dict[str, tuple[str | None, Gen]] = {
    "person": ("PERSON", person),
    "first": ("PERSON", lambda r, s: pick(r, FIRST, s)),
    "last": ("PERSON", lambda r, s: pick(r, LAST, s)),
    "email": ("EMAIL_ADDRESS", email),
    "phone": ("PHONE_NUMBER", phone),
    "card": ("CREDIT_CARD", card),
    "iban": ("IBAN_CODE", iban),
    "ssn": ("US_SSN", ssn),
    "nino": ("UK_NINO", nino),
    "ip": ("IP_ADDRESS", ip),
    "dob": ("DATE_OF_BIRTH", dob),
    "us_passport": ("US_PASSPORT", passport),
    "uk_passport": ("UK_PASSPORT", lambda r, s: digits(r, 9)),
    "dl": ("US_DRIVER_LICENSE", dl),
    "mrn": ("MEDICAL_RECORD_NUMBER", mrn),
    "city": ("LOCATION", lambda r, s: r.choice({"fresh": FRESH_CITIES, "unseen": UNSEEN_CITIES}.get(s, CITIES))),
    "country": (
        "LOCATION",
        lambda r, s: r.choice({"fresh": FRESH_COUNTRIES, "unseen": UNSEEN_COUNTRIES}.get(s, COUNTRIES)),
    ),
    "address": ("LOCATION", address),
    "date": (None, date),
    "company": (None, lambda r, s: r.choice(COMPANIES)),
    "product": (None, lambda r, s: r.choice(PRODUCTS)),
    "bad_card": (None, bad_card),
    "bad_iban": (None, lambda r, s: iban(r, s, valid=False)),
    "n": (None, lambda r, s: str(r.randint(2, 950))),
    "order": (
        None,
        lambda r, s: r.choice(
            [
                f"#{digits(r, 7)}",
                f"A-{digits(r, 5)}-{digits(r, 2)}",
                f"INV-{r.randint(2019, 2026)}-{digits(r, 5)}",
                digits(r, 10),
            ]
        ),
    ),
    "version": (
        None,
        lambda r, s: r.choice(
            [
                f"v{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 99)}",
                f"{r.randint(1, 12)}.{r.randint(0, 9)}.{r.randint(0, 99)}.{r.randint(0, 999)}",
            ]
        ),
    ),
    "uuid": (None, lambda r, s: "-".join(f"{r.getrandbits(4 * n):0{n}x}" for n in (8, 4, 4, 4, 12))),
    "sha": (None, lambda r, s: f"{r.getrandbits(160):040x}"),
    "money": (None, lambda r, s: f"${r.randint(5, 9999)}.{digits(r, 2)}"),
    # Unlabeled numbers first used by the unseen split.
    "eur": (None, eur),
    "ts": (None, timestamp),
    "gitdate": (None, gitdate),
    "tracking": (None, tracking),
    "ticket": (None, lambda r, s: f"{r.choice(['PLAT', 'BILL', 'SEC', 'HRIS', 'CX', 'FIN'])}-{r.randint(100, 9999)}"),
    "short_sha": (None, lambda r, s: f"{r.getrandbits(28):07x}"),
    "otp": (None, lambda r, s: digits(r, 6)),
}
