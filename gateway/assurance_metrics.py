"""Control assurance on ``/metrics`` (``gateway.server.assurance_schedule`` reports to it): when each
control last passed, whether it passes now, how runs went, and how often they should come.

Labels are control names: the probes' fixed set (``gateway.assurance``), never a caller's or a
rule's. One worker of a machine runs the schedule; modes are chosen so that a restarted
worker's files (prometheus_client's multiprocess mode) cannot mask what the live one says.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge

RESULTS = ("pass", "fail", "skip")


class AssuranceMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.last_success = Gauge(
            "aigw_control_assurance_last_success_timestamp_seconds",
            "When each control last passed its assurance probe (Unix time), by control.",
            ["control"],
            registry=registry,
            multiprocess_mode="max",  # time only moves forward: the latest pass, whichever process saw it
        )
        self.passing = Gauge(
            "aigw_control_assurance_passing",
            "1 if the control passed its last assurance probe, 0 if it failed, NaN if it was skipped.",
            ["control"],
            registry=registry,
            multiprocess_mode="livemostrecent",
        )
        self.results = Counter(
            "aigw_control_assurance_results",
            "Assurance probe results by control and result (pass, fail, skip).",
            ["control", "result"],
            registry=registry,
        )
        self.last_run = Gauge(
            "aigw_control_assurance_last_run_timestamp_seconds",
            "When the last scheduled assurance run finished (Unix time).",
            registry=registry,
            multiprocess_mode="max",
        )
        self.schedule_started = Gauge(
            "aigw_control_assurance_schedule_start_timestamp_seconds",
            "When the assurance schedule started (Unix time): the staleness alert's reference before a first run.",
            registry=registry,
            multiprocess_mode="max",
        )
        self.interval = Gauge(
            "aigw_control_assurance_interval_seconds",
            "The assurance schedule's interval (settings assurance.interval_s); 0 while it is off.",
            registry=registry,
            multiprocess_mode="livemax",
        )

    def started(self, interval_s: float, at_s: float) -> None:
        self.interval.set(interval_s)
        self.schedule_started.set(at_s)

    def observe(self, outcomes: Iterable[tuple[str, str]], finished_s: float) -> None:
        """One run's (control, result) pairs."""
        for control, result in outcomes:
            self.results.labels(control, result).inc()
            if result == "pass":
                self.last_success.labels(control).set(finished_s)
                self.passing.labels(control).set(1)
            elif result == "fail":
                self.passing.labels(control).set(0)
            else:  # skipped (no rule for it now, or the run was not judged): neither passing nor failing
                self.passing.labels(control).set(math.nan)
        self.last_run.set(finished_s)
