"""Detection off the event loop, in worker processes.

Presidio's ``analyze()`` holds the GIL (threads do not help), so scans run in worker
processes, one per core by default, each building its detectors once from a picklable
factory and spec. Each worker owns one duplex pipe that the event loop watches
directly: a scan is one pickled message each way (about 0.07 ms on the 2-CPU machine of
loadtests/RESULTS.md, against 0.3 ms through ``concurrent.futures.ProcessPoolExecutor``,
whose queue and management threads add four thread hand-offs per call).

The pool bounds how many scans may wait, gives each scan a time limit, and drops a scan
whose request went away. A worker that dies fails the scan it was running and is
replaced; one that overruns the time limit is killed and replaced, so a runaway scan
cannot hold a core. Errors are typed so that the caller can fail closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

import structlog
from threadpoolctl import threadpool_limits

from detectors.base import Detector, Finding
from gateway.errors import ConfigError, ConfigProblem
from gateway.inline_scan import InlineScanner, Scanned, scan_timed

DetectorFactory = Callable[[Any], Sequence[Detector]]
Request = tuple[list[str], frozenset[str] | None]
Reply = tuple[str, Any]  # ("ok", (findings per text, seconds per detector)) | ("error", exception type name)
ObserveTimings = Callable[[Mapping[str, float]], None]
STOP_GRACE_S = 5.0
log = structlog.get_logger("aigw")


class DetectionUnavailable(Exception):
    """Detection could not give an answer (overloaded, timed out, or failed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DetectionStartInterrupted(ConfigError):
    """A worker exited while building its detectors (killed, out of memory): unlike detectors
    that cannot be built, this says nothing about the policy, so a policy reload retries it."""


class _WorkerDied(Exception):
    pass


class _WorkerExited(_WorkerDied):
    """The process went away, as opposed to reporting that its detectors could not be built."""


def _worker_main(conn: Connection, factory: DetectorFactory, spec: Any) -> None:
    """A worker process: build the detectors, say so, then answer scans until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the gateway's to handle
    # One worker per core already: BLAS threads inside each would only fight over the cores.
    threadpool_limits(limits=1)
    try:
        detectors = tuple(factory(spec))
    except Exception as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ok", len(detectors)))
    while True:
        try:
            request: Request | None = conn.recv()
        except EOFError:
            return  # the gateway is gone
        if request is None:
            return
        texts, entities = request
        try:
            reply: Reply = ("ok", scan_timed(detectors, texts, entities))
        except Exception as exc:
            reply = ("error", type(exc).__name__)
        conn.send(reply)


@dataclass
class _Job:
    request: Request
    worker: _Worker | None = None  # the worker running it, once sent


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    in_flight: asyncio.Future[Reply] | None = None
    dead: bool = False
    ready: asyncio.Future[Reply] | None = field(default=None)


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
        observe_timings: ObserveTimings | None = None,
    ) -> None:
        self._factory, self._spec = factory, spec
        self._size = workers
        self._max_pending = max_pending
        self._time_limit_s = time_limit_s
        self._inline = inline  # short scans that need no model skip the hop (see inline_scan)
        self.observe_timings = observe_timings  # seconds per detector of each scan, for the metrics
        self._workers: list[_Worker] = []
        # LIFO: at low load the worker that just finished takes the next scan while its caches
        # are warm and its CPU awake; under load every worker is busy either way.
        self._idle: asyncio.LifoQueue[_Worker] = asyncio.LifoQueue()
        self._pending = 0
        self._closed = False
        self._replacing: set[asyncio.Task[None]] = set()
        self.restarts = 0

    async def start(self) -> None:
        """Start every worker and wait until each has built its detectors."""
        try:
            await asyncio.gather(*(self._spawn() for _ in range(self._size)))
        except _WorkerDied as exc:
            await self.close()
            problem = ConfigProblem("policy", "detection", f"the detectors could not be built: {exc}")
            raise (DetectionStartInterrupted if isinstance(exc, _WorkerExited) else ConfigError)([problem]) from None

    async def _spawn(self) -> None:
        # spawn, not fork: the gateway process has threads and an event loop not to copy.
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe(duplex=True)
        process = context.Process(
            target=_worker_main, args=(theirs, self._factory, self._spec), name="aigw-detector", daemon=True
        )
        process.start()
        theirs.close()  # only the child holds its end now: its death reads as EOF here
        worker = _Worker(process, ours, ready=asyncio.get_running_loop().create_future())
        self._workers.append(worker)
        asyncio.get_running_loop().add_reader(ours.fileno(), self._on_readable, worker)
        assert worker.ready is not None
        status, detail = await worker.ready
        if status != "ok":
            self._retire(worker)
            raise _WorkerDied(str(detail))
        self._idle.put_nowait(worker)

    def _on_readable(self, worker: _Worker) -> None:
        try:
            reply: Reply = worker.conn.recv()
        except (EOFError, OSError):
            self._on_death(worker)
            return
        if worker.ready is not None:  # the start-up message
            ready, worker.ready = worker.ready, None
            if not ready.done():  # not cancelled by a failed start()
                ready.set_result(reply)
            return
        future, worker.in_flight = worker.in_flight, None
        if future is not None and not future.done():
            future.set_result(reply)
        self._idle.put_nowait(worker)

    def _on_death(self, worker: _Worker) -> None:
        was_starting = worker.ready is not None
        for waiting in (worker.ready, worker.in_flight):
            if waiting is not None and not waiting.done():
                waiting.set_exception(_WorkerExited("the worker exited"))
        worker.ready = worker.in_flight = None
        self._retire(worker)
        if not self._closed and not was_starting:  # a start-up failure is reported by start()
            self.restarts += 1
            task = asyncio.get_running_loop().create_task(self._replace())
            self._replacing.add(task)
            task.add_done_callback(self._replacing.discard)

    async def _replace(self) -> None:
        try:
            await self._spawn()
        except _WorkerDied as exc:  # scans wait for a worker, time out, and fail closed
            log.error("detection_worker_start_failed", reason=str(exc))

    def _retire(self, worker: _Worker) -> None:
        if worker.dead:
            return
        worker.dead = True
        asyncio.get_running_loop().remove_reader(worker.conn.fileno())
        worker.conn.close()
        if worker.process.is_alive():
            worker.process.kill()
        if worker in self._workers:
            self._workers.remove(worker)

    async def scan(self, texts: Sequence[str], entities: frozenset[str] | None = None) -> list[list[Finding]]:
        """Findings for each text, or DetectionUnavailable."""
        if self._inline is not None and self._inline.serves(texts, entities):
            try:
                return self._observed(self._inline.scan(texts, entities))
            except Exception as exc:
                raise DetectionUnavailable(f"error: {type(exc).__name__}") from None
        if self._pending >= self._max_pending:
            raise DetectionUnavailable("overloaded")
        self._pending += 1
        job = _Job((list(texts), entities))
        try:
            status, payload = await asyncio.wait_for(self._run(job), self._time_limit_s)
        except TimeoutError:
            if job.worker is not None and not job.worker.dead and not self._closed:
                job.worker.process.kill()  # still on it: replace it (on EOF) rather than let it run on
            raise DetectionUnavailable("timeout") from None
        except _WorkerDied:
            raise DetectionUnavailable("worker crashed") from None
        finally:
            self._pending -= 1
        if status != "ok":
            raise DetectionUnavailable(f"error: {payload}")
        return self._observed(payload)

    def _observed(self, scanned: Scanned) -> list[list[Finding]]:
        found, seconds = scanned
        if self.observe_timings is not None:
            self.observe_timings(seconds)
        return found

    async def _run(self, job: _Job) -> Reply:
        while True:
            worker = await self._idle.get()
            if worker.dead:  # died while idle: its replacement is on its way
                continue
            future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
            worker.in_flight, job.worker = future, worker
            try:
                worker.conn.send(job.request)
                break
            except (OSError, ValueError):  # died and not yet noticed: nothing ran, try the next
                worker.in_flight = job.worker = None
                self._on_death(worker)
        try:
            return await future
        except asyncio.CancelledError:
            # Time limit or client gone: the worker finishes, its reply is dropped, and
            # _on_readable returns it to the idle queue (or scan() kills it on a timeout).
            job.worker = worker if worker.in_flight is future else None
            raise

    async def close(self) -> None:
        self._closed = True
        for task in list(self._replacing):
            task.cancel()
        workers = list(self._workers)
        for worker in workers:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
        await asyncio.gather(*(asyncio.to_thread(w.process.join, STOP_GRACE_S) for w in workers))
        for worker in workers:
            self._retire(worker)
