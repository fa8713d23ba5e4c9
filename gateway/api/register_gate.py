"""The AI tool register at the request path: an approved tool the register takes out of service
(review lapsed, suspended, retired) is refused like an unapproved one (gateway.policy.register)."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

from gateway.errors import PolicyDenied
from gateway.exchange import AccessDecision, Exchange
from gateway.policy.policy import Policy

log = structlog.get_logger("aigw")


def check_register(policy: Policy, exchange: Exchange, provider: str, model: str) -> None:
    """Refuse an approved tool the register takes out of service; in monitor mode (the policy's or the
    register's own) serve it, recorded as denied. The verdict is kept on the exchange for its incident."""
    verdict = policy.register.verdict(provider, model, datetime.now(UTC).date())
    exchange.register = verdict
    if verdict is None or not verdict.standing.refused:
        return
    monitored = policy.monitor or policy.document.tool_register.enforcement == "monitor"
    exchange.decision = AccessDecision.MONITOR_DENY if monitored else AccessDecision.DENY
    exchange.rule = f"register.{verdict.entry.id}"
    log.warning(
        "policy_decision",
        request_id=exchange.request_id,
        decision="deny",
        mode="monitor" if monitored else "enforce",
        violation=verdict.standing.value,
        rule=exchange.rule,
        policy=policy.id,
        policy_version=policy.version,
        provider=provider,
        model=model[:100],
    )
    if not monitored:
        raise PolicyDenied(verdict.message(), param="model", code="tool_out_of_service")
