"""Incidents on both backends: opened, aggregated within the window, worked through the
status workflow, and a hash chain that shows any edited, deleted or reordered record."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest

from gateway.compliance.catalog import load_compliance
from gateway.incidents import verify as verify_module
from gateway.incidents.model import Candidate
from gateway.incidents.store import IncidentQuery, IncidentStore, WorkflowError
from gateway.incidents.verify import Verification
from gateway.policy.schema import LogLevel
from gateway.policy.violations import Severity, Violation
from gateway.promptlog import sqlite_store
from gateway.promptlog.sqlite_store import SqlitePromptStore
from gateway.promptlog.store import PromptStore, SearchQuery, now_us
from tests.gateway.promptlog.test_store import record

COMPLIANCE = load_compliance()
SECOND_US = 1_000_000


def seen(user: str = "alice", at_us: int | None = None, violation: Violation = Violation.PII_IN_PROMPT) -> Candidate:
    return Candidate(
        violation=violation,
        severity=Severity.MEDIUM,
        severity_reasons=("default",),
        controls=COMPLIANCE.refs(violation),
        catalogue_version=COMPLIANCE.catalogue_version,
        at_us=at_us or now_us(),
        actor={"user": user, "groups": ["engineering"]},
        destination={"provider": "openai", "model": "gpt-4o"},
        detectors=("pii",),
        entity_types={"EMAIL_ADDRESS": 2},
        count=2,
        request_id=f"req_{user}_{at_us}",
        excerpt="mail [EMAIL_ADDRESS] now",
        policy_version="1+abc",
    )


def same(occurrences: int) -> tuple[Severity, tuple[str, ...]]:
    return (Severity.HIGH if occurrences >= 3 else Severity.MEDIUM), (f"seen {occurrences} times",)


async def test_identical_violations_aggregate_within_the_window(store: PromptStore) -> None:
    incidents = IncidentStore(store)
    t0 = now_us()
    first = await incidents.record(seen(at_us=t0), 300, same)
    again = await incidents.record(seen(at_us=t0 + 10 * SECOND_US), 300, same)
    other = await incidents.record(seen(user="bob", at_us=t0 + 11 * SECOND_US), 300, same)
    third = await incidents.record(seen(at_us=t0 + 20 * SECOND_US), 300, same)  # the third time: escalates
    assert third.state["id"] == first.state["id"]
    assert (third.state["severity"], third.state["severity_reasons"]) == ("high", ["seen 3 times"])
    later = await incidents.record(seen(at_us=t0 + 900 * SECOND_US), 300, same)  # past the window: a new one
    assert (first.opened, again.opened, later.opened, other.opened) == (True, False, True, True)
    assert again.state["id"] == first.state["id"]
    stored = await incidents.get(first.state["id"])
    assert stored is not None
    assert (stored["count"], stored["occurrences"], stored["entity_types"]) == (6, 3, {"EMAIL_ADDRESS": 6})
    assert len(stored["request_ids"]) == 3
    controls = {(c["framework"], c["id"]) for c in stored["controls"]}
    assert ("iso27001_2022", "A.5.34") in controls
    assert ("iso42001_2023", "A.9.2") in controls
    assert stored["catalogue_version"] == COMPLIANCE.catalogue_version
    assert len(await incidents.search(IncidentQuery(actor="alice"))) == 2
    assert (await incidents.verify()).ok


async def test_a_batch_records_what_one_by_one_would(store: PromptStore) -> None:
    """One transaction for a burst (issue 18: built in memory, written with a few statements): the same
    incidents, counts, severities and request ids as recording each alone, repeats of an incident the
    batch itself opened included, one past the window opening a new one, and a chain that verifies."""
    t0 = now_us()
    burst = [seen(at_us=t0 + n * SECOND_US) for n in range(5)] + [seen(user="bob", at_us=t0 + 5 * SECOND_US)]
    burst += [seen(at_us=t0 + 900 * SECOND_US), seen(at_us=t0 + 901 * SECOND_US)]
    batched = await IncidentStore(store).record_all(burst, 300, lambda _seen: same)
    assert [r.opened for r in batched] == [True, False, False, False, False, True, True, False]
    ids = [r.state["id"] for r in batched]
    assert len(set(ids)) == 3
    first = await IncidentStore(store).get(ids[0])
    assert first is not None
    assert (first["occurrences"], first["count"], first["severity"]) == (5, 10, "high")
    assert first["request_ids"] == [c.request_id for c in burst[:5]]
    assert [r.state["seq"] for r in batched] == list(range(1, 9))  # one chain event each, in order
    assert (await IncidentStore(store).verify()).ok
    again = await IncidentStore(store).record(seen(at_us=t0 + 902 * SECOND_US), 300, same)  # the next batch
    assert (again.opened, again.state["id"], again.state["occurrences"]) == (False, ids[-1], 3)
    assert (await IncidentStore(store).verify()).ok


async def test_the_status_workflow(store: PromptStore) -> None:
    incidents = IncidentStore(store)
    opened = (await incidents.record(seen(), 300, same)).state
    acked = await incidents.transition(opened["id"], "acknowledged", "carol", "looking")
    assert acked["status"] == "acknowledged"
    with pytest.raises(WorkflowError, match="cannot become open"):
        await incidents.transition(opened["id"], "open", "carol")
    done = await incidents.transition(opened["id"], "resolved", "dave", "user retrained")
    assert [(w["status"], w["by"], w["note"]) for w in done["workflow"]] == [
        ("acknowledged", "carol", "looking"),
        ("resolved", "dave", "user retrained"),
    ]
    with pytest.raises(WorkflowError, match="cannot become false_positive"):
        await incidents.transition(opened["id"], "false_positive", "carol")
    with pytest.raises(WorkflowError, match="no incident"):
        await incidents.transition("inc_missing", "resolved", "carol")
    # A resolved incident no longer takes repeats: the next one opens anew.
    assert (await incidents.record(seen(), 300, same)).opened
    assert (await incidents.verify()).ok


async def chain_of_three(store: PromptStore) -> list[str]:
    incidents = IncidentStore(store)
    ids = [(await incidents.record(seen(user=u), 300, same)).state["id"] for u in ("a", "b", "c")]
    assert (await incidents.verify()).ok
    return ids


async def test_an_edited_incident_is_detected(store: PromptStore) -> None:
    ids = await chain_of_three(store)
    row = await store.fetch(store.dialect.sql("SELECT state FROM incidents WHERE id = ?"), [ids[1]])
    state = json.loads(row[0]["state"])
    state["severity"] = "low"
    await store.execute(
        store.dialect.sql("UPDATE incidents SET severity = 'low', state = ? WHERE id = ?"), [json.dumps(state), ids[1]]
    )
    result = await IncidentStore(store).verify()
    assert result.problems == [f"incident {ids[1]}: differs from its last chain event (edited)"]


async def test_an_edited_chain_event_is_detected(store: PromptStore) -> None:
    await chain_of_three(store)
    await store.execute("UPDATE incident_chain SET body = REPLACE(body, '\"medium\"', '\"low\"') WHERE seq = 2")
    problems = (await IncidentStore(store).verify()).problems
    assert "event 2: its content does not match its hash (edited)" in problems


async def test_a_deleted_incident_is_detected(store: PromptStore) -> None:
    ids = await chain_of_three(store)
    await store.execute(store.dialect.sql("DELETE FROM incidents WHERE id = ?"), [ids[0]])
    assert (await IncidentStore(store).verify()).problems == [
        f"incident {ids[0]}: in the chain but not in the table (deleted)"
    ]


async def test_a_deleted_chain_event_is_detected(store: PromptStore) -> None:
    await chain_of_three(store)
    await store.execute("DELETE FROM incident_chain WHERE seq = 2")
    problems = (await IncidentStore(store).verify()).problems
    assert "event 2: missing (the chain jumps to 3)" in problems
    assert "event 3: does not follow the event before it (deleted or reordered)" in problems


async def test_reordered_chain_events_are_detected(store: PromptStore) -> None:
    await chain_of_three(store)
    # Swap events 2 and 3 (their sequence numbers), keeping each one's own hash intact.
    await store.execute("UPDATE incident_chain SET seq = 99 WHERE seq = 2")
    await store.execute("UPDATE incident_chain SET seq = 2 WHERE seq = 3")
    await store.execute("UPDATE incident_chain SET seq = 3 WHERE seq = 99")
    problems = (await IncidentStore(store).verify()).problems
    assert any("does not follow the event before it" in p for p in problems)


async def test_records_an_open_incident_refers_to_outlive_their_retention_until_it_is_closed(
    store: PromptStore,
) -> None:
    incidents = IncidentStore(store)
    t = now_us()
    first = seen(at_us=t)  # its request id: req_alice_<t>
    again = seen(at_us=t + SECOND_US)  # aggregated into the same incident: its record is held too
    other = seen(user="bob", at_us=t + 2 * SECOND_US)
    ids = [c.request_id or "" for c in (first, again, other)]
    expired = [record(rid, level=LogLevel.METADATA, expires_us=t - 1).seal(None) for rid in [*ids, "req_unrelated"]]
    await store.write(expired)
    opened = await incidents.record(first, 300, same)
    await incidents.record(again, 300, same)
    bobs = await incidents.record(other, 300, same)
    await incidents.transition(bobs.state["id"], "acknowledged", "carol")  # still being worked: still held
    assert await incidents.held_request_ids() == set(ids)
    result = await store.purge(t, "1+abc")
    assert (result.deleted, result.held) == (1, 3)
    assert sorted(r["request_id"] for r in await store.search(SearchQuery())) == sorted(ids)
    await incidents.transition(opened.state["id"], "resolved", "carol", "user retrained")
    await incidents.transition(bobs.state["id"], "false_positive", "carol", "test data")
    assert await incidents.held_request_ids() == set()
    assert (await store.purge(t, "1+abc")).deleted == 3
    assert await store.count() == 0


async def test_verification_reads_the_chain_in_pages(store: PromptStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify_module, "PAGE", 3)  # 20 events: seven pages
    incidents = IncidentStore(store)
    t0 = now_us()
    for n in range(20):
        await incidents.record(seen(user=f"u{n}", at_us=t0 + n), 300, same)
    result = await incidents.verify()
    assert (result.ok, result.events, result.incidents) == (True, 20, 20)
    await store.execute(store.dialect.sql("DELETE FROM incident_chain WHERE seq = ?"), [11])
    problems = (await incidents.verify()).problems
    assert "event 11: missing (the chain jumps to 12)" in problems
    assert any("event 12: does not follow" in p for p in problems)


async def test_verifying_while_incidents_are_recorded_raises_no_false_alarm(store: PromptStore) -> None:
    incidents = IncidentStore(store)
    t0 = now_us()

    async def record() -> None:
        for n in range(150):  # new incidents and repeats of earlier ones, as a busy gateway makes them
            await incidents.record(seen(user=f"u{n % 40}", at_us=t0 + n * SECOND_US), 3600, same)

    async def check() -> list[Verification]:
        results = []
        for _ in range(15):
            results.append(await incidents.verify())
            await asyncio.sleep(0)
        return results

    _, results = await asyncio.gather(record(), check())
    assert [r.problems for r in results if not r.ok] == []
    final = await incidents.verify()
    assert (final.ok, final.incidents, final.events) == (True, 40, 150)


async def test_a_batch_of_many_incidents_fits_sqlites_oldest_parameter_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite before 3.32 takes 999 parameters a statement (RHEL 8, Ubuntu 20.04): a batch of 250
    distinct incidents is written, and their open keys looked up, within it."""
    opened = sqlite_store._open_connection

    def old_sqlite(path: Path) -> sqlite3.Connection:
        db = opened(path)
        db.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
        return db

    monkeypatch.setattr(sqlite_store, "_open_connection", old_sqlite)
    store = SqlitePromptStore(tmp_path / "log.db")
    await store.open()
    assert store._db is not None
    store._db.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    incidents = IncidentStore(store)
    batch = [seen(user=f"user{n}") for n in range(250)]
    recorded = await incidents.record_all(batch, 300, lambda _seen: same)
    assert all(r.opened for r in recorded)
    keys = [c.aggregation_key() for c in batch] * 4  # 1,000 keys to look up
    assert len(await incidents.open_since(keys)) == 250
    assert (await incidents.verify()).ok
    await store.close()
