"""AWS key ids lower-cased or grouped, and keys in ROT13, are found on the characters
sent; prose that starts like a key prefix gains no finding."""

from __future__ import annotations

import codecs

import pytest

from detectors.base import Detector
from detectors.keyshapes import key_view
from tests.detectors.test_normalize import AWS_KEY, covered, plain_scan, scan

NO_DIGIT_KEY = "AKIA" + "QWERTYUIOPASDFGH"
GITHUB_TOKEN = "ghp_" + "Zx9Kq2Lm4Np6Rs8Tu0Vw1Xy3Za5Bc7De9Fg1"


def grouped(value: str, size: int, sep: str) -> str:
    return sep.join(value[i : i + size] for i in range(0, len(value), size))


# (name, planted form, entity type): each is missed by a scan of the text alone.
PLANTED = [
    ("lower-case key id", AWS_KEY.lower(), "AWS_ACCESS_KEY_ID"),
    ("lower-case key id without digits", NO_DIGIT_KEY.lower(), "AWS_ACCESS_KEY_ID"),
    ("mixed-case key id", AWS_KEY[:10].lower() + AWS_KEY[10:], "AWS_ACCESS_KEY_ID"),
    ("key id in fours with spaces", grouped(NO_DIGIT_KEY, 4, " "), "AWS_ACCESS_KEY_ID"),
    ("key id in fours with dashes", grouped(AWS_KEY, 4, "-"), "AWS_ACCESS_KEY_ID"),
    ("key id in fours with dots, lower-case", grouped(AWS_KEY, 4, ".").lower(), "AWS_ACCESS_KEY_ID"),
    ("key id letter by letter", grouped(NO_DIGIT_KEY, 1, "."), "AWS_ACCESS_KEY_ID"),
    ("key id letter by letter with spaces", grouped(AWS_KEY, 1, " "), "AWS_ACCESS_KEY_ID"),
    ("key id in fives with spaces", grouped(AWS_KEY, 5, " "), "AWS_ACCESS_KEY_ID"),
    ("key id in twos with dashes", grouped(AWS_KEY, 2, "-"), "AWS_ACCESS_KEY_ID"),
    ("key id in twos with spaces", grouped(AWS_KEY, 2, " "), "AWS_ACCESS_KEY_ID"),
    ("key id in fours with slashes", grouped(AWS_KEY, 4, "/"), "AWS_ACCESS_KEY_ID"),
    ("key id in fours, one per line", grouped(AWS_KEY, 4, "\n"), "AWS_ACCESS_KEY_ID"),
    ("key id in fours with commas", grouped(AWS_KEY, 4, ", "), "AWS_ACCESS_KEY_ID"),
    ("key id split after three", AWS_KEY[:3] + " " + AWS_KEY[3:], "AWS_ACCESS_KEY_ID"),
    ("key id in uneven groups", AWS_KEY[:6] + "-" + AWS_KEY[6:13] + " " + AWS_KEY[13:], "AWS_ACCESS_KEY_ID"),
    ("ROT13 key id", codecs.encode(AWS_KEY, "rot13"), "AWS_ACCESS_KEY_ID"),
    ("ROT13 GitHub token", codecs.encode(GITHUB_TOKEN, "rot13"), "GITHUB_TOKEN"),
]


@pytest.mark.parametrize(("name", "value", "entity_type"), PLANTED, ids=[p[0] for p in PLANTED])
def test_keys_in_other_shapes_are_found_on_the_characters_sent(
    detectors: list[Detector], name: str, value: str, entity_type: str
):
    text = f"deploy it with this key: {value} and thanks."
    start = text.index(value)
    assert not covered(plain_scan(detectors, text), entity_type, start, start + len(value)), name  # the defect
    spans = [(f.start, f.end) for f in scan(detectors, text) if f.entity_type == entity_type]
    assert (start, start + len(value)) in spans


def test_separators_are_dropped_and_each_character_maps_back():
    text = f"id {grouped(AWS_KEY, 4, ' ')}."
    view = key_view(text)
    assert view is not None
    assert view.text == f"id {AWS_KEY}."
    assert view.span(3, 23) == (3, 27)


ORDINARY = [
    "Asia Tour Plan With Many stops: akia is not a word, asia-pacific region 2024.",
    "asia tour plan with many friends; Acca Cola; a.k.i.a. was a typo",
    "The ASIA-PACIFIC office and the ACCA exam board; Nxvn and fxy are nothing.",
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRST accaccaccaccaccaccac",
    "Asia is a big continent with 2 parts, and Asia 2024 tour plan is on.",
    "ASIA 2024 TRIP: BOOKED, PAID AND DONE; a k i a 12 friends came along.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_prose_gains_no_finding(detectors: list[Detector], text: str):
    assert {(f.entity_type, f.start, f.end) for f in scan(detectors, text)} == plain_scan(detectors, text)
