"""Incidents the store could not take by shutdown, kept in a file until the next start.

A spooled incident is a candidate -- violation, facts, controls, redacted excerpt, keyed
hashes -- never a raw value, so the file holds nothing the incident log would not. It is
written 0600 and appended to; the next start stores what it holds, aggregating as usual,
and removes each part only once it is stored: a crash or a store failure meanwhile leaves
the rest for the start after (``gateway.incidents.storing.replay_spool``).
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import structlog

from gateway.compliance.catalog import ControlRef
from gateway.incidents.model import Candidate
from gateway.incidents.severity import Facts
from gateway.policy.violations import Severity, Violation
from gateway.quarantine import append_jsonl

log = structlog.get_logger("aigw")


def to_json(candidate: Candidate) -> dict[str, Any]:
    # Never the raw excerpt window: a candidate spooled (or quarantined) before it was masked
    # keeps its hashes and loses its excerpt.
    out = {f.name: getattr(candidate, f.name) for f in dataclasses.fields(candidate) if f.name != "window"}
    out["violation"], out["severity"] = candidate.violation.value, candidate.severity.value
    out["controls"] = [c.to_json() for c in candidate.controls]
    facts = dataclasses.asdict(candidate.facts)
    out["facts"] = {k: sorted(v) if isinstance(v, frozenset) else v for k, v in facts.items()}
    return out


def from_json(data: dict[str, Any]) -> Candidate:
    facts = dict(data["facts"])
    for name in ("data_classes", "entity_types", "flags"):
        facts[name] = frozenset(facts[name])
    facts["groups"] = tuple(facts["groups"])
    controls = tuple(
        ControlRef(c["framework"], c["id"], c["title"], c["primary"], c.get("condition")) for c in data["controls"]
    )
    return Candidate(
        **{
            **data,
            "violation": Violation(data["violation"]),
            "severity": Severity(data["severity"]),
            "severity_reasons": tuple(data["severity_reasons"]),
            "controls": controls,
            "detectors": tuple(data["detectors"]),
            "facts": Facts(**facts),
        }
    )


def spool(path: Path, candidates: Iterable[Candidate]) -> int:
    return append_jsonl(path, [to_json(c) for c in candidates])  # 0600, fsynced, ASCII-escaped


def read(path: Path) -> list[Candidate]:
    """What the spool holds; what cannot be read is moved aside (``.rejected``), not lost, and the
    spool left holding the rest. The spool itself stays until ``rewrite`` empties it."""
    if not path.exists():
        return []
    taken, bad = [], []
    for raw in path.read_bytes().splitlines():
        line = raw.decode("utf-8", errors="replace")  # a garbled line is kept aside, not a failed start
        try:
            taken.append(from_json(json.loads(line)))
        except Exception:  # whatever is wrong with one line, the others are stored
            bad.append(line + "\n")
    if bad:
        rejected = path.with_name(path.name + ".rejected")
        fd = os.open(rejected, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace") as out:
            out.writelines(bad)
        log.error("incident_spool_unreadable", lines=len(bad), kept_in=str(rejected))
        rewrite(path, taken)  # set aside once: a later start must not set them aside again
    return taken


def rewrite(path: Path, left: Sequence[Candidate]) -> None:
    """Make the spool hold just ``left`` (removed when empty), atomically: a crash midway
    leaves either the old spool or the new one, never half of either."""
    if not left:
        path.unlink(missing_ok=True)
        return
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)  # a crashed rewrite's leftover: appending to it would duplicate
    spool(temporary, left)
    os.replace(temporary, path)


__all__ = ["from_json", "read", "rewrite", "spool", "to_json"]
