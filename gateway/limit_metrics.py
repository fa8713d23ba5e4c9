"""The metrics of rate limits and budgets (``gateway.usage.limiter`` reports to them): limits hit,
spend, the share of each group's limits used, and the shared counter store failing. Labels are the
policy group whose rule it was ("-" for a user's or key's own rule), the model label and the limit:
never a user."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

LIMIT_NAMES = ("requests_per_minute", "tokens_per_minute", "tokens_per_day", "spend_per_day", "spend_per_month")


class LimitMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.hits = Counter(
            "aigw_limit_hits",
            "Requests refused (429) by a rate limit or budget of the policy, by group, model and limit.",
            ["group", "model", "limit"],
            registry=registry,
        )
        self.spend = Counter(
            "aigw_spend",
            "What answered requests cost (the settings' price table), by the caller's first policy group, "
            "model and currency.",
            ["group", "model", "currency"],
            registry=registry,
        )
        self.used_ratio = Gauge(
            "aigw_limit_used_ratio",
            "The highest share of a group's limit used in its current window (1: reached), by group and "
            "limit: a shared budget's own, or the fullest member's.",
            ["group", "limit"],
            registry=registry,
            multiprocess_mode="livemax",
        )
        self.store_failures = Counter(
            "aigw_limit_store_failures",
            "Requests whose limits could not be checked in the shared store (Redis), by the policy's mode: "
            "fail_open (counted in this process instead) or fail_closed (refused, 503).",
            ["mode"],
            registry=registry,
        )
        for mode in ("fail_open", "fail_closed"):
            self.store_failures.labels(mode)

    def limit_hit(self, group: str, model: str, limit: str) -> None:
        self.hits.labels(group, model, limit).inc()

    def spent(self, group: str, model: str, currency: str, amount: float) -> None:
        self.spend.labels(group, model, currency).inc(amount)

    def limit_used(self, group: str, limit: str, ratio: float) -> None:
        self.used_ratio.labels(group, limit).set(ratio)

    def limit_store_failed(self, mode: str) -> None:
        self.store_failures.labels(mode).inc()
