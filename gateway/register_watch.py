"""The AI tool register, watched: every entry's days to its review date on ``/metrics``, and an
incident for each entry whose review falls due within ``tool_register.warn_days`` (low) or has passed
(medium) -- before anyone's request is refused for it, so the owner can renew the review in time.

Checked at start, whenever the policy in force changes (a reload), and every hour (a date passes at
midnight, not at a reload). Each worker process checks its own copy; the incidents aggregate in the
shared store (one incident per entry and standing, counted each time).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime

import structlog

from gateway.metrics import GatewayMetrics
from gateway.policy.policy import Policy
from gateway.policy.register import Standing, Verdict, standing
from gateway.register_metrics import RegisterMetrics
from gateway.supervise import BackgroundTask

log = structlog.get_logger("aigw")
CHECK_EVERY_S = 3600.0
POLL_S = 30.0  # how soon a reloaded policy's register is checked


def check(policy: Policy, today: date, metrics: RegisterMetrics, report: Callable[[Verdict], None]) -> list[Verdict]:
    """Every entry's standing today: shown on /metrics, logged and reported when it needs the owner."""
    register = policy.document.tool_register
    verdicts = [standing(entry, today, register.warn_days) for entry in register.entries]
    shown = [
        (v.entry.id, v.days_to_review if v.entry.status.in_service else None, not v.standing.refused) for v in verdicts
    ]
    metrics.show(shown)
    for verdict in verdicts:
        if verdict.standing in (Standing.REVIEW_DUE, Standing.REVIEW_LAPSED):
            entry = verdict.entry
            log.warning(
                "tool_register_review",
                entry=entry.id,
                standing=verdict.standing.value,
                review_by=entry.review_by.isoformat(),
                days=verdict.days_to_review,
                owner=entry.owner,
                policy_version=policy.version,
            )
            report(verdict)
    return verdicts


class RegisterWatch:
    def __init__(
        self,
        policy: Callable[[], Policy],
        metrics: GatewayMetrics,
        report: Callable[[Verdict], None],
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self._policy, self._report, self._today = policy, report, today
        self.metrics = metrics.register
        self._task = BackgroundTask("tool_register_watch", self._watch, metrics)

    def check_now(self) -> list[Verdict]:
        return check(self._policy(), self._today(), self.metrics, self._report)

    async def _watch(self) -> None:
        checked_version, since = "", 0.0
        loop = asyncio.get_running_loop()
        while True:
            policy = self._policy()
            if policy.version != checked_version or loop.time() - since >= CHECK_EVERY_S:
                self.check_now()
                checked_version, since = policy.version, loop.time()
            await asyncio.sleep(POLL_S)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[RegisterWatch]:
        self._task.start()
        try:
            yield self
        finally:
            await self._task.stop()
