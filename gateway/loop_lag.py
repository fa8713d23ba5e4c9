"""How late the event loop runs: a timer that should fire every ``interval_s`` and records
how much later than that it did.

Everything the gateway does for every request shares one event loop; a callback that holds
it (a long in-process scan, a big JSON body parsed at once) delays every other request by
as long, and shows up nowhere else: request timings only say that everyone got slower. The
lag is that delay, measured directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Protocol

DEFAULT_INTERVAL_S = 0.25  # four wake-ups a second: negligible work, and a scrape sees many samples


class Observer(Protocol):
    def observe(self, amount: float) -> None: ...


class LoopLagMonitor:
    def __init__(self, observer: Observer, interval_s: float = DEFAULT_INTERVAL_S) -> None:
        self._observer = observer
        self._interval_s = interval_s
        self._task: asyncio.Task[None] | None = None

    def start(self) -> LoopLagMonitor:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="aigw-loop-lag")
        return self

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            due = time.monotonic() + self._interval_s
            await asyncio.sleep(self._interval_s)
            self._observer.observe(max(0.0, time.monotonic() - due))


__all__ = ["DEFAULT_INTERVAL_S", "LoopLagMonitor"]
