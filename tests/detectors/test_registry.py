"""The registry builds only what the policy configures, with or without spaCy's NER model."""

from __future__ import annotations

import json
from pathlib import Path

from detectors.base import Category
from detectors.pii.detector import PiiDetector
from detectors.pii.ner import ner_windows
from detectors.registry import DetectorsConfig, build_detectors, entity_categories

CORPUS = Path(__file__).resolve().parent.parent / "data" / "pii_corpus.jsonl"


def test_only_configured_detectors_are_built():
    config = DetectorsConfig.model_validate({"secrets": {}, "injection": {}})
    assert [d.name for d in build_detectors(config)] == ["secrets", "injection"]
    assert entity_categories(config)["PRIVATE_KEY"] is Category.SECRET


def test_without_ner_no_model_is_loaded_and_texts_without_windows_give_the_same_findings():
    config = DetectorsConfig.model_validate({"secrets": {}, "pii": {}, "confidential": {"markers": True}})
    full, light = build_detectors(config), build_detectors(config, with_ner=False)
    pii = next(d for d in light if isinstance(d, PiiDetector))
    assert pii._ner is None
    assert pii.entity_types == next(d for d in full if isinstance(d, PiiDetector)).entity_types
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in rows if not ner_windows(r["text"])][:400]
    assert len(texts) == 400

    def findings(detectors: list, text: str) -> list[tuple[str, int, int]]:  # type: ignore[type-arg]
        return sorted((f.entity_type, f.start, f.end) for d in detectors for f in d.detect(text))

    assert [findings(light, t) for t in texts] == [findings(full, t) for t in texts]
    assert sum(bool(findings(light, t)) for t in texts) > 100  # the sample does have findings
