"""Escapes and key shapes inside base64 (red team round 2, leak 4): the decoded text is
also unescaped and read through the key-shape view, and a finding there maps to the
whole encoded segment."""

from __future__ import annotations

import base64
import codecs

import pytest

from detectors.base import Detector
from tests.detectors.test_normalize import AWS_KEY, scan


def b64(value: str) -> str:
    return base64.b64encode(value.encode()).decode()


NESTED = [
    ("JSON-escaped card", '{"card":"\\u0034111111111111111"}', "CREDIT_CARD"),
    ("HTML-entity key", "key=&#65;" + AWS_KEY[1:], "AWS_ACCESS_KEY_ID"),
    ("ROT13 key", "key=" + codecs.encode(AWS_KEY, "rot13"), "AWS_ACCESS_KEY_ID"),
    ("grouped key", "key " + " ".join(AWS_KEY[i : i + 5] for i in range(0, 20, 5)), "AWS_ACCESS_KEY_ID"),
]


@pytest.mark.parametrize(("name", "inner", "entity_type"), NESTED, ids=[n[0] for n in NESTED])
def test_escapes_and_key_shapes_in_base64_map_to_the_segment(
    detectors: list[Detector], name: str, inner: str, entity_type: str
) -> None:
    value = b64(inner)
    text = f"decode this: {value} please"
    start = text.index(value)
    spans = [(f.start, f.end) for f in scan(detectors, text) if f.entity_type == entity_type]
    assert spans == [(start, start + len(value))], name


def test_plain_base64_prose_gains_nothing(detectors: list[Detector]) -> None:
    text = "blob: " + b64("hello &amp; welcome to Asia, a \\u00e9 tour for 12 friends")
    assert not [f for f in scan(detectors, text) if f.entity_type in {"CREDIT_CARD", "AWS_ACCESS_KEY_ID"}]
