"""The data-protection stage: scan what the caller sends, then block, redact or
pseudonymize it as the policy's data rules say, before anything goes upstream."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import structlog

from detectors.base import resolve_overlaps
from gateway.data_rules import Direction, RuledDecision
from gateway.detection_pool import DetectionPool, DetectionUnavailable
from gateway.errors import SensitiveDataBlocked, ServiceUnavailable
from gateway.policy import Policy
from gateway.redaction import Action, Pseudonyms, rewrite
from gateway.wire.slots import request_slots

log = structlog.get_logger("aigw")


@dataclass
class Screening:
    """What screening found and did; metadata only (types, counts, actions, rules)."""

    decisions: list[RuledDecision] = field(default_factory=list)
    pseudonyms: Pseudonyms = field(default_factory=Pseudonyms)
    changed: bool = False
    skipped: str | None = None  # why nothing was scanned, when detection failed open

    def summary(self) -> dict[str, int]:
        counts = Counter(f"{d.finding.entity_type}:{d.action.value}" for d in self.decisions)
        return dict(sorted(counts.items()))


async def screen_request(pool: DetectionPool | None, policy: Policy, endpoint: str, body: dict[str, Any]) -> Screening:
    """Scan every text field of the request body and rewrite it in place."""
    screening = Screening()
    slots = [s for s in request_slots(endpoint, body) if s.text]
    if pool is None or policy.detection is None or not slots:
        return screening
    try:
        per_slot = await pool.scan([s.text for s in slots])
    except DetectionUnavailable as failure:
        if policy.detection.on_failure == "block":
            raise ServiceUnavailable(
                "The request was not sent: the data-protection check could not complete "
                f"({failure.reason}) and the AI policy says to fail closed.",
                code="detection_unavailable",
            ) from None
        screening.skipped = failure.reason
        return screening
    decided = [policy.data_rules.decide(resolve_overlaps(found), Direction.PROMPT) for found in per_slot]
    screening.decisions = [d for slot_decisions in decided for d in slot_decisions]
    _refuse_blocked(screening.decisions)
    screening.pseudonyms.reserve_existing(s.text for s in slots)
    for slot, decisions in zip(slots, decided, strict=True):
        if any(d.action in (Action.REDACT, Action.PSEUDONYMIZE) for d in decisions):
            slot.replace(rewrite(slot.text, decisions, screening.pseudonyms))
            screening.changed = True
    return screening


def _refuse_blocked(decisions: list[RuledDecision]) -> None:
    blocked = [d for d in decisions if d.action is Action.BLOCK]
    if not blocked:
        return
    types = ", ".join(sorted({d.finding.entity_type for d in blocked}))
    rules = ", ".join(sorted({d.rule for d in blocked}))
    raise SensitiveDataBlocked(
        f"The request was blocked by the AI policy because it contains: {types} (rule: {rules}). "
        "Remove that data and try again."
    )
