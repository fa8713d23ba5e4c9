"""Values written as digit words, backwards, quoted-printable or with dotted groups are
found on the characters sent, and ordinary text (counting words, dates, versions, the
PII corpus's invalid card numbers) gains no finding."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence

import pytest

from detectors.base import Detector, Finding
from detectors.decoding import decoded_segments
from detectors.spelled import reversed_segments, spelled_digits
from detectors.views import TextViews, detect
from tests.conftest import DATA
from tests.detectors.test_normalize import AWS_KEY, EMAIL, covered, plain_scan

SSN_WORDS = "five three six two two eight seven four one"
GITHUB_TOKEN = "ghp_" + "Zx9Kq2Lm4Np6Rs8Tu0Vw1Xy3Za5Bc7De9Fg1"


def qp(value: str) -> str:
    return "".join(f"={ord(c):02X}" for c in value)


def scan(detectors: Sequence[Detector], text: str) -> list[Finding]:
    views = TextViews.of(text)
    return [f for d in detectors for f in detect(d, text, views, None)]


# (name, planted form, entity type): each is missed by a scan of the text alone.
PLANTED = [
    ("digit words", SSN_WORDS, "US_SSN"),
    ("hyphenated digit words", SSN_WORDS.replace(" ", "-"), "US_SSN"),
    ("grouped digit words", "Five three six, two two, eight seven four one", "US_SSN"),
    ("double and oh", "five three six double two eight oh four one", "US_SSN"),
    ("card in words", "four " + "one " * 14 + "one", "CREDIT_CARD"),
    ("words with a zero-width space", "five three six\u200b two two eight seven four one", "US_SSN"),
    ("reversed SSN", "536-22-8741"[::-1], "US_SSN"),
    ("reversed AWS key", AWS_KEY[::-1], "AWS_ACCESS_KEY_ID"),
    ("reversed GitHub token", GITHUB_TOKEN[::-1], "GITHUB_TOKEN"),
    ("reversed e-mail", EMAIL[::-1], "EMAIL_ADDRESS"),
    ("reversed key id without digits", ("AKIA" + "QWERTYUIOPASDFGH")[::-1], "AWS_ACCESS_KEY_ID"),
    ("digit words and digits", "five 3 six-22-8741", "US_SSN"),
    ("digits and digit words", "5 three 6 2 two 8 7 four 1", "US_SSN"),
    ("card in digits and words", "four 111 1111 one111 1111".replace("one111", "1111"), "CREDIT_CARD"),
    ("dotted SSN", "536.22.8741", "US_SSN"),
    ("dotted card", "4111.1111.1111.1111", "CREDIT_CARD"),
    ("quoted-printable SSN", qp("536-22-8741"), "US_SSN"),
    ("quoted-printable e-mail", qp(EMAIL), "EMAIL_ADDRESS"),
    ("quoted-printable soft break", qp(EMAIL)[:15] + "=\r\n" + qp(EMAIL)[15:], "EMAIL_ADDRESS"),
    ("quoted-printable dashes", "536=2D22=2D8741", "US_SSN"),
]


@pytest.mark.parametrize(("name", "value", "entity_type"), PLANTED, ids=[p[0] for p in PLANTED])
def test_planted_values_are_found_on_the_original_characters(
    detectors: list[Detector], name: str, value: str, entity_type: str
):
    text = f"Please keep my SSN, card, mail or key: {value} and thanks."
    start = text.index(value)
    assert not covered(plain_scan(detectors, text), entity_type, start, start + len(value)), name  # the defect
    spans = [(f.start, f.end) for f in scan(detectors, text) if f.entity_type == entity_type]
    assert (start, start + len(value)) in spans


def test_each_digit_maps_back_to_its_words():
    text = "ssn: six double two oh nine four five six"
    view = spelled_digits(text)
    assert view is not None
    assert view.text == "ssn: 62209456"
    assert view.span(5, 6) == (5, 8)  # "six"
    assert view.span(6, 8) == (9, 19)  # both 2s: "double two"
    assert view.span(8, 9) == (20, 22)  # "oh" inside the run is 0
    assert view.span(5, 13) == (5, len(text))


def test_any_case_even_where_lower_case_changes_lengths():
    text = "\u0130stanbul office: FIVE Three SIX two two eight seven four one"  # "İ".lower() is 2 characters
    view = spelled_digits(text)
    assert view is not None
    assert view.text == "\u0130stanbul office: 536228741"
    assert view.span(17, 26) == (17, len(text))


def test_separators_beside_numbers_are_kept():
    view = spelled_digits("ssn five 3 six-22-8741, ok")
    assert view is not None
    assert view.text == "ssn 536-22-8741, ok"
    assert view.span(4, 7) == (4, 14)  # "five 3 six"
    assert view.span(7, 8) == (14, 15)  # the dash itself


def test_numbers_alone_are_no_run():
    assert spelled_digits("one of 2024-05-17 10 30 12 and 1 2 3 4 5 6 7 8") is None


def test_a_run_too_short_or_edged_by_oh_is_not_digits():
    assert spelled_digits("one two three four five six") is None
    view = spelled_digits("oh one two three four five six seven oh")
    assert view is not None
    assert view.text == "oh 1234567 oh"


ORDINARY = [
    "I have two cats and three dogs, one of them is nine years old.",
    "Count with me: one, two, three, four, five, six, seven, eight, nine, ten!",
    "Oh, one more thing: two or three of the five reviewers, six at most, approved.",
    "Five, four, three, two, one, zero... liftoff! Then seven eight nine.",
    "The release v2.10.3 shipped on 2024-05-17; build 20240517.1234, commit 1a2b3c4d5e6f7a8b9c0d.",
    "Meeting on 05.17.2024 at 10.30, room 101.22.3; IP 192.168.10.254 and 10.0.0.1.",
    "Version 1.22.3333 of lib, 2023.0517.1200.0001 snapshot, ISBN 978-3-16-148410-0.",
    "uuid 123e4567-e89b-12d3-a456-426614174000, sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
    "a=1 b=2 x=3D y=20 equation E=mc2 and color=#FF0000, key=value; total=42.00",
    "Is 4542506344103064 a valid card number? Explain the Luhn check step by step.",
    "Contact support@example.com or visit example.com/path; order ORD-2024-000123456.",
    "Chapter one, 2024-05-17 10:30, room 12 three 45: one 2 three, then 10 20 30 40 five.",
    "Top five 2023 films: one 8.5, two 8.1, three 7.9 out of 10; section 4 six 12 one.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_gains_no_finding(detectors: list[Detector], text: str):
    assert {(f.entity_type, f.start, f.end) for f in scan(detectors, text)} == plain_scan(detectors, text)


def test_the_new_views_add_no_finding_on_the_corpus(detectors: list[Detector]):
    """The corpus holds thousands of SSNs, phone and invoice numbers, e-mails and invalid
    card numbers: read backwards or as spelled digits they must not become new findings."""
    with (DATA / "pii_corpus.jsonl").open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f]
    added: list[tuple[str, str]] = []
    for text in texts:
        views = TextViews.of(text)
        if views.spelled is None and views.reversed is None:
            continue
        without = TextViews(views.normalized, views.decoded)
        for d in detectors:
            before = {(f.entity_type, f.start, f.end) for f in detect(d, text, without, None)}
            added += [
                (t, text[s:e])
                for t, s, e in {(f.entity_type, f.start, f.end) for f in detect(d, text, views, None)} - before
            ]
    assert added == []


def test_bounds_of_the_reversed_view():
    assert reversed_segments("short 12345 words and 2024-05-17 or v1.2.3-rc1") is None
    assert reversed_segments("x" + "a1" * 200) is None  # a blob, not a value
    assert reversed_segments("request e1095d99-d525-4260-45a4-7b29024719db, commit 9f86d081884c7d659a2f") is None
    attachment = "file: " + base64.b64encode(b"notes from the sync, nothing secret here at all").decode()
    assert reversed_segments(attachment) is not None
    assert reversed_segments(attachment, decoded_segments(attachment)) is None  # read decoded instead
    found = reversed_segments(f"({AWS_KEY[::-1]}).")
    assert found is not None
    assert found.text == AWS_KEY


def test_quoted_printable_needs_every_equals_sign_to_escape():
    assert decoded_segments("a=3Db=20c=ZZ and x=41=42=43=44=45=46") is not None  # the second token
    assert decoded_segments("a=3Db=20c=ZZ=41=42=43=44") is None  # one token, "=ZZ" is no escape
