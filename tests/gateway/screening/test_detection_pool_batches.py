"""Batches: jobs that queue while the workers are busy go to the next free worker as one message,
each job still answered (and failed) on its own; the worker's ``prepared`` hook sees the batch."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest

from detectors.base import Category, Detector, Finding
from gateway.screening.pool import MAX_BATCH_JOBS, DetectionPool, DetectionUnavailable
from gateway.screening.worker import Job, scan_batch


class BatchReporter:
    """Reports, for each text, how many jobs its batch held (as the end offset of a BATCH finding);
    sleeps on "sleep N"; raises on "boom"."""

    name = "batches"
    category = Category.SECRET
    entity_types = frozenset({"BATCH"})

    def __init__(self) -> None:
        self.jobs = 1

    @contextmanager
    def prepared(self, jobs: Sequence[Job]) -> Iterator[None]:
        self.jobs = len(jobs)
        try:
            yield
        finally:
            self.jobs = 1

    def detect(self, text: str, entities: frozenset[str] | None = None) -> list[Finding]:
        if text.startswith("sleep "):
            time.sleep(float(text.split()[1]))
        if text == "boom":
            raise RuntimeError("a detector failed on this text")
        return [Finding("BATCH", 0, self.jobs, 1.0, self.name, self.category)]


def reporter_factory(_spec: Any) -> Sequence[Detector]:  # imported by name in the spawned workers
    return [BatchReporter()]


@pytest.fixture
async def one_worker() -> AsyncIterator[DetectionPool]:
    p = DetectionPool(reporter_factory, None, workers=1, max_pending=64, time_limit_s=30)
    await p.start()
    yield p
    await p.close()


async def busy(pool: DetectionPool) -> asyncio.Task[list[list[Finding]]]:
    """A scan that holds the only worker for a while, started and sent."""
    task = asyncio.create_task(pool.scan(["sleep 0.5"]))
    deadline = time.monotonic() + 60
    while not any(w.in_flight for w in pool._workers):
        assert time.monotonic() < deadline, "the scan never reached the worker"
        await asyncio.sleep(0.01)
    return task


async def test_a_scan_alone_goes_alone(one_worker: DetectionPool):
    [[found]] = await one_worker.scan(["hello"])
    assert found.end == 1


async def test_scans_queued_behind_a_busy_worker_go_to_it_as_one_batch(one_worker: DetectionPool):
    holder = await busy(one_worker)
    queued = await asyncio.gather(*(one_worker.scan([f"text {n}"]) for n in range(5)))
    assert [[f.end for f in found] for [found] in queued] == [[5]] * 5
    [[first]] = await holder
    assert first.end == 1


async def test_a_batch_holds_at_most_max_batch_jobs(one_worker: DetectionPool):
    holder = await busy(one_worker)
    queued = await asyncio.gather(*(one_worker.scan([f"text {n}"]) for n in range(MAX_BATCH_JOBS + 3)))
    sizes = sorted(f.end for [found] in queued for f in found)
    assert sizes == [3] * 3 + [MAX_BATCH_JOBS] * MAX_BATCH_JOBS
    await holder


async def test_a_failing_job_fails_alone_in_its_batch(one_worker: DetectionPool):
    holder = await busy(one_worker)
    good = asyncio.ensure_future(one_worker.scan(["fine"]))
    bad = asyncio.ensure_future(one_worker.scan(["boom"]))
    with pytest.raises(DetectionUnavailable, match="error: RuntimeError"):
        await bad
    [[found]] = await good
    assert found.end == 2  # it was in the same batch as the failing one
    await holder


async def test_a_scan_given_up_while_queued_is_not_sent(one_worker: DetectionPool):
    holder = await busy(one_worker)
    gone = asyncio.ensure_future(one_worker.scan(["never sent"]))
    kept = asyncio.ensure_future(one_worker.scan(["sent"]))
    await asyncio.sleep(0.05)  # both queued
    gone.cancel()
    [[found]] = await kept
    assert found.end == 1  # the batch held only the scan still wanted
    with pytest.raises(asyncio.CancelledError):
        await gone
    await holder


def test_scan_batch_answers_each_job_in_order_and_shares_the_prepared_time() -> None:
    jobs: list[Job] = [(["a", "b"], None), (["boom"], None), (["c"], frozenset({"BATCH"}))]
    replies = scan_batch([BatchReporter()], jobs)
    assert [status for status, _ in replies] == ["ok", "error", "ok"]
    assert replies[1][1] == "RuntimeError"
    found, seconds = replies[0][1]
    assert [[f.end for f in per_text] for per_text in found] == [[3], [3]]
    assert set(seconds) == {"batches"}
