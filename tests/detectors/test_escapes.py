"""Values behind JSON, HTML/XML and Markdown escapes are found on the escaped characters
sent, and ordinary code and markup gain no finding."""

from __future__ import annotations

import pytest

from detectors.base import Detector
from detectors.escapes import unescaped_view
from tests.detectors.test_normalize import AWS_KEY, EMAIL, SSN, covered, plain_scan, scan


def json_escaped(value: str, count: int) -> str:
    """The first ``count`` characters of ``value`` as JSON \\uXXXX escapes."""
    return "".join(f"\\u{ord(c):04x}" for c in value[:count]) + value[count:]


def html_decimal(value: str, count: int) -> str:
    return "".join(f"&#{ord(c)};" for c in value[:count]) + value[count:]


# (name, planted form, entity type): each is missed by a scan of the text alone.
PLANTED = [
    ("JSON escapes", json_escaped(SSN, 3), "US_SSN"),
    ("JSON escapes upper-case", json_escaped(SSN, 11).upper().replace("\\U", "\\u"), "US_SSN"),
    ("JSON-escaped e-mail", EMAIL.replace("@", "\\u0040"), "EMAIL_ADDRESS"),
    ("JSON-escaped key", json_escaped(AWS_KEY, 4), "AWS_ACCESS_KEY_ID"),
    ("HTML decimal references", html_decimal(SSN, 3), "US_SSN"),
    ("HTML references without semicolons", "&#53&#51&#54-22-8741", "US_SSN"),
    ("HTML hex references", "".join(f"&#x{ord(c):x};" for c in SSN[:3]) + SSN[3:], "US_SSN"),
    ("HTML reference in an e-mail", EMAIL.replace("@", "&#64;"), "EMAIL_ADDRESS"),
    ("HTML named references", EMAIL.replace("@", "&commat;").replace(".", "&period;"), "EMAIL_ADDRESS"),
    ("HTML-escaped key", html_decimal(AWS_KEY, 20), "AWS_ACCESS_KEY_ID"),
    ("Markdown escapes", SSN.replace("-", "\\-"), "US_SSN"),
    ("Markdown-escaped e-mail", EMAIL.replace("@", "\\@").replace(".", "\\."), "EMAIL_ADDRESS"),
    ("escaped full-width digits", json_escaped("\uff15\uff13\uff16-22-8741", 3), "US_SSN"),
]


@pytest.mark.parametrize(("name", "value", "entity_type"), PLANTED, ids=[p[0] for p in PLANTED])
def test_escaped_values_are_found_on_the_escaped_characters(
    detectors: list[Detector], name: str, value: str, entity_type: str
):
    text = f'{{"note": "Please keep my SSN, card, mail or key: {value} and thanks."}}'
    start = text.index(value)
    assert not covered(plain_scan(detectors, text), entity_type, start, start + len(value)), name  # the defect
    spans = [(f.start, f.end) for f in scan(detectors, text) if f.entity_type == entity_type]
    assert (start, start + len(value)) in spans


def test_each_character_maps_back_to_its_escape():
    text = "a \\u0035&#51;&amp;\\-\\\\u0035 \\ud83d\\ude00!"
    view = unescaped_view(text)
    assert view is not None
    assert view.text == "a 53&-\\u0035 \U0001f600!"
    assert view.span(2, 3) == (2, 8)  # \u0035
    assert view.span(3, 5) == (8, 18)  # &#51; and &amp;
    assert view.span(6, 7) == (20, 22)  # an escaped backslash, then plain letters
    assert view.span(13, 14) == (28, 40)  # a surrogate pair is one character


def test_what_is_no_escape_stays():
    assert unescaped_view("R&D and Q&A, C:\\Users\\alice\\notes.txt, a\\nb") is None
    assert unescaped_view("?a=1&copy=2&nosuch; and a lone \\ud83d surrogate") is None
    assert unescaped_view("no escapes at all") is None


ORDINARY = [
    r'print("a\tb\n"); re.compile(r"\d{3}\.\d+\s*\(x\)"); path = "C:\\Program Files\\app"',
    '{"msg": "caf\\u00e9 \\u2014 na\\u00efve \\"quoted\\" text", "n": 12, "url": "https:\\/\\/example.org\\/a"}',
    "<p>Fish &amp; chips &lt;b&gt; &copy; 2024 &mdash; &#8220;quoted&#8221; &nbsp;&euro;5</p>",
    "Markdown: 1\\. not a list, \\*not bold\\*, \\_not italic\\_, \\# not a heading, a\\|b table.",
    "SELECT * FROM t WHERE name LIKE 'a\\_b%' ESCAPE '\\'; -- 2024-05-17",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_code_and_markup_gain_no_finding(detectors: list[Detector], text: str):
    assert {(f.entity_type, f.start, f.end) for f in scan(detectors, text)} == plain_scan(detectors, text)
