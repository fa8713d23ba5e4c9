"""Incidents the store cannot take by shutdown are spooled to a 0600 file and stored at the
next start, aggregated as usual: a store outage at shutdown loses no incident."""

from __future__ import annotations

import dataclasses
import json
import stat
from pathlib import Path

from gateway.compliance.catalog import load_compliance
from gateway.incidents import spool
from gateway.incidents.recorder import IncidentLog
from gateway.incidents.severity import Facts
from gateway.incidents.store import IncidentQuery, IncidentStore
from gateway.policy.policy import load_policy
from gateway.promptlog.sqlite_store import SqlitePromptStore
from tests.conftest import TEST_POLICY
from tests.gateway.incidents.test_incident_store import seen

COMPLIANCE = load_compliance()
POLICY = load_policy(TEST_POLICY)


def incident_log(store: SqlitePromptStore, spool_path: Path) -> IncidentLog:
    return IncidentLog(IncidentStore(store), COMPLIANCE, lambda: POLICY, spool_path=spool_path)


async def test_incidents_pending_at_shutdown_survive_a_store_outage(tmp_path: Path) -> None:
    spool_path = tmp_path / "incidents.spool"
    store = SqlitePromptStore(tmp_path / "log.db")
    await store.open()
    await store.close()  # the store is down: every write raises StoreUnavailable
    first = incident_log(store, spool_path)
    await first.start()
    first.observe_logging_failure("store unavailable")
    for _ in range(3):
        first.observe_auth_failure("203.0.113.7")  # under the threshold: no incident
    for _ in range(2):
        first.observe_logging_failure("store unavailable")  # identical: aggregates once stored
    await first.close(grace_s=0.3)
    assert stat.S_IMODE(spool_path.stat().st_mode) == 0o600
    assert len(spool_path.read_text().splitlines()) == 3

    store = SqlitePromptStore(tmp_path / "log.db")  # back up: the next start stores what was spooled
    await store.open()
    second = incident_log(store, spool_path)
    await second.start()
    await second.flush()
    [incident] = await IncidentStore(store).search(IncidentQuery())
    assert (incident["type"], incident["occurrences"]) == ("LOGGING_OR_RETENTION_FAILURE", 3)
    assert incident["details"] == {"reason": "store unavailable"}
    assert not spool_path.exists()
    assert (await IncidentStore(store).verify()).ok
    await second.close(grace_s=1)
    await store.close()


def test_a_candidate_round_trips_through_the_spool(tmp_path: Path) -> None:
    facts = Facts(
        let_through=True,
        enforced=False,
        data_classes=frozenset({"pii"}),
        entity_types=frozenset({"X"}),
        count=3,
        repeats=2,
        privileged=True,
        flags=frozenset({"loosened"}),
        groups=("eng",),
    )
    candidate = dataclasses.replace(seen(), facts=facts, evidence={"scheme": "hmac-sha256", "value_hashes": {}})
    path = tmp_path / "s"
    other = seen(user="bob")
    assert spool.spool(path, [candidate, other]) == 2
    taken = spool.read(path)
    assert taken == [candidate, other]
    assert taken[0].facts == facts  # not part of equality: compared on its own
    assert spool.read(path) == taken  # reading removes nothing: only what is stored leaves
    spool.rewrite(path, taken[1:])
    assert spool.read(path) == [other]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    spool.rewrite(path, [])
    assert not path.exists()
    assert spool.read(path) == []


def test_an_unreadable_spool_line_is_kept_aside_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "s"
    spool.spool(path, [seen()])
    with path.open("a") as out:
        out.write('{"violation": "NOT_A_TYPE"}\n')
    assert len(spool.read(path)) == 1
    [kept] = (tmp_path / "s.rejected").read_text().splitlines()
    assert json.loads(kept) == {"violation": "NOT_A_TYPE"}
    assert len(spool.read(path)) == 1  # set aside once, not again at every read
    assert len((tmp_path / "s.rejected").read_text().splitlines()) == 1
