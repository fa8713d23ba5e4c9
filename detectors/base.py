"""What every detector returns, and the small protocol every detector implements.

Modelled on Presidio's recognizers: a detector *finds* (entity type, offsets into
the scanned text, a score) and never redacts; acting on findings is a separate
step owned by the gateway's policy. Detectors are synchronous and CPU-bound: the
gateway runs them in worker processes, so they must be picklable to build (their
config) and hold no event-loop state.
"""

from __future__ import annotations

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
    score, then the longer span (what redaction needs: one placeholder per span)."""
    ranked = sorted(findings, key=lambda f: (-f.score, -(f.end - f.start), f.start))
    kept: list[Finding] = []
    for candidate in ranked:
        if not any(candidate.overlaps(k) for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda f: f.start)


def wanted(entity_types: Sequence[str] | frozenset[str], entities: frozenset[str] | None) -> frozenset[str]:
    """The entity types to run: all of a detector's, or those the caller asked for."""
    types = frozenset(entity_types)
    return types if entities is None else types & entities
