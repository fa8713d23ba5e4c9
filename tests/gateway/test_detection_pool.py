"""Detection in worker processes: findings come back; overload, timeout and errors are typed."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from typing import Any

import pytest

from detectors.registry import DetectorsConfig, build_detectors
from gateway.detection_pool import DetectionPool, DetectionUnavailable

CONFIG = DetectorsConfig.model_validate({"secrets": {}, "confidential": {"terms": ["Project Nightingale"]}})
TEXT = "Project Nightingale uses key AKIA" + "QWERTYUIOPASDFGH"


@pytest.fixture(scope="module")
def pool() -> Iterator[DetectionPool]:
    p = DetectionPool(build_detectors, CONFIG, workers=2, max_pending=8, time_limit_s=30)
    yield p
    p._executor.shutdown(wait=True, cancel_futures=True)


async def test_scan_returns_findings_per_text(pool: DetectionPool):
    await pool.start()
    clean, dirty = await pool.scan(["nothing to see here", TEXT])
    assert clean == []
    assert sorted((f.entity_type, TEXT[f.start : f.end]) for f in dirty) == [
        ("AWS_ACCESS_KEY_ID", "AKIAQWERTYUIOPASDFGH"),
        ("CONFIDENTIAL_TERM", "Project Nightingale"),
    ]


async def test_entities_restrict_what_runs(pool: DetectionPool):
    (only,) = await pool.scan([TEXT], frozenset({"CONFIDENTIAL_TERM"}))
    assert [f.entity_type for f in only] == ["CONFIDENTIAL_TERM"]


async def test_overload_is_refused_not_queued():
    p = DetectionPool(build_detectors, CONFIG, workers=1, max_pending=0, time_limit_s=30)
    try:
        with pytest.raises(DetectionUnavailable, match="overloaded"):
            await p.scan([TEXT])
    finally:
        await p.close()


async def test_time_limit(pool: DetectionPool):
    await pool.start()
    quick = DetectionPool.__new__(DetectionPool)
    quick.__dict__.update(pool.__dict__, _time_limit_s=0)  # same workers; a zero limit always expires
    with pytest.raises(DetectionUnavailable, match="timeout"):
        await quick.scan([TEXT * 100])


async def test_worker_error_is_typed(pool: DetectionPool):
    bad: Any = [12345]  # not text: the detectors raise inside the worker
    with pytest.raises(DetectionUnavailable, match="error: "):
        await pool.scan(bad)


async def test_a_crashed_worker_fails_that_scan_and_the_pool_recovers():
    p = DetectionPool(build_detectors, CONFIG, workers=1, max_pending=8, time_limit_s=60)
    try:
        await p.start()
        for process in list(p._executor._processes.values()):  # what an OOM kill looks like
            os.kill(process.pid, signal.SIGKILL)
        with pytest.raises(DetectionUnavailable, match="worker crashed"):
            await p.scan([TEXT])
        assert p.restarts == 1
        (found,) = await p.scan([TEXT])
        assert {f.entity_type for f in found} == {"AWS_ACCESS_KEY_ID", "CONFIDENTIAL_TERM"}
    finally:
        await p.close()
