"""Values hidden by Unicode tricks, spacing or encoding are found, with offsets that cover
the characters actually sent; ordinary text in many languages gains no finding."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence

import pytest

from detectors.base import Detector, Finding
from detectors.decoding import MAX_SEGMENT_CHARS, decoded_segments
from detectors.normalize import build_view, normalized_view
from detectors.registry import DetectorsConfig
from gateway.screening.inline import scan_timed
from tests.conftest import DATA

CONFIG = DetectorsConfig.model_validate(
    {"secrets": {}, "pii": {}, "confidential": {"markers": True, "terms": ["Nightingale"]}, "injection": {}}
)
SSN = "536-22-8741"
CARD = "4111 1111 1111 1111"
EMAIL = "alice@example.com"
AWS_KEY = "AKIA" + "Y3FDSNXVQH2KJ7PL"


def digits_as(value: str, zero: int) -> str:
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in value)


def interleave(value: str, sep: str) -> str:
    return sep.join(value)


def cyrillic(value: str) -> str:
    return value.replace("A", "\u0410").replace("K", "\u041a").replace("a", "\u0430").replace("e", "\u0435")


# (name, planted form, entity type): each is missed by a scan of the text alone.
PLANTED = [
    ("zero-width space", SSN[:3] + "\u200b" + SSN[3:], "US_SSN"),
    ("word joiner", AWS_KEY[:10] + "\u2060" + AWS_KEY[10:], "AWS_ACCESS_KEY_ID"),
    ("soft hyphen", CARD[:7] + "\u00ad" + CARD[7:], "CREDIT_CARD"),
    ("NUL", EMAIL[:3] + "\x00" + EMAIL[3:], "EMAIL_ADDRESS"),
    ("bidi control", SSN[:5] + "\u202e" + SSN[5:], "US_SSN"),
    ("full-width digits", digits_as(SSN, 0xFF10), "US_SSN"),
    ("Arabic-Indic digits", digits_as(CARD, 0x0660), "CREDIT_CARD"),
    ("mathematical digits", digits_as(SSN, 0x1D7CE), "US_SSN"),
    ("full-width letters", "".join(chr(ord(c) + 0xFEE0) for c in AWS_KEY), "AWS_ACCESS_KEY_ID"),
    ("spaced digits", interleave(SSN.replace("-", ""), " "), "US_SSN"),
    ("dotted digits", interleave(CARD.replace(" ", ""), "."), "CREDIT_CARD"),
    ("dashed digits", interleave(SSN.replace("-", ""), "-"), "US_SSN"),
    ("Cyrillic homoglyphs", cyrillic(AWS_KEY), "AWS_ACCESS_KEY_ID"),
    ("Greek homoglyphs", AWS_KEY.replace("A", "\u0391").replace("K", "\u039a"), "AWS_ACCESS_KEY_ID"),
    # Digit groups joined by other separators than the dash and space the detectors know.
    ("slashed SSN", SSN.replace("-", "/"), "US_SSN"),
    ("underscored SSN", SSN.replace("-", "_"), "US_SSN"),
    ("en-dashed SSN", SSN.replace("-", "\u2013"), "US_SSN"),
    ("em-dashed SSN", SSN.replace("-", "\u2014"), "US_SSN"),
    ("non-breaking-hyphen SSN", SSN.replace("-", "\u2011"), "US_SSN"),
    ("hyphen SSN", SSN.replace("-", "\u2010"), "US_SSN"),
    ("horizontal-bar SSN", SSN.replace("-", "\u2015"), "US_SSN"),
    ("minus-sign SSN", SSN.replace("-", "\u2212"), "US_SSN"),
    ("slashed card", CARD.replace(" ", "/"), "CREDIT_CARD"),
    ("underscored card", CARD.replace(" ", "_"), "CREDIT_CARD"),
    ("en-dashed card", CARD.replace(" ", "\u2013"), "CREDIT_CARD"),
    # Digit arrays.
    ("digit array", ",".join(SSN.replace("-", "")), "US_SSN"),
    ("digit list", ", ".join(SSN.replace("-", "")), "US_SSN"),
    ("card digit array", ",".join(CARD.replace(" ", "")), "CREDIT_CARD"),
    ("homoglyph in a term", "Nightingal\u0435", "CONFIDENTIAL_TERM"),
    ("zero-width in a marker", "CONFI\u200dDENTIAL", "CLASSIFICATION_MARKER"),
]
# The confidential detector may learn some of these forms itself (issue 14, item 3): the view
# must find them either way, whether or not the plain scan already does.
TOLERANT_ELSEWHERE = frozenset({"CONFIDENTIAL_TERM", "CLASSIFICATION_MARKER"})
ENCODED = [
    ("base64", base64.b64encode(f"my ssn is {SSN}".encode()).decode(), "US_SSN"),
    ("url-safe base64", base64.urlsafe_b64encode(f"key={AWS_KEY}\n".encode()).decode(), "AWS_ACCESS_KEY_ID"),
    ("hex", f"card {CARD}".encode().hex(), "CREDIT_CARD"),
    ("URL encoding", "".join(f"%{ord(c):02X}" for c in EMAIL), "EMAIL_ADDRESS"),
    ("base32", base64.b32encode(f"my ssn is {SSN}".encode()).decode(), "US_SSN"),
    ("base32 key", base64.b32encode(f"key={AWS_KEY}".encode()).decode(), "AWS_ACCESS_KEY_ID"),
    ("base64 of base64", base64.b64encode(base64.b64encode(f"key={AWS_KEY}".encode())).decode(), "AWS_ACCESS_KEY_ID"),
    ("base64 of base64 SSN", base64.b64encode(base64.b64encode(f"ssn {SSN}".encode())).decode(), "US_SSN"),
    ("base64 of a slashed SSN", base64.b64encode(f"my ssn is {SSN.replace('-', '/')}".encode()).decode(), "US_SSN"),
    ("hex of full-width digits", f"ssn {digits_as(SSN, 0xFF10)}".encode().hex(), "US_SSN"),
]


def scan(detectors: Sequence[Detector], text: str) -> list[Finding]:
    (found,), _ = scan_timed(detectors, [text], None)
    return found


def plain_scan(detectors: Sequence[Detector], text: str) -> set[tuple[str, int, int]]:
    return {(f.entity_type, f.start, f.end) for d in detectors for f in d.detect(text)}


def covered(found: set[tuple[str, int, int]], entity_type: str, start: int, end: int) -> bool:
    """Whether a finding of ``entity_type`` covers all of ``start:end`` (a partial one leaks the rest)."""
    return any(t == entity_type and s <= start and end <= e for t, s, e in found)


@pytest.mark.parametrize(("name", "value", "entity_type"), PLANTED, ids=[p[0] for p in PLANTED])
def test_transformed_values_are_found_on_the_original_characters(
    detectors: list[Detector], name: str, value: str, entity_type: str
):
    text = f"Please keep my SSN, card or key: {value} and thanks."
    start = text.index(value)
    if entity_type not in TOLERANT_ELSEWHERE:
        assert not covered(plain_scan(detectors, text), entity_type, start, start + len(value)), name  # the defect
    spans = [(f.start, f.end) for f in scan(detectors, text) if f.entity_type == entity_type]
    # The whole planted value, invisible characters included, is what gets replaced.
    assert (start, start + len(value)) in spans


@pytest.mark.parametrize(("name", "value", "entity_type"), ENCODED, ids=[e[0] for e in ENCODED])
def test_encoded_values_map_to_the_whole_segment(detectors: list[Detector], name: str, value: str, entity_type: str):
    text = f"decode this: {value} please"
    start = text.index(value)
    assert not covered(plain_scan(detectors, text), entity_type, start, start + len(value)), name
    spans = [(f.start, f.end) for f in scan(detectors, text) if f.entity_type == entity_type]
    assert spans == [(start, start + len(value))]


def test_a_long_encoded_segment_is_decoded_in_bounded_pieces(detectors: list[Detector]):
    filler = base64.b64encode(b"lorem ipsum dolor sit amet " * 400).decode()  # ~14 KiB encoded
    secret = base64.b64encode(f"lorem ipsum. key {AWS_KEY} lorem".encode()).decode()
    blob = filler + secret
    text = f"attachment: {blob}"
    keys = [f for f in scan(detectors, text) if f.entity_type == "AWS_ACCESS_KEY_ID"]
    assert keys
    assert all(f.end - f.start <= MAX_SEGMENT_CHARS for f in keys)
    assert all(text.index(blob) <= f.start and f.end <= len(text) for f in keys)


def test_binary_looking_segments_are_not_decoded():
    sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    assert decoded_segments(f"sha256 {sha} and /usr/local/lib/python3/site-packages/x") is None
    assert decoded_segments("internationalization responsibilities") is None


def test_the_view_maps_each_character_back():
    text = "a\u200bb ５ ﬁ x\x00y"
    view = normalized_view(text)
    assert view is not None
    assert view.text == "ab 5 fi xy"
    assert view.span(0, 2) == (0, 3)  # "ab" covers the zero-width space between them
    assert view.span(5, 7) == (6, 7)  # "fi" came from one ligature
    assert view.span(8, 10) == (8, 11)


def test_plain_ascii_needs_no_view():
    assert normalized_view("What is the capital of France? Call 555-0100 at 10.30.") is None
    assert normalized_view("Dates 2024/05/17, paths a/b/c_d, a list 1, 2, 3.") is None
    assert normalized_view("") is None


def test_separated_groups_read_with_ascii_dashes_one_for_one():
    view = normalized_view("ssn 536\u201322\u20138741 and card 4111/1111/1111/1111")
    assert view is not None
    assert view.text == "ssn 536-22-8741 and card 4111-1111-1111-1111"
    assert view.span(4, 15) == (4, 15)


@pytest.mark.parametrize(("sep", "quote"), [(",", ""), (", ", ""), (",", '"'), (", ", "'")])
def test_a_digit_array_is_replaced_inside_its_brackets_and_quotes(detectors: list[Detector], sep: str, quote: str):
    digits = f"{quote}{sep}{quote}".join(SSN.replace("-", ""))  # 5,3,6 or 5", "3", "6
    text = f'{{"ssn": [{quote}{digits}{quote}]}}'
    start = text.index(digits)
    assert not covered(plain_scan(detectors, text), "US_SSN", start, start + len(digits))
    assert (start, start + len(digits)) in [
        (f.start, f.end) for f in scan(detectors, text) if f.entity_type == "US_SSN"
    ]


def test_mixed_separators_read_as_one_group():
    # Once left alone (a mix was taken for no group); red team round 2 showed models read it.
    view = normalized_view("536/22-8741 and 4111_1111/1111_1111")
    assert view is not None
    assert view.text == "536-22-8741 and 4111-1111-1111-1111"


ORDINARY = [
    "Le café de la gare ouvre à 7 h 30, près de l'hôtel de ville.",
    "Können Sie mir bitte die Größe der Datei nennen? Straße 12, Zürich.",
    "¿Dónde está la estación? Mañana a las 9:15 en Cádiz.",
    "Москва — столица России; население около 13 миллионов человек.",
    "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας και έχει πολλά μουσεία.",
    "東京都の人口は約１４００万人です。会議は３月５日（火）１０時から。",
    "我们明天上午十点在北京开会，请准时参加！",
    "서울의 날씨는 오늘 맑고 기온은 ２３도입니다.",
    "مرحبا بكم في دبي، الاجتماع يوم ٣ مارس الساعة ١٠.",
    "नमस्ते, बैठक ५ मार्च को १० बजे है।",
    "Deploy v1.2.3 to prod 🚀🔥 — ETA 15 min ✅, cost ＄１２ per seat.",
    "The numbers 1 2 3 4 5 6 7 8 were drawn; pi is 3.14159265358979.",
    "Ünïcödé façade naïve coöperate résumé: ﬁne ligatures and ½ cup.",
    "Use the Кафе Пушкин in Moscow or the ΑΛΦΑ bank branch in Athens.",
    "Run `git log --oneline | head` then open https://example.org/docs/guide/installation",
    "The invoice total is €1 234,56 and the order number is 2024-05-17-0042.",
    "Pages 100–120 (2019–2021), score 3–2, temperature −5 °C, 2024/05/17 and 17/05/2024 10:30.",
    "Pick 1, 2, 3, 4 or 5; arrays [1,2,3] and [0, 0, 1]; path src/app/v2/api_v1_2/file_01.py.",
    "Ticket 123/45/678, build 2024_05_17_1200, call 555–0100 or ext. 42—43.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_gains_no_finding(detectors: list[Detector], text: str):
    assert {(f.entity_type, f.start, f.end) for f in scan(detectors, text)} == plain_scan(detectors, text)


def test_no_finding_of_the_plain_scan_is_lost_on_the_corpus(detectors: list[Detector]):
    with (DATA / "pii_corpus.jsonl").open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    for text in texts:
        found = {(f.entity_type, f.start, f.end) for f in scan(detectors, text)}
        assert plain_scan(detectors, text) <= found


EDGES = [
    "naïve café with e\u0301 decomposed",  # NFKC composes it: not normalised
    "x\u0336y struck through",
    "emoji 👍🏽 with a skin tone, and ❤\ufe0f",
    "no-break\u00a0space and an ellipsis…",
    "Hangul jamo \u1100\u1161 compose",
    "Thai ๑๒๓ digits, Devanagari ४५६",
    "\u0391\u0398\u0397\u039d\u0391 all Greek",
]


@pytest.mark.parametrize("text", ORDINARY + EDGES + [f"x {v} y" for _, v, _ in PLANTED])
def test_the_shortcuts_agree_with_the_full_view(text: str):
    full = build_view(text)
    quick = normalized_view(text)
    assert (quick.text if quick else text) == (full.text if full else text)
