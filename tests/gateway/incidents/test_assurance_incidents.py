"""Incidents raised by control-assurance probes, on both backends: marked in a column of their own (from their
state), searched and counted apart in SQL so that a year of them cannot fill a report's cap, the mark checked
by the chain verification, and rows written before the column marked by the migration."""

from __future__ import annotations

import dataclasses
import json

import pytest

from gateway.compliance.catalog import load_compliance
from gateway.incidents.model import canonical
from gateway.incidents.store import IncidentQuery, IncidentStore
from gateway.promptlog.schema import LATEST
from gateway.promptlog.store import PromptStore
from gateway.report import gather as gather_module
from gateway.report import inventory as inventory_module
from gateway.report.gather import gather
from tests.gateway.incidents.test_incident_store import same, seen
from tests.gateway.promptlog.conftest import MakeStore

T0 = 1_790_000_000_000_000  # 2026-09-21
SECOND_US = 1_000_000


async def real_then_probes(store: PromptStore, probes: int = 5) -> tuple[list[str], list[str]]:
    """Two real incidents, then ``probes`` newer probe incidents (each a different user: none fold)."""
    incidents = IncidentStore(store)
    real = [(await incidents.record(seen(f"user{n}", at_us=T0 + n * SECOND_US), 300, same)).state["id"] for n in (1, 2)]
    probe_ids = []
    for n in range(probes):
        candidate = dataclasses.replace(seen(f"probe{n}", at_us=T0 + (10 + n) * SECOND_US), assurance=True)
        probe_ids.append((await incidents.record(candidate, 300, same)).state["id"])
    return real, probe_ids


async def test_probe_incidents_are_marked_searched_and_counted_apart(store: PromptStore) -> None:
    real, probes = await real_then_probes(store)
    rows = await store.fetch("SELECT id, assurance FROM incidents")
    assert {str(r["id"]): bool(r["assurance"]) for r in rows} == {i: i in probes for i in real + probes}
    incidents = IncidentStore(store)
    # A limit smaller than the probes: without the filter in SQL, the newest (the probes) fill it.
    found = await incidents.search(IncidentQuery(limit=2, assurance=False))
    assert sorted(i["id"] for i in found) == sorted(real)
    assert {i["id"] for i in await incidents.search(IncidentQuery(assurance=True))} == set(probes)
    assert len(await incidents.search(IncidentQuery())) == 7  # None: both
    assert await incidents.count(IncidentQuery(assurance=True)) == 5
    assert await incidents.count(IncidentQuery(assurance=False, since_us=T0, until_us=T0 + 5 * SECOND_US)) == 2
    assert (await incidents.verify()).ok


async def test_the_report_keeps_real_incidents_however_many_probes_came_after(
    store: PromptStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report's cap made small (as a year of hourly probes makes 100,000 small): the real ones stay."""
    real, _probes = await real_then_probes(store)
    monkeypatch.setattr(gather_module, "MAX_INCIDENTS", 3)
    monkeypatch.setattr(inventory_module, "MAX_INCIDENTS", 3)
    report = await gather(store, load_compliance(), T0, T0 + 3600 * SECOND_US)
    assert report["summary"]["incidents"] == 2
    assert sorted(s["id"] for s in report["samples"]) == sorted(real)
    assert report["controls_tested"]["probe_incidents"] == 5  # counted, not read: no cap


async def test_a_mark_edited_in_the_table_shows_in_the_verification(store: PromptStore) -> None:
    real, probes = await real_then_probes(store, probes=1)
    await store.execute(store.dialect.sql("UPDATE incidents SET assurance = TRUE WHERE id = ?"), [real[0]])
    await store.execute(store.dialect.sql("UPDATE incidents SET assurance = FALSE WHERE id = ?"), [probes[0]])
    result = await IncidentStore(store).verify()
    assert f"incident {real[0]}: its columns differ from its state (edited)" in result.problems
    assert f"incident {probes[0]}: its columns differ from its state (edited)" in result.problems


async def test_rows_written_before_the_column_are_marked_by_the_migration(make_store: MakeStore) -> None:
    old = make_store()
    await old.open(upto=11)  # the gateway before the column: the mark is only in the state
    real, probe = seen("alice").opened_state("inc_real"), dataclasses.replace(seen("p"), assurance=True)
    states = [real, probe.opened_state("inc_probe"), {**real, "id": "inc_nested", "details": {"assurance": True}}]
    columns = "id, type, severity, status, opened_us, last_seen_us, actor, agg_key, state, seq"
    insert = old.dialect.sql(f"INSERT INTO incidents ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")  # noqa: S608
    for n, state in enumerate(states, 1):
        values = [state["type"], state["severity"], state["status"], state["opened_us"], state["last_seen_us"]]
        await old.execute(insert, [state["id"], *values, "alice", "k", canonical(state), n])
    not_json = '{"assurance":true, edited'  # an edited row is left unmarked, not a failed upgrade
    await old.execute(insert, ["inc_broken", "PII_IN_PROMPT", "low", "open", 1, 1, "x", "k", not_json, 4])
    await old.close()
    current = make_store()
    await current.open()
    assert await current.schema_version() == LATEST
    rows = await current.fetch("SELECT id, assurance FROM incidents")
    marked = {str(r["id"]): bool(r["assurance"]) for r in rows}
    assert marked == {"inc_real": False, "inc_probe": True, "inc_nested": False, "inc_broken": False}
    assert json.loads(str((await current.fetch("SELECT state FROM incidents WHERE id = 'inc_probe'"))[0]["state"]))[
        "assurance"
    ]
    await current.close()
