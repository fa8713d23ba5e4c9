"""Base64 and double percent-encoding inside URLs (red team round 2, leak 7): a query
value in base64 (standard or URL-safe, padding as %3D) and a key percent-encoded twice
are decoded, and a finding maps to the encoded value."""

from __future__ import annotations

import base64

import pytest

from detectors.base import Detector
from detectors.decoding import decoded_segments
from tests.detectors.test_normalize import AWS_KEY, scan

PLAIN = f"key {AWS_KEY}"
B64 = base64.b64encode(PLAIN.encode()).decode()
URLSAFE = base64.urlsafe_b64encode(f"key {AWS_KEY} ok".encode()).decode()
DOUBLE = "%2541" + AWS_KEY[1:]

URLS = [
    ("base64 query value", B64),
    ("base64 with %3D padding", B64.replace("=", "%3D")),
    ("URL-safe base64", URLSAFE),
    ("double percent-encoding", DOUBLE),
]


@pytest.mark.parametrize(("name", "value"), URLS, ids=[u[0] for u in URLS])
def test_keys_in_url_values_map_to_the_value(detectors: list[Detector], name: str, value: str) -> None:
    text = f"see https://img.example.com/a.png?x=1&d={value} please"
    start = text.index(value)
    spans = [(f.start, f.end) for f in scan(detectors, text) if f.entity_type == "AWS_ACCESS_KEY_ID"]
    assert spans, name
    assert all(s <= start and start + len(value) <= e for s, e in spans), name


def test_ordinary_query_values_decode_to_nothing() -> None:
    text = "https://example.com/search?q=hello+world&page=2&session=abcdef0123456789zz"
    assert decoded_segments(text) is None
