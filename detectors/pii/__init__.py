"""The PII detectors: the detector, its recognizers and NER, and the entity-specific finders (issue 17)."""
