"""The PERSON canary never flakes: every name the generator can draw (all 7,200 combinations of its given
names, middle initials and surnames) is found as one PERSON, and nothing else, by the real detectors (spaCy
NER and Presidio) of the shipped policies, in the probe's sentence, as the detection workers scan it."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from detectors.registry import build_detectors
from gateway.assurance.canaries import GIVEN_NAMES, MIDDLE_INITIALS, PERSON_TEMPLATE, SURNAMES, fresh
from gateway.policy.policy import load_policy
from gateway.screening.worker import scan_batch
from tests.gateway.policy_helpers import DEFAULT_POLICY

STRICT = DEFAULT_POLICY.parent / "examples" / "strict-finance.yaml"
NAMES = [" ".join(parts) for parts in itertools.product(GIVEN_NAMES, MIDDLE_INITIALS, SURNAMES)]


@pytest.mark.parametrize("policy", [DEFAULT_POLICY, STRICT], ids=["default", "strict-finance"])
def test_every_name_the_generator_can_draw_is_found_as_one_person(policy: Path) -> None:
    detection = load_policy(policy).detection
    assert detection is not None
    texts = [PERSON_TEMPLATE.format(value=name) for name in NAMES]
    replies = scan_batch(build_detectors(detection), [([text], None) for text in texts])
    missed: list[str] = []
    for name, text, (status, payload) in zip(NAMES, texts, replies, strict=True):
        assert status == "ok"
        (found,), _ = payload
        start = text.index(name)
        spans = [(f.entity_type, f.start, f.end) for f in found]
        if spans != [("PERSON", start, start + len(name))]:
            missed.append(name)
    assert len(NAMES) == 7200
    assert missed == []


def test_the_name_is_drawn_fresh_from_the_checked_parts() -> None:
    drawn = {fresh().person for _ in range(50)}
    assert len(drawn) > 40  # 7,200 combinations: repeats are rare
    assert drawn <= set(NAMES)
