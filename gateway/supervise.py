"""Background tasks that never stay dead: the prompt-log writer, the incident recorder and
the other loops a gateway runs beside its requests.

A task that raises is logged (its type and where, never its message: it may quote data),
counted, reported to its owner (which raises a LOGGING_OR_RETENTION_FAILURE incident) and
started again after a pause that doubles up to a cap, so a crash loop cannot spin. A task
whose owner says it is stuck (work waiting, no progress for too long) is cancelled and
restarted the same way. ``alive`` is what ``/readyz`` reads; ``aigw_background_task_up``
and ``aigw_background_task_restarts`` are what SecOps sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Coroutine
from typing import Any

import structlog

from gateway.logs import code_location
from gateway.metrics import GatewayMetrics

log = structlog.get_logger("aigw")
FIRST_PAUSE_S = 0.1
MAX_PAUSE_S = 30.0
HEALTHY_AFTER_S = 60.0  # a run this long resets the pause: the next crash is a new story
WATCH_INTERVAL_S = 1.0


class BackgroundTask:
    def __init__(
        self,
        name: str,
        run: Callable[[], Coroutine[Any, Any, None]],
        metrics: GatewayMetrics,
        *,
        stalled: Callable[[], bool] | None = None,
        on_death: Callable[[str], None] | None = None,
    ) -> None:
        self.name, self._run, self._metrics = name, run, metrics
        self._stalled, self._on_death = stalled, on_death
        self._guard: asyncio.Task[None] | None = None
        self._inner: asyncio.Task[None] | None = None
        self._running = False
        self._stall_cancel = False
        self.restarts = 0
        self._up = metrics.background_task_up.labels(name)
        metrics.background_task_restarts.labels(name)  # present at 0

    @property
    def alive(self) -> bool:
        """Running now (not dead, not waiting to be restarted)."""
        return self._running and self._guard is not None and not self._guard.done()

    def start(self) -> None:
        self._running = True  # from now on: the guard runs the task at once
        self._up.set(1)
        self._guard = asyncio.get_running_loop().create_task(self._supervise(), name=f"supervise-{self.name}")

    async def stop(self) -> None:
        self._running = False
        self._up.set(0)
        for task in (self._guard, self._inner):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _supervise(self) -> None:
        pause = FIRST_PAUSE_S
        while True:
            started = time.monotonic()
            reason = await self._run_once()
            self._running = False
            self._up.set(0)
            self.restarts += 1
            self._metrics.background_task_restarts.labels(self.name).inc()
            if self._on_death is not None:
                try:
                    self._on_death(reason)
                except Exception as exc:  # reporting must not stop the restart
                    log.error("background_task_report_failed", task=self.name, error_type=type(exc).__name__)
            if time.monotonic() - started > HEALTHY_AFTER_S:
                pause = FIRST_PAUSE_S
            await asyncio.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE_S)

    async def _run_once(self) -> str:
        """Run the task until it dies or stalls; why it ended."""
        self._inner = inner = asyncio.get_running_loop().create_task(self._run(), name=self.name)
        self._running = True
        self._up.set(1)
        watcher = asyncio.get_running_loop().create_task(self._watch(inner)) if self._stalled else None
        try:
            await inner
        except asyncio.CancelledError:
            if not self._stall_cancel or _being_cancelled():
                inner.cancel()
                raise
            self._stall_cancel = False
            log.error("background_task_stalled", task=self.name)
            return "stalled"
        except Exception as exc:
            where = code_location(exc)
            log.error("background_task_died", task=self.name, error_type=type(exc).__name__, where=where)
            return f"died: {type(exc).__name__}"
        finally:
            if watcher is not None:
                watcher.cancel()
        log.error("background_task_returned", task=self.name)
        return "returned"

    async def _watch(self, inner: asyncio.Task[None]) -> None:
        assert self._stalled is not None
        while not inner.done():
            await asyncio.sleep(WATCH_INTERVAL_S)
            if self._stalled():
                self._stall_cancel = True
                inner.cancel()
                return


def _being_cancelled() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


__all__ = ["BackgroundTask"]
