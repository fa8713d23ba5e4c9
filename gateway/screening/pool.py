"""Detection off the event loop, in worker processes.

Presidio's ``analyze()`` holds the GIL (threads do not help), so scans run in worker processes,
one per core by default, each building its detectors once from a picklable factory and spec
(``gateway.screening.worker``), each with one duplex pipe that the event loop watches directly
(worker_pipe): 0.07 ms a round trip on the 2-CPU machine of loadtests/RESULTS.md, against 0.3 ms
through ``ProcessPoolExecutor`` and its four thread hand-offs per call.

Jobs queue here; a free worker takes its share of the queue as one batch (one message each way,
one spaCy run over all their texts: 35% less NER CPU per 500-character text at 4-16 texts). At
low load a job goes out alone at once; under load those that came while the workers were busy
go together, with no timer. Each job has its own time limit and reply.

The pool bounds how many scans may wait and drops a job whose request went away. A worker that
dies fails the jobs it was running and is replaced; one that overruns the time limit is killed
and replaced, so a runaway scan cannot hold a core. A replacement that cannot start is retried
with backoff while the pool is open (``ready`` is False while no worker can take scans). Errors
are typed so that the caller can fail closed.

Long scans are cut into jobs of bounded work (``scan_chunks``; a batch holds no more), and one
scan runs at most ``max_workers_per_scan`` jobs at a time (half the workers by default): its next
job queues behind other requests' scans, so a caller's 2 MiB prompt slows that caller, not everyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

import structlog

from detectors.base import Finding
from gateway.errors import ConfigError, ConfigProblem
from gateway.scan_chunks import DEFAULT_CHUNK_CHARS, Job, is_whole, merge, plan
from gateway.screening.inline import InlineScanner, Scanned
from gateway.screening.pool_types import (
    DetectionStartInterrupted,
    DetectionUnavailable,
    PoolObserver,
    WorkerDied,
    WorkerExited,
)
from gateway.screening.worker import DetectorFactory, Reply, worker_main
from gateway.screening.worker import Job as Request
from gateway.screening.worker_pipe import WorkerPipe

STOP_GRACE_S = 5.0
# Jobs one worker takes at once (one message, one spaCy run over their texts): past 16 the saving
# per text levels off (gateway/screening/worker.py), and each job's wait grows with its batch.
MAX_BATCH_JOBS = 16
# A replacement that cannot start (the model fails to load, the host is out of memory) is
# retried after 0.5 s, then 1, 2 ... 30 s: soon enough to recover from a blip, slowly enough
# not to spend the cores on model loads. Back to 0.5 s once a worker has started.
RESPAWN_BACKOFF_S = (0.5, 30.0)
log = structlog.get_logger("aigw")
__all__ = ["DetectionPool", "DetectionStartInterrupted", "DetectionUnavailable", "PoolObserver", "default_workers"]


@dataclass(eq=False)
class _Job:
    request: Request
    chars: int
    future: asyncio.Future[Reply]
    worker: _Worker | None = None  # the worker running it, once sent


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    pipe: WorkerPipe
    in_flight: list[_Job] | None = None  # the batch it is scanning
    dead: bool = False
    ready: asyncio.Future[Reply] | None = field(default=None)
    live: bool = False  # built its detectors, not yet retired: counted in live_workers
    overran: bool = False  # killed at the time limit (for the restart metric)


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
        observer: PoolObserver | None = None,
        chunk_chars: int = DEFAULT_CHUNK_CHARS,
        max_workers_per_scan: int | None = None,
        respawn_backoff_s: tuple[float, float] = RESPAWN_BACKOFF_S,
    ) -> None:
        self._factory, self._spec = factory, spec
        self._size = workers
        self._max_pending = max_pending
        self._time_limit_s = time_limit_s  # per job: a long scan is several jobs (scan_chunks)
        self._inline = inline  # short scans that need no model skip the hop (see inline_scan)
        self.observer = observer  # the metrics: timings per detector, live workers, restarts
        self._chunk_chars = chunk_chars
        self._per_scan = max_workers_per_scan or max(1, workers // 2)
        self._backoff_s = self._backoff_min_s = respawn_backoff_s[0]
        self._backoff_max_s = respawn_backoff_s[1]
        self._workers: list[_Worker] = []
        # LIFO: at low load the worker that just finished takes the next scan while its caches
        # are warm and its CPU awake; under load every worker is busy either way.
        self._idle: asyncio.LifoQueue[_Worker] = asyncio.LifoQueue()
        self._queue: deque[_Job] = deque()  # jobs waiting for a worker, oldest first
        self._pending = 0
        self._closed = False
        self._replacing: set[asyncio.Task[None]] = set()
        self.restarts = 0  # workers that died or were killed
        self.failed_starts = 0  # replacements that could not build their detectors (each retried)

    @property
    def live_workers(self) -> int:
        """Workers that have built their detectors and not died (starting ones do not count)."""
        return sum(1 for worker in self._workers if worker.live)

    @property
    def ready(self) -> bool:
        """At least one worker can take scans."""
        return not self._closed and self.live_workers > 0

    @property
    def respawn_delay_s(self) -> float:
        """How long the next failed replacement waits before it is tried again."""
        return self._backoff_s

    async def start(self) -> None:
        """Start every worker and wait until each has built its detectors."""
        try:
            await asyncio.gather(*(self._spawn() for _ in range(self._size)))
        except Exception as exc:
            await self.close()  # no worker left behind, whatever failed
            if not isinstance(exc, WorkerDied):
                raise  # not about the policy (out of file descriptors, of memory)
            problem = ConfigProblem("policy", "detection", f"the detectors could not be built: {exc}")
            raise (DetectionStartInterrupted if isinstance(exc, WorkerExited) else ConfigError)([problem]) from None

    async def _spawn(self) -> None:
        # spawn, not fork: the gateway process has threads and an event loop not to copy.
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe(duplex=True)
        try:
            process = context.Process(
                target=worker_main, args=(theirs, self._factory, self._spec), name="aigw-detector", daemon=True
            )
            process.start()
        except BaseException:
            ours.close()  # out of file descriptors or memory: do not leak the pipe too
            theirs.close()
            raise
        theirs.close()  # only the child holds its end now: its death reads as EOF here
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[Reply] = loop.create_future()
        worker = _Worker(process, WorkerPipe(ours, loop), ready=ready)
        self._workers.append(worker)
        worker.pipe.start(functools.partial(self._on_message, worker), functools.partial(self._on_death, worker))
        try:
            status, detail = await ready
        except BaseException:
            self._retire(worker)  # died starting, or the pool is closing: nothing to keep
            raise
        if status != "ok":
            self._retire(worker)
            raise WorkerDied(str(detail))
        worker.live = True
        if self.observer is not None:
            self.observer.detection_workers_changed(1)
        self._idle.put_nowait(worker)
        self._dispatch()

    def _on_message(self, worker: _Worker, reply: Any) -> None:
        if worker.ready is not None:  # the start-up message
            ready, worker.ready = worker.ready, None
            if not ready.done():  # not cancelled by a failed start()
                ready.set_result(reply)
            return
        batch, worker.in_flight = worker.in_flight or [], None
        replies: list[Reply] = reply if isinstance(reply, list) and len(reply) == len(batch) else []
        for n, job in enumerate(batch):
            job.worker = None
            if not job.future.done():  # not given up (time limit, client gone)
                job.future.set_result(replies[n] if replies else ("error", "malformed reply"))
        self._idle.put_nowait(worker)
        self._dispatch()

    def _on_death(self, worker: _Worker) -> None:
        was_starting = worker.ready is not None
        if worker.ready is not None and not worker.ready.done():
            worker.ready.set_exception(WorkerExited("the worker exited"))
        for job in worker.in_flight or []:
            job.worker = None
            if not job.future.done():
                job.future.set_exception(WorkerExited("the worker exited"))
        worker.ready = worker.in_flight = None
        if self._closed and worker in self._workers:
            # Told to stop, it closed its end on the way out: close() waits for it to exit, then retires it
            # (killing it here raced its exit, and made a clean stop look like a kill).
            worker.pipe.close()
            return
        self._retire(worker)
        if not self._closed and not was_starting:  # a start-up failure is reported by start() or _replace()
            self.restarts += 1
            if self.observer is not None:
                self.observer.detection_worker_restarted("overrun" if worker.overran else "exited")
            task = asyncio.get_running_loop().create_task(self._replace())
            self._replacing.add(task)
            task.add_done_callback(self._replacing.discard)

    async def _replace(self) -> None:
        """Start a worker in place of one that died; retry with backoff until one starts or the
        pool closes. Meanwhile scans wait for a worker, time out and follow on_failure."""
        while not self._closed:
            try:
                await self._spawn()
            except Exception as exc:  # any failed attempt is retried: a give-up would leave the pool short for good
                self.failed_starts += 1
                if self.observer is not None:
                    self.observer.detection_worker_restarted("start_failed")
                delay, self._backoff_s = self._backoff_s, min(self._backoff_s * 2, self._backoff_max_s)
                # The detectors' own error is the worker's report, written for the log; any other
                # (OSError from spawning, ...) is logged by type only: its text may carry paths.
                reason = str(exc) if isinstance(exc, WorkerDied) else type(exc).__name__
                log.error(
                    "detection_worker_start_failed", reason=reason, retry_in_s=delay, live_workers=self.live_workers
                )
                await asyncio.sleep(delay)
            else:
                self._backoff_s = self._backoff_min_s
                return

    def _retire(self, worker: _Worker) -> None:
        if worker.dead:
            return
        worker.dead = True
        if worker.live:
            worker.live = False
            if self.observer is not None:
                self.observer.detection_workers_changed(-1)
        worker.pipe.close()
        if worker.process.is_alive():
            worker.process.kill()
        if worker in self._workers:
            self._workers.remove(worker)

    async def scan(self, texts: Sequence[str], entities: frozenset[str] | None = None) -> list[list[Finding]]:
        """Findings for each text, or DetectionUnavailable."""
        if self._inline is not None and self._inline.serves(texts, entities):
            try:
                scanned = self._inline.scan(texts, entities)
            except Exception as exc:
                raise DetectionUnavailable(f"error: {type(exc).__name__}") from None
            self._observe([scanned])
            return scanned[0]
        if self._pending >= self._max_pending:
            raise DetectionUnavailable("overloaded")
        self._pending += 1
        try:
            try:
                jobs = plan(texts, self._chunk_chars)
            except TypeError:  # not text: the detectors would raise the same in a worker
                raise DetectionUnavailable("error: TypeError") from None
            whole = is_whole(jobs)  # the common case: one job, the texts as they are
            replies = (
                [await self._scan_job(list(texts), entities)] if whole else await self._scan_jobs(texts, jobs, entities)
            )
        finally:
            self._pending -= 1
        self._observe(replies)
        return replies[0][0] if whole else merge(len(texts), jobs, [found for found, _ in replies])

    async def _scan_jobs(self, texts: Sequence[str], jobs: list[Job], entities: frozenset[str] | None) -> list[Scanned]:
        """Every job, at most ``max_workers_per_scan`` at a time; the first failure fails the scan."""
        replies: list[Scanned | None] = [None] * len(jobs)
        todo: Iterator[tuple[int, Job]] = enumerate(jobs)

        async def runner() -> None:
            for n, job in todo:  # shared: each runner takes the next job when its last one is done
                replies[n] = await self._scan_job([texts[p.text][p.start : p.end] for p in job], entities)

        runners = [asyncio.ensure_future(runner()) for _ in range(min(self._per_scan, len(jobs)))]
        try:
            await asyncio.gather(*runners)
        finally:
            for task in runners:
                task.cancel()
        return [reply for reply in replies if reply is not None]

    async def _scan_job(self, texts: list[str], entities: frozenset[str] | None) -> Scanned:
        job = _Job((texts, entities), sum(len(t) for t in texts), asyncio.get_running_loop().create_future())
        try:
            status, payload = await asyncio.wait_for(self._run(job), self._time_limit_s)
        except TimeoutError:
            if job.worker is not None and not job.worker.dead and not self._closed:
                job.worker.overran = True
                job.worker.process.kill()  # still on it: replace it (on EOF) rather than let it run on
            raise DetectionUnavailable("timeout") from None
        except WorkerDied:
            raise DetectionUnavailable("worker crashed") from None
        if status != "ok":
            raise DetectionUnavailable(f"error: {payload}")
        scanned: Scanned = payload
        return scanned

    def _observe(self, replies: Sequence[Scanned]) -> None:
        if self.observer is None:
            return
        seconds: dict[str, float] = {}
        for _, spent in replies:
            for detector, spent_s in spent.items():
                seconds[detector] = seconds.get(detector, 0.0) + spent_s
        self.observer.observe_detectors(seconds)

    async def _run(self, job: _Job) -> Reply:
        """Queue the job, wait for its reply. Cancelled, its future is: skipped if queued, reply dropped if sent."""
        self._queue.append(job)
        self._dispatch()
        return await job.future

    def _dispatch(self) -> None:
        """Give queued jobs to idle workers, each worker a batch: what queued while it was busy."""
        while self._queue and not self._closed:
            try:
                worker = self._idle.get_nowait()
            except asyncio.QueueEmpty:
                return
            if worker.dead:  # died while idle: its replacement is on its way
                continue
            batch = self._take_batch()
            if not batch:
                self._idle.put_nowait(worker)
                return
            worker.in_flight = batch
            for job in batch:
                job.worker = worker
            try:
                worker.pipe.send([job.request for job in batch])  # queued behind add_writer if larger than the buffer
            except (OSError, ValueError):  # died and not yet noticed: nothing ran, the next worker takes them
                worker.in_flight = None
                for job in batch:
                    job.worker = None
                self._queue.extendleft(reversed(batch))
                self._on_death(worker)

    def _take_batch(self) -> list[_Job]:
        """One worker's share of the queue (the rest is for the others, free soon: all of it would idle them),
        at most MAX_BATCH_JOBS and ``chunk_chars`` characters (one job's most: the time limit bounds a batch)."""
        share = min(MAX_BATCH_JOBS, -(-len(self._queue) // max(1, self.live_workers)))
        batch: list[_Job] = []
        chars = 0
        while self._queue and len(batch) < share:
            job = self._queue[0]
            if job.future.done():  # given up while queued
                self._queue.popleft()
                continue
            if batch and chars + job.chars > self._chunk_chars:
                break
            self._queue.popleft()
            batch.append(job)
            chars += job.chars
        return batch

    async def close(self) -> None:
        self._closed = True
        while self._queue:  # nobody will take them now
            job = self._queue.popleft()
            if not job.future.done():
                job.future.set_exception(WorkerExited("the pool is closed"))
        for task in list(self._replacing):
            task.cancel()
        workers = list(self._workers)
        for worker in workers:
            with contextlib.suppress(OSError, ValueError):
                worker.pipe.send(None)  # written as the pipe drains while close() waits below
        await asyncio.gather(*(asyncio.to_thread(w.process.join, STOP_GRACE_S) for w in workers))
        for worker in workers:
            self._retire(worker)
