"""No incident can stop the incident recorder: values a hash or column cannot take are
scrubbed, a candidate the store still refuses is quarantined (and reported), a recorder
that dies is restarted, and a poisoned spool is read without a failed start."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import stat
from pathlib import Path

import pytest

from gateway.incidents.recorder import IncidentLog
from gateway.incidents.severity import Facts
from gateway.incidents.store import IncidentQuery, IncidentStore
from gateway.metrics import GatewayMetrics
from gateway.policy.violations import Violation
from gateway.promptlog.sqlite_store import SqlitePromptStore
from tests.gateway.incidents.test_incident_spool import COMPLIANCE, POLICY
from tests.gateway.promptlog.test_writer import wait_until


async def started(tmp_path: Path) -> tuple[IncidentLog, SqlitePromptStore, GatewayMetrics]:
    store = SqlitePromptStore(tmp_path / "log.db")
    await store.open()
    metrics = GatewayMetrics()
    incidents = IncidentLog(
        IncidentStore(store), COMPLIANCE, lambda: POLICY, spool_path=tmp_path / "incidents.spool", metrics=metrics
    )
    await incidents.start()
    return incidents, store, metrics


async def test_lone_surrogates_from_headers_are_scrubbed_not_fatal(tmp_path: Path) -> None:
    incidents, store, _ = await started(tmp_path)
    incidents.observe_auth_failure(
        "203.0.113.7", revoked_key_owner="bob\udc80"
    )  # a header decoded with surrogateescape
    incidents.observe_logging_failure("reason \ud800")
    await asyncio.wait_for(incidents.flush(), 10)
    found = await IncidentStore(store).search(IncidentQuery())
    assert {i["actor"].get("user") for i in found} >= {"bob\ufffd"}
    assert incidents.ready
    await incidents.close(1)
    await store.close()


async def test_a_candidate_the_store_refuses_is_quarantined_and_reported(tmp_path: Path) -> None:
    incidents, store, metrics = await started(tmp_path)
    good = incidents._candidates.build(Violation.POLICY_CHANGE, Facts(), {"source": "test"}, details={"n": 1})
    # Not JSON-serialisable: the store cannot hash or keep it (a bug's shape, not a value's).
    bad = dataclasses.replace(good, details={"n": object()})
    await incidents._store([good, bad])
    found = await IncidentStore(store).search(IncidentQuery())
    assert [i["type"] for i in found] == ["POLICY_CHANGE"]
    assert incidents.quarantine_path is not None
    lines = incidents.quarantine_path.read_text().splitlines()
    assert len(lines) == 1
    assert "cause" in json.loads(lines[0])
    assert stat.S_IMODE(incidents.quarantine_path.stat().st_mode) == 0o600
    assert metrics.record_errors.labels("incidents", "quarantined")._value.get() == 1
    await asyncio.wait_for(incidents.flush(), 10)  # the report of it is an incident of its own
    types = {i["type"] for i in await IncidentStore(store).search(IncidentQuery())}
    assert "LOGGING_OR_RETENTION_FAILURE" in types
    await incidents.close(1)
    await store.close()


async def test_a_recorder_that_dies_is_restarted_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    incidents, store, metrics = await started(tmp_path)
    real = incidents._store
    calls: list[int] = []

    async def buggy(batch: object) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug in the recorder")
        await real(batch)  # type: ignore[arg-type]

    monkeypatch.setattr(incidents, "_store", buggy)
    incidents.observe_logging_failure("first")
    await wait_until(lambda: metrics.background_task_restarts.labels("incident_recorder")._value.get() == 1)
    await wait_until(lambda: incidents.ready)
    await asyncio.wait_for(incidents.flush(), 10)
    found = await IncidentStore(store).search(IncidentQuery())
    reasons = {i["details"].get("reason") for i in found}
    assert {"first", "recorder_died"} <= reasons  # the held incident was stored by the successor
    await incidents.close(1)
    await store.close()


async def test_a_garbled_spool_is_read_at_start(tmp_path: Path) -> None:
    (tmp_path / "incidents.spool").write_bytes(b'{"torn": \n\xff\xfe\n' + b"[" * 5000 + b"\n")
    incidents, store, _ = await started(tmp_path)  # used to raise UnicodeDecodeError or RecursionError
    assert incidents.ready
    assert len((tmp_path / "incidents.spool.rejected").read_text().splitlines()) == 3
    await incidents.close(1)
    await store.close()


async def test_incidents_raised_before_the_recorder_started_are_spooled_when_it_closes(tmp_path: Path) -> None:
    """A start-up that fails after the prompt log reported a failure, before the recorder ran:
    the incident is kept in the spool file (and recorded at the next start), never dropped."""
    store = SqlitePromptStore(tmp_path / "log.db")
    await store.open()
    spool_path = tmp_path / "incidents.spool"
    incidents = IncidentLog(IncidentStore(store), COMPLIANCE, lambda: POLICY, spool_path=spool_path)
    incidents.observe_logging_failure("quarantined a spool line")
    await incidents.close(1)
    assert spool_path.exists()
    [line] = spool_path.read_text().splitlines()
    assert json.loads(line)["violation"] == Violation.LOGGING_OR_RETENTION_FAILURE.value
    restarted = IncidentLog(IncidentStore(store), COMPLIANCE, lambda: POLICY, spool_path=spool_path)
    await restarted.start()
    await asyncio.wait_for(restarted.flush(), 10)
    found = await IncidentStore(store).search(IncidentQuery())
    assert [i["type"] for i in found] == [Violation.LOGGING_OR_RETENTION_FAILURE.value]
    await restarted.close(1)
    await store.close()
