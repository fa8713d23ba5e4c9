"""Backpressure: when the writer falls behind, admission waits for it instead of refusing, and
refuses (block mode) only a request that meets a queue still full after its wait (issue 18).

The store is real SQLite behind a gate: its writes wait until the test opens the gate, which is
how a slow disk or a distant PostgreSQL looks to the writer."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from gateway.errors import ApiFormat, PromptLogUnavailable
from gateway.exchange import Exchange, ExchangeFinished
from gateway.metrics import GatewayMetrics
from gateway.policy.policy import load_policy
from gateway.promptlog.service import PromptLog
from gateway.promptlog.sqlite_store import SqlitePromptStore
from gateway.promptlog.writer import OnFailure, PromptLogWriter
from tests.gateway.promptlog.test_writer import rec, wait_until


class GatedStore(SqlitePromptStore):
    """Every batch waits at the gate until the test opens it."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.gate = asyncio.Event()
        self.waiting = 0

    async def insert_many(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], tail: str) -> None:
        self.waiting += 1
        await self.gate.wait()
        self.waiting -= 1
        await super().insert_many(table, columns, rows, tail)


class Behind:
    """A writer whose store holds its first batch, with the queue filled behind it."""

    def __init__(self, tmp_path: Path, mode: OnFailure = "block", queue_size: int = 10, wait_s: float = 5.0) -> None:
        self.mode: OnFailure = mode
        self.store = GatedStore(tmp_path / "log.db")
        self.metrics = GatewayMetrics()
        self.writer = PromptLogWriter(
            self.store,
            None,
            self.metrics,
            lambda: self.mode,
            tmp_path / "spool.jsonl",
            queue_size,
            batch_size=queue_size,
            backpressure_at=0.5,
            admission_wait_s=wait_s,
        )

    async def start(self, queued: int) -> None:
        await self.store.open()
        await self.writer.start()
        self.writer.submit(rec(0))
        await wait_until(lambda: self.store.waiting == 1)  # the writer holds record 0 at the gate
        for i in range(1, queued + 1):
            self.writer.submit(rec(i))

    def waits(self) -> float:
        value = self.metrics.registry.get_sample_value("aigw_prompt_log_admission_wait_seconds_count")
        return value or 0.0

    def refused(self) -> float:
        return float(self.metrics.prompt_log_refused._value.get())

    async def close(self) -> None:
        self.store.gate.set()
        await self.writer.close()


async def test_admission_waits_while_the_writer_is_behind_and_goes_on_when_it_catches_up(tmp_path: Path) -> None:
    h = Behind(tmp_path)
    await h.start(queued=5)  # the mark is 5 of 10
    assert h.writer.backpressure
    admission = asyncio.create_task(h.writer.admit())
    await asyncio.sleep(0.2)
    assert not admission.done()  # waiting, not refused
    h.store.gate.set()  # the store takes the first batch; the writer takes the other five
    await asyncio.wait_for(admission, 2)  # admitted: no PromptLogUnavailable
    assert not h.writer.backpressure
    assert (h.waits(), h.refused()) == (1, 0)
    await h.writer.flush()
    assert await h.store.count() == 6
    await h.close()


async def test_a_queue_under_its_mark_admits_at_once(tmp_path: Path) -> None:
    h = Behind(tmp_path)
    await h.start(queued=4)
    assert not h.writer.backpressure
    await asyncio.wait_for(h.writer.admit(), 0.5)
    assert h.waits() == 0
    await h.close()


async def test_after_its_wait_a_request_is_admitted_unless_the_queue_is_full(tmp_path: Path) -> None:
    h = Behind(tmp_path, wait_s=0.05)
    await h.start(queued=9)  # over the mark, one place left
    await h.writer.admit()  # waited its 50 ms, and there is room: admitted
    assert (h.waits(), h.refused()) == (1, 0)
    h.writer.submit(rec(10))  # the queue is full now
    with pytest.raises(PromptLogUnavailable) as refused:
        await h.writer.admit()
    assert refused.value.headers["retry-after"] == "1"  # the store answers, only slowly: try again soon
    assert (h.waits(), h.refused()) == (2, 1)
    await h.close()
    assert await h.store.count() == 11  # everything admitted was kept


async def test_spool_mode_waits_too_and_never_refuses(tmp_path: Path) -> None:
    h = Behind(tmp_path, mode="spool", wait_s=0.05)
    await h.start(queued=10)
    await h.writer.admit()
    assert (h.waits(), h.refused()) == (1, 0)
    await h.close()


async def test_a_store_that_is_down_is_refused_at_once_not_waited_for(tmp_path: Path) -> None:
    h = Behind(tmp_path, wait_s=30)
    await h.start(queued=5)
    h.writer.healthy = False  # what a failed write sets (test_writer covers how)
    with pytest.raises(PromptLogUnavailable) as refused:
        await asyncio.wait_for(h.writer.admit(), 1)
    assert refused.value.headers["retry-after"] == "5"
    assert h.waits() == 0
    await h.close()


async def test_records_of_requests_refused_for_the_log_queue_only_under_the_mark(tmp_path: Path) -> None:
    """At full load, queueing the records of the refusals kept the queue full (issue 18's cliff):
    they are queued while there is room under the mark and otherwise only counted as refused."""
    h = Behind(tmp_path)
    await h.start(queued=4)
    log = PromptLog(h.store, None, h.writer)
    policy = load_policy(Path("tests/data/policy.yaml"))

    def refused_exchange(request_id: str) -> ExchangeFinished:
        exchange = Exchange(ApiFormat.OPENAI, request_id=request_id, endpoint="chat.completions", status=503)
        exchange.error_code = PromptLogUnavailable.code
        return ExchangeFinished(exchange, policy, "127.0.0.1")

    log.exchange_finished(refused_exchange("req_refused_1"))  # 5 in the queue now: at the mark
    log.exchange_finished(refused_exchange("req_refused_2"))  # over it: not queued
    allowed = Exchange(ApiFormat.OPENAI, request_id="req_allowed", endpoint="chat.completions", status=200)
    log.exchange_finished(ExchangeFinished(allowed, policy, "127.0.0.1"))  # an admitted request's: always
    await h.close()
    assert await h.store.get("req_refused_1") is not None
    assert await h.store.get("req_allowed") is not None
    assert await h.store.get("req_refused_2") is None
