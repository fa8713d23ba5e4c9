"""``aigw serve --workers N``: N gateway processes sharing the listeners, so one machine's
cores all serve requests.

Each worker is a whole gateway (its own event loop, detection pool, prompt-log writer and
incident recorder) bound to the same ports with SO_REUSEPORT; the kernel spreads new
connections over them. The supervisor only starts, watches and signals them:

* SIGTERM/SIGINT go to every worker, which drains as a single gateway does; SIGHUP too
  (policy and log-key reload).
* A worker that dies is started again (after a pause, so a crash loop cannot spin).
* Metrics: every worker writes its values to files in one folder (prometheus_client's
  multiprocess mode), and whichever worker answers ``/metrics`` reports them all.
* Work that must not run N times -- the retention purge, the hash-chain verification, the
  control assurance schedule -- runs in worker 0 only; each worker has its own spool files.
* The detection pool of each worker gets an equal share of the cores.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import tempfile
import time
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType

import structlog
from prometheus_client import multiprocess as prometheus_multiprocess

from gateway.config.settings import Settings
from gateway.logs import configure_logging
from gateway.metrics import MULTIPROC_ENV
from gateway.providers import resolve_credentials
from gateway.screening.pool import default_workers
from gateway.server.serve import run_loop, serve

log = structlog.get_logger("aigw")
RESTART_PAUSE_S = 1.0
FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def worker_settings(settings: Settings, index: int, count: int) -> Settings:
    """What worker ``index`` of ``count`` runs with."""
    detection = settings.detection
    if detection.workers == 0:  # "one per core" is shared among the gateway workers
        detection = detection.model_copy(update={"workers": max(1, default_workers() // count)})
    log_settings = settings.prompt_log
    spool = log_settings.spool_path
    changes: dict[str, object] = {
        "spool_path": spool.with_name(f"{spool.name}.w{index}"),
        "incident_spool_path": log_settings.incident_spool.with_name(f"{log_settings.incident_spool.name}.w{index}"),
    }
    update: dict[str, object] = {"detection": detection}
    if index > 0:  # once per machine is enough (and N purges would record N runs)
        changes.update(purge_interval_s=0, incident_verify_interval_s=0)
        update["assurance"] = settings.assurance.model_copy(update={"interval_s": 0.0})  # its probes reach all N
    return settings.model_copy(update={**update, "prompt_log": log_settings.model_copy(update=changes)})


def _worker_main(settings: Settings, index: int, count: int) -> None:
    # The worker process starts from scratch (spawn): it sets up logging and its own event loop.
    configure_logging(settings.log)
    structlog.contextvars.bind_contextvars(worker=index, pid=os.getpid())
    mine = worker_settings(settings, index, count)
    run_loop(serve(mine, resolve_credentials(mine, os.environ), reuse_port=True))


class Supervisor:
    def __init__(self, settings: Settings, count: int) -> None:
        self.settings, self.count = settings, count
        self._context = multiprocessing.get_context("spawn")  # no inherited event loop, locks or threads
        self._workers: dict[int, BaseProcess] = {}
        self._stopping = False

    def run(self) -> int:
        own_folder = MULTIPROC_ENV not in os.environ
        folder = Path(os.environ.get(MULTIPROC_ENV) or tempfile.mkdtemp(prefix="aigw-metrics-"))
        for stale in folder.glob("*.db"):  # values of an earlier run would be added to ours
            stale.unlink()
        os.environ[MULTIPROC_ENV] = str(folder)  # the workers inherit it before prometheus_client loads
        previous = {sig: signal.signal(sig, self._forward) for sig in FORWARDED}
        try:
            for index in range(self.count):
                self._start(index)
            log.info("workers_started", workers=self.count, metrics_folder=str(folder))
            return self._watch()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if own_folder:
                shutil.rmtree(folder, ignore_errors=True)

    def _start(self, index: int) -> None:
        process = self._context.Process(
            target=_worker_main, args=(self.settings, index, self.count), name=f"aigw-worker-{index}"
        )
        process.start()
        self._workers[index] = process

    def _forward(self, signum: int, _frame: FrameType | None) -> None:
        if signum != signal.SIGHUP:
            self._stopping = True
        for process in self._workers.values():
            if process.pid is not None and process.is_alive():
                os.kill(process.pid, signal.SIGTERM if signum == signal.SIGINT else signum)

    def _watch(self) -> int:
        failed = 0
        while self._workers:
            sentinels = {p.sentinel: index for index, p in self._workers.items()}
            for ready in multiprocessing.connection.wait(list(sentinels), timeout=1.0):
                index = sentinels[ready]  # type: ignore[index]
                process = self._workers.pop(index)
                process.join()
                if process.pid is not None:
                    prometheus_multiprocess.mark_process_dead(process.pid)  # type: ignore[no-untyped-call]
                if self._stopping:
                    failed += process.exitcode != 0
                    continue
                log.error("worker_died", worker=index, exitcode=process.exitcode)
                time.sleep(RESTART_PAUSE_S)
                if not self._stopping:
                    self._start(index)
        log.info("workers_stopped", failed=failed)
        return 1 if failed else 0


__all__ = ["Supervisor", "worker_settings"]
