"""Requests the API listener has begun and not yet finished, so a shutdown can wait for them.

aiohttp's own graceful shutdown waits per connection; counting requests here lets the
server say when the last accepted request has ended (and the prompt log can then be
flushed), and exposes the count as ``aigw_requests_in_flight``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

from prometheus_client import Gauge


class InFlight:
    def __init__(self, gauge: Gauge) -> None:
        self._gauge = gauge
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def count(self) -> int:
        return self._count

    @contextlib.contextmanager
    def track(self) -> Iterator[None]:
        self._count += 1
        self._idle.clear()
        self._gauge.inc()
        try:
            yield
        finally:
            self._count -= 1
            self._gauge.dec()
            if self._count == 0:
                self._idle.set()

    async def wait_idle(self) -> None:
        """Return once no request is in flight (callers bound the wait with ``asyncio.timeout``)."""
        await self._idle.wait()
