"""Copy every incident to the SIEM sinks (``sinks``): queues, retries, dead-letter files.

``SinkDispatcher.publish`` never waits and never raises: each sink has its own bounded
queue and worker, so a slow or dead sink holds up neither the gateway nor the other sinks.
A send that fails is retried with exponential backoff and jitter; an incident that cannot be
delivered (attempts used up, queue full, shutdown) is appended to the sink's dead-letter
file, so none is lost silently. Delivery is at least once.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import structlog

from gateway.config.sink_settings import (
    AnySinkSettings,
    verify_sinks,
)
from gateway.incidents.sinks import Item, OnFailure, OnSent, SendError, Sink, append_lines, build_sink

log = structlog.get_logger("aigw")


@dataclass
class _Lane:
    """One sink with its queue, worker and counters."""

    settings: AnySinkSettings
    sink: Sink
    queue: asyncio.Queue[Item]
    in_flight: list[Item] = field(default_factory=list)
    task: asyncio.Task[None] | None = None
    sent: int = 0
    failed_attempts: int = 0
    dead_lettered: int = 0

    @property
    def name(self) -> str:
        return self.settings.sink_name


class SinkDispatcher:
    def __init__(
        self,
        sinks: Sequence[AnySinkSettings],
        environ: Mapping[str, str],
        *,
        on_sent: OnSent | None = None,
        on_failure: OnFailure | None = None,
        on_dead_letter: OnFailure | None = None,
    ) -> None:
        verify_sinks(sinks, environ)  # raises SinkConfigError (MissingSecretError) at construction
        self._lanes = [_Lane(s, build_sink(s, environ), asyncio.Queue(maxsize=s.queue_size)) for s in sinks]
        self._on_sent = on_sent
        self._on_failure = on_failure
        self._on_dead_letter = on_dead_letter
        self._closing = False

    async def start(self) -> None:
        for lane in self._lanes:
            if lane.task is None:
                await lane.sink.start()
                lane.task = asyncio.create_task(self._work(lane), name=f"siem-sink-{lane.name}")

    def publish(self, incident: Mapping[str, object]) -> None:
        """Queue the incident for every sink; never blocks, never raises."""
        try:
            item = _item(incident)
        except Exception as exc:  # not JSON-able: a caller's bug, which must not break the caller
            log.error("siem_unserializable", incident_id=str(incident.get("id")), error=type(exc).__name__)
            for lane in self._lanes:
                self._notify(self._on_failure, lane.name, "unserializable")
            return
        for lane in self._lanes:
            if self._closing:
                self._dead_letter(lane, [item], "shutdown", "shutdown", sync=False)
                continue
            try:
                lane.queue.put_nowait(item)
            except asyncio.QueueFull:
                # Rare: a small synchronous append (fsynced at close) beats losing the incident.
                self._dead_letter(lane, [item], "queue_full", "queue_full", sync=False)

    async def close(self, grace_s: float) -> None:
        """Deliver what can be within ``grace_s``, dead-letter the rest, release connections.

        Incidents published from now on go straight to the dead-letter files."""
        self._closing = True
        tasks = [lane.task for lane in self._lanes if lane.task is not None]
        if tasks:
            drained = [asyncio.create_task(lane.queue.join()) for lane in self._lanes if lane.task is not None]
            await asyncio.wait(drained, timeout=grace_s)
            for task in [*drained, *tasks]:
                task.cancel()
            await asyncio.gather(*drained, *tasks, return_exceptions=True)
        for lane in self._lanes:
            lane.task = None
            left = lane.in_flight + _drain(lane.queue)
            lane.in_flight = []
            if left:
                await self._dead_letter_async(lane, left, "shutdown", "shutdown")
            await lane.sink.close()

    def stats(self) -> dict[str, dict[str, int]]:
        return {
            lane.name: {
                "sent": lane.sent,
                "failed_attempts": lane.failed_attempts,
                "dead_lettered": lane.dead_lettered,
                "queued": lane.queue.qsize() + len(lane.in_flight),
            }
            for lane in self._lanes
        }

    async def _work(self, lane: _Lane) -> None:
        while True:
            batch = [await lane.queue.get()]
            while len(batch) < lane.sink.batch_limit and not lane.queue.empty():
                batch.append(lane.queue.get_nowait())
            lane.in_flight = batch  # close() dead-letters it if cancelled mid-send
            try:
                await self._deliver(lane, batch)
            except Exception as exc:  # a bug here must not kill the worker and strand the queue
                log.error("siem_worker_error", sink=lane.name, incident_id=batch[0].id, error=type(exc).__name__)
                self._dead_letter(lane, lane.in_flight, type(exc).__name__, "worker_error", sync=False)
            lane.in_flight = []
            for _ in batch:
                lane.queue.task_done()

    async def _deliver(self, lane: _Lane, batch: list[Item]) -> None:
        settings = lane.settings
        for attempt in range(1, settings.max_attempts + 1):
            try:
                await lane.sink.send(batch)
            except Exception as exc:  # any failure of this sink is retried, then dead-lettered
                reason = exc.reason if isinstance(exc, SendError) else type(exc).__name__
                lane.failed_attempts += 1
                log.warning("siem_send_failed", sink=lane.name, incident_id=batch[0].id, error=reason, attempt=attempt)
                self._notify(self._on_failure, lane.name, reason)
                if attempt == settings.max_attempts:
                    lane.in_flight = []  # the write below finishes in its thread even if shutdown cancels us
                    await self._dead_letter_async(lane, batch, reason, "max_attempts")
                    return
                await asyncio.sleep(_backoff(settings.backoff_initial_s, settings.backoff_max_s, attempt))
            else:
                lane.sent += len(batch)
                for _ in batch:
                    self._notify(self._on_sent, lane.name)
                return

    def _dead_letter(self, lane: _Lane, items: list[Item], error: str, cause: str, sync: bool) -> None:
        """Synchronous: for publish(), where awaiting is not allowed."""
        error_type = _write_dead_letter(lane.name, lane.settings.dead_letter_file, items, error, sync)
        self._record_dead_letter(lane, items, cause, error_type)

    async def _dead_letter_async(self, lane: _Lane, items: list[Item], error: str, cause: str) -> None:
        # In a thread: fsync can take long and must not stall the event loop.
        path = lane.settings.dead_letter_file
        error_type = await asyncio.to_thread(_write_dead_letter, lane.name, path, items, error, True)
        self._record_dead_letter(lane, items, cause, error_type)

    def _record_dead_letter(self, lane: _Lane, items: list[Item], cause: str, write_error: str | None) -> None:
        for item in items:
            if write_error is not None:
                # The incident is still in the incident store; say loudly that its SIEM copy is gone.
                log.error("siem_dead_letter_failed", sink=lane.name, incident_id=item.id, error=write_error)
                self._notify(self._on_failure, lane.name, "dead_letter_failed")
                continue
            lane.dead_lettered += 1
            log.error("siem_dead_lettered", sink=lane.name, incident_id=item.id, cause=cause)
            self._notify(self._on_dead_letter, lane.name, cause)

    @staticmethod
    def _notify(callback: Callable[..., None] | None, *args: str) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception as exc:  # a metrics hook must not stop delivery
            log.warning("siem_callback_failed", error=type(exc).__name__)


def _item(incident: Mapping[str, object]) -> Item:
    # default=str: a datetime or enum the caller left in is exported as text rather than refused.
    body = json.dumps(dict(incident), ensure_ascii=False, separators=(",", ":"), default=str).encode()
    return Item(str(incident.get("id")), str(incident.get("type")), str(incident.get("severity")), body)


def _write_dead_letter(sink: str, path: Path, items: Sequence[Item], error: str, sync: bool) -> str | None:
    """Append the dead-letter records; the error type if the file cannot be written."""
    failed_at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    prefix = json.dumps({"sink": sink, "failed_at": failed_at, "error": error}).encode()[:-1]
    lines = [prefix + b', "incident": ' + item.body + b"}" for item in items]  # the body is JSON already
    try:
        append_lines(path, lines, sync)
    except OSError as exc:
        return type(exc).__name__
    return None


def _drain(queue: asyncio.Queue[Item]) -> list[Item]:
    items = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items


def _backoff(initial: float, maximum: float, attempt: int) -> float:
    """Doubling delay, capped, with "equal jitter" so that sinks recovering together do not retry in step."""
    delay = min(maximum, initial * 2 ** (attempt - 1))
    return random.uniform(delay / 2, delay)
