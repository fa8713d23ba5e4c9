"""Fixtures shared by the detector view tests."""

from __future__ import annotations

import pytest

from detectors.base import Detector
from detectors.registry import build_detectors
from tests.detectors.test_normalize import CONFIG


@pytest.fixture(scope="module")
def detectors() -> list[Detector]:
    """The pattern detectors (no NER) under test_normalize's CONFIG, which the view tests scan with."""
    return build_detectors(CONFIG, with_ner=False)
