"""The incident recorder when the store hangs, and the spool a past shutdown left.

A store call that never returns makes the recorder not ready (and restarts it) instead of
leaving ``incident_log`` ready while nothing is stored. The spool is stored at start by the
recorder itself, however many incidents it holds (the queue's bound does not apply), and
each part leaves the file only once it is in the store: a store that fails midway leaves
the rest for the next start, and none is stored twice.

Real SQLite; the hang is a ``transact`` held on an event, the failure a store closed midway.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest

from gateway.incidents import recorder, spool
from gateway.incidents.recorder import IncidentLog
from gateway.incidents.store import IncidentQuery, IncidentStore
from gateway.metrics import GatewayMetrics
from gateway.promptlog.sqlite_store import SqlitePromptStore
from gateway.promptlog.store import Transaction
from tests.gateway.incidents.test_incident_spool import COMPLIANCE, POLICY
from tests.gateway.incidents.test_incident_store import seen
from tests.gateway.promptlog.test_writer import wait_until

T = TypeVar("T")
DEADLINE_S = 30.0


class HeldStore(SqlitePromptStore):
    """``transact`` waits while ``held`` is unset (a hung database call); ``close_after``:
    the store closes itself after that many transactions (a store lost midway)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.held = asyncio.Event()
        self.held.set()
        self.close_after: int | None = None
        self.transactions = 0

    async def transact(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        await self.held.wait()
        if self.close_after is not None and self.transactions >= self.close_after:
            await self.close()
        self.transactions += 1
        return await super().transact(work)


def incident_log(
    store: SqlitePromptStore, tmp_path: Path, queue_size: int = 10_000, metrics: GatewayMetrics | None = None
) -> IncidentLog:
    return IncidentLog(
        IncidentStore(store),
        COMPLIANCE,
        lambda: POLICY,
        queue_size=queue_size,
        spool_path=tmp_path / "incidents.spool",
        metrics=metrics or GatewayMetrics(),
    )


async def test_a_hung_store_call_makes_the_recorder_not_ready(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recorder, "STALL_S", 0.3, raising=False)
    store = HeldStore(tmp_path / "log.db")
    await store.open()
    metrics = GatewayMetrics()
    incidents = incident_log(store, tmp_path, metrics=metrics)
    await incidents.start()
    assert incidents.ready

    store.held.clear()
    incidents.observe_logging_failure("before the hang")
    await wait_until(lambda: not incidents.ready, DEADLINE_S)
    restarts = metrics.background_task_restarts.labels("incident_recorder")
    await wait_until(lambda: restarts._value.get() >= 1, DEADLINE_S)  # cancelled as stuck, started again
    assert not incidents.ready  # the successor's call hangs too

    store.held.set()  # the database answers again
    await wait_until(lambda: incidents.ready, DEADLINE_S)
    await asyncio.wait_for(incidents.flush(), DEADLINE_S)
    found = await IncidentStore(store).search(IncidentQuery())
    reasons = {(i["details"].get("reason"), i["details"].get("cause")) for i in found}
    assert ("before the hang", None) in reasons  # held through the restart, then stored
    assert ("recorder_died", "stalled") in reasons  # and the stall is an incident of its own
    await incidents.close(1)
    await store.close()


def spooled(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "incidents.spool"
    spool.spool(path, [seen(user=f"user{i}") for i in range(n)])  # distinct: no two aggregate
    return path


async def test_a_spool_larger_than_the_queue_is_stored_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recorder, "MAX_BATCH", 7)  # several batches
    path = spooled(tmp_path, 30)
    store = SqlitePromptStore(tmp_path / "log.db")
    await store.open()
    incidents = incident_log(store, tmp_path, queue_size=5)
    await incidents.start()
    await asyncio.wait_for(incidents.flush(), DEADLINE_S)
    found = await IncidentStore(store).search(IncidentQuery(limit=1000))
    assert sorted(i["actor"]["user"] for i in found) == sorted(f"user{i}" for i in range(30))
    assert not path.exists()
    assert incidents.dropped == 0
    await incidents.close(1)
    await store.close()


async def test_a_store_failing_during_replay_leaves_the_rest_spooled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recorder, "MAX_BATCH", 7)
    path = spooled(tmp_path, 30)
    store = HeldStore(tmp_path / "log.db")
    await store.open()
    store.close_after = 2  # two batches stored, then the store is gone
    first = incident_log(store, tmp_path)
    await first.start()  # the start itself goes on: the rest waits in the file
    assert path.exists()
    left = [json.loads(line)["actor"]["user"] for line in path.read_text().splitlines()]
    assert left == [f"user{i}" for i in range(14, 30)]  # the stored batches left the file
    await first.close(1)

    store = HeldStore(tmp_path / "log.db")  # the next start, the store answering
    await store.open()
    second = incident_log(store, tmp_path)
    await second.start()
    await asyncio.wait_for(second.flush(), DEADLINE_S)
    found = await IncidentStore(store).search(IncidentQuery(limit=1000))
    assert sorted(i["actor"]["user"] for i in found) == sorted(f"user{i}" for i in range(30))
    assert {i["occurrences"] for i in found} == {1}  # none stored twice
    assert not path.exists()
    await second.close(1)
    await store.close()
