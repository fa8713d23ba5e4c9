"""Hot reload of the policy: on SIGHUP and when the file changes, atomically.

A new policy is loaded, validated and given its detection pool (a new one only when
its detection settings differ) before anything changes; then the runtime is swapped in
one step. An invalid file is rejected: the policy in force stays, and the rejection is
logged with the errors (file, line, column) and counted. Every accepted change is logged
as a ``policy_changed`` event with what changed and whether it loosens a control.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING

import structlog

from gateway.detection_pool import DetectionPool
from gateway.errors import ConfigError
from gateway.policy import Policy, load_policy
from gateway.policy_diff import Effect, diff
from gateway.promptlog.service import require_key_for
from gateway.runtime import PolicyRuntime
from gateway.settings import Settings

if TYPE_CHECKING:
    from gateway.state import GatewayState

log = structlog.get_logger("aigw")
PoolFactory = Callable[[Settings, Policy], DetectionPool | None]


class PolicyReloader:
    def __init__(self, state: GatewayState, build_pool: PoolFactory) -> None:
        self._state, self._build_pool = state, build_pool
        self._path = state.settings.policy_path
        self._lock = asyncio.Lock()  # one reload at a time (SIGHUP during a file-change reload)
        self._pending: set[asyncio.Task[None]] = set()
        self._rejected: tuple[str, ...] | None = None  # what the files held when last rejected
        self.accepted = 0
        self.rejected = 0

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[PolicyReloader]:
        """Watch the file and listen for SIGHUP while the gateway runs."""
        loop = asyncio.get_running_loop()
        watcher = loop.create_task(self._watch()) if self._state.settings.policy_reload.watch_interval_s else None
        with contextlib.suppress(NotImplementedError, RuntimeError):  # no signals off the main thread (tests)
            loop.add_signal_handler(signal.SIGHUP, self._sighup)
        try:
            yield self
        finally:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signal.SIGHUP)
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher

    def _sighup(self) -> None:
        task = asyncio.get_running_loop().create_task(self.on_sighup())
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
        interval = self._state.settings.policy_reload.watch_interval_s
        while True:
            await asyncio.sleep(interval)
            now = self._on_disk()
            if now != self._in_force() and now != self._rejected:
                await self.reload("file changed")

    def _in_force(self) -> tuple[str, ...]:
        return tuple(digest for _, digest in self._state.runtime.policy.files)

    def _on_disk(self) -> tuple[str, ...]:
        """The policy file and the files the policy in force names (a changed term list reloads too)."""
        return tuple(_fingerprint(path) for path, _ in self._state.runtime.policy.files)

    async def reload(self, reason: str) -> bool:
        """Load, validate and swap in the policy file; False (old policy kept) when invalid."""
        async with self._lock:
            seen = self._on_disk()
            old = self._state.runtime
            try:
                policy = await asyncio.to_thread(load_policy, self._path)
                require_key_for(policy, self._state.prompt_log.keyring, self._state.settings.prompt_log)
                pool = await self._pool_for(old, policy)
            except (ConfigError, OSError) as exc:
                self.rejected += 1
                self._state.metrics.policy_reloads.labels("rejected").inc()
                self._rejected = seen  # not retried until the files change again
                problems = str(exc).splitlines() if isinstance(exc, ConfigError) else [f"cannot read: {exc}"]
                log.error(
                    "policy_reload_rejected", reason=reason, path=str(self._path), problems=problems,
                    policy_version=old.policy.version,
                )  # fmt: skip
                self._state.incidents.observe_policy_rejected(old.policy.version, len(problems))
                return False
            if policy.version == old.policy.version:  # saved without a change
                self._state.metrics.policy_reloads.labels("unchanged").inc()
                if pool is not None and pool is not old.pool:
                    await pool.close()
                return True
            self._state.replace_runtime(PolicyRuntime(policy, pool))
            self.accepted += 1
            self._state.metrics.policy_reloads.labels("accepted").inc()
            loosened, tightened = _log_change(reason, old.policy, policy)
            self._state.incidents.observe_policy_change(old.policy.version, policy.version, loosened, tightened)
            return True

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
            await pool.start()  # a ConfigError here rejects the reload
        return pool


def _log_change(reason: str, old: Policy, new: Policy) -> tuple[int, int]:
    """Log what changed; how many changes loosened and tightened a control."""
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
    return loosened, tightened


def _fingerprint(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"
