"""The AI tool register on ``/metrics`` (``gateway.register_watch`` reports to it): days to each entry's
review date and whether its tool is in service."""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Sequence

from prometheus_client import CollectorRegistry, Gauge


class RegisterMetrics:
    """Labels are register entry ids: the policy's own, a few dozen at most, never a caller's."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.review_days = Gauge(
            "aigw_tool_register_review_days",
            "Days until each AI tool register entry's review date (negative: lapsed), by entry id.",
            ["entry"],
            registry=registry,
            multiprocess_mode="livemin",
        )
        self.in_service = Gauge(
            "aigw_tool_register_in_service",
            "1 while a register entry's tool may be used (approved or conditional, review not lapsed), else 0.",
            ["entry"],
            registry=registry,
            multiprocess_mode="livemin",
        )
        self._shown: set[str] = set()

    def show(self, entries: Sequence[tuple[str, int | None, bool]]) -> None:
        """Each entry's (id, days to its review or None when its status takes it out of service anyway,
        in service): the policy's entries now. A suspended or retired entry has no review to renew."""
        now = {entry for entry, _, _ in entries}
        for gone in self._shown - now:  # an entry removed by a reload stops being reported
            if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # shared files keep a series: make it harmless
                self.review_days.labels(gone).set(math.inf)
                self.in_service.labels(gone).set(0)
            else:
                self._forget(gone)
        for entry, days, in_service in entries:
            if days is None:
                self._forget_days(entry)
            else:
                self.review_days.labels(entry).set(days)
            self.in_service.labels(entry).set(1 if in_service else 0)
        self._shown = now

    def _forget(self, entry: str) -> None:
        self._forget_days(entry)
        with contextlib.suppress(KeyError):
            self.in_service.remove(entry)

    def _forget_days(self, entry: str) -> None:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            self.review_days.labels(entry).set(math.inf)
            return
        with contextlib.suppress(KeyError):
            self.review_days.remove(entry)
