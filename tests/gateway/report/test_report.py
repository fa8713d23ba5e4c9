"""The evidence report from a seeded month of incidents on a real store (both backends),
and ``aigw report`` on the command line."""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from gateway.cli.main import main
from gateway.compliance.catalog import load_compliance
from gateway.incidents.model import Candidate
from gateway.incidents.store import IncidentStore
from gateway.policy.schema import LogLevel
from gateway.policy.violations import Severity, Violation
from gateway.promptlog.sqlite_store import SqlitePromptStore
from gateway.promptlog.store import PromptStore, now_us
from gateway.report.gather import gather
from gateway.report.model import EvidenceReport
from gateway.report.render import render_html, render_markdown
from tests.conftest import TEST_POLICY, stores_yaml
from tests.gateway.promptlog.test_store import record
from tests.gateway.report.month_report import SECTION_IDS as SECTIONS
from tests.gateway.report.shape import shape_problems

COMPLIANCE = load_compliance()
DAY_US = 86_400 * 1_000_000
GROUPS = ("engineering", "sales", "finance")


@dataclass
class Month:
    """What was seeded, to check the report against."""

    since_us: int
    until_us: int
    seeded: list[dict[str, Any]] = field(default_factory=list)


def candidate(violation: Violation, at_us: int, severity: Severity, **fields: Any) -> Candidate:
    return Candidate(
        violation=violation,
        severity=severity,
        severity_reasons=(f"seeded {severity.value}",),
        controls=COMPLIANCE.refs(violation),
        catalogue_version=COMPLIANCE.catalogue_version,
        at_us=at_us,
        policy_id="default",
        **fields,
    )


def plan(now: int) -> list[Candidate]:
    """30 days: PII every day (high every 7th), secrets every 5th, injection every 10th, failed
    logins every 15th, a loosened policy on day 10, a rejected reload on day 20, a log failure on day 25."""
    out = []
    for day in range(30):
        at, user = now - (29 - day) * DAY_US, f"user{day % 3}"
        actor = {"user": user, "groups": [GROUPS[day % 3]]}
        version = "1+aaa" if day < 10 else "2+bbb"
        pii = Severity.HIGH if day % 7 == 0 else Severity.MEDIUM
        out.append(
            candidate(
                Violation.PII_IN_PROMPT,
                at,
                pii,
                actor=actor,
                entity_types={"US_SSN": 1},
                request_id=f"req_{day}",
                excerpt="ssn <US_SSN>",
                policy_version=version,
            )
        )
        if day % 5 == 0:
            out.append(
                candidate(
                    Violation.SECRET_OR_CREDENTIAL_IN_PROMPT,
                    at + 1,
                    Severity.HIGH,
                    actor=actor,
                    entity_types={"AWS_ACCESS_KEY_ID": 1},
                    policy_version=version,
                )
            )
        if day % 10 == 0:
            out.append(
                candidate(Violation.PROMPT_INJECTION_ATTEMPT, at + 2, Severity.LOW, actor=actor, policy_version=version)
            )
        if day % 15 == 0:
            out.append(
                candidate(
                    Violation.UNAUTHENTICATED_ACCESS,
                    at + 3,
                    Severity.MEDIUM,
                    actor={"source": "203.0.113.9"},
                    count=5,
                    policy_version=version,
                )
            )
    reload, v2 = {"source": "policy_reload"}, "2+bbb"
    loosened = {"old_version": "1+aaa", "loosened": 1, "tightened": 0}
    out.append(
        candidate(
            Violation.POLICY_CHANGE,
            now - 19 * DAY_US + 9,
            Severity.HIGH,
            actor=reload,
            details=loosened,
            policy_version=v2,
        )
    )
    out.append(
        candidate(
            Violation.POLICY_CHANGE,
            now - 9 * DAY_US + 9,
            Severity.LOW,
            actor=reload,
            details={"problems": 2, "in_force": v2},
            policy_version=v2,
        )
    )
    failed = {"reason": "store unavailable"}
    out.append(
        candidate(
            Violation.LOGGING_OR_RETENTION_FAILURE,
            now - 4 * DAY_US,
            Severity.CRITICAL,
            actor={"source": "prompt_log"},
            details=failed,
            policy_version=v2,
        )
    )
    return out


async def seed(store: PromptStore) -> Month:
    now = now_us()
    month = Month(since_us=now - 30 * DAY_US, until_us=now + 60 * 1_000_000)
    incidents = IncidentStore(store)
    for seen in plan(now):
        recorded = await incidents.record(seen, 1, lambda _n, s=seen.severity: (s, ("seeded",)))
        month.seeded.append(recorded.state)
    for n, state in enumerate(month.seeded[:6]):  # the workflow: some acknowledged, resolved, false positive
        await incidents.transition(state["id"], "acknowledged", "soc")
        if n < 4:
            await incidents.transition(state["id"], "false_positive" if n == 0 else "resolved", "soc", "done")
    records = [
        record(
            f"req_{day}",
            level=LogLevel.METADATA,
            ts_us=now - (29 - day) * DAY_US,
            policy_version="1+aaa" if day < 10 else "2+bbb",
            expires_us=now - 1 if day < 3 else now + DAY_US,
            cost=0.25 if day % 2 == 0 else None,  # odd days: a model without a price
            cost_currency="USD" if day % 2 == 0 else None,
        )
        for day in range(30)
    ]
    await store.write([r.seal(None) for r in records])
    await store.purge(now_us(), "2+bbb")  # days 0-2 expired; day 0..2's incidents: 0 is closed, 1-2 still open
    return month


async def test_a_seeded_month(store: PromptStore) -> None:
    month = await seed(store)
    report = await gather(store, COMPLIANCE, month.since_us, month.until_us)
    assert shape_problems(report, EvidenceReport) == []  # the typed model is the JSON format, key for key
    assert shape_problems(json.loads(json.dumps(report)), EvidenceReport) == []
    seeded = month.seeded
    assert report["summary"]["incidents"] == len(seeded) == 44
    assert report["summary"]["by_severity"] == {
        s.value: sum(i["severity"] == s.value for i in seeded) for s in Severity
    }
    assert report["summary"]["by_status"] == {"open": 38, "acknowledged": 2, "resolved": 3, "false_positive": 1}
    assert report["summary"]["median_hours_to_close"] is not None
    types = Counter(i["type"] for i in seeded)
    assert report["by_type"] == dict(sorted(types.items(), key=lambda kv: (-kv[1], kv[0])))
    assert report["by_group"]["engineering"] == sum(1 for i in seeded if "engineering" in i["actor"].get("groups", []))
    # Each control counts the incidents whose type maps to it; 27001 and 42001 side by side for every type.
    cited = Counter((r.framework, r.id) for i in seeded for r in COMPLIANCE.refs(Violation(i["type"])))
    assert {(c["framework"], c["id"]): c["incidents"] for c in report["controls"]} == cited
    pii_row = next(r for r in report["side_by_side"] if r["type"] == "PII_IN_PROMPT")
    assert pii_row["incidents"] == 30
    assert "A.5.34" in {c["id"] for c in pii_row["iso27001_2022"]}
    assert pii_row["iso42001_2023"]
    assert len(report["side_by_side"]) == len(Violation)
    timeline = report["timeline"]
    assert len(timeline["days"]) in (31, 32)
    assert sum(map(sum, timeline["by_severity"].values())) == len(seeded)
    assert sum(timeline["by_type"]["SECRET_OR_CREDENTIAL_IN_PROMPT"]) == 6
    assert [v["version"] for v in report["policy"]["in_force"]] == ["1+aaa", "2+bbb"]
    assert [(c["kind"], c["loosened"], c["problems"]) for c in report["policy"]["changes"]] == [
        ("applied", 1, 0),
        ("rejected", 0, 2),
    ]
    no_register = {"entries": [], "unregistered": ["openai"], "shadow_demand": [], "register_changes": []}
    assert report["inventory"] == no_register
    usage, kept = report["usage"], await store.count()
    assert (usage["total"]["requests"], usage["total"]["prompt_tokens"], kept) == (29, 29 * 21, 29)  # day 0 purged
    assert usage["total"]["cost"] == {"USD": 0.25 * 14}  # days 2, 4 ... 28
    assert usage["total"]["unpriced_requests"] == 15
    assert {line["key"]: line["requests"] for line in usage["by_group"]} == {"engineering": 29, "eu": 29}
    assert [line["key"] for line in usage["by_model"]] == ["openai/gpt-6-sol"]
    [run] = report["retention"]["runs"]
    assert (run["deleted"], run["held"], report["retention"]["failures"]) == (1, 2, 1)  # open incidents hold 2
    assert report["chain"] == {"ok": True, "events": 44 + 6 + 4, "incidents": 44, "problems": []}
    samples = report["samples"]
    assert len(samples) == 10
    assert samples[0]["severity"] == "critical"
    assert [Severity(s["severity"]).rank for s in samples] == sorted(
        (Severity(s["severity"]).rank for s in samples), reverse=True
    )

    page = render_html(report)
    assert [m for m in re.findall(r'<section id="([a-z]+)"', page)] == SECTIONS
    for expected in ("ISO/IEC 27001:2022", "ISO/IEC 42001:2023", "<svg", "INTACT", "Privacy and protection of PII"):
        assert expected in page
    assert "\n## Incidents per control\n" in render_markdown(report)


async def test_the_report_shows_a_tampered_chain(store: PromptStore) -> None:
    month = await seed(store)
    victim = month.seeded[5]["id"]
    await store.execute(store.dialect.sql("UPDATE incidents SET severity = 'low' WHERE id = ?"), [victim])
    report = await gather(store, COMPLIANCE, month.since_us, month.until_us)
    assert not report["chain"]["ok"]
    assert any(victim in p for p in report["chain"]["problems"])
    assert "TAMPERED" in render_html(report)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "gateway.yaml"
    path.write_text(f"policy_path: {TEST_POLICY}\n{stores_yaml(tmp_path)}")

    async def write() -> None:
        store = SqlitePromptStore(tmp_path / "prompt-log.db")
        await store.open()
        try:
            await seed(store)
        finally:
            await store.close()

    asyncio.run(write())
    return path


def test_aigw_report_in_each_format(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--config", str(config), "--format", "json", "--since", "31d"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["summary"]["incidents"], data["chain"]["ok"]) == (44, True)
    assert main(["report", "--config", str(config), "--format", "json", "--since", "3d"]) == 0
    recent = json.loads(capsys.readouterr().out)
    assert recent["summary"]["incidents"] < 44  # the period filters
    assert main(["report", "--config", str(config), "--format", "md"]) == 0
    assert "ISO/IEC 42001:2023" in capsys.readouterr().out
    out = tmp_path / "evidence.html"
    assert main(["report", "--config", str(config), "--output", str(out)]) == 0
    assert out.read_text().lstrip().lower().startswith("<!doctype html>")
    assert os.stat(out).st_mode & 0o077 == 0
    assert main(["report", "--config", str(config), "--since", "1d", "--until", "2d"]) == 2
    assert "before" in capsys.readouterr().err
