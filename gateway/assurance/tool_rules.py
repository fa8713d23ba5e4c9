"""Probes of the policy's approved-tool rules, one control for them all (``tool_rules_enforced``).

For each policy group, a key of the assurance user in a key group that puts callers in that
group (its own name, or the first of its ``members.key_groups``): each of the group's rules
that approves a model served by an echo provider must let that model answer (200), and a
routed model the key's groups are not approved for must be refused (403 model_not_approved).

Nothing may reach a real provider, even if the approval control were broken: the model to be
refused is served by echo where one is; otherwise the request carries a fresh fake credential
and is sent only while the policy blocks credentials in prompts (enforced), so a broken approval
still stops before sending, at the secrets rule. A rule approving only real providers is listed
as not probed: being accepted there would mean a real provider answering.

The control is one name whatever the policy (control names are a metric label: a fixed, small
set); which rule failed is in ``seen``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

import aiohttp

from gateway.assurance.canaries import Canaries
from gateway.assurance.credentials import RunCredentials
from gateway.assurance.plan import DATA_TARGETS, expectation
from gateway.assurance.probes import UNAPPROVED_CODE, Result, Sent, chat, refusal
from gateway.config.settings import Settings
from gateway.model_names import glob_regex
from gateway.policy.data_rules import Action
from gateway.policy.policy import Policy
from gateway.providers.routing import Router

CONTROL = "tool_rules_enforced"
EXPECTED = "each group's approved echo-served models answer, and a model it is not approved for is refused"
CREDENTIAL_TARGET = next(t for t in DATA_TARGETS if t.control == "credential_blocked")


@dataclass(frozen=True)
class GroupProbe:
    group: str  # the policy group
    key_group: str  # a key group that puts a key in it
    approved: tuple[tuple[str, str], ...]  # (rule, echo-served model it approves)
    untested: tuple[str, ...]  # rules with no echo-served model: accepting them would reach a real provider
    refused: str | None  # a routed model the key's groups may not use
    refused_on_echo: bool  # else the request carries a fake credential the policy blocks


def plan(settings: Settings, policy: Policy) -> tuple[list[GroupProbe], list[str]]:
    """What to probe per group, and why some groups cannot be probed."""
    routed = list(_routed(settings))
    probes: list[GroupProbe] = []
    notes: list[str] = []
    for group, rules in policy.document.groups.items():
        if not rules.approved_tools:
            continue
        key_groups = rules.members.key_groups
        if key_groups is not None and not key_groups:
            notes.append(f"{group}: no key group is a member (SSO only)")
            continue
        key_group = group if key_groups is None else key_groups[0]
        approved: list[tuple[str, str]] = []
        untested: list[str] = []
        for index, tool in enumerate(rules.approved_tools):
            rule = f"groups.{group}.approved_tools[{index}]"
            patterns = [glob_regex(glob) for glob in tool.models]
            echo = [
                model
                for provider, model, is_echo in routed
                if provider == tool.provider and is_echo and any(p.match(model) for p in patterns)
            ]
            if echo and policy.check_tool((key_group,), tool.provider, echo[0]).allowed:
                approved.append((rule, echo[0]))
            else:
                untested.append(rule)
        refused = [
            (not is_echo, model)
            for provider, model, is_echo in routed
            if not policy.check_tool((key_group,), provider, model).allowed
            and settings.providers[provider].type != "anthropic"  # probes speak the OpenAI API
        ]
        refused.sort()  # echo-served first
        first = refused[0] if refused else None
        probes.append(
            GroupProbe(
                group,
                key_group,
                tuple(approved),
                tuple(untested),
                first[1] if first else None,
                first is not None and not first[0],
            )
        )
    return probes, notes


def _routed(settings: Settings) -> Iterator[tuple[str, str, bool]]:
    """(provider, model, served by echo) for each catalogue model that routes to its own provider."""
    router = Router(settings.routes, settings.providers.keys())
    for name, provider in settings.providers.items():
        for model in provider.models:
            route = router.resolve(model)
            if route is not None and route.provider == name:
                yield name, model, provider.type == "echo"


async def make_keys(
    settings: Settings, policy: Policy, credentials: RunCredentials | None
) -> tuple[list[GroupProbe], list[str], dict[str, str] | None]:
    """The plan, its notes, and a key per key group (None: no keys can be made here). Made before the
    run's first request, with the run's other credentials: a probe never waits on the key store."""
    groups, notes = plan(settings, policy)
    if credentials is None or not groups:
        return groups, notes, None
    keys: dict[str, str] = {}
    for key_group in dict.fromkeys(g.key_group for g in groups):
        key = await asyncio.to_thread(credentials.key_for, (key_group,))
        if key is None:
            return groups, notes, None
        keys[key_group] = key
    return groups, notes, keys


async def probe(
    session: aiohttp.ClientSession,
    url: str,
    policy: Policy,
    made: tuple[list[GroupProbe], list[str], dict[str, str] | None],
    canaries: Canaries,
) -> Result:
    groups, notes, keys = made
    if not groups:
        return Result(CONTROL, "skip", EXPECTED, "; ".join(notes) or "no group has approved-tool rules")
    if keys is None:
        return Result(CONTROL, "skip", EXPECTED, "keys for other groups cannot be made here (credentials given)")
    passed: list[str] = []
    failed: list[str] = []
    notes = list(notes)
    for group in groups:
        key = keys[group.key_group]
        for rule, model in group.approved:
            sent = await chat(session, url, key, model, "Reply with OK.")
            (passed if sent.status == 200 else failed).append(f"{rule}: {model} {_status(sent)}")
        outcome = await _refusal(session, url, key, policy, group, canaries)
        if outcome is not None:
            (passed if outcome[0] else failed).append(outcome[1])
        notes.extend(f"{rule}: not probed (no echo-served model)" for rule in group.untested)
    seen = "; ".join([*(f"FAILED {f}" for f in failed), *passed, *notes])
    if failed:
        return Result(CONTROL, "fail", EXPECTED, seen)
    return Result(CONTROL, "pass" if passed else "skip", EXPECTED, seen or "nothing could be probed")


async def _refusal(
    session: aiohttp.ClientSession, url: str, key: str, policy: Policy, group: GroupProbe, canaries: Canaries
) -> tuple[bool, str] | None:
    """(refused as it must be, what was seen); None when no model may be asked safely."""
    model = group.refused
    if model is None:
        return None
    where = f"groups.{group.group}: {model}"
    if policy.monitor:  # nothing is refused in monitor mode: the approval is not enforced, nothing sent
        return False, f"{where} would be let through: the policy is in monitor mode"
    text = "Reply with OK."
    if not group.refused_on_echo:
        credential = expectation(policy, CREDENTIAL_TARGET)
        if credential.action is not Action.BLOCK or credential.off is not None:
            return None  # a broken approval would reach a real provider: not asked
        text = CREDENTIAL_TARGET.template.format(value=canaries.aws_key_id)
    sent = await chat(session, url, key, model, text)
    ok = sent.status == 403 and sent.code == UNAPPROVED_CODE
    return ok, f"{where} {_status(sent)}"


def _status(sent: Sent) -> str:
    return "accepted" if sent.status == 200 else refusal(sent)
