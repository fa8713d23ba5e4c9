"""The pool on uvloop, the loop ``aigw serve`` runs on: uvloop makes a watched pipe
non-blocking, so requests and replies larger than the pipe's buffer must still go through
whole, without a worker being taken for dead. Each test runs its own loop (not
pytest-asyncio's, which is the standard one)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import pytest

from detectors.base import Category, Detector, Finding
from gateway.metrics import GatewayMetrics
from gateway.screening.pool import DetectionPool
from tests.gateway.screening.test_detection_pool import until, worker_pids

uvloop = pytest.importorskip("uvloop")

NAME = "Zoë Łukasiewicz-名前 "  # non-ASCII: more bytes on the wire than characters
# 300,000 characters: about 520 KB of UTF-8 each way in, and 15,000 findings back (over 1 MB
# pickled); a socket pair's buffer holds about 200 KB.
TEXT = NAME * (300_000 // len(NAME))


class NameDetector:
    """Finds every "Zoë" (a name-dense prompt, in which NER finds a name every few words)."""

    name = "names"
    category = Category.PII
    entity_types = frozenset({"PERSON"})

    def detect(self, text: str, entities: frozenset[str] | None = None) -> list[Finding]:
        found, at = [], text.find("Zoë")
        while at >= 0:
            found.append(Finding("PERSON", at, at + 3, 0.85, self.name, self.category))
            at = text.find("Zoë", at + 1)
        return found


def name_factory(_spec: Any) -> Sequence[Detector]:  # imported by name in the spawned workers
    return [NameDetector()]


def run_on(loop_factory: Callable[[], asyncio.AbstractEventLoop], coro: Coroutine[Any, Any, None]) -> None:
    loop = loop_factory()
    try:
        loop.run_until_complete(coro)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def restarts(metrics: GatewayMetrics) -> float:
    total = 0.0
    for reason in ("exited", "overrun", "start_failed"):
        labels = {"reason": reason}
        total += metrics.registry.get_sample_value("aigw_detection_worker_restarts_total", labels) or 0.0
    return total


def expected(text: str) -> list[tuple[int, int]]:
    return [(at, at + 3) for at in range(0, len(text), len(NAME))]


@pytest.mark.parametrize("chunk_chars", [1_000_000, 16_384], ids=["one-job", "chunked"])
def test_requests_and_replies_larger_than_the_pipe_buffer_go_through_on_uvloop(chunk_chars: int) -> None:
    """One job of the whole text (a request and a reply each far over the buffer), then the
    same text in the default 16,384-character jobs (replies of about 60 KB each, several at
    once), with small scans from other callers in between: all answered, no worker lost."""

    async def scenario() -> None:
        metrics = GatewayMetrics()
        pool = DetectionPool(
            name_factory,
            None,
            workers=2,
            max_pending=32,
            time_limit_s=60,
            observer=metrics,
            chunk_chars=chunk_chars,
            max_workers_per_scan=2,
        )
        await pool.start()
        try:
            big, *small = await asyncio.gather(
                pool.scan([TEXT, "Zoë again"]), *(pool.scan([f"user {n}: Zoë"]) for n in range(6))
            )
            assert [(f.start, f.end) for f in big[0]] == expected(TEXT)
            assert [(f.start, f.end) for f in big[1]] == [(0, 3)]
            for (found,) in small:
                assert [f.entity_type for f in found] == ["PERSON"]
            assert pool.restarts == 0
            assert restarts(metrics) == 0
            assert pool.live_workers == 2
        finally:
            await pool.close()

    run_on(uvloop.new_event_loop, scenario())


@pytest.mark.parametrize("loop_factory", [uvloop.new_event_loop, asyncio.new_event_loop], ids=["uvloop", "asyncio"])
def test_a_worker_that_is_not_reading_does_not_hold_up_the_event_loop(
    loop_factory: Callable[[], asyncio.AbstractEventLoop],
) -> None:
    """A job larger than the pipe's buffer, to a worker that is stopped: what the buffer cannot
    take waits in the gateway while the loop goes on (a blocking send would hold every request
    until the worker reads); the worker resumes and the findings come back."""

    async def scenario() -> None:
        pool = DetectionPool(name_factory, None, workers=1, max_pending=8, time_limit_s=60, chunk_chars=1_000_000)
        await pool.start()
        (pid,) = worker_pids(pool)
        os.kill(pid, signal.SIGSTOP)
        # A safety net: should a send block the loop again, this test fails rather than hangs.
        resume = threading.Timer(30, os.kill, (pid, signal.SIGCONT))
        resume.start()
        scan = asyncio.ensure_future(pool.scan([TEXT]))
        try:
            await until(lambda: bool(pool._workers[0].pipe._out), seconds=20)  # part of the job waits
            assert not scan.done()
            os.kill(pid, signal.SIGCONT)
            (found,) = await scan
            assert [(f.start, f.end) for f in found] == expected(TEXT)
            assert pool.restarts == 0
        finally:
            resume.cancel()
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
            scan.cancel()  # on a failure: not left pending when the loop closes
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await scan
            await pool.close()

    run_on(loop_factory, scenario())
