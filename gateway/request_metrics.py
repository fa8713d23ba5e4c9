"""What one finished exchange adds to the metrics: counts, timings, findings, tokens.

Labels stay bounded whatever callers send: ``model`` is a name from a provider's
configured catalogue (``providers.*.models``) or else the route pattern that matched
(``gpt-*``), never the raw string; entity types and detectors come from the policy. ``traffic`` is
``assurance`` for control-assurance probes (``Identity.assurance``: a key of the assurance user), else
``user``: alerts and panels on staff's traffic leave the probes out, which are refused and blocked on purpose.
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter

from gateway.config.settings import Settings
from gateway.exchange import Exchange, ExchangeFinished
from gateway.metrics import GatewayMetrics
from gateway.policy.data_rules import Direction
from gateway.screening.screen import Screening

UNROUTED = "unrouted"


class ModelLabels:
    """The ``model`` label for a caller-supplied model name."""

    def __init__(self, settings: Settings) -> None:
        self._catalogue = frozenset(m for p in settings.providers.values() for m in p.models)
        self._providers = frozenset(settings.providers)
        self._routes = [(re.compile(fnmatch.translate(r.match)), r.match) for r in settings.routes]

    def __call__(self, model: str | None) -> str:
        if not model:
            return UNROUTED
        if model in self._catalogue:
            return model
        prefix, sep, rest = model.partition("/")
        if sep and prefix in self._providers:
            return rest if rest in self._catalogue else f"{prefix}/*"
        return next((match for pattern, match in self._routes if pattern.match(model)), UNROUTED)


class RequestMetrics:
    """A subscriber of finished exchanges: what each call to an API endpoint adds to the metrics."""

    def __init__(self, metrics: GatewayMetrics, model_labels: ModelLabels) -> None:
        self._metrics, self._model_labels = metrics, model_labels

    def exchange_finished(self, finished: ExchangeFinished) -> None:
        if finished.reached_endpoint:
            observe_exchange(self._metrics, finished.exchange, self._model_labels)


def observe_exchange(metrics: GatewayMetrics, exchange: Exchange, model_label: ModelLabels) -> None:
    provider, endpoint = exchange.provider or "", exchange.endpoint or ""
    model = model_label(exchange.model)
    decision = exchange.decision.value if exchange.decision is not None else "none"
    traffic = exchange.identity.traffic if exchange.identity is not None else "user"
    child = metrics.child
    child(metrics.requests, provider, model, endpoint, decision, str(exchange.status), traffic).inc()
    child(metrics.request_seconds, provider, endpoint).observe(exchange.duration_ms() / 1000)
    if exchange.upstream_ms is not None:
        child(metrics.upstream_seconds, provider, endpoint).observe(exchange.upstream_ms / 1000)
    overhead = exchange.overhead_ms()
    if overhead is not None:
        child(metrics.overhead_seconds, endpoint).observe(overhead / 1000)
    if exchange.stream and exchange.relayed_at is not None:
        child(metrics.ttft_seconds, provider, endpoint).observe(exchange.relayed_at - exchange.started)
    _observe_screening(metrics, exchange.screening, Direction.PROMPT, traffic)
    _observe_screening(metrics, exchange.response_screening, Direction.RESPONSE, traffic)
    capture = exchange.capture
    if capture is not None and traffic == "user":  # usage: a probe's tokens are not staff's use
        for direction, tokens in (("prompt", capture.prompt_tokens), ("completion", capture.completion_tokens)):
            if tokens:
                child(metrics.tokens, provider, model, direction).inc(tokens)


def _observe_screening(
    metrics: GatewayMetrics, screening: Screening | None, direction: Direction, traffic: str
) -> None:
    if screening is None or screening.scanned_s is None:
        return
    metrics.child(metrics.detection_seconds, direction.value).observe(screening.scanned_s)
    found = Counter(
        (
            d.finding.detector,
            d.finding.category.value,
            d.finding.entity_type,
            (d.monitored or d.action).value,
            "monitor" if d.monitored is not None else "enforce",
        )
        for d in screening.decisions
    )
    for (detector, category, entity_type, action, mode), n in found.items():
        labels = (detector, category, entity_type, action, mode, direction.value, traffic)
        metrics.child(metrics.detections, *labels).inc(n)


__all__ = ["ModelLabels", "RequestMetrics", "observe_exchange"]
