"""The AI tool register at the request path: an approved tool the register takes out of service
(review lapsed, suspended, retired) is refused like an unapproved one (gateway.policy.register)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import structlog

from gateway.errors import PolicyDenied
from gateway.exchange import AccessDecision, Exchange
from gateway.policy.policy import Policy, ToolDecision
from gateway.policy.register import Verdict

log = structlog.get_logger("aigw")


def check_register(policy: Policy, exchange: Exchange, provider: str, model: str, tool: ToolDecision) -> ToolDecision:
    """Refuse an approved tool the register takes out of service; in monitor mode (the policy's or the
    register's own) serve it, recorded as denied. The verdict is kept on the exchange for its incident.
    The tool may receive only the data classes both its grant and its register entry approve."""
    verdict = policy.register.verdict(provider, model, datetime.now(UTC).date())
    exchange.register = verdict
    register = policy.document.tool_register
    unregistered = verdict is None and register.require_entry
    if not unregistered and (verdict is None or not verdict.standing.refused):
        return with_entry_classes(tool, verdict)
    monitored = policy.monitor or register.enforcement == "monitor"
    exchange.decision = AccessDecision.MONITOR_DENY if monitored else AccessDecision.DENY
    exchange.rule = "tool_register.require_entry" if verdict is None else f"register.{verdict.entry.id}"
    log.warning(
        "policy_decision",
        request_id=exchange.request_id,
        decision="deny",
        mode="monitor" if monitored else "enforce",
        violation="unregistered_tool" if verdict is None else verdict.standing.value,
        rule=exchange.rule,
        policy=policy.id,
        policy_version=policy.version,
        provider=provider,
        model=model[:100],
    )
    if not monitored and verdict is None:
        raise PolicyDenied(
            f"Model '{model[:100]}' on provider '{provider}' has no entry in the AI tool register, which AI "
            f"policy '{policy.id}' requires before a tool is used (rule: {exchange.rule}). Ask the security "
            "team to review it.",
            param="model",
            code="tool_not_registered",
        )
    if not monitored and verdict is not None:
        raise PolicyDenied(verdict.message(), param="model", code="tool_out_of_service")
    return with_entry_classes(tool, verdict)


def with_entry_classes(tool: ToolDecision, verdict: Verdict | None) -> ToolDecision:
    """A register entry that states the data classes its supplier agreement covers narrows the grant's."""
    approved = None if verdict is None else verdict.entry.data_classes
    if approved is None:
        return tool
    classes = frozenset(approved) if tool.data_classes is None else tool.data_classes & frozenset(approved)
    return dataclasses.replace(tool, data_classes=classes)
