"""What every detector returns, and the small protocol every detector implements.

Modelled on Presidio's recognizers: a detector *finds* (entity type, offsets into
the scanned text, a score) and never redacts; acting on findings is a separate
step owned by the gateway's policy. Detectors are synchronous and CPU-bound: the
gateway runs them in worker processes, so they must be picklable to build (their
config) and hold no event-loop state.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol


class Category(enum.StrEnum):
    """The data class a finding belongs to; the policy sets actions per class and type."""

    PII = "pii"
    SECRET = "secret"  # noqa: S105 - a category name, not a password
    CONFIDENTIAL = "confidential"
    INJECTION = "injection"


@dataclass(frozen=True, slots=True)
class Finding:
    entity_type: str  # e.g. EMAIL_ADDRESS, AWS_ACCESS_KEY, CONFIDENTIAL_TERM, PROMPT_INJECTION
    start: int  # offsets into the scanned text, end exclusive
    end: int
    score: float  # 0..1
    detector: str  # the detector's name, e.g. "secrets"
    category: Category

    def overlaps(self, other: Finding) -> bool:
        return self.start < other.end and other.start < self.end

    def summary(self) -> dict[str, object]:
        """Safe to log: everything but the matched value."""
        return {
            "entity_type": self.entity_type,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 3),
            "detector": self.detector,
            "category": self.category.value,
        }


class Detector(Protocol):
    name: str
    category: Category
    # Every entity type this detector can report.
    entity_types: frozenset[str]

    def detect(self, text: str, entities: frozenset[str] | None = None) -> list[Finding]:
        """Findings in ``text``, restricted to ``entities`` when given (run only what the policy needs)."""
        ...


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Non-overlapping findings, sorted by start: of overlapping ones keep the higher
    score, then the longer span (what redaction needs: one placeholder per span).

    O(n log n) searches: kept spans are disjoint, so sorted by start they are sorted
    by end too, and a candidate need only be checked against its two neighbours (a
    hostile prompt can hold tens of thousands of findings)."""
    starts: list[int] = []
    kept: list[Finding] = []
    for f in sorted(findings, key=lambda f: (-f.score, -(f.end - f.start), f.start)):
        i = bisect.bisect_left(starts, f.start)
        if (i < len(kept) and kept[i].start < f.end) or (i > 0 and kept[i - 1].end > f.start):
            continue
        starts.insert(i, f.start)
        kept.insert(i, f)
    return kept


def wanted(entity_types: Sequence[str] | frozenset[str], entities: frozenset[str] | None) -> frozenset[str]:
    """The entity types to run: all of a detector's, or those the caller asked for."""
    types = frozenset(entity_types)
    return types if entities is None else types & entities
