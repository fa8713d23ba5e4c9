"""The registry builds only what the policy configures; model_free drops what needs spaCy."""

from __future__ import annotations

from detectors.base import Category
from detectors.pii_ner import NER_ENTITIES
from detectors.registry import DetectorsConfig, build_detectors, entity_categories, model_free


def test_only_configured_detectors_are_built():
    config = DetectorsConfig.model_validate({"secrets": {}, "injection": {}})
    assert [d.name for d in build_detectors(config)] == ["secrets", "injection"]


def test_model_free_keeps_pattern_pii_and_drops_names_and_places():
    config = DetectorsConfig.model_validate({"secrets": {}, "pii": {}, "confidential": {"markers": True}})
    light = model_free(config)
    assert light.pii is not None
    assert light.pii.enabled() == config.pii.enabled() - NER_ENTITIES  # type: ignore[union-attr]
    assert "US_SSN" in light.pii.enabled()
    assert not light.pii.enabled() & NER_ENTITIES
    kept = entity_categories(light)
    assert set(kept) == set(entity_categories(config)) - NER_ENTITIES
    assert kept["US_SSN"] is Category.PII
    assert "PRIVATE_KEY" in kept


def test_model_free_removes_pii_that_is_only_names():
    config = DetectorsConfig.model_validate({"pii": {"entities": ["PERSON", "LOCATION"]}})
    assert model_free(config).pii is None
    assert not model_free(config).enabled


def test_model_free_leaves_a_config_without_pii_alone():
    config = DetectorsConfig.model_validate({"secrets": {}})
    assert model_free(config) == config
