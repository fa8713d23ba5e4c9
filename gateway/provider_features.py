"""Provider-side features with side effects, as the policy allows them per group.

Some requests ask the provider to act, not only to answer: connect to a remote MCP server
(with credentials the caller hands over), search or fetch the web, run code, or switch on
beta behaviour through a header. Each is a decision of the security team's: a group's
``provider_features`` allows or denies it (default: remote MCP servers denied, the rest
allowed, so existing clients keep working). A caller in several groups may use what any of
them allows, as with approved tools. What is found is named by type, never by value.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import structlog

from gateway.auth.identity import Identity
from gateway.errors import PolicyDenied
from gateway.exchange import AccessDecision, Exchange
from gateway.policy.policy import Policy
from gateway.policy.schema import ProviderFeatures

log = structlog.get_logger("aigw")


class Feature(enum.StrEnum):
    REMOTE_MCP = "remote_mcp"
    WEB_SEARCH = "web_search"
    WEB_FETCH = "web_fetch"
    CODE_EXECUTION = "code_execution"
    BETA_HEADERS = "beta_headers"


# Tool types that ask the provider to act (prefixes: versions are dated, e.g. web_search_20250305).
_TOOL_TYPES: tuple[tuple[str, Feature], ...] = (
    ("mcp", Feature.REMOTE_MCP),  # OpenAI Responses remote MCP
    ("web_search", Feature.WEB_SEARCH),  # OpenAI web_search(_preview), Anthropic web_search_2025...
    ("web_fetch", Feature.WEB_FETCH),
    ("code_execution", Feature.CODE_EXECUTION),  # Anthropic
    ("code_interpreter", Feature.CODE_EXECUTION),  # OpenAI
)
BETA_HEADERS = ("anthropic-beta", "openai-beta")


@dataclass(frozen=True)
class FeatureDecision:
    feature: Feature
    rule: str  # e.g. "groups.engineering.provider_features.remote_mcp", or the default's name


def features_used(body: Mapping[str, Any], headers: Mapping[str, str]) -> dict[Feature, frozenset[str]]:
    """Each feature the request asks for, with the beta values it names (empty for the others)."""
    found: dict[Feature, frozenset[str]] = {}
    if body.get("mcp_servers"):  # Anthropic's remote MCP connector
        found[Feature.REMOTE_MCP] = frozenset()
    if "web_search_options" in body:  # OpenAI chat search models
        found[Feature.WEB_SEARCH] = frozenset()
    tools = body.get("tools")
    for tool in tools if isinstance(tools, list) else ():
        kind = tool.get("type") if isinstance(tool, dict) else None
        if isinstance(kind, str):
            for prefix, feature in _TOOL_TYPES:
                if kind == prefix or kind.startswith(prefix + "_"):
                    found[feature] = frozenset()
    betas = {v.strip() for name in BETA_HEADERS for v in headers.get(name, "").split(",") if v.strip()}
    if betas:
        found[Feature.BETA_HEADERS] = frozenset(betas)
    return found


def refused_feature(
    used: Mapping[Feature, frozenset[str]], groups: Mapping[str, ProviderFeatures]
) -> FeatureDecision | None:
    """The first feature none of the caller's groups allows (with the rule that decided), or None."""
    for feature, values in used.items():
        if not any(_allows(settings, feature, values) for settings in groups.values()):
            group = next(iter(groups), "default")
            return FeatureDecision(feature, f"groups.{group}.provider_features.{feature.value}")
    return None


def check_features(
    policy: Policy, exchange: Exchange, identity: Identity, body: Mapping[str, Any], headers: Mapping[str, str]
) -> None:
    """Refuse (403) a request that asks for a provider feature none of the caller's groups allows;
    in monitor mode, record it as denied and let it through (as with unapproved tools)."""
    used = features_used(body, headers)
    if not used:
        return
    groups = policy.effective_groups(identity.groups, identity.group_source)
    settings = {g: policy.document.groups[g].provider_features for g in groups if g in policy.document.groups}
    refused = refused_feature(used, settings)
    if refused is None:
        return
    exchange.decision = AccessDecision.MONITOR_DENY if policy.monitor else AccessDecision.DENY
    exchange.rule = refused.rule
    log.warning(
        "policy_decision",
        request_id=exchange.request_id,
        decision="deny",
        mode="monitor" if policy.monitor else "enforce",
        violation="unapproved_provider_feature",
        feature=refused.feature.value,
        rule=refused.rule,
        policy=policy.id,
        policy_version=policy.version,
        user=identity.user,
        groups=list(groups),
    )
    if not policy.monitor:
        raise PolicyDenied(
            f"The provider feature '{refused.feature.value}' is not approved for your groups ({', '.join(groups)}) "
            f"by AI policy '{policy.id}' version {policy.version} (rule: {refused.rule}).",
            code="provider_feature_not_approved",
        )


def _allows(settings: ProviderFeatures, feature: Feature, values: frozenset[str]) -> bool:
    if feature is Feature.BETA_HEADERS:
        allowed = settings.beta_headers
        return allowed == "allow" or (not isinstance(allowed, str) and values <= frozenset(allowed))
    return bool(getattr(settings, feature.value) == "allow")


__all__ = ["Feature", "FeatureDecision", "check_features", "features_used", "refused_feature"]
