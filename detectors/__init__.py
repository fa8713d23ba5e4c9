"""Detectors for PII, secrets, confidential data and prompt injection (see issue 3)."""
