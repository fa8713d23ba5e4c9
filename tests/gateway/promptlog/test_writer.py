"""The batching writer: every record reaches the store, or the spool file and then the store;
in block mode the gateway refuses new requests while the store cannot be written.

The store is real SQLite; an outage is simulated by closing it (its writes then raise
StoreUnavailable, as a dead PostgreSQL does -- test_pg_outage stops a real one)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gateway.errors import PromptLogUnavailable
from gateway.metrics import GatewayMetrics
from gateway.policy.schema import LogLevel
from gateway.promptlog.record import LogRecord
from gateway.promptlog.sqlite_store import SqlitePromptStore
from gateway.promptlog.store import now_us
from gateway.promptlog.writer import BEHIND_FACTOR, OnFailure, PromptLogWriter


def rec(i: int) -> LogRecord:
    return LogRecord(f"req_{i}", now_us(), 200, "ok", LogLevel.METADATA, now_us() + 10**12, user="u")


class Harness:
    def __init__(self, tmp_path: Path, mode: OnFailure, queue_size: int = 100, batch_wait_s: float = 0.0) -> None:
        self.mode: OnFailure = mode
        self.store = SqlitePromptStore(tmp_path / "log.db")
        self.spool = tmp_path / "spool.jsonl"
        self.metrics = GatewayMetrics()
        self.writer = PromptLogWriter(
            self.store, None, self.metrics, lambda: self.mode, self.spool, queue_size, 10, batch_wait_s
        )

    async def start(self) -> None:
        await self.store.open()
        await self.writer.start()

    async def outage(self) -> None:
        await self.store.close()

    async def recover(self) -> None:
        await self.store.connect()


async def wait_until(condition: object, seconds: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "not within the time allowed"
        await asyncio.sleep(0.02)


async def test_records_are_written_in_batches(tmp_path: Path) -> None:
    h = Harness(tmp_path, "block")
    await h.start()
    for i in range(95):
        await h.writer.admit()
        h.writer.submit(rec(i))
    await h.writer.flush()
    assert await h.store.count() == 95
    assert h.metrics.prompt_log_records._value.get() == 95
    await h.writer.close()


async def test_spool_mode_keeps_serving_and_replays(tmp_path: Path) -> None:
    h = Harness(tmp_path, "spool")
    await h.start()
    await h.outage()
    for i in range(12):
        await h.writer.admit()  # never refuses in spool mode
        h.writer.submit(rec(i))
    await h.writer.flush()
    assert len(h.spool.read_text().splitlines()) == 12
    assert not h.writer.healthy
    await h.recover()
    h.writer.submit(rec(99))  # the next successful write replays the spool
    await wait_until(lambda: h.spool.stat().st_size == 0)
    assert await h.store.count() == 13
    await h.writer.close()


async def test_block_mode_refuses_until_the_store_is_back(tmp_path: Path) -> None:
    h = Harness(tmp_path, "block")
    await h.start()
    await h.outage()
    await h.writer.admit()
    h.writer.submit(rec(1))  # admitted before the failure was known: kept and retried
    await wait_until(lambda: not h.writer.healthy)
    with pytest.raises(PromptLogUnavailable):
        await h.writer.admit()
    assert not h.spool.exists()  # block mode does not spool while running
    await h.recover()
    await wait_until(lambda: h.writer.healthy)
    await h.writer.admit()
    await h.writer.flush()
    assert await h.store.get("req_1") is not None
    await h.writer.close()


async def test_a_full_queue_refuses_in_block_mode_and_spools_what_was_admitted(tmp_path: Path) -> None:
    h = Harness(tmp_path, "block", queue_size=3)
    await h.store.open()  # the writer task is not started: the queue only fills
    for i in range(3):
        await h.writer.admit()
        h.writer.submit(rec(i))
    with pytest.raises(PromptLogUnavailable):
        await h.writer.admit()
    h.writer.submit(rec(3))  # admitted earlier, arrives to a full queue: spooled, not lost
    assert len(h.spool.read_text().splitlines()) == 1
    await h.writer.close()  # drains the queue into the store, and the store being fine, replays the spool
    assert await h.store.count() == 4
    assert h.spool.read_text() == ""


async def test_an_overflow_is_reported_once_per_episode_and_counted_every_time(tmp_path: Path) -> None:
    """At full load every request's record meets the full queue: one log line and one incident
    for the episode (a report each starved the writer), every record counted and kept."""
    h = Harness(tmp_path, "block", queue_size=3)
    events: list[str] = []
    h.writer = PromptLogWriter(
        h.store, None, h.metrics, lambda: h.mode, h.spool, 3, 10, 0.0, on_failure_event=events.append
    )
    await h.store.open()  # the writer task is not started: the queue only fills
    for i in range(3):
        h.writer.submit(rec(i))
    for i in range(3, 50):
        h.writer.submit(rec(i))  # admitted earlier, each meets the full queue: spooled
    assert events == ["queue_full"]
    assert h.metrics.prompt_log_failures.labels("queue_full")._value.get() == 47
    assert len(h.spool.read_text().splitlines()) == 47
    await h.writer.start()  # the spool replayed and the queue written: the episode is over
    await wait_until(lambda: h.writer.healthy)
    for i in range(50, 60):
        h.writer.submit(rec(i))  # nothing awaited in between: the queue overflows again, a new episode
    assert events == ["queue_full", "queue_full"]
    await h.writer.close()
    assert await h.store.count() == 60  # nothing lost


async def test_shutdown_with_the_store_down_spools_the_queue(tmp_path: Path) -> None:
    h = Harness(tmp_path, "block")
    await h.start()
    await h.outage()
    for i in range(5):
        h.writer.submit(rec(i))
    await h.writer.close(grace_s=0.5)
    assert len(h.spool.read_text().splitlines()) == 5
    restarted = Harness(tmp_path, "block")
    await restarted.start()  # the spool is replayed at start-up
    assert await restarted.store.count() == 5
    assert restarted.spool.read_text() == ""
    await restarted.writer.close()


def writes(metrics: GatewayMetrics) -> float:
    value = metrics.registry.get_sample_value("aigw_prompt_log_write_duration_seconds_count")
    assert value is not None
    return value


async def test_records_arriving_one_by_one_gather_into_batches(tmp_path: Path) -> None:
    h = Harness(tmp_path, "block", batch_wait_s=0.5)
    await h.start()
    for i in range(10):  # one request after another, as at concurrency 1
        h.writer.submit(rec(i))
        await asyncio.sleep(0.005)
    await h.writer.flush()
    assert await h.store.count() == 10
    assert writes(h.metrics) == 1  # without the wait: one write per record
    await h.writer.close()


async def test_a_batch_still_gathering_at_shutdown_is_not_lost(tmp_path: Path) -> None:
    h = Harness(tmp_path, "block", batch_wait_s=30)
    await h.start()
    for i in range(3):
        h.writer.submit(rec(i))
    # The first is taken by the writer, which now waits for more.
    await wait_until(lambda: h.metrics.registry.get_sample_value("aigw_prompt_log_queue_depth") == 2)
    await h.writer.close(grace_s=0.05)
    assert await h.store.count() == 3
    assert not h.spool.exists()


async def test_a_backlog_is_taken_several_batches_at_a_time(tmp_path: Path) -> None:
    """Each batch costs a few turns of the event loop, long ones at full load (issue 18): behind by a
    batch or more, the writer takes up to BEHIND_FACTOR batches in one write."""
    h = Harness(tmp_path, "block")  # batches of 10
    await h.store.open()
    for i in range(45):  # queued before the writer runs: a backlog
        h.writer.submit(rec(i))
    await h.writer.start()
    await h.writer.flush()
    assert await h.store.count() == 45
    assert writes(h.metrics) == 2  # 40 (four batches' worth), then the 5 left; ten at a time: 5 writes
    assert BEHIND_FACTOR == 4
    await h.writer.close()
