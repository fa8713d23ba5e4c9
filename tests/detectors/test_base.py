"""Finding bookkeeping shared by all detectors."""

from __future__ import annotations

import random

from detectors.base import Category, Finding, resolve_overlaps, wanted


def f(start: int, end: int, score: float, kind: str = "X") -> Finding:
    return Finding(kind, start, end, score, "test", Category.PII)


def test_overlap_resolution_keeps_best_then_longest():
    findings = [f(0, 10, 0.5, "A"), f(5, 8, 0.9, "B"), f(12, 20, 0.6, "C"), f(12, 25, 0.6, "D"), f(30, 31, 0.1)]
    assert [x.entity_type for x in resolve_overlaps(findings)] == ["B", "D", "X"]


def test_adjacent_spans_do_not_overlap():
    assert not f(0, 5, 1).overlaps(f(5, 9, 1))
    assert f(0, 6, 1).overlaps(f(5, 9, 1))


def test_summary_has_no_value_and_wanted_filters():
    assert set(f(1, 2, 0.1234).summary()) == {"entity_type", "start", "end", "score", "detector", "category"}
    assert wanted(["A", "B"], None) == {"A", "B"}
    assert wanted(["A", "B"], frozenset({"B", "Z"})) == {"B"}


def naive_resolve(findings: list[Finding]) -> list[Finding]:
    """The obvious quadratic definition the fast version must agree with."""
    kept: list[Finding] = []
    for candidate in sorted(findings, key=lambda x: (-x.score, -(x.end - x.start), x.start)):
        if not any(candidate.overlaps(k) for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda x: x.start)


def test_resolve_overlaps_agrees_with_the_naive_definition():
    rng = random.Random(3)
    for _ in range(300):
        findings = []
        for _ in range(rng.randint(0, 40)):
            start = rng.randint(0, 200)
            findings.append(f(start, start + rng.randint(1, 30), rng.choice([0.5, 0.7, 1.0])))
        assert resolve_overlaps(findings) == naive_resolve(findings)
