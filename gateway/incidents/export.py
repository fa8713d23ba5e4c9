"""Incidents as JSONL or CSV: one writer for the CLI and the admin API alike."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

FORMATS = ("jsonl", "csv")
CSV_FIELDS = (
    "id",
    "type",
    "severity",
    "status",
    "opened",
    "last_seen",
    "count",
    "occurrences",
    "user",
    "source",
    "provider",
    "model",
    "entity_types",
    "excerpt",
    "policy_version",
    "controls",
    "request_ids",
    "finding_sources",
)
# Spreadsheet formula injection: a cell a user controls (a model name, an excerpt) must not start a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def iso_time(us: int) -> str:
    return datetime.fromtimestamp(us / 1_000_000, UTC).isoformat(timespec="seconds")


def to_jsonl(incidents: Iterable[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in incidents)


def to_csv(incidents: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for incident in incidents:
        writer.writerow({k: _cell(v) for k, v in csv_row(incident).items()})
    return out.getvalue()


def render(incidents: Iterable[Mapping[str, Any]], fmt: str) -> str:
    return to_csv(incidents) if fmt == "csv" else to_jsonl(incidents)


def csv_row(i: Mapping[str, Any]) -> dict[str, Any]:
    dest, actor = i.get("destination") or {}, i.get("actor") or {}
    return {
        "id": i["id"],
        "type": i["type"],
        "severity": i["severity"],
        "status": i["status"],
        "opened": iso_time(i["opened_us"]),
        "last_seen": iso_time(i["last_seen_us"]),
        "count": i["count"],
        "occurrences": i["occurrences"],
        "user": actor.get("user"),
        "source": actor.get("source"),
        "provider": dest.get("provider"),
        "model": dest.get("model"),
        "entity_types": ";".join(f"{k}={v}" for k, v in i["entity_types"].items()),
        "excerpt": i.get("excerpt"),
        "policy_version": i["policy_version"],
        "controls": ";".join(f"{c['framework']}:{c['id']}" for c in i["controls"] if c["primary"]),
        "request_ids": ";".join(i["request_ids"]),
        "finding_sources": ";".join(f"{k}={'|'.join(v)}" for k, v in (i.get("finding_sources") or {}).items()),
    }


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


__all__ = ["CSV_FIELDS", "FORMATS", "csv_row", "iso_time", "render", "to_csv", "to_jsonl"]
