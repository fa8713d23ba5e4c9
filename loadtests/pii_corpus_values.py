"""The PII corpus generator's values (``loadtests.make_pii_corpus``): one generator per placeholder,
checksums valid where the real thing has one, and the unlabeled near-miss distractors.

``luhn_ok`` and ``iban_check`` are written here again on purpose, not imported from ``detectors``:
the corpus that judges the detectors must not share their code."""

from __future__ import annotations

import random
import string
import unicodedata
from collections.abc import Callable

from loadtests.pii_corpus_tables import (
    DOMAINS,
    FIRST,
    FRESH_DOMAINS,
    FRESH_FIRST,
    FRESH_LAST,
    IBAN_BBAN,
    LAST,
    UNSEEN_DOMAINS,
    UNSEEN_FIRST,
    UNSEEN_LAST,
    US_AREAS,
    words,
)

Gen = Callable[[random.Random, str], str]


def pick(rng: random.Random, items: list[str], split: str) -> str:
    """Dev and held-out samples draw names from disjoint halves of each list; fresh/unseen ones from their own lists."""
    if split == "unseen":
        if items is FIRST:
            return rng.choice(UNSEEN_FIRST)
        if items is LAST:
            name = rng.choice(UNSEEN_LAST)
            return name[0].upper() + name[1:]  # a surname without a first name: "De Vries", "Van den Berg"
        raise ValueError("unseen split: no unseen counterpart for this list")
    if split == "fresh":
        if items is FIRST:
            return rng.choice(FRESH_FIRST)
        if items is LAST:
            return rng.choice(FRESH_LAST)
        raise ValueError("fresh split: no fresh counterpart for this list")
    half = items[0::2] if split == "dev" else items[1::2]
    return rng.choice(half)


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _ascii(s: str) -> str:
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower().replace("'", "")


_FOLD = str.maketrans({"Đ": "D", "đ": "d", "ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O"})


def _fresh_ascii(s: str) -> str:
    """Like ``_ascii`` but also folds letters that have no Unicode decomposition (Đ, dotless i, ł, ø)."""
    return _ascii(s.translate(_FOLD))


_UNSEEN_FOLD = str.maketrans({"ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "æ": "ae", "Æ": "Ae", " ": "", "-": ""})


def _unseen_ascii(s: str) -> str:
    """Like ``_fresh_ascii`` but also folds Icelandic letters and drops spaces and hyphens ("Dela Cruz" -> delacruz)."""
    return _fresh_ascii(s.translate(_UNSEEN_FOLD))


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + digits(rng, length - len(prefix) - 1)
    return next(body + c for c in string.digits if luhn_ok(body + c))


def iban_check(country: str, bban: str) -> str:
    moved = bban + country + "00"
    numeric = "".join(str(int(ch, 36)) for ch in moved)
    return f"{98 - int(numeric) % 97:02d}"


def person(rng: random.Random, split: str) -> str:
    if split == "unseen":
        first, last, roll = rng.choice(UNSEEN_FIRST), rng.choice(UNSEEN_LAST), rng.random()
        if roll < 0.1:
            return f"{first} {rng.choice(string.ascii_uppercase)}. {last}"
        if roll < 0.18:
            return f"{first[0]}. {last}"
        if roll < 0.26:  # two given names (Romanian, Filipino, Welsh ...)
            return f"{first} {rng.choice(UNSEEN_FIRST)} {last}"
        if roll < 0.32:  # two surnames (Andean, Mexican)
            return f"{first} {last} {rng.choice(['Mamani', 'Quispe', 'Huamán', 'Condori', 'Villaseñor', 'Cuevas'])}"
        return f"{first} {last}"
    if split == "fresh":
        first, last, roll = rng.choice(FRESH_FIRST), rng.choice(FRESH_LAST), rng.random()
        if roll < 0.15:
            return f"{first} {rng.choice(string.ascii_uppercase)}. {last}"
        if roll < 0.25:
            return f"{first[0]}. {last}"
        return f"{first} {last}"
    first, last = pick(rng, FIRST, split), pick(rng, LAST, split)
    roll = rng.random()
    if roll < 0.12:
        return f"{first} {rng.choice(string.ascii_uppercase)}. {last}"
    return f"{first} {last}"


def email(rng: random.Random, split: str) -> str:
    if split == "unseen":
        first, last = _unseen_ascii(rng.choice(UNSEEN_FIRST)), _unseen_ascii(rng.choice(UNSEEN_LAST))
        local = rng.choice(
            [
                f"{first}.{last}",
                f"{first[0]}.{last}",
                f"{last}{first[0]}",
                f"{first}{last[0]}",
                f"{first}.{last}{rng.randint(1, 99)}",
                f"{first}",
                f"{last}.{first}",
            ]
        )
        return f"{local}@{rng.choice(UNSEEN_DOMAINS)}"
    if split == "fresh":
        first, last = _fresh_ascii(rng.choice(FRESH_FIRST)), _fresh_ascii(rng.choice(FRESH_LAST)).replace(" ", "")
        local = rng.choice(
            [
                f"{first}.{last}",
                f"{first[0]}{last}",
                f"{first}_{last}{rng.randint(1, 99)}",
                first,
                f"{last}.{first}",
                f"{first}-{last}",
                f"{first[0]}.{last}",
            ]
        )
        return f"{local}@{rng.choice(FRESH_DOMAINS)}"
    first, last = _ascii(pick(rng, FIRST, split)), _ascii(pick(rng, LAST, split))
    local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}{rng.randint(1, 99)}", first])
    return f"{local.replace(' ', '')}@{rng.choice(DOMAINS)}"


def phone(rng: random.Random, split: str) -> str:
    area, ex, line = rng.choice(US_AREAS), f"{rng.randint(2, 9)}{digits(rng, 2)}", digits(rng, 4)
    if ex[1:] == "11":
        ex = ex[0] + "23"
    uk_mob = f"07{rng.choice('4579')}{digits(rng, 2)} {digits(rng, 6)}"
    uk_ldn = f"20 7{digits(rng, 3)} {digits(rng, 4)}"
    de_city = rng.choice(["30", "89", "40", "69", "221"])
    de_sub, de_mob = digits(rng, 7 if len(de_city) == 3 else 8), f"1{rng.choice(['51', '52', '60', '62', '70', '76'])}"
    formats = [
        f"({area}) {ex}-{line}",
        f"{area}-{ex}-{line}",
        f"{area}.{ex}.{line}",
        f"+1 {area} {ex} {line}",
        f"+1-{area}-{ex}-{line}",
        f"1-{area}-{ex}-{line}",
        uk_mob,
        f"0{uk_ldn}",
        f"+44 {uk_ldn}",
        f"+44 (0){uk_ldn}",
        f"+44 {uk_mob[1:]}",
        f"0{de_city} {de_sub}",
        f"+49 {de_city} {de_sub}",
        f"0{de_city}/{de_sub}",
        f"0{de_mob} {digits(rng, 8)}",
        f"+49 {de_mob} {digits(rng, 8)}",
    ]
    if split == "heldout":  # formats no dev template shows: does the recognizer generalise?
        formats += [
            f"+33 6 {digits(rng, 2)} {digits(rng, 2)} {digits(rng, 2)} {digits(rng, 2)}",
            f"+91 98{digits(rng, 3)} {digits(rng, 5)}",
            f"0049 {de_mob} {digits(rng, 8)}",
        ]
    if split == "fresh":  # an international staff's numbers, written after tuning
        d = [digits(rng, n) for n in (3, 4, 2, 3, 3, 1, 3, 4, 4, 4, 4, 4, 2, 6, 2, 2, 2, 2, 3, 5)]
        formats += [
            f"+1 ({area}) {ex}-{line}",
            f"{area} {ex} {line}",
            f"+353 8{rng.choice('357')} {d[0]} {d[1]}",
            f"+34 6{d[2]} {d[3]} {d[4]}",
            f"+234 80{d[5]} {d[6]} {d[7]}",
            f"+81 90-{d[8]}-{d[9]}",
            f"+82 10-{d[10]}-{d[11]}",
            f"+254 7{d[12]} {d[13]}",
            f"+33 6 {d[14]} {d[15]} {d[16]} {d[17]}",
            f"+91 98{d[18]} {d[19]}",
        ]
    if split == "unseen":  # numbers from the unseen split's countries, written without seeing the detector

        def g(n: int) -> str:
            return digits(rng, n)

        formats += [
            f"+63 917 {g(3)} {g(4)}",
            f"0917 {g(3)} {g(4)}",
            f"+66 8{g(1)} {g(3)} {g(4)}",
            f"+62 812-{g(4)}-{g(4)}",
            f"+60 12-{g(3)} {g(4)}",
            f"+92 300 {g(7)}",
            f"+880 1712-{g(6)}",
            f"+94 77 {g(3)} {g(4)}",
            f"+251 91 {g(3)} {g(4)}",
            f"+212 6 {g(2)} {g(2)} {g(2)} {g(2)}",
            f"+20 10 {g(4)} {g(4)}",
            f"+36 30 {g(3)} {g(4)}",
            f"+40 721 {g(3)} {g(3)}",
            f"+420 601 {g(3)} {g(3)}",
            f"+370 612 {g(5)}",
            f"+31 6 {g(8)}",
            f"06-{g(8)}",
            f"+32 470 {g(2)} {g(2)} {g(2)}",
            f"+354 {g(3)} {g(4)}",
            f"+64 21 {g(3)} {g(4)}",
            f"+1 (876) {ex}-{line}",
            f"+52 55 {g(4)} {g(4)}",
            f"+51 9{g(2)} {g(3)} {g(3)}",
            f"+1 808 {ex} {line}",
        ]
    return rng.choice(formats)


def card(rng: random.Random, _split: str) -> str:
    kind = rng.choice(["visa", "visa", "mc", "mc2", "amex", "discover"])
    prefix = {
        "visa": "4",
        "mc": f"5{rng.randint(1, 5)}",
        "mc2": str(rng.randint(2221, 2720)),
        "amex": "37",
        "discover": "6011",
    }[kind]
    number = _luhn_complete(prefix, 15 if kind == "amex" else 16, rng)
    return _group_card(number, rng.choice(["", " ", "-"]))


def _group_card(number: str, sep: str) -> str:
    if len(number) == 15:
        return sep.join([number[:4], number[4:10], number[10:]])
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


def bad_card(rng: random.Random, split: str) -> str:
    number = card(rng, split)
    last = number[-1]
    return number[:-1] + str((int(last) + rng.randint(1, 9)) % 10)  # a changed check digit fails Luhn


def iban(rng: random.Random, _split: str, valid: bool = True) -> str:
    country = rng.choice(sorted(IBAN_BBAN))
    pools = {"n": string.digits, "a": string.ascii_uppercase, "c": string.ascii_uppercase + string.digits}
    bban = "".join(rng.choice(pools[k]) for k in IBAN_BBAN[country])
    check = iban_check(country, bban)
    if not valid:
        check = f"{(int(check) + rng.randint(1, 50)) % 97 + 2:02d}"
    compact = country + check + bban
    return compact if rng.random() < 0.4 else " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def ssn(rng: random.Random, _split: str) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    raw = (f"{area:03d}", f"{rng.randint(1, 99):02d}", f"{rng.randint(1, 9999):04d}")
    return rng.choice(["-", "-", "-", " "]).join(raw)


NINO_UNUSED = frozenset(words("BG GB KN NK NT TN ZZ"))


def nino(rng: random.Random, _split: str) -> str:
    while (pre := rng.choice("ABCEGHJKLMNOPRSTWXYZ") + rng.choice("ABCEGHJKLMNPRSTWXYZ")) in NINO_UNUSED:
        pass
    d = digits(rng, 6)
    return rng.choice([f"{pre}{d}{rng.choice('ABCD')}", f"{pre} {d[:2]} {d[2:4]} {d[4:]} {rng.choice('ABCD')}"])


def ip(rng: random.Random, _split: str) -> str:
    def h() -> str:
        return f"{rng.randint(0, 65535):x}"

    return rng.choice(
        [
            f"{rng.choice([10, 172, 192, 203, 81, 34])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",  # noqa: E501
            f"192.168.{rng.randint(0, 20)}.{rng.randint(2, 250)}",
            f"2001:db8:{h()}:{h()}::{h()}",
            f"fe80::{h()}:{h()}:{h()}:{h()}",
            f"2a00:1450:{h()}:{h()}:{h()}:{h()}:{h()}:{h()}",
        ]
    )
