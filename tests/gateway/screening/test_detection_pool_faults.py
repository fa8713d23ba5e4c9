"""The pool under faults and hostile load, with real worker processes: replacements that
cannot start are retried with backoff (never given up), ``ready`` and the worker gauge say
when no worker can take scans, and one caller's huge prompt does not starve the others."""

from __future__ import annotations

import asyncio
import errno
import os
import signal
import time
from collections.abc import Sequence
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import Any

import pytest
import structlog

from detectors.base import Category, Detector, Finding
from gateway.metrics import GatewayMetrics
from gateway.screening.pool import DetectionPool, DetectionUnavailable
from tests.gateway.screening.test_detection_pool import sleepy_factory, until, worker_pids

SECONDS_PER_CHAR = 0.15 / 4096  # a 4,096-character piece takes 0.15 s
FOREVER = 10**9


def flaky_factory(spec: tuple[str, int, int]) -> Sequence[Detector]:
    """Start attempts ``fail_from`` to ``fail_until - 1`` fail (counted across processes in a folder)."""
    folder, fail_from, fail_until = spec
    attempt = 1
    while True:
        try:
            os.close(os.open(Path(folder) / f"attempt-{attempt}", os.O_CREAT | os.O_EXCL))
            break
        except FileExistsError:
            attempt += 1
    if fail_from <= attempt < fail_until:
        raise ValueError(f"start attempt {attempt} fails")
    return sleepy_factory(None)


class NeedleDetector:
    """Finds "needle"; takes SECONDS_PER_CHAR per character (NER on name-dense prose, in slow motion)."""

    name = "needles"
    category = Category.CONFIDENTIAL
    entity_types = frozenset({"NEEDLE"})

    def detect(self, text: str, entities: frozenset[str] | None = None) -> list[Finding]:
        time.sleep(len(text) * SECONDS_PER_CHAR)
        found, at = [], text.find("needle")
        while at >= 0:
            found.append(Finding("NEEDLE", at, at + 6, 0.9, self.name, self.category))
            at = text.find("needle", at + 1)
        return found


def needle_factory(_spec: Any) -> Sequence[Detector]:
    return [NeedleDetector()]


def gauge(metrics: GatewayMetrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


async def test_a_replacement_that_cannot_start_is_retried_until_one_does(tmp_path: Path):
    metrics = GatewayMetrics()
    pool = DetectionPool(
        flaky_factory,
        (str(tmp_path), 2, 5),
        workers=1,
        max_pending=8,
        time_limit_s=30,
        observer=metrics,
        respawn_backoff_s=(0.05, 0.2),
    )
    await pool.start()  # attempt 1 starts; attempts 2, 3 and 4 (the replacements) fail; 5 starts
    try:
        assert pool.ready
        assert pool.live_workers == 1
        assert gauge(metrics, "aigw_detection_workers") == 1
        os.kill(worker_pids(pool)[0], signal.SIGKILL)
        await until(lambda: not pool.ready)
        assert pool.live_workers == 0
        assert gauge(metrics, "aigw_detection_workers") == 0
        await until(lambda: pool.ready)
        assert pool.failed_starts == 3
        assert gauge(metrics, "aigw_detection_workers") == 1
        assert gauge(metrics, "aigw_detection_worker_restarts_total", reason="exited") == 1
        assert gauge(metrics, "aigw_detection_worker_restarts_total", reason="start_failed") == 3
        assert pool.respawn_delay_s == 0.05  # back to the shortest delay once a worker has started
        (found,) = await pool.scan(["slow"])
        assert [f.entity_type for f in found] == ["SLOW"]
    finally:
        await pool.close()
    assert gauge(metrics, "aigw_detection_workers") == 0


async def test_a_pool_whose_replacements_keep_failing_keeps_trying_and_is_not_ready(tmp_path: Path):
    pool = DetectionPool(
        flaky_factory,
        (str(tmp_path), 2, FOREVER),
        workers=1,
        max_pending=8,
        time_limit_s=0.5,
        respawn_backoff_s=(0.02, 0.08),
    )
    await pool.start()
    try:
        os.kill(worker_pids(pool)[0], signal.SIGKILL)
        readiness: list[bool] = []
        deadline = time.monotonic() + 60
        while pool.failed_starts < 5:  # no give-up: attempt after attempt
            assert time.monotonic() < deadline, "the pool stopped trying"
            readiness.append(pool.ready)
            await asyncio.sleep(0.02)
        assert not any(readiness[5:])  # from shortly after the death on: never ready
        assert not pool.ready
        assert pool.live_workers == 0
        assert pool.respawn_delay_s == 0.08  # doubled up to the cap, no further
        with pytest.raises(DetectionUnavailable, match="timeout"):
            await pool.scan(["slow"])  # no worker: the scan fails closed at its time limit
        assert pool._replacing  # still at it
    finally:
        await pool.close()
    await until(lambda: not pool._replacing)  # close() ends the retrying


async def test_a_replacement_whose_spawn_raises_is_retried(monkeypatch: pytest.MonkeyPatch):
    """Out of file descriptors or memory while spawning (OSError, not a worker's report) is a
    failed start like any other: retried with backoff, logged by type (its text may hold paths)."""
    metrics = GatewayMetrics()
    pool = DetectionPool(
        sleepy_factory,
        None,
        workers=1,
        max_pending=8,
        time_limit_s=30,
        observer=metrics,
        respawn_backoff_s=(0.02, 0.08),
    )
    await pool.start()
    spawn, failures = SpawnProcess.start, 0

    def failing_spawn(process: SpawnProcess) -> None:
        nonlocal failures
        if failures < 3:
            failures += 1
            raise OSError(errno.EMFILE, "Too many open files: /srv/secret")
        spawn(process)

    monkeypatch.setattr(SpawnProcess, "start", failing_spawn)
    try:
        with structlog.testing.capture_logs() as logs:
            os.kill(worker_pids(pool)[0], signal.SIGKILL)
            await until(lambda: pool.failed_starts == 3)
            await until(lambda: pool.ready)
        assert gauge(metrics, "aigw_detection_worker_restarts_total", reason="start_failed") == 3
        failed = [e for e in logs if e["event"] == "detection_worker_start_failed"]
        assert [e["reason"] for e in failed] == ["OSError"] * 3
        assert "secret" not in repr(logs)
        (found,) = await pool.scan(["slow"])
        assert [f.entity_type for f in found] == ["SLOW"]
    finally:
        await pool.close()


async def test_huge_prompts_do_not_starve_small_ones():
    """Two callers send 40,000-character prompts (three seconds of scanning each) while others send
    small ones: each huge scan has one of the two workers at a time, its pieces queue behind the
    small scans, and every small scan finishes well within its one-second time limit."""
    pool = DetectionPool(needle_factory, None, workers=2, max_pending=64, time_limit_s=1.0, chunk_chars=4096)
    await pool.start()
    big = "".join(f"{'needle' if n % 7 == 0 else 'straw '}{n:06d} " for n in range(3000))[:40_000]
    needles = [n for n in range(len(big)) if big.startswith("needle", n)]
    try:
        bigs = [asyncio.create_task(pool.scan([big])) for _ in range(2)]
        small_waits: list[float] = []
        for n in range(12):
            await asyncio.sleep(0.15)
            started = time.monotonic()
            (found,) = await pool.scan([f"a small prompt with a needle, number {n}"])
            small_waits.append(time.monotonic() - started)
            assert [f.entity_type for f in found] == ["NEEDLE"]
        assert not any(task.done() for task in bigs)  # the small ones were served meanwhile
        for task in bigs:
            (found,) = await task
            assert [f.start for f in found] == needles  # whole-text offsets, each needle once
        assert max(small_waits) < 0.6
        assert pool.restarts == 0  # no piece overran its time limit
    finally:
        await pool.close()
