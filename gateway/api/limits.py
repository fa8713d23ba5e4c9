"""The request path's part in the policy's limits (``gateway.usage``): admission before any scan,
asking for a stream's usage, and the estimate replaced by the provider's usage however the request ended."""

from __future__ import annotations

from typing import Any

from gateway.auth.identity import Identity
from gateway.errors import ApiFormat, ServiceUnavailable, UpstreamConnectTimeout, UpstreamUnreachable
from gateway.exchange import Exchange
from gateway.lifecycle.state import GatewayState
from gateway.policy.policy import Policy, ToolDecision
from gateway.providers.routing import Route
from gateway.usage.headers import UNBILLED, estimate_tokens
from gateway.usage.limiter import LimitRefused, Used
from gateway.wire.endpoints import Endpoint
from gateway.wire.stream_usage import USAGE_ON_REQUEST, include_usage

# The provider call failed before anything was sent: no connection, or (503) no key for the provider.
UNSENT = (UpstreamUnreachable, UpstreamConnectTimeout, ServiceUnavailable)


async def admit(
    state: GatewayState,
    policy: Policy,
    exchange: Exchange,
    endpoint: Endpoint,
    identity: Identity,
    tool: ToolDecision,
    route: Route,
    body: dict[str, Any],
) -> None:
    """Charge the policy's limits an estimate of this request, or refuse it (429; monitor mode: recorded only).
    Control-assurance traffic (``Identity.assurance``) is neither admitted nor charged, as a request without
    limits: a probe must not eat a budget staff share, nor be refused by one and read as a failed control."""
    if identity.assurance:
        return
    limits = policy.limits.applicable(identity.key_id, identity.user, tool.groups, route.provider, route.model)
    if not limits:
        return
    estimate = estimate_tokens(endpoint, body, state.settings.limits.default_completion_tokens)
    try:
        admission = await state.limiter.admit(
            policy.document.limits,
            limits,
            tool.groups[0] if tool.groups else "-",
            route.provider,
            route.model,
            estimate.prompt,
            estimate.completion,
            exchange.api is ApiFormat.ANTHROPIC,
            estimate.assumed,
        )
    except LimitRefused as refused:
        exchange.limit_hit = refused.hit
        if not policy.monitor:
            raise
        return
    if admission is not None:
        exchange.admission, exchange.limit_headers = admission, admission.headers


def ask_usage(state: GatewayState, exchange: Exchange, endpoint: Endpoint, route: Route, body: dict[str, Any]) -> bool:
    """A stream's usage is asked for when it counts: against a limit, or to price a priced model."""
    if endpoint.name not in USAGE_ON_REQUEST or body.get("stream") is not True or include_usage(body):
        return False
    return exchange.admission is not None or state.limiter.prices.price(route.provider, route.model) is not None


def settle(state: GatewayState, exchange: Exchange) -> None:
    """The provider's usage replaces the admitted estimate (nothing, if the provider did no work);
    what the usage cost goes on the exchange (the prompt log's cost column) and into aigw_spend_total.
    An answer cut before the provider's final usage is priced on what the gateway saw of it."""
    capture, admission = exchange.capture, exchange.admission
    prompt = capture.prompt_tokens if capture is not None else None
    completion = capture.completion_tokens if capture is not None else None
    cached = capture.cached_tokens if capture is not None else 0
    written = capture.cache_write_tokens if capture is not None else 0
    spent = used(exchange)
    if admission is not None:
        currency = exchange.policy.document.limits.currency if exchange.policy else "USD"
        state.limiter.settle(admission, currency, spent)
    if spent is not None and not spent.final:  # cut short: priced on the prompt sent and the answer relayed
        prompt = max(prompt or 0, spent.prompt, admission.estimated_tokens[0] if admission is not None else 0)
        completion = max(completion or 0, spent.completion)
    if exchange.provider is None or exchange.model is None or not (prompt or completion):
        return
    provider, model = exchange.provider, exchange.model.removeprefix(f"{exchange.provider}/")
    price = state.limiter.prices.price(provider, model)
    cost = state.limiter.prices.cost(provider, model, prompt or 0, completion or 0, cached, written)
    if price is None or cost is None:
        return
    exchange.cost, exchange.cost_currency = float(cost), price.currency  # kept on the record, probes' too
    if exchange.identity is not None and exchange.identity.assurance:
        return  # not spend: aigw_spend_total counts staff's use only
    if admission is not None:
        group = admission.group
    else:
        identity, policy = exchange.identity, exchange.policy
        groups = policy.effective_groups(identity.groups, identity.group_source) if identity and policy else ()
        group = groups[0] if groups else "-"
    state.limiter.record_spend(group, model, cost, price.currency)


def used(exchange: Exchange) -> Used | None:
    """None only when the provider certainly did no work: the call never left, no connection was made,
    or it answered with an error status. A call cancelled (the caller hung up) or timed out after it
    left, or a stream cut before its final usage, may have been billed in full: at least the estimate."""
    status = exchange.upstream_status
    if exchange.endpoint in UNBILLED:  # the request counts; its tokens cost nothing
        return Used(0, 0)
    if exchange.sent_at is None or status == 0 or (status is not None and status >= 400):
        return None
    capture = exchange.capture
    if capture is not None and capture.usage_final:
        prompt, completion = capture.prompt_tokens or 0, capture.completion_tokens or 0
        return Used(prompt, completion, capture.cached_tokens, capture.cache_write_tokens)
    if capture is None:  # cancelled before the answer was read
        return Used(0, 0, final=False)
    relayed = (capture.answer_chars + 3) // 4  # about four characters a token, as the estimate
    return Used(capture.prompt_tokens or 0, max(capture.completion_tokens or 0, relayed), final=False)
