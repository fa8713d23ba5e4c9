"""Getting records into the store off the request path, and never losing one.

Requests hand finished records to a bounded queue; one task seals them and writes them
in batches. When the queue passes its backpressure mark (the store is falling behind),
admission waits, up to ``admission_wait_s``, for the writer to bring it back under the
mark: the gateway slows down instead of refusing. Only a queue still full after the wait
is a failure. When the store cannot be written (unreachable, or the queue is full), the
policy decides: ``block`` (the default) refuses new requests with a 503 until the store
is back, so nothing is forwarded unlogged; ``spool`` appends sealed records to a local
file and carries on, and the file is replayed into the store once it answers again. On
shutdown the queue is drained; whatever the store cannot take then goes to the spool
file, whatever the mode. Every failure is logged and counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import structlog

from gateway.errors import PromptLogUnavailable
from gateway.metrics import GatewayMetrics
from gateway.promptlog.crypto import LogKeyring
from gateway.promptlog.record import LogRecord, Row, checked_row, row_from_json, row_to_json
from gateway.promptlog.store import PromptStore, StoreUnavailable
from gateway.quarantine import quarantine
from gateway.supervise import BackgroundTask
from gateway.text_safety import json_safe, scrub_dataclass, scrub_json

log = structlog.get_logger("aigw")
OnFailure = Literal["block", "spool"]
RETRY_DELAYS_S = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
REPLAY_BATCH = 500
PROBE_INTERVAL_S = 2.0
STALL_S = 60.0  # records waiting and no write finished (or failed) for this long: the writer is stuck
BEHIND_FACTOR = 4  # a backlog of a batch or more is taken this many batches at a time


class PromptLogWriter:
    def __init__(
        self,
        store: PromptStore,
        keyring: LogKeyring | None,
        metrics: GatewayMetrics,
        on_failure: Callable[[], OnFailure],
        spool_path: Path,
        queue_size: int = 10_000,
        batch_size: int = 256,
        batch_wait_s: float = 0.0,
        on_failure_event: Callable[[str], None] | None = None,
        backpressure_at: float = 0.5,
        admission_wait_s: float = 1.0,
    ) -> None:
        self.store, self.keyring, self._metrics = store, keyring, metrics
        self._on_failure = on_failure
        self._spool = spool_path
        self._queue: asyncio.Queue[LogRecord] = asyncio.Queue(maxsize=queue_size)
        self._batch_size = batch_size
        self._batch_wait_s = batch_wait_s
        self.healthy = True
        self._task: BackgroundTask | None = None
        self._progress_at = time.monotonic()  # the last write that finished or failed
        self.quarantine_path = spool_path.with_name(spool_path.name + ".quarantine")
        self._spool_lock = threading.Lock()  # appends (loop or thread) against rewrites (a thread)
        self._in_flight: list[Row] = []  # the batch being written: not lost if shutdown cancels the write
        self._gathering: list[LogRecord] = []  # the batch being gathered: likewise
        self._idle = asyncio.Event()
        self._idle.set()
        # Backpressure: admission waits while the queue holds this many records or more, until the
        # writer takes it under the mark again (``_room``) or ``admission_wait_s`` passes. The rest
        # of the queue is headroom for the records of requests already admitted.
        self._mark = max(1, min(queue_size, round(queue_size * backpressure_at)))
        self._admission_wait_s = admission_wait_s
        self._room = asyncio.Event()
        self._room.set()
        # The queue overflowed and that was reported (log line, incident) since the store last took
        # a batch: one report per episode, however many records arrive meanwhile (at full load
        # that is every request, and a report each starved the writer it was about).
        self._overflow_reported = False
        self._on_failure_event = on_failure_event  # told each failure's reason: the incident log
        metrics.prompt_log_queue.set_function(self._queue.qsize)

    @property
    def ready(self) -> bool:
        """The writer runs, and records reach the store (or, in spool mode, the spool file)."""
        running = self._task is not None and self._task.alive
        return running and (self.healthy or self._on_failure() == "spool") and not self.stalled()

    def stalled(self) -> bool:
        """Work waiting and no write finished or failed for STALL_S (a hung store call)."""
        waiting = bool(self._in_flight) or not self._queue.empty()
        return waiting and time.monotonic() - self._progress_at > STALL_S

    # --- the request side
    @property
    def backpressure(self) -> bool:
        """The queue is at or over its mark: admission waits for the writer."""
        return not self._room.is_set()

    async def admit(self) -> None:
        """Before anything is forwarded: wait while the writer is behind, then refuse when the
        record could not be kept and the policy says block."""
        if self.backpressure and self.healthy:
            await self._wait_for_room()
        if self._on_failure() == "block" and (not self.healthy or self._queue.full()):
            self._metrics.prompt_log_refused.inc()
            raise PromptLogUnavailable(retry_after_s=1 if self.healthy else 5)

    async def _wait_for_room(self) -> None:
        started = time.perf_counter()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._admission_wait_s):  # not wait_for: no task per waiting request
                await self._room.wait()
        self._metrics.prompt_log_admission_wait.observe(time.perf_counter() - started)

    def submit(self, record: LogRecord) -> None:
        if not self._in_flight and self._queue.empty():  # waiting starts now, not at the last write
            self._progress_at = time.monotonic()
        try:
            self._queue.put_nowait(record)
            self._idle.clear()
        except asyncio.QueueFull:  # admitted earlier, full now: the record still must not be lost
            self._failure("queue_full")
            self._spool_now([row for row in [self._seal(record)] if row is not None])
        if self._queue.qsize() >= self._mark:
            self._room.clear()

    def submit_if_room(self, record: LogRecord) -> bool:
        """Queue a record only while the queue is under its mark (the record of a request refused
        because the log could not keep it: at full load, queueing those kept the queue full)."""
        if self._queue.qsize() >= self._mark:
            return False
        self.submit(record)
        return True

    # --- the writing side
    async def start(self) -> None:
        await self._replay()
        self._task = BackgroundTask(
            "prompt_log_writer", self._run, self._metrics, stalled=self.stalled, on_death=self._died
        )
        self._task.start()

    def _died(self, reason: str) -> None:
        self._progress_at = time.monotonic()  # the restarted writer gets its own STALL_S
        self._failure("writer_died", cause=reason)

    async def _run(self) -> None:
        await self._write_leftovers()  # a restarted writer first finishes what its predecessor held
        while True:
            try:
                async with asyncio.timeout(PROBE_INTERVAL_S):  # not wait_for: no task, fewer turns of the loop
                    batch = [await self._queue.get()]
            except TimeoutError:  # quiet: a good moment to see whether the store is back
                if not self.healthy:
                    await self._probe()
                continue
            self._gathering = batch
            if self._batch_wait_s and self._queue.qsize() < self._batch_size - 1:
                await asyncio.sleep(self._batch_wait_s)  # let a batch gather: far less work per record
            # Behind, take more: each batch costs a few turns of the event loop, which take long exactly
            # when the gateway is busiest (0.2 s a turn measured at c=64 with every detector, issue 18).
            limit = self._batch_size * (BEHIND_FACTOR if self._queue.qsize() >= self._batch_size else 1)
            while len(batch) < limit and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            if self._queue.qsize() < self._mark:
                self._room.set()
            self._in_flight = self._seal_all(batch)
            self._gathering = []
            await self._write(self._in_flight, persistent=True)
            self._in_flight = []
            if self._queue.empty():
                self._idle.set()

    async def _write(self, rows: list[Row], persistent: bool) -> bool:
        """Write a batch. When the store fails: spool it (spool mode, or at shutdown), or keep
        retrying with backoff while new requests are refused (block mode). False if spooled."""
        attempt = 0
        while True:
            started = time.perf_counter()
            try:
                await self._write_batch(rows)
            except StoreUnavailable as exc:
                self._progress_at = time.monotonic()
                self._failure("store_unavailable", error=str(exc))
                if self._on_failure() == "spool" or not persistent:
                    await asyncio.to_thread(self._append_spool, rows)
                    return False
                await asyncio.sleep(RETRY_DELAYS_S[min(attempt, len(RETRY_DELAYS_S) - 1)])
                attempt += 1
                continue
            self._progress_at = time.monotonic()
            self._metrics.prompt_log_write_seconds.observe(time.perf_counter() - started)
            self._metrics.prompt_log_records.inc(len(rows))
            if not self.healthy:
                self.healthy, self._overflow_reported = True, False
                log.warning("prompt_log_recovered")
                await self._replay()
            return True

    async def _write_batch(self, rows: list[Row]) -> None:
        """Write rows; a row the store refuses as data (not as an outage) is repaired or quarantined
        alone, so one bad record can neither stop the writer nor take a batch down with it."""
        try:
            await self.store.write(rows)
            return
        except StoreUnavailable:
            raise
        except Exception as exc:
            cause = type(exc).__name__
        for row in rows:  # idempotent: rows of the batch already in are skipped by the store
            try:
                await self.store.write([row])
                continue
            except StoreUnavailable:
                raise
            except Exception:
                fixed = scrub_json(row)
            try:
                await self.store.write([fixed])
            except StoreUnavailable:
                raise
            except Exception as exc:
                self._quarantine([fixed], f"write: {type(exc).__name__}")
                continue
            self._record_error("repaired", "write", cause)

    def _seal_all(self, records: list[LogRecord]) -> list[Row]:
        return [row for row in map(self._seal, records) if row is not None]

    def _seal(self, record: LogRecord) -> Row | None:
        """The sealed row; a record that cannot be sealed as it is (a lone surrogate in its text, an
        int no column takes) is sealed with those values replaced, or else quarantined."""
        try:
            row = record.seal(self.keyring)
            if json_safe(row):
                return row
            cause = "unsafe values"
        except Exception as exc:
            cause = type(exc).__name__
        try:
            row = scrub_dataclass(record).seal(self.keyring)
        except Exception as exc:
            facts = {"request_id": record.request_id, "ts_us": record.ts_us, "status": record.status}
            self._quarantine([scrub_json(facts)], f"seal: {type(exc).__name__}")  # metadata only: no text
            return None
        self._record_error("repaired", "seal", cause)
        return row

    async def _write_leftovers(self) -> None:
        rows = [*self._in_flight, *self._seal_all(self._gathering)]
        self._gathering = []
        if rows:
            self._in_flight = rows
            await self._write(rows, persistent=True)
            self._in_flight = []

    def _record_error(self, outcome: str, stage: str, cause: str) -> None:
        self._metrics.record_errors.labels("prompt_log", outcome).inc()
        log.error("prompt_log_record_" + outcome, stage=stage, cause=cause)

    def _quarantine(self, rows: list[Row], cause: str) -> None:
        """Kept aside, never retried into a loop: counted, logged, and an incident."""
        entries = [{"cause": cause, "row": row_to_json(row) if "key_id" in row else row} for row in rows]
        try:
            quarantine(self.quarantine_path, entries)
        except OSError as exc:
            log.error("prompt_log_quarantine_failed", error_type=type(exc).__name__, records=len(rows))
        self._record_error("quarantined", cause.split(":")[0], cause)
        if self._on_failure_event is not None:
            self._on_failure_event("record_quarantined")

    async def flush(self) -> None:
        """Wait until every submitted record is in the store or the spool file (tests, shutdown)."""
        await self._idle.wait()

    async def close(self, grace_s: float = 10.0) -> None:
        """Drain the queue into the store, or into the spool file if the store cannot take it in time."""
        if self._task is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.flush(), grace_s)
        if self._task is not None:
            await self._task.stop()
        rows, self._in_flight = self._in_flight, []
        leftover = [*self._gathering, *(self._queue.get_nowait() for _ in range(self._queue.qsize()))]
        self._gathering = []
        rows += self._seal_all(leftover)
        if rows and not await self._write(rows, persistent=False):
            log.error("prompt_log_spooled_at_shutdown", records=len(rows), spool=str(self._spool))

    async def _probe(self) -> None:
        """With no records coming (block mode refuses them), check the store itself."""
        try:
            await self.store.fetch("SELECT 1 AS ok")
        except StoreUnavailable:
            return
        if await self._replay():  # reads alone prove little (a read-only database answers them)
            self.healthy = True
            log.warning("prompt_log_recovered")

    # --- the spool file
    async def _replay(self) -> bool:
        """Move spooled records into the store (idempotent: a record already there is skipped);
        False when the store failed (the spool stays for the next try)."""
        if not self._spool.exists() or self._spool.stat().st_size == 0:
            return True
        data = await asyncio.to_thread(self._spool.read_bytes)
        lines = data.splitlines(keepends=True)  # bytes: a torn or garbled line is no reason to stop
        rows: list[Row] = []
        bad: list[int] = []
        for number, raw in enumerate(lines):
            line = raw.decode("utf-8", errors="replace")
            try:
                if line.strip():
                    rows.append(checked_row(row_from_json(line)))
            except Exception as exc:  # unreadable or incomplete: kept aside once, the rest is replayed
                self._quarantine([{"spool_line": line}], f"replay: {type(exc).__name__}")
                bad.append(number)
        if bad:  # out of the spool now, so a failed replay cannot quarantine them again
            await asyncio.to_thread(self._rewrite_spool, lambda kept: _without(kept, bad, len(lines)))
        try:
            for start in range(0, len(rows), REPLAY_BATCH):
                await self._write_batch(rows[start : start + REPLAY_BATCH])
        except StoreUnavailable as exc:
            self._failure("store_unavailable", error=str(exc), during="spool_replay")
            return False
        replayed = len(lines) - len(bad)
        await asyncio.to_thread(self._rewrite_spool, lambda kept: kept[replayed:])
        self._metrics.prompt_log_replayed.inc(len(rows))
        log.warning("prompt_log_spool_replayed", records=len(rows), spool=str(self._spool))
        return True

    def _append_spool(self, rows: list[Row]) -> None:
        with self._spool_lock:
            self._append_spool_locked(rows)

    def _append_spool_locked(self, rows: list[Row]) -> None:
        self._spool.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._spool, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as spool:
            spool.write("".join(row_to_json(row) + "\n" for row in rows))
            spool.flush()
            os.fsync(spool.fileno())
        self._metrics.prompt_log_spooled.inc(len(rows))

    def _spool_now(self, rows: list[Row]) -> None:
        self._append_spool(rows)  # rare (queue overflow): a small synchronous append beats losing a record

    def _rewrite_spool(self, keep: Callable[[list[bytes]], list[bytes]]) -> None:
        """Replace the spool with the lines ``keep`` returns, atomically and under the spool lock,
        so a record appended meanwhile (queue overflow, on the event loop) is never dropped."""
        with self._spool_lock:
            lines = self._spool.read_bytes().splitlines(keepends=True)
            temporary = self._spool.with_name(self._spool.name + ".tmp")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(b"".join(keep(lines)))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self._spool)

    def _failure(self, reason: str, **fields: object) -> None:
        """Logged and reported (an incident) once per failure episode; counted every time. An overflow
        while already failing for another reason (the store down) is reported too, once."""
        first_overflow = reason == "queue_full" and not self._overflow_reported
        if self.healthy or first_overflow or reason == "writer_died":
            log.error("prompt_log_failure", reason=reason, violation="LOGGING_OR_RETENTION_FAILURE", **fields)
            if self._on_failure_event is not None:
                self._on_failure_event(reason)
        if reason == "queue_full":
            self._overflow_reported = True
        self.healthy = False
        self._metrics.prompt_log_failures.labels(reason).inc()


def _without(lines: list[bytes], dropped: list[int], counted: int) -> list[bytes]:
    """``lines`` less the ``dropped`` indices among the first ``counted`` (later ones were appended since)."""
    skip = set(dropped)
    return [line for n, line in enumerate(lines) if n >= counted or n not in skip]
