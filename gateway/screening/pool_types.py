"""What the detection pool reports and raises: its observer (the metrics) and its errors, typed so that
the caller can fail closed (``DetectionUnavailable``) or retry a start (``DetectionStartInterrupted``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from gateway.errors import ConfigError


class PoolObserver(Protocol):
    """What the pool reports to the metrics (``GatewayMetrics`` is one)."""

    def observe_detectors(self, seconds: Mapping[str, float]) -> None: ...

    def detection_workers_changed(self, delta: int) -> None: ...

    def detection_worker_restarted(self, reason: str) -> None: ...


class DetectionUnavailable(Exception):
    """Detection could not give an answer (overloaded, timed out, or failed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DetectionStartInterrupted(ConfigError):
    """A worker exited while building its detectors (killed, out of memory): unlike detectors
    that cannot be built, this says nothing about the policy, so a policy reload retries it."""


class WorkerDied(Exception):
    """A worker could not build its detectors, or went away (the pool's own: never raised to a caller)."""


class WorkerExited(WorkerDied):
    """The process went away, as opposed to reporting that its detectors could not be built."""
