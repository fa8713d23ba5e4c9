"""Admission of a request against the policy's limits, and its correction after the answer.

Before the call: the limits that apply (``gateway.policy.limits``) are charged an estimate -- one
request, the prompt's tokens (about four characters a token) plus ``max_tokens`` when the caller
set it, and what that would cost -- in one atomic step (``gateway.usage.counters``). Over any
limit: a 429 with ``retry-after``. After the answer: the estimate is replaced by the provider's
usage (the same usage ``aigw_tokens`` counts; a stream's included), so a streamed answer that
goes past a token budget finishes, and the next request is refused.

With ``store.redis_url`` the counters are shared by every replica. Redis down: the policy's
``limits.on_store_failure`` decides: ``fail_closed`` refuses requests that have limits (503);
``fail_open`` counts in this process alone until Redis is back (logged, a metric, an incident).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import structlog

from gateway.config.settings import Settings
from gateway.errors import LimitStoreUnavailable, RateLimited
from gateway.policy.limits import SPEND_UNITS, AppliedLimit, LimitsPolicy, Metric
from gateway.usage.counters import Charge, CounterStore, LocalCounters, Slot, Verdict, slot_for
from gateway.usage.headers import limit_headers, refusal_message, retry_after_s
from gateway.usage.prices import PriceTable
from gateway.usage.redis_counters import CounterStoreDown, RedisCounters

log = structlog.get_logger("aigw")
RETRY_STORE_S = 1.0  # after a failure, Redis is tried again at most this often (requests meanwhile: the policy's mode)
MAX_SETTLING = 10_000  # corrections in flight to Redis; past this they are applied in process only


class LimitObserver(Protocol):
    """What the limiter reports (``gateway.metrics.GatewayMetrics``); labels: group and model, never a user."""

    def limit_hit(self, group: str, model: str, limit: str) -> None: ...
    def spent(self, group: str, model: str, currency: str, amount: float) -> None: ...
    def limit_used(self, group: str, limit: str, ratio: float) -> None: ...
    def limit_store_failed(self, mode: str) -> None: ...


@dataclass(frozen=True, slots=True)
class LimitHit:
    """The limit a refused request reached: for the incident and the log line."""

    metric: Metric
    rule: str
    group: str | None
    limit: str
    scope: str


class LimitRefused(RateLimited):
    """The 429, with the limit it hit (the exchange keeps it for the incident and the log line)."""

    def __init__(self, message: str, hit: LimitHit, *, headers: Mapping[str, str]) -> None:
        super().__init__(message, kind=hit.metric.kind, headers=headers)
        self.hit = hit


@dataclass
class Admission:
    """What one admitted request was charged, so the answer's actual usage can replace the estimate."""

    limits: tuple[AppliedLimit, ...]
    slots: tuple[Slot, ...]
    store: CounterStore
    provider: str
    model: str
    group: str  # the spend metric's group label: the caller's first policy group
    model_label: str
    estimated_tokens: tuple[int, int]  # prompt, completion
    estimated_spend: int  # millionths of the currency; 0 when unpriced
    headers: dict[str, str]
    charged: list[int]  # what each limit's counter was charged beyond the request itself (the estimate)


@dataclass(frozen=True, slots=True)
class Used:
    """What a request used, as far as the gateway knows: the provider's final usage, or (``final``
    False) what it saw of an answer that ended early -- then the estimate is charged if larger."""

    prompt: int
    completion: int
    cached: int = 0  # of the prompt, read from the provider's prompt cache
    cache_write: int = 0  # of the prompt, written to it
    final: bool = True


class Limiter:
    def __init__(
        self,
        settings: Settings,
        observer: LimitObserver,
        model_label: Callable[[str | None], str],
        on_store_failure: Callable[[str], None],
        prices: PriceTable | None = None,
        clock: Callable[[], float] = time.time,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.prices = prices or PriceTable(settings.prices)
        self.clock = clock  # Unix time: which minute, day and month a request is counted in
        self._observer, self._model_label, self._on_store_failure = observer, model_label, on_store_failure
        self._local = LocalCounters()
        url = settings.store.redis(os.environ if environ is None else environ)
        self._shared: RedisCounters | None = RedisCounters(url) if url else None
        self._down_since: float | None = None  # Redis failed; tried again after RETRY_STORE_S
        self._last_try = 0.0
        self._settling: set[asyncio.Task[None]] = set()
        self._peaks: dict[tuple[str, str], tuple[str, float]] = {}  # (group, limit) -> (window key, highest ratio)

    @property
    def shared(self) -> bool:
        """The counters are in Redis, shared by every replica."""
        return self._shared is not None

    def record_spend(self, group: str, model: str, cost: Decimal, currency: str) -> None:
        """What an answered request cost, in aigw_spend_total (limited or not)."""
        if cost:
            self._observer.spent(group, self._model_label(model), currency, float(cost))

    async def close(self) -> None:
        if self._settling:
            await asyncio.wait(self._settling, timeout=5)
        if self._shared is not None:
            await self._shared.close()

    async def admit(
        self,
        policy: LimitsPolicy,
        limits: tuple[AppliedLimit, ...],
        group: str,
        provider: str,
        model: str,
        prompt_tokens: int,
        max_tokens: int,
        anthropic: bool = False,
        assumed: bool = False,
    ) -> Admission | None:
        """Charge the estimate, or raise ``RateLimited`` (429) / ``LimitStoreUnavailable`` (503).
        ``group``: the caller's first policy group, the spend metric's label. ``assumed``: the caller
        set no maximum and ``max_tokens`` is the gateway's assumption (``limits.default_completion_tokens``)."""
        if not limits:
            return None
        tokens = (prompt_tokens, max_tokens)
        spend = self._spend_units(policy, provider, model, prompt_tokens, max_tokens)
        # Without a maximum from the caller the answer's length is assumed: charged as far as each limit
        # allows, so concurrent requests cannot all be admitted on their prompts, nor a small budget none.
        firm = (prompt_tokens, 0) if assumed else tokens
        firm_spend = self._spend_units(policy, provider, model, *firm) if assumed else spend
        charges = []
        for lim in limits:
            amount = _amount(lim, 1, firm, firm_spend)
            extra = _amount(lim, 1, tokens, spend) - amount
            charges.append(Charge(lim.counter, lim.limit, amount, lim.metric.window, extra))
        now = self.clock()
        slots = tuple(slot_for(charge, now) for charge in charges)
        store, verdict = await self._check(policy, charges, slots)
        model_label = self._model_label(model)
        headers = limit_headers(limits, slots, verdict, anthropic)
        self._observe_use(limits, slots, verdict)
        if not verdict.admitted and verdict.refused is not None:
            hit = limits[verdict.refused]
            self._observer.limit_hit(hit.group or "-", model_label, hit.metric.value)
            wait = retry_after_s(charges[verdict.refused], slots[verdict.refused], verdict, verdict.refused)
            raise LimitRefused(
                refusal_message(hit, verdict.used[verdict.refused], wait, policy.currency),
                LimitHit(hit.metric, hit.rule, hit.group, hit.shown_limit, hit.scope),
                headers={**headers, "retry-after": str(wait)},
            )
        charged = [0 if lim.metric.kind == "requests" else n for lim, n in zip(limits, verdict.charged, strict=True)]
        return Admission(limits, slots, store, provider, model, group, model_label, tokens, spend, headers, charged)

    def settle(self, admission: Admission, currency: str, used: Used | None) -> Decimal | None:
        """Replace the estimate with what was used: nothing when the provider did no work (``used``
        None), the provider's final usage when it reported one, else at least the estimate (a cut
        stream, a cancelled call: the provider may have billed all of it). Returns the cost."""
        if used is None:
            tokens, cost = (0, 0), Decimal(0)
        else:
            cached, written = used.cached, used.cache_write
            tokens = (used.prompt, used.completion)
            if not used.final:  # the most the provider may have billed, at the plain input price
                estimate = admission.estimated_tokens
                tokens, cached, written = (max(estimate[0], used.prompt), max(estimate[1], used.completion)), 0, 0
            priced = self.prices.price(admission.provider, admission.model)
            found = self.prices.cost(admission.provider, admission.model, *tokens, cached, written)
            cost = found if found is not None and priced is not None and priced.currency == currency else Decimal(0)
            if not used.final:
                cost = max(cost, Decimal(admission.estimated_spend) / SPEND_UNITS)
        spend = int(cost * SPEND_UNITS)
        amounts = [
            _amount(limit, 0, tokens, spend) - charged
            for limit, charged in zip(admission.limits, admission.charged, strict=True)
        ]
        if any(amounts):
            self._apply(admission, amounts)
        return cost if spend else None

    def _apply(self, admission: Admission, amounts: list[int]) -> None:
        store = admission.store
        if store is self._local or len(self._settling) >= MAX_SETTLING:
            loop_add = self._local.add(admission.slots, amounts)
        else:
            loop_add = self._add_shared(store, admission.slots, amounts)
        task = asyncio.get_running_loop().create_task(loop_add)
        self._settling.add(task)
        task.add_done_callback(self._settling.discard)

    async def _add_shared(self, store: CounterStore, slots: tuple[Slot, ...], amounts: list[int]) -> None:
        try:
            await store.add(slots, amounts)
        except CounterStoreDown:  # the correction is lost to the fleet; this replica still counts it
            await self._local.add(slots, amounts)

    async def _check(
        self, policy: LimitsPolicy, charges: list[Charge], slots: tuple[Slot, ...]
    ) -> tuple[CounterStore, Verdict]:
        shared = self._shared
        if shared is None:
            return self._local, await self._local.admit(charges, slots)
        now = time.monotonic()
        if self._down_since is None or now - self._last_try >= RETRY_STORE_S:
            self._last_try = now
            try:
                verdict = await shared.admit(charges, slots)
            except CounterStoreDown as exc:
                self._store_down(policy, str(exc))
            else:
                if self._down_since is not None:
                    log.warning("limit_store_recovered", down_s=round(now - self._down_since, 3))
                    self._down_since = None
                return shared, verdict
        self._observer.limit_store_failed(policy.on_store_failure)
        if policy.on_store_failure == "fail_closed":
            raise LimitStoreUnavailable()
        return self._local, await self._local.admit(charges, slots)

    def _store_down(self, policy: LimitsPolicy, reason: str) -> None:
        if self._down_since is None:  # once per outage: the log line and the incident
            self._down_since = time.monotonic()
            log.error("limit_store_unavailable", error_type=reason, mode=policy.on_store_failure)
            self._on_store_failure(policy.on_store_failure)

    def _spend_units(self, policy: LimitsPolicy, provider: str, model: str, prompt: int, completion: int) -> int:
        price = self.prices.price(provider, model)
        if price is None or price.currency != policy.currency:
            return 0
        cost = self.prices.cost(provider, model, prompt, completion) or Decimal(0)
        return int(cost * SPEND_UNITS)

    def _observe_use(self, limits: tuple[AppliedLimit, ...], slots: tuple[Slot, ...], verdict: Verdict) -> None:
        """The highest share of a group's limit used by anyone in it, in the current window (the
        budget alerts' gauge): for a shared budget, the group's own; for members' own, the fullest."""
        for limit, slot, used in zip(limits, slots, verdict.used, strict=True):
            if limit.group is None:
                continue
            ratio = min(used / limit.limit, 10.0)
            window = slot.key.rsplit(":", 1)[1]
            key = (limit.group, limit.metric.value)
            held = self._peaks.get(key)
            if held is None or held[0] != window or ratio > held[1]:
                self._peaks[key] = (window, ratio)
                self._observer.limit_used(limit.group, limit.metric.value, ratio)


def _amount(limit: AppliedLimit, requests: int, tokens: tuple[int, int], spend: int) -> int:
    """What one request adds to ``limit``'s counter: a request, its tokens (those the rule counts), its spend."""
    kind = limit.metric.kind
    if kind == "requests":
        return requests
    if kind == "spend":
        return spend
    prompt, completion = tokens
    return prompt if limit.tokens == "prompt" else completion if limit.tokens == "completion" else prompt + completion
