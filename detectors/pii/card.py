"""Payment card numbers: every scheme and length (12-19 digits) with the Luhn check.

A digit run is a card when its Luhn check digit holds and

* its issuer prefix (IIN) and length match a scheme that issues them (``SCHEMES``: Visa
  13/16/19, Mastercard 51-55 and 2221-2720, Amex 15, Discover, Diners 14-19, JCB 15-19,
  UnionPay 62 and 81, Maestro 12-19, Mir, RuPay, Troy, Verve, Elo, Hipercard...), and it
  is printed as issuers print numbers (``GROUPINGS``) or not grouped at all; or
* a card word ("card", "Visa", "CVV", "tarjeta", "Karte") is just before it: then a
  Luhn-valid run of 12-19 digits counts whatever its prefix (cards of schemes not listed,
  test numbers), as a DLP would flag it.

Without a card word and a known issuer, a Luhn-valid run is an ID (one in ten random
numbers passes Luhn): IMEIs, order and tracking numbers are not reported. Measured: the
Luhn-valid 12-19 digit runs without a known prefix in the project's PII corpus (34) and in
the injection training set (12) are phone numbers, IDs and bit strings, none a card; in
UNER English-EWT, GUM, WNUT and BTC there are none. Twelve bare digits (Maestro) also
need a card word or 4-4-4 grouping. Card words raise the score (``CONTEXT``, through the
context enhancer).
"""

from __future__ import annotations

import re
from typing import ClassVar

from detectors.pii.recognizers import CandidateRecognizer, Hit, groups_of, inside_iban, longest_valid

# (issuer prefix regex, lengths). A number must match one prefix with one of its lengths.
SCHEMES: tuple[tuple[str, frozenset[int]], ...] = (
    (r"4", frozenset({13, 16, 19})),  # Visa (Electron too)
    (r"5[1-5]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)", frozenset({16})),  # Mastercard
    (r"3[47]", frozenset({15})),  # American Express
    (r"30[0-5]|309|36|3[89]", frozenset(range(14, 20))),  # Diners Club (14), Discover-network Diners (16-19)
    (r"6011|64[4-9]|65", frozenset(range(16, 20))),  # Discover
    (r"35(?:2[89]|[3-8]\d)", frozenset(range(16, 20))),  # JCB
    (r"2131|1800", frozenset({15})),  # JCB (old 15-digit)
    (r"62|81", frozenset(range(16, 20))),  # UnionPay (62 also Discover co-branded 622126-622925)
    (r"50|5[6-9]|6[0-9]", frozenset(range(12, 20))),  # Maestro, RuPay (60, 65), Verve (506, 650), Elo, Hipercard
    (r"220[0-4]", frozenset(range(16, 20))),  # Mir
    (r"9792", frozenset({16})),  # Troy
    (r"1", frozenset({15})),  # UATP
)
ISSUERS = tuple((re.compile(prefix), lengths) for prefix, lengths in SCHEMES)
# How issuers print numbers: group sizes (the last group of a 4-4-... number may be shorter).
GROUPINGS = frozenset(
    {(4, 6, 5), (4, 6, 4), (4, 6), (6, 13), (6, 12), (4, 4, 5), (4, 5, 4), (4, 4, 4, 4, 3), (5, 5, 5, 4), (4, 4, 4, 2)}
)
CARD_CONTEXT = re.compile(
    r"(?<![^\W_])(?:card|credit|debit|visa|master ?card|amex|american express|discover|diners|jcb|union ?pay"
    r"|maestro|mir|rupay|elo|hipercard|cc|cc#|ccn|pan|cvv|cvc|expir\w*|exp\b|payment|pay with|paid with|charged?"
    r"|carte|karte|kreditkarte|tarjeta|cart[ãa]o|carta|kortti|kort|kaart|karta|κάρτα|карт\w*)",
    re.IGNORECASE,
)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def known_issuer(digits: str) -> bool:
    return any(prefix.match(digits) and len(digits) in lengths for prefix, lengths in ISSUERS)


def printed_like_a_card(value: str) -> bool:
    """One separator throughout and groups as issuers print them: 4-4-4-4(-3), 4-6-5, 4-6-4, 5-5-5-4,
    and 17-19 digits as 4-4-4-5/6/7 (Maestro, UnionPay)."""
    if len({c for c in value if not c.isdigit()}) != 1:
        return False
    sizes = tuple(len(g) for g in re.split("[ -]", value))
    return (len(sizes) > 2 and set(sizes[:-1]) == {4} and 1 <= sizes[-1] <= 7) or sizes in GROUPINGS


class CardLuhnRecognizer(CandidateRecognizer):
    ENTITY = "CREDIT_CARD"
    CANDIDATE = re.compile(r"(?<![\w.+-])\d(?:[ -]?\d){11,22}(?![\w])")
    # Words the context enhancer looks for before a value (they raise its score); see CARD_CONTEXT for the wider list.
    CONTEXT = (
        "card",
        "credit",
        "debit",
        "visa",
        "mastercard",
        "amex",
        "american express",
        "discover",
        "cc",
        "payment",
        "maestro",
        "jcb",
        "unionpay",
        "diners",
        "cvv",
        "tarjeta",
        "karte",
        "kredit",
        "carte",
        "cartão",
        "kortti",
    )
    CARD_WINDOW: ClassVar[int] = 40

    def check(self, text: str, match: re.Match[str]) -> Hit | None:
        if inside_iban(text, match.start()):
            return None
        cued = CARD_CONTEXT.search(text, max(0, match.start() - self.CARD_WINDOW), match.start()) is not None
        runs = groups_of(match, " -")
        start, end = runs[0][0], runs[-1][1]
        if (score := self._score(text[start:end], cued)) is not None:
            return start, end, score
        # A prefix, when the run swallowed a neighbour (an expiry date, a count): only a known
        # issuer's 13-19 digits, never a piece of a longer number that failed its check.
        return longest_valid(text, runs[:-1], self._prefix_score) if len(runs) > 1 else None

    def _prefix_score(self, value: str) -> float | None:
        digits = value.replace(" ", "").replace("-", "")
        return self._score(value, cued=False) if len(digits) >= 13 else None

    @staticmethod
    def _score(value: str, cued: bool) -> float | None:
        digits = value.replace(" ", "").replace("-", "")
        if not 12 <= len(digits) <= 19 or not luhn_ok(digits):
            return None
        if len(set(digits)) == 1:
            return None  # 0000 0000 0000 0000: a placeholder
        grouped = digits == value or printed_like_a_card(value)
        if known_issuer(digits) and grouped and (len(digits) > 12 or digits != value):
            return 0.9 if digits != value else 0.7  # 12 bare digits (Maestro) are too often an ID
        if cued and (grouped or len(digits) >= 13):
            return 0.6  # Luhn-valid after a card word: a card of a scheme not listed, or oddly grouped
        return None
