"""An incident: one violation (or a burst of identical ones), its controls, severity and status.

The whole incident is one JSON document (``state``), stored beside the columns used to
search it and repeated in every hash-chain event, so that verification can compare what
the table says with what the chain says. It never holds a raw finding value: entity
types and counts, a redacted excerpt, and keyed hashes only.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway.compliance.catalog import ControlRef
from gateway.incidents.evidence import ExcerptWindow
from gateway.incidents.severity import Facts
from gateway.policy.violations import Severity, Violation

MAX_REQUEST_IDS = 50  # an aggregated incident keeps its first request ids (and counts them all)

# The workflow: which status may follow which.
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"acknowledged", "resolved", "false_positive"}),
    "acknowledged": frozenset({"resolved", "false_positive"}),
    "resolved": frozenset(),
    "false_positive": frozenset(),
}


ASSURANCE_ACTOR = "aigw-assurance"  # who resolves a probe's incident at birth (the workflow's "by")


def is_assurance(state: Mapping[str, Any]) -> bool:
    """An incident a control-assurance probe raised (reports and counts leave it out)."""
    return state.get("assurance") is True


def new_incident_id() -> str:
    return "inc_" + secrets.token_hex(8)


@dataclass(frozen=True)
class Candidate:
    """A violation the gateway has just seen, before it is stored (or aggregated)."""

    violation: Violation
    severity: Severity
    severity_reasons: tuple[str, ...]
    controls: tuple[ControlRef, ...]
    catalogue_version: str
    at_us: int
    actor: dict[str, Any]  # user, groups, auth; or source for unauthenticated access
    destination: dict[str, Any] = field(default_factory=dict)  # provider, model, endpoint
    detectors: tuple[str, ...] = ()
    entity_types: dict[str, int] = field(default_factory=dict)
    # Per entity type, the parts of the request it was found in: {"INJECTION_INDIRECT": ["tool/tool_result"]}.
    # Metadata, never text; not part of the aggregation key (the entity types are).
    finding_sources: dict[str, list[str]] = field(default_factory=dict)
    count: int = 1
    request_id: str | None = None
    excerpt: str | None = None  # redacted: every finding replaced by its type
    evidence: dict[str, Any] = field(default_factory=dict)  # keyed hashes, never values
    enforced: bool = True
    let_through: bool = False
    policy_id: str | None = None
    policy_version: str | None = None
    details: dict[str, Any] = field(default_factory=dict)  # e.g. a policy change's summary
    facts: Facts = field(default_factory=Facts, compare=False)  # what the severity was judged on
    # Raw text until the recorder's task masks it into ``excerpt`` (gateway.incidents.masking):
    # never stored, spooled or shown, whatever happens to the candidate before then.
    window: ExcerptWindow | None = field(default=None, compare=False, repr=False)
    # Raised by a control-assurance probe (its key marks it: ``Identity.assurance``): planted values, kept as
    # the probe's evidence, opened already resolved and counted nowhere a real incident is.
    assurance: bool = False

    def aggregation_key(self) -> str:
        """Identical violations: same type, actor, destination, entity types (values play no part) and
        details -- two different policy changes stay two incidents, the same failed reload repeats."""
        parts = [self.violation.value, _canonical(self.actor), _canonical(self.destination)]
        parts += [",".join(sorted(self.entity_types)), _canonical(self.details)]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]

    def opened_state(self, incident_id: str) -> dict[str, Any]:
        return {
            "id": incident_id,
            "type": self.violation.value,
            "severity": self.severity.value,
            "severity_reasons": list(self.severity_reasons),
            "status": "open",
            "opened_us": self.at_us,
            "last_seen_us": self.at_us,
            "count": self.count,  # findings (or failures) in all its occurrences
            "occurrences": 1,  # violations aggregated into it
            "actor": self.actor,
            "destination": self.destination,
            "detectors": list(self.detectors),
            "entity_types": dict(sorted(self.entity_types.items())),
            "finding_sources": dict(sorted(self.finding_sources.items())),
            "request_ids": [self.request_id] if self.request_id else [],
            "excerpt": self.excerpt,
            "evidence": self.evidence,
            "enforced": self.enforced,
            "let_through": self.let_through,
            "policy_id": self.policy_id,
            "policy_version": self.policy_version,
            "catalogue_version": self.catalogue_version,
            "controls": [c.to_json() for c in self.controls],
            "details": self.details,
            "workflow": [],
        } | (self._assurance_state() if self.assurance else {})

    def _assurance_state(self) -> dict[str, Any]:
        note = "a control-assurance probe's planted values: evidence that the control acted, not a real incident"
        workflow = [{"status": "resolved", "by": ASSURANCE_ACTOR, "at_us": self.at_us, "note": note}]
        return {"assurance": True, "status": "resolved", "workflow": workflow}


def repeated_state(state: dict[str, Any], seen: Candidate, severity: Severity, reasons: tuple[str, ...]) -> None:
    """Fold one more identical violation into an open incident."""
    state["count"] += seen.count
    state["occurrences"] += 1
    state["last_seen_us"] = max(state["last_seen_us"], seen.at_us)
    for name, n in seen.entity_types.items():
        state["entity_types"][name] = state["entity_types"].get(name, 0) + n
    if seen.finding_sources:
        merge_sources(state.setdefault("finding_sources", {}), seen.finding_sources)  # older incidents lack it
    if seen.request_id and len(state["request_ids"]) < MAX_REQUEST_IDS:
        state["request_ids"].append(seen.request_id)
    if Severity(state["severity"]).rank < severity.rank:
        state["severity"], state["severity_reasons"] = severity.value, list(reasons)
    state["let_through"] = state["let_through"] or seen.let_through


def merge_sources(into: dict[str, list[str]], seen: dict[str, list[str]]) -> None:
    for name, labels in seen.items():
        into[name] = sorted(set(into.get(name, ())) | set(labels))


def canonical(state: dict[str, Any]) -> str:
    return _canonical(state)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
