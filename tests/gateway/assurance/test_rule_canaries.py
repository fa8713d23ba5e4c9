"""The data-rule canaries are found by the real detectors: for each type a rule may be probed with,
many freshly generated values, each in its probe's sentence, scanned as the detection workers scan
(``scan_batch``, real Presidio and spaCy) with the detectors of the shipped policies. Each must be
reported as exactly one finding of its type, covering the value, at no less than the score the plan
compares with a rule's ``min_score``; nothing else may be found in the sentence (another finding
could bring another rule into the probe). Also: the values are what they claim (checksums, reserved
ranges), and the policy's own terms and patterns give values its detector reports."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import pytest

from detectors.registry import build_detectors
from detectors.secrets import is_placeholder
from gateway.assurance import canaries, data_rules, pattern_values
from gateway.assurance.plan import DataTarget
from gateway.policy.policy import load_policy
from gateway.screening.worker import scan_batch
from tests.gateway.policy_helpers import DEFAULT_POLICY

STRICT = DEFAULT_POLICY.parent / "examples" / "strict-finance.yaml"
RUNS = 300  # values per type and policy (the figure reported: found / drawn)
GENERATED = [t for t in data_rules.PROBE_TYPES if t.canary and t.entity_type != "INJECTION_INSTRUCTION_OVERRIDE"]


def missed(policy: Path, target: DataTarget, values: list[str]) -> list[str]:
    """The values the policy's detectors do not report as exactly one finding of the target's type."""
    detection = load_policy(policy).detection
    assert detection is not None
    texts = [target.template.format(value=value) for value in values]
    replies = scan_batch(build_detectors(detection), [([text], None) for text in texts])
    floor = data_rules.SCORES.get(target.entity_type, data_rules.DEFAULT_SCORE)
    bad: list[str] = []
    for value, text, (status, payload) in zip(values, texts, replies, strict=True):
        assert status == "ok"
        (found,), _ = payload
        start = text.index(value)
        ok = len(found) == 1 and found[0].entity_type == target.entity_type and found[0].score >= floor
        if not ok or not (found[0].start <= start and found[0].end >= start + len(value)):
            bad.append(value)
    return bad


@pytest.mark.parametrize("policy", [DEFAULT_POLICY, STRICT], ids=["default", "strict-finance"])
@pytest.mark.parametrize("target", GENERATED, ids=[t.entity_type for t in GENERATED])
def test_every_drawn_canary_is_found_as_its_type(policy: Path, target: DataTarget) -> None:
    values = [getattr(canaries.fresh(), target.canary) for _ in range(RUNS)]
    # Fresh per run (a constant would fail this); some ranges are small: 1,000 drama numbers, 762 documentation
    # addresses, 7,200 names, so repeats among 300 draws are expected there.
    assert len(set(values)) > RUNS / 2
    assert missed(policy, target, values) == []


def test_the_classification_marker_and_the_policys_terms_and_patterns_are_found() -> None:
    policy = load_policy(STRICT)
    assert policy.detection is not None
    assert policy.detection.confidential is not None
    config = policy.detection.confidential
    by_type = {t.entity_type: t for t in data_rules.PROBE_TYPES}
    assert missed(STRICT, by_type["CLASSIFICATION_MARKER"], [data_rules.MARKER]) == []
    terms = pattern_values.terms(config)
    assert terms == ["Project Bluefin", "Harbor Capital Partners", "Northwind Pension Fund", "Operation Kestrel"]
    assert missed(STRICT, by_type["CONFIDENTIAL_TERM"], terms) == []
    deal_ids = [pattern_values.sample(config.patterns[0].regex) for _ in range(RUNS)]
    assert all(v is not None and re.fullmatch(r"DL-\d{6}", v) for v in deal_ids)
    assert missed(STRICT, by_type["CONFIDENTIAL_PATTERN"], [str(v) for v in deal_ids]) == []


def test_the_canaries_are_test_values_in_reserved_ranges() -> None:
    for _ in range(200):
        made = canaries.fresh()
        assert canaries.iban_valid(made.iban)
        assert made.iban.startswith("GB")
        assert made.iban[5:9] == "ZZZZ"
        assert made.phone.startswith("+44 7700 900")  # Ofcom's drama range
        address = ipaddress.ip_address(made.ip_address)
        assert any(address in ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"))
        assert re.fullmatch(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] \d\d \d\d \d\d [A-D]", made.nino)
        assert made.nino[:2] not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
        assert made.street_address.endswith(" Example Street, Anytown, KS 67000")
    assert not canaries.iban_valid("GB00 ZZZZ 0000 0000 0000 00")


@pytest.mark.parametrize(
    ("pattern", "shape"),
    [
        (r"\bDL-\d{6}\b", r"DL-\d{6}"),
        (r"(?i)\bproj-[a-z]{3}\d+", r"proj-[a-z]{3}\d{1,9}"),
        (r"ACME-(?:EU|US)-[0-9A-F]{4}", r"ACME-EU-[0-9A-F]{4}"),
    ],
)
def test_a_simple_pattern_gives_a_matching_value(pattern: str, shape: str) -> None:
    drawn = {pattern_values.sample(pattern) for _ in range(20)}
    assert all(v is not None and re.fullmatch(shape, v) for v in drawn)
    assert len(drawn) > 1


@pytest.mark.parametrize("pattern", [r"(?<=ref )\d{4}", r"[^a-z]{4}", r"(a)\1"])
def test_a_pattern_it_cannot_draw_from_gives_nothing(pattern: str) -> None:
    assert pattern_values.sample(pattern) is None


def test_a_random_token_the_detector_takes_for_a_placeholder_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """CI once drew ghp_...K4xXxX5... (about 1 token in 100,000): "xxxx" is a mask to the secrets detector,
    which then ignores the token, and the probe would have failed a working control."""
    assert is_placeholder("N7o3HcUs5GkS2EfBgCz2K4xXxX5e2nC6b6d7")
    judged: list[str] = []

    def first_is_a_placeholder(value: str) -> bool:
        judged.append(value)
        return len(judged) == 1

    monkeypatch.setattr(canaries, "is_placeholder", first_is_a_placeholder)
    drawn = canaries._random(36)
    assert judged == [judged[0], drawn]  # the first draw was refused, the second kept
