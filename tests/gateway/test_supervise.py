"""A background task that dies or stalls is restarted, reported and visible."""

from __future__ import annotations

import asyncio

import pytest

from gateway import supervise
from gateway.metrics import GatewayMetrics
from gateway.supervise import BackgroundTask


async def wait_until(condition: object, seconds: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "not within the time allowed"
        await asyncio.sleep(0.01)


async def test_a_task_that_dies_is_restarted_reported_and_counted() -> None:
    metrics, deaths, runs = GatewayMetrics(), list[str](), list[int]()

    async def run() -> None:
        runs.append(1)
        if len(runs) <= 2:
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        await asyncio.Event().wait()

    task = BackgroundTask("writer", run, metrics, on_death=deaths.append)
    task.start()
    await wait_until(lambda: len(runs) == 3 and task.alive)
    assert deaths == ["died: UnicodeEncodeError", "died: UnicodeEncodeError"]
    assert task.restarts == 2
    assert metrics.background_task_restarts.labels("writer")._value.get() == 2
    assert metrics.background_task_up.labels("writer")._value.get() == 1
    await task.stop()
    assert not task.alive
    assert metrics.background_task_up.labels("writer")._value.get() == 0


async def test_a_stalled_task_is_cancelled_and_restarted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(supervise, "WATCH_INTERVAL_S", 0.01)
    stuck, runs, deaths = [True], [], list[str]()

    async def run() -> None:
        runs.append(1)
        await asyncio.Event().wait()  # hangs, as a store call that never returns

    task = BackgroundTask("recorder", run, GatewayMetrics(), stalled=lambda: stuck[0], on_death=deaths.append)
    task.start()
    await wait_until(lambda: deaths == ["stalled"])
    stuck[0] = False
    await wait_until(lambda: len(runs) == 2 and task.alive)
    await task.stop()


async def test_stopping_cancels_without_counting_a_death() -> None:
    deaths: list[str] = []
    task = BackgroundTask("x", asyncio.Event().wait, GatewayMetrics(), on_death=deaths.append)  # type: ignore[arg-type]
    task.start()
    await wait_until(lambda: task.alive)
    await task.stop()
    assert deaths == []
    assert task.restarts == 0
