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
import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING

import structlog

from gateway.detection_pool import DetectionPool
from gateway.errors import ConfigError
from gateway.policy import Policy, load_policy
from gateway.policy_diff import Effect, diff
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
        self._fingerprint = _fingerprint(self._path)
        self.accepted = 0
        self.rejected = 0

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[PolicyReloader]:
        """Watch the file and listen for SIGHUP while the gateway runs."""
        loop = asyncio.get_running_loop()
        watcher = loop.create_task(self._watch()) if self._state.settings.policy_reload.watch_interval_s else None
        with contextlib.suppress(NotImplementedError, RuntimeError):  # no signals off the main thread (tests)
            loop.add_signal_handler(signal.SIGHUP, lambda: loop.create_task(self.reload("SIGHUP")))
        try:
            yield self
        finally:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signal.SIGHUP)
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher

    async def _watch(self) -> None:
        interval = self._state.settings.policy_reload.watch_interval_s
        while True:
            await asyncio.sleep(interval)
            if _fingerprint(self._path) != self._fingerprint:
                await self.reload("file changed")

    async def reload(self, reason: str) -> bool:
        """Load, validate and swap in the policy file; False (old policy kept) when invalid."""
        async with self._lock:
            self._fingerprint = _fingerprint(self._path)
            old = self._state.runtime
            try:
                policy = await asyncio.to_thread(load_policy, self._path)
                pool = await self._pool_for(old, policy)
            except (ConfigError, OSError) as exc:
                self.rejected += 1
                problems = str(exc).splitlines() if isinstance(exc, ConfigError) else [f"cannot read: {exc}"]
                log.error(
                    "policy_reload_rejected", reason=reason, path=str(self._path), problems=problems,
                    policy_version=old.policy.version,
                )  # fmt: skip
                return False
            if policy.version == old.policy.version:
                return True  # saved without a change
            self._state.replace_runtime(PolicyRuntime(policy, pool))
            self.accepted += 1
            _log_change(reason, old.policy, policy)
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


def _log_change(reason: str, old: Policy, new: Policy) -> None:
    changes = diff(old.document, new.document)
    log.warning(
        "policy_changed",
        reason=reason,
        policy=new.id,
        old_version=old.version,
        policy_version=new.version,
        loosened=sum(c.effect is Effect.LOOSENED for c in changes),
        tightened=sum(c.effect is Effect.TIGHTENED for c in changes),
        changes=[str(c) for c in changes],
    )


def _fingerprint(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"
