"""SSN and card shapes with mixed or uncommon separators (red team round 2, leak 1)."""

from __future__ import annotations

import pytest

from detectors.base import Detector, Finding
from detectors.normalize import normalized_view
from detectors.registry import DetectorsConfig, build_detectors
from gateway.screening.inline import scan_timed

CONFIG = DetectorsConfig.model_validate({"secrets": {}, "pii": {}, "confidential": {}, "injection": {}})


@pytest.fixture(scope="module")
def detectors() -> list[Detector]:
    return build_detectors(CONFIG, with_ner=False)


def scan(detectors: list[Detector], text: str) -> list[Finding]:
    (found,), _ = scan_timed(detectors, [text], None)
    return found


@pytest.mark.parametrize(
    ("value", "entity_type"),
    [
        ("536-22 8726", "US_SSN"),
        ("536 - 22 - 8726", "US_SSN"),
        ("536.22-8726", "US_SSN"),
        ("536 22-8726", "US_SSN"),
        ("536_22 8726", "US_SSN"),
        ("536\u201322 8726", "US_SSN"),
        ("4111-1111 1111.1111", "CREDIT_CARD"),
        ("4111,1111,1111,1111", "CREDIT_CARD"),
        ("4111|1111|1111|1111", "CREDIT_CARD"),
        ("4111 | 1111 | 1111 | 1111", "CREDIT_CARD"),
    ],
)
def test_mixed_separators_are_found_on_the_whole_value(detectors: list[Detector], value: str, entity_type: str) -> None:
    text = f"employee data {value} thanks"
    start = text.index(value)
    found = scan(detectors, text)
    assert any(f.entity_type == entity_type and f.start <= start and start + len(value) <= f.end for f in found)


@pytest.mark.parametrize("value", ["536.22 8726", "536/22 8726"])
def test_odd_separators_read_as_the_weak_spaced_form(value: str) -> None:
    view = normalized_view(f"x {value} y")
    assert view is not None
    assert view.text == "x 536 22 8726 y"


@pytest.mark.parametrize(
    "text",
    [
        "values 1,234,5678 and 12,345",
        "on 2024-05-17 12:00",
        "536 22 8726",
        "pages 10-20, 30-40",
        "ids 1 536 22 8726",
        "| 100 | 20 | 3000 |",
        "scores 120,45,2024 today",
        "values 100, 20, 3000 ok",
    ],
)
def test_ordinary_numbers_keep_their_form(text: str) -> None:
    assert normalized_view(text) is None


def test_a_separator_maps_back_to_the_characters_sent() -> None:
    text = "a 536 - 22 - 8726 b"
    view = normalized_view(text)
    assert view is not None
    assert view.text == "a 536-22-8726 b"
    assert view.span(2, 13) == (2, 17)
