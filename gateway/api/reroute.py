"""Routing by data sensitivity ("hosted versus cloud"): a prompt carrying data of a class its approved
tool may not receive goes to the self-hosted tool the policy names (``approved_tools[].reroute_to``)
instead of being refused. The caller gets a normal answer in the same API shape, from the model that
actually answered (its name is in the answer), and is told in ``x-aigw-rerouted-to`` and
``x-aigw-rerouted-for``; the prompt log records the target and the rule, and an audit incident
(``SENSITIVE_DATA_REROUTED``) records the reroute.

Anything that would make the reroute unsafe leaves the refusal in place (fail closed): the target
provider missing, without its credential or speaking another API, not approved for the caller, its
register entry out of service or not on record as self-hosted, or itself not allowed the data's
classes. Monitor mode never reroutes (it records what enforcement would do, and serves the tool
asked for).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from gateway.api.register_gate import with_entry_classes
from gateway.auth.identity import Identity
from gateway.exchange import MAX_LOGGED_MODEL_LENGTH, AccessDecision, Exchange, Rerouted
from gateway.lifecycle.state import GatewayState
from gateway.policy.policy import Policy, ToolDecision
from gateway.policy.register import Verdict
from gateway.providers import Provider
from gateway.providers.routing import Route
from gateway.screening.screen import Screening, refused_classes
from gateway.wire.endpoints import Endpoint

log = structlog.get_logger("aigw")


@dataclass(frozen=True)
class Target:
    route: Route
    provider: Provider
    tool: ToolDecision


def reroute(
    state: GatewayState,
    policy: Policy,
    exchange: Exchange,
    identity: Identity,
    endpoint: Endpoint,
    tool: ToolDecision,
    screening: Screening,
) -> Target | None:
    """The tool to send this request to instead, or None (the data-class check then refuses it)."""
    classes = refused_classes(tool, screening)
    if tool.reroute is None or not classes or policy.monitor:
        return None
    name, model = tool.reroute
    provider = state.providers.get(name)
    verdict = policy.register.verdict(name, model, datetime.now(UTC).date())
    target = with_entry_classes(policy.check_tool(identity.groups, name, model, identity.group_source), verdict)
    problem = _unsafe(policy, endpoint, provider, (name, model), target, verdict, screening)
    if problem is not None or provider is None:
        log.warning("reroute_refused", request_id=exchange.request_id, to=f"{name}/{model}", reason=problem)
        return None
    asked = f"{exchange.provider}/{(exchange.model or '')[:MAX_LOGGED_MODEL_LENGTH]}"  # caller-supplied: clipped
    exchange.rerouted = Rerouted(asked, f"{name}/{model}", tuple(classes))
    exchange.provider, exchange.model, exchange.register = name, model, verdict
    # The tool asked for was not used: a register refusal recorded for it in monitor mode does not apply.
    exchange.decision = AccessDecision.ALLOW
    exchange.rule = f"{tool.rule}.reroute_to"
    log.info(
        "rerouted",
        request_id=exchange.request_id,
        to=exchange.rerouted.target,
        classes=list(classes),
        rule=exchange.rule,
        policy_version=policy.version,
    )
    return Target(Route(name, model, explicit=True), provider, target)


def _unsafe(
    policy: Policy,
    endpoint: Endpoint,
    provider: Provider | None,
    tool: tuple[str, str],
    target: ToolDecision,
    verdict: Verdict | None,
    screening: Screening,
) -> str | None:
    """Why the reroute may not be made, or None. Every register entry covering the target must say it
    is self-hosted (the verdict's entry is only the one that stands worst)."""
    if provider is None or not provider.available:
        return "provider not configured or without its credential"
    if endpoint.api not in provider.formats:
        return "provider does not speak this API"
    if not target.allowed:
        return "target not approved for the caller"
    if verdict is None or verdict.standing.refused:
        return "target's register entry missing or out of service"
    if any(e.hosting.type != "self_hosted" for e in policy.register.entries_for(*tool)):
        return "target not on record as self-hosted"
    if refused_classes(target, screening):
        return "target may not receive the data either"
    return None
