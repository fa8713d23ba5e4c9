"""Detection off the event loop, in worker processes.

Presidio's ``analyze()`` holds the GIL (threads do not help), so scans run in a
pool of processes sized to the cores. Each worker builds its detectors once, from
a picklable factory and spec. The pool bounds how many scans may wait, gives each
scan a time limit, and cancels a scan that has not started when its request goes
away. Errors are typed so that the caller can fail closed.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from detectors.base import Detector, Finding
from gateway.errors import ConfigError, ConfigProblem
from gateway.inline_scan import InlineScanner

DetectorFactory = Callable[[Any], Sequence[Detector]]

# Set once per worker process by its initializer: the standard ProcessPoolExecutor
# pattern for state that is expensive to build (spaCy pipelines). Never used in the
# gateway's own process.
_worker_detectors: Sequence[Detector] = ()
_worker_error = ""


class DetectionUnavailable(Exception):
    """Detection could not give an answer (overloaded, timed out, or failed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _init_worker(factory: DetectorFactory, spec: Any) -> None:
    global _worker_detectors, _worker_error  # see the comment at _worker_detectors
    try:
        _worker_detectors = tuple(factory(spec))
    except Exception as exc:
        # Raising here would kill the worker and lose the reason; report it from _ready().
        _worker_error = f"{type(exc).__name__}: {exc}"


def _scan(texts: Sequence[str], entities: frozenset[str] | None) -> list[list[Finding]]:
    return [[f for d in _worker_detectors for f in d.detect(text, entities)] for text in texts]


def _ready() -> int:
    if _worker_error:
        raise RuntimeError(_worker_error)
    return len(_worker_detectors)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class DetectionPool:
    def __init__(
        self,
        factory: DetectorFactory,
        spec: Any,
        *,
        workers: int,
        max_pending: int,
        time_limit_s: float,
        inline: InlineScanner | None = None,
    ) -> None:
        self._factory, self._spec = factory, spec
        self._inline = inline  # short scans that need no model skip the hop (see inline_scan)
        self._executor = self._new_executor(workers)
        self._workers = workers
        self.restarts = 0
        self._max_pending = max_pending
        self._time_limit_s = time_limit_s
        self._pending = 0

    def _new_executor(self, workers: int) -> ProcessPoolExecutor:
        # spawn, not fork: the gateway process has threads and an event loop to not copy.
        context = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(
            workers, mp_context=context, initializer=_init_worker, initargs=(self._factory, self._spec)
        )

    async def start(self) -> None:
        """Start every worker and wait until each has built its detectors."""
        loop = asyncio.get_running_loop()
        try:
            await asyncio.gather(*(loop.run_in_executor(self._executor, _ready) for _ in range(self._workers)))
        except Exception as exc:
            await self.close()
            reason = str(exc) if isinstance(exc, RuntimeError) else type(exc).__name__
            problem = ConfigProblem("policy", "detection", f"the detectors could not be built: {reason}")
            raise ConfigError([problem]) from None

    async def scan(self, texts: Sequence[str], entities: frozenset[str] | None = None) -> list[list[Finding]]:
        """Findings for each text, or DetectionUnavailable."""
        if self._inline is not None and self._inline.serves(texts, entities):
            try:
                return self._inline.scan(texts, entities)
            except Exception as exc:
                raise DetectionUnavailable(f"error: {type(exc).__name__}") from None
        if self._pending >= self._max_pending:
            raise DetectionUnavailable("overloaded")
        loop = asyncio.get_running_loop()
        self._pending += 1
        executor = self._executor
        try:
            future = loop.run_in_executor(executor, _scan, list(texts), entities)
            return await asyncio.wait_for(future, self._time_limit_s)
        except TimeoutError:
            raise DetectionUnavailable("timeout") from None
        except asyncio.CancelledError:
            raise  # the request went away; wait_for has cancelled the scan if it had not started
        except BrokenProcessPool:
            # A worker died (killed, out of memory, a crash in native code). This scan
            # fails (closed, by default); the next ones get a fresh pool.
            if executor is self._executor:  # concurrent scans saw the same crash: replace once
                self._replace_broken_executor()
            raise DetectionUnavailable("worker crashed") from None
        except Exception as exc:
            raise DetectionUnavailable(f"error: {type(exc).__name__}") from None
        finally:
            self._pending -= 1

    def _replace_broken_executor(self) -> None:
        broken, self._executor = self._executor, self._new_executor(self._workers)
        broken.shutdown(wait=False, cancel_futures=True)
        self.restarts += 1

    async def close(self) -> None:
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)
