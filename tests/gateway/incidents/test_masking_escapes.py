"""An incident excerpt is masked with the detectors' views too: a JSON-escaped card next to
the flagged SSN in a tool call's arguments (the red team's leak 9) is masked, not stored."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from detectors.base import Category, Finding
from gateway.incidents.evidence import excerpt_window
from gateway.incidents.masking import mask_excerpts
from gateway.policy.policy import load_policy
from gateway.screening.inline import InlineScanner
from tests.gateway.incidents.test_incident_store import seen

ARGUMENTS = '{"ssn": "536-22-8726", "card": "\\u0034111111111111111"}'  # as the answer carries it


async def test_an_escaped_card_beside_the_flagged_value_is_masked() -> None:
    policy = load_policy(Path(__file__).parents[3] / "policies" / "default.yaml")
    assert policy.detection is not None
    inline = InlineScanner.from_config(policy.detection)
    assert inline is not None

    async def scan(texts: Sequence[str]) -> list[list[Finding]]:  # the pool's scan, without NER
        return inline.scan(texts, None)[0]

    at = ARGUMENTS.index("536")
    ssn = Finding("US_SSN", at, at + 11, 0.9, "pii", Category.PII)
    window = excerpt_window(ARGUMENTS, [ssn], ssn, 120)
    [out] = await mask_excerpts([dataclasses.replace(seen(), excerpt=None, window=window)], scan)
    assert out.excerpt == '{"ssn": "<US_SSN>", "card": "<CREDIT_CARD>"}'
