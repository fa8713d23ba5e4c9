"""PiiDetector.prepared: NER over several texts in one spaCy run gives each text the findings it gets alone."""

from __future__ import annotations

import pytest

from detectors.pii.detector import PiiConfig, PiiDetector

TEXTS = [
    "Please ask Maria Gonzalez in Madrid to call me back.",
    "Katarzyna Adeyemi lives in Paris; her e-mail is kadeyemi@example.org.",
    "no names here, just lowercase chat about deploys",
    "Summarize this ticket: user Ngozi Hussain from Zurich reported it.\n\nThanks, Tom",
]


@pytest.fixture(scope="module")
def detector() -> PiiDetector:
    return PiiDetector.from_config(PiiConfig())


def test_each_text_gets_its_own_findings_from_a_shared_run(detector: PiiDetector) -> None:
    alone = [detector.detect(text) for text in TEXTS]
    assert any(f.entity_type == "PERSON" for f in alone[0])  # NER does find names here
    with detector.prepared([(TEXTS[:2], None), (TEXTS[2:], None)]):
        together = [detector.detect(text) for text in TEXTS]
    assert together == alone


def test_the_texts_are_forgotten_on_leaving(detector: PiiDetector) -> None:
    with detector.prepared([(TEXTS, None)]):
        assert detector._known  # the spans are held only while inside
    assert detector._known == {}


def test_scans_that_want_no_names_run_no_ner(detector: PiiDetector) -> None:
    with detector.prepared([(TEXTS, frozenset({"EMAIL_ADDRESS"}))]):
        assert detector._known == {}
        found = detector.detect(TEXTS[1], frozenset({"EMAIL_ADDRESS"}))
    assert [f.entity_type for f in found] == ["EMAIL_ADDRESS"]
