"""The evidence report's data: what an auditor asks for when the organisation claims its
AI-usage controls operate -- incidents per control (ISO/IEC 27001 and 42001 side by side),
per severity, type and group over time, the policy versions in force and their changes,
retention runs, the hash chain's verification, and sample incidents.

Everything comes from the incident store and the prompt store (metadata only: no prompt
text is read). ``gather`` returns plain JSON-able data, typed in ``gateway.report.model``;
``render`` turns it into pages.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from gateway.compliance.catalog import Compliance, ControlRef
from gateway.incidents.export import iso_time
from gateway.incidents.model import is_assurance
from gateway.incidents.store import IncidentQuery, IncidentStore
from gateway.policy.register import RegisterPolicy
from gateway.policy.violations import Severity, Violation
from gateway.promptlog.store import PromptStore, now_us
from gateway.report.controls_section import gather_controls
from gateway.report.inventory_section import gather_inventory
from gateway.report.model import (
    Chain,
    CitedControl,
    ControlRow,
    EvidenceReport,
    PolicyChange,
    PolicyInForce,
    Retention,
    RetentionRun,
    Sample,
    SampleControl,
    SideBySideRow,
    Summary,
    Timeline,
)
from gateway.report.usage_section import gather_usage

SEVERITIES = ("info", "low", "medium", "high", "critical")
STATUSES = ("open", "acknowledged", "resolved", "false_positive")
MAX_INCIDENTS = 100_000
SAMPLES = 10
NO_GROUP = "(none)"
SIDE_BY_SIDE = ("iso27001_2022", "iso42001_2023")


async def gather(
    store: PromptStore,
    compliance: Compliance,
    since_us: int,
    until_us: int,
    register: RegisterPolicy | None = None,
) -> EvidenceReport:
    incidents_store = IncidentStore(store)
    # Probes' incidents (planted values, born resolved, ~10 an hourly run) are left out in SQL: read and
    # dropped after the limit, a year of them would push the oldest real incidents past it. Only counted.
    query = IncidentQuery(since_us=since_us, until_us=until_us, limit=MAX_INCIDENTS, assurance=False)
    found = await incidents_store.search(query)
    probes = await incidents_store.count(IncidentQuery(since_us=since_us, until_us=until_us, assurance=True))
    # The column is the state's mark (the chain verification checks they agree); the state is checked again
    # so that a row whose column lost the mark still never counts as a real incident.
    incidents = sorted((i for i in found if not is_assurance(i)), key=lambda i: (i["opened_us"], i["id"]))
    chain = await incidents_store.verify()
    days = _days(since_us, until_us)
    return {
        "report": {
            "title": "AI gateway evidence report",
            "generated_at": iso_time(now_us()),
            "since": iso_time(since_us),
            "until": iso_time(until_us),
            "catalogue_version": compliance.catalogue_version,
            "policies": sorted({str(i["policy_id"]) for i in incidents if i.get("policy_id")}),
        },
        "summary": _summary(incidents),
        "controls": _controls(incidents),
        "side_by_side": _side_by_side(incidents, compliance),
        "by_type": _most_first(Counter(i["type"] for i in incidents)),
        "by_group": _most_first(Counter(g for i in incidents for g in _groups(i))),
        "timeline": _timeline(incidents, days),
        "policy": {"in_force": await _in_force(store, incidents, since_us, until_us), "changes": _changes(incidents)},
        "retention": await _retention(store, incidents, since_us, until_us),
        "usage": await gather_usage(store, since_us, until_us),
        "inventory": await gather_inventory(store, register, since_us, until_us),
        "controls_tested": await gather_controls(store, since_us, until_us, probes),
        "chain": Chain(ok=chain.ok, events=chain.events, incidents=chain.incidents, problems=chain.problems),
        "samples": [_sample(i) for i in _samples(incidents)],
    }


def _summary(incidents: Sequence[Mapping[str, Any]]) -> Summary:
    status, severity = Counter(i["status"] for i in incidents), Counter(i["severity"] for i in incidents)
    return {
        "incidents": len(incidents),
        "occurrences": sum(i["occurrences"] for i in incidents),
        "by_status": {s: status[s] for s in STATUSES},
        "by_severity": {s: severity[s] for s in SEVERITIES},
        "median_hours_to_acknowledge": _median_hours(incidents, {"acknowledged"}),
        "median_hours_to_close": _median_hours(incidents, {"resolved", "false_positive"}),
    }


def _median_hours(incidents: Iterable[Mapping[str, Any]], statuses: set[str]) -> float | None:
    waits = []
    for incident in incidents:
        reached = [step["at_us"] for step in incident["workflow"] if step["status"] in statuses]
        if reached:
            waits.append((reached[0] - incident["opened_us"]) / 3_600_000_000)
    return round(statistics.median(waits), 2) if waits else None


def _controls(incidents: Iterable[Mapping[str, Any]]) -> list[ControlRow]:
    rows: dict[tuple[str, str], ControlRow] = {}
    for incident in incidents:
        for ref in incident["controls"]:
            row = rows.setdefault(
                (ref["framework"], ref["id"]),
                {
                    "framework": ref["framework"],
                    "id": ref["id"],
                    "title": ref["title"],
                    "incidents": 0,
                    "primary": 0,
                    "conditional": 0,
                    "by_severity": dict.fromkeys(SEVERITIES, 0),
                    "types": [],
                },
            )
            row["incidents"] += 1
            if ref["primary"]:
                row["primary"] += 1
            else:
                row["conditional"] += 1
            row["by_severity"][incident["severity"]] += 1
            if incident["type"] not in row["types"]:
                row["types"].append(incident["type"])
    return [rows[key] for key in sorted(rows, key=_control_order)]


def _control_order(key: tuple[str, str]) -> tuple[str, tuple[Any, ...]]:
    """A.5.9 before A.5.10: compare the numeric parts of an ID as numbers."""
    framework, ident = key
    parts = ident.replace(":", ".").replace(" ", ".").split(".")
    return framework, tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def _side_by_side(incidents: Iterable[Mapping[str, Any]], compliance: Compliance) -> list[SideBySideRow]:
    counts = Counter(i["type"] for i in incidents)
    rows = []
    for violation in Violation:
        refs = compliance.refs(violation)
        name = compliance.violations[violation].name
        iso27001, iso42001 = (_cited(refs, framework) for framework in SIDE_BY_SIDE)
        rows.append(
            SideBySideRow(
                type=violation.value,
                name=name,
                incidents=counts[violation.value],
                iso27001_2022=iso27001,
                iso42001_2023=iso42001,
            )
        )
    return rows


def _cited(refs: Sequence[ControlRef], framework: str) -> list[CitedControl]:
    return [
        CitedControl(id=r.id, title=r.title, primary=r.primary, condition=r.condition)
        for r in refs
        if r.framework == framework
    ]


def _groups(incident: Mapping[str, Any]) -> list[str]:
    return list((incident.get("actor") or {}).get("groups") or [NO_GROUP])


def _most_first(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _days(since_us: int, until_us: int) -> list[date]:
    first, last = _day(since_us), _day(max(since_us, until_us - 1))
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _day(us: int) -> date:
    return datetime.fromtimestamp(us / 1_000_000, UTC).date()


def _timeline(incidents: Sequence[Mapping[str, Any]], days: Sequence[date]) -> Timeline:
    index = {d: n for n, d in enumerate(days)}

    def per_day(key_of: Callable[[Mapping[str, Any]], Iterable[str]], names: Iterable[str]) -> dict[str, list[int]]:
        series = {name: [0] * len(days) for name in names}  # named series exist even when empty
        for incident in incidents:
            n = index.get(_day(incident["opened_us"]), 0)  # opened before the period: its first day
            for key in key_of(incident):
                series.setdefault(key, [0] * len(days))[n] += 1
        return series

    return {
        "days": [d.isoformat() for d in days],
        "by_severity": per_day(lambda i: [i["severity"]], SEVERITIES),
        "by_type": per_day(lambda i: [i["type"]], ()),
        "by_group": per_day(_groups, ()),
    }


async def _in_force(
    store: PromptStore, incidents: Sequence[Mapping[str, Any]], since_us: int, until_us: int
) -> list[PolicyInForce]:
    """Each policy version that decided requests (the prompt log) or raised incidents in the period."""
    sql = store.dialect.sql(
        "SELECT policy_id, policy_version, MIN(ts_us) AS first_us, MAX(ts_us) AS last_us FROM exchanges "
        "WHERE ts_us >= ? AND ts_us < ? AND policy_version IS NOT NULL GROUP BY policy_id, policy_version"
    )
    logged = await store.fetch(sql, [since_us, until_us])
    rows = [(r["policy_id"], r["policy_version"], int(r["first_us"]), int(r["last_us"])) for r in logged]
    rows += [
        (i.get("policy_id"), i["policy_version"], i["opened_us"], i["last_seen_us"])
        for i in incidents
        if i.get("policy_version")
    ]
    seen: dict[str, dict[str, Any]] = {}
    for policy_id, version, first_us, last_us in rows:
        entry = seen.setdefault(version, {"policy_id": policy_id, "version": version, "first": first_us})
        entry["first"], entry["last"] = min(entry["first"], first_us), max(entry.get("last", last_us), last_us)
    per_version = Counter(i["policy_version"] for i in incidents)
    return [
        PolicyInForce(
            policy_id=e["policy_id"],
            version=e["version"],
            first_seen=iso_time(int(e["first"])),
            last_seen=iso_time(int(e["last"])),
            incidents=per_version[e["version"]],
        )
        for e in sorted(seen.values(), key=lambda e: int(e["first"]))
    ]


def _changes(incidents: Iterable[Mapping[str, Any]]) -> list[PolicyChange]:
    changes = []
    for i in incidents:
        if i["type"] != Violation.POLICY_CHANGE.value:
            continue
        details, rejected = i.get("details") or {}, "problems" in (i.get("details") or {})
        changes.append(
            PolicyChange(
                at=iso_time(i["opened_us"]),
                kind="rejected" if rejected else "applied",
                old_version=details.get("in_force") if rejected else details.get("old_version"),
                new_version=None if rejected else i["policy_version"],
                loosened=int(details.get("loosened", 0)),
                tightened=int(details.get("tightened", 0)),
                problems=int(details.get("problems", 0)),
                severity=i["severity"],
                incident_id=i["id"],
            )
        )
    return changes


async def _retention(
    store: PromptStore, incidents: Iterable[Mapping[str, Any]], since_us: int, until_us: int
) -> Retention:
    runs = [r for r in await store.purge_runs(limit=100_000) if since_us <= int(r["ts_us"]) < until_us]
    runs.sort(key=lambda r: int(r["ts_us"]))
    applied = [r for r in runs if not r["dry_run"]]
    return Retention(
        runs=[
            RetentionRun(
                at=iso_time(int(r["ts_us"])),
                policy_version=r["policy_version"],
                dry_run=r["dry_run"],
                deleted=int(r["deleted"]),
                held=int(r["held"]),
                by_level=r["by_level"],
            )
            for r in runs
        ],
        deleted=sum(int(r["deleted"]) for r in applied),
        held=sum(int(r["held"]) for r in applied),
        failures=sum(1 for i in incidents if i["type"] == Violation.LOGGING_OR_RETENTION_FAILURE.value),
    )


def _samples(incidents: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(incidents, key=lambda i: (-Severity(i["severity"]).rank, -i["opened_us"]))[:SAMPLES]


def _sample(i: Mapping[str, Any]) -> Sample:
    actor, dest = i.get("actor") or {}, i.get("destination") or {}
    where = " / ".join(str(dest[k]) for k in ("provider", "model") if dest.get(k)) or "-"
    return {
        "id": i["id"],
        "type": i["type"],
        "severity": i["severity"],
        "severity_reasons": i["severity_reasons"],
        "status": i["status"],
        "opened": iso_time(i["opened_us"]),
        "last_seen": iso_time(i["last_seen_us"]),
        "count": i["count"],
        "occurrences": i["occurrences"],
        "actor": str(actor.get("user") or actor.get("source") or "-"),
        "groups": list(actor.get("groups") or []),
        "destination": where,
        "entity_types": i["entity_types"],
        "excerpt": i.get("excerpt"),
        "finding_sources": i.get("finding_sources") or {},  # older incidents have none
        "policy_version": i.get("policy_version"),
        "controls": [
            SampleControl(
                framework=c["framework"],
                id=c["id"],
                title=c["title"],
                primary=c["primary"],
                condition=c.get("condition"),
            )
            for c in i["controls"]
        ],
        "workflow": [
            {"status": w["status"], "by": w["by"], "at": iso_time(w["at_us"]), "note": w["note"]} for w in i["workflow"]
        ],
    }


__all__ = ["gather"]
