"""Tampering is noticed while the gateway runs, not only when someone runs ``verify``: the
verifier finds an edited record, and an edited row is never built upon (the chain is the
record); either way a critical LOGGING_OR_RETENTION_FAILURE incident says so."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from gateway.compliance.catalog import load_compliance
from gateway.incidents.recorder import IncidentLog
from gateway.incidents.store import IncidentQuery, IncidentStore
from gateway.policy.policy import load_policy
from gateway.policy.violations import Severity
from gateway.promptlog.store import PromptStore
from tests.conftest import TEST_POLICY
from tests.gateway.incidents.test_incident_store import same, seen

COMPLIANCE = load_compliance()
POLICY = load_policy(TEST_POLICY)


async def tampering_incidents(store: PromptStore, deadline_s: float = 10.0) -> list[dict[str, Any]]:
    """Poll until the verifier has reported (it runs on its own schedule, not on ours)."""
    incidents = IncidentStore(store)
    loop = asyncio.get_running_loop()
    until = loop.time() + deadline_s
    while loop.time() < until:
        found = await incidents.search(IncidentQuery(type="LOGGING_OR_RETENTION_FAILURE"))
        if found:
            return found
        await asyncio.sleep(0.05)
    return []


async def test_the_running_verifier_reports_an_edited_incident_once(store: PromptStore, tmp_path: Path) -> None:
    incidents = IncidentStore(store)
    victim = (await incidents.record(seen(), 300, same)).state
    await store.execute(store.dialect.sql("UPDATE incidents SET severity = 'low' WHERE id = ?"), [victim["id"]])
    watcher = IncidentLog(incidents, COMPLIANCE, lambda: POLICY, spool_path=tmp_path / "s", verify_interval_s=0.05)
    await watcher.start()
    try:
        [report] = await tampering_incidents(store)
        await asyncio.sleep(0.3)  # several more verifications: the same problems are not reported again
        await watcher.flush()
        assert len(await tampering_incidents(store)) == 1
    finally:
        await watcher.close(grace_s=1)
    assert (report["severity"], report["actor"]) == ("critical", {"source": "incident_chain"})
    assert report["details"] == {
        "problems": 1,
        "first": f"incident {victim['id']}: its columns differ from its state (edited)",
    }
    assert any("tampering" in reason for reason in report["severity_reasons"])


async def test_an_edited_row_is_not_built_upon(store: PromptStore) -> None:
    incidents = IncidentStore(store)
    first = (await incidents.record(seen(), 300, same)).state
    await store.execute(
        store.dialect.sql("UPDATE incidents SET state = REPLACE(state, '\"count\":2', '\"count\":0') WHERE id = ?"),
        [first["id"]],
    )
    again = await incidents.record(seen(), 300, same)
    assert again.row_edited
    assert (again.state["id"], again.state["count"], again.state["occurrences"]) == (first["id"], 4, 2)
    assert Severity(again.state["severity"]) is Severity.MEDIUM
    assert (await incidents.verify()).ok  # the chain never took the edit in


async def test_the_recorder_reports_an_edited_row_it_meets(store: PromptStore, tmp_path: Path) -> None:
    incidents = IncidentStore(store)
    recorder = IncidentLog(incidents, COMPLIANCE, lambda: POLICY, spool_path=tmp_path / "s")
    await recorder.start()
    try:
        recorder.observe_logging_failure("disk full")
        await recorder.flush()
        [opened] = await incidents.search(IncidentQuery())
        await store.execute(
            store.dialect.sql("UPDATE incidents SET state = REPLACE(state, 'disk full', 'fine') WHERE id = ?"),
            [opened["id"]],
        )
        recorder.observe_logging_failure("disk full")  # aggregates into the edited incident
        await recorder.flush()
        found = await incidents.search(IncidentQuery(type="LOGGING_OR_RETENTION_FAILURE"))
    finally:
        await recorder.close(grace_s=1)
    by_source = {i["actor"]["source"]: i for i in found}
    assert by_source["prompt_log"]["details"] == {"reason": "disk full"}
    assert by_source["prompt_log"]["occurrences"] == 2
    assert by_source["incident_chain"]["severity"] == "critical"
