"""Detection in worker processes: findings come back; overload, timeouts, crashes and errors
are typed, and the pool replaces workers that die or overrun."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from detectors.base import Category, Detector, Finding
from detectors.registry import DetectorsConfig, build_detectors
from gateway.errors import ConfigError
from gateway.screening.pool import DetectionPool, DetectionUnavailable

CONFIG = DetectorsConfig.model_validate({"secrets": {}, "confidential": {"terms": ["Project Nightingale"]}})
TEXT = "Project Nightingale uses key AKIA" + "QWERTYUIOPASDFGH"


class SleepyDetector:
    """Finds "slow"; sleeps N seconds on "sleep N" (a scan that takes as long as a test needs)."""

    name = "sleepy"
    category = Category.SECRET
    entity_types = frozenset({"SLOW"})

    def detect(self, text: str, entities: frozenset[str] | None = None) -> list[Finding]:
        if text.startswith("sleep "):
            time.sleep(float(text.split()[1]))
        return [Finding("SLOW", 0, 4, 1.0, self.name, self.category)] if "slow" in text else []


def sleepy_factory(_spec: Any) -> Sequence[Detector]:  # imported by name in the spawned workers
    return [SleepyDetector()]


def failing_factory(_spec: Any) -> Sequence[Detector]:
    raise ValueError("terms file unreadable")


@pytest.fixture
async def pool() -> AsyncIterator[DetectionPool]:
    p = DetectionPool(build_detectors, CONFIG, workers=2, max_pending=8, time_limit_s=30)
    await p.start()
    yield p
    await p.close()


@pytest.fixture
async def sleepy() -> AsyncIterator[DetectionPool]:
    p = DetectionPool(sleepy_factory, None, workers=1, max_pending=8, time_limit_s=1.5)
    await p.start()
    yield p
    await p.close()


def worker_pids(p: DetectionPool) -> list[int]:
    return [w.process.pid for w in p._workers if w.process.pid is not None]


async def until(condition: Any, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


def has_idle_worker(p: DetectionPool) -> bool:
    return any(not w.dead for w in p._idle._queue)  # type: ignore[attr-defined]


async def test_scan_returns_findings_per_text(pool: DetectionPool):
    clean, dirty = await pool.scan(["nothing to see here", TEXT])
    assert clean == []
    assert sorted((f.entity_type, TEXT[f.start : f.end]) for f in dirty) == [
        ("AWS_ACCESS_KEY_ID", "AKIAQWERTYUIOPASDFGH"),
        ("CONFIDENTIAL_TERM", "Project Nightingale"),
    ]


async def test_entities_restrict_what_runs(pool: DetectionPool):
    (only,) = await pool.scan([TEXT], frozenset({"CONFIDENTIAL_TERM"}))
    assert [f.entity_type for f in only] == ["CONFIDENTIAL_TERM"]


async def test_concurrent_scans_use_every_worker(pool: DetectionPool):
    results = await asyncio.gather(*(pool.scan([TEXT]) for _ in range(8)))  # max_pending
    assert all(len(found) == 2 for (found,) in results)
    assert len(worker_pids(pool)) == 2


async def test_overload_is_refused_not_queued():
    p = DetectionPool(build_detectors, CONFIG, workers=1, max_pending=0, time_limit_s=30)
    with pytest.raises(DetectionUnavailable, match="overloaded"):
        await p.scan([TEXT])
    await p.close()


async def test_worker_error_is_typed(pool: DetectionPool):
    bad: Any = [12345]  # not text: the detectors raise inside the worker
    with pytest.raises(DetectionUnavailable, match="error: "):
        await pool.scan(bad)
    (found,) = await pool.scan([TEXT])  # the worker is still fine
    assert len(found) == 2


async def test_an_overrunning_scan_times_out_and_its_worker_is_replaced(sleepy: DetectionPool):
    (before,) = worker_pids(sleepy)
    with pytest.raises(DetectionUnavailable, match="timeout"):
        await sleepy.scan(["sleep 60"])
    await until(lambda: has_idle_worker(sleepy))
    assert sleepy.restarts == 1
    assert worker_pids(sleepy) != [before]
    (found,) = await sleepy.scan(["slow"])
    assert [f.entity_type for f in found] == ["SLOW"]


async def test_a_worker_killed_mid_scan_fails_that_scan_and_the_pool_recovers(sleepy: DetectionPool):
    scan = asyncio.create_task(sleepy.scan(["sleep 60"]))
    await until(lambda: any(w.in_flight is not None for w in sleepy._workers))
    os.kill(worker_pids(sleepy)[0], signal.SIGKILL)  # what an OOM kill looks like
    with pytest.raises(DetectionUnavailable, match="worker crashed"):
        await scan
    assert sleepy.restarts == 1
    await until(lambda: has_idle_worker(sleepy))
    (found,) = await sleepy.scan(["slow"])
    assert [f.entity_type for f in found] == ["SLOW"]


async def test_a_worker_killed_while_idle_is_replaced_before_the_next_scan(pool: DetectionPool):
    for pid in worker_pids(pool):
        os.kill(pid, signal.SIGKILL)
    await until(lambda: pool.restarts == 2)  # both deaths noticed while idle
    (found,) = await pool.scan([TEXT])  # waits for a replacement, not for a dead worker
    assert len(found) == 2
    await until(lambda: len(worker_pids(pool)) == 2)


async def test_a_request_that_goes_away_leaves_its_worker_running(sleepy: DetectionPool):
    scan = asyncio.create_task(sleepy.scan(["sleep 0.5"]))
    await until(lambda: any(w.in_flight is not None for w in sleepy._workers))
    scan.cancel()
    with pytest.raises(asyncio.CancelledError):
        await scan
    (found,) = await sleepy.scan(["slow"])  # served by the same worker once its scan is done
    assert [f.entity_type for f in found] == ["SLOW"]
    assert sleepy.restarts == 0


async def test_detectors_that_cannot_be_built_are_a_config_error():
    p = DetectionPool(failing_factory, None, workers=2, max_pending=8, time_limit_s=30)
    with pytest.raises(ConfigError, match="terms file unreadable"):
        await p.start()
    assert p._workers == []


async def test_close_stops_every_worker():
    p = DetectionPool(build_detectors, CONFIG, workers=2, max_pending=8, time_limit_s=30)
    await p.start()
    processes = [w.process for w in p._workers]
    await p.close()
    assert [proc.is_alive() for proc in processes] == [False, False]
    assert [proc.exitcode for proc in processes] == [0, 0]  # told to stop, not killed
