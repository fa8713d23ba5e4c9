"""The export format: CSV cells a caller controls cannot start a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from gateway.incidents.export import CSV_FIELDS, render


def incident(model: str, excerpt: str) -> dict[str, Any]:
    return {
        "id": "inc_1",
        "type": "PII_IN_PROMPT",
        "severity": "medium",
        "status": "open",
        "opened_us": 1_780_000_000_000_000,
        "last_seen_us": 1_780_000_060_000_000,
        "count": 2,
        "occurrences": 1,
        "actor": {"user": "sam", "groups": ["eng"]},
        "destination": {"provider": "openai", "model": model},
        "entity_types": {"US_SSN": 2},
        "excerpt": excerpt,
        "policy_version": "3+abc",
        "request_ids": ["req_1"],
        "controls": [
            {"framework": "iso27001_2022", "id": "A.5.34", "primary": True},
            {"framework": "gdpr", "id": "Art. 33", "primary": False},
        ],
    }


def test_csv_rows_carry_the_primary_controls_and_times() -> None:
    [row] = list(csv.DictReader(io.StringIO(render([incident("gpt-4o", "ssn <US_SSN>")], "csv"))))
    assert list(row) == list(CSV_FIELDS)
    assert (row["opened"], row["controls"], row["entity_types"]) == (
        "2026-05-28T20:26:40+00:00",
        "iso27001_2022:A.5.34",
        "US_SSN=2",
    )


def test_a_cell_starting_a_formula_is_defused() -> None:
    text = render([incident('=HYPERLINK("http://evil")', "@SUM(1)")], "csv")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["model"] == '\'=HYPERLINK("http://evil")'
    assert row["excerpt"] == "'@SUM(1)"


def test_jsonl_is_one_incident_per_line() -> None:
    lines = render([incident("a", "b"), incident("c", "d")], "jsonl").splitlines()
    assert [json.loads(line)["destination"]["model"] for line in lines] == ["a", "c"]
