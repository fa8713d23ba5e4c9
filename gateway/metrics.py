"""Prometheus metrics, on the admin listener's ``/metrics``.

Each gateway app owns its registry (no module-level state: two gateways in one process,
as in the tests, keep separate counts). Labels are bounded: results and policy ids,
never users, prompts or raw model strings.
"""

from __future__ import annotations

import importlib.metadata
import os
from collections.abc import Mapping
from typing import TypeVar, cast

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.metrics import MetricWrapperBase
from prometheus_client.multiprocess import MultiProcessCollector

from gateway.assurance_metrics import AssuranceMetrics
from gateway.limit_metrics import LimitMetrics
from gateway.policy.violations import Severity, Violation
from gateway.register_metrics import RegisterMetrics

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
MAX_CACHED_CHILDREN = 10_000
M = TypeVar("M", bound=MetricWrapperBase)
RELOAD_RESULTS = ("accepted", "rejected", "unchanged", "failed")
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
FAST_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0)
LAG_BUCKETS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
WORKER_RESTART_REASONS = ("exited", "overrun", "start_failed")


def multiprocess() -> bool:
    """Workers of `aigw serve --workers N` keep their values in files in this folder (set before start)."""
    return bool(os.environ.get(MULTIPROC_ENV))


def _version() -> str:
    try:
        return importlib.metadata.version("aigw")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


class GatewayMetrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._children: dict[tuple[int, tuple[str, ...]], MetricWrapperBase] = {}
        self.register = RegisterMetrics(self.registry)  # the AI tool register's entries
        self.assurance = AssuranceMetrics(self.registry)  # control assurance (gateway.server.assurance_schedule)
        self.policy_reloads = Counter(
            "aigw_policy_reloads",
            "Policy reloads (file change or SIGHUP) by result: accepted, rejected (invalid; old policy kept), "
            "unchanged (same content), failed (not the content's fault, e.g. a detection worker exited; retried).",
            ["result"],
            registry=self.registry,
        )
        for result in RELOAD_RESULTS:  # present at 0, so alerts on increase() see the first one
            self.policy_reloads.labels(result)
        self.policy_info = Gauge(
            "aigw_policy_info",
            "The policy in force: 1 for its id and version (content hash included).",
            ["policy", "version"],
            registry=self.registry,
            multiprocess_mode="livemax",
        )
        self.policy_loaded = Gauge(
            "aigw_policy_loaded_timestamp_seconds",
            "When the policy in force was loaded (Unix time).",
            registry=self.registry,
            multiprocess_mode="livemax",
        )
        self._in_force: tuple[str, str] | None = None
        self.policy_file_current = Gauge(
            "aigw_policy_file_current",
            "1 when the policy files on disk are the policy in force; 0 after a rejected or failed reload.",
            registry=self.registry,
            multiprocess_mode="livemin",  # any worker still on an older policy shows 0
        )
        self.policy_file_current.set(1)
        self.requests_in_flight = Gauge(
            "aigw_requests_in_flight",
            "Requests the API listener has begun and not finished.",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self._prompt_log_metrics()
        self._siem_metrics()
        self._request_metrics()
        self._detection_metrics()
        self._incident_metrics()
        self._fault_metrics()
        self._connection_metrics()
        self.limits = LimitMetrics(self.registry)  # rate limits and budgets (gateway.usage.limiter)
        self.build_info = Gauge(
            "aigw_build_info",
            "The gateway's version: 1.",
            ["version"],
            registry=self.registry,
            multiprocess_mode="livemax",
        )
        self.build_info.labels(_version()).set(1)

    def _prompt_log_metrics(self) -> None:
        registry = self.registry
        self.prompt_log_queue = Gauge(
            "aigw_prompt_log_queue_depth",
            "Records waiting to be written to the prompt log.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.prompt_log_records = Counter(
            "aigw_prompt_log_records_written", "Records written to the prompt store.", registry=registry
        )
        self.prompt_log_write_seconds = Histogram(
            "aigw_prompt_log_write_duration_seconds",
            "Time to write one batch of records to the prompt store.",
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=registry,
        )
        self.prompt_log_failures = Counter(
            "aigw_prompt_log_failures",
            "Prompt-log failures by reason: store_unavailable, queue_full.",
            ["reason"],
            registry=registry,
        )
        for reason in ("store_unavailable", "queue_full"):
            self.prompt_log_failures.labels(reason)
        self.prompt_log_refused = Counter(
            "aigw_prompt_log_refused_requests",
            "Requests refused (503) because the prompt log could not record them and the policy fails closed.",
            registry=registry,
        )
        self.prompt_log_admission_wait = Histogram(
            "aigw_prompt_log_admission_wait_seconds",
            "Time a request waited at admission for the prompt log's writer to catch up (backpressure).",
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
            registry=registry,
        )
        self.prompt_log_spooled = Counter(
            "aigw_prompt_log_spooled_records", "Records written to the local spool file instead.", registry=registry
        )
        self.prompt_log_replayed = Counter(
            "aigw_prompt_log_replayed_records", "Spooled records replayed into the store.", registry=registry
        )
        self.prompt_log_purged = Counter(
            "aigw_prompt_log_purged_records", "Records deleted by retention purges.", registry=registry
        )

    def _siem_metrics(self) -> None:
        self.siem_sent = Counter(
            "aigw_siem_sent", "Incidents delivered to a SIEM sink.", ["sink"], registry=self.registry
        )
        self.siem_failures = Counter(
            "aigw_siem_failures",
            "Failed SIEM delivery attempts by sink and reason.",
            ["sink", "reason"],
            registry=self.registry,
        )
        self.siem_dead_lettered = Counter(
            "aigw_siem_dead_lettered",
            "Incidents written to a sink's dead-letter file instead, by cause.",
            ["sink", "cause"],
            registry=self.registry,
        )

    def _request_metrics(self) -> None:
        registry = self.registry
        self.requests = Counter(
            "aigw_requests",
            "Requests to the API endpoints by provider, model (catalogue name or route pattern), "
            "endpoint, policy decision, HTTP status and traffic (user; assurance: aigw assure's probes).",
            ["provider", "model", "endpoint", "decision", "status", "traffic"],
            registry=registry,
        )
        self.request_seconds = Histogram(
            "aigw_request_duration_seconds",
            "Whole requests as the caller saw them.",
            ["provider", "endpoint"],
            buckets=REQUEST_BUCKETS,
            registry=registry,
        )
        self.upstream_seconds = Histogram(
            "aigw_upstream_duration_seconds",
            "Provider calls, until the provider's answer began.",
            ["provider", "endpoint"],
            buckets=REQUEST_BUCKETS,
            registry=registry,
        )
        self.overhead_seconds = Histogram(
            "aigw_gateway_overhead_seconds",
            "Time spent in the gateway itself (before the provider call, and between its answer and the relay).",
            ["endpoint"],
            buckets=FAST_BUCKETS,
            registry=registry,
        )
        self.ttft_seconds = Histogram(
            "aigw_time_to_first_token_seconds",
            "Streams: from the request's arrival until its first byte of answer went back to the caller.",
            ["provider", "endpoint"],
            buckets=REQUEST_BUCKETS,
            registry=registry,
        )
        self.tokens = Counter(
            "aigw_tokens",
            "Tokens by provider, model and direction (prompt, completion), from the provider's usage "
            "(staff's: not control-assurance probes').",
            ["provider", "model", "direction"],
            registry=registry,
        )
        self.auth_failures = Counter(
            "aigw_auth_failures",
            "Failed authentications by target: api (gateway keys), admin_api (admin tokens).",
            ["target"],
            registry=registry,
        )
        for target in ("api", "admin_api"):
            self.auth_failures.labels(target)

    def _detection_metrics(self) -> None:
        self.detections = Counter(
            "aigw_detections",
            "Findings by detector, data class, entity type, action, mode (monitor: the action was "
            "only recorded), direction and traffic (user; assurance: aigw assure's planted values).",
            ["detector", "category", "entity_type", "action", "mode", "direction", "traffic"],
            registry=self.registry,
        )
        self.detector_seconds = Histogram(
            "aigw_detector_duration_seconds",
            "One detector's work on one scan (all its texts).",
            ["detector"],
            buckets=FAST_BUCKETS,
            registry=self.registry,
        )
        self.detection_seconds = Histogram(
            "aigw_detection_duration_seconds",
            "Screening of one request or answer (every detector, every text).",
            ["direction"],
            buckets=FAST_BUCKETS,
            registry=self.registry,
        )
        self.detection_workers = Gauge(
            "aigw_detection_workers",
            "Detection worker processes that have built their detectors and take scans "
            "(0: every scan that needs a worker fails, and /readyz says so).",
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.detection_worker_restarts = Counter(
            "aigw_detection_worker_restarts",
            "Detection workers replaced, by reason: exited (crashed or was killed), "
            "overrun (killed at the time limit), start_failed (a replacement could not start; retried with backoff).",
            ["reason"],
            registry=self.registry,
        )
        for reason in WORKER_RESTART_REASONS:
            self.detection_worker_restarts.labels(reason)
        self.event_loop_lag = Histogram(
            "aigw_event_loop_lag_seconds",
            "How late the event loop ran a timer (work that held the loop: every request on it waited that long).",
            buckets=LAG_BUCKETS,
            registry=self.registry,
        )

    def _incident_metrics(self) -> None:
        registry = self.registry
        self.violations = Counter(
            "aigw_violations",
            "Violations seen, by type and severity (before repeats fold into one incident).",
            ["type", "severity"],
            registry=registry,
        )
        self.incidents_opened = Counter(
            "aigw_incidents_opened", "Incidents opened, by type and severity.", ["type", "severity"], registry=registry
        )
        for violation in Violation:  # present at 0, so that increase() sees the first one (50 series)
            for severity in Severity:
                self.violations.labels(violation.value, severity.value)
                self.incidents_opened.labels(violation.value, severity.value)
        self.incidents_dropped = Counter(
            "aigw_incidents_dropped", "Incidents lost because the incident queue was full.", registry=registry
        )
        self.incident_queue = Gauge(
            "aigw_incident_queue_depth",
            "Incidents waiting to be stored.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.incident_chain_intact = Gauge(
            "aigw_incident_chain_intact",
            "1 when the last verification of the incidents' hash chain found nothing wrong, 0 when it found tampering.",
            registry=registry,
            multiprocess_mode="livemin",
        )
        self.incident_chain_intact.set(1)

    def _fault_metrics(self) -> None:
        registry = self.registry
        self.background_task_up = Gauge(
            "aigw_background_task_up",
            "1 while a background task (prompt-log writer, incident recorder, ...) "
            "runs; 0 while it is dead and waiting to be restarted.",
            ["task"],
            registry=registry,
            multiprocess_mode="livemin",
        )
        self.background_task_restarts = Counter(
            "aigw_background_task_restarts",
            "Background tasks restarted after they died or stalled.",
            ["task"],
            registry=registry,
        )
        self.record_errors = Counter(
            "aigw_record_errors",
            "Records (prompt log, incidents) a store could not take as they were, by log and "
            "outcome: repaired (invalid text or numbers replaced, then stored) or quarantined (kept in a file).",
            ["log", "outcome"],
            registry=registry,
        )
        for name in ("prompt_log", "incidents"):
            for outcome in ("repaired", "quarantined"):
                self.record_errors.labels(name, outcome)

    def _connection_metrics(self) -> None:
        self.connections_open = Gauge(
            "aigw_connections_open",
            "Open client connections by listener (api, admin).",
            ["listener"],
            registry=self.registry,
            multiprocess_mode="livesum",
        )
        self.connections_rejected = Counter(
            "aigw_connections_rejected",
            "Client connections closed by the gateway, by listener and reason: "
            "over_limit (limits.max_connections reached), header_timeout (headers too slow).",
            ["listener", "reason"],
            registry=self.registry,
        )
        for listener in ("api", "admin"):
            self.connections_open.labels(listener)
            for reason in ("over_limit", "header_timeout"):
                self.connections_rejected.labels(listener, reason)

    def child(self, metric: M, *labels: str) -> M:
        """``metric.labels(*labels)``, remembered: prometheus_client's lookup (argument checks, a
        lock) is most of a labelled increment's cost, and the request path makes about ten."""
        key = (id(metric), labels)
        found = self._children.get(key)
        if found is None:
            found = metric.labels(*labels)
            if len(self._children) < MAX_CACHED_CHILDREN:  # labels are bounded; this bounds the cache too
                self._children[key] = found
        return cast(M, found)

    def observe_detectors(self, seconds: Mapping[str, float]) -> None:
        for detector, spent in seconds.items():
            self.child(self.detector_seconds, detector).observe(spent)

    def detection_workers_changed(self, delta: int) -> None:
        # inc/dec, not set: a pool being retired and its replacement overlap during a reload
        self.detection_workers.inc(delta)

    def detection_worker_restarted(self, reason: str) -> None:
        self.child(self.detection_worker_restarts, reason).inc()

    def policy_in_force(self, policy_id: str, version: str) -> None:
        if self._in_force is not None:
            if multiprocess():  # a series cannot be removed from the shared files: it shows 0
                self.policy_info.labels(*self._in_force).set(0)
            else:
                self.policy_info.remove(*self._in_force)
        self._in_force = (policy_id, version)
        self.policy_info.labels(policy_id, version).set(1)
        self.policy_loaded.set_to_current_time()

    def exposition(self) -> bytes:
        if multiprocess():  # `aigw serve --workers N`: every worker's values, from the shared folder
            merged = CollectorRegistry()
            MultiProcessCollector(merged)  # type: ignore[no-untyped-call]
            return generate_latest(merged)
        return generate_latest(self.registry)
