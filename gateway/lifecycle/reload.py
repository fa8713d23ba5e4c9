"""Hot reload of the policy: on SIGHUP and when the file changes, atomically.

A new policy is loaded, validated and given its detection pool (a new one only when
its detection settings differ) before anything changes; then the runtime is swapped in
one step. Every accepted change is logged as a ``policy_changed`` event with what changed
and whether it loosens a control.

A file caught mid-write may parse (everything before ``detection:``, say) and would
loosen the policy, so only files that hold still are loaded: the watcher acts on a
change once two consecutive polls see the same size, mtime and SHA-256 of every file,
SIGHUP reads them twice a moment apart, and after loading the files are hashed again (a
file that changed while it was read is not swapped in). An atomically renamed file
holds still at once.

An invalid file is *rejected*: logged with its errors (file, line, column), counted, and
not retried until the files change. A failure the content did not cause (a detection
worker exited while starting, a file could not be read, a file still changing on SIGHUP)
*failed*: retried with capped exponential backoff until it succeeds or the files change.
Either way the policy in force stays, and ``state.policy_file_current`` (``/readyz``,
``aigw_policy_file_current``) says that the files on disk are not it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path
from typing import Protocol

import structlog

from gateway.config.settings import Settings
from gateway.errors import ConfigError
from gateway.incidents.recorder import IncidentLog
from gateway.lifecycle.register_history import record_register
from gateway.lifecycle.runtime import PolicyRuntime
from gateway.logs import code_location
from gateway.metrics import GatewayMetrics
from gateway.policy.diff import Effect, diff
from gateway.policy.policy import Policy, load_policy
from gateway.promptlog.service import PromptLog, require_key_for
from gateway.screening.pool import DetectionPool, DetectionStartInterrupted
from gateway.supervise import BackgroundTask

log = structlog.get_logger("aigw")
PoolFactory = Callable[[Settings, Policy], DetectionPool | None]
Observation = tuple[tuple[str, int, int], ...]  # per file: SHA-256, size, mtime (ns)
SETTLE_S = 0.2  # SIGHUP and retries: the two reads that must agree are this far apart
UNREADABLE = ("unreadable", -1, -1)


class _Failed(Exception):
    """A reload that did not work for a reason other than the files' content: retried."""


class ReloadTarget(Protocol):
    """What the reloader reads and changes of the running gateway: ``gateway.lifecycle.state.GatewayState``,
    which starts the reloader; named here so that this module does not import it back."""

    policy_file_current: bool
    policy_reload_failure: str | None

    @property
    def settings(self) -> Settings: ...
    @property
    def runtime(self) -> PolicyRuntime: ...
    @property
    def prompt_log(self) -> PromptLog: ...
    @property
    def metrics(self) -> GatewayMetrics: ...
    @property
    def incidents(self) -> IncidentLog: ...
    def replace_runtime(self, new: PolicyRuntime) -> None: ...


class PolicyReloader:
    def __init__(self, state: ReloadTarget, build_pool: PoolFactory) -> None:
        self._state, self._build_pool = state, build_pool
        self._settings = state.settings.policy_reload
        self._path = state.settings.policy_path
        # One reload (or watcher look) at a time: SIGHUP during a file-change reload, a retry.
        self._lock = asyncio.Lock()
        self._pending: set[asyncio.Task[None]] = set()
        self._previous: Observation | None = None  # what the watcher saw last time
        self._rejected: tuple[str, ...] | None = None  # what the files held when last rejected
        self._failing: tuple[str, ...] | None = None  # what they held when a reload last failed
        self._backoff = 0.0
        self._retry: asyncio.Task[None] | None = None
        self.accepted = 0
        self.rejected = 0
        self.failed = 0

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[PolicyReloader]:
        """Watch the file and listen for SIGHUP while the gateway runs."""
        loop = asyncio.get_running_loop()
        watcher = None
        if self._settings.watch_interval_s:  # supervised: a watcher that died would stop hot reload unnoticed
            watcher = BackgroundTask("policy_watcher", self._watch, self._state.metrics)
            watcher.start()
        with contextlib.suppress(NotImplementedError, RuntimeError):  # no signals off the main thread (tests)
            loop.add_signal_handler(signal.SIGHUP, self._sighup)
        try:
            yield self
        finally:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signal.SIGHUP)
            if watcher is not None:
                await watcher.stop()
            for task in (self._retry,):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    def _sighup(self) -> None:
        task = asyncio.get_running_loop().create_task(self._guarded("SIGHUP", self.on_sighup))
        self._pending.add(task)  # the loop keeps only a weak reference to a task
        task.add_done_callback(self._pending.discard)

    async def on_sighup(self) -> None:
        """SIGHUP reloads the policy and the prompt-log keys (after `aigw keys rotate-log-key`)."""
        try:
            self._state.prompt_log.reload_keys(self._state.settings.prompt_log, os.environ)
        except ConfigError as exc:
            log.error("prompt_log_key_reload_rejected", problems=str(exc).splitlines())
        await self.reload("SIGHUP")

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self._settings.watch_interval_s)
            await self.poll()

    async def poll(self) -> None:
        """One look by the watcher: reload files that changed and have held still since the last look."""
        async with self._lock:
            seen = _observe(path for path, _ in self._state.runtime.policy.files)
            stable, self._previous = seen == self._previous, seen
            digests = _digests(seen)
            if digests == self._in_force():
                self._settled()  # e.g. a rejected file put back as it was: nothing to reload
            elif stable and digests not in (self._rejected, self._failing):  # a retry owns a failing one
                await self._reload("file changed", seen)

    def _in_force(self) -> tuple[str, ...]:
        return tuple(digest for _, digest in self._state.runtime.policy.files)

    async def reload(self, reason: str) -> bool:
        """Load, validate and swap in the policy file; False (old policy kept) when rejected or failed."""
        async with self._lock:
            return await self._reload(reason, None)

    async def _reload(self, reason: str, seen: Observation | None) -> bool:
        old = self._state.runtime
        paths = [path for path, _ in old.policy.files]
        if seen is None:  # SIGHUP or a retry: nobody has seen these files hold still yet
            first = _observe(paths)
            await asyncio.sleep(SETTLE_S)
            seen = _observe(paths)
            if seen != first:
                self._failed(reason, _digests(seen), "the policy files are still being written")
                return False
        digests = _digests(seen)
        try:
            policy = await asyncio.to_thread(_load_held_still, self._path)
            require_key_for(policy, self._state.prompt_log.keyring, self._state.settings.prompt_log)
            pool = await self._pool_for(old, policy)
        except DetectionStartInterrupted as exc:  # before ConfigError: it is one, but not the policy's fault
            self._failed(reason, digests, *str(exc).splitlines())
            return False
        except _Failed as exc:
            self._failed(reason, digests, str(exc))
            return False
        except OSError as exc:  # the files' content is unknown: nothing to judge, so try again
            self._failed(reason, digests, f"cannot read: {exc}")
            return False
        except ConfigError as exc:
            self._reject(reason, digests, exc)
            return False
        self._settled()
        if policy.version == old.policy.version:  # saved without a change
            self._state.metrics.policy_reloads.labels("unchanged").inc()
            if pool is not None and pool is not old.pool:
                await pool.close()
            return True
        self._state.replace_runtime(PolicyRuntime(policy, pool))
        self.accepted += 1
        self._state.metrics.policy_reloads.labels("accepted").inc()
        loosened, tightened, register = _log_change(reason, old.policy, policy)
        self._state.incidents.observe_policy_change(
            old.policy.version, policy.version, loosened, tightened, register_changes=register
        )
        await record_register(self._state.prompt_log.store, policy)
        return True

    def _reject(self, reason: str, digests: tuple[str, ...], exc: ConfigError) -> None:
        self.rejected += 1
        self._state.metrics.policy_reloads.labels("rejected").inc()
        self._stop_retrying()
        self._rejected = digests  # not retried until the files change again
        problems = str(exc).splitlines()
        version = self._state.runtime.policy.version
        log.error(
            "policy_reload_rejected", reason=reason, path=str(self._path), problems=problems, policy_version=version
        )
        self._state.incidents.observe_policy_rejected(version, len(problems))
        self._mark_current(digests == self._in_force(), "rejected")

    def _failed(self, reason: str, digests: tuple[str, ...], *problems: str) -> None:
        self.failed += 1
        self._state.metrics.policy_reloads.labels("failed").inc()
        self._rejected = None
        if digests == self._in_force():  # SIGHUP with nothing changed: the policy in force is the file
            self._stop_retrying()
            retry_in: float | None = None
        else:  # the same files failing again wait longer; changed files start over
            first = min(self._settings.retry_initial_s, self._settings.retry_max_s)
            again = digests == self._failing and self._backoff > 0
            self._backoff = min(self._backoff * 2, self._settings.retry_max_s) if again else first
            self._failing, retry_in = digests, self._backoff
            self._retry_after(self._backoff)
        log.error(
            "policy_reload_failed",
            reason=reason,
            path=str(self._path),
            problems=list(problems),
            retry_in_s=retry_in,
            policy_version=self._state.runtime.policy.version,
        )
        self._mark_current(retry_in is None, "retrying")

    def _settled(self) -> None:
        """The files on disk are the policy in force (again)."""
        self._stop_retrying()
        self._rejected = None
        self._mark_current(True, None)

    def _mark_current(self, current: bool, failure: str | None) -> None:
        self._state.policy_file_current = current
        self._state.policy_reload_failure = None if current else failure
        self._state.metrics.policy_file_current.set(1 if current else 0)

    def _retry_after(self, delay: float) -> None:
        self._cancel_retry()
        self._retry = asyncio.get_running_loop().create_task(self._retry_later(delay))

    async def _retry_later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        await self._guarded("retry", lambda: self.reload("retry"))

    async def _guarded(self, reason: str, attempt: Callable[[], Awaitable[object]]) -> None:
        """Run a SIGHUP or retry task's reload: nobody awaits those tasks, so an exception the
        reload does not expect (a bug, a library's surprise) would go unseen and, in a retry,
        end the retrying for good with the files on disk not in force. It is logged (type and
        where, never its message: it may quote the files) and the reload counts as failed, to
        be retried with the usual backoff."""
        try:
            await attempt()
        except Exception as exc:
            where = code_location(exc)
            log.error("policy_reload_crashed", reason=reason, error_type=type(exc).__name__, where=where)
            async with self._lock:
                seen = _observe(path for path, _ in self._state.runtime.policy.files)
                self._failed(reason, _digests(seen), f"unexpected {type(exc).__name__} at {where}")

    def _stop_retrying(self) -> None:
        self._failing, self._backoff = None, 0.0
        self._cancel_retry()

    def _cancel_retry(self) -> None:
        retry, self._retry = self._retry, None
        # Every caller holds the lock, so a pending retry is asleep or waiting for it, never
        # half-way through a reload; a retry that ends or renews its own series runs on.
        if retry is not None and retry is not asyncio.current_task():
            retry.cancel()

    async def _pool_for(self, old: PolicyRuntime, policy: Policy) -> DetectionPool | None:
        """The running pool when detection is unchanged (and reads no files); else a new, started one."""
        detection = policy.detection
        reads_files = detection is not None and (
            (detection.confidential is not None and bool(detection.confidential.terms_files))
            or (detection.injection is not None and detection.injection.rules_file is not None)
        )
        if detection == old.policy.detection and not reads_files:
            return old.pool
        pool = self._build_pool(self._state.settings, policy)
        if pool is not None:
            # ConfigError (detectors that cannot be built) rejects the reload; a worker that
            # exited while starting (DetectionStartInterrupted) fails it, to be retried.
            await pool.start()
        return pool


def _log_change(reason: str, old: Policy, new: Policy) -> tuple[int, int, tuple[str, ...]]:
    """Log what changed; how many changes loosened and tightened a control, and the changes to the AI tool
    register and to reroutes (the inventory's change history keeps them)."""
    changes = diff(old.document, new.document)
    loosened = sum(c.effect is Effect.LOOSENED for c in changes)
    tightened = sum(c.effect is Effect.TIGHTENED for c in changes)
    log.warning(
        "policy_changed",
        reason=reason,
        policy=new.id,
        old_version=old.version,
        policy_version=new.version,
        loosened=loosened,
        tightened=tightened,
        changes=[str(c) for c in changes],
    )
    register = tuple(str(c) for c in changes if c.where.startswith("tool_register") or c.where.endswith("reroute_to"))
    return loosened, tightened, register


def _load_held_still(path: Path) -> Policy:
    """Load the policy; _Failed if a file it read is no longer what it read (written meanwhile)."""
    policy = load_policy(path)
    if any(_fingerprint(file)[0] != digest for file, digest in policy.files):
        raise _Failed("a policy file changed while it was being read")
    return policy


def _observe(paths: Iterable[Path]) -> Observation:
    return tuple(_fingerprint(path) for path in paths)


def _digests(seen: Observation) -> tuple[str, ...]:
    return tuple(digest for digest, _, _ in seen)


def _fingerprint(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
        return hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_size, stat.st_mtime_ns
    except OSError:
        return UNREADABLE
